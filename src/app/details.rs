//! The Details screen's data: every action on one message grouped by type and value, each with
//! its user and time, and how the screen scrolls through the message's text and those actions.

use std::cmp::Ordering;

use super::chips::ActionKinds;
use super::symbols::Sym;
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
        let a = &entry.action;
        match groups
            .iter_mut()
            .find(|(k, v, _)| *k == a.kind && *v == a.value)
        {
            Some((_, _, list)) => list.push(*entry),
            None => groups.push((a.kind, a.value, vec![*entry])),
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

/// What the UI measured when it last drew the Details screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailsLayout {
    /// Lines of the message text, wrapped to the screen's width.
    pub text_lines: usize,
    /// Rows of the scrolling part; 0 until the screen has been drawn.
    pub height: usize,
}

/// The screen's state: which message, which action is selected, and how far the view is
/// scrolled.
///
/// Below a fixed heading the screen is one scrolling list of lines: the message's text, a
/// summary line, then one line per [`DetailRow`]. Moving down reads on through the text until
/// the selected action is in view, then moves the selection; moving up moves it back to the
/// first action, then reads back up the text. So every line of any message can be read, and
/// an action is only selected (for `d`) while it is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailsView {
    pub message_tt: Timetoken,
    /// Index into [`detail_rows`] of the selected entry row.
    pub selected: usize,
    /// A refresh of this message's actions is in flight.
    pub refreshing: bool,
    /// Opened from the Actions screen (going back returns there).
    pub from_actions: bool,
    /// The first line of the scrolling part on screen.
    pub top: usize,
    /// Reported by the UI after each frame.
    pub layout: DetailsLayout,
}

impl DetailsView {
    pub fn new(message_tt: Timetoken) -> Self {
        Self {
            message_tt,
            selected: 1,
            refreshing: false,
            from_actions: false,
            top: 0,
            layout: DetailsLayout::default(),
        }
    }

    /// Lines of the scrolling part: text, summary, the rows (or the line saying there are none).
    pub fn total_lines(&self, rows: &[DetailRow]) -> usize {
        self.layout.text_lines + 1 + rows.len().max(1)
    }

    /// The furthest the view scrolls: the last line at the bottom.
    pub fn max_top(&self, rows: &[DetailRow]) -> usize {
        self.total_lines(rows).saturating_sub(self.layout.height)
    }

    fn line_of(&self, row: usize) -> usize {
        self.layout.text_lines + 1 + row
    }

