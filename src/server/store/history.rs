//! A page of history ([`Store::history_page`]): the newest `max` messages of one or more
//! channels with `end <= timetoken < start`, ascending, with the `include_*` fields asked for
//! and, with actions, each message's actions grouped type -> value -> authors; and how many
//! messages each channel has after a timetoken ([`Store::message_counts`]). A one-channel
//! page is served through the read policy ([`super::read`]): from the answer cache, the
//! channel's [`HistoryView`] (with actions only), or SQLite; several channels read SQLite.
//! It knows nothing of HTTP: it answers bytes or a [`StoreError`].

use axum::body::Bytes;
use rusqlite::Connection;

use super::caches::{AnswerKey, Caches};
use super::handle::Store;
use super::read::CachedRead;
use crate::server::render::history::{
    Groups, Include, Paging, close_envelope, message_counts, open_envelope, push_channel,
    push_item_open, with_actions,
};
use crate::server::render::json::Pieces;
use crate::server::sqlite::{self, Range, Slice, StoreError};
use crate::server::views::{HistoryView, Views};

/// Most actions in one with-actions page; whole messages only, at least one.
pub const MAX_ACTIONS_PER_PAGE: usize = 10_000;

/// Which page of history to read.
#[derive(Debug, Clone)]
pub struct HistoryQuery {
    pub sub_key: String,
    /// At least one; exactly one with actions.
    pub channels: Vec<String>,
    pub range: Range,
    /// At least 1.
    pub max: u32,
    pub include: Include,
    pub with_actions: bool,
}

/// A channel's message count stops here (REST docs `get-message-count`: "Channels with
/// 10,000 messages or more have a count of 10000").
pub const MAX_MESSAGE_COUNT: u32 = 10_000;

impl Store {
    /// The answer to a fetch-messages request.
    pub fn history_page(&self, q: &HistoryQuery) -> Result<Bytes, StoreError> {
        self.answer(q)
    }

    /// How many messages each channel has after its timetoken (exclusive).
    pub fn message_counts(
        &self,
        sub_key: &str,
        after: &[(String, u64)],
    ) -> Result<Bytes, StoreError> {
        let counts = self.read(|conn| {
            after
                .iter()
                .map(|(channel, tt)| {
                    let n = sqlite::count_messages_after(
                        conn,
                        sub_key,
                        channel,
                        *tt,
                        MAX_MESSAGE_COUNT,
                    )?;
                    Ok((channel.clone(), n))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        Ok(message_counts(&counts).into())
    }
}

impl CachedRead for HistoryQuery {
    type View = HistoryView;

    fn channel(&self) -> Option<(&str, &str)> {
        match self.channels.as_slice() {
            [channel] => Some((&self.sub_key, channel)),
            _ => None,
        }
    }

    fn key(&self) -> AnswerKey {
        AnswerKey::History {
            with_actions: self.with_actions,
            range: self.range,
            max: self.max,
            include: self.include,
        }
    }

    fn views<'c>(&self, caches: &'c Caches) -> Option<&'c Views<HistoryView>> {
        self.with_actions.then_some(&caches.history)
    }

    fn render_view(&self, view: &HistoryView) -> Vec<u8> {
        let channel = self.channels.first().map_or("", String::as_str);
        page_from_view(view, self, channel)
    }

    fn render_sqlite(&self, conn: &Connection) -> Result<Vec<u8>, StoreError> {
        match self.with_actions {
            true => page_with_actions(conn, self),
            false => page(conn, self),
        }
    }
}

/// Each message of a channel page, newest first, rendered without its closing brace (so that
/// `actions` can follow).
fn newest_items(conn: &Connection, f: &HistoryQuery, channel: &str) -> Result<Pieces, StoreError> {
    let mut items = Pieces::with_capacity(f.max as usize, 128);
    let page = Slice::newest(&f.sub_key, channel, f.range, f.max);
    sqlite::visit_newest_messages(conn, page, |m| {
        items.begin(m.timetoken);
        push_item_open(items.buf(), m, f.include);
        items.end();
    })?;
    Ok(items)
}

fn page(conn: &Connection, f: &HistoryQuery) -> Result<Vec<u8>, StoreError> {
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

fn page_with_actions(conn: &Connection, f: &HistoryQuery) -> Result<Vec<u8>, StoreError> {
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
fn page_from_view(view: &HistoryView, f: &HistoryQuery, channel: &str) -> Vec<u8> {
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
    f: &HistoryQuery,
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
    let mut out = Pieces::with_capacity(32, 256);
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
