//! A client for the PubNub REST endpoints that message actions need: add, remove and list
//! actions, history with actions, publish, subscribe and time. Usable on its own as a library
//! (the official Rust SDK has no message actions and no history).
//!
//! Shared with the embedded server: [`wire`] (JSON shapes), [`sign`] (signatures) and
//! [`Timetoken`].

pub mod error;
pub mod sign;
pub mod timetoken;
pub mod types;
pub mod wire;

pub use error::{Error, Result};
pub use timetoken::{ParseTimetokenError, Timetoken};
pub use types::{
    ActionEventKind, ActionMap, ActionRef, ActionsPage, HistoryMessage, HistoryPage, LiveEvent,
    MessageAction, MoreBounds, StoredAction, message_text,
};
