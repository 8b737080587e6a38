//! reactions: browse a chat channel's messages and their message actions (emoji reactions, read
//! receipts, custom metadata) from the terminal, against PubNub or an embedded server that speaks
//! the same wire protocol.
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod embedded;
pub mod live;
pub mod moderation;
pub mod pubnub;
pub mod server;
pub mod synthetic;
pub mod text;
pub mod tui;
pub mod ui;
pub mod worker;
