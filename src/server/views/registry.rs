//! The views of one kind of every channel read lately ([`Views`]): what the two kinds
//! ([`super::actions`], [`super::history`]) share: building, keeping current, bounding memory.
//!
//! A view is built lazily by the first read of the channel (a scan) and kept current by the
//! writer thread, which applies each committed write after its commit and before it
//! acknowledges, so a read never misses an acknowledged write.
//!
//! A build races with commits: its snapshot may or may not hold a commit made while it scans.
//! While a channel is being built, the writer logs the channel's changes instead; the builder
//! replays the log over its scan before installing. Each change sets the state of one key
//! (present with this content, or absent), so replaying a change the snapshot already holds is
//! harmless, and replay in commit order leaves every key as its last commit left it.
//!
//! Memory is bounded: channels with more than a cap of rows get no view (their reads stay on
//! SQLite), and past a cap of bytes in all the least recently used views are dropped. Commits
//! by another process drop everything ([`Views::clear`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use super::change::{Committed, ViewData};

/// Channels with more rows than this get no view.
pub const MAX_VIEW_ROWS: usize = 200_000;
/// Bytes of all views of one kind together (an estimate).
pub const MAX_VIEW_BYTES: usize = 64 * 1024 * 1024;

enum State<D: ViewData> {
    /// A reader is scanning the channel; changes committed meanwhile, in order.
    Building {
        id: u64,
        log: Vec<D::Change>,
    },
    Ready(Arc<RwLock<D>>),
    /// Too many rows: read from SQLite.
    TooBig,
}

struct Entry<D: ViewData> {
    state: State<D>,
    /// When last read, for eviction.
    used: u64,
}

struct Inner<D: ViewData> {
    /// sub key -> channel -> entry
    channels: HashMap<String, HashMap<String, Entry<D>>>,
    /// Bytes of the ready views.
    bytes: usize,
    /// Source of build ids and use times.
    counter: u64,
}

/// What a reader should do for a channel.
pub enum Lookup<D> {
    Ready(Arc<RwLock<D>>),
    /// Scan the channel (at most [`Views::max_rows`] + 1 rows) and call [`Views::install`] or
    /// [`Views::abandon`] with this ticket.
    Build(BuildTicket),
    /// Read from SQLite (too big, or another reader is building the view).
    Uncached,
}

/// Identifies one build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildTicket(u64);

/// The views of one kind of every channel read lately.
pub struct Views<D: ViewData> {
    inner: Mutex<Inner<D>>,
    /// Most rows of a channel with a view.
    max_rows: usize,
    /// Most bytes of all views.
    max_bytes: usize,
}

impl<D: ViewData> Default for Views<D> {
    fn default() -> Self {
        Views::with_caps(MAX_VIEW_ROWS, MAX_VIEW_BYTES)
    }
}

impl<D: ViewData> Inner<D> {
    fn tick(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn entry(&mut self, sub_key: &str, channel: &str) -> Option<&mut Entry<D>> {
        self.channels.get_mut(sub_key)?.get_mut(channel)
    }

    fn remove(&mut self, sub_key: &str, channel: &str) {
        if let Some(channels) = self.channels.get_mut(sub_key) {
            channels.remove(channel);
            if channels.is_empty() {
                self.channels.remove(sub_key);
            }
        }
    }

    /// Drops the least recently used views until the total fits in `max_bytes`.
    fn evict(&mut self, max_bytes: usize) {
        while self.bytes > max_bytes {
            let oldest = self
                .channels
                .iter()
                .flat_map(|(sk, chs)| chs.iter().map(move |(ch, e)| (sk, ch, e)))
                .filter_map(|(sk, ch, e)| match &e.state {
                    State::Ready(view) => Some((e.used, sk, ch, view)),
                    _ => None,
                })
                .min_by_key(|(used, ..)| *used)
                .map(|(_, sk, ch, view)| (sk.clone(), ch.clone(), view_bytes(view)));
            let Some((sub_key, channel, bytes)) = oldest else {
                self.bytes = 0;
                return;
            };
            self.remove(&sub_key, &channel);
            self.bytes = self.bytes.saturating_sub(bytes);
        }
    }
}

fn view_bytes<D: ViewData>(view: &RwLock<D>) -> usize {
    view.read().unwrap_or_else(|p| p.into_inner()).bytes()
}

impl<D: ViewData> Views<D> {
    /// Views of channels with at most `max_rows` rows, `max_bytes` in all.
    pub fn with_caps(max_rows: usize, max_bytes: usize) -> Self {
        Views {
            inner: Mutex::new(Inner {
                channels: HashMap::new(),
                bytes: 0,
                counter: 0,
            }),
            max_rows,
            max_bytes,
        }
    }

