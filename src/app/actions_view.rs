//! The Actions screen's data: the channel's message actions exactly as `get_message_actions`
//! pages them, shown newest first, with the selection and an optional filter.
//!
//! Rows are kept oldest first in a `VecDeque` (older pages prepend in O(page)); removed rows are
//! tombstoned rather than shifted, and compacted once they are many.

use std::collections::VecDeque;

use super::symbols::{Sym, Symbols};
use crate::pubnub::{StoredAction, Timetoken};

/// One listed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRow {
    pub action_tt: Timetoken,
    pub message_tt: Timetoken,
    pub kind: Sym,
    pub value: Sym,
    pub uuid: Sym,
    pub removed: bool,
}

impl ActionRow {
    pub fn from_stored(a: &StoredAction, symbols: &mut Symbols) -> Self {
        Self {
            action_tt: a.action_timetoken,
            message_tt: a.message_timetoken,
            kind: symbols.intern(&a.action_type),
            value: symbols.intern(&a.value),
            uuid: symbols.intern(&a.uuid),
            removed: false,
        }
    }
}

/// Loaded rows, paging state, selection and filter of the Actions screen.
#[derive(Debug, Default)]
pub struct ActionsView {
    rows: VecDeque<ActionRow>,
    tombstones: usize,
    /// `start` for the next (older) page, when the server said there is more.
    pub next_start: Option<Timetoken>,
    /// A page request is in flight.
    pub loading: bool,
    /// The first page has arrived.
    pub loaded: bool,
    /// The first page could not be loaded (a reload or reconnect tries again).
    pub failed: bool,
    /// The selected row's action timetoken.
    pub selected: Option<Timetoken>,
    /// Lower-cased filter text; empty shows everything.
    pub filter: String,
    /// The filter is being typed.
    pub editing_filter: bool,
}

impl ActionsView {
    /// Rows not removed (loaded, before filtering).
    pub fn len(&self) -> usize {
        self.rows.len() - self.tombstones
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets everything (before a reload).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.tombstones = 0;
        self.next_start = None;
        self.loaded = false;
    }

    fn position(&self, tt: Timetoken) -> Result<usize, usize> {
        self.rows.binary_search_by_key(&tt, |r| r.action_tt)
    }

    /// Merges a page (ascending). Returns how many rows were new.
    pub fn merge_page(&mut self, page: Vec<ActionRow>, more: Option<Timetoken>) -> usize {
        self.loaded = true;
        self.failed = false;
        self.next_start = more;
        let oldest = self.rows.front().map(|r| r.action_tt);
        let mut added = 0;
        if oldest.is_none_or(|o| page.last().is_some_and(|l| l.action_tt < o)) {
            for row in page.into_iter().rev() {
                self.rows.push_front(row);
                added += 1;
            }
        } else {
            for row in page {
                added += usize::from(self.insert(row));
            }
        }
        // After a reload the selected row may be gone: then the newest is selected.
        if self.selected.is_none_or(|tt| self.get(tt).is_none()) {
            self.selected = self.newest_visible(self.rows.len());
        }
        added
    }

    /// Inserts a live or confirmed action (or brings back one whose removal failed); false
    /// when it is already listed.
    pub fn insert(&mut self, row: ActionRow) -> bool {
        match self.position(row.action_tt) {
            Ok(i) if self.rows[i].removed => {
                self.rows[i] = ActionRow {
                    removed: false,
                    ..row
                };
                self.tombstones -= 1;
                true
            }
            Ok(_) => false,
            Err(i) => {
                if i == self.rows.len() {
                    self.rows.push_back(row);
                } else {
                    self.rows.insert(i, row);
                }
                true
            }
        }
    }

    /// Tombstones a removed action; the selection moves to a neighbour.
    pub fn remove(&mut self, action_tt: Timetoken, symbols: &Symbols) -> bool {
        let Ok(i) = self.position(action_tt) else {
            return false;
        };
        if self.rows[i].removed {
            return false;
        }
        if self.selected == Some(action_tt) {
            self.selected = self
                .step(action_tt, 1, symbols)
                .or_else(|| self.step(action_tt, -1, symbols));
        }
        self.rows[i].removed = true;
        self.tombstones += 1;
        if self.tombstones > 1024 && self.tombstones * 2 > self.rows.len() {
            self.rows.retain(|r| !r.removed);
            self.tombstones = 0;
        }
        true
    }

    pub fn get(&self, action_tt: Timetoken) -> Option<&ActionRow> {
        self.position(action_tt)
            .ok()
            .map(|i| &self.rows[i])
            .filter(|r| !r.removed)
    }

    /// Whether `row` passes the filter (user, type or value contains it).
    pub fn matches(&self, row: &ActionRow, symbols: &Symbols) -> bool {
        if row.removed {
            return false;
        }
        if self.filter.is_empty() {
            return true;
        }
        let has = |s: &str| s.to_lowercase().contains(&self.filter);
        has(symbols.raw(row.uuid))
            || has(symbols.raw(row.kind))
            || has(symbols.raw(row.value))
            || has(symbols.glyph(row.value))
    }

    /// The newest visible row strictly older than index `before` (exclusive).
    fn newest_visible(&self, before: usize) -> Option<Timetoken> {
        self.rows
            .range(..before.min(self.rows.len()))
            .rev()
            .find(|r| !r.removed)
            .map(|r| r.action_tt)
    }

