//! Every SQL statement the server runs after opening the database: the reads (each one bounded
//! range scan, its rows visited with borrowed bytes) and the writes of the writer thread. All go
//! through each connection's statement cache.
//! No statement here may hold state between calls or render JSON.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Params, Row, params};

use super::error::StoreError;
use super::rows::{ActionRow, MessageRecord, MessageRow, Range, to_i64, to_u64};
use crate::pubnub::StoredAction;

/// Whether the channel has neither messages nor actions.
pub fn is_empty_channel(conn: &Connection, sub_key: &str, channel: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT NOT EXISTS (SELECT 1 FROM messages WHERE sub_key = ?1 AND channel = ?2)
            AND NOT EXISTS (SELECT 1 FROM actions WHERE sub_key = ?1 AND channel = ?2)",
    )?
    .query_row(params![sub_key, channel], |r| r.get(0))
}

fn action_row<'a>(r: &'a Row<'a>) -> rusqlite::Result<ActionRow<'a>> {
    Ok(ActionRow {
        message_tt: to_u64(r.get(0)?),
        action_tt: to_u64(r.get(1)?),
        action_type: r.get_ref(2)?.as_bytes()?,
        value: r.get_ref(3)?.as_bytes()?,
        uuid: r.get_ref(4)?.as_bytes()?,
    })
}

fn message_row<'a>(r: &'a Row<'a>) -> rusqlite::Result<MessageRow<'a>> {
    Ok(MessageRow {
        timetoken: to_u64(r.get(0)?),
        publisher: r.get_ref(1)?.as_bytes()?,
        payload: r.get_ref(2)?.as_bytes()?,
        meta: opt_str(r, 3)?,
        custom_message_type: opt_str(r, 4)?,
    })
}

fn opt_str<'a>(r: &'a Row<'a>, i: usize) -> rusqlite::Result<Option<&'a [u8]>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        v => Ok(Some(v.as_bytes()?)),
    }
}

/// Runs a cached statement and hands each row to `f`.
fn each_row(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        f(r)?;
    }
    Ok(())
}

/// Rows of one channel with `from <= timetoken < below`, at most `limit` of them.
#[derive(Debug, Clone, Copy)]
pub struct Slice<'a> {
    pub sub_key: &'a str,
    pub channel: &'a str,
    below: i64,
    from: i64,
    limit: u32,
}

impl<'a> Slice<'a> {
    /// The newest `limit` rows within `range`.
    pub fn newest(sub_key: &'a str, channel: &'a str, range: Range, limit: u32) -> Self {
        let (below, from) = range.sql_bounds();
        Slice {
            sub_key,
            channel,
            below,
            from,
            limit,
        }
    }

    /// Everything from `lowest` to `highest`, both included.
    pub fn between(sub_key: &'a str, channel: &'a str, lowest: u64, highest: u64) -> Self {
        Slice {
            sub_key,
            channel,
            below: to_i64(highest).saturating_add(1),
            from: to_i64(lowest),
            limit: u32::MAX,
        }
    }

    /// The same rows, at most `limit` of them.
    pub fn limited(self, limit: u32) -> Self {
        Slice { limit, ..self }
    }

    /// Runs `sql` (parameters: sub key, channel, below, from, limit) and hands each row to `f`.
    fn visit(
        &self,
        conn: &Connection,
        sql: &str,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let p = params![
            self.sub_key,
            self.channel,
            self.below,
            self.from,
            self.limit
        ];
        each_row(conn, sql, p, f)
    }
}

