//! The answer cache: rendered answers of recent reads (action pages, one-channel history),
//! kept per channel under a typed key saying what else the answer depends on, and dropped as
//! soon as a write to that channel commits, so many clients opening the same channel cost one
//! query. What the keys are is the store's business; this module only keeps answers.
//!
//! Correctness rests on two orders: a reader takes its [`Ticket`] before its query starts, and
//! the writer drops a channel's answers after its commit and before it acknowledges. An answer
//! computed across a commit carries an old generation and is never stored, or is dropped.
//! Commits by other processes are noticed by the store, which then clears everything.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use axum::body::Bytes;

/// Most answers kept in all; past it everything is dropped (simple and bounded).
const MAX_ANSWERS: usize = 512;
/// Larger answers are not kept.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

#[derive(Debug)]
struct Slot<K> {
    generation: u64,
    answers: HashMap<K, Bytes>,
}

#[derive(Debug)]
struct Inner<K> {
    /// sub key -> channel -> slot
    slots: HashMap<String, HashMap<String, Slot<K>>>,
    answers: usize,
    next_generation: u64,
}

/// The generation of a channel's slot when a reader missed; needed to store its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// Rendered read answers by channel and key (what else each answer depends on).
#[derive(Debug)]
pub struct ReadCache<K> {
    inner: Mutex<Inner<K>>,
}

impl<K> Default for ReadCache<K> {
    fn default() -> Self {
        ReadCache {
            inner: Mutex::new(Inner {
                slots: HashMap::new(),
                answers: 0,
                next_generation: 0,
            }),
        }
    }
}

impl<K> Inner<K> {
    fn fresh_generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.answers = 0;
    }

    fn slot(&mut self, sub_key: &str, channel: &str) -> Option<&mut Slot<K>> {
        self.slots.get_mut(sub_key).and_then(|c| c.get_mut(channel))
    }
}

impl<K: Eq + Hash> ReadCache<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The stored answer, or a ticket to store one computed from now on.
    pub fn lookup(&self, sub_key: &str, channel: &str, key: &K) -> Result<Bytes, Ticket> {
        let mut inner = self.lock();
        if let Some(slot) = inner.slots.get(sub_key).and_then(|c| c.get(channel)) {
            return match slot.answers.get(key) {
                Some(body) => Ok(body.clone()),
                None => Err(Ticket(slot.generation)),
            };
        }
        let generation = inner.fresh_generation();
        inner.slots.entry(sub_key.to_string()).or_default().insert(
            channel.to_string(),
            Slot {
                generation,
                answers: HashMap::new(),
            },
        );
        Err(Ticket(generation))
    }

    /// Stores an answer, unless the channel was written to since the ticket was taken.
    pub fn store(&self, sub_key: &str, channel: &str, key: K, ticket: Ticket, body: Bytes) {
        if body.len() > MAX_ANSWER_BYTES {
            return;
        }
        let mut inner = self.lock();
        if inner.answers >= MAX_ANSWERS {
            inner.clear();
            return;
        }
        let Some(slot) = inner.slot(sub_key, channel) else {
            return;
        };
        if slot.generation == ticket.0 && slot.answers.insert(key, body).is_none() {
            inner.answers += 1;
        }
    }

    /// Drops every answer; answers being computed will not be stored.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Drops the answers of channels whose writes just committed.
    pub fn invalidate<'a>(&self, channels: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut inner = self.lock();
        for (sub_key, channel) in channels {
            let generation = inner.fresh_generation();
            let Some(slot) = inner.slot(sub_key, channel) else {
                continue;
            };
            slot.generation = generation;
            let dropped = slot.answers.len();
            slot.answers.clear();
            inner.answers -= dropped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_served_until_their_channel_is_written() {
        let c = ReadCache::<&str>::default();
        let t = c.lookup("sk", "a", &"q").unwrap_err();
        c.store("sk", "a", "q", t, Bytes::from_static(b"one"));
        assert_eq!(c.lookup("sk", "a", &"q"), Ok(Bytes::from_static(b"one")));
        assert!(c.lookup("sk", "a", &"other").is_err());
        assert!(c.lookup("sk2", "a", &"q").is_err(), "keysets are separate");
        c.invalidate([("sk", "b")]);
        assert!(
            c.lookup("sk", "a", &"q").is_ok(),
            "another channel's write keeps it"
        );
        c.invalidate([("sk", "a")]);
        assert!(c.lookup("sk", "a", &"q").is_err());
    }

    #[test]
    fn an_answer_computed_across_a_write_is_not_stored() {
        let c = ReadCache::<&str>::default();
        let before = c.lookup("sk", "a", &"q").unwrap_err();
        c.invalidate([("sk", "a")]);
        c.store("sk", "a", "q", before, Bytes::from_static(b"stale"));
        assert!(c.lookup("sk", "a", &"q").is_err());
    }

    #[test]
    fn clearing_drops_everything_and_refuses_answers_computed_before() {
        let c = ReadCache::<&str>::default();
        let t = c.lookup("sk", "a", &"q").unwrap_err();
        c.store("sk", "a", "q", t, Bytes::from_static(b"one"));
        let before = c.lookup("sk", "b", &"q").unwrap_err();
        c.clear();
        assert!(c.lookup("sk", "a", &"q").is_err());
        c.store("sk", "b", "q", before, Bytes::from_static(b"stale"));
        assert!(c.lookup("sk", "b", &"q").is_err());
    }

    #[test]
    fn the_cache_is_bounded() {
        let c = ReadCache::<usize>::default();
        for i in 0..=MAX_ANSWERS {
            let t = c.lookup("sk", "a", &i).unwrap_err();
            c.store("sk", "a", i, t, Bytes::from_static(b"x"));
        }
        assert!(c.lock().answers <= MAX_ANSWERS);
    }
}
