//! The store: everything the endpoints ask of storage, one typed method per query or write,
//! over SQLite (WAL, one writer, many readers).
//!
//! - reads: [`Store::actions_page`], [`Store::history_page`], each deciding through the one
//!   read policy ([`read`]) whether the answer comes from the answer cache, the channel's view
//!   or SQLite, and rendering it; reads run in place on a pooled connection ([`readers`]);
//! - writes: [`Store::publish`], [`Store::add_action`], [`Store::remove_action`] and the
//!   seeding API, all through the single writer thread and its group commit ([`writer`]),
//!   which keeps the caches ([`caches`]) and the live-event hub ([`hub`]) current before it
//!   answers;
//! - live events: [`Store::cursor`] and [`Store::poll`] for subscribe long polls ([`live`]);
//! - the one clock ([`clock`]), and noticing other processes' commits ([`changes`]);
//! - revoked Access Manager tokens: [`Store::revoke_token`], [`Store::is_revoked`]
//!   ([`revocations`]).
//!
//! Below the endpoints, above [`super::views`], [`super::render`] and [`super::sqlite`]: it
//! knows nothing of HTTP (no requests, statuses or error bodies), and answers in
//! [`StoreError`].

mod actions;
mod caches;
mod changes;
mod clock;
mod handle;
mod history;
mod hub;
mod live;
mod read;
mod readers;
mod revocations;
mod revoked;
mod write_ops;
mod writer;
mod writes;

#[cfg(test)]
mod testing;

pub use actions::ActionsQuery;
pub use handle::Store;
pub use history::HistoryQuery;
pub use live::Polled;
pub use write_ops::NewMessage;
pub use writes::{NewAction, Removal, channel_name_problem};

pub use crate::server::sqlite::StoreError;