/// Calls `f` for each of the newest actions of a channel, newest first.
pub fn visit_newest_actions(
    conn: &Connection,
    page: Slice<'_>,
    mut f: impl FnMut(&ActionRow<'_>),
) -> Result<(), StoreError> {
    let sql = "SELECT message_tt, action_tt, type, value, uuid FROM actions
         WHERE sub_key = ?1 AND channel = ?2 AND action_tt < ?3 AND action_tt >= ?4
         ORDER BY action_tt DESC LIMIT ?5";
    page.visit(conn, sql, |r| action_row(r).map(|a| f(&a)))
}

/// Calls `f` for each of the newest messages of a channel, newest first.
pub fn visit_newest_messages(
    conn: &Connection,
    page: Slice<'_>,
    mut f: impl FnMut(&MessageRow<'_>),
) -> Result<(), StoreError> {
    let sql = "SELECT timetoken, publisher, payload, meta, custom_message_type FROM messages
         WHERE sub_key = ?1 AND channel = ?2 AND timetoken < ?3 AND timetoken >= ?4
         ORDER BY timetoken DESC LIMIT ?5";
    page.visit(conn, sql, |r| message_row(r).map(|m| f(&m)))
}

/// `(message timetoken, number of actions)` for the messages of `span`, oldest first.
pub fn action_counts(conn: &Connection, span: Slice<'_>) -> Result<Vec<(u64, usize)>, StoreError> {
    let sql = "SELECT message_tt, COUNT(*) FROM actions
         WHERE sub_key = ?1 AND channel = ?2 AND message_tt < ?3 AND message_tt >= ?4
         GROUP BY message_tt ORDER BY message_tt LIMIT ?5";
    let mut counts = Vec::new();
    span.visit(conn, sql, |r| {
        let n = usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0);
        counts.push((to_u64(r.get(0)?), n));
        Ok(())
    })?;
    Ok(counts)
}

/// Calls `f` for each action on the messages of `span`, in key order: by message, type, value
/// and author (so each group is contiguous).
pub fn visit_message_actions(
    conn: &Connection,
    span: Slice<'_>,
    mut f: impl FnMut(&ActionRow<'_>),
) -> Result<(), StoreError> {
    let sql = "SELECT message_tt, action_tt, type, value, uuid FROM actions
         WHERE sub_key = ?1 AND channel = ?2 AND message_tt < ?3 AND message_tt >= ?4
         ORDER BY message_tt, type, value, uuid LIMIT ?5";
    span.visit(conn, sql, |r| action_row(r).map(|a| f(&a)))
}

/// Inserts a message; `false` when the channel already has one at that timetoken.
pub fn insert_message(conn: &Connection, m: &MessageRecord<'_>) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO messages (sub_key, channel, timetoken, publisher, payload, meta, custom_message_type)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            m.sub_key,
            m.channel,
            to_i64(m.tt),
            m.publisher,
            m.payload,
            m.meta,
            m.custom_message_type
        ])?;
    Ok(changed == 1)
}

/// One action by its key, if stored: (author, type, value).
pub fn find_action(
    conn: &Connection,
    sub_key: &str,
    channel: &str,
    message_tt: u64,
    action_tt: u64,
) -> rusqlite::Result<Option<(String, String, String)>> {
    conn.prepare_cached(
        "SELECT uuid, type, value FROM actions
         WHERE sub_key = ?1 AND channel = ?2 AND action_tt = ?3 AND message_tt = ?4",
    )?
    .query_row(
        params![sub_key, channel, to_i64(action_tt), to_i64(message_tt)],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// Inserts an action; `false` on a duplicate (same author, type and value on the message, or the
/// same action timetoken on the channel).
pub fn insert_action(
    conn: &Connection,
    sub_key: &str,
    channel: &str,
    a: &StoredAction,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO actions (sub_key, channel, message_tt, action_tt, type, value, uuid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            sub_key,
            channel,
            to_i64(a.message_timetoken.get()),
            to_i64(a.action_timetoken.get()),
            a.action_type,
            a.value,
            a.uuid
        ])?;
    Ok(changed == 1)
}

/// Deletes an action by its timetoken.
pub fn delete_action(
    conn: &Connection,
    sub_key: &str,
    channel: &str,
    action_tt: u64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM actions WHERE sub_key = ?1 AND channel = ?2 AND action_tt = ?3",
    )?
    .execute(params![sub_key, channel, to_i64(action_tt)])?;
    Ok(())
}

/// Deletes the messages of a channel with `from <= timetoken < below`, and every action on a
/// message timetoken in that range; returns how many messages went.
pub fn delete_messages(
    conn: &Connection,
    sub_key: &str,
    channel: &str,
    from: u64,
    below: u64,
) -> rusqlite::Result<usize> {
    let p = params![sub_key, channel, to_i64(from), to_i64(below)];
    conn.prepare_cached(
        "DELETE FROM actions
         WHERE sub_key = ?1 AND channel = ?2 AND message_tt >= ?3 AND message_tt < ?4",
    )?
    .execute(p)?;
    conn.prepare_cached(
        "DELETE FROM messages
         WHERE sub_key = ?1 AND channel = ?2 AND timetoken >= ?3 AND timetoken < ?4",
    )?
    .execute(p)
}

/// How many messages of a channel are newer than `after`, counting at most `cap`.
pub fn count_messages_after(
    conn: &Connection,
    sub_key: &str,
    channel: &str,
    after: u64,
    cap: u32,
) -> rusqlite::Result<u64> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT 1 FROM messages
             WHERE sub_key = ?1 AND channel = ?2 AND timetoken > ?3 LIMIT ?4)",
        )?
        .query_row(params![sub_key, channel, to_i64(after), cap], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
