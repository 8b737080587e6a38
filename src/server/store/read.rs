//! The one read policy. Every page a client reads ([`super::actions`], [`super::history`])
//! describes itself as a [`CachedRead`] (its channel, its answer-cache key, the kind of view
//! that can answer it, how to render it from that view or from SQLite), and [`Store::answer`]
//! decides where it comes from: the answer cache, else the channel's view, else SQLite.
//!
//! A view is never built on the thread that answers a request: the first read of a channel
//! without a view is answered from SQLite and starts a build on a thread of its own (one build
//! at a time in the process), so a read of any other channel never waits behind it. A
//! channel gets a view only when the registry admits it ([`Views::lookup`]).
//!
//! Another process may write to the same file (a command run without `--origin` next to a
//! running server): before answering from the caches, a commit by another process since the
//! last look (one `PRAGMA data_version`, about a microsecond) drops every cached answer and
//! view ([`super::changes`]). While this process's writer is committing, whose commit it was
//! is unknown: the answer is then read from SQLite and not kept.
//! It is the only place that chooses between the answer cache, a view and SQLite.

use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use rusqlite::Connection;

use super::caches::{AnswerKey, Caches};
use super::changes::Seen;
use super::handle::Store;
use super::memory;
use crate::server::sqlite::StoreError;
use crate::server::views::{ActionView, BuildTicket, HistoryView, Lookup, ViewData, Views};

/// Held while a view is built: one build at a time, whatever the channel.
static BUILDING: Mutex<()> = Mutex::new(());

/// A kind of view the store keeps, and where its registry is.
pub trait Kept: ViewData + Send + Sync + Sized + 'static {
    fn registry(caches: &Caches) -> &Views<Self>;
}

impl Kept for ActionView {
    fn registry(caches: &Caches) -> &Views<Self> {
        &caches.actions
    }
}

impl Kept for HistoryView {
    fn registry(caches: &Caches) -> &Views<Self> {
        &caches.history
    }
}

/// A read whose answer may come from the caches: what it is about and how to render it.
pub trait CachedRead {
    /// The kind of view that can answer it.
    type View: Kept;

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
        let view = match read
            .views(caches)
            .map(|views| views.lookup(sub_key, channel))
        {
            Some(Lookup::Ready(view)) => Some(view),
            Some(Lookup::Build(ticket)) => {
                if caches.memory.over() {
                    R::View::registry(caches).decline(sub_key, channel, ticket);
                } else {
                    self.build_later::<R::View>(sub_key, channel, ticket);
                }
                None
            }
            Some(Lookup::Uncached) | None => None,
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

    /// The channel's view from `views` (built now, on this thread, when missing), or `None`
    /// when the channel must be read from SQLite: not admitted, too many rows, or another
    /// reader building it. For tests: requests build in the background ([`Store::answer`]).
    #[cfg(test)]
    pub(super) fn view<D: ViewData>(
        &self,
        views: &Views<D>,
        sub_key: &str,
        channel: &str,
    ) -> Result<Option<Arc<RwLock<D>>>, StoreError> {
        match views.lookup(sub_key, channel) {
            Lookup::Ready(view) => Ok(Some(view)),
            Lookup::Uncached => Ok(None),
            Lookup::Build(ticket) => self.build(views, sub_key, channel, ticket),
        }
    }

    /// Builds the channel's view on a thread of its own, after any build under way.
    fn build_later<D: Kept>(&self, sub_key: &str, channel: &str, ticket: BuildTicket) {
        let (store, sub, ch) = (self.clone(), sub_key.to_string(), channel.to_string());
        let spawned = std::thread::Builder::new()
            .name("reactions-view".into())
            .spawn(move || {
                let _one = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
                let caches = store.caches();
                match store.build(D::registry(caches), &sub, &ch, ticket) {
                    Ok(Some(_)) => {}
                    // Too big or dropped meanwhile: what it held goes back to the system.
                    Ok(None) => memory::give_back(),
                    // The store closed meanwhile (a command's embedded server ending).
                    Err(StoreError::Closed) => {}
                    Err(e) => tracing::warn!("could not build the view of {ch}: {e}"),
                }
                store.keep_within_budget();
            });
        if let Err(e) = spawned {
            tracing::warn!("could not start building the view of {channel}: {e}");
            D::registry(self.caches()).abandon(sub_key, channel, ticket);
        }
    }

    /// Drops views, least recently used first (action views before history views), until
    /// the process is back within its memory budget or has none left.
    fn keep_within_budget(&self) {
        let caches = self.caches();
        while caches.memory.over() {
            if !(caches.actions.shed_one() || caches.history.shed_one()) {
                break;
            }
            caches.answers.clear();
            memory::give_back();
        }
    }

    /// Sets the memory budget (`--cache-mb`): the resident set a build may not pass, and half
    /// of it as the estimated size of each kind of view.
    pub fn set_memory_budget(&self, bytes: usize) {
        let caches = self.caches();
        caches.memory.set(bytes);
        caches.actions.set_max_bytes(bytes / 2);
        caches.history.set_max_bytes(bytes / 2);
    }

    /// Scans the channel and installs its view (or marks it too big) for `ticket`.
    fn build<D: ViewData>(
        &self,
        views: &Views<D>,
        sub_key: &str,
        channel: &str,
        ticket: BuildTicket,
    ) -> Result<Option<Arc<RwLock<D>>>, StoreError> {
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
