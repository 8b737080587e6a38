//! App Context answers, as the service writes them (recorded in pubnub/python's fixtures
//! `tests/integrational/fixtures/native_sync/objects_v2/**`): a user
//! `{"id","name","externalId","profileUrl","email","type"?,"status"?,"custom"?,"updated","eTag"}`,
//! a channel `{"id","name","description","type"?,"status"?,"custom"?,"updated","eTag"}`, a
//! membership `{"channel"|"uuid":{..},"type"?,"status"?,"custom"?,"updated","eTag"}`, the
//! answers `{"status":200,"data":..}` and `{"status":200,"data":[..],"totalCount"?,"next"?,"prev"?}`,
//! and the `updated` time as the service writes it: UTC, microseconds with the trailing zeros
//! dropped ("2024-03-07T08:49:04.17135Z", fixture `channel_members/get_channel_members.json`).
//! Pure: which fields and rows an answer holds is decided by the caller.

use super::json::{push_key, push_str};
use crate::server::sqlite::{JoinedMembership, MembershipRow, ObjectKind, ObjectRow};

/// The fields of an object (besides `id`, `updated` and `eTag`, always there) an answer or an
/// event shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Fields {
    pub name: bool,
    pub description: bool,
    pub external_id: bool,
    pub profile_url: bool,
    pub email: bool,
    pub object_type: bool,
    pub status: bool,
    pub custom: bool,
}

/// What the `include` parameter adds to an object or a membership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Include {
    pub custom: bool,
    pub status: bool,
    pub object_type: bool,
}

impl Fields {
    /// What an answer about an object of `kind` shows: its own fields, and what was included.
    pub fn answer(kind: ObjectKind, include: Include) -> Fields {
        let user = kind == ObjectKind::Uuid;
        Fields {
            name: true,
            description: !user,
            external_id: user,
            profile_url: user,
            email: user,
            object_type: include.object_type,
            status: include.status,
            custom: include.custom,
        }
    }
}

/// The membership fields a list shows, and how the object on the other side is shown: `None`
/// as `{"id"}` only, else expanded with these includes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MembershipInclude {
    pub own: Include,
    pub other: Option<Include>,
}

/// `updated` as the service writes it, from microseconds since the Unix epoch.
pub fn updated(micros: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_micros(micros) else {
        return "1970-01-01T00:00:00Z".to_string();
    };
    let mut out = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let fraction = micros.rem_euclid(1_000_000);
    if fraction != 0 {
        let digits = format!("{fraction:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

fn push_opt(out: &mut Vec<u8>, key: &str, v: Option<&str>) {
    out.push(b',');
    push_key(out, key);
    match v {
        Some(v) => push_str(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// `"custom":<compact JSON or null>`, after a comma.
fn push_custom(out: &mut Vec<u8>, custom: Option<&str>) {
    out.extend_from_slice(b",\"custom\":");
    out.extend_from_slice(custom.unwrap_or("null").as_bytes());
}

/// `,"type"?,"status"?,"custom"?,"updated","eTag"}`: the tail objects and memberships share.
fn push_tail(out: &mut Vec<u8>, f: Fields, v: Tail<'_>) {
    if f.object_type {
        push_opt(out, "type", v.object_type);
    }
    if f.status {
        push_opt(out, "status", v.status);
    }
    if f.custom {
        push_custom(out, v.custom);
    }
    push_opt(out, "updated", Some(&updated(v.updated)));
    push_opt(out, "eTag", Some(v.etag));
    out.push(b'}');
}

/// The fields both objects and memberships end with.
#[derive(Clone, Copy)]
struct Tail<'a> {
    object_type: Option<&'a str>,
    status: Option<&'a str>,
    custom: Option<&'a str>,
    updated: i64,
    etag: &'a str,
}

/// Appends one user or channel with the fields `f`.
pub fn push_object(out: &mut Vec<u8>, o: &ObjectRow, f: Fields) {
    out.extend_from_slice(b"{\"id\":");
    push_str(out, &o.id);
    let text = [
        (f.name, "name", &o.name),
        (f.description, "description", &o.description),
        (f.external_id, "externalId", &o.external_id),
        (f.profile_url, "profileUrl", &o.profile_url),
        (f.email, "email", &o.email),
    ];
    for (shown, key, value) in text {
        if shown {
            push_opt(out, key, value.as_deref());
        }
    }
    let tail = Tail {
        object_type: o.object_type.as_deref(),
        status: o.status.as_deref(),
        custom: o.custom.as_deref(),
        updated: o.updated,
        etag: &o.etag,
    };
    push_tail(out, f, tail);
}

fn membership_tail(m: &MembershipRow) -> Tail<'_> {
    Tail {
        object_type: m.object_type.as_deref(),
        status: m.status.as_deref(),
        custom: m.custom.as_deref(),
        updated: m.updated,
        etag: &m.etag,
    }
}

fn include_fields(i: Include) -> Fields {
    Fields {
        object_type: i.object_type,
        status: i.status,
        custom: i.custom,
        ..Fields::default()
    }
}

/// Appends one membership of a list of `of`'s memberships (a user's channels or a channel's
/// members): the object on the other side, then the membership's own fields.
pub fn push_membership(
    out: &mut Vec<u8>,
    of: ObjectKind,
    m: &JoinedMembership,
    include: MembershipInclude,
) {
    let other = of.other();
    out.push(b'{');
    push_key(out, other.as_str());
    let id = match other {
        ObjectKind::Uuid => &m.membership.uuid,
        ObjectKind::Channel => &m.membership.channel,
    };
    match (&m.other, include.other) {
        (Some(o), Some(i)) => push_object(out, o, Fields::answer(other, i)),
        _ => {
            out.extend_from_slice(b"{\"id\":");
            push_str(out, id);
            out.push(b'}');
        }
    }
    push_tail(
        out,
        include_fields(include.own),
        membership_tail(&m.membership),
    );
}

/// `{"status":200,"data":<one object>}`.
pub fn object_answer(o: &ObjectRow, f: Fields) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"status\":200,\"data\":");
    push_object(&mut out, o, f);
    out.push(b'}');
    out
}

/// `{"status":200,"data":null}`: what a removal answers.
pub const REMOVED: &[u8] = br#"{"status":200,"data":null}"#;

/// A page of a list, its items already rendered, and the cursors and count asked for.
#[derive(Debug, Default)]
pub struct Page<'a> {
    pub items: &'a [Vec<u8>],
    pub total: Option<usize>,
    pub next: Option<&'a str>,
    pub prev: Option<&'a str>,
}

/// `{"status":200,"data":[..],"totalCount"?,"next"?,"prev"?}`.
pub fn list_answer(p: &Page<'_>) -> Vec<u8> {
    let len: usize = p.items.iter().map(|i| i.len() + 1).sum();
    let mut out = Vec::with_capacity(len + 96);
    out.extend_from_slice(b"{\"status\":200,\"data\":[");
    for (i, item) in p.items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    if let Some(total) = p.total {
        out.extend_from_slice(format!(",\"totalCount\":{total}").as_bytes());
    }
    for (key, cursor) in [("next", p.next), ("prev", p.prev)] {
        if let Some(c) = cursor {
            out.push(b',');
            push_key(&mut out, key);
            push_str(&mut out, c);
        }
    }
    out.push(b'}');
    out
}

/// What an objects event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Set,
    Delete,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::Set => "set",
            Event::Delete => "delete",
        }
    }
}

