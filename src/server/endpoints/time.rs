//! `GET /time/0`: the current timetoken as a bare number, `[15643405135132358]`.
//! It must not take a timetoken: it only reads the clock.

use super::Handled;
use crate::server::store::Store;

/// Answers with the clock's current reading (taking no timetoken).
pub fn time(store: &Store) -> Handled {
    Ok(format!("[{}]", store.now()).into())
}
