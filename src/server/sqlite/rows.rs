//! The shapes rows are read into and written from: stored text as borrowed bytes (rendering
//! an answer allocates nothing per row and does not check stored UTF-8 again), timetoken
//! ranges, and the conversion of timetokens to SQLite's signed integers.
//! Plain data: no SQL runs here.

use crate::pubnub::StoredAction;

/// A timetoken as SQLite stores it (validated input never exceeds `i64::MAX`).
pub(super) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A timetoken read back from SQLite.
pub(super) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Bounds of a timetoken range: `start` exclusive upper, `end` inclusive lower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Range {
    pub start: Option<u64>,
    pub end: Option<u64>,
}

impl Range {
    /// `(below, from)`: the range as `from <= tt < below` in SQLite's integers.
    pub fn sql_bounds(self) -> (i64, i64) {
        (
            self.start.map_or(i64::MAX, to_i64),
            self.end.map_or(0, to_i64),
        )
    }

    /// `from..below` over unsigned timetokens, clamped as SQLite compares them (empty when
    /// `end` is past `start`), for walking an in-memory map the way the SQL would.
    pub fn walk(self) -> std::ops::Range<u64> {
        let (below, from) = self.sql_bounds();
        let (below, from) = (below.max(0) as u64, from.max(0) as u64);
        from..below.max(from)
    }
}

/// One stored action, borrowed from the row being read (text as stored bytes).
#[derive(Debug, Clone, Copy)]
pub struct ActionRow<'a> {
    pub message_tt: u64,
    pub action_tt: u64,
    pub action_type: &'a [u8],
    pub value: &'a [u8],
    pub uuid: &'a [u8],
}

impl<'a> ActionRow<'a> {
    /// The row of an action as the client and the writer know it.
    pub fn of(a: &'a StoredAction) -> Self {
        ActionRow {
            message_tt: a.message_timetoken.get(),
            action_tt: a.action_timetoken.get(),
            action_type: a.action_type.as_bytes(),
            value: a.value.as_bytes(),
            uuid: a.uuid.as_bytes(),
        }
    }
}

/// One stored message, borrowed from the row being read (text as stored bytes). Payload and
/// meta are compact JSON.
#[derive(Debug, Clone, Copy)]
pub struct MessageRow<'a> {
    pub timetoken: u64,
    pub publisher: &'a [u8],
    pub payload: &'a [u8],
    pub meta: Option<&'a [u8]>,
    pub custom_message_type: Option<&'a [u8]>,
}

/// One row of `messages`, as written.
#[derive(Debug, Clone, Copy)]
pub struct MessageRecord<'a> {
    pub sub_key: &'a str,
    pub channel: &'a str,
    pub tt: u64,
    pub publisher: &'a str,
    pub payload: &'a str,
    pub meta: Option<&'a str>,
    pub custom_message_type: Option<&'a str>,
}

impl MessageRecord<'_> {
    /// The row as a read would give it back.
    pub fn row(&self) -> MessageRow<'_> {
        MessageRow {
            timetoken: self.tt,
            publisher: self.publisher.as_bytes(),
            payload: self.payload.as_bytes(),
            meta: self.meta.map(str::as_bytes),
            custom_message_type: self.custom_message_type.map(str::as_bytes),
        }
    }
}
