//! What the store keeps in memory about what is stored, kept current by the writer thread
//! after each commit and before anyone is answered: per-channel views of the actions
//! ([`ActionView`]) and of messages with their actions ([`HistoryView`]), held in rendered
//! form so a page is a range walk and a copy of bytes; the registry that builds, updates and
//! bounds them ([`Views`]); and the answer cache ([`ReadCache`]).
//!
//! Below the store, above [`super::sqlite`] and [`super::render`]: it builds views from SQLite
//! and renders their fragments, but never decides which read is served from where (that is
//! the store's policy), never writes, and never sees HTTP.

mod actions;
mod answers;
mod change;
mod history;
mod registry;

pub use actions::ActionView;
pub use answers::ReadCache;
pub use change::{Committed, ViewData};
pub use history::HistoryView;
#[cfg(test)]
pub(crate) use registry::tests::{Rng, action as test_action};
pub use registry::{Lookup, Views};
