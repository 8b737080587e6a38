//! The store: everything the endpoints ask of storage, one typed method per query or write,
//! over SQLite (WAL, one writer, many readers).
//!
//! - reads: [`Store::actions_page`], [`Store::history_page`] ([`Store::message_counts`] reads
//!   SQLite directly), each deciding through the one
//!   read policy ([`read`]) whether the answer comes from the answer cache, the channel's view
//!   or SQLite, and rendering it; reads run in place on a pooled connection ([`readers`]);
//! - writes: [`Store::publish`], [`Store::signal`], [`Store::add_action`],
//!   [`Store::remove_action`], [`Store::delete_history`] and the seeding API, all through the
//!   single writer thread and its group commit ([`writer`]),
//!   which keeps the caches ([`caches`]) and the live-event hub ([`hub`]) current before it
//!   answers;
//! - App Context: users, channels, memberships ([`objects`], written by [`object_ops`], lists
//!   cut by [`listing`]);
//! - live events: [`Store::cursor`] and [`Store::poll`] for subscribe long polls ([`live`]);
//! - presence: who is on which channel, in memory ([`occupancy`], answered by [`presence`]);
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
mod listing;
mod live;
mod object_ops;
mod objects;
mod occupancy;
mod outcome;
mod presence;
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
pub use listing::{Cut, PageRequest, SortKey, offset_of};
pub use live::Polled;
pub use objects::{
    MembershipList, MembershipPatch, ObjectList, ObjectPatch, ObjectQuery, SetMemberships,
    SetObject,
};
pub use presence::{Heartbeat, HereNow};
pub use write_ops::NewMessage;
pub use writes::{NewAction, Removal, channel_name_problem};

pub use crate::server::sqlite::StoreError;
