//! The one timetoken clock of the embedded server: `max(now, last + 1)`, so every publish and
//! action gets a unique, increasing timetoken, and subscribe cursors that never skip a write.
//!
//! Only the writer thread hands out timetokens for writes ([`Clock::tick`]), so commit order is
//! timetoken order. While a batch is between its first tick and its hand-over to the subscribe
//! hub it is "in flight": [`Clock::cursor`] then answers just below it, never past a write that a
//! subscriber could not see yet.
//! Only the writer ticks; nothing else may hand out a write's timetoken.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::pubnub::Timetoken;

#[derive(Debug)]
struct State {
    /// The largest timetoken handed out or observed.
    last: u64,
    /// The first timetoken of the batch the writer has not yet handed to the hub.
    in_flight_from: Option<u64>,
}

/// Unique, increasing timetokens (100-ns units since the Unix epoch).
#[derive(Debug)]
pub struct Clock {
    state: Mutex<State>,
    /// Mirror of `state.last` for lock-free reads by `/time/0`.
    last: AtomicU64,
}

fn now_units() -> u64 {
    Timetoken::now().get()
}

impl Clock {
    /// A clock that will never hand out anything at or below `floor`.
    pub fn new(floor: u64) -> Self {
        Clock {
            state: Mutex::new(State {
                last: floor,
                in_flight_from: None,
            }),
            last: AtomicU64::new(floor),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one assignment.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current time, never below anything handed out; takes nothing (for `/time/0`).
    pub fn peek(&self) -> Timetoken {
        Timetoken(now_units().max(self.last.load(Ordering::Acquire)))
    }

    /// A fresh timetoken for a write of the current batch (writer thread only).
    pub fn tick(&self) -> Timetoken {
        self.tick_at(now_units())
    }

    fn tick_at(&self, now: u64) -> Timetoken {
        let mut s = self.lock();
        let tt = now.max(s.last.saturating_add(1));
        s.last = tt;
        if s.in_flight_from.is_none() {
            s.in_flight_from = Some(tt);
        }
        self.last.store(tt, Ordering::Release);
        Timetoken(tt)
    }

    /// The writer has handed every event of its batch to the hub (or dropped them on failure).
    pub fn settle(&self) {
        self.lock().in_flight_from = None;
    }

    /// Keeps the clock ahead of a stored timetoken (seeding with back-dated or future times).
    pub fn observe(&self, tt: Timetoken) {
        let mut s = self.lock();
        if tt.get() > s.last {
            s.last = tt.get();
            self.last.store(s.last, Ordering::Release);
        }
    }

    /// A subscribe cursor: every write at or below it is already in the hub, and every later
    /// write gets a larger timetoken.
    pub fn cursor(&self) -> Timetoken {
        self.cursor_at(now_units())
    }

    fn cursor_at(&self, now: u64) -> Timetoken {
        let mut s = self.lock();
        match s.in_flight_from {
            Some(first) => Timetoken(first.saturating_sub(1)),
            None => {
                s.last = s.last.max(now);
                self.last.store(s.last, Ordering::Release);
                Timetoken(s.last)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_unique_and_increasing_even_when_time_goes_back() {
        let c = Clock::new(100);
        let a = c.tick_at(50);
        let b = c.tick_at(50);
        let d = c.tick_at(40);
        let e = c.tick_at(1_000);
        assert_eq!((a.get(), b.get(), d.get(), e.get()), (101, 102, 103, 1_000));
        assert!(c.peek().get() >= 1_000);
    }

    #[test]
    fn observe_keeps_the_clock_ahead_of_stored_timetokens() {
        let c = Clock::new(10);
        c.observe(Timetoken(5_000));
        c.observe(Timetoken(20));
        assert_eq!(c.tick_at(0).get(), 5_001);
    }

    #[test]
    fn cursor_stays_below_a_batch_in_flight_and_moves_on_after_it_settles() {
        let c = Clock::new(100);
        assert_eq!(c.cursor_at(90).get(), 100);
        let first = c.tick_at(0);
        let _second = c.tick_at(0);
        assert_eq!(c.cursor_at(500).get(), first.get() - 1);
        c.settle();
        let cur = c.cursor_at(0);
        assert_eq!(cur.get(), 102);
        assert!(
            c.tick_at(0) > cur,
            "a later write must land after the cursor"
        );
        c.settle();
        assert_eq!(c.cursor_at(7_000).get(), 7_000);
    }
}
