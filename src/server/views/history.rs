//! The view history-with-actions answers from: every message of one channel with its actions,
//! each message's actions kept in key order (type, value, author) and rendered as the answer
//! groups them. A page is a range walk rendering each message item (whose fields depend on the
//! `include_*` flags) and copying its ready groups. Built, kept current and bounded by
//! [`super::registry`].
//!
//! Actions are kept for every message timetoken, also for messages not stored (an action may
//! name any timetoken, and a message may be stored after its actions).
//! It must not decide when it is used or built; the store does.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::change::{Committed, ViewData};
use crate::server::render::history::Groups;
use crate::server::sqlite::{self, ActionRow, MessageRow, Range, Slice, StoreError};

/// What each message, field and action costs besides its bytes (boxes, map nodes), roughly.
const OVERHEAD: usize = 64;

/// A stored message's fields, as stored.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    publisher: Box<[u8]>,
    payload: Box<[u8]>,
    meta: Option<Box<[u8]>>,
    custom_message_type: Option<Box<[u8]>>,
}

impl StoredMessage {
    pub fn new(m: &MessageRow<'_>) -> Self {
        StoredMessage {
            publisher: m.publisher.into(),
            payload: m.payload.into(),
            meta: m.meta.map(Into::into),
            custom_message_type: m.custom_message_type.map(Into::into),
        }
    }

    fn cost(&self) -> usize {
        let opt = |f: &Option<Box<[u8]>>| f.as_ref().map_or(0, |b| b.len());
        self.publisher.len()
            + self.payload.len()
            + opt(&self.meta)
            + opt(&self.custom_message_type)
            + OVERHEAD
    }
}

/// One action of a message.
#[derive(Debug, Clone)]
pub struct Action {
    action_type: Box<[u8]>,
    value: Box<[u8]>,
    uuid: Box<[u8]>,
    action_tt: u64,
}

impl Action {
    pub fn new(a: &ActionRow<'_>) -> Self {
        Action {
            action_type: a.action_type.into(),
            value: a.value.into(),
            uuid: a.uuid.into(),
            action_tt: a.action_tt,
        }
    }

    fn key(&self) -> (&[u8], &[u8], &[u8]) {
        (&self.action_type, &self.value, &self.uuid)
    }

    fn cost(&self) -> usize {
        self.action_type.len() + self.value.len() + self.uuid.len() + OVERHEAD
    }
}

/// A message timetoken's message (if stored) and actions.
#[derive(Debug, Default)]
struct Slot {
    message: Option<StoredMessage>,
    /// In key order.
    actions: Vec<Action>,
    /// `actions` rendered as the answer groups them; empty when there are none.
    grouped: Box<[u8]>,
}

impl Slot {
    fn cost(&self) -> usize {
        self.message.as_ref().map_or(0, StoredMessage::cost)
            + self.actions.iter().map(Action::cost).sum::<usize>()
            + self.grouped.len()
            + OVERHEAD
    }

    fn rows(&self) -> usize {
        usize::from(self.message.is_some()) + self.actions.len()
    }

    fn regroup(&mut self, message_tt: u64) {
        let mut out = Vec::new();
        let mut groups = Groups::default();
        for a in &self.actions {
            groups.push(&mut out, &row(message_tt, a));
        }
        groups.close(&mut out);
        self.grouped = out.into_boxed_slice();
    }
}

fn row(message_tt: u64, a: &Action) -> ActionRow<'_> {
    ActionRow {
        message_tt,
        action_tt: a.action_tt,
        action_type: &a.action_type,
        value: &a.value,
        uuid: &a.uuid,
    }
}

/// The messages and actions of one channel.
#[derive(Debug, Default)]
pub struct HistoryView {
    slots: BTreeMap<u64, Slot>,
    bytes: usize,
    rows: usize,
}

/// One committed change to a channel's messages or actions.
#[derive(Debug, Clone)]
pub enum HistoryChange {
    Message(u64, StoredMessage),
    /// Added, or replacing the action of the same key.
    ActionSet(u64, Action),
    ActionRemoved {
        message_tt: u64,
        action_tt: u64,
    },
}

/// One message of a page: its timetoken, fields, action count and grouped actions.
pub struct PageMessage<'a> {
    pub row: MessageRow<'a>,
    pub actions: usize,
    pub grouped: &'a [u8],
}

