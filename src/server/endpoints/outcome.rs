//! What a handler returns: the body of its 200 answer, or why it did not succeed.
//! It must not know how a failure is shown: the HTTP layer answers it in the family's shape.

use axum::body::Bytes;

use super::access::{AccessFail, Source};
use super::params::InputError;
use crate::server::store::StoreError;

/// Why a handler did not succeed; the HTTP layer answers it in the endpoint family's shape.
#[derive(Debug)]
pub enum Fail {
    /// One input was wrong: 400.
    Input(InputError),
    /// Storage refused or failed.
    Store(StoreError),
    /// Access Manager refused a grant or a revoke: 400 with the service's details.
    Access(Source, AccessFail),
}

impl From<InputError> for Fail {
    fn from(e: InputError) -> Self {
        Fail::Input(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

/// What a handler returns: the body of a 200 answer, or why not.
pub type Handled = Result<Bytes, Fail>;
