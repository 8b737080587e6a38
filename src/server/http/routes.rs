//! Which endpoint a request is for ([`route`], by the raw segments of its path and its
//! method), the error shape of its family, the keys its signature covers, and what Access
//! Manager asks of it: which credential ([`Route::credential`]: none, a token, or the secret)
//! and, for a token, what it touches ([`Route::touches`]: each channel, group or uuid object
//! with the permission its endpoint declares, the channels a memberships PATCH names in its
//! body included). An endpoint added to the server adds its variant here and declares both.
//! It must not run an endpoint or decide on access.

use axum::http::Method;

use super::errors::Family;
use crate::server::endpoints::params::{self, InputError, Query};
use crate::server::endpoints::publish::{Source, Target};
use crate::server::endpoints::touch::Touch;
use crate::server::endpoints::{actions, history, objects, presence, publish, subscribe};
use crate::server::sqlite::ObjectKind;

/// What an App Context route does to one user or channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectMethod {
    Get,
    Set,
    Remove,
}

/// The endpoint a request is for, with its raw (still percent-encoded) path parts.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    Time,
    Publish(Target<'a>),
    Signal(Target<'a>),
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
    MessageCounts {
        sub_key: &'a str,
        channels: &'a str,
    },
    DeleteHistory {
        sub_key: &'a str,
        channels: &'a str,
    },
    Subscribe {
        sub_key: &'a str,
        channels: &'a str,
    },
    /// Heartbeat or leave.
    Presence {
        sub_key: &'a str,
        channels: &'a str,
        leave: bool,
    },
    /// Of some channels, or of the whole keyset (`None`).
    HereNow {
        sub_key: &'a str,
        channels: Option<&'a str>,
    },
    WhereNow {
        sub_key: &'a str,
        uuid: &'a str,
    },
    /// One user or channel (`id`), or a page of them (`id` `None`, `Get` only).
    Object {
        sub_key: &'a str,
        kind: ObjectKind,
        id: Option<&'a str>,
        method: ObjectMethod,
    },
    /// A user's memberships (`of` [`ObjectKind::Uuid`]) or a channel's members: GET, or PATCH
    /// (`set`).
    Memberships {
        sub_key: &'a str,
        of: ObjectKind,
        id: &'a str,
        set: bool,
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

/// What Access Manager (a server with a secret key) asks of a request before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// Nothing: the time, a presence leave and where-now (the service's "none required"). A
    /// signature, when sent, must still hold.
    None,
    /// A valid token of this keyset (or the secret) granting everything the request
    /// [touches](Route::touches); when it touches nothing (listing every user or channel), any
    /// valid token.
    Token,
    /// The keyset's server only, a request signed with the secret: grant, revoke, and
    /// here-now of the whole keyset (no channel to check a token against).
    Secret,
}

fn object_kind(segment: &str) -> Option<ObjectKind> {
    match segment {
        "uuids" => Some(ObjectKind::Uuid),
        "channels" => Some(ObjectKind::Channel),
        _ => None,
    }
}

/// The route of a request, or `None` (404).
pub fn route<'a>(method: &Method, segments: &'a [&'a str]) -> Option<Route<'a>> {
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let delete = *method == Method::DELETE;
    let target = |pub_key, sub_key, channel, source| Target {
        pub_key,
        sub_key,
        channel,
        source,
    };
    Some(match segments {
        ["time", "0"] if get => Route::Time,
        ["publish", pk, sk, _, ch, _, message @ ..] if get && !message.is_empty() => {
            Route::Publish(target(pk, sk, ch, Source::Path(message)))
        }
        ["publish", pk, sk, _, ch, _] if post => Route::Publish(target(pk, sk, ch, Source::Body)),
        ["v2", "publish", pk, sk, _, ch, _] if post => {
            Route::Publish(target(pk, sk, ch, Source::LargeBody))
        }
        ["signal", pk, sk, _, ch, _, message @ ..] if get && !message.is_empty() => {
            Route::Signal(target(pk, sk, ch, Source::Path(message)))
        }
        ["signal", pk, sk, _, ch, _] if post => Route::Signal(target(pk, sk, ch, Source::Body)),
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
        ] if delete => Route::RemoveAction {
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
        ["v3", "history", "sub-key", sk, "channel", chs] if delete => Route::DeleteHistory {
            sub_key: sk,
            channels: chs,
        },
        ["v3", "history", "sub-key", sk, "message-counts", chs] if get => Route::MessageCounts {
            sub_key: sk,
            channels: chs,
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
        [
            "v2",
            "presence",
            "sub-key",
            sk,
            "channel",
            chs,
            action @ ("leave" | "heartbeat"),
        ] if get => Route::Presence {
            sub_key: sk,
            channels: chs,
            leave: *action == "leave",
        },
        ["v2", "presence", "sub-key", sk, "channel", chs] if get => Route::HereNow {
            sub_key: sk,
            channels: Some(chs),
        },
        ["v2", "presence", "sub-key", sk] if get => Route::HereNow {
            sub_key: sk,
            channels: None,
        },
        ["v2", "presence", "sub-key", sk, "uuid", uuid] if get => {
            Route::WhereNow { sub_key: sk, uuid }
        }
        ["v2", "objects", sk, kind] if get => Route::Object {
            sub_key: sk,
            kind: object_kind(kind)?,
            id: None,
            method: ObjectMethod::Get,
        },
        ["v2", "objects", sk, kind, id] => Route::Object {
            sub_key: sk,
            kind: object_kind(kind)?,
            id: Some(id),
            method: match method.as_str() {
                "GET" => ObjectMethod::Get,
                "PATCH" => ObjectMethod::Set,
                "DELETE" => ObjectMethod::Remove,
                _ => return None,
            },
        },
        ["v2", "objects", sk, of, id, other] => {
            let of = object_kind(of)?;
            if object_kind(other)? != of.other() {
                return None;
            }
            Route::Memberships {
                sub_key: sk,
                of,
                id,
                set: match method.as_str() {
                    "GET" => false,
                    "PATCH" => true,
                    _ => return None,
                },
            }
        }
        ["v3", "pam", sk, "grant"] if post => Route::Grant { sub_key: sk },
        ["v3", "pam", sk, "grant", token] if delete => Route::Revoke { sub_key: sk, token },
        _ => return None,
    })
}

impl<'a> Route<'a> {
    /// The error shape of the endpoint.
    pub fn family(&self) -> Family {
        match self {
            Route::Time => Family::Time,
            Route::Publish(_) | Route::Signal(_) => Family::Publish,
            Route::AddAction { .. } | Route::RemoveAction { .. } | Route::ListActions { .. } => {
                Family::Actions
            }
            Route::History { .. } | Route::MessageCounts { .. } | Route::DeleteHistory { .. } => {
                Family::History
            }
            Route::Subscribe { .. } => Family::Subscribe,
            Route::Presence { .. } | Route::HereNow { .. } | Route::WhereNow { .. } => {
                Family::Presence
            }
            Route::Object { kind, .. } => Family::Objects(*kind),
            Route::Memberships { of, .. } => Family::Objects(*of),
            Route::Grant { .. } | Route::Revoke { .. } => Family::Access,
        }
    }

    /// Grant and revoke: Access Manager's own endpoints, which need a secret key on the server.
    pub fn is_access_manager(&self) -> bool {
        matches!(self, Route::Grant { .. } | Route::Revoke { .. })
    }

    /// What Access Manager asks of the request (see [`Credential`]).
    pub fn credential(&self) -> Credential {
        match self {
            Route::Time | Route::Presence { leave: true, .. } | Route::WhereNow { .. } => {
                Credential::None
            }
            Route::Grant { .. } | Route::Revoke { .. } | Route::HereNow { channels: None, .. } => {
                Credential::Secret
            }
            _ => Credential::Token,
        }
    }

    /// The largest body this endpoint takes, when it is below the server's limit.
    pub fn max_body(&self) -> Option<usize> {
        match self {
            Route::AddAction { .. } => Some(actions::MAX_ADD_BODY_BYTES),
            _ => None,
        }
    }

    /// POST `/publish` or `/v2/publish`: signature v1 and v2-as-GET are also accepted.
    pub fn is_publish_post(&self) -> bool {
        matches!(
            self,
            Route::Publish(Target {
                source: Source::Body | Source::LargeBody,
                ..
            })
        )
    }

    /// What a request asking for a [`Credential::Token`] touches, each with the permission its
    /// endpoint declares; nothing for the other routes, and for a page of every user or
    /// channel. Channel names and object ids are decoded and checked here (and a memberships
    /// PATCH's body, `body` inflated), so a bad one is a 400 first.
    pub fn touches(&self, q: &Query, body: &[u8]) -> Result<Vec<Touch>, InputError> {
        let each = |raw: &str, needs| -> Result<Vec<Touch>, InputError> {
            let list = params::channel_list(raw)?;
            Ok(list.into_iter().map(|c| Touch::channel(c, needs)).collect())
        };
        let one = |raw: &str, needs| Ok(vec![Touch::channel(params::channel(raw)?, needs)]);
        let object = |kind: ObjectKind, raw: &str, needs| -> Result<Touch, InputError> {
            let id = objects::object_id(kind, raw)?;
            Ok(match kind {
                ObjectKind::Uuid => Touch::uuid(id, needs),
                ObjectKind::Channel => Touch::channel(id, needs),
            })
        };
        match *self {
            Route::Time
            | Route::Grant { .. }
            | Route::Revoke { .. }
            | Route::Presence { leave: true, .. }
            | Route::WhereNow { .. }
            | Route::HereNow { channels: None, .. }
            | Route::Object { id: None, .. } => Ok(Vec::new()),
            Route::Publish(t) => one(t.channel, publish::NEEDS),
            Route::Signal(t) => one(t.channel, publish::SIGNAL_NEEDS),
            Route::AddAction { channel, .. } => one(channel, actions::ADD_NEEDS),
            Route::RemoveAction { channel, .. } => one(channel, actions::REMOVE_NEEDS),
            Route::ListActions { channel, .. } => one(channel, actions::LIST_NEEDS),
            Route::History { channels, .. } => each(channels, history::NEEDS),
            Route::MessageCounts { channels, .. } => each(channels, history::COUNTS_NEEDS),
            Route::DeleteHistory { channels, .. } => each(channels, history::DELETE_NEEDS),
            Route::Presence { channels, .. } => each(channels, presence::HEARTBEAT_NEEDS),
            Route::HereNow {
                channels: Some(channels),
                ..
            } => each(channels, presence::HERE_NOW_NEEDS),
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
            Route::Object {
                kind,
                id: Some(id),
                method,
                ..
            } => {
                let needs = match method {
                    ObjectMethod::Get => objects::GET_NEEDS,
                    ObjectMethod::Set => objects::SET_NEEDS,
                    ObjectMethod::Remove => objects::REMOVE_NEEDS,
                };
                Ok(vec![object(kind, id, needs)?])
            }
            Route::Memberships { of, id, set, .. } => match (of, set) {
                (_, false) => Ok(vec![object(of, id, objects::GET_NEEDS)?]),
                (ObjectKind::Channel, true) => {
                    Ok(vec![object(of, id, objects::SET_MEMBERS_NEEDS)?])
                }
                (ObjectKind::Uuid, true) => {
                    let mut touches = vec![object(of, id, objects::SET_NEEDS)?];
                    touches.extend(
                        objects::membership_channels(body)?
                            .into_iter()
                            .map(|c| Touch::channel(c, objects::JOIN_NEEDS)),
                    );
                    Ok(touches)
                }
            },
        }
    }

    /// `(sub key, channels)` as sent, for signatures and 403 bodies.
    pub fn keys(&self) -> (&str, &str) {
        match *self {
            Route::Time => ("", ""),
            Route::Grant { sub_key } | Route::Revoke { sub_key, .. } => (sub_key, ""),
            Route::Publish(t) | Route::Signal(t) => (t.sub_key, t.channel),
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
            | Route::MessageCounts { sub_key, channels }
            | Route::DeleteHistory { sub_key, channels }
            | Route::Subscribe { sub_key, channels }
            | Route::Presence {
                sub_key, channels, ..
            } => (sub_key, channels),
            Route::HereNow { sub_key, channels } => (sub_key, channels.unwrap_or("")),
            Route::WhereNow { sub_key, .. }
            | Route::Object { sub_key, .. }
            | Route::Memberships { sub_key, .. } => (sub_key, ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::token::{Permissions, Resource};

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
    fn the_chat_sdk_paths_route() {
        let r = |m: Method, p: &str| route(&m, &segs(p)).map(|r| r.family());
        assert_eq!(
            r(Method::GET, "/signal/pk/sk/0/c/0/%7B%7D"),
            Some(Family::Publish)
        );
        assert_eq!(
            r(Method::DELETE, "/v3/history/sub-key/sk/channel/c"),
            Some(Family::History)
        );
        assert_eq!(
            r(Method::GET, "/v3/history/sub-key/sk/message-counts/a,b"),
            Some(Family::History)
        );
        assert!(matches!(
            route(&Method::GET, &segs("/v2/presence/sub-key/sk/channel/a")),
            Some(Route::HereNow {
                channels: Some("a"),
                ..
            })
        ));
        assert!(matches!(
            route(&Method::GET, &segs("/v2/presence/sub-key/sk/uuid/bob")),
            Some(Route::WhereNow { uuid: "bob", .. })
        ));
        assert!(matches!(
            route(&Method::PATCH, &segs("/v2/objects/sk/uuids/alice")),
            Some(Route::Object {
                kind: ObjectKind::Uuid,
                method: ObjectMethod::Set,
                ..
            })
        ));
        assert!(matches!(
            route(&Method::GET, &segs("/v2/objects/sk/channels")),
            Some(Route::Object { id: None, .. })
        ));
        assert!(route(&Method::PATCH, &segs("/v2/objects/sk/channels")).is_none());
        assert!(matches!(
            route(&Method::PATCH, &segs("/v2/objects/sk/channels/g/uuids")),
            Some(Route::Memberships {
                of: ObjectKind::Channel,
                set: true,
                ..
            })
        ));
        assert!(route(&Method::GET, &segs("/v2/objects/sk/channels/g/channels")).is_none());
        assert!(route(&Method::DELETE, &segs("/v2/objects/sk/uuids/a/channels")).is_none());
        assert!(route(&Method::GET, &segs("/v2/objects/sk/spaces/a")).is_none());
    }

    type Touched = (Resource, String, Permissions);

    /// The touches of `method path` with the query of `q` and `body`.
    fn touched(method: Method, path: &str, q: &Query, body: &[u8]) -> Vec<Touched> {
        let s = segs(path);
        let r = route(&method, &s).expect("a route");
        assert_eq!(r.credential(), Credential::Token, "{path}");
        r.touches(q, body)
            .unwrap()
            .into_iter()
            .map(|t| (t.resource, t.name, t.needs))
            .collect()
    }

    fn ch(name: &str, needs: Permissions) -> Touched {
        (Resource::Channel, name.to_string(), needs)
    }

    #[test]
    fn every_endpoint_declares_what_it_touches() {
        let q = Query::parse(Some("channel-group=g1,g2")).unwrap();
        let touches = |path: &str, method: Method| touched(method, path, &q, b"");
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
        let s = segs("/v3/history/sub-key/sk/channel/a%2Cb");
        assert!(route(&Method::GET, &s).unwrap().touches(&q, b"").is_err());
    }

    /// `METHOD path [body] => kind:name:permission ...` for each Chat SDK endpoint, `kind`
    /// `channel` or `uuid` (a user object).
    const CHAT_SDK_TOUCHES: &str = r#"
GET /signal/pk/sk/0/c/0/1 => channel:c:write
GET /v3/history/sub-key/sk/message-counts/a,b => channel:a:read channel:b:read
DELETE /v3/history/sub-key/sk/channel/c => channel:c:delete
GET /v2/presence/sub-key/sk/channel/a,b => channel:a:read channel:b:read
GET /v2/presence/sub-key/sk/channel/a/heartbeat => channel:a:read
GET /v2/objects/sk/uuids/b%40b => uuid:b@b:get
PATCH /v2/objects/sk/uuids/bob => uuid:bob:update
DELETE /v2/objects/sk/uuids/bob => uuid:bob:delete
GET /v2/objects/sk/channels/c => channel:c:get
PATCH /v2/objects/sk/channels/c => channel:c:update
DELETE /v2/objects/sk/channels/c => channel:c:delete
GET /v2/objects/sk/uuids/bob/channels => uuid:bob:get
GET /v2/objects/sk/channels/c/uuids => channel:c:get
PATCH /v2/objects/sk/channels/c/uuids {"set":[{"uuid":{"id":"bob"}}]} => channel:c:manage
PATCH /v2/objects/sk/uuids/bob/channels {"set":[{"channel":{"id":"a"}}],"delete":[{"channel":{"id":"b"}}]} => uuid:bob:update channel:a:join channel:b:join
GET /v2/objects/sk/uuids =>
"#;

    #[test]
    fn the_chat_sdk_endpoints_declare_what_they_touch() {
        let q = Query::parse(None).unwrap();
        for line in CHAT_SDK_TOUCHES.lines().filter(|l| !l.is_empty()) {
            let (request, expected) = line.split_once(" =>").unwrap();
            let mut words = request.splitn(3, ' ');
            let method: Method = words.next().unwrap().parse().unwrap();
            let path = words.next().unwrap();
            let body = words.next().unwrap_or_default().as_bytes();
            let expected: Vec<Touched> = expected
                .split_whitespace()
                .map(|t| {
                    let [kind, name, permission] = t.split(':').collect::<Vec<_>>()[..] else {
                        panic!("{line}");
                    };
                    let resource = match kind {
                        "uuid" => Resource::Uuid,
                        _ => Resource::Channel,
                    };
                    (
                        resource,
                        name.into(),
                        Permissions::named(permission).unwrap(),
                    )
                })
                .collect();
            assert_eq!(touched(method, path, &q, body), expected, "{line}");
        }
        let s = segs("/v2/objects/sk/uuids/bob/channels");
        let r = route(&Method::PATCH, &s).unwrap();
        assert!(
            r.touches(&q, b"{nope").is_err(),
            "a bad body is a 400 first"
        );
        let long = format!("/v2/objects/sk/uuids/{}", "a".repeat(93));
        let s = segs(&long);
        assert!(route(&Method::GET, &s).unwrap().touches(&q, b"").is_err());
    }

    #[test]
    fn what_each_route_asks_for() {
        let (get, post) = (Method::GET, Method::POST);
        for (method, path, credential) in [
            (&get, "/time/0", Credential::None),
            (
                &get,
                "/v2/presence/sub-key/sk/channel/a/leave",
                Credential::None,
            ),
            (&get, "/v2/presence/sub-key/sk/uuid/bob", Credential::None),
            (&get, "/v2/presence/sub-key/sk", Credential::Secret),
            (&post, "/v3/pam/sk/grant", Credential::Secret),
            (&get, "/v2/objects/sk/channels", Credential::Token),
        ] {
            let s = segs(path);
            assert_eq!(
                route(method, &s).unwrap().credential(),
                credential,
                "{path}"
            );
        }
    }
}
