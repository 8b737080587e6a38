//! The embedded server over real HTTP on loopback, as a client sees it: exact statuses, bodies
//! and headers for every endpoint and every error of `reference/pubnub-wire-protocol.md`.

mod common;

#[path = "server_wire/access.rs"]
mod access;
#[path = "server_wire/access_chat.rs"]
mod access_chat;
#[path = "server_wire/actions.rs"]
mod actions;
#[path = "server_wire/basics.rs"]
mod basics;
#[path = "server_wire/chat_services.rs"]
mod chat_services;
#[path = "server_wire/history.rs"]
mod history;
#[path = "server_wire/lifecycle.rs"]
mod lifecycle;
#[path = "server_wire/objects.rs"]
mod objects;
#[path = "server_wire/publish.rs"]
mod publish;
#[path = "server_wire/signatures.rs"]
mod signatures;
#[path = "server_wire/signing.rs"]
mod signing;
#[path = "server_wire/subscribe.rs"]
mod subscribe;
