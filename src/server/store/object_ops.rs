//! App Context writes as the writer thread applies them inside a batch's transaction: a PATCH
//! merged into what is stored, the `If-Match` check (412 on the service, recorded in
//! pubnub/python's `objects_v2/uuid/if_matches_etag.json`), the eTag, `updated`, and the
//! `e: 2` events the service sends: a user's on the channel named by its id, a channel's on
//! its own name, a membership's on both. Setting what is already stored changes nothing and
//! sends nothing (docs: "Setting the same data again doesn't trigger an event").
//! It must not commit or answer: the writer does both, once per batch.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::clock::Clock;
use super::hub::HubEvent;
use super::outcome::{Outcome, WriteDone};
use crate::pubnub::Timetoken;
use crate::server::render::objects::{Event, Fields, Include, membership_event, object_event};
use crate::server::render::subscribe::objects_item;
use crate::server::sqlite::{self, MembershipRow, ObjectKind, ObjectRow, StoreError};

/// What a PATCH of a user or channel sets. A field given (`Some`) replaces the stored one
/// (`Some(None)` makes it null); `custom` (compact JSON) replaces the whole object. Fields not
/// given stay (REST docs `set-user-metadata`: PATCH).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectPatch {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub profile_url: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub status: Option<Option<String>>,
    pub object_type: Option<Option<String>>,
    pub custom: Option<Option<String>>,
}

impl ObjectPatch {
    /// Sets the given fields on `row`.
    pub fn apply(&self, row: &mut ObjectRow) {
        let pairs = [
            (&self.name, &mut row.name),
            (&self.description, &mut row.description),
            (&self.external_id, &mut row.external_id),
            (&self.profile_url, &mut row.profile_url),
            (&self.email, &mut row.email),
            (&self.status, &mut row.status),
            (&self.object_type, &mut row.object_type),
            (&self.custom, &mut row.custom),
        ];
        for (given, field) in pairs {
            if let Some(v) = given {
                field.clone_from(v);
            }
        }
    }

    /// The fields it sets, as an event shows them.
    pub fn fields(&self) -> Fields {
        Fields {
            name: self.name.is_some(),
            description: self.description.is_some(),
            external_id: self.external_id.is_some(),
            profile_url: self.profile_url.is_some(),
            email: self.email.is_some(),
            object_type: self.object_type.is_some(),
            status: self.status.is_some(),
            custom: self.custom.is_some(),
        }
    }
}

/// One entry of a memberships (or members) PATCH `set`: the object on the other side by id,
/// and the membership fields given (the others stay when it exists).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipPatch {
    pub other: String,
    pub status: Option<Option<String>>,
    pub object_type: Option<Option<String>>,
    pub custom: Option<Option<String>>,
}

/// One App Context write.
#[derive(Debug, Clone)]
pub enum ObjectOp {
    Set {
        sub_key: String,
        kind: ObjectKind,
        id: String,
        patch: ObjectPatch,
        if_match: Option<String>,
    },
    Remove {
        sub_key: String,
        kind: ObjectKind,
        id: String,
        if_match: Option<String>,
    },
    /// A user's memberships (`of` [`ObjectKind::Uuid`]) or a channel's members.
    Memberships {
        sub_key: String,
        of: ObjectKind,
        id: String,
        set: Vec<MembershipPatch>,
        delete: Vec<String>,
    },
}

/// `updated` of a write at `tt`: microseconds since the epoch.
fn micros(tt: Timetoken) -> i64 {
    i64::try_from(tt.get() / 10).unwrap_or(i64::MAX)
}

fn hash(parts: &[Option<&str>]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        // Length-prefixed, so that no two different lists hash alike.
        match p {
            Some(s) => {
                h.update([1]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0]),
        }
    }
    h.finalize().into()
}

