//! The in-process subscribe hub: a bounded ring of committed events in timetoken order, and
//! per-channel wake-ups for long polls.
//!
//! The writer thread appends events only after their write committed, in timetoken order.
//! A long poll walks the ring from its cursor; when there is nothing for it, it waits on one
//! `watch` per subscribed channel, so an idle subscriber costs a timer and a few wakers and is
//! woken only by its own channels. The hub never touches SQLite.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use futures::future::{FutureExt, select_all};
use tokio::sync::watch;
use tokio::time::Instant;

/// How many events the ring keeps before dropping the oldest.
pub const RING_CAPACITY: usize = 100_000;

/// One committed event, with its subscribe envelope item already rendered.
#[derive(Debug)]
pub struct HubEvent {
    pub tt: u64,
    pub sub_key: String,
    pub channel: String,
    /// The JSON object of this item in `m`.
    pub item: String,
}

/// The retained events, and how far eviction has gone.
#[derive(Debug, Default)]
struct Ring {
    events: VecDeque<HubEvent>,
    /// Timetoken of the newest event dropped for room (0 when none was).
    dropped_through: u64,
}

type Watchers = HashMap<String, HashMap<String, watch::Sender<u64>>>;

/// Committed events and the long polls waiting for them.
#[derive(Debug)]
pub struct Hub {
    ring: RwLock<Ring>,
    capacity: usize,
    watchers: Mutex<Watchers>,
    registrations: AtomicUsize,
    closing: watch::Sender<bool>,
    /// Polls inside [`Waiter::wait`] right now.
    waiting: Arc<AtomicUsize>,
}

/// Channels that got events, to wake after the writer settled the clock.
#[must_use = "pass to Hub::wake"]
pub struct Wakes(Vec<(String, String, u64)>);

/// What a long poll waits on: its channels and the server closing.
pub struct Waiter {
    channels: Vec<watch::Receiver<u64>>,
    closing: watch::Receiver<bool>,
    waiting: Arc<AtomicUsize>,
}

/// Counts one poll as waiting while it lives (also when the poll is dropped mid-wait).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woken {
    /// Something was appended on a subscribed channel.
    Event,
    /// The deadline passed.
    Timeout,
    /// The server is shutting down: answer now.
    Closing,
}

