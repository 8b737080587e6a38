//! Per-channel views of rendered actions, so that a page of get-actions at any start is a range
//! walk over ready JSON fragments instead of an SQLite scan and a render.
//!
//! A view holds every action of one channel, keyed by action timetoken, each rendered exactly as
//! the list answer writes it. It is built lazily by the first read of the channel (one scan) and
//! kept current by the writer thread, which applies each committed add and remove after its
//! commit and before it acknowledges, so a read never misses an acknowledged write.
//!
//! A build races with commits: its snapshot may or may not hold a commit made while it scans.
//! While a channel is being built, the writer logs the channel's changes instead; the builder
//! replays the log over its scan before installing. Each change sets one timetoken's state
//! (present with this text, or absent), so replaying a change the snapshot already holds is
//! harmless, and replay in commit order leaves every timetoken as its last commit left it.
//!
//! Memory is bounded: channels with more than [`MAX_VIEW_ACTIONS`] actions get no view (their
//! reads stay on SQLite), and past [`MAX_VIEW_BYTES`] in all the least recently used views are
//! dropped. Commits by another process drop everything ([`ActionViews::clear`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use super::actions::push_action;
use super::queries::{ActionRow, Range, to_i64};
use crate::pubnub::StoredAction;

/// Channels with more actions than this are read from SQLite.
const MAX_VIEW_ACTIONS: usize = 200_000;
/// Bytes of all views together (fragments plus an estimate of the map's own cost).
const MAX_VIEW_BYTES: usize = 64 * 1024 * 1024;
/// What one entry costs besides its text: the key, the box, and the map's nodes.
const ENTRY_OVERHEAD: usize = 48;

/// The rendered actions of one channel.
#[derive(Debug, Default)]
pub struct View {
    actions: BTreeMap<u64, Box<[u8]>>,
    bytes: usize,
}

fn cost(text: &[u8]) -> usize {
    text.len() + ENTRY_OVERHEAD
}

impl View {
    /// A view of `actions` (any order).
    pub fn new(actions: impl IntoIterator<Item = (u64, Box<[u8]>)>) -> View {
        let actions: BTreeMap<u64, Box<[u8]>> = actions.into_iter().collect();
        let bytes = actions.values().map(|t| cost(t)).sum();
        View { actions, bytes }
    }

    /// The newest `limit` actions within `range` (`end <= tt < start`, bounds clamped as
    /// SQLite compares them), newest first.
    pub fn newest(&self, range: Range, limit: usize) -> impl Iterator<Item = (u64, &[u8])> {
        let below = range.start.map_or(i64::MAX, to_i64).max(0) as u64;
        let from = range.end.map_or(0, to_i64).max(0) as u64;
        self.actions
            .range(from..below.max(from))
            .rev()
            .take(limit)
            .map(|(tt, text)| (*tt, &text[..]))
    }

    fn len(&self) -> usize {
        self.actions.len()
    }

    /// Applies one change; returns the change in bytes.
    fn apply(&mut self, change: &Change) -> isize {
        let old = match &change.text {
            Some(text) => self.actions.insert(change.action_tt, text.clone()),
            None => self.actions.remove(&change.action_tt),
        };
        let delta = change.text.as_deref().map_or(0, cost) as isize
            - old.as_deref().map_or(0, cost) as isize;
        self.bytes = self.bytes.saturating_add_signed(delta);
        delta
    }
}

/// Renders one action as the list answer writes it.
pub fn render(a: &ActionRow<'_>) -> Box<[u8]> {
    let mut out = Vec::with_capacity(160);
    push_action(&mut out, a);
    out.into_boxed_slice()
}

/// One committed change to a channel's actions.
#[derive(Debug, Clone)]
struct Change {
    action_tt: u64,
    /// The rendered action when added, `None` when removed.
    text: Option<Box<[u8]>>,
}

