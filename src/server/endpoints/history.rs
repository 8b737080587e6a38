//! Fetch messages (reference section 2): `GET /v3/history/sub-key/{sk}/channel/{ch1,ch2,..}`
//! and `GET /v3/history-with-actions/sub-key/{sk}/channel/{ch}`: the newest `max` messages with
//! `end <= timetoken < start`, ascending, with the `include_*` fields asked for and, on the
//! second path, each message's actions grouped type -> value -> authors.
//! The same service's message counts, `GET /v3/history/sub-key/{sk}/message-counts/{chs}`,
//! and history delete, `DELETE /v3/history/sub-key/{sk}/channel/{chs}`, are here too.
//! Parsing and answering only: pages, counts and deletes come from the store.

use axum::body::Bytes;

use super::Handled;
use super::params::{self, InputError, Query};
use super::touch::Permissions;
use crate::server::render::history::{DELETED, Include};
use crate::server::sqlite::Range;
use crate::server::store::{HistoryQuery, Store};

/// Access Manager: fetching history needs read on every channel fetched.
pub const NEEDS: Permissions = Permissions::READ;
/// Access Manager: counting messages reads them, so it needs read on every channel counted.
pub const COUNTS_NEEDS: Permissions = Permissions::READ;
/// Access Manager: deleting history needs delete on every channel (permission model: "delete
/// messages from history").
pub const DELETE_NEEDS: Permissions = Permissions::DELETE;

/// Default and largest `max` for one channel.
pub const MAX_ONE_CHANNEL: u32 = 100;
/// Default and largest `max` for several channels, and with actions.
pub const MAX_SEVERAL_OR_WITH_ACTIONS: u32 = 25;

/// The subscribe key and the channels (at least one, each once) of a path.
fn keyed_channels(sub_key: &str, channels: &str) -> Result<(String, Vec<String>), InputError> {
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
    Ok((sub_key, list))
}

fn parse(
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Result<HistoryQuery, InputError> {
    let (sub_key, list) = keyed_channels(sub_key, channels)?;
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
    Ok(HistoryQuery {
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
        with_actions,
    })
}

/// `GET /v3/history/...` (`with_actions` false) or `/v3/history-with-actions/...`.
pub fn fetch(
    store: &Store,
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Handled {
    let page = parse(sub_key, channels, q, with_actions)?;
    Ok(store.history_page(&page)?)
}

/// Most channels one message-counts request may name (REST docs `get-message-count`).
pub const MAX_COUNTED_CHANNELS: usize = 100;

/// What the service answers to every refused message-counts request (pubnub/swift canned
/// `message_counts_error_invalid_arguments.json`).
fn invalid_arguments(field: &str) -> InputError {
    InputError::new("Invalid Arguments", field, "query")
}

/// `GET .../message-counts/{ch1,ch2}?timetoken=T` (one timetoken for all) or
/// `?channelsTimetoken=T1,T2` (one per channel, in order): how many messages each channel has
/// after its timetoken. Both, neither, or a list of another length is a 400 (REST docs).
pub fn message_counts(store: &Store, sub_key: &str, chs: &str, q: &Query) -> Handled {
    let (sub_key, list) = keyed_channels(sub_key, chs)?;
    if list.len() > MAX_COUNTED_CHANNELS {
        return Err(invalid_arguments("channel").into());
    }
    let parse =
        |v: &str, field| params::parse_timetoken(v.trim()).ok_or_else(|| invalid_arguments(field));
    let after: Vec<u64> = match (q.get("timetoken"), q.get("channelsTimetoken")) {
        (Some(t), None) => vec![parse(t, "timetoken")?; list.len()],
        (None, Some(ts)) => ts
            .split(',')
            .map(|t| parse(t, "channelsTimetoken"))
            .collect::<Result<_, _>>()?,
        (Some(_), Some(_)) | (None, None) => return Err(invalid_arguments("timetoken").into()),
    };
    if after.len() != list.len() {
        return Err(invalid_arguments("channelsTimetoken").into());
    }
    let pairs: Vec<(String, u64)> = list.into_iter().zip(after).collect();
    Ok(store.message_counts(&sub_key, &pairs)?)
}

/// The stored timetokens `from <= tt < below` a delete with `start` (exclusive) and `end`
/// (inclusive) covers, whichever is larger (REST docs `delete-message-history`; the storage
/// guide: with messages at T-1, T, T+1, start T-1 and end T+1 delete T and T+1, start T+1 and
/// end T-1 delete T-1 and T). Neither deletes everything; equal bounds delete nothing.
pub fn delete_range(start: Option<u64>, end: Option<u64>) -> (u64, u64) {
    const ALL: u64 = i64::MAX as u64;
    match (start, end) {
        (None, None) => (0, ALL),
        (Some(s), None) => (0, s),
        (None, Some(e)) => (e, ALL),
        (Some(s), Some(e)) if s < e => (s + 1, e + 1),
        (Some(s), Some(e)) => (e, s),
    }
}

/// `DELETE /v3/history/sub-key/{sk}/channel/{chs}?start&end`: removes the messages of the
/// range and their actions; answers `{"status": 200, "error": false, "error_message": ""}`.
pub async fn delete(store: &Store, sub_key: &str, chs: &str, q: &Query) -> Handled {
    let (sub_key, list) = keyed_channels(sub_key, chs)?;
    let (from, below) = delete_range(q.timetoken("start")?, q.timetoken("end")?);
    if from < below {
        store.delete_history(&sub_key, &list, from, below).await?;
    }
    Ok(Bytes::from_static(DELETED))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of messages at 9, 10, 11 a delete with `start` and `end` removes.
    fn deleted(start: Option<u64>, end: Option<u64>) -> Vec<u64> {
        let (from, below) = delete_range(start, end);
        [9, 10, 11]
            .into_iter()
            .filter(|t| (from..below).contains(t))
            .collect()
    }

    #[test]
    fn delete_ranges_follow_the_docs() {
        assert_eq!(deleted(Some(9), Some(11)), [10, 11]);
        assert_eq!(deleted(Some(11), Some(9)), [9, 10]);
        // The Chat SDK's hard delete: start = tt - 1, end = tt.
        assert_eq!(deleted(Some(9), Some(10)), [10]);
        // The REST docs' single message: end = tt, start = tt + 1.
        assert_eq!(deleted(Some(11), Some(10)), [10]);
        assert_eq!(deleted(Some(10), Some(10)), Vec::<u64>::new());
        assert_eq!(deleted(Some(10), None), [9]);
        assert_eq!(deleted(None, Some(10)), [10, 11]);
        assert_eq!(deleted(None, None), [9, 10, 11]);
    }
}
