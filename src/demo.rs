//! The demo conversation in `assets/demo-conversation.json`: five people, about forty messages
//! over three days, with emoji reactions, read receipts and one custom action type; and what the
//! Chat SDK writes: an edit, a soft deletion, a thread with replies, a report and the users'
//! names in App Context.
//!
//! [`Conversation::plan`] turns the channel's part into messages and actions with timetokens
//! ending at a given instant, [`Conversation::plan_channels`] every channel's (the thread's
//! replies, the reports); [`seed_via_client`] writes it all to any server through the API.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::{Value, json};

use crate::pubnub::chat::{moderation_channel, thread_channel, thread_root};
use crate::pubnub::{self, ActionRef, Client, HistoryMessage, MessageAction, Timetoken};

const ASSET: &str = include_str!("../assets/demo-conversation.json");

/// Action type of emoji reactions in the demo data.
pub const REACTION_TYPE: &str = "reaction";
/// Action type and value of read receipts.
pub const RECEIPT_TYPE: &str = "receipt";
pub const RECEIPT_VALUE: &str = "read";
/// Action types of an edit, a soft deletion (its value too) and a thread, as the Chat SDK
/// writes them.
pub const EDIT_TYPE: &str = "edited";
pub const DELETE_TYPE: &str = "deleted";
pub const THREAD_TYPE: &str = "threadRootId";

/// The whole demo conversation as written in the asset.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub users: Vec<String>,
    /// Display names (App Context) of the users.
    #[serde(default)]
    pub names: HashMap<String, String>,
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
    /// Edits, oldest first (type `edited`, the new text as value).
    #[serde(default)]
    pub edits: Vec<ScriptedEdit>,
    /// Who soft-deleted the message (type and value `deleted`).
    #[serde(default)]
    pub deleted_by: Option<String>,
    /// Replies in the message's thread.
    #[serde(default)]
    pub thread: Vec<ScriptedMessage>,
    /// Reports of the message.
    #[serde(default)]
    pub reports: Vec<ScriptedReport>,
}

/// An edit in the script.
#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedEdit {
    pub user: String,
    pub text: String,
}

/// A report in the script: who reported the message and why.
#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedReport {
    pub user: String,
    pub reason: String,
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

    /// The messages and actions of the default channel (`chats.room1`, which names its thread)
    /// with timetokens, the conversation ending `span_minutes` after its start and its start
    /// placed so that the last minute falls just before `end`. Message and action timetokens are
    /// unique and increase in the order written.
    pub fn plan(&self, end: Timetoken) -> Vec<PlannedMessage> {
        self.plan_channels(crate::config::DEFAULT_CHANNEL, end)
            .into_iter()
            .next()
            .map(|(_, messages)| messages)
            .unwrap_or_default()
    }

    /// Everything to write, channel by channel: `channel`'s messages first, then each thread's
    /// replies (in `PUBNUB_INTERNAL_THREAD_{channel}_{root timetoken}`), then the reports (in
    /// `PUBNUB_INTERNAL_MODERATION_{channel}`, published by their reporters).
    pub fn plan_channels(
        &self,
        channel: &str,
        end: Timetoken,
    ) -> Vec<(String, Vec<PlannedMessage>)> {
        let start = end.get().saturating_sub((self.span_minutes + 5) * MINUTE);
        let mut used: std::collections::HashSet<u64> = Default::default();
        let mut unique = |mut tt: u64| {
            while !used.insert(tt) {
                tt += 1;
            }
            Timetoken(tt)
        };
        let mut main = Vec::new();
        let mut threads = Vec::new();
        let mut reports = Vec::new();
        for m in &self.messages {
            let mut planned = plan_message(m, start, &mut unique);
            let root = planned.timetoken;
            if !m.thread.is_empty() {
                let thread = thread_channel(channel, root);
                let replies: Vec<PlannedMessage> = m
                    .thread
                    .iter()
                    .map(|r| plan_message(r, start, &mut unique))
                    .collect();
                // The thread is created with the first reply, by its author.
                let at = replies
                    .first()
                    .map_or(root.get() + 1, |r| r.timetoken.get() - 1);
                planned.actions.push(PlannedAction {
                    timetoken: unique(at),
                    user: replies.first().map_or(m.user.clone(), |r| r.user.clone()),
                    action_type: THREAD_TYPE.into(),
                    value: thread.clone(),
                });
                threads.push((thread, replies));
            }
            for (n, r) in m.reports.iter().enumerate() {
                reports.push(PlannedMessage {
                    timetoken: unique(root.get() + (n as u64 + 2) * MINUTE),
                    user: r.user.clone(),
                    payload: json!({
                        "type": "report",
                        "text": m.text,
                        "reason": r.reason,
                        "reportedMessageChannelId": channel,
                        "reportedMessageTimetoken": root.to_string(),
                        "reportedUserId": m.user,
                    }),
                    actions: Vec::new(),
                });
            }
            main.push(planned);
        }
        let mut out = vec![(channel.to_string(), main)];
        out.extend(threads);
        if !reports.is_empty() {
            out.push((moderation_channel(channel), reports));
        }
        out
    }
}

