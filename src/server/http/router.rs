//! The router: matches PubNub's paths by their raw segments ([`super::routes`]), reads the body
//! (bounded), checks signatures, inflates compressed bodies, calls the endpoint, and gives every
//! answer the service's headers (App Context answers `application/json`, as recorded).
//! Panics in a handler become a 500, never a dropped connection.
//! It must not validate an endpoint's parameters or render a successful answer.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_HEADERS, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, IF_MATCH,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures::FutureExt;

use super::auth::{self, Verifier};
use super::body::{BodyError, inflate_body, read_body};
use super::errors::{Family, Reply, forbidden, not_found};
use super::routes::{ObjectMethod, Route, route};
use crate::pubnub::Timetoken;
use crate::pubnub::wire::CONTENT_TYPE as WIRE_CONTENT_TYPE;
use crate::server::endpoints::params::{self, Query};
use crate::server::endpoints::publish::Kind;
use crate::server::endpoints::{actions, history, objects, presence, publish, subscribe, time};
use crate::server::store::Store;

/// The content type of App Context answers (recorded: pubnub/python `objects_v2` fixtures).
const OBJECTS_CONTENT_TYPE: &str = "application/json";

/// State shared by every request.
pub struct ServerState {
    pub store: Store,
    /// An idle subscribe answers with no messages after this.
    pub long_poll: Duration,
    /// Largest request body, before and after inflating.
    pub max_body_bytes: usize,
    /// Signatures are checked when set.
    pub auth: Option<Verifier>,
}

/// The service: every path goes through [`dispatch`].
pub fn service(state: ServerState) -> Router {
    Router::new().fallback(dispatch).with_state(Arc::new(state))
}

/// The one handler behind every path.
async fn dispatch(State(app): State<Arc<ServerState>>, req: Request) -> Response {
    let preflight_headers = (req.method() == Method::OPTIONS)
        .then(|| req.headers().get(ACCESS_CONTROL_REQUEST_HEADERS).cloned())
        .flatten();
    let objects = req.uri().path().starts_with("/v2/objects/");
    let reply = match AssertUnwindSafe(handle(&app, req)).catch_unwind().await {
        Ok(reply) => reply,
        Err(_) => {
            tracing::error!("a request handler panicked");
            Family::Other.internal(app.store.now())
        }
    };
    finish(reply, preflight_headers, objects)
}

async fn handle(app: &ServerState, req: Request) -> Reply {
    let (parts, body) = req.into_parts();
    if parts.method == Method::OPTIONS {
        return Reply::ok(Bytes::new());
    }
    let now = app.store.now();
    let path = parts.uri.path();
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let Some(route) = route(&parts.method, &segments) else {
        tracing::debug!(method = %parts.method, path, "no such endpoint");
        return not_found();
    };
    let family = route.family();
    // What an Access Manager check would be asked about, before anything is read or parsed.
    tracing::trace!(method = %parts.method, path, touches = ?route.touches(), "request");
    let Some(raw_body) = read_body(body, &parts.headers, app.max_body_bytes).await else {
        return family.too_large(now);
    };
    let query = Query::parse(parts.uri.query());
    if let (Some(verifier), false) = (&app.auth, matches!(route, Route::Time)) {
        let (sub_key, channels) = route.keys();
        let signed = auth::Signed {
            method: parts.method.as_str(),
            path,
            query: &query,
            body: &raw_body,
            sub_key: &params::decode_segment(sub_key, "subscribe key").unwrap_or_default(),
            publish_post: route.is_publish_post(),
        };
        if let Err(denied) = verifier.check(&signed, Timetoken::now().unix_seconds()) {
            tracing::debug!(path, ?denied, "request refused");
            let names: Vec<String> = channels
                .split(',')
                .filter(|c| !c.is_empty())
                .filter_map(|c| params::decode_segment(c, "channel").ok())
                .collect();
            return forbidden(denied.message(), &names);
        }
    }
    let encoding = parts
        .headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let body = match inflate_body(&raw_body, encoding, app.max_body_bytes) {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return family.too_large(now),
        Err(BodyError::Corrupt) => {
            return family.error(StatusCode::BAD_REQUEST, "Invalid compressed body", now);
        }
    };
    let (q, store) = (&query, &app.store);
    let keyset = app.auth.as_ref().map(Verifier::publish_key);
    let if_match = parts.headers.get(IF_MATCH).and_then(|v| v.to_str().ok());
    let handled = match route {
        Route::Time => time::time(store),
        Route::Publish(target) => {
            publish::publish(store, keyset, target, q, &body, Kind::Message).await
        }
        Route::Signal(target) => {
            publish::publish(store, keyset, target, q, &body, Kind::Signal).await
        }
        Route::AddAction {
            sub_key,
            channel,
            message_tt,
        } => actions::add(store, sub_key, channel, message_tt, q, &body).await,
        Route::RemoveAction {
            sub_key,
            channel,
            message_tt,
            action_tt,
        } => actions::remove(store, sub_key, channel, message_tt, action_tt, q).await,
        Route::ListActions { sub_key, channel } => actions::list(store, sub_key, channel, q),
        Route::History {
            sub_key,
            channels,
            with_actions,
        } => history::fetch(store, sub_key, channels, q, with_actions),
        Route::MessageCounts { sub_key, channels } => {
            history::message_counts(store, sub_key, channels, q)
        }
        Route::DeleteHistory { sub_key, channels } => {
            history::delete(store, sub_key, channels, q).await
        }
        Route::Subscribe { sub_key, channels } => {
            subscribe::subscribe(store, app.long_poll, sub_key, channels, q).await
        }
        Route::Presence {
            sub_key,
            channels,
            leave,
        } => presence::presence(store, sub_key, channels, leave, q),
        Route::HereNow { sub_key, channels } => presence::here_now(store, sub_key, channels, q),
        Route::WhereNow { sub_key, uuid } => presence::where_now(store, sub_key, uuid),
        Route::Object {
            sub_key,
            kind,
            id,
            method,
        } => match (id, method) {
            (None, _) => objects::list(store, sub_key, kind, q),
            (Some(id), ObjectMethod::Get) => objects::get(store, sub_key, kind, id, q),
            (Some(id), ObjectMethod::Set) => {
                objects::set(store, sub_key, kind, id, q, &body, if_match).await
            }
            (Some(id), ObjectMethod::Remove) => {
                objects::remove(store, sub_key, kind, id, if_match).await
            }
        },
        Route::Memberships {
            sub_key,
            of,
            id,
            set: false,
        } => objects::memberships(store, sub_key, of, id, q),
        Route::Memberships {
            sub_key,
            of,
            id,
            set: true,
        } => objects::set_memberships(store, sub_key, of, id, q, &body).await,
    };
    handled.map_or_else(|fail| family.fail(fail, now), Reply::ok)
}

fn finish(reply: Reply, preflight_headers: Option<HeaderValue>, objects: bool) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    let h = response.headers_mut();
    let (content_type, methods) = match objects {
        true => (OBJECTS_CONTENT_TYPE, "GET, PATCH, DELETE, OPTIONS"),
        false => (WIRE_CONTENT_TYPE, "GET, POST, DELETE, OPTIONS"),
    };
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(requested) = preflight_headers {
        h.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
    response
}
