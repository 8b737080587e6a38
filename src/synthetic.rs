//! Large synthetic channels, for `reactions demo synth`, the benchmarks and load tests:
//! deterministic messages with reactions and receipts, shaped like what the service returns,
//! generated message by message so that a channel of a million actions never exists all at
//! once in memory.
//!
//! A channel is a [`Shape`]: `messages` messages ten seconds apart from 2025-01-01, `actions`
//! actions spread evenly over them (the first `actions % messages` messages get one more),
//! by `users` authors. Each message's actions are distinct in (type, value, author), as the
//! service requires; three of the channel's actions (a sixth, a half and five sixths of the way
//! through) are [`NEEDLE`]s by [`NEEDLE_USER`], something rare for a search to find.
//! It only generates: writing a channel somewhere is the caller's business.

use crate::pubnub::{ActionMap, ActionRef, HistoryMessage, StoredAction, Timetoken};

/// Authors of the benches' channels.
pub const USERS: usize = 50;
const REACTIONS: [&str; 12] = [
    "👍",
    "❤️",
    "😂",
    "🎉",
    "🔥",
    "👀",
    "🙏",
    "✅",
    "😮",
    "🚀",
    "thumbsup",
    "smiley_face",
];
/// (type, value) pairs an action may have: the reactions and a read receipt.
const PAIRS: usize = REACTIONS.len() + 1;
/// First message timetoken (2025-01-01).
const BASE: u64 = 17_356_896_000_000_000;
/// Ten seconds between messages; actions fall inside that gap.
const STEP: u64 = 100_000_000;
/// The value of the channel's three rare actions.
pub const NEEDLE: &str = "🦄";
/// The author of the channel's three rare actions (no other action has this author).
pub const NEEDLE_USER: &str = "needle-finder";

/// The size of a synthetic channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub messages: usize,
    pub actions: usize,
    pub users: usize,
}

impl Shape {
    /// Most actions one message can have with `users` authors: each (type, value, author)
    /// once.
    pub fn max_per_message(users: usize) -> usize {
        users.max(1) * PAIRS
    }

    /// Why this shape cannot be made, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.users == 0 {
            return Some("--users must be at least 1".into());
        }
        if self.actions > 0 && self.messages == 0 {
            return Some("actions need at least one message".into());
        }
        let most = Shape::max_per_message(self.users);
        let per = self.actions.div_ceil(self.messages.max(1));
        (per > most).then(|| {
            format!(
                "{per} actions a message is more than {} users can make ({most}: each \
                 reaction and the receipt once per user); give more --messages or --users",
                self.users
            )
        })
    }

    /// How many actions message `n` has.
    pub fn actions_of(&self, n: usize) -> usize {
        let messages = self.messages.max(1);
        self.actions / messages + usize::from(n < self.actions % messages)
    }

    /// Index in the channel of message `n`'s first action (oldest first).
    fn first_action(&self, n: usize) -> usize {
        let messages = self.messages.max(1);
        n * (self.actions / messages) + n.min(self.actions % messages)
    }

    /// Whether the action of index `i` in the channel is one of the three needles (only with
    /// three messages or more, so that no two needles fall on one message).
    fn is_needle(&self, i: usize) -> bool {
        self.actions >= 6
            && self.messages >= 3
            && [1, 3, 5].iter().any(|k| i == self.actions * k / 6)
    }

    /// The `k`-th action of message `n`.
    pub fn action(&self, n: usize, k: usize) -> StoredAction {
        let mut a = action_by(n, k, self.users);
        if self.is_needle(self.first_action(n) + k) {
            a.action_type = "reaction".into();
            a.value = NEEDLE.into();
            a.uuid = NEEDLE_USER.into();
        }
        a
    }

    /// The actions of message `n`, oldest first.
    pub fn actions_on(&self, n: usize) -> impl Iterator<Item = StoredAction> + '_ {
        (0..self.actions_of(n)).map(move |k| self.action(n, k))
    }

    /// Message `n` with its actions, as history with actions returns it.
    pub fn message(&self, channel: &str, n: usize) -> HistoryMessage {
        message_with(channel, n, self.users, self.actions_on(n))
    }
}

/// Message `n` by one of `users` authors with `actions`, as history with actions returns it.
fn message_with(
    channel: &str,
    n: usize,
    users: usize,
    actions: impl Iterator<Item = StoredAction>,
) -> HistoryMessage {
    let mut map = ActionMap::new();
    for a in actions {
        map.entry(a.action_type)
            .or_default()
            .entry(a.value)
            .or_default()
            .push(ActionRef {
                uuid: a.uuid,
                action_timetoken: a.action_timetoken,
            });
    }
    HistoryMessage {
        channel: channel.to_string(),
        timetoken: message_tt(n),
        message: payload(n),
        meta: None,
        uuid: Some(user(n, users)),
        custom_message_type: None,
        actions: map,
    }
}

fn user(n: usize, users: usize) -> String {
    format!("user{:02}", n % users.max(1))
}

