//! The writes the writer thread runs, and how each one is applied inside a batch's
//! transaction: its timetoken taken, its row inserted or deleted, its outcome decided on its
//! own (conflict, nothing to delete, wrong uuid), and its live events made. App Context
//! writes are applied by [`super::object_ops`].
//! It must not commit or answer: the writer does both, once per batch.

use rusqlite::Connection;

use super::clock::Clock;
use super::hub::HubEvent;
use super::object_ops::{self, ObjectOp};
pub use super::outcome::{Outcome, WriteDone, refused};
use crate::pubnub::{ActionEventKind, StoredAction, Timetoken};
use crate::server::render::subscribe::{Published, action_item, message_item, signal_item};
use crate::server::sqlite::{
    MessageRecord, StoreError, delete_action, delete_messages, find_action, insert_action,
    insert_message, insert_revocation,
};
use crate::server::views::Committed;

/// A message to publish.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub sub_key: String,
    pub channel: String,
    pub publisher: String,
    /// Compact JSON text.
    pub payload: String,
    /// Compact JSON text.
    pub meta: Option<String>,
    pub custom_message_type: Option<String>,
    pub seqn: Option<u64>,
    /// `store=0` delivers live only.
    pub store: bool,
}

/// One write.
#[derive(Debug, Clone)]
pub enum WriteOp {
    Publish(NewMessage),
    /// A signal: delivered live (`e: 1`), never stored.
    Signal(NewMessage),
    /// Messages of a channel with `from <= timetoken < below` go, with their actions.
    DeleteMessages {
        sub_key: String,
        channel: String,
        from: u64,
        below: u64,
    },
    /// App Context (boxed: its patches are large, and it is rare).
    Object(Box<ObjectOp>),
    AddAction {
        sub_key: String,
        channel: String,
        message_tt: u64,
        action_type: String,
        value: String,
        uuid: String,
    },
    RemoveAction {
        sub_key: String,
        channel: String,
        message_tt: u64,
        action_tt: u64,
        uuid: String,
    },
    /// Seeding: a message with its own timetoken, no live event.
    InsertMessage {
        sub_key: String,
        channel: String,
        timetoken: u64,
        publisher: String,
        payload: String,
        meta: Option<String>,
    },
    /// Seeding: an action as given, no live event.
    InsertAction {
        sub_key: String,
        channel: String,
        action: StoredAction,
    },
    /// An Access Manager token revoked (by its signature) until it would expire.
    Revoke {
        sub_key: String,
        signature: Vec<u8>,
        expires_at: u64,
    },
}

impl NewMessage {
    /// The message as its live event shows it.
    pub fn published(&self) -> Published<'_> {
        Published {
            sub_key: &self.sub_key,
            channel: &self.channel,
            publisher: &self.publisher,
            payload: &self.payload,
            meta: self.meta.as_deref(),
            custom_message_type: self.custom_message_type.as_deref(),
            seqn: self.seqn,
        }
    }
}

impl WriteOp {
    pub fn touches_db(&self) -> bool {
        !matches!(
            self,
            WriteOp::Publish(NewMessage { store: false, .. }) | WriteOp::Signal(_)
        )
    }

    /// The row a message write stores: a stored publish at `tt`, or a seeded message at its
    /// own timetoken.
    pub fn stored_message(&self, tt: u64) -> Option<MessageRecord<'_>> {
        let (sub_key, channel) = self.channel()?;
        match self {
            WriteOp::Publish(m) if m.store => Some(MessageRecord {
                sub_key,
                channel,
                tt,
                publisher: &m.publisher,
                payload: &m.payload,
                meta: m.meta.as_deref(),
                custom_message_type: m.custom_message_type.as_deref(),
            }),
            WriteOp::InsertMessage {
                timetoken,
                publisher,
                payload,
                meta,
                ..
            } => Some(MessageRecord {
                sub_key,
                channel,
                tt: *timetoken,
                publisher,
                payload,
                meta: meta.as_deref(),
                custom_message_type: None,
            }),
            _ => None,
        }
    }

    /// `(sub key, channel)` whose messages or actions it writes; `None` for a write to no
    /// channel (App Context, a revocation).
    pub fn channel(&self) -> Option<(&str, &str)> {
        Some(match self {
            WriteOp::Publish(m) | WriteOp::Signal(m) => (&m.sub_key, &m.channel),
            WriteOp::Object(_) | WriteOp::Revoke { .. } => return None,
            WriteOp::DeleteMessages {
                sub_key, channel, ..
            }
            | WriteOp::AddAction {
                sub_key, channel, ..
            }
            | WriteOp::RemoveAction {
                sub_key, channel, ..
            }
            | WriteOp::InsertMessage {
                sub_key, channel, ..
            }
            | WriteOp::InsertAction {
                sub_key, channel, ..
            } => (sub_key, channel),
        })
    }
}

/// The live events of one write: most writes make one, App Context writes any number.
#[derive(Debug, Default)]
pub enum Events {
    #[default]
    None,
    One(HubEvent),
    Many(Vec<HubEvent>),
}

impl From<Option<HubEvent>> for Events {
    fn from(e: Option<HubEvent>) -> Self {
        e.map_or(Events::None, Events::One)
    }
}

impl IntoIterator for Events {
    type Item = HubEvent;
    type IntoIter = std::iter::Chain<std::option::IntoIter<HubEvent>, std::vec::IntoIter<HubEvent>>;

    fn into_iter(self) -> Self::IntoIter {
        let (one, many) = match self {
            Events::None => (None, Vec::new()),
            Events::One(e) => (Some(e), Vec::new()),
            Events::Many(all) => (None, all),
        };
        one.into_iter().chain(many)
    }
}

