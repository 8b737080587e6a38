//! App Context in SQLite: users and channels (one `objects` table, told apart by [`ObjectKind`])
//! and memberships, the row types they are read into and written from, and every statement
//! on them. A list reads every row of a keyset (or of one user's or channel's memberships):
//! filtering, sorting and paging are the store's, over what is read here.
//! No statement here may hold state between calls or render JSON.

use rusqlite::{Connection, OptionalExtension, Row, params};

/// Which kind of App Context object a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A user (`/v2/objects/{sub}/uuids`).
    Uuid,
    /// A channel (`/v2/objects/{sub}/channels`).
    Channel,
}

impl ObjectKind {
    /// The `kind` column, and the name of the kind in objects events.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Uuid => "uuid",
            ObjectKind::Channel => "channel",
        }
    }

    /// The kind on the other side of a membership.
    pub fn other(self) -> ObjectKind {
        match self {
            ObjectKind::Uuid => ObjectKind::Channel,
            ObjectKind::Channel => ObjectKind::Uuid,
        }
    }
}

/// One user or channel as stored. Users have no description; channels have no external id,
/// profile URL or email.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectRow {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub external_id: Option<String>,
    pub profile_url: Option<String>,
    pub email: Option<String>,
    pub status: Option<String>,
    pub object_type: Option<String>,
    /// Compact JSON object, or `None` for `null`.
    pub custom: Option<String>,
    /// Microseconds since the Unix epoch.
    pub updated: i64,
    pub etag: String,
}

/// One membership (a user in a channel) as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipRow {
    pub uuid: String,
    pub channel: String,
    pub status: Option<String>,
    pub object_type: Option<String>,
    /// Compact JSON object, or `None` for `null`.
    pub custom: Option<String>,
    /// Microseconds since the Unix epoch.
    pub updated: i64,
    pub etag: String,
}

/// A membership with the object on its other side (the channel of a user's membership, the
/// user of a channel's member), when that object has metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedMembership {
    pub membership: MembershipRow,
    pub other: Option<ObjectRow>,
}

const OBJECT_COLUMNS: &str =
    "id, name, description, external_id, profile_url, email, status, type, custom, updated, etag";

/// An object from the row's columns `at..at + 11`.
fn object_row(r: &Row<'_>, at: usize) -> rusqlite::Result<ObjectRow> {
    Ok(ObjectRow {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        description: r.get(at + 2)?,
        external_id: r.get(at + 3)?,
        profile_url: r.get(at + 4)?,
        email: r.get(at + 5)?,
        status: r.get(at + 6)?,
        object_type: r.get(at + 7)?,
        custom: r.get(at + 8)?,
        updated: r.get(at + 9)?,
        etag: r.get(at + 10)?,
    })
}

fn membership_row(r: &Row<'_>) -> rusqlite::Result<MembershipRow> {
    Ok(MembershipRow {
        uuid: r.get(0)?,
        channel: r.get(1)?,
        status: r.get(2)?,
        object_type: r.get(3)?,
        custom: r.get(4)?,
        updated: r.get(5)?,
        etag: r.get(6)?,
    })
}

/// One user or channel, if it has metadata.
pub fn get_object(
    conn: &Connection,
    sub_key: &str,
    kind: ObjectKind,
    id: &str,
) -> rusqlite::Result<Option<ObjectRow>> {
    let sql = format!(
        "SELECT {OBJECT_COLUMNS} FROM objects WHERE sub_key = ?1 AND kind = ?2 AND id = ?3"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![sub_key, kind.as_str(), id], |r| object_row(r, 0))
        .optional()
}

