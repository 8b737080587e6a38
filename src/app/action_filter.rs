//! The Actions screen's filter and what it matches among the loaded rows, kept as rows come in
//! so that each row is looked at once: whether a text matches is decided once per interned
//! string (users, types and values are few) and a row only looks its three symbols up; a longer
//! filter (a typed character) narrows the matches already found instead of reading every row.

use std::collections::{BTreeSet, VecDeque};

use super::action::ActionOnMessage;
use super::symbols::{Sym, Symbols};
use crate::pubnub::Timetoken;

/// What one interned string does for the filter.
#[derive(Debug, Clone, Copy, Default)]
struct Hit {
    /// The stored string (or, for a user, the user's name) contains the filter.
    raw: bool,
    /// Its emoji (for a shortcode value) contains the filter.
    glyph: bool,
}

/// A lower-cased filter text and the action timetokens of the loaded rows it matches.
#[derive(Debug, Default)]
pub struct Filter {
    text: String,
    /// Per symbol, by [`Sym::index`]: whether it matches (for the symbols seen so far).
    hits: Vec<Hit>,
    /// Matching rows (removed ones may stay here; the view skips them).
    matched: BTreeSet<Timetoken>,
}

impl Filter {
    /// The filter text; empty shows everything.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Sets the text and finds its matches among `rows`: a text that contains the old one
    /// narrows the old matches; any other reads every row once (a symbol lookup each).
    pub fn set(&mut self, text: &str, symbols: &Symbols, rows: &VecDeque<ActionOnMessage>) {
        let text = text.to_lowercase();
        if text == self.text {
            return;
        }
        let narrows = !self.text.is_empty() && text.contains(&self.text);
        self.text = text;
        self.hits.clear();
        if self.text.is_empty() {
            self.matched.clear();
            return;
        }
        if narrows {
            self.hits = (0..symbols.len())
                .map(|i| hit(&self.text, symbols, Sym::at(i)))
                .collect();
            let hits = &self.hits;
            // Each kept row is found among `rows` (sorted by timetoken) to read its symbols.
            self.matched.retain(|tt| {
                rows.binary_search_by_key(tt, |r| r.action.action_tt)
                    .is_ok_and(|i| row_hits(hits, &rows[i]))
            });
        } else {
            self.matched.clear();
            for row in rows {
                self.add(row, symbols);
            }
        }
    }

    /// Finds the matches among `rows` again, every symbol looked at afresh (a user's name
    /// changed what it matches).
    pub fn rescan(&mut self, symbols: &Symbols, rows: &VecDeque<ActionOnMessage>) {
        if self.text.is_empty() {
            return;
        }
        self.hits.clear();
        self.matched.clear();
        for row in rows {
            self.add(row, symbols);
        }
    }

    /// Looks at a row that came in (a page, a live action); true when it matches.
    pub fn add(&mut self, row: &ActionOnMessage, symbols: &Symbols) -> bool {
        if self.text.is_empty() {
            return true;
        }
        while self.hits.len() < symbols.len() {
            let sym = Sym::at(self.hits.len());
            self.hits.push(hit(&self.text, symbols, sym));
        }
        let found = row_hits(&self.hits, row);
        if found {
            self.matched.insert(row.action.action_tt);
        }
        found
    }

    /// Whether the row of `tt` matches (always, with no filter).
    pub fn has(&self, tt: Timetoken) -> bool {
        self.text.is_empty() || self.matched.contains(&tt)
    }

    /// Matching timetokens up to `to` (inclusive; all with `None`), newest first.
    pub fn newest_first(&self, to: Option<Timetoken>) -> impl Iterator<Item = Timetoken> + '_ {
        let range = match to {
            Some(tt) => self.matched.range(..=tt),
            None => self.matched.range(..),
        };
        range.rev().copied()
    }

    /// Matching timetokens, oldest first.
    pub fn oldest_first(&self) -> impl Iterator<Item = Timetoken> + '_ {
        self.matched.iter().copied()
    }

    /// Matching timetokens newer than `tt` (exclusive), nearest first.
    pub fn newer_than(&self, tt: Timetoken) -> impl Iterator<Item = Timetoken> + '_ {
        self.matched
            .range((std::ops::Bound::Excluded(tt), std::ops::Bound::Unbounded))
            .copied()
    }

    /// Forgets the matches (every row went, before a reload); the text stays.
    pub fn clear_rows(&mut self) {
        self.matched.clear();
    }
}

fn hit(text: &str, symbols: &Symbols, sym: Sym) -> Hit {
    Hit {
        raw: symbols.raw(sym).to_lowercase().contains(text)
            || symbols
                .name(sym)
                .is_some_and(|n| n.to_lowercase().contains(text)),
        glyph: symbols.glyph(sym).to_lowercase().contains(text),
    }
}

/// Whether the row's user (id or name), type or value (or the value's emoji) matches.
fn row_hits(hits: &[Hit], row: &ActionOnMessage) -> bool {
    let get = |s: Sym| hits.get(s.index()).copied().unwrap_or_default();
    let a = &row.action;
    get(a.uuid).raw || get(a.kind).raw || get(a.value).raw || get(a.value).glyph
}
