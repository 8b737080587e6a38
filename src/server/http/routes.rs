//! Which endpoint a request is for ([`route`], by the raw segments of its path and its
//! method), the error shape of its family, and what it touches for Access Manager
//! ([`Route::touches`]: each channel, group or uuid object with the permission its endpoint
//! declares). An endpoint added to the server adds its variant here and declares its touches.
//! It must not run an endpoint or decide on access.

use axum::http::Method;

use super::errors::Family;
use crate::server::endpoints::params::{self, InputError, Query};
use crate::server::endpoints::publish::{Source, Target};
use crate::server::endpoints::touch::Touch;
use crate::server::endpoints::{actions, history, presence, publish, subscribe};

/// The endpoint a request is for, with its raw (still percent-encoded) path parts.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
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
    /// Access Manager: mint a token (signed requests only).
    Grant {
        sub_key: &'a str,
    },
    /// Access Manager: revoke a token (signed requests only).
    Revoke {
        sub_key: &'a str,
        token: &'a str,
    },
}

pub fn route<'a>(method: &Method, segments: &'a [&'a str]) -> Option<Route<'a>> {
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
        ["v3", "pam", sk, "grant"] if post => Route::Grant { sub_key: sk },
        ["v3", "pam", sk, "grant", token] if *method == Method::DELETE => {
            Route::Revoke { sub_key: sk, token }
        }
        _ => return None,
    })
}

impl Route<'_> {
    pub fn family(&self) -> Family {
        match self {
            Route::Time => Family::Time,
            Route::Publish(_) => Family::Publish,
            Route::AddAction { .. } | Route::RemoveAction { .. } | Route::ListActions { .. } => {
                Family::Actions
            }
            Route::History { .. } => Family::History,
            Route::Subscribe { .. } => Family::Subscribe,
            Route::Presence { .. } => Family::Presence,
            Route::Grant { .. } | Route::Revoke { .. } => Family::Access,
        }
    }

    /// Grant and revoke: only the keyset's server (a request signed with the secret) may.
    pub fn is_admin_only(&self) -> bool {
        matches!(self, Route::Grant { .. } | Route::Revoke { .. })
    }

    /// The largest body this endpoint takes, when it is below the server's limit.
    pub fn max_body(&self) -> Option<usize> {
        match self {
            Route::AddAction { .. } => Some(actions::MAX_ADD_BODY_BYTES),
            _ => None,
        }
    }

    /// What the request touches, each with the permission its endpoint declares. Nothing for
    /// time and a presence leave (they need no permission) and for grant and revoke (admin
    /// only). Channel names are decoded and checked here, so a bad one is a 400 first.
    pub fn touches(&self, q: &Query) -> Result<Vec<Touch>, InputError> {
        let each = |raw: &str, needs| -> Result<Vec<Touch>, InputError> {
            let list = params::channel_list(raw)?;
            Ok(list.into_iter().map(|c| Touch::channel(c, needs)).collect())
        };
        let one = |raw: &str, needs| Ok(vec![Touch::channel(params::channel(raw)?, needs)]);
        match *self {
            Route::Time | Route::Grant { .. } | Route::Revoke { .. } => Ok(Vec::new()),
            Route::Presence { leave: true, .. } => Ok(Vec::new()),
            Route::Publish(t) => one(t.channel, publish::NEEDS),
            Route::AddAction { channel, .. } => one(channel, actions::ADD_NEEDS),
            Route::RemoveAction { channel, .. } => one(channel, actions::REMOVE_NEEDS),
            Route::ListActions { channel, .. } => one(channel, actions::LIST_NEEDS),
            Route::History { channels, .. } => each(channels, history::NEEDS),
            Route::Presence { channels, .. } => each(channels, presence::HEARTBEAT_NEEDS),
            Route::Subscribe { channels, .. } => {
                let mut touches = each(channels, subscribe::NEEDS)?;
                let groups = q.get("channel-group").unwrap_or_default();
                touches.extend(
                    groups
                        .split(',')
                        .filter(|g| !g.is_empty())
                        .map(|g| Touch::group(g, subscribe::NEEDS)),
                );
                Ok(touches)
            }
        }
    }

    /// `(sub key, channels)` as sent, for signatures and 403 bodies.
    pub fn keys(&self) -> (&str, &str) {
        match *self {
            Route::Time => ("", ""),
            Route::Grant { sub_key } | Route::Revoke { sub_key, .. } => (sub_key, ""),
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
        assert!(matches!(
            route(&Method::POST, &segs("/v3/pam/sk/grant")),
            Some(Route::Grant { sub_key: "sk" })
        ));
        assert!(matches!(
            route(&Method::DELETE, &segs("/v3/pam/sk/grant/qEF2%3D%3D")),
            Some(Route::Revoke {
                token: "qEF2%3D%3D",
                ..
            })
        ));
        assert!(route(&Method::GET, &segs("/v3/pam/sk/grant")).is_none());
    }

    #[test]
    fn every_endpoint_declares_what_it_touches() {
        use crate::pubnub::token::{Permissions, Resource};
        let q = Query::parse(Some("channel-group=g1,g2")).unwrap();
        let touches = |path: &str, method: Method| {
            let s = segs(path);
            let r = route(&method, &s).expect("a route");
            r.touches(&q)
                .unwrap()
                .into_iter()
                .map(|t| (t.resource, t.name, t.needs))
                .collect::<Vec<_>>()
        };
        let ch = |n: &str, p| (Resource::Channel, n.to_string(), p);
        assert_eq!(
            touches("/publish/pk/sk/0/a%231/0/%221%22", Method::GET),
            [ch("a#1", Permissions::WRITE)]
        );
        assert_eq!(
            touches("/v1/message-actions/sk/channel/c/message/1", Method::POST),
            [ch("c", Permissions::WRITE)]
        );
        assert_eq!(
            touches(
                "/v1/message-actions/sk/channel/c/message/1/action/2",
                Method::DELETE
            ),
            [ch("c", Permissions::DELETE)]
        );
        assert_eq!(
            touches("/v1/message-actions/sk/channel/c", Method::GET),
            [ch("c", Permissions::READ)]
        );
        assert_eq!(
            touches("/v3/history/sub-key/sk/channel/a,b", Method::GET),
            [ch("a", Permissions::READ), ch("b", Permissions::READ)]
        );
        assert_eq!(
            touches("/v2/subscribe/sk/a/0", Method::GET),
            [
                ch("a", Permissions::READ),
                (Resource::Group, "g1".into(), Permissions::READ),
                (Resource::Group, "g2".into(), Permissions::READ)
            ]
        );
        assert!(touches("/v2/presence/sub-key/sk/channel/a/leave", Method::GET).is_empty());
        assert!(touches("/time/0", Method::GET).is_empty());
        let s = segs("/v3/history/sub-key/sk/channel/a%2Cb");
        assert!(route(&Method::GET, &s).unwrap().touches(&q).is_err());
    }
}
