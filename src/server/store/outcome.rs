//! What one write in a batch came to: done ([`WriteDone`]), refused on its own, or failed with
//! SQLite so that the whole batch rolls back ([`Outcome`]). Shared by the writes of messages
//! and actions ([`super::write_ops`]) and of App Context ([`super::object_ops`]).
//! Plain data: it must not apply anything.

use crate::pubnub::{StoredAction, Timetoken};
use crate::server::sqlite::{ObjectRow, StoreError};

/// The result of a successful write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteDone {
    Published(Timetoken),
    Added(StoredAction),
    Removed,
    Inserted,
    /// An Access Manager token revoked.
    Revoked,
    /// A user or channel as stored after a PATCH.
    Object(ObjectRow),
}

/// Why a write did not happen.
pub enum Outcome {
    /// This op is refused; the batch goes on.
    Refused(StoreError),
    /// SQLite failed; the whole batch is rolled back.
    Failed(rusqlite::Error),
}

impl From<rusqlite::Error> for Outcome {
    fn from(e: rusqlite::Error) -> Self {
        Outcome::Failed(e)
    }
}

/// Refuses one write.
pub fn refused<T>(e: StoreError) -> Result<T, Outcome> {
    Err(Outcome::Refused(e))
}