impl HistoryView {
    /// A view of a channel's messages and its actions (any order).
    pub fn new(
        messages: impl IntoIterator<Item = (u64, StoredMessage)>,
        actions: impl IntoIterator<Item = (u64, Action)>,
    ) -> Self {
        let mut view = HistoryView::default();
        for (tt, m) in messages {
            view.slots.entry(tt).or_default().message = Some(m);
        }
        for (tt, a) in actions {
            view.slots.entry(tt).or_default().actions.push(a);
        }
        for (tt, slot) in &mut view.slots {
            slot.actions.sort_by(|a, b| a.key().cmp(&b.key()));
            slot.regroup(*tt);
            view.bytes += slot.cost();
            view.rows += slot.rows();
        }
        view
    }

    /// The newest `max` stored messages with `end <= tt < start`, newest first.
    pub fn newest(&self, range: Range, max: usize) -> impl Iterator<Item = PageMessage<'_>> {
        self.slots
            .range(range.walk())
            .rev()
            .filter_map(|(tt, slot)| {
                let m = slot.message.as_ref()?;
                Some(PageMessage {
                    row: MessageRow {
                        timetoken: *tt,
                        publisher: &m.publisher,
                        payload: &m.payload,
                        meta: m.meta.as_deref(),
                        custom_message_type: m.custom_message_type.as_deref(),
                    },
                    actions: slot.actions.len(),
                    grouped: &slot.grouped,
                })
            })
            .take(max)
    }

    /// Actions on message timetokens from `lowest` to `highest`, stored messages or not.
    pub fn actions_between(&self, lowest: u64, highest: u64) -> usize {
        self.slots
            .range(lowest..=highest.max(lowest))
            .map(|(_, s)| s.actions.len())
            .sum()
    }

    /// Applies `f` to the slot of `tt` (made when missing, dropped when left empty) and
    /// accounts for its change in bytes.
    fn change_slot(&mut self, tt: u64, f: impl FnOnce(&mut Slot)) -> isize {
        let slot = self.slots.entry(tt).or_default();
        let (before, rows_before) = (slot.cost(), slot.rows());
        f(slot);
        let (after, rows_after) = (slot.cost(), slot.rows());
        if rows_after == 0 {
            self.slots.remove(&tt);
        }
        let after = if rows_after == 0 { 0 } else { after };
        let before = if rows_before == 0 { 0 } else { before };
        self.rows = self.rows + rows_after - rows_before;
        let delta = after as isize - before as isize;
        self.bytes = self.bytes.saturating_add_signed(delta);
        delta
    }
}

impl ViewData for HistoryView {
    type Change = HistoryChange;

    fn change(committed: &Committed<'_>) -> Option<HistoryChange> {
        Some(match committed {
            Committed::MessagesDeleted { .. } => return None,
            Committed::Message(m) => HistoryChange::Message(m.tt, StoredMessage::new(&m.row())),
            Committed::ActionAdded { action: a, .. } => {
                HistoryChange::ActionSet(a.message_timetoken.get(), Action::new(&ActionRow::of(a)))
            }
            Committed::ActionRemoved {
                message_tt,
                action_tt,
                ..
            } => HistoryChange::ActionRemoved {
                message_tt: *message_tt,
                action_tt: *action_tt,
            },
        })
    }

    fn apply(&mut self, change: &HistoryChange) -> isize {
        match change {
            HistoryChange::Message(tt, m) => {
                self.change_slot(*tt, |slot| slot.message = Some(m.clone()))
            }
            HistoryChange::ActionSet(tt, a) => self.change_slot(*tt, |slot| {
                match slot.actions.binary_search_by(|x| x.key().cmp(&a.key())) {
                    Ok(at) => slot.actions[at] = a.clone(),
                    Err(at) => slot.actions.insert(at, a.clone()),
                }
                slot.regroup(*tt);
            }),
            HistoryChange::ActionRemoved {
                message_tt,
                action_tt,
            } => self.change_slot(*message_tt, |slot| {
                let before = slot.actions.len();
                slot.actions.retain(|a| a.action_tt != *action_tt);
                if slot.actions.len() != before {
                    slot.regroup(*message_tt);
                }
            }),
        }
    }

    fn bytes(&self) -> usize {
        self.bytes
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn scan(
        conn: &Connection,
        sub_key: &str,
        channel: &str,
        limit: u32,
    ) -> Result<(usize, Self), StoreError> {
        let (mut messages, mut actions) = (Vec::new(), Vec::new());
        let all = Slice::newest(sub_key, channel, Range::default(), limit);
        sqlite::visit_newest_messages(conn, all, |m| {
            messages.push((m.timetoken, StoredMessage::new(m)))
        })?;
        let all = Slice::between(sub_key, channel, 0, i64::MAX as u64).limited(limit);
        sqlite::visit_message_actions(conn, all, |a| actions.push((a.message_tt, Action::new(a))))?;
        let rows = messages.len() + actions.len();
        Ok((rows, HistoryView::new(messages, actions)))
    }
}