/// The `d` of an objects event (`e: 2`): `{"source":"objects","version":"2.0","event","type",
/// "data"}` (pubnub/swift `subscription_uuidSet_success.json`, `..._uuidRemove_success.json`;
/// pubnub/javascript `subscribe.ts` `AppContextObjectData`). A set carries the fields that were
/// set with `id`, `updated` and `eTag`; a delete carries `{"id"}`.
pub fn object_event(kind: ObjectKind, event: Event, o: &ObjectRow, set: Fields) -> Vec<u8> {
    let mut data = Vec::with_capacity(256);
    match event {
        Event::Set => push_object(&mut data, o, set),
        Event::Delete => {
            data.extend_from_slice(b"{\"id\":");
            push_str(&mut data, &o.id);
            data.push(b'}');
        }
    }
    event_envelope(kind.as_str(), event, &data)
}

/// The `d` of a membership event: `{"channel":{"id"},"uuid":{"id"},"type"?,"status"?,
/// "custom"?,"updated","eTag"}` (pubnub/swift `subscription_membershipSet_success.json`).
pub fn membership_event(event: Event, m: &MembershipRow, set: Include) -> Vec<u8> {
    let mut data = Vec::with_capacity(192);
    data.extend_from_slice(b"{\"channel\":{\"id\":");
    push_str(&mut data, &m.channel);
    data.extend_from_slice(b"},\"uuid\":{\"id\":");
    push_str(&mut data, &m.uuid);
    data.push(b'}');
    push_tail(&mut data, include_fields(set), membership_tail(m));
    event_envelope("membership", event, &data)
}