impl Hub {
    pub fn new(capacity: usize) -> Self {
        Hub {
            ring: RwLock::new(Ring::default()),
            capacity: capacity.max(1),
            watchers: Mutex::new(HashMap::new()),
            registrations: AtomicUsize::new(0),
            closing: watch::channel(false).0,
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn watchers(&self) -> std::sync::MutexGuard<'_, Watchers> {
        self.watchers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends committed events (in timetoken order). Returns whom to wake: call
    /// [`Hub::wake`] with it once the clock has settled, so a woken poll can see the events.
    pub fn append(&self, events: Vec<HubEvent>) -> Wakes {
        let wakes: Vec<(String, String, u64)> = events
            .iter()
            .map(|e| (e.sub_key.clone(), e.channel.clone(), e.tt))
            .collect();
        if events.is_empty() {
            return Wakes(wakes);
        }
        let mut ring = self.ring.write().unwrap_or_else(|p| p.into_inner());
        for e in events {
            if ring.events.back().is_some_and(|last| last.tt >= e.tt) {
                tracing::error!(tt = e.tt, "hub event out of timetoken order; dropped");
                continue;
            }
            if ring.events.len() >= self.capacity {
                if let Some(old) = ring.events.pop_front() {
                    ring.dropped_through = old.tt;
                }
            }
            ring.events.push_back(e);
        }
        Wakes(wakes)
    }

    /// Wakes the long polls of the channels that got events.
    pub fn wake(&self, wakes: Wakes) {
        if wakes.0.is_empty() {
            return;
        }
        let mut watchers = self.watchers();
        for (sub_key, channel, tt) in wakes.0 {
            let Some(channels) = watchers.get_mut(&sub_key) else {
                continue;
            };
            if let Some(tx) = channels.get(&channel) {
                if tx.receiver_count() == 0 {
                    channels.remove(&channel);
                } else {
                    tx.send_replace(tt);
                }
            }
            if channels.is_empty() {
                watchers.remove(&sub_key);
            }
        }
    }

    /// Registers a long poll on `channels`. Create the waiter before looking for events, so
    /// nothing appended in between is missed.
    pub fn waiter(&self, sub_key: &str, channels: &[String]) -> Waiter {
        let mut watchers = self.watchers();
        if self.registrations.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            // Forget channels nobody waits on any more.
            watchers.retain(|_, chans| {
                chans.retain(|_, tx| tx.receiver_count() > 0);
                !chans.is_empty()
            });
        }
        let by_channel = watchers.entry(sub_key.to_string()).or_default();
        let receivers = channels
            .iter()
            .map(|c| {
                by_channel
                    .entry(c.clone())
                    .or_insert_with(|| watch::channel(0).0)
                    .subscribe()
            })
            .collect();
        Waiter {
            channels: receivers,
            closing: self.closing.subscribe(),
            waiting: Arc::clone(&self.waiting),
        }
    }

    /// Events on `channels` of `sub_key` with `after < tt <= upto`, oldest first, at most `max`.
    /// Returns them rendered, with the timetoken of the last one.
    pub fn collect(
        &self,
        sub_key: &str,
        channels: &[String],
        after: u64,
        upto: u64,
        max: usize,
    ) -> (Vec<String>, Option<u64>) {
        let ring = self.ring.read().unwrap_or_else(|p| p.into_inner());
        if after < ring.dropped_through {
            tracing::warn!(
                after,
                "subscribe cursor is older than the event ring; some events are gone"
            );
        }
        let from = ring.events.partition_point(|e| e.tt <= after);
        let mut items = Vec::new();
        let mut last = None;
        for e in ring.events.range(from..).take_while(|e| e.tt <= upto) {
            if e.sub_key == sub_key && channels.contains(&e.channel) {
                items.push(e.item.clone());
                last = Some(e.tt);
                if items.len() >= max {
                    break;
                }
            }
        }
        (items, last)
    }

    /// Wakes every long poll so it answers now (graceful shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Whether [`Hub::close`] was called.
    pub fn is_closing(&self) -> bool {
        *self.closing.borrow()
    }

    /// How many polls are inside [`Waiter::wait`] right now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

impl Waiter {
    /// Waits until an event on one of the channels, the deadline, or shutdown.
    pub async fn wait(&mut self, deadline: Instant) -> Woken {
        if *self.closing.borrow_and_update() {
            return Woken::Closing;
        }
        let _waiting = Waiting::enter(&self.waiting);
        let closing = self.closing.changed().map(|_| Woken::Closing).boxed();
        let mut all = Vec::with_capacity(self.channels.len() + 1);
        all.push(closing);
        for rx in &mut self.channels {
            all.push(rx.changed().map(|_| Woken::Event).boxed());
        }
        match tokio::time::timeout_at(deadline, select_all(all)).await {
            Ok((woken, _, _)) => woken,
            Err(_) => Woken::Timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ev(tt: u64, ch: &str) -> HubEvent {
        HubEvent {
            tt,
            sub_key: "sk".into(),
            channel: ch.into(),
            item: format!("{{\"tt\":{tt}}}"),
        }
    }

    #[test]
    fn collect_walks_from_the_cursor_and_filters_by_channel() {
        let hub = Hub::new(10);
        let _ = hub.append(vec![ev(10, "a"), ev(11, "b"), ev(12, "a"), ev(13, "a")]);
        let chans = vec!["a".to_string()];
        let (items, last) = hub.collect("sk", &chans, 10, 12, 100);
        assert_eq!(items, vec!["{\"tt\":12}"]);
        assert_eq!(last, Some(12));
        let (items, last) = hub.collect("sk", &chans, 0, 100, 2);
        assert_eq!((items.len(), last), (2, Some(12)));
        assert!(hub.collect("other", &chans, 0, 100, 100).0.is_empty());
    }

    #[test]
    fn the_ring_is_bounded() {
        let hub = Hub::new(3);
        let _ = hub.append((1..=5).map(|t| ev(t, "a")).collect());
        let (items, _) = hub.collect("sk", &["a".to_string()], 0, 100, 100);
        assert_eq!(items.len(), 3);
    }

    #[tokio::test]
    async fn a_waiter_wakes_for_its_channel_only() {
        let hub = Hub::new(10);
        let mut w = hub.waiter("sk", &["a".to_string()]);
        assert_eq!(hub.waiting(), 0, "registered, not yet waiting");
        hub.wake(hub.append(vec![ev(1, "b")]));
        let soon = Instant::now() + Duration::from_millis(50);
        assert_eq!(w.wait(soon).await, Woken::Timeout);
        hub.wake(hub.append(vec![ev(2, "a")]));
        let later = Instant::now() + Duration::from_secs(5);
        assert_eq!(w.wait(later).await, Woken::Event);
        hub.close();
        assert_eq!(w.wait(later).await, Woken::Closing);
    }

    #[tokio::test]
    async fn waiting_counts_polls_inside_a_wait_and_forgets_dropped_ones() {
        let hub = Hub::new(10);
        let mut w = hub.waiter("sk", &["a".to_string()]);
        let far = Instant::now() + Duration::from_secs(60);
        {
            let wait = w.wait(far);
            tokio::pin!(wait);
            assert!(futures::poll!(&mut wait).is_pending());
            assert_eq!(hub.waiting(), 1);
        }
        assert_eq!(hub.waiting(), 0, "a dropped wait is not waiting");
    }
}
