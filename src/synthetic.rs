//! Large synthetic channels for benchmarks and load tests: deterministic pages of messages with
//! reactions and receipts, shaped like what the service returns, generated page by page so a
//! 100,000-message history never exists all at once.

use crate::pubnub::{ActionMap, ActionRef, HistoryMessage, StoredAction, Timetoken};

const USERS: usize = 50;
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
/// First message timetoken (2025-01-01).
const BASE: u64 = 17_356_896_000_000_000;
/// Ten seconds between messages; actions fall inside that gap.
const STEP: u64 = 100_000_000;

fn user(n: usize) -> String {
    format!("user{:02}", n % USERS)
}

/// Timetoken of message `n` (0 = oldest).
pub fn message_tt(n: usize) -> Timetoken {
    Timetoken(BASE + n as u64 * STEP)
}

/// The `k`-th action of message `n`: mostly reactions, every fifth a read receipt. Each
/// (type, value, uuid) is distinct within a message, as the service requires.
pub fn action(n: usize, k: usize) -> StoredAction {
    let (action_type, value) = if k % 5 == 4 {
        ("receipt", "read".to_string())
    } else {
        ("reaction", REACTIONS[(n + k) % REACTIONS.len()].to_string())
    };
    StoredAction {
        action_timetoken: Timetoken(message_tt(n).get() + 1 + k as u64),
        message_timetoken: message_tt(n),
        action_type: action_type.to_string(),
        uuid: user(n * 7 + k),
        value,
    }
}

/// Messages `from..to` (ascending), each with `actions_per_message` actions, as history with
/// actions returns them.
pub fn history(
    channel: &str,
    from: usize,
    to: usize,
    actions_per_message: usize,
) -> Vec<HistoryMessage> {
    (from..to)
        .map(|n| {
            let mut actions = ActionMap::new();
            for k in 0..actions_per_message {
                let a = action(n, k);
                actions
                    .entry(a.action_type)
                    .or_default()
                    .entry(a.value)
                    .or_default()
                    .push(ActionRef { uuid: a.uuid, action_timetoken: a.action_timetoken });
            }
            HistoryMessage {
                channel: channel.to_string(),
                timetoken: message_tt(n),
                message: serde_json::json!({
                    "type": "text",
                    "text": format!("message {n}: the quick brown fox jumps over the lazy dog, then checks the deploy dashboard"),
                }),
                meta: None,
                uuid: Some(user(n)),
                custom_message_type: None,
                actions,
            }
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

    #[test]
    fn pages_are_ordered_and_actions_unique_per_message() {
        let h = history("c", 10, 20, 10);
        assert_eq!(h.len(), 10);
        assert!(h.windows(2).all(|w| w[0].timetoken < w[1].timetoken));
        for m in &h {
            let flat = m.stored_actions();
            assert_eq!(flat.len(), 10);
            let mut keys: Vec<_> = flat
                .iter()
                .map(|a| (&a.action_type, &a.value, &a.uuid))
                .collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), 10);
        }
        let a = actions(0, 3, 10);
        assert!(
            a.windows(2)
                .all(|w| w[0].action_timetoken < w[1].action_timetoken)
        );
    }
}
