//! The values the API exchanges: actions, history messages, pages and live events.
//!
//! Public types use the field names of PubNub's SDK documentation (`action_timetoken`, `type`,
//! ...), which is also what the CLI prints with `--json`. The camelCase wire shapes live in
//! [`super::wire`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Timetoken;

/// An action to attach to a stored message: what `add_message_action` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAction {
    /// Feature name, such as `reaction` or `receipt`.
    pub action_type: String,
    /// The stored value, such as `👍` or `read`.
    pub value: String,
    /// Timetoken of the message the action belongs to.
    pub message_timetoken: Timetoken,
}

/// An action as the service stores it: the request plus its author and its own timetoken.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoredAction {
    pub action_timetoken: Timetoken,
    pub message_timetoken: Timetoken,
    #[serde(rename = "type")]
    pub action_type: String,
    pub uuid: String,
    pub value: String,
}

/// One author's entry under a type and value in a history message's actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRef {
    pub uuid: String,
    #[serde(rename = "actionTimetoken")]
    pub action_timetoken: Timetoken,
}

/// A message's actions as history-with-actions returns them: type -> value -> authors.
pub type ActionMap = BTreeMap<String, BTreeMap<String, Vec<ActionRef>>>;

/// One stored message returned by history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryMessage {
    pub channel: String,
    pub timetoken: Timetoken,
    /// The payload as published: any JSON.
    pub message: Value,
    /// The publisher's `meta`, when it was requested and present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// The publisher's uuid, when it was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_message_type: Option<String>,
    /// The message's actions (empty unless fetched with actions).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: ActionMap,
}

impl HistoryMessage {
    /// Every action of this message, flattened, oldest first.
    pub fn stored_actions(&self) -> Vec<StoredAction> {
        let mut out: Vec<StoredAction> = self
            .actions
            .iter()
            .flat_map(|(action_type, values)| {
                values.iter().flat_map(move |(value, refs)| {
                    refs.iter().map(move |r| StoredAction {
                        action_timetoken: r.action_timetoken,
                        message_timetoken: self.timetoken,
                        action_type: action_type.clone(),
                        uuid: r.uuid.clone(),
                        value: value.clone(),
                    })
                })
            })
            .collect();
        out.sort_by_key(|a| a.action_timetoken);
        out
    }

    /// The text a person would read: a string as is, an object's `text` field, else compact JSON.
    pub fn text(&self) -> String {
        message_text(&self.message)
    }
}

/// The text a person would read from a message payload: a string as is, an object's `text`
/// field if it is a string, anything else as compact JSON.
pub fn message_text(payload: &Value) -> String {
    match payload {
        Value::String(s) => s.clone(),
        Value::Object(map) => match map.get("text") {
            Some(Value::String(s)) => s.clone(),
            _ => payload.to_string(),
        },
        other => other.to_string(),
    }
}

/// Bounds of the next page, as the service reports them in `more`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MoreBounds {
    /// Exclusive upper bound for the next request.
    pub start: Option<Timetoken>,
    /// Inclusive lower bound for the next request.
    pub end: Option<Timetoken>,
    /// Page size (`limit` for actions, `max` for history).
    pub limit: Option<u32>,
}

/// One page of `get_message_actions`: actions ascending by action timetoken.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ActionsPage {
    pub actions: Vec<StoredAction>,
    /// Present when the service has more (older) actions within the requested bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<MoreBounds>,
}

/// One page of history: messages ascending by timetoken, possibly from several channels.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HistoryPage {
    pub messages: Vec<HistoryMessage>,
    /// Present when the service cut the requested range short (history-with-actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<MoreBounds>,
}

/// Whether an action event added or removed the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionEventKind {
    Added,
    Removed,
}

/// Something that arrived on a subscription.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// A new message was published.
    Message {
        channel: String,
        timetoken: Timetoken,
        /// Publisher uuid (`i`), when the service sent it.
        publisher: Option<String>,
        message: Value,
        meta: Option<Value>,
    },
    /// A message action was added or removed; `action.uuid` is the actor (`i`).
    Action {
        channel: String,
        kind: ActionEventKind,
        action: StoredAction,
    },
}
