//! Fetch messages (reference section 2): `GET /v3/history/sub-key/{sk}/channel/{ch1,ch2,..}`
//! and `GET /v3/history-with-actions/sub-key/{sk}/channel/{ch}`: the newest `max` messages with
//! `end <= timetoken < start`, ascending, with the `include_*` fields asked for and, on the
//! second path, each message's actions grouped type -> value -> authors.
//!
//! Stored payloads are compact JSON text and are copied into the answer as they are.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::App;
use super::errors::{Handled, Reply};
use super::json::{push_key, push_str, push_tt, push_u64};
use super::params::{self, InputError, Query};
use super::store::{self, MessageRow, Range, StoreError};
use crate::pubnub::StoredAction;
use crate::pubnub::sign::pam_encode;

/// Default and largest `max` for one channel.
pub const MAX_ONE_CHANNEL: u32 = 100;
/// Default and largest `max` for several channels, and with actions.
pub const MAX_SEVERAL_OR_WITH_ACTIONS: u32 = 25;
/// Most actions in one with-actions page; whole messages only, at least one.
pub const MAX_ACTIONS_PER_PAGE: usize = 10_000;

/// What the query asked to include.
#[derive(Debug, Clone, Copy, Default)]
struct Include {
    meta: bool,
    uuid: bool,
    message_type: bool,
    custom_message_type: bool,
}

/// One page request, checked.
struct Fetch {
    sub_key: String,
    channels: Vec<String>,
    range: Range,
    max: u32,
    include: Include,
}

