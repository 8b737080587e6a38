//! Which endpoint a request is for, by its method and raw (still percent-encoded) path
//! segments: [`Route`]. Each route also says which error shape it answers in
//! ([`Route::family`]), which keys its signature covers ([`Route::keys`]) and which resource it
//! touches with which permission ([`Route::touches`]), so that a per-endpoint permission check
//! (Access Manager) can be slotted in front of every endpoint.
//! It must not read bodies or parse parameters: the router and the endpoints do.

use axum::http::Method;

use super::errors::Family;
use crate::server::endpoints::publish::{Source, Target};
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
        _ => return None,
    })
}

/// What a request may need from an Access Manager token (reference access-manager-v3.md,
/// "Permission bits" and "Permission per operation").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Read,
    Write,
    Manage,
    Delete,
    Get,
    Update,
}

/// The resource a request touches, named as in its path (raw, still percent-encoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// Nothing that needs a permission (time, leave).
    Nothing,
    /// The whole keyset (listing every user or channel, here-now of every channel).
    Keyset,
    /// One or more channels, comma-joined.
    Channels(&'a str),
    /// One user's metadata.
    Uuid(&'a str),
}

/// One resource and the permission a request needs on it. A memberships PATCH also needs
/// `join` (128) on each channel its body names: a check must read those from the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch<'a> {
    pub resource: Resource<'a>,
    pub permission: Permission,
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
        }
    }

    /// `(sub key, channels)` as sent, for signatures and 403 bodies.
    pub fn keys(&self) -> (&str, &str) {
        match *self {
            Route::Time => ("", ""),
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

    /// The resource the request touches and the permission it needs there.
    pub fn touches(&self) -> Touch<'a> {
        use Permission::*;
        let (resource, permission) = match *self {
            Route::Time => (Resource::Nothing, Read),
            Route::Publish(t) | Route::Signal(t) => (Resource::Channels(t.channel), Write),
            Route::AddAction { channel, .. } => (Resource::Channels(channel), Write),
            Route::RemoveAction { channel, .. } => (Resource::Channels(channel), Delete),
            Route::ListActions { channel, .. } => (Resource::Channels(channel), Read),
            Route::History { channels, .. }
            | Route::MessageCounts { channels, .. }
            | Route::Subscribe { channels, .. } => (Resource::Channels(channels), Read),
            Route::DeleteHistory { channels, .. } => (Resource::Channels(channels), Delete),
            Route::Presence { leave: true, .. } => (Resource::Nothing, Read),
            Route::Presence { channels, .. } => (Resource::Channels(channels), Read),
            Route::HereNow {
                channels: Some(channels),
                ..
            } => (Resource::Channels(channels), Read),
            Route::HereNow { channels: None, .. } => (Resource::Keyset, Read),
            Route::WhereNow { uuid, .. } => (Resource::Uuid(uuid), Get),
            Route::Object { id: None, .. } => (Resource::Keyset, Get),
            Route::Object {
                kind,
                id: Some(id),
                method,
                ..
            } => (
                match kind {
                    ObjectKind::Uuid => Resource::Uuid(id),
                    ObjectKind::Channel => Resource::Channels(id),
                },
                match method {
                    ObjectMethod::Get => Get,
                    ObjectMethod::Set => Update,
                    ObjectMethod::Remove => Delete,
                },
            ),
            Route::Memberships { of, id, set, .. } => match (of, set) {
                (ObjectKind::Uuid, false) => (Resource::Uuid(id), Get),
                (ObjectKind::Uuid, true) => (Resource::Uuid(id), Update),
                (ObjectKind::Channel, false) => (Resource::Channels(id), Get),
                (ObjectKind::Channel, true) => (Resource::Channels(id), Manage),
            },
        };
        Touch {
            resource,
            permission,
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

    #[test]
    fn every_route_says_what_it_touches() {
        let t = |m: Method, p: &str| {
            let s = segs(p);
            route(&m, &s).map(|r| format!("{:?}", r.touches()))
        };
        let touch = |resource, permission| {
            Some(format!(
                "{:?}",
                Touch {
                    resource,
                    permission
                }
            ))
        };
        assert_eq!(
            t(Method::DELETE, "/v3/history/sub-key/sk/channel/c"),
            touch(Resource::Channels("c"), Permission::Delete)
        );
        assert_eq!(
            t(Method::PATCH, "/v2/objects/sk/uuids/bob/channels"),
            touch(Resource::Uuid("bob"), Permission::Update)
        );
        assert_eq!(
            t(Method::GET, "/v2/objects/sk/uuids"),
            touch(Resource::Keyset, Permission::Get)
        );
        assert_eq!(
            t(Method::GET, "/signal/pk/sk/0/c/0/1"),
            touch(Resource::Channels("c"), Permission::Write)
        );
    }
}