    /// Visible rows in display order (newest first) starting at `from` (inclusive), filtered.
    pub fn display_from<'a>(
        &'a self,
        from: Option<Timetoken>,
        symbols: &'a Symbols,
    ) -> impl Iterator<Item = &'a ActionRow> + 'a {
        let end = match from.map(|tt| self.position(tt)) {
            Some(Ok(i)) => i + 1,
            Some(Err(i)) => i,
            None => self.rows.len(),
        };
        self.rows
            .range(..end)
            .rev()
            .filter(move |r| self.matches(r, symbols))
    }

    /// Visible rows newer than `tt` (exclusive), nearest first.
    pub fn display_before<'a>(
        &'a self,
        tt: Timetoken,
        symbols: &'a Symbols,
    ) -> impl Iterator<Item = &'a ActionRow> + 'a {
        let start = match self.position(tt) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        self.rows
            .range(start..)
            .filter(move |r| self.matches(r, symbols))
    }

    /// The visible row `n` steps from `tt` in display order (positive = older), clamped to
    /// the ends; `None` when nothing is visible.
    pub fn step(&self, tt: Timetoken, n: isize, symbols: &Symbols) -> Option<Timetoken> {
        if n >= 0 {
            let mut last = None;
            for (i, r) in self.display_from(Some(tt), symbols).enumerate() {
                last = Some(r.action_tt);
                if i as isize == n {
                    break;
                }
            }
            last.or_else(|| self.display_before(tt, symbols).next().map(|r| r.action_tt))
        } else {
            let mut last = None;
            for (i, r) in self.display_before(tt, symbols).enumerate() {
                last = Some(r.action_tt);
                if i as isize + 1 == -n {
                    break;
                }
            }
            last.or_else(|| {
                self.display_from(Some(tt), symbols)
                    .next()
                    .map(|r| r.action_tt)
            })
        }
    }

    /// How many visible rows are older than the selection (to decide when to load more).
    pub fn visible_older_than(&self, tt: Timetoken, symbols: &Symbols, cap: usize) -> usize {
        self.display_from(Some(tt), symbols)
            .skip(1)
            .take(cap)
            .count()
    }

    /// Newest visible row.
    pub fn newest(&self, symbols: &Symbols) -> Option<Timetoken> {
        self.display_from(None, symbols).next().map(|r| r.action_tt)
    }

    /// Oldest visible row.
    pub fn oldest(&self, symbols: &Symbols) -> Option<Timetoken> {
        self.rows
            .iter()
            .find(|r| self.matches(r, symbols))
            .map(|r| r.action_tt)
    }

    /// Oldest loaded action timetoken (the next page's `start` when `more` was not given).
    pub fn oldest_loaded(&self) -> Option<Timetoken> {
        self.rows.front().map(|r| r.action_tt)
    }

    /// Makes sure the selection is on a visible row after the filter changed.
    pub fn reselect(&mut self, symbols: &Symbols) {
        let visible = self
            .selected
            .and_then(|tt| self.get(tt))
            .is_some_and(|r| self.matches(r, symbols));
        if !visible {
            self.selected = match self.selected {
                Some(tt) => self.step(tt, 0, symbols),
                None => self.newest(symbols),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &mut Symbols, tt: u64, uuid: &str, value: &str) -> ActionRow {
        ActionRow {
            action_tt: Timetoken(tt),
            message_tt: Timetoken(1),
            kind: s.intern("reaction"),
            value: s.intern(value),
            uuid: s.intern(uuid),
            removed: false,
        }
    }

    fn shown(v: &ActionsView, s: &Symbols) -> Vec<u64> {
        v.display_from(None, s).map(|r| r.action_tt.get()).collect()
    }

    #[test]
    fn pages_show_newest_first_and_older_pages_go_below() {
        let mut s = Symbols::new();
        let mut v = ActionsView::default();
        let page = vec![row(&mut s, 30, "a", "👍"), row(&mut s, 40, "b", "👍")];
        v.merge_page(page, Some(Timetoken(30)));
        assert_eq!(v.selected, Some(Timetoken(40)));
        let older = vec![row(&mut s, 10, "a", "😂"), row(&mut s, 20, "c", "👍")];
        v.merge_page(older, None);
        assert_eq!(shown(&v, &s), [40, 30, 20, 10]);
        assert_eq!(v.next_start, None);
        assert!(v.insert(row(&mut s, 50, "d", "🎉")));
        assert!(!v.insert(row(&mut s, 50, "d", "🎉")));
        assert_eq!(shown(&v, &s)[0], 50);
    }

    #[test]
    fn filter_matches_user_type_or_value_and_steps_skip_hidden_rows() {
        let mut s = Symbols::new();
        let mut v = ActionsView::default();
        let page = vec![
            row(&mut s, 10, "alice", "👍"),
            row(&mut s, 20, "bob", "thumbsup"),
            row(&mut s, 30, "alice", "😂"),
        ];
        v.merge_page(page, None);
        v.filter = "alice".into();
        assert_eq!(shown(&v, &s), [30, 10]);
        assert_eq!(v.step(Timetoken(30), 1, &s), Some(Timetoken(10)));
        assert_eq!(v.step(Timetoken(10), -1, &s), Some(Timetoken(30)));
        assert_eq!(
            v.step(Timetoken(10), 5, &s),
            Some(Timetoken(10)),
            "clamped at the end"
        );
        v.filter = "👍".into();
        assert_eq!(
            shown(&v, &s),
            [20, 10],
            "shortcode values match by their emoji"
        );
    }

    #[test]
    fn removal_tombstones_and_moves_the_selection() {
        let mut s = Symbols::new();
        let mut v = ActionsView::default();
        let page = vec![row(&mut s, 10, "a", "👍"), row(&mut s, 20, "b", "👍")];
        v.merge_page(page, None);
        assert_eq!(v.selected, Some(Timetoken(20)));
        assert!(v.remove(Timetoken(20), &s));
        assert_eq!(v.selected, Some(Timetoken(10)));
        assert_eq!(v.len(), 1);
        assert!(!v.remove(Timetoken(20), &s));
    }
}
