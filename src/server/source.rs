//! Reads through the caches: the answer cache ([`ReadCache`]) and the per-channel views
//! ([`Views`]), which this process's writer keeps current and which are dropped when another
//! process commits ([`super::changes`]).

use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use rusqlite::Connection;

use super::action_view::ActionView;
use super::cache::ReadCache;
use super::changes::Seen;
use super::history_view::{Action, HistoryView, StoredMessage};
use super::render::actions::action as render;
use super::sqlite::{self as queries, Range, Slice, StoreError};
use super::store::Store;
use super::views::{Committed, Lookup, ViewData, Views};

/// Everything kept in memory about what is stored.
#[derive(Default)]
pub struct Caches {
    pub answers: ReadCache,
    pub actions: Views<ActionView>,
    pub history: Views<HistoryView>,
}

impl Caches {
    /// Drops everything (another process committed).
    pub fn clear(&self) {
        self.answers.clear();
        self.actions.clear();
        self.history.clear();
    }

    /// Learns of a commit, before anyone is told of it: the views first, then the answers, so
    /// that an answer rendered from a view that lacks the commit finds its ticket outdated.
    pub fn committed<'a>(
        &self,
        committed: &[Committed<'_>],
        channels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        self.actions.apply(committed);
        self.history.apply(committed);
        self.answers.invalidate(channels);
    }
}

impl Store {
    /// Like [`Store::read`] for a rendered answer about one channel, served from the read
    /// cache when no write to the channel committed since it was computed. `query` must say
    /// everything the answer depends on besides the channel. `render` computes it on a miss,
    /// reading through the [`Source`] it is given.
    ///
    /// Another process may write to the same file (a command run without `--origin` next to a
    /// running server): before answering from the cache, a commit by another process since the
    /// last look (one `PRAGMA data_version`, about a microsecond) drops every cached answer and
    /// view. While this process's writer is committing, whose commit it was is unknown: the
    /// answer is then read from SQLite and not kept.
    pub(crate) fn read_cached<F>(
        &self,
        sub_key: &str,
        channel: &str,
        query: String,
        render: F,
    ) -> Result<Bytes, StoreError>
    where
        F: FnOnce(&Source<'_>) -> Result<Vec<u8>, StoreError>,
    {
        let caches = self.caches();
        let seen = self.changes().check(|| caches.clear());
        let source = Source {
            store: self,
            views: seen == Seen::Current,
        };
        if !source.views {
            return Ok(Bytes::from(render(&source)?));
        }
        let ticket = match caches.answers.lookup(sub_key, channel, &query) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        let body = Bytes::from(render(&source)?);
        caches
            .answers
            .store(sub_key, channel, query, ticket, body.clone());
        Ok(body)
    }

    /// A source with the views, for tests.
    #[cfg(test)]
    pub(crate) fn source(&self) -> Source<'_> {
        Source {
            store: self,
            views: true,
        }
    }
}

/// Where a cached read's answer comes from: SQLite, or a channel's view.
pub(crate) struct Source<'a> {
    store: &'a Store,
    /// Whether the views hold every commit.
    views: bool,
}

impl Source<'_> {
    /// See [`Store::read`].
    pub(crate) fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Connection) -> Result<R, StoreError>,
    {
        self.store.read(f)
    }

    /// The channel's view of the actions, or `None` when they must be read from SQLite.
    pub(crate) fn action_view(
        &self,
        sub_key: &str,
        channel: &str,
    ) -> Result<Option<Arc<RwLock<ActionView>>>, StoreError> {
        let views = &self.store.caches().actions;
        self.view(views, sub_key, channel, |conn, scan| {
            let mut rows = Vec::new();
            let all = Slice::newest(sub_key, channel, Range::default(), scan);
            queries::visit_newest_actions(conn, all, |a| rows.push((a.action_tt, render(a))))?;
            Ok((rows.len(), ActionView::new(rows)))
        })
    }

    /// The channel's view of messages with actions, or `None` when they must be read from
    /// SQLite.
    pub(crate) fn history_view(
        &self,
        sub_key: &str,
        channel: &str,
    ) -> Result<Option<Arc<RwLock<HistoryView>>>, StoreError> {
        let views = &self.store.caches().history;
        self.view(views, sub_key, channel, |conn, scan| {
            let (mut messages, mut actions) = (Vec::new(), Vec::new());
            let all = Slice::newest(sub_key, channel, Range::default(), scan);
            queries::visit_newest_messages(conn, all, |m| {
                messages.push((m.timetoken, StoredMessage::new(m)))
            })?;
            let all = Slice::between(sub_key, channel, 0, i64::MAX as u64).limited(scan);
            queries::visit_message_actions(conn, all, |a| {
                actions.push((a.message_tt, Action::new(a)))
            })?;
            let rows = messages.len() + actions.len();
            Ok((rows, HistoryView::new(messages, actions)))
        })
    }

    /// The channel's view from `views` (built now with `build` when missing), or `None` when
    /// the channel must be read from SQLite: too many rows, another reader building the view,
    /// or a commit being noticed. `build` scans at most the number of rows it is given and
    /// says how many it found.
    fn view<D: ViewData>(
        &self,
        views: &Views<D>,
        sub_key: &str,
        channel: &str,
        build: impl FnOnce(&Connection, u32) -> Result<(usize, D), StoreError>,
    ) -> Result<Option<Arc<RwLock<D>>>, StoreError> {
        if !self.views {
            return Ok(None);
        }
        let ticket = match views.lookup(sub_key, channel) {
            Lookup::Ready(view) => return Ok(Some(view)),
            Lookup::Uncached => return Ok(None),
            Lookup::Build(ticket) => ticket,
        };
        let cap = views.max_rows();
        let scan = u32::try_from(cap + 1).unwrap_or(u32::MAX);
        let built = self.read(|conn| {
            let (rows, view) = build(conn, scan)?;
            Ok((rows <= cap).then_some(view))
        });
        match built {
            Ok(built) => Ok(views.install(sub_key, channel, ticket, built)),
            Err(e) => {
                views.abandon(sub_key, channel, ticket);
                Err(e)
            }
        }
    }
}
