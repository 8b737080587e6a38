//! The Actions filter's matches among the loaded rows, kept as rows come in so that each row
//! is matched once when it arrives and once when the filter changes, never again for a frame
//! or a page: the screen walks the matches, so a filter few rows pass costs what it shows, not
//! what is loaded. What matches is [`crate::moderation::filter::Filter`]'s business.

use std::collections::BTreeSet;

use crate::pubnub::Timetoken;

/// Action timetokens of the loaded rows the filter passes (removed ones may stay here; the
/// view skips them).
#[derive(Debug, Default)]
pub struct Matches {
    matched: BTreeSet<Timetoken>,
}

impl Matches {
    pub fn clear(&mut self) {
        self.matched.clear();
    }

    pub fn insert(&mut self, tt: Timetoken) {
        self.matched.insert(tt);
    }

    pub fn has(&self, tt: Timetoken) -> bool {
        self.matched.contains(&tt)
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
}
