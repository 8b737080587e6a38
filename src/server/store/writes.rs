//! The writes a client can make, one typed method each (publish, signal, add an action, remove
//! one, delete a range of history), and the seeding API of the embedded mode (a message or an action stored as given, no live
//! event). Each runs through the writer's group commit ([`super::writer`]) and returns once it
//! is durable.
//! It must not touch SQLite or the caches directly: everything goes through the writer.

use serde_json::Value;

use super::handle::Store;
use super::write_ops::{NewMessage, WriteDone, WriteOp};
use crate::pubnub::{StoredAction, Timetoken};
use crate::server::sqlite::{self, StoreError};

/// An action to add: its message, its type and value, and its author.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub sub_key: String,
    pub channel: String,
    pub message_tt: u64,
    pub action_type: String,
    pub value: String,
    pub uuid: String,
}

/// An action to remove, by its timetokens, on behalf of `uuid` (who must be its author).
#[derive(Debug, Clone)]
pub struct Removal {
    pub sub_key: String,
    pub channel: String,
    pub message_tt: u64,
    pub action_tt: u64,
    pub uuid: String,
}

fn unexpected(done: WriteDone) -> StoreError {
    StoreError::Database(format!("unexpected write result {done:?}"))
}

impl Store {
    /// Publishes a message (stored unless `store` is false, and sent live); returns its
    /// timetoken.
    pub async fn publish(&self, m: NewMessage) -> Result<Timetoken, StoreError> {
        match self.write(WriteOp::Publish(m)).await? {
            WriteDone::Published(tt) => Ok(tt),
            other => Err(unexpected(other)),
        }
    }

    /// Sends a signal (live only, `e: 1`); returns its timetoken.
    pub async fn signal(&self, m: NewMessage) -> Result<Timetoken, StoreError> {
        match self.write(WriteOp::Signal(m)).await? {
            WriteDone::Published(tt) => Ok(tt),
            other => Err(unexpected(other)),
        }
    }

    /// Deletes each channel's messages with `from <= timetoken < below`, and their actions.
    pub async fn delete_history(
        &self,
        sub_key: &str,
        channels: &[String],
        from: u64,
        below: u64,
    ) -> Result<(), StoreError> {
        let each = channels.iter().map(|channel| {
            self.write(WriteOp::DeleteMessages {
                sub_key: sub_key.to_string(),
                channel: channel.clone(),
                from,
                below,
            })
        });
        futures::future::try_join_all(each).await.map(|_| ())
    }

    /// Adds an action with a fresh action timetoken; [`StoreError::Conflict`] when the author
    /// already added the same type and value to the message.
    pub async fn add_action(&self, a: NewAction) -> Result<StoredAction, StoreError> {
        let op = WriteOp::AddAction {
            sub_key: a.sub_key,
            channel: a.channel,
            message_tt: a.message_tt,
            action_type: a.action_type,
            value: a.value,
            uuid: a.uuid,
        };
        match self.write(op).await? {
            WriteDone::Added(action) => Ok(action),
            other => Err(unexpected(other)),
        }
    }

    /// Removes an action; [`StoreError::NothingToDelete`] when there is none,
    /// [`StoreError::WrongUuid`] when it is another author's.
    pub async fn remove_action(&self, r: Removal) -> Result<(), StoreError> {
        let op = WriteOp::RemoveAction {
            sub_key: r.sub_key,
            channel: r.channel,
            message_tt: r.message_tt,
            action_tt: r.action_tt,
            uuid: r.uuid,
        };
        self.write(op).await.map(|_| ())
    }

    /// Stores a message with a given (for example back-dated) timetoken, for seeding a demo
    /// conversation. Fails with [`StoreError::Conflict`] if that timetoken is taken on the
    /// channel. No live event is sent. The clock stays ahead of `timetoken`.
    pub async fn insert_message_at(
        &self,
        sub_key: &str,
        channel: &str,
        timetoken: Timetoken,
        publisher_uuid: &str,
        message: Value,
        meta: Option<Value>,
    ) -> Result<(), StoreError> {
        check_seed(channel, &[timetoken])?;
        let payload =
            serde_json::to_string(&message).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let meta = meta
            .map(|m| serde_json::to_string(&m))
            .transpose()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.write(WriteOp::InsertMessage {
            sub_key: sub_key.to_string(),
            channel: channel.to_string(),
            timetoken: timetoken.get(),
            publisher: publisher_uuid.to_string(),
            payload,
            meta,
        })
        .await
        .map(|_| ())
    }

    /// Stores an action as given (timetokens and author included), for seeding. Fails with
    /// [`StoreError::Conflict`] on a duplicate. No live event is sent.
    pub async fn insert_action_at(
        &self,
        sub_key: &str,
        channel: &str,
        action: &StoredAction,
    ) -> Result<(), StoreError> {
        check_seed(
            channel,
            &[action.action_timetoken, action.message_timetoken],
        )?;
        self.write(WriteOp::InsertAction {
            sub_key: sub_key.to_string(),
            channel: channel.to_string(),
            action: action.clone(),
        })
        .await
        .map(|_| ())
    }

    /// Whether the channel has neither messages nor actions.
    pub async fn is_empty_channel(&self, sub_key: &str, channel: &str) -> Result<bool, StoreError> {
        self.read(|conn| Ok(sqlite::is_empty_channel(conn, sub_key, channel)?))
    }
}

fn check_seed(channel: &str, tts: &[Timetoken]) -> Result<(), StoreError> {
    if let Some(why) = channel_name_problem(channel) {
        return Err(StoreError::Invalid(format!("channel name {why}")));
    }
    if tts.iter().any(|t| t.get() > i64::MAX as u64) {
        return Err(StoreError::Invalid("timetoken too large".into()));
    }
    Ok(())
}

/// Longest legal channel name, in characters.
pub const MAX_CHANNEL_CHARS: usize = 92;

/// Why a name is not a legal channel name (reference section 0.9), if it is not.
pub fn channel_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.chars().count() > MAX_CHANNEL_CHARS {
        return Some("is longer than 92 characters");
    }
    name.chars().find_map(|c| match c {
        ',' | ':' | '*' | '/' | '\\' | ' ' => Some("contains one of , : * / \\ or a space"),
        c if c.is_control() => Some("contains a control character"),
        _ => None,
    })
}
