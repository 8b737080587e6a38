//! A page of get-actions ([`Store::actions_page`]): the newest `limit` actions of a channel
//! older than `start` and not older than `end`, ascending, with `more` when older ones remain.
//! Served through the read policy ([`super::read`]) from the answer cache, the channel's
//! [`ActionView`], or SQLite. It knows nothing of HTTP: it answers bytes or a [`StoreError`].

use axum::body::Bytes;
use rusqlite::Connection;

use super::caches::{AnswerKey, Caches};
use super::handle::Store;
use super::read::CachedRead;
use crate::server::render;
use crate::server::render::json::Pieces;
use crate::server::sqlite::{self, Range, Slice, StoreError};
use crate::server::views::{ActionView, Views};

/// Which page of get-actions to read.
#[derive(Debug, Clone)]
pub struct ActionsQuery {
    pub sub_key: String,
    pub channel: String,
    pub range: Range,
    /// At least 1.
    pub limit: u32,
}

impl Store {
    /// The answer to a get-actions request.
    pub fn actions_page(&self, q: &ActionsQuery) -> Result<Bytes, StoreError> {
        self.answer(q)
    }
}

impl ActionsQuery {
    /// Rows to read: one more than the page, to know whether older ones remain.
    fn wanted(&self) -> u32 {
        self.limit.saturating_add(1)
    }

    fn render(&self, rows: &[(u64, &[u8])]) -> Vec<u8> {
        render::actions::page(&self.sub_key, &self.channel, self.range, self.limit, rows)
    }
}

impl CachedRead for ActionsQuery {
    type View = ActionView;

    fn channel(&self) -> Option<(&str, &str)> {
        Some((&self.sub_key, &self.channel))
    }

    fn key(&self) -> AnswerKey {
        AnswerKey::Actions {
            range: self.range,
            limit: self.limit,
        }
    }

    fn views<'c>(&self, caches: &'c Caches) -> Option<&'c Views<ActionView>> {
        Some(&caches.actions)
    }

    fn render_view(&self, view: &ActionView) -> Vec<u8> {
        let rows: Vec<_> = view.newest(self.range, self.wanted() as usize).collect();
        self.render(&rows)
    }

    fn render_sqlite(&self, conn: &Connection) -> Result<Vec<u8>, StoreError> {
        let wanted = self.wanted();
        let mut pieces = Pieces::with_capacity(wanted as usize, 160);
        let page = Slice::newest(&self.sub_key, &self.channel, self.range, wanted);
        sqlite::visit_newest_actions(conn, page, |a| {
            pieces.begin(a.action_tt);
            render::actions::push_action(pieces.buf(), a);
            pieces.end();
        })?;
        let rows: Vec<_> = (0..pieces.len()).filter_map(|i| pieces.get(i)).collect();
        Ok(self.render(&rows))
    }
}

#[cfg(test)]
#[path = "actions_tests.rs"]
mod tests;