/// One scripted message with its actions: reactions, receipts, custom ones, then its edits and
/// its deletion, spread over the minutes after it.
fn plan_message(
    m: &ScriptedMessage,
    start: u64,
    unique: &mut impl FnMut(u64) -> Timetoken,
) -> PlannedMessage {
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
    let edits = m
        .edits
        .iter()
        .map(|e| (&e.user, EDIT_TYPE, e.text.as_str()));
    let deletion = m.deleted_by.iter().map(|u| (u, DELETE_TYPE, DELETE_TYPE));
    let actions = reactions
        .chain(receipts)
        .chain(others)
        .chain(edits)
        .chain(deletion)
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
}

/// How much a seeding wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Messages and actions of the channel itself.
    pub messages: usize,
    pub actions: usize,
    /// What was written elsewhere: the thread's replies and their actions, the reports, the
    /// users' names.
    pub elsewhere: usize,
}

/// Writes the conversation to `channel` through the API, publishing and reacting as each demo
/// user (the server assigns current timetokens, so thread channels and reports are named after
/// the timetokens the channel's messages really got), and the users' names to App Context where
/// the server has it. `template` supplies origin and keys.
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
    // Planned timetoken of each of the channel's messages -> the one the server gave it.
    let mut real: HashMap<Timetoken, Timetoken> = HashMap::new();
    let real_thread = |planned: &str, real: &HashMap<Timetoken, Timetoken>| {
        thread_root(planned)
            .and_then(|(_, root)| real.get(&root))
            .map(|root| thread_channel(channel, *root))
    };
    // Names first; a server without App Context keeps the ids.
    match seed_names(template).await {
        Ok(set) => report.elsewhere += set,
        Err(e) => tracing::info!("the demo's names were not set (no App Context there?): {e}"),
    }
    for (target, messages) in conversation.plan_channels(channel, Timetoken::now()) {
        let target = real_thread(&target, &real).unwrap_or(target);
        let home = target == channel;
        for message in messages {
            let mut payload = message.payload.clone();
            if let Some(reported) = payload
                .get("reportedMessageTimetoken")
                .and_then(Value::as_str)
                .and_then(|tt| tt.parse::<u64>().ok())
                .and_then(|tt| real.get(&Timetoken(tt)))
            {
                payload["reportedMessageTimetoken"] = json!(reported.to_string());
            }
            let message_timetoken = client_for(&message.user)?
                .publish()
                .channel(&target)
                .message(payload)
                .execute()
                .await?;
            real.insert(message.timetoken, message_timetoken);
            if home {
                report.messages += 1;
            } else {
                report.elsewhere += 1;
            }
            for action in &message.actions {
                let value = match action.action_type.as_str() {
                    THREAD_TYPE => {
                        real_thread(&action.value, &real).unwrap_or_else(|| action.value.clone())
                    }
                    _ => action.value.clone(),
                };
                client_for(&action.user)?
                    .add_message_action()
                    .channel(&target)
                    .message_action(MessageAction {
                        action_type: action.action_type.clone(),
                        value,
                        message_timetoken,
                    })
                    .execute()
                    .await?;
                if home {
                    report.actions += 1;
                } else {
                    report.elsewhere += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Writes the demo users' names to App Context, each by its own user (`template` supplies
/// origin and keys); returns how many were set.
pub async fn seed_names(template: &pubnub::Config) -> pubnub::Result<usize> {
    let conversation = Conversation::bundled();
    let mut names: Vec<(&String, &String)> = conversation.names.iter().collect();
    names.sort();
    for (user, name) in &names {
        let mut config = template.clone();
        config.user_id = user.to_string();
        Client::new(config)?
            .set_user_metadata()
            .id(user.as_str())
            .name(name.as_str())
            .execute()
            .await?;
    }
    Ok(names.len())
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
    fn the_chat_sdk_data_is_planned_in_its_channels() {
        let end = Timetoken(17_000_000_000_000_000);
        let c = Conversation::bundled();
        let channels = c.plan_channels("chats.room1", end);
        let names: Vec<&str> = channels.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names[0], "chats.room1");
        assert!(
            names
                .iter()
                .any(|c| c.starts_with("PUBNUB_INTERNAL_THREAD_chats.room1_"))
        );
        assert_eq!(
            names.last(),
            Some(&"PUBNUB_INTERNAL_MODERATION_chats.room1")
        );
        let main = &channels[0].1;
        let actions: Vec<&PlannedAction> = main.iter().flat_map(|m| &m.actions).collect();
        assert!(actions.iter().any(|a| a.action_type == EDIT_TYPE));
        assert!(
            actions
                .iter()
                .any(|a| a.action_type == DELETE_TYPE && a.value == DELETE_TYPE)
        );
        let root = actions
            .iter()
            .find(|a| a.action_type == THREAD_TYPE)
            .expect("a thread root");
        assert!(
            names.contains(&root.value.as_str()),
            "the root names its thread"
        );
        let (_, reports) = channels.last().unwrap();
        let reported = reports[0].payload["reportedMessageTimetoken"]
            .as_str()
            .unwrap();
        assert!(main.iter().any(|m| m.timetoken.to_string() == reported));
        assert_eq!(c.names.len(), c.users.len(), "every user has a name");
        assert_eq!(c.plan(end), channels[0].1, "plan is the channel's part");
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