pub type Applied = (WriteDone, Events);

pub fn apply(conn: &Connection, clock: &Clock, op: &WriteOp) -> Result<Applied, Outcome> {
    if let WriteOp::Object(o) = op {
        let (done, events) = object_ops::apply(conn, clock, o)?;
        return Ok((done, Events::Many(events)));
    }
    let (done, event) = apply_one(conn, clock, op)?;
    Ok((done, event.into()))
}

/// A write of messages or actions: at most one live event.
fn apply_one(
    conn: &Connection,
    clock: &Clock,
    op: &WriteOp,
) -> Result<(WriteDone, Option<HubEvent>), Outcome> {
    match op {
        WriteOp::Object(_) => refused(StoreError::Invalid("not a message write".into())),
        WriteOp::DeleteMessages {
            sub_key,
            channel,
            from,
            below,
        } => {
            delete_messages(conn, sub_key, channel, *from, *below)?;
            Ok((WriteDone::Removed, None))
        }
        WriteOp::Signal(m) => {
            let tt = clock.tick();
            let item = signal_item(&m.published(), tt.get());
            let e = event(&m.sub_key, &m.channel, tt.get(), item);
            Ok((WriteDone::Published(tt), Some(e)))
        }
        WriteOp::Publish(m) => {
            let tt = clock.tick();
            if let Some(record) = op.stored_message(tt.get()) {
                insert_message(conn, &record)?;
            }
            let item = message_item(&m.published(), tt.get());
            Ok((
                WriteDone::Published(tt),
                Some(event(&m.sub_key, &m.channel, tt.get(), item)),
            ))
        }
        WriteOp::AddAction {
            sub_key,
            channel,
            message_tt,
            action_type,
            value,
            uuid,
        } => {
            let action = StoredAction {
                action_timetoken: clock.tick(),
                message_timetoken: Timetoken(*message_tt),
                action_type: action_type.clone(),
                uuid: uuid.clone(),
                value: value.clone(),
            };
            if !insert_action(conn, sub_key, channel, &action)? {
                return refused(StoreError::Conflict);
            }
            let tt = action.action_timetoken.get();
            let item = action_item(sub_key, channel, tt, &action, ActionEventKind::Added);
            Ok((
                WriteDone::Added(action),
                Some(event(sub_key, channel, tt, item)),
            ))
        }
        WriteOp::RemoveAction {
            sub_key,
            channel,
            message_tt,
            action_tt,
            uuid,
        } => {
            let found = find_action(conn, sub_key, channel, *message_tt, *action_tt)?;
            let Some((author, action_type, value)) = found else {
                return refused(StoreError::NothingToDelete);
            };
            if author != *uuid {
                return refused(StoreError::WrongUuid);
            }
            delete_action(conn, sub_key, channel, *action_tt)?;
            let action = StoredAction {
                action_timetoken: Timetoken(*action_tt),
                message_timetoken: Timetoken(*message_tt),
                action_type,
                uuid: author,
                value,
            };
            let tt = clock.tick().get();
            let item = action_item(sub_key, channel, tt, &action, ActionEventKind::Removed);
            Ok((WriteDone::Removed, Some(event(sub_key, channel, tt, item))))
        }
        WriteOp::InsertMessage { timetoken, .. } => {
            clock.observe(Timetoken(*timetoken));
            let Some(record) = op.stored_message(*timetoken) else {
                return Err(Outcome::Refused(StoreError::Invalid(
                    "not a message".into(),
                )));
            };
            match insert_message(conn, &record)? {
                true => Ok((WriteDone::Inserted, None)),
                false => refused(StoreError::Conflict),
            }
        }
        WriteOp::InsertAction {
            sub_key,
            channel,
            action,
        } => {
            clock.observe(action.action_timetoken.max(action.message_timetoken));
            match insert_action(conn, sub_key, channel, action)? {
                true => Ok((WriteDone::Inserted, None)),
                false => refused(StoreError::Conflict),
            }
        }
        WriteOp::Revoke {
            sub_key,
            signature,
            expires_at,
        } => {
            insert_revocation(conn, sub_key, signature, *expires_at)?;
            Ok((WriteDone::Revoked, None))
        }
    }
}

fn event(sub_key: &str, channel: &str, tt: u64, item: String) -> HubEvent {
    HubEvent {
        tt,
        sub_key: sub_key.to_string(),
        channel: channel.to_string(),
        item,
    }
}

/// What a committed write changed, as the views see it; `None` for live-only messages and
/// App Context.
pub fn committed<'a>(op: &'a WriteOp, done: &'a WriteDone) -> Option<Committed<'a>> {
    let (sub_key, channel) = op.channel()?;
    Some(match (op, done) {
        (WriteOp::Publish(_), WriteDone::Published(tt)) => {
            Committed::Message(op.stored_message(tt.get())?)
        }
        (WriteOp::InsertMessage { timetoken, .. }, WriteDone::Inserted) => {
            Committed::Message(op.stored_message(*timetoken)?)
        }
        (WriteOp::AddAction { .. }, WriteDone::Added(action))
        | (WriteOp::InsertAction { action, .. }, WriteDone::Inserted) => Committed::ActionAdded {
            sub_key,
            channel,
            action,
        },
        (
            WriteOp::RemoveAction {
                message_tt,
                action_tt,
                ..
            },
            WriteDone::Removed,
        ) => Committed::ActionRemoved {
            sub_key,
            channel,
            message_tt: *message_tt,
            action_tt: *action_tt,
        },
        (WriteOp::DeleteMessages { .. }, WriteDone::Removed) => {
            Committed::MessagesDeleted { sub_key, channel }
        }
        _ => return None,
    })
}