fn parse(
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Result<Fetch, InputError> {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let mut list = params::channel_list(channels)?;
    list.dedup();
    if list.is_empty() {
        return Err(InputError::new(
            "Invalid channel: none given",
            "channel",
            "path",
        ));
    }
    if with_actions && list.len() > 1 {
        return Err(InputError::new(
            "Only one channel may be fetched with message actions",
            "channel",
            "path",
        ));
    }
    let cap = match (with_actions, list.len()) {
        (false, 1) => MAX_ONE_CHANNEL,
        _ => MAX_SEVERAL_OR_WITH_ACTIONS,
    };
    Ok(Fetch {
        sub_key,
        channels: list,
        range: Range {
            start: q.timetoken("start")?,
            end: q.timetoken("end")?,
        },
        max: q.page_size("max", cap, cap)?,
        include: Include {
            meta: q.flag("include_meta"),
            uuid: q.flag("include_uuid"),
            message_type: q.flag("include_message_type"),
            custom_message_type: q.flag("include_custom_message_type"),
        },
    })
}

/// `GET /v3/history/...` (`with_actions` false) or `/v3/history-with-actions/...`.
pub async fn fetch(
    app: &App,
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Handled {
    let f = parse(sub_key, channels, q, with_actions)?;
    let body = app
        .store
        .read(move |conn| match with_actions {
            true => page_with_actions(conn, &f),
            false => page(conn, &f),
        })
        .await?;
    Ok(Reply::ok(body))
}

fn page(conn: &Connection, f: &Fetch) -> Result<String, StoreError> {
    let mut out = open_envelope();
    let mut first = true;
    for channel in &f.channels {
        let mut rows = store::newest_messages(conn, &f.sub_key, channel, f.range, f.max)?;
        if rows.is_empty() {
            continue;
        }
        rows.reverse();
        push_channel(
            &mut out,
            &mut first,
            channel,
            &rows,
            f.include,
            &BTreeMap::new(),
        );
    }
    close_envelope(&mut out, None);
    Ok(out)
}

fn page_with_actions(conn: &Connection, f: &Fetch) -> Result<String, StoreError> {
    let mut out = open_envelope();
    let Some(channel) = f.channels.first() else {
        close_envelope(&mut out, None);
        return Ok(out);
    };
    let mut rows = store::newest_messages(conn, &f.sub_key, channel, f.range, f.max)?;
    let (Some(newest), Some(oldest)) = (rows.first(), rows.last()) else {
        close_envelope(&mut out, None);
        return Ok(out);
    };
    let cap = MAX_ACTIONS_PER_PAGE;
    let limit = u32::try_from(cap + 1).unwrap_or(u32::MAX);
    let mut actions = store::actions_of_messages(
        conn,
        &f.sub_key,
        channel,
        oldest.timetoken,
        newest.timetoken,
        limit,
    )?;
    let tts: Vec<u64> = rows.iter().map(|r| r.timetoken).collect();
    let keep = whole_messages_within(&tts, &actions, cap);
    if keep == 0 {
        // The newest message alone has more than the cap: it still comes whole.
        actions = store::actions_of_messages(conn, &f.sub_key, channel, tts[0], tts[0], u32::MAX)?;
    }
    let keep = keep.max(1);
    let more = (keep < rows.len()).then(|| {
        let start = tts[keep - 1];
        more_json(&f.sub_key, channel, start, f.range.end, f.max - keep as u32)
    });
    rows.truncate(keep);
    rows.reverse();
    let grouped = group(&actions, tts[keep - 1]);
    let mut first = true;
    push_channel(&mut out, &mut first, channel, &rows, f.include, &grouped);
    close_envelope(&mut out, more.as_deref());
    Ok(out)
}

/// How many of the newest messages (timetokens newest first) fit whole within `cap` actions.
/// `actions` are ordered newest message first and were fetched with a limit of `cap + 1`, so
/// when there are more than `cap` of them the oldest message among them may be cut off.
fn whole_messages_within(tts: &[u64], actions: &[StoredAction], cap: usize) -> usize {
    let cut_from = match actions.len() > cap {
        true => actions.last().map(|a| a.message_timetoken.get()),
        false => None,
    };
    let mut total = 0;
    let mut next = 0;
    for (i, tt) in tts.iter().enumerate() {
        if cut_from.is_some_and(|c| *tt <= c) {
            return i;
        }
        let mut count = 0;
        while next < actions.len() && actions[next].message_timetoken.get() >= *tt {
            count += usize::from(actions[next].message_timetoken.get() == *tt);
            next += 1;
        }
        total += count;
        if total > cap {
            return i;
        }
    }
    tts.len()
}

type Refs<'a> = Vec<(&'a str, u64)>;
type Grouped<'a> = BTreeMap<u64, BTreeMap<&'a str, BTreeMap<&'a str, Refs<'a>>>>;

/// Actions of messages at or after `oldest`, by message, type and value, oldest action first.
fn group(actions: &[StoredAction], oldest: u64) -> Grouped<'_> {
    let mut g: Grouped = BTreeMap::new();
    for a in actions
        .iter()
        .filter(|a| a.message_timetoken.get() >= oldest)
    {
        g.entry(a.message_timetoken.get())
            .or_default()
            .entry(a.action_type.as_str())
            .or_default()
            .entry(a.value.as_str())
            .or_default()
            .push((a.uuid.as_str(), a.action_timetoken.get()));
    }
    for refs in g
        .values_mut()
        .flat_map(|t| t.values_mut())
        .flat_map(|v| v.values_mut())
    {
        refs.sort_by_key(|(_, at)| *at);
    }
    g
}

fn open_envelope() -> String {
    String::from("{\"status\":200,\"error\":false,\"error_message\":\"\",\"channels\":{")
}

fn close_envelope(out: &mut String, more: Option<&str>) {
    out.push('}');
    if let Some(more) = more {
        out.push_str(",\"more\":");
        out.push_str(more);
    }
    out.push('}');
}

fn more_json(sub_key: &str, channel: &str, start: u64, end: Option<u64>, max: u32) -> String {
    let mut url = format!(
        "/v3/history-with-actions/sub-key/{}/channel/{}?start={start}",
        pam_encode(sub_key),
        pam_encode(channel)
    );
    if let Some(end) = end {
        url.push_str(&format!("&end={end}"));
    }
    url.push_str(&format!("&max={max}"));
    let mut out = String::from("{\"url\":");
    push_str(&mut out, &url);
    out.push_str(",\"start\":");
    push_tt(&mut out, start);
    if let Some(end) = end {
        out.push_str(",\"end\":");
        push_tt(&mut out, end);
    }
    out.push_str(",\"max\":");
    push_u64(&mut out, u64::from(max));
    out.push('}');
    out
}

