//! reactions: browse a chat channel's messages and their message actions (emoji reactions, read
//! receipts, custom metadata) from the terminal, against PubNub or an embedded server that speaks
//! the same wire protocol.
//!
//! With `default-features = false` the crate is the client library [`pubnub`] alone; the
//! `server` feature adds the embedded server and `app` (the default) everything the binary needs.
#[cfg(feature = "app")]
pub mod app;
#[cfg(feature = "app")]
pub mod cli;
#[cfg(feature = "app")]
pub mod config;
#[cfg(feature = "app")]
pub mod demo;
#[cfg(feature = "app")]
pub mod embedded;
#[cfg(feature = "app")]
pub mod live;
#[cfg(feature = "app")]
pub mod moderation;
pub mod pubnub;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "app")]
pub mod synth;
#[cfg(feature = "app")]
pub mod synthetic;
#[cfg(feature = "app")]
pub mod text;
#[cfg(feature = "app")]
pub mod tui;
#[cfg(feature = "app")]
pub mod ui;
#[cfg(feature = "app")]
pub mod worker;
