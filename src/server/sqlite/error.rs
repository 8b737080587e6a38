//! [`StoreError`]: every way a storage operation can fail, from a refused write (a duplicate,
//! nothing to delete, another author's action) to SQLite failing or the store being closed.
//! Which answer each becomes is the HTTP layer's business, not this module's.

/// What a storage operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The same message timetoken, or the same action, is already stored.
    #[error("already stored")]
    Conflict,
    /// No action matches the channel, message timetoken and action timetoken.
    #[error("no matching message action")]
    NothingToDelete,
    /// The action exists but belongs to another uuid.
    #[error("the action belongs to another uuid")]
    WrongUuid,
    /// What was asked for is not stored (an App Context user or channel).
    #[error("not found")]
    NotFound,
    /// `If-Match` named another version than the stored one.
    #[error("changed since it was read")]
    Modified,
    /// Input that cannot be stored (a channel name that breaks the rules, a huge timetoken).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// SQLite failed.
    #[error("database error: {0}")]
    Database(String),
    /// The store was shut down.
    #[error("the store is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}