fn event_envelope(kind: &str, event: Event, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 96);
    out.extend_from_slice(b"{\"source\":\"objects\",\"version\":\"2.0\",\"event\":");
    push_str(&mut out, event.as_str());
    out.extend_from_slice(b",\"type\":");
    push_str(&mut out, kind);
    out.extend_from_slice(b",\"data\":");
    out.extend_from_slice(data);
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parse(b: &[u8]) -> Value {
        serde_json::from_slice(b).unwrap()
    }

    /// 2024-03-07T08:49:07.011608Z, the time of the recorded `set_uuid.json`.
    const RECORDED: i64 = 1_709_801_347_011_608;

    fn someuuid() -> ObjectRow {
        ObjectRow {
            id: "someuuid".into(),
            name: Some("Some name".into()),
            external_id: Some("1234".into()),
            profile_url: Some("http://example.com".into()),
            email: Some("test@example.com".into()),
            custom: Some(r#"{"key1":"val1","key2":"val2"}"#.into()),
            updated: RECORDED,
            etag: "58f1aa12fc7b39025d4b159aa5289854".into(),
            ..ObjectRow::default()
        }
    }

    #[test]
    fn a_user_renders_byte_for_byte_as_recorded() {
        let all = Include {
            custom: true,
            status: true,
            object_type: true,
        };
        let body = object_answer(&someuuid(), Fields::answer(ObjectKind::Uuid, all));
        // pubnub/python fixtures native_sync/objects_v2/uuid/get_uuid.json
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"status":200,"data":{"id":"someuuid","name":"Some name","externalId":"1234","profileUrl":"http://example.com","email":"test@example.com","type":null,"status":null,"custom":{"key1":"val1","key2":"val2"},"updated":"2024-03-07T08:49:07.011608Z","eTag":"58f1aa12fc7b39025d4b159aa5289854"}}"#
        );
        let bare = object_answer(
            &someuuid(),
            Fields::answer(ObjectKind::Uuid, Include::default()),
        );
        assert_eq!(parse(&bare)["data"].get("custom"), None);
        assert_eq!(parse(&bare)["data"].get("status"), None);
    }

    #[test]
    fn updated_drops_trailing_zeros_as_the_service_does() {
        assert_eq!(updated(RECORDED), "2024-03-07T08:49:07.011608Z");
        assert_eq!(updated(1_709_801_344_171_350), "2024-03-07T08:49:04.17135Z");
        assert_eq!(updated(1_709_801_344_000_000), "2024-03-07T08:49:04Z");
        assert_eq!(updated(1_709_801_344_100_000), "2024-03-07T08:49:04.1Z");
    }

    #[test]
    fn memberships_show_the_other_side_expanded_or_as_an_id() {
        let m = JoinedMembership {
            membership: MembershipRow {
                uuid: "someuuid".into(),
                channel: "somechannel".into(),
                status: Some("OFF".into()),
                object_type: Some("1".into()),
                custom: Some(r#"{"isDefaultChannel":true}"#.into()),
                updated: RECORDED,
                etag: "AZivm9nX0ojfKA".into(),
            },
            other: Some(ObjectRow {
                id: "somechannel".into(),
                name: Some("some name".into()),
                ..ObjectRow::default()
            }),
        };
        let all = Include {
            custom: true,
            status: true,
            object_type: true,
        };
        let mut out = Vec::new();
        push_membership(
            &mut out,
            ObjectKind::Uuid,
            &m,
            MembershipInclude {
                own: all,
                other: Some(all),
            },
        );
        let v = parse(&out);
        assert_eq!(v["channel"]["name"], "some name");
        assert_eq!(v["channel"]["description"], Value::Null);
        assert_eq!(
            (&v["type"], &v["status"], &v["custom"]),
            (
                &json!("1"),
                &json!("OFF"),
                &json!({"isDefaultChannel": true})
            )
        );
        let mut out = Vec::new();
        push_membership(
            &mut out,
            ObjectKind::Channel,
            &m,
            MembershipInclude::default(),
        );
        assert_eq!(
            parse(&out),
            json!({"uuid":{"id":"someuuid"},"updated":"2024-03-07T08:49:07.011608Z","eTag":"AZivm9nX0ojfKA"})
        );
    }

    #[test]
    fn lists_carry_count_and_cursors_only_when_there_are_any() {
        let items = vec![b"{\"id\":\"a\"}".to_vec()];
        let page = Page {
            items: &items,
            total: Some(3),
            next: Some("MTA"),
            prev: None,
        };
        assert_eq!(
            parse(&list_answer(&page)),
            json!({"status":200,"data":[{"id":"a"}],"totalCount":3,"next":"MTA"})
        );
        assert_eq!(
            list_answer(&Page::default()),
            br#"{"status":200,"data":[]}"#.to_vec()
        );
    }

    #[test]
    fn events_carry_what_was_set() {
        let set = Fields {
            name: true,
            custom: true,
            ..Fields::default()
        };
        let d = parse(&object_event(
            ObjectKind::Uuid,
            Event::Set,
            &someuuid(),
            set,
        ));
        assert_eq!(
            d,
            json!({"source":"objects","version":"2.0","event":"set","type":"uuid","data":{
                "id":"someuuid","name":"Some name","custom":{"key1":"val1","key2":"val2"},
                "updated":"2024-03-07T08:49:07.011608Z","eTag":"58f1aa12fc7b39025d4b159aa5289854"}})
        );
        let d = parse(&object_event(
            ObjectKind::Channel,
            Event::Delete,
            &someuuid(),
            set,
        ));
        assert_eq!(d["data"], json!({"id":"someuuid"}));
        assert_eq!(d["type"], "channel");
    }
}
