//! The Actions screen's data: the channel's message actions exactly as `get_message_actions`
//! pages them, shown newest first, with the selection and an optional filter (the moderation
//! filter syntax: `user:bob value:🍆 since:1h`, or words; see [`crate::moderation::filter`]).
//!
//! Rows are kept oldest first in a `VecDeque` (older pages prepend in O(page)); removed rows are
//! tombstoned rather than shifted (their action timetokens kept aside, so a row stays 32
//! bytes), and compacted once they are many. With a filter, the rows shown are walked through
//! the filter's matches ([`Matches`]), so that a filter few rows pass costs what it shows, not
//! what is loaded.

use std::collections::{HashSet, VecDeque};

use foldhash::fast::RandomState;

use super::action::ActionOnMessage;
use super::action_filter::Matches;
use super::load::Load;
use super::symbols::Symbols;
use crate::moderation::filter::{ActionFields, Clock, Filter, Scope};
use crate::pubnub::Timetoken;

/// How far the pages have come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pages {
    /// No page yet: none asked for (`Idle`, also after being forgotten for a reload), the first
    /// on its way, or it failed.
    First(Load),
    /// At least one page is in; where the next (older) one stands.
    Loaded(Load),
}

impl Default for Pages {
    fn default() -> Self {
        Pages::First(Load::Idle)
    }
}

/// Loaded rows, paging state, selection and filter of the Actions screen.
#[derive(Debug, Default)]
pub struct ActionsView {
    /// Every listed row, removed ones included until compacted.
    rows: VecDeque<ActionOnMessage>,
    /// Action timetokens of the removed rows still in `rows`.
    tombstones: HashSet<Timetoken, RandomState>,
    /// `start` for the next (older) page, when the server said there is more.
    pub next_start: Option<Timetoken>,
    pub pages: Pages,
    /// The selected row's action timetoken.
    pub selected: Option<Timetoken>,
    /// The filter as typed; empty shows everything.
    pub filter: String,
    /// The filter as read (the last text that read, when the current one does not).
    pub parsed: Filter,
    /// Why the filter as typed does not read.
    pub filter_error: Option<String>,
    /// The loaded rows the filter passes.
    matches: Matches,
    /// The filter is being typed.
    pub editing_filter: bool,
}

impl ActionsView {
    /// Rows not removed (loaded, before filtering).
    pub fn len(&self) -> usize {
        self.rows.len() - self.tombstones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first page has arrived (live rows are then listed too).
    pub fn is_loaded(&self) -> bool {
        matches!(self.pages, Pages::Loaded(_))
    }

    /// A page request is in flight.
    pub fn is_loading(&self) -> bool {
        matches!(&self.pages, Pages::First(l) | Pages::Loaded(l) if l.is_loading())
    }

    /// The first page could not be loaded (a reload or reconnect tries again).
    pub fn first_failed(&self) -> bool {
        matches!(&self.pages, Pages::First(l) if l.is_failed())
    }

    /// A page was asked for.
    pub fn start_loading(&mut self) {
        self.pages = match self.pages {
            Pages::First(_) => Pages::First(Load::Loading),
            Pages::Loaded(_) => Pages::Loaded(Load::Loading),
        };
    }

    /// A page could not be loaded.
    pub fn page_failed(&mut self, reason: String) {
        self.pages = match self.pages {
            Pages::First(_) => Pages::First(Load::Failed(reason)),
            Pages::Loaded(_) => Pages::Loaded(Load::Failed(reason)),
        };
    }

    /// Forgets every row (before a reload); the next page is a first page again.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.tombstones.clear();
        self.matches.clear();
        self.next_start = None;
        self.pages = Pages::First(Load::Idle);
    }

    fn position(&self, tt: Timetoken) -> Result<usize, usize> {
        self.rows.binary_search_by_key(&tt, |r| r.action.action_tt)
    }

    fn is_removed(&self, row: &ActionOnMessage) -> bool {
        !self.tombstones.is_empty() && self.tombstones.contains(&row.action.action_tt)
    }

