//! JSON shapes exactly as they cross the wire, shared by the client (to parse) and the embedded
//! server (to produce). See `reference/pubnub-wire-protocol.md` sections 1-4.
//!
//! The bottom of the client: plain data over [`Timetoken`] and the types, importing nothing that
//! reads or judges an answer (that is `answer`'s job, which imports these shapes).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Timetoken;
use super::types::{ActionMap, MoreBounds, StoredAction};

/// `Content-Type` the service sends on every JSON answer.
pub const CONTENT_TYPE: &str = "text/javascript; charset=\"UTF-8\"";

/// A stored action in camelCase, as in add/get responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAction {
    #[serde(rename = "type")]
    pub action_type: String,
    pub value: String,
    pub uuid: String,
    #[serde(rename = "actionTimetoken")]
    pub action_timetoken: Timetoken,
    #[serde(rename = "messageTimetoken")]
    pub message_timetoken: Timetoken,
}

impl From<WireAction> for StoredAction {
    fn from(w: WireAction) -> Self {
        StoredAction {
            action_timetoken: w.action_timetoken,
            message_timetoken: w.message_timetoken,
            action_type: w.action_type,
            uuid: w.uuid,
            value: w.value,
        }
    }
}

impl From<&StoredAction> for WireAction {
    fn from(a: &StoredAction) -> Self {
        WireAction {
            action_type: a.action_type.clone(),
            value: a.value.clone(),
            uuid: a.uuid.clone(),
            action_timetoken: a.action_timetoken,
            message_timetoken: a.message_timetoken,
        }
    }
}

/// Body of an add-action request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddActionBody {
    #[serde(rename = "type")]
    pub action_type: String,
    pub value: String,
}

/// `{"source": "actions", "message": ..., "details": [...]}` inside an error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ServiceError {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One entry of an error's `details`: which input was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ErrorDetail {
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    #[serde(
        rename = "locationType",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub location_type: String,
}

/// The message-actions envelope: `{"status", "data"?, "more"?, "error"?}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionsEnvelope<T> {
    pub status: u16,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more: Option<WireMore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ServiceError>,
}

/// `more`: where the next page starts. Actions use `limit`, history uses `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WireMore {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "lenient_timetoken"
    )]
    pub start: Option<Timetoken>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "lenient_timetoken"
    )]
    pub end: Option<Timetoken>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl From<WireMore> for MoreBounds {
    fn from(m: WireMore) -> Self {
        MoreBounds {
            start: m.start,
            end: m.end,
            limit: m.limit.or(m.max),
        }
    }
}

/// `more.start`/`more.end` may be empty strings on some answers; treat those as absent.
mod lenient_timetoken {
    use super::Timetoken;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Timetoken>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timetoken>, D::Error> {
        let raw = Option::<serde_json::Value>::deserialize(d)?;
        match raw {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
            Some(v) => Timetoken::deserialize(v)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// v3 history envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEnvelope {
    pub status: u16,
    #[serde(default)]
    pub error: bool,
    #[serde(default)]
    pub error_message: String,
    #[serde(default)]
    pub channels: BTreeMap<String, Vec<WireHistoryItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more: Option<WireMore>,
}

/// One message in a v3 history answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireHistoryItem {
    pub message: Value,
    pub timetoken: Timetoken,
    /// `""` when meta was requested and the message has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Present (as `null` for a regular message) when `include_message_type` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_message_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<ActionMap>,
}

/// The subscribe cursor `{"t": "<tt>", "r": <region>}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub t: Timetoken,
    pub r: u32,
}

/// A subscribe long-poll answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscribeEnvelope {
    pub t: Cursor,
    #[serde(default)]
    pub m: Vec<SubscribeItem>,
}

/// One delivered item in a subscribe answer (section 4.2 of the reference).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscribeItem {
    #[serde(default)]
    pub a: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
    pub c: String,
    pub d: Value,
    /// Absent for a regular message; 3 for a message action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<u8>,
    #[serde(default)]
    pub f: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i: Option<String>,
    #[serde(default)]
    pub k: String,
    pub p: Cursor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmt: Option<String>,
}

/// Value of `e` for a message-action event.
pub const EVENT_MESSAGE_ACTION: u8 = 3;

/// `d` of a message-action event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionEventPayload {
    pub source: String,
    pub version: String,
    pub data: ActionEventData,
    pub event: String,
}

/// `d.data` of a message-action event: the action without its author (that is in `i`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionEventData {
    #[serde(rename = "messageTimetoken")]
    pub message_timetoken: Timetoken,
    #[serde(rename = "type")]
    pub action_type: String,
    pub value: String,
    #[serde(rename = "actionTimetoken")]
    pub action_timetoken: Timetoken,
}

/// The Access Manager / balancer error shape:
/// `{"message", "payload"?, "error": true, "service", "status"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceNotice {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    #[serde(default)]
    pub error: bool,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub status: u16,
}
