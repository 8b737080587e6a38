//! Fetch-messages answers (reference section 2): the v3 history envelope, one message item
//! with the `include_*` fields asked for, a message's actions grouped type -> value -> authors,
//! and the `more` of a with-actions page; and the answers of the same service's
//! message-counts and history delete.
//! Pure: no reading, no paging decisions (which messages a page keeps is the store's).

use super::json::{Pieces, push_key, push_str, push_tt};
use super::more::push_more;
use crate::pubnub::sign::pam_encode;
use crate::server::sqlite::{ActionRow, MessageRow};

/// The fields the query asked to include in each message item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Include {
    pub meta: bool,
    pub uuid: bool,
    pub message_type: bool,
    pub custom_message_type: bool,
}

/// Appends a message item without its closing brace (so that `actions` can follow).
pub fn push_item_open(out: &mut Vec<u8>, row: &MessageRow<'_>, include: Include) {
    out.extend_from_slice(b"{\"message\":");
    out.extend_from_slice(row.payload);
    out.extend_from_slice(b",\"timetoken\":");
    push_tt(out, row.timetoken);
    if include.meta {
        out.extend_from_slice(b",\"meta\":");
        out.extend_from_slice(row.meta.unwrap_or(b"\"\""));
    }
    if include.uuid {
        out.extend_from_slice(b",\"uuid\":");
        push_str(out, row.publisher);
    }
    if include.message_type {
        out.extend_from_slice(b",\"message_type\":null");
    }
    if let (true, Some(cmt)) = (include.custom_message_type, row.custom_message_type) {
        out.extend_from_slice(b",\"custom_message_type\":");
        push_str(out, cmt);
    }
}

/// Writes one message's actions, given in key order (type, value, author), as
/// `{"type":{"value":[{"uuid","actionTimetoken"},..]}}`.
#[derive(Debug, Default)]
pub struct Groups {
    open: bool,
    last_type: Vec<u8>,
    last_value: Vec<u8>,
}

impl Groups {
    pub fn push(&mut self, buf: &mut Vec<u8>, a: &ActionRow<'_>) {
        if !self.open {
            buf.push(b'{');
            push_key(buf, a.action_type);
            buf.push(b'{');
            push_key(buf, a.value);
            buf.push(b'[');
            self.open = true;
        } else if a.action_type != self.last_type.as_slice() {
            buf.extend_from_slice(b"]},");
            push_key(buf, a.action_type);
            buf.push(b'{');
            push_key(buf, a.value);
            buf.push(b'[');
        } else if a.value != self.last_value.as_slice() {
            buf.extend_from_slice(b"],");
            push_key(buf, a.value);
            buf.push(b'[');
        } else {
            buf.push(b',');
        }
        buf.extend_from_slice(b"{\"uuid\":");
        push_str(buf, a.uuid);
        buf.extend_from_slice(b",\"actionTimetoken\":");
        push_tt(buf, a.action_tt);
        buf.push(b'}');
        self.last_type.clear();
        self.last_type.extend_from_slice(a.action_type);
        self.last_value.clear();
        self.last_value.extend_from_slice(a.value);
    }

    /// Ends the message's groups, if any action was pushed, and starts over.
    pub fn close(&mut self, buf: &mut Vec<u8>) {
        if std::mem::take(&mut self.open) {
            buf.extend_from_slice(b"]}}");
        }
    }
}

/// The head of an answer, up to the channels' opening brace.
pub fn open_envelope() -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"status\":200,\"error\":false,\"error_message\":\"\",\"channels\":{");
    out
}

/// Closes the channels and the answer, with `more` when there is one.
pub fn close_envelope(out: &mut Vec<u8>, more: Option<&[u8]>) {
    out.push(b'}');
    if let Some(more) = more {
        out.extend_from_slice(b",\"more\":");
        out.extend_from_slice(more);
    }
    out.push(b'}');
}

