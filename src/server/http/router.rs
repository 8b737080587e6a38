//! The router: matches PubNub's paths by their raw segments, reads the body (bounded), checks
//! signatures, inflates compressed bodies, calls the endpoint, and gives every answer the
//! service's headers. Panics in a handler become a 500, never a dropped connection.
//! It must not validate an endpoint's parameters or render a successful answer.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_HEADERS, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures::FutureExt;

use super::auth::{self, Verifier};
use super::body::{BodyError, inflate_body, read_body};
use super::errors::{Family, Reply, forbidden, not_found};
use crate::pubnub::Timetoken;
use crate::pubnub::wire::CONTENT_TYPE as WIRE_CONTENT_TYPE;
use crate::server::endpoints::params::{self, Query};
use crate::server::endpoints::publish::{Source, Target};
use crate::server::endpoints::{actions, history, presence, publish, subscribe, time};
use crate::server::store::Store;

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

/// The endpoint a request is for, with its raw (still percent-encoded) path parts.
#[derive(Debug, Clone, Copy)]
enum Route<'a> {
    Time,
    Publish(Target<'a>),
    AddAction {
        sub_key: &'a str,
        channel: &'a str,
        message_tt: &'a str,
    },
    RemoveAction {
        sub_key: &'a str,
        channel: &'a str,
        message_tt: &'a str,
        action_tt: &'a str,
    },
    ListActions {
        sub_key: &'a str,
        channel: &'a str,
    },
    History {
        sub_key: &'a str,
        channels: &'a str,
        with_actions: bool,
    },
    Subscribe {
        sub_key: &'a str,
        channels: &'a str,
    },
    Presence {
        sub_key: &'a str,
        channels: &'a str,
        leave: bool,
    },
}

fn route<'a>(method: &Method, segments: &'a [&'a str]) -> Option<Route<'a>> {
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let publish = |pub_key, sub_key, channel, source| {
        Route::Publish(Target {
            pub_key,
            sub_key,
            channel,
            source,
        })
    };
    Some(match segments {
        ["time", "0"] if get => Route::Time,
        ["publish", pk, sk, _, ch, _, message @ ..] if get && !message.is_empty() => {
            publish(pk, sk, ch, Source::Path(message))
        }
        ["publish", pk, sk, _, ch, _] if post => publish(pk, sk, ch, Source::Body),
        ["v2", "publish", pk, sk, _, ch, _] if post => publish(pk, sk, ch, Source::LargeBody),
        ["v1", "message-actions", sk, "channel", ch] if get => Route::ListActions {
            sub_key: sk,
            channel: ch,
        },
        ["v1", "message-actions", sk, "channel", ch, "message", mt] if post => Route::AddAction {
            sub_key: sk,
            channel: ch,
            message_tt: mt,
        },
        [
            "v1",
            "message-actions",
            sk,
            "channel",
            ch,
            "message",
            mt,
            "action",
            at,
        ] if *method == Method::DELETE => Route::RemoveAction {
            sub_key: sk,
            channel: ch,
            message_tt: mt,
            action_tt: at,
        },
        ["v3", "history", "sub-key", sk, "channel", chs] if get => Route::History {
            sub_key: sk,
            channels: chs,
            with_actions: false,
        },
        ["v3", "history-with-actions", "sub-key", sk, "channel", ch] if get => Route::History {
            sub_key: sk,
            channels: ch,
            with_actions: true,
        },
        ["v2", "subscribe", sk, chs, _] if get => Route::Subscribe {
            sub_key: sk,
            channels: chs,
        },
        ["v2", "presence", "sub-key", sk, "channel", chs, "leave"] if get => Route::Presence {
            sub_key: sk,
            channels: chs,
            leave: true,
        },
        ["v2", "presence", "sub-key", sk, "channel", chs, "heartbeat"] if get => Route::Presence {
            sub_key: sk,
            channels: chs,
            leave: false,
        },
        _ => return None,
    })
}

impl Route<'_> {
    fn family(&self) -> Family {
        match self {
            Route::Time => Family::Time,
            Route::Publish(_) => Family::Publish,
            Route::AddAction { .. } | Route::RemoveAction { .. } | Route::ListActions { .. } => {
                Family::Actions
            }
            Route::History { .. } => Family::History,
            Route::Subscribe { .. } => Family::Subscribe,
            Route::Presence { .. } => Family::Presence,
        }
    }

    /// `(sub key, channels)` as sent, for signatures and 403 bodies.
    fn keys(&self) -> (&str, &str) {
        match *self {
            Route::Time => ("", ""),
            Route::Publish(t) => (t.sub_key, t.channel),
            Route::AddAction {
                sub_key, channel, ..
            }
            | Route::RemoveAction {
                sub_key, channel, ..
            }
            | Route::ListActions { sub_key, channel } => (sub_key, channel),
            Route::History {
                sub_key, channels, ..
            }
            | Route::Subscribe { sub_key, channels }
            | Route::Presence {
                sub_key, channels, ..
            } => (sub_key, channels),
        }
    }
}

