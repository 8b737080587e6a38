//! The router: finds the endpoint ([`super::routes`]), reads the body (bounded), checks the
//! common parameters (a UTF-8 query, a `uuid` of at most 92 characters), inflates compressed
//! bodies, lets a request through Access Manager (a signature with the secret key, or a token:
//! [`super::access`]), calls the endpoint, and gives every answer the service's headers (App
//! Context answers `application/json`, as recorded). Panics in a handler become a 500, never a
//! dropped connection.
//! It must not validate an endpoint's parameters or render a successful answer.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, IF_MATCH,
};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures::FutureExt;

use super::access::{self, AccessGate, Asking};
use super::auth::{self, Verifier};
use super::body::{BodyError, inflate_body, read_body};
use super::errors::{Family, Reply, access_error, forbidden, not_found};
use super::routes::{Credential, ObjectMethod, Route, route};
use crate::pubnub::Timetoken;
use crate::pubnub::wire::CONTENT_TYPE as WIRE_CONTENT_TYPE;
use crate::server::endpoints::access::{AccessFail, Source as AccessSource};
use crate::server::endpoints::params::{self, Query};
use crate::server::endpoints::publish::Kind;
use crate::server::endpoints::{
    access as am, actions, history, objects, presence, publish, subscribe, time,
};
use crate::server::store::Store;

/// The request headers the service allows in CORS (as recorded), whatever a preflight asks.
const CORS_ALLOWED_HEADERS: &str = "Origin, X-Requested-With, Content-Type, Accept";
/// The same for App Context, whose conditional writes also send `If-Match` (the JS SDK's
/// `ifMatchesEtag`), which a browser could not send otherwise.
const OBJECTS_CORS_ALLOWED_HEADERS: &str =
    "Origin, X-Requested-With, Content-Type, Accept, If-Match";
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
    /// Access Manager: set with the secret key, checks every other request's token.
    pub access: Option<AccessGate>,
}

/// The service: every path goes through [`dispatch`].
pub fn service(state: ServerState) -> Router {
    Router::new().fallback(dispatch).with_state(Arc::new(state))
}

/// The one handler behind every path.
async fn dispatch(State(app): State<Arc<ServerState>>, req: Request) -> Response {
    let objects = req.uri().path().starts_with("/v2/objects/");
    let reply = match AssertUnwindSafe(handle(&app, req)).catch_unwind().await {
        Ok(reply) => reply,
        Err(_) => {
            tracing::error!("a request handler panicked");
            Family::Other.internal(app.store.now())
        }
    };
    finish(reply, objects)
}

/// A request as read, for the Access Manager decision.
struct Received<'a> {
    method: &'a Method,
    path: &'a str,
    route: Route<'a>,
    query: &'a Query,
    /// As received, for the signature.
    raw_body: &'a [u8],
    /// Inflated, for what a memberships PATCH touches.
    body: &'a [u8],
}

/// Lets the request through, or answers why not: on an open server everything but grant and
/// revoke goes through; with a secret key a signed request is the keyset's server (its
/// signature must hold), a route that asks for the secret is refused without one, one that
/// asks for nothing goes through, and any other needs a token allowing what it touches.
fn authorize(app: &ServerState, r: &Received<'_>, now: Timetoken) -> Option<Reply> {
    let family = r.route.family();
    let (Some(verifier), Some(gate)) = (&app.auth, &app.access) else {
        return r.route.is_access_manager().then(|| not_enabled(r.route));
    };
    if matches!(r.route, Route::Time) {
        return None;
    }
    let (raw_sub_key, channels) = r.route.keys();
    let sub_key = params::decode_segment(raw_sub_key, "subscribe key").unwrap_or_default();
    let credential = r.route.credential();
    if credential == Credential::Secret || r.query.get("signature").is_some() {
        let signed = auth::Signed {
            method: r.method.as_str(),
            path: r.path,
            query: r.query,
            body: r.raw_body,
            sub_key: &sub_key,
            publish_post: r.route.is_publish_post(),
        };
        let denied = verifier
            .check(&signed, Timetoken::now().unix_seconds())
            .err()?;
        tracing::debug!(path = r.path, ?denied, "request refused");
        let names: Vec<String> = channels
            .split(',')
            .filter(|c| !c.is_empty())
            .filter_map(|c| params::decode_segment(c, "channel").ok())
            .collect();
        return Some(forbidden(denied.message(), &names));
    }
    if credential == Credential::None {
        return None;
    }
    let touches = match r.route.touches(r.query, r.body) {
        Ok(touches) => touches,
        Err(e) => return Some(family.bad_input(&e, now)),
    };
    let asking = Asking {
        sub_key: &sub_key,
        auth: r.query.get("auth"),
        uuid: r.query.get("uuid"),
        touches: &touches,
    };
    let refusal = gate.check(&app.store, &asking).err()?;
    tracing::debug!(path = r.path, ?refusal, "token refused");
    Some(access::refused(family, &refusal, &touches))
}

/// Grant or revoke on a server without a secret key.
fn not_enabled(route: Route<'_>) -> Reply {
    let source = match route {
        Route::Revoke { .. } => AccessSource::Revoke,
        _ => AccessSource::Grant,
    };
    let why = "This keyset has no secret key: start the server with one (--secret-key).";
    let fail = AccessFail::new("Access Manager is not enabled", why, "", "path");
    access_error(source, &fail)
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
    let limit = route
        .max_body()
        .map_or(app.max_body_bytes, |m| m.min(app.max_body_bytes));
    let Some(raw_body) = read_body(body, &parts.headers, limit).await else {
        return family.too_large(now);
    };
    let query = match Query::parse(parts.uri.query()) {
        Ok(query) => query,
        Err(e) => return family.bad_input(&e, now),
    };
    if let Err(e) = query.uuid() {
        return family.bad_input(&e, now);
    }
    let encoding = parts
        .headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let body = match inflate_body(&raw_body, encoding, limit) {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return family.too_large(now),
        Err(BodyError::Corrupt) => {
            return family.error(StatusCode::BAD_REQUEST, "Invalid compressed body", now);
        }
    };
    let received = Received {
        method: &parts.method,
        path,
        route,
        query: &query,
        raw_body: &raw_body,
        body: &body,
    };
    if let Some(refused) = authorize(app, &received, now) {
        return refused;
    }
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
        Route::Grant { sub_key } => match &app.access {
            Some(gate) => am::grant(gate.keys(), gate.clock(), sub_key, &body),
            None => return not_enabled(route),
        },
        Route::Revoke { sub_key, token } => match &app.access {
            Some(gate) => am::revoke(store, gate.keys(), gate.clock(), sub_key, token).await,
            None => return not_enabled(route),
        },
    };
    handled.map_or_else(|fail| family.fail(fail, now), Reply::ok)
}

/// The answer with the headers every answer carries (App Context's own on `objects` paths).
fn finish(reply: Reply, objects: bool) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    let h = response.headers_mut();
    let (content_type, methods, allowed) = match objects {
        true => (
            OBJECTS_CONTENT_TYPE,
            "GET, PATCH, DELETE, OPTIONS",
            OBJECTS_CORS_ALLOWED_HEADERS,
        ),
        false => (
            WIRE_CONTENT_TYPE,
            "GET, POST, DELETE, OPTIONS",
            CORS_ALLOWED_HEADERS,
        ),
    };
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(allowed),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(cause) = reply.cause {
        h.insert(
            HeaderName::from_static("x-pn-cause"),
            HeaderValue::from_static(cause),
        );
    }
    response
}