fn push_channel(
    out: &mut String,
    first: &mut bool,
    channel: &str,
    rows: &[MessageRow],
    include: Include,
    actions: &Grouped<'_>,
) {
    if !std::mem::take(first) {
        out.push(',');
    }
    push_key(out, channel);
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_item(out, row, include, actions.get(&row.timetoken));
    }
    out.push(']');
}

type ByType<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Refs<'a>>>;

fn push_item(out: &mut String, row: &MessageRow, include: Include, actions: Option<&ByType<'_>>) {
    out.push_str("{\"message\":");
    out.push_str(&row.payload);
    out.push_str(",\"timetoken\":");
    push_tt(out, row.timetoken);
    if include.meta {
        out.push_str(",\"meta\":");
        out.push_str(row.meta.as_deref().unwrap_or("\"\""));
    }
    if include.uuid {
        out.push_str(",\"uuid\":");
        push_str(out, &row.publisher);
    }
    if include.message_type {
        out.push_str(",\"message_type\":null");
    }
    if let (true, Some(cmt)) = (include.custom_message_type, &row.custom_message_type) {
        out.push_str(",\"custom_message_type\":");
        push_str(out, cmt);
    }
    if let Some(by_type) = actions {
        out.push_str(",\"actions\":");
        push_actions(out, by_type);
    }
    out.push('}');
}

fn push_actions(out: &mut String, by_type: &ByType<'_>) {
    out.push('{');
    for (ti, (action_type, by_value)) in by_type.iter().enumerate() {
        if ti > 0 {
            out.push(',');
        }
        push_key(out, action_type);
        out.push('{');
        for (vi, (value, refs)) in by_value.iter().enumerate() {
            if vi > 0 {
                out.push(',');
            }
            push_key(out, value);
            out.push('[');
            for (ri, (uuid, at)) in refs.iter().enumerate() {
                if ri > 0 {
                    out.push(',');
                }
                out.push_str("{\"uuid\":");
                push_str(out, uuid);
                out.push_str(",\"actionTimetoken\":");
                push_tt(out, *at);
                out.push('}');
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::Timetoken;

    fn acts(message_tts: &[u64]) -> Vec<StoredAction> {
        message_tts
            .iter()
            .enumerate()
            .map(|(i, mt)| StoredAction {
                action_timetoken: Timetoken(1000 + i as u64),
                message_timetoken: Timetoken(*mt),
                action_type: "r".into(),
                uuid: "u".into(),
                value: "v".into(),
            })
            .collect()
    }

    #[test]
    fn pages_keep_whole_messages_within_the_action_cap() {
        let tts = [30, 20, 10];
        // Everything fits.
        assert_eq!(whole_messages_within(&tts, &acts(&[30, 30, 10]), 5), 3);
        // 30 has 2, 20 has 2, 10 has 2: the third message would make 6 > 5.
        assert_eq!(
            whole_messages_within(&tts, &acts(&[30, 30, 20, 20, 10, 10]), 5),
            2
        );
        // Fetched cap+1 = 4 rows and the last message among them (20) may be cut off.
        assert_eq!(whole_messages_within(&tts, &acts(&[30, 30, 20, 20]), 3), 1);
        // The newest message alone is over the cap.
        assert_eq!(whole_messages_within(&tts, &acts(&[30, 30, 30, 30]), 3), 0);
        // Messages without actions cost nothing.
        assert_eq!(whole_messages_within(&tts, &[], 0), 3);
    }

    #[test]
    fn actions_group_by_type_and_value_oldest_first() {
        let mut a = acts(&[30, 30, 20]);
        a[0].action_timetoken = Timetoken(9);
        a[1].action_timetoken = Timetoken(5);
        let g = group(&a, 20);
        assert_eq!(g[&30]["r"]["v"], vec![("u", 5), ("u", 9)]);
        assert_eq!(g[&20]["r"]["v"].len(), 1);
        assert!(!group(&a, 25).contains_key(&20));
    }

    #[test]
    fn the_more_object_says_where_to_continue() {
        let more: serde_json::Value =
            serde_json::from_str(&more_json("sk", "a#1", 17, Some(3), 20)).unwrap();
        assert_eq!(
            more,
            serde_json::json!({"url": "/v3/history-with-actions/sub-key/sk/channel/a%231?start=17&end=3&max=20",
                               "start": "17", "end": "3", "max": 20})
        );
    }
}
