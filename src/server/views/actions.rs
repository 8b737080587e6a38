//! The view get-actions answers from: every action of one channel, keyed by action timetoken,
//! each rendered exactly as the list answer writes it, so that a page at any start is a range
//! walk over ready fragments. Built, kept current and bounded by [`super::registry`].
//! It must not decide when it is used or built; the store does.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::change::{Committed, ViewData};
use crate::server::render::actions::action as render;
use crate::server::sqlite::{self, ActionRow, Range, Slice, StoreError};

/// What one entry costs besides its text: the key, the box, and the map's nodes.
const ENTRY_OVERHEAD: usize = 48;

/// The rendered actions of one channel.
#[derive(Debug, Default)]
pub struct ActionView {
    actions: BTreeMap<u64, Box<[u8]>>,
    bytes: usize,
}

fn cost(text: &[u8]) -> usize {
    text.len() + ENTRY_OVERHEAD
}

impl ActionView {
    /// A view of `actions` (any order).
    pub fn new(actions: impl IntoIterator<Item = (u64, Box<[u8]>)>) -> ActionView {
        let actions: BTreeMap<u64, Box<[u8]>> = actions.into_iter().collect();
        let bytes = actions.values().map(|t| cost(t)).sum();
        ActionView { actions, bytes }
    }

    /// The newest `limit` actions within `range` (`end <= tt < start`, bounds clamped as
    /// SQLite compares them), newest first.
    pub fn newest(&self, range: Range, limit: usize) -> impl Iterator<Item = (u64, &[u8])> {
        self.actions
            .range(range.walk())
            .rev()
            .take(limit)
            .map(|(tt, text)| (*tt, &text[..]))
    }
}

/// One committed change to a channel's actions.
#[derive(Debug, Clone)]
pub struct ActionChange {
    action_tt: u64,
    /// The rendered action when added, `None` when removed.
    text: Option<Box<[u8]>>,
}

impl ViewData for ActionView {
    type Change = ActionChange;

    fn change(committed: &Committed<'_>) -> Option<ActionChange> {
        match committed {
            Committed::Message(_) | Committed::MessagesDeleted { .. } => None,
            Committed::ActionAdded { action: a, .. } => Some(ActionChange {
                action_tt: a.action_timetoken.get(),
                text: Some(render(&ActionRow::of(a))),
            }),
            Committed::ActionRemoved { action_tt, .. } => Some(ActionChange {
                action_tt: *action_tt,
                text: None,
            }),
        }
    }

    fn apply(&mut self, change: &ActionChange) -> isize {
        let old = match &change.text {
            Some(text) => self.actions.insert(change.action_tt, text.clone()),
            None => self.actions.remove(&change.action_tt),
        };
        let delta = change.text.as_deref().map_or(0, cost) as isize
            - old.as_deref().map_or(0, cost) as isize;
        self.bytes = self.bytes.saturating_add_signed(delta);
        delta
    }

    fn bytes(&self) -> usize {
        self.bytes
    }

    fn rows(&self) -> usize {
        self.actions.len()
    }

    fn scan(
        conn: &Connection,
        sub_key: &str,
        channel: &str,
        limit: u32,
    ) -> Result<(usize, Self), StoreError> {
        let mut rows = Vec::new();
        let all = Slice::newest(sub_key, channel, Range::default(), limit);
        sqlite::visit_newest_actions(conn, all, |a| rows.push((a.action_tt, render(a))))?;
        Ok((rows.len(), ActionView::new(rows)))
    }
}