    /// Whether the selected row is above, on or below the screen (on it before the first draw).
    fn place(&self) -> Ordering {
        let line = self.line_of(self.selected);
        if self.layout.height == 0 {
            Ordering::Equal
        } else if line < self.top {
            Ordering::Less
        } else if line >= self.top + self.layout.height {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    fn entries(rows: &[DetailRow]) -> impl DoubleEndedIterator<Item = usize> + '_ {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, DetailRow::Entry(_)))
            .map(|(i, _)| i)
    }

    /// Puts the selection on an entry row: the first at or after it, else the last.
    fn snap(&mut self, rows: &[DetailRow]) {
        let selected = self.selected;
        self.selected = Self::entries(rows)
            .find(|&i| i >= selected)
            .or_else(|| Self::entries(rows).next_back())
            .unwrap_or(0);
    }

    /// Scrolls just enough to show the selected row (and its heading, when it is the first of
    /// its group).
    fn show_selected(&mut self, rows: &[DetailRow]) {
        let height = self.layout.height;
        if height == 0 {
            return;
        }
        let line = self.line_of(self.selected);
        let first_of_group = matches!(
            self.selected.checked_sub(1).and_then(|i| rows.get(i)),
            Some(DetailRow::Group { .. })
        );
        let from = line - usize::from(first_of_group);
        if from < self.top {
            self.top = from;
        } else if line >= self.top + height {
            self.top = line + 1 - height;
        }
    }

    fn scroll(&mut self, rows: &[DetailRow], down: bool) {
        if self.layout.height == 0 {
            return;
        }
        self.top = if down {
            (self.top + 1).min(self.max_top(rows))
        } else {
            self.top.saturating_sub(1)
        };
    }

    fn step_down(&mut self, rows: &[DetailRow]) {
        if self.place() == Ordering::Greater {
            return self.scroll(rows, true);
        }
        let selected = self.selected;
        match Self::entries(rows).find(|&i| i > selected) {
            Some(next) => {
                self.selected = next;
                self.show_selected(rows);
            }
            None => self.scroll(rows, true),
        }
    }

    fn step_up(&mut self, rows: &[DetailRow]) {
        let selected = self.selected;
        let previous = Self::entries(rows).rfind(|&i| i < selected);
        match previous {
            Some(previous) if self.place() == Ordering::Equal => {
                self.selected = previous;
                self.show_selected(rows);
            }
            _ => self.scroll(rows, false),
        }
    }

    /// Moves `delta` steps down (up when negative): each step reads one line on through the
    /// text, or selects the next action once the selection is on screen.
    pub fn move_by(&mut self, rows: &[DetailRow], delta: isize) {
        self.snap(rows);
        for _ in 0..delta.unsigned_abs() {
            if delta > 0 {
                self.step_down(rows);
            } else {
                self.step_up(rows);
            }
        }
    }

    /// To the first line of the text, the first action selected.
    pub fn first(&mut self, rows: &[DetailRow]) {
        self.selected = 0;
        self.snap(rows);
        self.top = 0;
    }

    /// To the end: the last action selected and on screen.
    pub fn last(&mut self, rows: &[DetailRow]) {
        self.selected = rows.len();
        self.snap(rows);
        self.top = if self.layout.height == 0 {
            0
        } else {
            self.max_top(rows)
        };
    }

    /// The selected action, if the selection is on one and on screen.
    pub fn selected_entry(&self, rows: &[DetailRow]) -> Option<ActionEntry> {
        if self.place() != Ordering::Equal {
            return None;
        }
        match rows.get(self.selected) {
            Some(DetailRow::Entry(e)) => Some(*e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::ActionData;
    use crate::app::symbols::Symbols;

    #[test]
    fn groups_by_type_and_value_with_reactions_first() {
        let mut s = Symbols::new();
        let kinds = ActionKinds::new(&mut s, Some("reaction"));
        let mut m = Message::new(Timetoken(1), None, &serde_json::json!("x"));
        let mut e = |tt: u64, kind: &str, value: &str, uuid: &str| {
            ActionEntry::confirmed(ActionData {
                action_tt: Timetoken(tt),
                kind: s.intern(kind),
                value: s.intern(value),
                uuid: s.intern(uuid),
            })
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
        assert!(matches!(rows[1], DetailRow::Entry(a) if a.action.action_tt == Timetoken(3)));
        assert!(matches!(rows[3], DetailRow::Group { count: 2, .. }));
        let mut view = DetailsView::new(Timetoken(1));
        view.move_by(&rows, 1);
        assert_eq!(view.selected, 2);
        view.move_by(&rows, 1);
        assert_eq!(view.selected, 4, "headings are skipped");
        view.move_by(&rows, 10);
        assert_eq!(view.selected, 5);
        assert_eq!(
            view.selected_entry(&rows).map(|a| a.action.action_tt),
            Some(Timetoken(5))
        );
        // A 60-line text over 10 rows: down reads through the text, then selects.
        let mut view = DetailsView::new(Timetoken(1));
        view.layout = DetailsLayout {
            text_lines: 60,
            height: 10,
        };
        view.move_by(&rows, 0);
        assert_eq!((view.top, view.selected), (0, 1));
        assert_eq!(
            view.selected_entry(&rows),
            None,
            "off screen: nothing to remove"
        );
        view.move_by(&rows, 53);
        assert_eq!(
            (view.top, view.selected),
            (53, 1),
            "the first action comes into view"
        );
        assert!(view.selected_entry(&rows).is_some());
        view.move_by(&rows, 1);
        assert_eq!((view.top, view.selected), (54, 2));
        view.move_by(&rows, 10);
        assert_eq!(
            (view.top, view.selected),
            (57, 5),
            "the end: 67 lines, 10 on screen"
        );
        view.move_by(&rows, -3);
        assert_eq!(view.selected, 1, "up selects back to the first action");
        view.move_by(&rows, -1);
        assert_eq!(
            (view.top, view.selected),
            (56, 1),
            "then reads back up the text"
        );
        view.first(&rows);
        assert_eq!((view.top, view.selected), (0, 1));
        view.last(&rows);
        assert_eq!((view.top, view.selected), (57, 5));
    }
}