/// A committed add (`Some`) or remove (`None`) the writer reports.
pub struct Committed<'a> {
    pub sub_key: &'a str,
    pub channel: &'a str,
    pub action_tt: u64,
    pub added: Option<&'a StoredAction>,
}

#[derive(Debug)]
enum State {
    /// A reader is scanning the channel; changes committed meanwhile, in order.
    Building {
        id: u64,
        log: Vec<Change>,
    },
    Ready(Arc<RwLock<View>>),
    /// Too many actions: read from SQLite.
    TooBig,
}

#[derive(Debug)]
struct Entry {
    state: State,
    /// When last read, for eviction.
    used: u64,
}

#[derive(Debug, Default)]
struct Inner {
    /// sub key -> channel -> entry
    channels: HashMap<String, HashMap<String, Entry>>,
    /// Bytes of the ready views.
    bytes: usize,
    /// Source of build ids and use times.
    counter: u64,
}

/// What a reader should do for a channel.
pub enum Lookup {
    Ready(Arc<RwLock<View>>),
    /// Scan the channel (at most [`ActionViews::max_actions`] + 1 actions) and call
    /// [`ActionViews::install`] or [`ActionViews::abandon`] with this ticket.
    Build(BuildTicket),
    /// Read from SQLite (too big, or another reader is building the view).
    Uncached,
}

/// Identifies one build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildTicket(u64);

/// The views of every channel read lately.
#[derive(Debug)]
pub struct ActionViews {
    inner: Mutex<Inner>,
    /// Most actions of a channel with a view.
    max_actions: usize,
    /// Most bytes of all views.
    max_bytes: usize,
}

impl Default for ActionViews {
    fn default() -> Self {
        ActionViews::with_caps(MAX_VIEW_ACTIONS, MAX_VIEW_BYTES)
    }
}

impl Inner {
    fn tick(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn entry(&mut self, sub_key: &str, channel: &str) -> Option<&mut Entry> {
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

fn view_bytes(view: &RwLock<View>) -> usize {
    view.read().unwrap_or_else(|p| p.into_inner()).bytes
}

impl ActionViews {
    /// Views of channels with at most `max_actions` actions, `max_bytes` in all.
    pub fn with_caps(max_actions: usize, max_bytes: usize) -> Self {
        ActionViews {
            inner: Mutex::default(),
            max_actions,
            max_bytes,
        }
    }

    /// Most actions of a channel with a view: a build scans one more.
    pub fn max_actions(&self) -> usize {
        self.max_actions
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The channel's view, or what to do without one.
    pub fn lookup(&self, sub_key: &str, channel: &str) -> Lookup {
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
    /// channel has too many actions), with the changes committed since replayed over it.
    /// Returns the view, unless everything was dropped meanwhile.
    pub fn install(
        &self,
        sub_key: &str,
        channel: &str,
        ticket: BuildTicket,
        built: Option<View>,
    ) -> Option<Arc<RwLock<View>>> {
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
        if view.len() > self.max_actions || view.bytes > self.max_bytes {
            entry.state = State::TooBig;
            return None;
        }
        let bytes = view.bytes;
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

    /// Applies committed adds and removes, in commit order, to the views they touch.
    pub fn apply<'a>(&self, committed: impl IntoIterator<Item = Committed<'a>>) {
        let mut inner = self.lock();
        let mut grown = false;
        for c in committed {
            let Some(entry) = inner.entry(c.sub_key, c.channel) else {
                continue;
            };
            if matches!(entry.state, State::TooBig) {
                continue;
            }
            let change = Change {
                action_tt: c.action_tt,
                text: c.added.map(|a| {
                    render(&ActionRow {
                        message_tt: a.message_timetoken.get(),
                        action_tt: a.action_timetoken.get(),
                        action_type: a.action_type.as_bytes(),
                        value: a.value.as_bytes(),
                        uuid: a.uuid.as_bytes(),
                    })
                }),
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
                    if view.len() > self.max_actions {
                        let bytes = view.bytes as isize;
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
#[path = "views_tests.rs"]
mod tests;