/// Appends `"channel":[items..]` with the `keep` newest of `items` (open message items, given
/// newest first), oldest first, each with its grouped `actions` when it has any.
pub fn push_channel(
    out: &mut Vec<u8>,
    first: &mut bool,
    channel: &str,
    items: &Pieces,
    keep: usize,
    actions: Option<&Pieces>,
) {
    if !std::mem::take(first) {
        out.push(b',');
    }
    out.reserve(items.bytes() + actions.map_or(0, Pieces::bytes) + 32);
    push_key(out, channel);
    out.push(b'[');
    for i in (0..keep.min(items.len())).rev() {
        let Some((tt, item)) = items.get(i) else {
            continue;
        };
        out.extend_from_slice(item);
        if let Some(grouped) = actions.and_then(|a| a.find_sorted(tt)) {
            out.extend_from_slice(b",\"actions\":");
            out.extend_from_slice(grouped);
        }
        out.push(b'}');
        if i > 0 {
            out.push(b',');
        }
    }
    out.push(b']');
}

/// Which with-actions page of one channel an answer is: what its `more` needs.
#[derive(Debug, Clone, Copy)]
pub struct Paging<'a> {
    pub sub_key: &'a str,
    pub channel: &'a str,
    /// The `end` asked for, kept in `more`.
    pub end: Option<u64>,
    /// The `max` asked for.
    pub max: u32,
}

/// A with-actions answer: the `keep` newest of `items` (newest first) with their grouped
/// `actions` (keyed by ascending message timetoken), and `more` when items were left out.
pub fn with_actions(p: Paging<'_>, items: &Pieces, keep: usize, actions: &Pieces) -> Vec<u8> {
    let mut out = open_envelope();
    if items.is_empty() {
        close_envelope(&mut out, None);
        return out;
    }
    push_channel(&mut out, &mut true, p.channel, items, keep, Some(actions));
    let more = (keep < items.len()).then(|| {
        let oldest_kept = items.get(keep.saturating_sub(1)).map_or(0, |(tt, _)| tt);
        more(p, oldest_kept, p.max - keep as u32)
    });
    close_envelope(&mut out, more.as_deref());
    out
}

/// The `more` of a with-actions page that stopped at `start` with `max` messages left to ask.
fn more(p: Paging<'_>, start: u64, max: u32) -> Vec<u8> {
    let path = format!(
        "/v3/history-with-actions/sub-key/{}/channel/{}",
        pam_encode(p.sub_key),
        pam_encode(p.channel)
    );
    let mut out = Vec::with_capacity(160);
    push_more(&mut out, &path, start, p.end, ("max", max));
    out
}

/// Message counts, spaced as recorded (pubnub/python fixture
/// `native_sync/message_count/multi.yaml`): `{"status": 200, "error": false, "error_message":
/// "", "channels": {"ch1":1,"ch2":0}}`.
pub fn message_counts(counts: &[(String, u64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + counts.len() * 32);
    out.extend_from_slice(
        b"{\"status\": 200, \"error\": false, \"error_message\": \"\", \"channels\": {",
    );
    for (i, (channel, n)) in counts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_key(&mut out, channel);
        out.extend_from_slice(n.to_string().as_bytes());
    }
    out.extend_from_slice(b"}}");
    out
}

/// What a history delete answers (pubnub/python fixture `asyncio/history/delete_success.yaml`).
pub const DELETED: &[u8] = br#"{"status": 200, "error": false, "error_message": ""}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_counts_are_written_as_recorded() {
        let counts = [
            ("unique_sync_1".to_string(), 1),
            ("unique_sync_2".to_string(), 0),
        ];
        assert_eq!(
            String::from_utf8(message_counts(&counts)).unwrap(),
            r#"{"status": 200, "error": false, "error_message": "", "channels": {"unique_sync_1":1,"unique_sync_2":0}}"#
        );
    }

    #[test]
    fn the_more_object_says_where_to_continue() {
        let paging = Paging {
            sub_key: "sk",
            channel: "a#1",
            end: Some(3),
            max: 25,
        };
        let more: serde_json::Value = serde_json::from_slice(&more(paging, 17, 20)).unwrap();
        assert_eq!(
            more,
            serde_json::json!({"url": "/v3/history-with-actions/sub-key/sk/channel/a%231?start=17&end=3&max=20",
                               "start": "17", "end": "3", "max": 20})
        );
    }
}