    /// Most rows of a channel with a view: a build scans one more.
    pub fn max_rows(&self) -> usize {
        self.max_rows
    }

    fn lock(&self) -> MutexGuard<'_, Inner<D>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The channel's view, or what to do without one.
    pub fn lookup(&self, sub_key: &str, channel: &str) -> Lookup<D> {
        let mut inner = self.lock();
        let now = inner.tick();
        if let Some(entry) = inner.entry(sub_key, channel) {
            entry.used = now;
            return match &entry.state {
                State::Ready(view) => Lookup::Ready(Arc::clone(view)),
                State::Building { .. } | State::TooBig => Lookup::Uncached,
            };
        }
        let entry = Entry {
            state: State::Building {
                id: now,
                log: Vec::new(),
            },
            used: now,
        };
        inner
            .channels
            .entry(sub_key.to_string())
            .or_default()
            .insert(channel.to_string(), entry);
        Lookup::Build(BuildTicket(now))
    }

    /// Installs a view built from a scan that started after `ticket` was taken (`None`: the
    /// channel has too many rows), with the changes committed since replayed over it.
    /// Returns the view, unless everything was dropped meanwhile.
    pub fn install(
        &self,
        sub_key: &str,
        channel: &str,
        ticket: BuildTicket,
        built: Option<D>,
    ) -> Option<Arc<RwLock<D>>> {
        let mut inner = self.lock();
        let entry = inner.entry(sub_key, channel)?;
        let State::Building { id, log } = &mut entry.state else {
            return None;
        };
        if *id != ticket.0 {
            return None;
        }
        let Some(mut view) = built else {
            entry.state = State::TooBig;
            return None;
        };
        for change in log.drain(..) {
            view.apply(&change);
        }
        if view.rows() > self.max_rows || view.bytes() > self.max_bytes {
            entry.state = State::TooBig;
            return None;
        }
        let bytes = view.bytes();
        let view = Arc::new(RwLock::new(view));
        entry.state = State::Ready(Arc::clone(&view));
        inner.bytes += bytes;
        inner.evict(self.max_bytes);
        Some(view)
    }

    /// Forgets a build that failed.
    pub fn abandon(&self, sub_key: &str, channel: &str, ticket: BuildTicket) {
        let mut inner = self.lock();
        let building = inner
            .entry(sub_key, channel)
            .is_some_and(|e| matches!(&e.state, State::Building { id, .. } if *id == ticket.0));
        if building {
            inner.remove(sub_key, channel);
        }
    }

    /// Applies committed writes, in commit order, to the views they touch.
    pub fn apply(&self, committed: &[Committed<'_>]) {
        let mut inner = self.lock();
        let mut grown = false;
        for c in committed {
            let (sub_key, channel) = c.channel();
            let Some(entry) = inner.entry(sub_key, channel) else {
                continue;
            };
            if let Committed::MessagesDeleted { .. } = c {
                // A build under way finds its entry gone and is not installed.
                let bytes = match &entry.state {
                    State::Ready(view) => view_bytes(view),
                    _ => 0,
                };
                inner.remove(sub_key, channel);
                inner.bytes = inner.bytes.saturating_sub(bytes);
                continue;
            }
            if matches!(entry.state, State::TooBig) {
                continue;
            }
            let Some(change) = D::change(c) else {
                continue;
            };
            let delta = match &mut entry.state {
                State::Building { log, .. } => {
                    log.push(change);
                    continue;
                }
                State::TooBig => continue,
                State::Ready(view) => {
                    let mut view = view.write().unwrap_or_else(|p| p.into_inner());
                    let delta = view.apply(&change);
                    if view.rows() > self.max_rows {
                        let bytes = view.bytes() as isize;
                        drop(view);
                        entry.state = State::TooBig;
                        delta - bytes
                    } else {
                        delta
                    }
                }
            };
            inner.bytes = inner.bytes.saturating_add_signed(delta);
            grown |= delta > 0;
        }
        if grown {
            inner.evict(self.max_bytes);
        }
    }

    /// Drops every view; builds under way will not be installed.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.channels.clear();
        inner.bytes = 0;
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
pub(crate) mod tests;
