//! The demo conversation in `assets/demo-conversation.json`: five people, about forty messages
//! over three days, with emoji reactions, read receipts and one custom action type.
//!
//! [`Conversation::plan`] turns it into messages and actions with timetokens ending at a given
//! instant; [`seed_via_client`] writes it to any server through the API.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::{Value, json};

use crate::pubnub::{self, ActionRef, Client, HistoryMessage, MessageAction, Timetoken};

const ASSET: &str = include_str!("../assets/demo-conversation.json");

/// Action type of emoji reactions in the demo data.
pub const REACTION_TYPE: &str = "reaction";
/// Action type and value of read receipts.
pub const RECEIPT_TYPE: &str = "receipt";
pub const RECEIPT_VALUE: &str = "read";

/// The whole demo conversation as written in the asset.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub users: Vec<String>,
    pub span_minutes: u64,
    pub messages: Vec<ScriptedMessage>,
}

/// One message of the script.
#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedMessage {
    /// Minutes from the start of the conversation.
    pub at: u64,
    pub user: String,
    pub text: String,
    /// Reaction value -> who reacted, in the asset's order.
    #[serde(default)]
    pub reactions: OrderedMap,
    #[serde(default)]
    pub read_by: Vec<String>,
    #[serde(default)]
    pub other: Vec<ScriptedAction>,
}

/// A custom action in the script.
#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedAction {
    pub user: String,
    #[serde(rename = "type")]
    pub action_type: String,
    pub value: String,
}

/// A JSON object read into a list that keeps the file's key order.
#[derive(Debug, Clone, Default)]
pub struct OrderedMap(pub Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for OrderedMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = OrderedMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of value -> list of users")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Vec<String>>()? {
                    out.push(entry);
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(OrderedVisitor)
    }
}

/// A message with its timetoken and payload, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMessage {
    pub timetoken: Timetoken,
    pub user: String,
    pub payload: Value,
    pub actions: Vec<PlannedAction>,
}

/// An action with its own timetoken, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAction {
    pub timetoken: Timetoken,
    pub user: String,
    pub action_type: String,
    pub value: String,
}

const MINUTE: u64 = 60 * pubnub::timetoken::UNITS_PER_SECOND;

impl Conversation {
    /// The conversation shipped in `assets/`.
    pub fn bundled() -> Self {
        // The asset is part of the binary and checked by a unit test, so this cannot fail at
        // run time unless the build itself is broken.
        serde_json::from_str(ASSET)
            .unwrap_or_else(|e| unreachable!("assets/demo-conversation.json is invalid: {e}"))
    }

    /// Messages and actions with timetokens, the conversation ending `span_minutes` after its
    /// start and its start placed so that the last minute falls just before `end`. Message and
    /// action timetokens are unique and increase in the order written.
    pub fn plan(&self, end: Timetoken) -> Vec<PlannedMessage> {
        let start = end.get().saturating_sub((self.span_minutes + 5) * MINUTE);
        let mut used: std::collections::HashSet<u64> = Default::default();
        let mut unique = |mut tt: u64| {
            while !used.insert(tt) {
                tt += 1;
            }
            Timetoken(tt)
        };
        self.messages
            .iter()
            .map(|m| {
                let message_tt = start + m.at * MINUTE;
                let timetoken = unique(message_tt);
                let reactions = m.reactions.0.iter().flat_map(|(value, users)| {
                    users
                        .iter()
                        .map(move |u| (u, REACTION_TYPE, value.as_str()))
                });
                let receipts = m.read_by.iter().map(|u| (u, RECEIPT_TYPE, RECEIPT_VALUE));
                let others = m
                    .other
                    .iter()
                    .map(|a| (&a.user, a.action_type.as_str(), a.value.as_str()));
                let actions = reactions
                    .chain(receipts)
                    .chain(others)
                    .enumerate()
                    .map(|(i, (user, action_type, value))| PlannedAction {
                        // Spread reactions over the minutes after the message.
                        timetoken: unique(message_tt + (i as u64 + 1) * MINUTE / 3),
                        user: user.clone(),
                        action_type: action_type.to_string(),
                        value: value.to_string(),
                    })
                    .collect();
                PlannedMessage {
                    timetoken,
                    user: m.user.clone(),
                    payload: json!({"type": "text", "text": m.text}),
                    actions,
                }
            })
            .collect()
    }
}