    /// Merges a page (ascending), each new row matched against the filter once. Returns how
    /// many rows were new.
    pub fn merge_page(
        &mut self,
        page: Vec<ActionOnMessage>,
        more: Option<Timetoken>,
        symbols: &Symbols,
    ) -> usize {
        self.pages = Pages::Loaded(Load::Idle);
        self.next_start = more;
        let oldest = self.rows.front().map(|r| r.action.action_tt);
        let mut added = 0;
        if oldest.is_none_or(|o| page.last().is_some_and(|l| l.action.action_tt < o)) {
            for row in page.into_iter().rev() {
                self.note(&row, symbols);
                self.rows.push_front(row);
                added += 1;
            }
        } else {
            for row in page {
                added += usize::from(self.insert(row, symbols));
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
    pub fn insert(&mut self, row: ActionOnMessage, symbols: &Symbols) -> bool {
        self.note(&row, symbols);
        match self.position(row.action.action_tt) {
            Ok(i) if self.tombstones.remove(&row.action.action_tt) => {
                self.rows[i] = row;
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
    pub fn remove(&mut self, action_tt: Timetoken) -> bool {
        if self.get(action_tt).is_none() {
            return false;
        }
        if self.selected == Some(action_tt) {
            self.selected = self.step(action_tt, 1).or_else(|| self.step(action_tt, -1));
        }
        self.tombstones.insert(action_tt);
        if self.tombstones.len() > 1024 && self.tombstones.len() * 2 > self.rows.len() {
            let tombstones = std::mem::take(&mut self.tombstones);
            self.rows
                .retain(|r| !tombstones.contains(&r.action.action_tt));
        }
        true
    }

    pub fn get(&self, action_tt: Timetoken) -> Option<&ActionOnMessage> {
        self.position(action_tt)
            .ok()
            .map(|i| &self.rows[i])
            .filter(|r| !self.is_removed(r))
    }

    /// Reads the filter as typed, at `clock` (for `since:1h`), and matches it against every
    /// loaded row once; a mistake keeps the last filter that read and says why.
    pub fn set_filter(&mut self, text: String, clock: Clock, symbols: &Symbols) {
        match Filter::parse(&text, Scope::Actions, clock) {
            Ok(f) => {
                self.parsed = f;
                self.filter_error = None;
            }
            Err(e) => self.filter_error = Some(e),
        }
        self.filter = text;
        self.refilter(symbols);
    }

    /// Clears the filter.
    pub fn clear_filter(&mut self) {
        self.filter.clear();
        self.parsed = Filter::default();
        self.filter_error = None;
        self.matches.clear();
    }

    /// Whether a filter is in force.
    pub fn is_filtered(&self) -> bool {
        !self.parsed.is_empty()
    }

    /// Whether `row` is shown: not removed, and it passes the filter.
    pub fn matches(&self, row: &ActionOnMessage) -> bool {
        !self.is_removed(row) && (!self.is_filtered() || self.matches.has(row.action.action_tt))
    }

    /// Matches the filter again against every loaded row (it changed, or users' names
    /// arrived, so a row may now match by its user's name).
    pub fn refilter(&mut self, symbols: &Symbols) {
        self.matches.clear();
        if !self.is_filtered() {
            return;
        }
        let found: Vec<Timetoken> = self
            .rows
            .iter()
            .filter(|r| self.passes(r, symbols))
            .map(|r| r.action.action_tt)
            .collect();
        for tt in found {
            self.matches.insert(tt);
        }
    }

    /// Notes a row that came in (a page, a live action) when the filter passes it.
    fn note(&mut self, row: &ActionOnMessage, symbols: &Symbols) {
        if self.is_filtered() && self.passes(row, symbols) {
            self.matches.insert(row.action.action_tt);
        }
    }

    /// Whether the filter passes `row` (a bare word: user id or name, type or value contains
    /// it).
    fn passes(&self, row: &ActionOnMessage, symbols: &Symbols) -> bool {
        let a = &row.action;
        self.parsed.matches_action(&ActionFields {
            user: symbols.raw(a.uuid),
            user_name: symbols.name(a.uuid).unwrap_or_default(),
            action_type: symbols.raw(a.kind),
            value: symbols.raw(a.value),
            shown_value: symbols.glyph(a.value),
            message_tt: row.message_tt,
            action_tt: a.action_tt,
        })
    }

    /// The newest visible row strictly older than index `before` (exclusive).
    fn newest_visible(&self, before: usize) -> Option<Timetoken> {
        self.rows
            .range(..before.min(self.rows.len()))
            .rev()
            .find(|r| !self.is_removed(r))
            .map(|r| r.action.action_tt)
    }

    /// Visible rows in display order (newest first) starting at `from` (inclusive), filtered.
    pub fn display_from(
        &self,
        from: Option<Timetoken>,
    ) -> Box<dyn Iterator<Item = &ActionOnMessage> + '_> {
        if self.is_filtered() {
            return Box::new(
                self.matches
                    .newest_first(from)
                    .filter_map(|tt| self.get(tt)),
            );
        }
        let end = match from.map(|tt| self.position(tt)) {
            Some(Ok(i)) => i + 1,
            Some(Err(i)) => i,
            None => self.rows.len(),
        };
        Box::new(self.rows.range(..end).rev().filter(|r| !self.is_removed(r)))
    }

    /// Visible rows newer than `tt` (exclusive), nearest first.
    pub fn display_before(&self, tt: Timetoken) -> Box<dyn Iterator<Item = &ActionOnMessage> + '_> {
        if self.is_filtered() {
            return Box::new(self.matches.newer_than(tt).filter_map(|tt| self.get(tt)));
        }
        let start = match self.position(tt) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        Box::new(self.rows.range(start..).filter(|r| !self.is_removed(r)))
    }

    /// The visible row `n` steps from `tt` in display order (positive = older), clamped to
    /// the ends; `None` when nothing is visible.
    pub fn step(&self, tt: Timetoken, n: isize) -> Option<Timetoken> {
        if n >= 0 {
            let mut last = None;
            for (i, r) in self.display_from(Some(tt)).enumerate() {
                last = Some(r.action.action_tt);
                if i as isize == n {
                    break;
                }
            }
            last.or_else(|| self.display_before(tt).next().map(|r| r.action.action_tt))
        } else {
            let mut last = None;
            for (i, r) in self.display_before(tt).enumerate() {
                last = Some(r.action.action_tt);
                if i as isize + 1 == -n {
                    break;
                }
            }
            last.or_else(|| {
                self.display_from(Some(tt))
                    .next()
                    .map(|r| r.action.action_tt)
            })
        }
    }

    /// How many visible rows are older than the selection (to decide when to load more).
    pub fn visible_older_than(&self, tt: Timetoken, cap: usize) -> usize {
        self.display_from(Some(tt)).skip(1).take(cap).count()
    }

    /// Newest visible row.
    pub fn newest(&self) -> Option<Timetoken> {
        self.display_from(None).next().map(|r| r.action.action_tt)
    }

    /// Oldest visible row.
    pub fn oldest(&self) -> Option<Timetoken> {
        if self.is_filtered() {
            return self
                .matches
                .oldest_first()
                .find(|tt| self.get(*tt).is_some());
        }
        self.rows
            .iter()
            .find(|r| !self.is_removed(r))
            .map(|r| r.action.action_tt)
    }

    /// Oldest loaded action timetoken (the next page's `start` when `more` was not given).
    pub fn oldest_loaded(&self) -> Option<Timetoken> {
        self.rows.front().map(|r| r.action.action_tt)
    }

    /// Makes sure the selection is on a visible row after the filter changed.
    pub fn reselect(&mut self) {
        let visible = self
            .selected
            .and_then(|tt| self.get(tt))
            .is_some_and(|r| self.matches(r));
        if !visible {
            self.selected = match self.selected {
                Some(tt) => self.step(tt, 0),
                None => self.newest(),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::ActionData;

    fn row(s: &mut Symbols, tt: u64, uuid: &str, value: &str) -> ActionOnMessage {
        ActionOnMessage {
            message_tt: Timetoken(1),
            action: ActionData {
                action_tt: Timetoken(tt),
                kind: s.intern("reaction"),
                value: s.intern(value),
                uuid: s.intern(uuid),
            },
        }
    }

    fn shown(v: &ActionsView) -> Vec<u64> {
        v.display_from(None)
            .map(|r| r.action.action_tt.get())
            .collect()
    }

    #[test]
    fn pages_show_newest_first_and_older_pages_go_below() {
        let mut s = Symbols::new();
        let mut v = ActionsView::default();
        let page = vec![row(&mut s, 30, "a", "👍"), row(&mut s, 40, "b", "👍")];
        v.merge_page(page, Some(Timetoken(30)), &s);
        assert_eq!(v.selected, Some(Timetoken(40)));
        let older = vec![row(&mut s, 10, "a", "😂"), row(&mut s, 20, "c", "👍")];
        v.merge_page(older, None, &s);
        assert_eq!(shown(&v), [40, 30, 20, 10]);
        assert_eq!(v.next_start, None);
        let new = row(&mut s, 50, "d", "🎉");
        assert!(v.insert(new, &s));
        assert!(!v.insert(new, &s));
        assert_eq!(shown(&v)[0], 50);
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
        v.merge_page(page, None, &s);
        let clock = Clock {
            now: Timetoken(0),
            utc_offset_secs: 0,
        };
        v.set_filter("alice".into(), clock, &s);
        assert_eq!(shown(&v), [30, 10]);
        assert_eq!(v.step(Timetoken(30), 1), Some(Timetoken(10)));
        assert_eq!(v.step(Timetoken(10), -1), Some(Timetoken(30)));
        assert_eq!(
            v.step(Timetoken(10), 5),
            Some(Timetoken(10)),
            "clamped at the end"
        );
        v.set_filter("👍".into(), clock, &s);
        assert_eq!(shown(&v), [20, 10], "shortcode values match by their emoji");
        v.set_filter("user:bob value:👍".into(), clock, &s);
        assert_eq!(shown(&v), [20]);
        v.set_filter("user:bob colour:".into(), clock, &s);
        assert!(v.filter_error.is_some());
        assert_eq!(shown(&v), [20], "the last filter that read still applies");
    }

    #[test]
    fn removal_tombstones_and_moves_the_selection() {
        let mut s = Symbols::new();
        let mut v = ActionsView::default();
        let page = vec![row(&mut s, 10, "a", "👍"), row(&mut s, 20, "b", "👍")];
        v.merge_page(page, None, &s);
        assert_eq!(v.selected, Some(Timetoken(20)));
        assert!(v.remove(Timetoken(20)));
        assert_eq!(v.selected, Some(Timetoken(10)));
        assert_eq!(v.len(), 1);
        assert!(!v.remove(Timetoken(20)));
    }
}
