//! The Details screen's data: every action on one message grouped by type and value, each with
//! its user and time.

use super::chips::ActionKinds;
use super::symbols::{Sym, Symbols};
use super::timeline::{ActionEntry, Message};
use crate::pubnub::Timetoken;

/// One line of the Details list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailRow {
    /// A heading: the type and value, and how many have it.
    Group { kind: Sym, value: Sym, count: usize },
    /// One user's action under the heading above.
    Entry(ActionEntry),
}

/// Groups `message`'s actions by (type, value), reactions first, in order of first use.
pub fn detail_rows(message: &Message, kinds: &ActionKinds) -> Vec<DetailRow> {
    let mut groups: Vec<(Sym, Sym, Vec<ActionEntry>)> = Vec::new();
    for entry in &message.actions {
        match groups
            .iter_mut()
            .find(|(k, v, _)| *k == entry.kind && *v == entry.value)
        {
            Some((_, _, list)) => list.push(*entry),
            None => groups.push((entry.kind, entry.value, vec![*entry])),
        }
    }
    groups.sort_by_key(|(kind, _, _)| !kinds.is_reaction(*kind));
    let mut rows = Vec::with_capacity(groups.len() + message.actions.len());
    for (kind, value, entries) in groups {
        rows.push(DetailRow::Group {
            kind,
            value,
            count: entries.len(),
        });
        rows.extend(entries.into_iter().map(DetailRow::Entry));
    }
    rows
}

/// The screen's state: which message, which action is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailsView {
    pub message_tt: Timetoken,
    /// Index into [`detail_rows`] of the selected entry row.
    pub selected: usize,
    /// A refresh of this message's actions is in flight.
    pub refreshing: bool,
    /// Opened from the Actions screen (going back returns there).
    pub from_actions: bool,
}

impl DetailsView {
    pub fn new(message_tt: Timetoken) -> Self {
        Self {
            message_tt,
            selected: 1,
            refreshing: false,
            from_actions: false,
        }
    }

    /// Moves to the `delta`-th entry row from the current one, skipping headings.
    pub fn move_by(&mut self, rows: &[DetailRow], delta: isize) {
        let entries: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, DetailRow::Entry(_)))
            .map(|(i, _)| i)
            .collect();
        if entries.is_empty() {
            self.selected = 0;
            return;
        }
        let current = entries
            .iter()
            .position(|&i| i >= self.selected)
            .unwrap_or(entries.len() - 1) as isize;
        let next = (current + delta).clamp(0, entries.len() as isize - 1) as usize;
        self.selected = entries[next];
    }

    /// The selected action, if the selection is on one.
    pub fn selected_entry(&self, rows: &[DetailRow]) -> Option<ActionEntry> {
        match rows.get(self.selected) {
            Some(DetailRow::Entry(e)) => Some(*e),
            _ => None,
        }
    }
}

/// `bob` or `bob (you)`.
pub fn user_label(symbols: &Symbols, uuid: Sym, me: Sym) -> String {
    if uuid == me {
        format!("{} (you)", symbols.label(uuid))
    } else {
        symbols.label(uuid).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::timeline::EntryState;

    #[test]
    fn groups_by_type_and_value_with_reactions_first() {
        let mut s = Symbols::new();
        let kinds = ActionKinds::new(&mut s, "reaction");
        let mut m = Message::new(Timetoken(1), None, &serde_json::json!("x"));
        let mut e = |tt: u64, kind: &str, value: &str, uuid: &str| ActionEntry {
            action_tt: Timetoken(tt),
            kind: s.intern(kind),
            value: s.intern(value),
            uuid: s.intern(uuid),
            state: EntryState::Confirmed,
        };
        m.actions = vec![
            e(2, "receipt", "read", "bob"),
            e(3, "reaction", "👍", "bob"),
            e(4, "reaction", "👍", "carol"),
            e(5, "receipt", "read", "carol"),
        ];
        let rows = detail_rows(&m, &kinds);
        assert_eq!(rows.len(), 6);
        assert!(matches!(rows[0], DetailRow::Group { count: 2, .. }));
        assert!(matches!(rows[1], DetailRow::Entry(a) if a.action_tt == Timetoken(3)));
        assert!(matches!(rows[3], DetailRow::Group { count: 2, .. }));
        let mut view = DetailsView::new(Timetoken(1));
        view.move_by(&rows, 1);
        assert_eq!(view.selected, 2);
        view.move_by(&rows, 1);
        assert_eq!(view.selected, 4, "headings are skipped");
        view.move_by(&rows, 10);
        assert_eq!(view.selected, 5);
        assert_eq!(
            view.selected_entry(&rows).map(|a| a.action_tt),
            Some(Timetoken(5))
        );
    }
}