/// How much a seeding wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub messages: usize,
    pub actions: usize,
}

/// Writes the conversation to `channel` through the API, publishing and reacting as each demo
/// user (the server assigns current timetokens). `template` supplies origin and keys.
pub async fn seed_via_client(
    template: &pubnub::Config,
    channel: &str,
) -> pubnub::Result<SeedReport> {
    let conversation = Conversation::bundled();
    let mut clients: HashMap<String, Client> = HashMap::new();
    let mut client_for = |user: &str| -> pubnub::Result<Client> {
        if let Some(c) = clients.get(user) {
            return Ok(c.clone());
        }
        let mut config = template.clone();
        config.user_id = user.to_string();
        let client = Client::new(config)?;
        clients.insert(user.to_string(), client.clone());
        Ok(client)
    };
    let mut report = SeedReport::default();
    for message in conversation.plan(Timetoken::now()) {
        let message_timetoken = client_for(&message.user)?
            .publish()
            .channel(channel)
            .message(message.payload.clone())
            .execute()
            .await?;
        report.messages += 1;
        for action in &message.actions {
            client_for(&action.user)?
                .add_message_action()
                .channel(channel)
                .message_action(MessageAction {
                    action_type: action.action_type.clone(),
                    value: action.value.clone(),
                    message_timetoken,
                })
                .execute()
                .await?;
            report.actions += 1;
        }
    }
    Ok(report)
}

/// The conversation as history messages with actions, as history-with-actions would return
/// it after seeding `channel` (used by the app's tests and benchmarks).
pub fn as_history(plan: &[PlannedMessage], channel: &str) -> Vec<HistoryMessage> {
    plan.iter()
        .map(|m| {
            let mut actions = pubnub::ActionMap::new();
            for a in &m.actions {
                actions
                    .entry(a.action_type.clone())
                    .or_default()
                    .entry(a.value.clone())
                    .or_default()
                    .push(ActionRef {
                        uuid: a.user.clone(),
                        action_timetoken: a.timetoken,
                    });
            }
            HistoryMessage {
                channel: channel.to_string(),
                timetoken: m.timetoken,
                message: m.payload.clone(),
                meta: None,
                uuid: Some(m.user.clone()),
                custom_message_type: None,
                actions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_conversation_matches_what_the_demo_promises() {
        let c = Conversation::bundled();
        assert_eq!(c.users.len(), 5);
        assert!((35..=45).contains(&c.messages.len()));
        for m in &c.messages {
            assert!(c.users.contains(&m.user), "unknown author {}", m.user);
            assert!(m.at <= c.span_minutes);
        }
        let plan = c.plan(Timetoken(17_000_000_000_000_000));
        let all: Vec<&PlannedAction> = plan.iter().flat_map(|m| &m.actions).collect();
        assert!(all.iter().any(|a| a.value == "👍"));
        assert!(all.iter().any(|a| a.value == "smiley_face"));
        assert!(all.iter().any(|a| a.action_type == RECEIPT_TYPE));
        assert!(all.iter().any(|a| a.action_type == "flag"));
        // Over a few days.
        let first = plan.first().unwrap().timetoken.get();
        let last = plan.last().unwrap().timetoken.get();
        assert!(last - first > 2 * 24 * 60 * MINUTE);
    }

    #[test]
    fn planned_timetokens_are_unique_increasing_and_before_the_end() {
        let end = Timetoken(17_000_000_000_000_000);
        let plan = Conversation::bundled().plan(end);
        let messages: Vec<u64> = plan.iter().map(|m| m.timetoken.get()).collect();
        assert!(messages.windows(2).all(|w| w[0] < w[1]));
        let mut all: Vec<u64> = plan
            .iter()
            .flat_map(|m| {
                std::iter::once(m.timetoken.get())
                    .chain(m.actions.iter().map(|a| a.timetoken.get()))
            })
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "timetokens must be unique");
        assert!(*all.last().unwrap() < end.get());
        for m in &plan {
            assert!(m.actions.iter().all(|a| a.timetoken > m.timetoken));
        }
    }
}
