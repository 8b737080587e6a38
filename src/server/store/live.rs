//! Live events for subscribe long polls: the handshake cursor, and a poll that answers with
//! the events after its cursor as soon as there are any on its channels, or with none when its
//! time is up or the server is stopping. Events come from the hub ([`super::hub`]), where the
//! writer puts them rendered after their commit; a poll only collects them.
//! It must not render envelopes (the endpoint does) or write.

use std::time::Duration;

use tokio::time::Instant;

use super::handle::Store;
use super::hub::Woken;
use crate::pubnub::Timetoken;

/// Most items in one answer; the cursor then stops at the last one returned.
pub const MAX_ITEMS: usize = 100;

/// What a poll answers: the cursor to poll from next, and the rendered items.
#[derive(Debug, Default)]
pub struct Polled {
    pub cursor: u64,
    pub items: Vec<String>,
}

impl Store {
    /// The cursor a handshake answers with: every write at or below it is already visible to
    /// polls, and every later write gets a larger timetoken.
    pub fn cursor(&self) -> Timetoken {
        self.clock().cursor()
    }

    /// The events on `channels` of `sub_key` after `after`, at most `MAX_ITEMS`, waiting up
    /// to `wait` for the first one (or until [`Store::close_polls`]).
    pub async fn poll(
        &self,
        sub_key: &str,
        channels: &[String],
        after: u64,
        wait: Duration,
    ) -> Polled {
        let (clock, hub) = (self.clock(), self.hub());
        // Registered before the first look, so nothing appended in between is missed.
        let mut waiter = hub.waiter(sub_key, channels);
        let deadline = Instant::now() + wait;
        let mut last_look = false;
        loop {
            let upto = clock.cursor().get();
            let (items, last) = hub.collect(sub_key, channels, after, upto, MAX_ITEMS);
            if !items.is_empty() || last_look || hub.is_closing() {
                // A full answer stops at its last item, so the next poll picks up the rest.
                let next = match items.len() >= MAX_ITEMS {
                    true => last.unwrap_or(upto),
                    false => upto,
                };
                return Polled {
                    cursor: next.max(after),
                    items,
                };
            }
            // After a timeout or on shutdown, one last look, so an event that landed with the
            // deadline is not held back.
            last_look = waiter.wait(deadline).await != Woken::Event;
        }
    }

    /// Answers every waiting poll now, and every later one at once (graceful shutdown).
    pub fn close_polls(&self) {
        self.hub().close();
    }

    /// How many polls are waiting for an event right now (for tests that must know a poll is
    /// already waiting before they write).
    pub fn waiting_polls(&self) -> usize {
        self.hub().waiting()
    }
}
