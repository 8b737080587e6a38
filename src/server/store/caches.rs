//! [`Caches`]: everything the store keeps in memory about what is stored (the answer cache
//! and the two kinds of per-channel views), created with the store, kept current by the
//! writer ([`Caches::committed`]) and read through the one read policy in [`super::read`];
//! and [`AnswerKey`], what a cached answer depends on besides its channel.
//! It must not decide what is read from where (that is [`super::read`]).

use crate::server::render::history::Include;
use crate::server::sqlite::Range;
use crate::server::views::{ActionView, Committed, HistoryView, ReadCache, Views};

/// What a cached answer depends on besides its sub key and channel: one variant per kind of
/// read, holding every parameter that changes its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerKey {
    /// A page of get-actions.
    Actions { range: Range, limit: u32 },
    /// A page of one channel's history, with its actions or not.
    History {
        with_actions: bool,
        range: Range,
        max: u32,
        include: Include,
    },
}

/// The answer cache and the views.
#[derive(Default)]
pub struct Caches {
    pub answers: ReadCache<AnswerKey>,
    pub actions: Views<ActionView>,
    pub history: Views<HistoryView>,
}

impl Caches {
    /// Drops everything (another process committed).
    pub fn clear(&self) {
        self.answers.clear();
        self.actions.clear();
        self.history.clear();
    }

    /// Learns of a commit, before anyone is told of it: the views first, then the answers, so
    /// that an answer rendered from a view that lacks the commit finds its ticket outdated.
    pub fn committed<'a>(
        &self,
        committed: &[Committed<'_>],
        channels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        self.actions.apply(committed);
        self.history.apply(committed);
        self.answers.invalidate(channels);
    }
}
