//! The router: finds the endpoint ([`super::routes`]), reads the body (bounded), checks the
//! common parameters (a UTF-8 query, a `uuid` of at most 92 characters), lets a request through
//! Access Manager (a signature with the secret key, or a token: [`super::access`]), inflates
//! compressed bodies, calls the endpoint, and gives every answer the service's headers. Panics
//! in a handler become a 500, never a dropped connection.
//! It must not validate an endpoint's parameters or render a successful answer.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures::FutureExt;

use super::access::{self, AccessGate, Asking};
use super::auth::{self, Verifier};
use super::body::{BodyError, inflate_body, read_body};
use super::errors::{Family, Reply, access_error, forbidden, not_found};
use super::routes::{Route, route};
use crate::pubnub::Timetoken;
use crate::pubnub::wire::CONTENT_TYPE as WIRE_CONTENT_TYPE;
use crate::server::endpoints::access::{AccessFail, Source as AccessSource};
use crate::server::endpoints::params::{self, Query};
use crate::server::endpoints::publish::{Source, Target};
use crate::server::endpoints::{
    access as am, actions, history, presence, publish, subscribe, time,
};
use crate::server::store::Store;

/// The request headers the service allows in CORS (as recorded), whatever a preflight asks.
const CORS_ALLOWED_HEADERS: &str = "Origin, X-Requested-With, Content-Type, Accept";

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
    let reply = match AssertUnwindSafe(handle(&app, req)).catch_unwind().await {
        Ok(reply) => reply,
        Err(_) => {
            tracing::error!("a request handler panicked");
            Family::Other.internal(app.store.now())
        }
    };
    finish(reply)
}

/// A request as read, for the Access Manager decision.
struct Received<'a> {
    method: &'a Method,
    path: &'a str,
    route: Route<'a>,
    query: &'a Query,
    raw_body: &'a [u8],
}

/// Lets the request through, or answers why not: on an open server everything but grant and
/// revoke goes through; with a secret key a signed request is the keyset's server (its
/// signature must hold), and any other needs a token allowing what it touches.
fn authorize(app: &ServerState, r: &Received<'_>, now: Timetoken) -> Option<Reply> {
    let family = r.route.family();
    let (Some(verifier), Some(gate)) = (&app.auth, &app.access) else {
        return r.route.is_admin_only().then(|| not_enabled(r.route));
    };
    if matches!(r.route, Route::Time) {
        return None;
    }
    let (raw_sub_key, channels) = r.route.keys();
    let sub_key = params::decode_segment(raw_sub_key, "subscribe key").unwrap_or_default();
    if r.route.is_admin_only() || r.query.get("signature").is_some() {
        let signed = auth::Signed {
            method: r.method.as_str(),
            path: r.path,
            query: r.query,
            body: r.raw_body,
            sub_key: &sub_key,
            publish_post: matches!(
                r.route,
                Route::Publish(Target {
                    source: Source::Body | Source::LargeBody,
                    ..
                })
            ),
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
    let touches = match r.route.touches(r.query) {
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
    let received = Received {
        method: &parts.method,
        path,
        route,
        query: &query,
        raw_body: &raw_body,
    };
    if let Some(refused) = authorize(app, &received, now) {
        return refused;
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
    let (q, store) = (&query, &app.store);
    let handled = match route {
        Route::Time => time::time(store),
        Route::Publish(target) => {
            let keyset = app.auth.as_ref().map(Verifier::publish_key);
            publish::publish(store, keyset, target, q, &body).await
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
        Route::Subscribe { sub_key, channels } => {
            subscribe::subscribe(store, app.long_poll, sub_key, channels, q).await
        }
        Route::Presence {
            sub_key,
            channels,
            leave,
        } => presence::presence(sub_key, channels, leave),
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

fn finish(reply: Reply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(WIRE_CONTENT_TYPE));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    h.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(CORS_ALLOWED_HEADERS),
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