/// A user's or channel's eTag: 32 hex digits, like the service's, of its content and time
/// (so that going back to older content still makes a new eTag for `If-Match`).
fn object_etag(kind: ObjectKind, o: &ObjectRow) -> String {
    let updated = o.updated.to_string();
    let digest = hash(&[
        Some(kind.as_str()),
        Some(&o.id),
        o.name.as_deref(),
        o.description.as_deref(),
        o.external_id.as_deref(),
        o.profile_url.as_deref(),
        o.email.as_deref(),
        o.status.as_deref(),
        o.object_type.as_deref(),
        o.custom.as_deref(),
        Some(&updated),
    ]);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A membership's eTag, of its content only: the service gives equal memberships equal eTags
/// ("AZO/t53al7m8fw" for every membership without custom data in the recorded
/// `channel_members/*.json`), in the same form: base64 of 0x01 and a varint.
fn membership_etag(m: &MembershipRow) -> String {
    let digest = hash(&[
        m.status.as_deref(),
        m.object_type.as_deref(),
        m.custom.as_deref(),
    ]);
    let mut n = u64::from_le_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ]);
    let mut bytes = vec![1u8];
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes.push(low);
            break;
        }
        bytes.push(low | 0x80);
    }
    STANDARD_NO_PAD.encode(bytes)
}

fn same_content(a: &ObjectRow, b: &ObjectRow) -> bool {
    let strip = |o: &ObjectRow| ObjectRow {
        updated: 0,
        etag: String::new(),
        ..o.clone()
    };
    strip(a) == strip(b)
}

fn event(sub_key: &str, channel: &str, tt: Timetoken, d: &[u8]) -> HubEvent {
    HubEvent {
        tt: tt.get(),
        sub_key: sub_key.to_string(),
        channel: channel.to_string(),
        item: objects_item(sub_key, channel, tt.get(), d),
    }
}

/// Applies one App Context write; returns what it did and the events to send.
pub fn apply(
    conn: &Connection,
    clock: &Clock,
    op: &ObjectOp,
) -> Result<(WriteDone, Vec<HubEvent>), Outcome> {
    match op {
        ObjectOp::Set {
            sub_key,
            kind,
            id,
            patch,
            if_match,
        } => set_object(
            conn,
            clock,
            (sub_key, *kind, id),
            patch,
            if_match.as_deref(),
        ),
        ObjectOp::Remove {
            sub_key,
            kind,
            id,
            if_match,
        } => {
            let existing = sqlite::get_object(conn, sub_key, *kind, id)?;
            check_etag(existing.as_ref(), if_match.as_deref())?;
            let mut events = Vec::new();
            if let Some(gone) = existing {
                sqlite::delete_object(conn, sub_key, *kind, id)?;
                let d = object_event(*kind, Event::Delete, &gone, Fields::default());
                events.push(event(sub_key, id, clock.tick(), &d));
            }
            Ok((WriteDone::Removed, events))
        }
        ObjectOp::Memberships {
            sub_key,
            of,
            id,
            set,
            delete,
        } => {
            let mut events = Vec::new();
            for p in set {
                set_membership(conn, clock, (sub_key, *of, id), p, &mut events)?;
            }
            for other in delete {
                let (uuid, channel) = ends(*of, id, other);
                let Some(gone) = sqlite::get_membership(conn, sub_key, uuid, channel)? else {
                    continue;
                };
                sqlite::delete_membership(conn, sub_key, uuid, channel)?;
                let d = membership_event(Event::Delete, &gone, Include::default());
                events.push(event(sub_key, channel, clock.tick(), &d));
                events.push(event(sub_key, uuid, clock.tick(), &d));
            }
            Ok((WriteDone::Inserted, events))
        }
    }
}

/// 412 unless `if_match` is absent or the stored eTag.
fn check_etag(existing: Option<&ObjectRow>, if_match: Option<&str>) -> Result<(), Outcome> {
    match (if_match, existing) {
        (None, _) => Ok(()),
        (Some(want), Some(o)) if o.etag == want => Ok(()),
        _ => Err(Outcome::Refused(StoreError::Modified)),
    }
}