/// Every user (or channel) of a keyset, by id.
pub fn objects(
    conn: &Connection,
    sub_key: &str,
    kind: ObjectKind,
) -> rusqlite::Result<Vec<ObjectRow>> {
    let sql = format!(
        "SELECT {OBJECT_COLUMNS} FROM objects WHERE sub_key = ?1 AND kind = ?2 ORDER BY id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![sub_key, kind.as_str()], |r| object_row(r, 0))?;
    rows.collect()
}

/// Stores a user or channel, replacing the one with its id.
pub fn put_object(
    conn: &Connection,
    sub_key: &str,
    kind: ObjectKind,
    o: &ObjectRow,
) -> rusqlite::Result<()> {
    let sql = format!(
        "INSERT OR REPLACE INTO objects (sub_key, kind, {OBJECT_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    );
    conn.prepare_cached(&sql)?.execute(params![
        sub_key,
        kind.as_str(),
        o.id,
        o.name,
        o.description,
        o.external_id,
        o.profile_url,
        o.email,
        o.status,
        o.object_type,
        o.custom,
        o.updated,
        o.etag
    ])?;
    Ok(())
}

/// Removes a user or channel; `false` when it had no metadata.
pub fn delete_object(
    conn: &Connection,
    sub_key: &str,
    kind: ObjectKind,
    id: &str,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("DELETE FROM objects WHERE sub_key = ?1 AND kind = ?2 AND id = ?3")?
        .execute(params![sub_key, kind.as_str(), id])?;
    Ok(changed > 0)
}

const MEMBERSHIP_COLUMNS: &str = "uuid, channel, status, type, custom, updated, etag";

/// One membership, if the user is in the channel.
pub fn get_membership(
    conn: &Connection,
    sub_key: &str,
    uuid: &str,
    channel: &str,
) -> rusqlite::Result<Option<MembershipRow>> {
    let sql = format!(
        "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE sub_key = ?1 AND uuid = ?2 AND channel = ?3"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![sub_key, uuid, channel], membership_row)
        .optional()
}

/// Stores a membership, replacing the one of the same user and channel.
pub fn put_membership(conn: &Connection, sub_key: &str, m: &MembershipRow) -> rusqlite::Result<()> {
    let sql = format!(
        "INSERT OR REPLACE INTO memberships (sub_key, {MEMBERSHIP_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    );
    conn.prepare_cached(&sql)?.execute(params![
        sub_key,
        m.uuid,
        m.channel,
        m.status,
        m.object_type,
        m.custom,
        m.updated,
        m.etag
    ])?;
    Ok(())
}

/// Removes a membership; `false` when there was none.
pub fn delete_membership(
    conn: &Connection,
    sub_key: &str,
    uuid: &str,
    channel: &str,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "DELETE FROM memberships WHERE sub_key = ?1 AND uuid = ?2 AND channel = ?3",
        )?
        .execute(params![sub_key, uuid, channel])?;
    Ok(changed > 0)
}

/// The memberships of one object: a user's channels (`kind` [`ObjectKind::Uuid`]) or a
/// channel's members, each with the object on the other side when it has metadata.
pub fn memberships_of(
    conn: &Connection,
    sub_key: &str,
    kind: ObjectKind,
    id: &str,
) -> rusqlite::Result<Vec<JoinedMembership>> {
    let (this, other) = match kind {
        ObjectKind::Uuid => ("uuid", "channel"),
        ObjectKind::Channel => ("channel", "uuid"),
    };
    let joined: Vec<String> = OBJECT_COLUMNS
        .split(", ")
        .map(|c| format!("o.{c}"))
        .collect();
    let sql = format!(
        "SELECT m.uuid, m.channel, m.status, m.type, m.custom, m.updated, m.etag, {}
         FROM memberships m LEFT JOIN objects o
           ON o.sub_key = m.sub_key AND o.kind = ?3 AND o.id = m.{other}
         WHERE m.sub_key = ?1 AND m.{this} = ?2 ORDER BY m.{other}",
        joined.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![sub_key, id, kind.other().as_str()], |r| {
        let other: Option<String> = r.get(7)?;
        Ok(JoinedMembership {
            membership: membership_row(r)?,
            other: match other {
                Some(_) => Some(object_row(r, 7)?),
                None => None,
            },
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::sqlite::open_writer;

    fn object(id: &str, name: &str) -> ObjectRow {
        ObjectRow {
            id: id.into(),
            name: Some(name.into()),
            updated: 7,
            etag: "e".into(),
            ..ObjectRow::default()
        }
    }

    fn membership(uuid: &str, channel: &str) -> MembershipRow {
        MembershipRow {
            uuid: uuid.into(),
            channel: channel.into(),
            status: Some(String::new()),
            custom: Some(r#"{"a":1}"#.into()),
            updated: 9,
            etag: "m".into(),
            ..MembershipRow::default()
        }
    }

    #[test]
    fn objects_and_memberships_round_trip_per_keyset_and_kind() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_writer(&dir.path().join("db")).unwrap();
        put_object(&conn, "sk", ObjectKind::Uuid, &object("bob", "Bob")).unwrap();
        put_object(&conn, "sk", ObjectKind::Uuid, &object("alice", "Alice")).unwrap();
        put_object(
            &conn,
            "sk",
            ObjectKind::Channel,
            &object("bob", "a channel"),
        )
        .unwrap();
        put_object(&conn, "other", ObjectKind::Uuid, &object("carol", "C")).unwrap();
        let users: Vec<String> = objects(&conn, "sk", ObjectKind::Uuid)
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(users, ["alice", "bob"]);
        assert_eq!(
            get_object(&conn, "sk", ObjectKind::Channel, "bob")
                .unwrap()
                .and_then(|o| o.name),
            Some("a channel".into())
        );
        put_object(&conn, "sk", ObjectKind::Uuid, &object("bob", "Robert")).unwrap();
        assert_eq!(
            get_object(&conn, "sk", ObjectKind::Uuid, "bob").unwrap(),
            Some(object("bob", "Robert"))
        );

        put_membership(&conn, "sk", &membership("alice", "bob")).unwrap();
        put_membership(&conn, "sk", &membership("alice", "nowhere")).unwrap();
        put_membership(&conn, "sk", &membership("bob", "bob")).unwrap();
        let mine = memberships_of(&conn, "sk", ObjectKind::Uuid, "alice").unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].membership, membership("alice", "bob"));
        assert_eq!(
            mine[0].other.as_ref().and_then(|o| o.name.as_deref()),
            Some("a channel"),
            "a user's membership joins the channel, not the user of the same id"
        );
        assert_eq!(mine[1].other, None, "no metadata for that channel");
        let members = memberships_of(&conn, "sk", ObjectKind::Channel, "bob").unwrap();
        let ids: Vec<&str> = members.iter().map(|m| m.membership.uuid.as_str()).collect();
        assert_eq!(ids, ["alice", "bob"]);
        assert_eq!(
            members[1].other.as_ref().and_then(|o| o.name.as_deref()),
            Some("Robert")
        );

        assert!(delete_membership(&conn, "sk", "alice", "bob").unwrap());
        assert!(!delete_membership(&conn, "sk", "alice", "bob").unwrap());
        assert_eq!(get_membership(&conn, "sk", "alice", "bob").unwrap(), None);
        assert!(delete_object(&conn, "sk", ObjectKind::Uuid, "bob").unwrap());
        assert!(!delete_object(&conn, "sk", ObjectKind::Uuid, "bob").unwrap());
        assert!(
            get_object(&conn, "sk", ObjectKind::Channel, "bob")
                .unwrap()
                .is_some()
        );
    }
}
