//! Fetch messages (reference section 2): `GET /v3/history/sub-key/{sk}/channel/{ch1,ch2,..}`
//! and `GET /v3/history-with-actions/sub-key/{sk}/channel/{ch}`: the newest `max` messages with
//! `end <= timetoken < start`, ascending, with the `include_*` fields asked for and, on the
//! second path, each message's actions grouped type -> value -> authors.
//!
//! Stored payloads are compact JSON text and are copied into the answer as they are.

use rusqlite::Connection;

use super::App;
use super::errors::{Handled, Reply};
use super::history_view::HistoryView;
use super::params::{self, InputError, Query};
use super::render::history::{
    Groups, Include, Paging, close_envelope, open_envelope, push_channel, push_item_open,
    with_actions,
};
use super::render::json::Pieces;
use super::sqlite::{self, Range, Slice, StoreError};

/// Default and largest `max` for one channel.
pub const MAX_ONE_CHANNEL: u32 = 100;
/// Default and largest `max` for several channels, and with actions.
pub const MAX_SEVERAL_OR_WITH_ACTIONS: u32 = 25;
/// Most actions in one with-actions page; whole messages only, at least one.
pub const MAX_ACTIONS_PER_PAGE: usize = 10_000;

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
    let cached = single_channel_query(&f, with_actions);
    let render = |conn: &Connection| match with_actions {
        true => page_with_actions(conn, &f),
        false => page(conn, &f),
    };
    match cached {
        Some((sub_key, channel, query)) => {
            let body = app.store.read_cached(&sub_key, &channel, query, |source| {
                if with_actions && let Some(view) = source.history_view(&sub_key, &channel)? {
                    let view = view.read().unwrap_or_else(|p| p.into_inner());
                    return Ok(page_from_view(&view, &f, &channel));
                }
                source.read(render)
            })?;
            Ok(Reply::ok(body))
        }
        None => Ok(Reply::ok(app.store.read(render)?)),
    }
}

/// Each message of a channel page, newest first, rendered without its closing brace (so that
/// `actions` can follow).
fn newest_items(conn: &Connection, f: &Fetch, channel: &str) -> Result<Pieces, StoreError> {
    let mut items = Pieces::with_capacity(f.max as usize, 128);
    let page = Slice::newest(&f.sub_key, channel, f.range, f.max);
    sqlite::visit_newest_messages(conn, page, |m| {
        items.begin(m.timetoken);
        push_item_open(items.buf(), m, f.include);
        items.end();
    })?;
    Ok(items)
}

/// What a one-channel answer depends on, for the read cache.
fn single_channel_query(f: &Fetch, with_actions: bool) -> Option<(String, String, String)> {
    let [channel] = f.channels.as_slice() else {
        return None;
    };
    let i = f.include;
    let query = format!(
        "history {with_actions} {:?} {:?} {} {} {} {} {}",
        f.range.start, f.range.end, f.max, i.meta, i.uuid, i.message_type, i.custom_message_type
    );
    Some((f.sub_key.clone(), channel.clone(), query))
}

fn page(conn: &Connection, f: &Fetch) -> Result<Vec<u8>, StoreError> {
    let mut out = open_envelope();
    let mut first = true;
    for channel in &f.channels {
        let items = newest_items(conn, f, channel)?;
        if !items.is_empty() {
            push_channel(&mut out, &mut first, channel, &items, items.len(), None);
        }
    }
    close_envelope(&mut out, None);
    Ok(out)
}