fn set_object(
    conn: &Connection,
    clock: &Clock,
    (sub_key, kind, id): (&str, ObjectKind, &str),
    patch: &ObjectPatch,
    if_match: Option<&str>,
) -> Result<(WriteDone, Vec<HubEvent>), Outcome> {
    let existing = sqlite::get_object(conn, sub_key, kind, id)?;
    check_etag(existing.as_ref(), if_match)?;
    let mut row = existing.clone().unwrap_or_else(|| ObjectRow {
        id: id.to_string(),
        ..ObjectRow::default()
    });
    patch.apply(&mut row);
    if let Some(old) = existing.filter(|old| same_content(old, &row)) {
        return Ok((WriteDone::Object(old), Vec::new()));
    }
    let tt = clock.tick();
    row.updated = micros(tt);
    row.etag = object_etag(kind, &row);
    sqlite::put_object(conn, sub_key, kind, &row)?;
    let d = object_event(kind, Event::Set, &row, patch.fields());
    let events = vec![event(sub_key, id, tt, &d)];
    Ok((WriteDone::Object(row), events))
}

/// `(uuid, channel)` of a membership of `id` (a user when `of` is [`ObjectKind::Uuid`]) with
/// `other`.
fn ends<'a>(of: ObjectKind, id: &'a str, other: &'a str) -> (&'a str, &'a str) {
    match of {
        ObjectKind::Uuid => (id, other),
        ObjectKind::Channel => (other, id),
    }
}

fn set_membership(
    conn: &Connection,
    clock: &Clock,
    (sub_key, of, id): (&str, ObjectKind, &str),
    p: &MembershipPatch,
    events: &mut Vec<HubEvent>,
) -> Result<(), Outcome> {
    let (uuid, channel) = ends(of, id, &p.other);
    let existing = sqlite::get_membership(conn, sub_key, uuid, channel)?;
    let mut m = existing.clone().unwrap_or_else(|| MembershipRow {
        uuid: uuid.to_string(),
        channel: channel.to_string(),
        ..MembershipRow::default()
    });
    for (given, field) in [
        (&p.status, &mut m.status),
        (&p.object_type, &mut m.object_type),
        (&p.custom, &mut m.custom),
    ] {
        if let Some(v) = given {
            field.clone_from(v);
        }
    }
    m.etag = membership_etag(&m);
    // Setting a membership again refreshes `updated` (recorded in
    // channel_members/manage_channel_members.json), but sends no event when nothing changed.
    let tt = clock.tick();
    m.updated = micros(tt);
    sqlite::put_membership(conn, sub_key, &m)?;
    if existing.is_some_and(|old| old.etag == m.etag) {
        return Ok(());
    }
    let set = Include {
        custom: p.custom.is_some(),
        status: p.status.is_some(),
        object_type: p.object_type.is_some(),
    };
    let d = membership_event(Event::Set, &m, set);
    events.push(event(sub_key, channel, tt, &d));
    events.push(event(sub_key, uuid, clock.tick(), &d));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_etags_depend_on_content_only_and_look_like_the_services() {
        let a = MembershipRow {
            uuid: "a".into(),
            channel: "c".into(),
            updated: 1,
            ..MembershipRow::default()
        };
        let b = MembershipRow {
            uuid: "b".into(),
            channel: "d".into(),
            updated: 2,
            ..MembershipRow::default()
        };
        assert_eq!(membership_etag(&a), membership_etag(&b));
        let custom = MembershipRow {
            custom: Some(r#"{"x":1}"#.into()),
            ..a.clone()
        };
        assert_ne!(membership_etag(&a), membership_etag(&custom));
        let e = membership_etag(&a);
        assert!(e.starts_with('A') && (13..=15).contains(&e.len()), "{e}");
    }

    #[test]
    fn object_etags_are_32_hex_digits_and_change_with_time() {
        let o = ObjectRow {
            id: "bob".into(),
            updated: 1,
            ..ObjectRow::default()
        };
        let e = object_etag(ObjectKind::Uuid, &o);
        assert_eq!(e.len(), 32);
        assert!(e.bytes().all(|b| b.is_ascii_hexdigit()));
        let later = ObjectRow {
            updated: 2,
            ..o.clone()
        };
        assert_ne!(e, object_etag(ObjectKind::Uuid, &later));
        assert_ne!(e, object_etag(ObjectKind::Channel, &o));
    }
}
