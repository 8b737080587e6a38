//! Message-actions answers (reference section 1): one action as add and get-actions write it,
//! the add answer, and a get-actions page with its `more`.
//! Pure: no reading, no caching.

use super::json::{push_str, push_tt};
use super::more::push_more;
use crate::pubnub::StoredAction;
use crate::pubnub::sign::pam_encode;
use crate::server::sqlite::{ActionRow, Range};

/// Appends one action: `{"type","value","uuid","actionTimetoken","messageTimetoken"}`.
pub fn push_action(out: &mut Vec<u8>, a: &ActionRow<'_>) {
    out.extend_from_slice(b"{\"type\":");
    push_str(out, a.action_type);
    out.extend_from_slice(b",\"value\":");
    push_str(out, a.value);
    out.extend_from_slice(b",\"uuid\":");
    push_str(out, a.uuid);
    out.extend_from_slice(b",\"actionTimetoken\":");
    push_tt(out, a.action_tt);
    out.extend_from_slice(b",\"messageTimetoken\":");
    push_tt(out, a.message_tt);
    out.push(b'}');
}

/// One action on its own, as a page holds it (the views keep these).
pub fn action(a: &ActionRow<'_>) -> Box<[u8]> {
    let mut out = Vec::with_capacity(160);
    push_action(&mut out, a);
    out.into_boxed_slice()
}

/// The answer to an add: `{"status":200,"data":<the action>}`.
pub fn added(a: &StoredAction) -> Vec<u8> {
    let mut out = Vec::with_capacity(192);
    out.extend_from_slice(b"{\"status\":200,\"data\":");
    push_action(&mut out, &ActionRow::of(a));
    out.push(b'}');
    out
}

/// A get-actions answer from `rows` (rendered actions with their timetokens, newest first,
/// one more than `limit` when older ones remain): the `limit` newest, ascending, and `more`
/// when older ones remain.
pub fn page(
    sub_key: &str,
    channel: &str,
    range: Range,
    limit: u32,
    rows: &[(u64, &[u8])],
) -> Vec<u8> {
    let shown = rows.len().min(limit as usize);
    let bytes: usize = rows.iter().map(|(_, text)| text.len() + 1).sum();
    let mut out = Vec::with_capacity(bytes + 256);
    out.extend_from_slice(b"{\"status\":200,\"data\":[");
    for (i, (_, row)) in rows[..shown].iter().enumerate().rev() {
        out.extend_from_slice(row);
        out.push(if i > 0 { b',' } else { b']' });
    }
    if shown == 0 {
        out.push(b']');
    }
    if let (true, Some((oldest, _))) = (rows.len() > shown, rows.get(shown.saturating_sub(1))) {
        let path = format!(
            "/v1/message-actions/{}/channel/{}",
            pam_encode(sub_key),
            pam_encode(channel)
        );
        out.extend_from_slice(b",\"more\":");
        push_more(&mut out, &path, *oldest, range.end, ("limit", limit));
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::wire::WireMore;

    #[test]
    fn the_more_object_reads_as_the_client_reads_it() {
        let rows: Vec<(u64, Vec<u8>)> = [30u64, 20, 10]
            .iter()
            .map(|tt| (*tt, format!("{{\"n\":{tt}}}").into_bytes()))
            .collect();
        let rows: Vec<(u64, &[u8])> = rows.iter().map(|(tt, t)| (*tt, &t[..])).collect();
        let range = Range {
            start: None,
            end: Some(3),
        };
        let page: serde_json::Value =
            serde_json::from_slice(&page("sk", "a#1", range, 2, &rows)).unwrap();
        assert_eq!(page["data"], serde_json::json!([{"n": 20}, {"n": 30}]));
        let more: WireMore = serde_json::from_value(page["more"].clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&more).unwrap(),
            serde_json::json!({"url": "/v1/message-actions/sk/channel/a%231?start=20&end=3&limit=2",
                               "start": "20", "end": "3", "limit": 2}),
        );
        assert_eq!(
            page["more"],
            serde_json::to_value(&more).unwrap(),
            "the same bytes as serde would write"
        );
    }
}
