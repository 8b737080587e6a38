//! `GET /time/0`: the current timetoken as a bare number, `[15643405135132358]`.

use super::App;
use super::errors::Reply;

/// Answers with the clock's current reading (taking no timetoken).
pub fn time(app: &App) -> Reply {
    Reply::ok(format!("[{}]", app.store.now()))
}