/// The payload of message `n`.
pub fn payload(n: usize) -> serde_json::Value {
    serde_json::json!({
        "type": "text",
        "text": format!("message {n}: the quick brown fox jumps over the lazy dog, then checks the deploy dashboard"),
    })
}

/// The author of message `n` among `users`.
pub fn author(n: usize, users: usize) -> String {
    user(n, users)
}

/// Timetoken of message `n` (0 = oldest).
pub fn message_tt(n: usize) -> Timetoken {
    Timetoken(BASE + n as u64 * STEP)
}

/// The `k`-th action of message `n` by one of `users` authors. Author `(7n + k) mod users`
/// and the (type, value) pair `(n + k + c·⌊k / users⌋) mod 13` (c is 1, or 2 when
/// `users + 1` is a multiple of 13): two actions of a message with the same author are
/// `t·users` apart (t < 13) and so differ in pair, for every k below 13 · users.
fn action_by(n: usize, k: usize, users: usize) -> StoredAction {
    let users = users.max(1);
    let c = if (users + 1) % PAIRS == 0 { 2 } else { 1 };
    let pair = (n + k + c * (k / users)) % PAIRS;
    let (action_type, value) = match REACTIONS.get(pair) {
        Some(r) => ("reaction", r.to_string()),
        None => ("receipt", "read".to_string()),
    };
    StoredAction {
        action_timetoken: Timetoken(message_tt(n).get() + 1 + k as u64),
        message_timetoken: message_tt(n),
        action_type: action_type.to_string(),
        uuid: user(n * 7 + k, users),
        value,
    }
}

/// The `k`-th action of message `n` with the benches' [`USERS`] authors.
pub fn action(n: usize, k: usize) -> StoredAction {
    action_by(n, k, USERS)
}

/// Messages `from..to` (ascending), each with `actions_per_message` actions by [`USERS`]
/// authors (no needles), as history with actions returns them.
pub fn history(
    channel: &str,
    from: usize,
    to: usize,
    actions_per_message: usize,
) -> Vec<HistoryMessage> {
    (from..to)
        .map(|n| {
            let actions = (0..actions_per_message).map(move |k| action(n, k));
            message_with(channel, n, USERS, actions)
        })
        .collect()
}

/// The actions of messages `from..to`, ascending by action timetoken, as `get_message_actions`
/// pages them.
pub fn actions(from: usize, to: usize, actions_per_message: usize) -> Vec<StoredAction> {
    (from..to)
        .flat_map(|n| (0..actions_per_message).map(move |k| action(n, k)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_unique(actions: &[StoredAction]) -> bool {
        let mut keys: Vec<_> = actions
            .iter()
            .map(|a| (&a.action_type, &a.value, &a.uuid))
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        keys.len() == n
    }

    #[test]
    fn pages_are_ordered_and_actions_unique_per_message() {
        let h = history("c", 10, 20, 10);
        assert_eq!(h.len(), 10);
        assert!(h.windows(2).all(|w| w[0].timetoken < w[1].timetoken));
        for m in &h {
            let flat = m.stored_actions();
            assert_eq!(flat.len(), 10);
            assert!(keys_unique(&flat));
        }
        let a = actions(0, 3, 10);
        assert!(
            a.windows(2)
                .all(|w| w[0].action_timetoken < w[1].action_timetoken)
        );
    }

    #[test]
    fn a_shape_spreads_its_actions_with_three_needles_and_unique_keys() {
        for users in [1, 12, 25, 50] {
            let most = Shape::max_per_message(users);
            let shape = Shape {
                messages: 7,
                actions: 7 * most - 3,
                users,
            };
            assert_eq!(shape.problem(), None);
            let all: Vec<Vec<StoredAction>> =
                (0..7).map(|n| shape.actions_on(n).collect()).collect();
            assert_eq!(all.iter().map(Vec::len).sum::<usize>(), shape.actions);
            assert!(all.iter().all(|a| keys_unique(a)), "users {users}");
            let needles = all.iter().flatten().filter(|a| a.value == NEEDLE).count();
            assert_eq!(needles, 3);
        }
        let too_many = Shape {
            messages: 1,
            actions: 14,
            users: 1,
        };
        assert!(too_many.problem().is_some());
        // Small channels too: the needles never share a message (which would repeat a key).
        for messages in 3..12 {
            for actions in 6..=messages * Shape::max_per_message(1) {
                let shape = Shape {
                    messages,
                    actions,
                    users: 1,
                };
                let all: Vec<Vec<StoredAction>> = (0..messages)
                    .map(|n| shape.actions_on(n).collect())
                    .collect();
                assert!(all.iter().all(|a| keys_unique(a)), "{shape:?}");
                let needles = all.iter().flatten().filter(|a| a.value == NEEDLE).count();
                assert_eq!(needles, 3, "{shape:?}");
            }
        }
    }

    #[test]
    fn the_generator_is_deterministic() {
        let shape = Shape {
            messages: 100,
            actions: 1_000,
            users: 50,
        };
        let a = shape.message("c", 42);
        let b = shape.message("c", 42);
        assert_eq!(a, b);
        assert_eq!(shape.action(42, 3), shape.action(42, 3));
    }
}