fn page_with_actions(conn: &Connection, f: &Fetch) -> Result<Vec<u8>, StoreError> {
    let Some(channel) = f.channels.first() else {
        return Ok(with_actions_page(
            f,
            "",
            &Pieces::default(),
            0,
            &Pieces::default(),
        ));
    };
    let items = newest_items(conn, f, channel)?;
    let (Some((newest, _)), Some((oldest, _))) =
        (items.get(0), items.get(items.len().saturating_sub(1)))
    else {
        return Ok(with_actions_page(f, channel, &items, 0, &Pieces::default()));
    };
    let span = |lowest, highest| Slice::between(&f.sub_key, channel, lowest, highest);
    // Usually every action of the page fits: one scan. Only past the cap are the messages
    // counted, to keep the newest whole ones.
    let cap = MAX_ACTIONS_PER_PAGE;
    let all = span(oldest, newest).limited(u32::try_from(cap + 1).unwrap_or(u32::MAX));
    let (mut actions, seen) = grouped_actions(conn, all)?;
    let mut keep = items.len();
    if seen > cap {
        let counts = sqlite::action_counts(conn, span(oldest, newest))?;
        let per_message: Vec<usize> = (0..items.len())
            .filter_map(|i| items.get(i))
            .map(|(tt, _)| {
                counts
                    .binary_search_by_key(&tt, |c| c.0)
                    .map_or(0, |at| counts[at].1)
            })
            .collect();
        keep = whole_messages_within(&per_message, cap);
        let oldest_kept = items.get(keep - 1).map_or(newest, |(tt, _)| tt);
        actions = grouped_actions(conn, span(oldest_kept, newest))?.0;
    }
    Ok(with_actions_page(f, channel, &items, keep, &actions))
}

/// The same page from the channel's view.
fn page_from_view(view: &HistoryView, f: &Fetch, channel: &str) -> Vec<u8> {
    let page: Vec<_> = view.newest(f.range, f.max as usize).collect();
    let mut items = Pieces::with_capacity(page.len(), 128);
    for m in &page {
        items.begin(m.row.timetoken);
        push_item_open(items.buf(), &m.row, f.include);
        items.end();
    }
    let (Some(newest), Some(oldest)) = (page.first(), page.last()) else {
        return with_actions_page(f, channel, &items, 0, &Pieces::default());
    };
    let (newest, oldest) = (newest.row.timetoken, oldest.row.timetoken);
    let mut keep = page.len();
    if view.actions_between(oldest, newest) > MAX_ACTIONS_PER_PAGE {
        let counts: Vec<usize> = page.iter().map(|m| m.actions).collect();
        keep = whole_messages_within(&counts, MAX_ACTIONS_PER_PAGE);
    }
    let mut actions = Pieces::with_capacity(keep, 256);
    for m in page[..keep].iter().rev().filter(|m| m.actions > 0) {
        actions.begin(m.row.timetoken);
        actions.buf().extend_from_slice(m.grouped);
        actions.end();
    }
    with_actions_page(f, channel, &items, keep, &actions)
}

/// A with-actions answer of the page `f` asked for.
fn with_actions_page(
    f: &Fetch,
    channel: &str,
    items: &Pieces,
    keep: usize,
    actions: &Pieces,
) -> Vec<u8> {
    let paging = Paging {
        sub_key: &f.sub_key,
        channel,
        end: f.range.end,
        max: f.max,
    };
    with_actions(paging, items, keep, actions)
}

/// How many of the newest messages (their action counts given newest first) to return so that
/// the page holds whole messages and at most `cap` actions; always at least one.
fn whole_messages_within(counts_newest_first: &[usize], cap: usize) -> usize {
    let mut total = 0usize;
    for (i, n) in counts_newest_first.iter().enumerate() {
        total = total.saturating_add(*n);
        if total > cap {
            return i.max(1);
        }
    }
    counts_newest_first.len()
}

/// Each message's actions as `{"type":{"value":[{"uuid","actionTimetoken"},..]}}`, keyed by
/// message timetoken (ascending); authors of a value in uuid order (the service promises none).
/// Also says how many actions were read.
fn grouped_actions(conn: &Connection, span: Slice<'_>) -> Result<(Pieces, usize), StoreError> {
    let mut out = Pieces::with_capacity(MAX_SEVERAL_OR_WITH_ACTIONS as usize, 256);
    let mut seen = 0usize;
    let mut current: Option<u64> = None;
    let mut groups = Groups::default();
    sqlite::visit_message_actions(conn, span, |a| {
        seen += 1;
        if current != Some(a.message_tt) {
            if current.is_some() {
                groups.close(out.buf());
                out.end();
            }
            current = Some(a.message_tt);
            out.begin(a.message_tt);
        }
        groups.push(out.buf(), a);
    })?;
    if current.is_some() {
        groups.close(out.buf());
        out.end();
    }
    Ok((out, seen))
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
