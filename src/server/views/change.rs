//! What the writer tells the views ([`Committed`]), and what a kind of view must do with it
//! and how it is built from SQLite ([`ViewData`]).
//! It must not apply anything itself.

use rusqlite::Connection;

use crate::pubnub::StoredAction;
use crate::server::sqlite::{MessageRecord, StoreError};

/// A write the writer committed, as the views see it.
pub enum Committed<'a> {
    Message(MessageRecord<'a>),
    ActionAdded {
        sub_key: &'a str,
        channel: &'a str,
        action: &'a StoredAction,
    },
    ActionRemoved {
        sub_key: &'a str,
        channel: &'a str,
        message_tt: u64,
        action_tt: u64,
    },
    /// A range of the channel's messages was deleted with their actions: its views go and are
    /// built again on the next read (a rare write, so no view replays it).
    MessagesDeleted {
        sub_key: &'a str,
        channel: &'a str,
    },
}

impl Committed<'_> {
    /// `(sub key, channel)` written to.
    pub fn channel(&self) -> (&str, &str) {
        match self {
            Committed::Message(m) => (m.sub_key, m.channel),
            Committed::ActionAdded {
                sub_key, channel, ..
            }
            | Committed::ActionRemoved {
                sub_key, channel, ..
            }
            | Committed::MessagesDeleted { sub_key, channel } => (sub_key, channel),
        }
    }
}

/// What one kind of view holds for a channel.
pub trait ViewData {
    /// One committed change to the channel, as this view applies it.
    type Change;
    /// The change a committed write makes to this kind of view, if any.
    fn change(committed: &Committed<'_>) -> Option<Self::Change>;
    /// Applies one change; returns the change in bytes.
    fn apply(&mut self, change: &Self::Change) -> isize;
    /// Bytes held (an estimate).
    fn bytes(&self) -> usize;
    /// Rows held, compared with the cap.
    fn rows(&self) -> usize;
    /// The view of a channel from SQLite, scanning at most `limit` rows; also says how many
    /// rows it found (more than the cap: the channel gets no view).
    fn scan(
        conn: &Connection,
        sub_key: &str,
        channel: &str,
        limit: u32,
    ) -> Result<(usize, Self), StoreError>
    where
        Self: Sized;
}