/// The one handler behind every path.
async fn dispatch(State(app): State<Arc<ServerState>>, req: Request) -> Response {
    let preflight_headers = (req.method() == Method::OPTIONS)
        .then(|| req.headers().get(ACCESS_CONTROL_REQUEST_HEADERS).cloned())
        .flatten();
    let reply = match AssertUnwindSafe(handle(&app, req)).catch_unwind().await {
        Ok(reply) => reply,
        Err(_) => {
            tracing::error!("a request handler panicked");
            Family::Other.internal(app.store.now())
        }
    };
    finish(reply, preflight_headers)
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
            publish_post: matches!(
                route,
                Route::Publish(Target {
                    source: Source::Body | Source::LargeBody,
                    ..
                })
            ),
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
    };
    handled.map_or_else(|fail| family.fail(fail, now), Reply::ok)
}

fn finish(reply: Reply, preflight_headers: Option<HeaderValue>) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(WIRE_CONTENT_TYPE));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(requested) = preflight_headers {
        h.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<&str> {
        path.trim_start_matches('/').split('/').collect()
    }

    #[test]
    fn routes_match_the_documented_paths_and_methods() {
        let s = segs("/publish/pk/sk/0/ch/0/%7B%22a%22%3A%22b%2Fc%22%7D");
        assert!(
            matches!(route(&Method::GET, &s), Some(Route::Publish(Target { source: Source::Path(m), .. })) if m.len() == 1)
        );
        let s = segs("/publish/pk/sk/0/ch/0/{\"a\":\"b/c\"}");
        assert!(
            matches!(route(&Method::GET, &s), Some(Route::Publish(Target { source: Source::Path(m), .. })) if m.len() == 2)
        );
        assert!(route(&Method::GET, &segs("/publish/pk/sk/0/ch/0")).is_none());
        assert!(matches!(
            route(&Method::POST, &segs("/v2/publish/pk/sk/0/ch/0")),
            Some(Route::Publish(_))
        ));
        assert!(matches!(
            route(
                &Method::DELETE,
                &segs("/v1/message-actions/sk/channel/c/message/1/action/2")
            ),
            Some(Route::RemoveAction { .. })
        ));
        assert!(
            route(
                &Method::GET,
                &segs("/v1/message-actions/sk/channel/c/message/1/action/2")
            )
            .is_none()
        );
        assert!(matches!(
            route(
                &Method::GET,
                &segs("/v3/history-with-actions/sub-key/sk/channel/c")
            ),
            Some(Route::History {
                with_actions: true,
                ..
            })
        ));
        assert!(matches!(
            route(&Method::GET, &segs("/v2/subscribe/sk/a,b/0")),
            Some(Route::Subscribe {
                channels: "a,b",
                ..
            })
        ));
        assert!(route(&Method::GET, &segs("/v1/nothing")).is_none());
    }
}
