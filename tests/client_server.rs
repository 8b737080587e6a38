//! The Rust client (`reactions::pubnub`) against the real embedded server over HTTP on loopback,
//! each test with its own server on a free port and a temporary SQLite file: every operation,
//! every error a user can get, paging, durability, signatures and subscriptions, asserted as a
//! library user sees them.

mod common;

#[path = "client_server/chat.rs"]
mod chat;
#[path = "client_server/durability.rs"]
mod durability;
#[path = "client_server/errors.rs"]
mod errors;
#[path = "client_server/operations.rs"]
mod operations;
#[path = "client_server/paging.rs"]
mod paging;
#[path = "client_server/signed.rs"]
mod signed;
#[path = "client_server/subscribe.rs"]
mod subscribe;
#[path = "client_server/support.rs"]
mod support;
#[path = "client_server/tokens.rs"]
mod tokens;
