//! The one read policy. Every page a client reads ([`super::actions`], [`super::history`])
//! describes itself as a [`CachedRead`] (its channel, its answer-cache key, the kind of view
//! that can answer it, how to render it from that view or from SQLite), and [`Store::answer`]
//! decides where it comes from: the answer cache, else the channel's view (built on first
//! use), else SQLite.
//!
//! Another process may write to the same file (a command run without `--origin` next to a
//! running server): before answering from the caches, a commit by another process since the
//! last look (one `PRAGMA data_version`, about a microsecond) drops every cached answer and
//! view ([`super::changes`]). While this process's writer is committing, whose commit it was
//! is unknown: the answer is then read from SQLite and not kept.
//! It is the only place that chooses between the answer cache, a view and SQLite.

use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use rusqlite::Connection;

use super::caches::{AnswerKey, Caches};
use super::changes::Seen;
use super::handle::Store;
use crate::server::sqlite::StoreError;
use crate::server::views::{Lookup, ViewData, Views};

/// A read whose answer may come from the caches: what it is about and how to render it.
pub trait CachedRead {
    /// The kind of view that can answer it.
    type View: ViewData;

    /// `(sub key, channel)` when the answer is about one channel and may be cached; `None`
    /// reads SQLite every time.
    fn channel(&self) -> Option<(&str, &str)>;

    /// Everything the answer depends on besides the channel.
    fn key(&self) -> AnswerKey;

    /// The views it may answer from; `None` when only SQLite can answer it.
    fn views<'c>(&self, caches: &'c Caches) -> Option<&'c Views<Self::View>>;

    /// The answer from the channel's view.
    fn render_view(&self, view: &Self::View) -> Vec<u8>;

    /// The answer from SQLite.
    fn render_sqlite(&self, conn: &Connection) -> Result<Vec<u8>, StoreError>;
}

impl Store {
    /// The answer to `read`: see the module documentation.
    pub(super) fn answer<R: CachedRead>(&self, read: &R) -> Result<Bytes, StoreError> {
        let from_sqlite = || self.read(|conn| read.render_sqlite(conn)).map(Bytes::from);
        let Some((sub_key, channel)) = read.channel() else {
            return from_sqlite();
        };
        let caches = self.caches();
        if self.changes().check(|| caches.clear()) != Seen::Current {
            return from_sqlite();
        }
        let key = read.key();
        let ticket = match caches.answers.lookup(sub_key, channel, &key) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        let view = match read.views(caches) {
            Some(views) => self.view(views, sub_key, channel)?,
            None => None,
        };
        let body = match view {
            Some(view) => {
                Bytes::from(read.render_view(&view.read().unwrap_or_else(|p| p.into_inner())))
            }
            None => from_sqlite()?,
        };
        caches
            .answers
            .store(sub_key, channel, key, ticket, body.clone());
        Ok(body)
    }

    /// The channel's view from `views` (built now from SQLite when missing), or `None` when
    /// the channel must be read from SQLite: too many rows, or another reader building it.
    pub(super) fn view<D: ViewData>(
        &self,
        views: &Views<D>,
        sub_key: &str,
        channel: &str,
    ) -> Result<Option<Arc<RwLock<D>>>, StoreError> {
        let ticket = match views.lookup(sub_key, channel) {
            Lookup::Ready(view) => return Ok(Some(view)),
            Lookup::Uncached => return Ok(None),
            Lookup::Build(ticket) => ticket,
        };
        let cap = views.max_rows();
        let scan = u32::try_from(cap + 1).unwrap_or(u32::MAX);
        let built = self.read(|conn| {
            let (rows, view) = D::scan(conn, sub_key, channel, scan)?;
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
