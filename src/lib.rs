//! reactions: browse a chat channel's messages and their message actions.
pub mod pubnub;
pub mod server;
