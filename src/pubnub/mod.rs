//! A client for the PubNub REST endpoints that message actions need: add, remove and list
//! actions, history with actions, publish, subscribe and time; what a chat browser reads besides
//! (App Context users for names, message counts for thread replies); and Access Manager v3
//! tokens: [`parse_token`], sending one ([`Config::set_token`], [`Client::set_token`]), and, for
//! the keyset's server, granting and revoking them ([`access`]). Usable on its own as a library
//! (the official Rust SDK has no message actions and no history).
//!
//! Every operation is a builder on [`Client`] ending in `.execute().await`, or
//! `.execute_blocking()` outside an async runtime. Every error is one [`Error`].
//!
//! ```no_run
//! use reactions::pubnub::{Client, Config, MessageAction, Result};
//!
//! # async fn demo() -> Result<()> {
//! let client = Client::new(Config::new("pub-key", "sub-key", "alice"))?;
//! let sent = client
//!     .publish()
//!     .channel("chats.room1")
//!     .message(serde_json::json!({"text": "hello"}))
//!     .execute()
//!     .await?;
//! let added = client
//!     .add_message_action()
//!     .channel("chats.room1")
//!     .message_action(MessageAction {
//!         action_type: "reaction".into(),
//!         value: "👍".into(),
//!         message_timetoken: sent,
//!     })
//!     .execute()
//!     .await?;
//! println!("added at {}", added.action.action_timetoken);
//!
//! // Every action of the channel, oldest first, following pages back in time.
//! let all = client.get_message_actions().channel("chats.room1").pager().collect_all().await?;
//! let history = client
//!     .fetch_messages()
//!     .channel("chats.room1")
//!     .include_actions(true)
//!     .execute()
//!     .await?;
//! println!("{} actions, {} messages", all.len(), history.messages.len());
//!
//! let mut live = client.subscribe().channel("chats.room1").execute()?;
//! while let Some(event) = live.next().await {
//!     println!("{event:?}");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Shared with the embedded server: [`wire`] (JSON shapes), [`sign`] (signatures) and
//! [`Timetoken`]. The `decode` functions of [`actions`], [`history`], [`publish`], [`subscribe`]
//! and [`time`] read an answer (status and body) exactly as the client does.

pub mod access;
pub mod actions;
pub(crate) mod answer;
pub mod chat;
mod client;
mod config;
pub mod error;
pub mod history;
pub mod message_counts;
pub mod objects;
mod pager;
pub mod publish;
pub mod sign;
pub mod subscribe;
pub mod time;
pub mod timetoken;
pub mod token;
pub mod types;
pub mod wire;

#[cfg(test)]
mod tests;

pub use access::{GrantToken, RevokeToken};
pub use actions::{
    ActionsPager, AddActionResult, AddMessageAction, GetMessageActions, RemoveActionResult,
    RemoveMessageAction,
};
pub use client::{Client, MAX_CHANNEL_CHARS, PNSDK, validate_channel};
pub use config::{Config, DEFAULT_ORIGIN};
pub use error::{Error, Result};
pub use history::{FetchMessages, HistoryPager};
pub use message_counts::{MessageCounts, MessageCountsRequest};
pub use objects::{
    GetAllUserMetadata, GetUserMetadata, SetUserMetadata, UserMetadata, UserNames, UsersPage,
    users_with_ids,
};
pub use pager::Pager;
pub use publish::Publish;
pub use subscribe::{
    RetryNow, Subscribe, SubscribeAnswer, Subscription, SubscriptionEvent, SubscriptionStatus,
};
pub use time::Time;
pub use timetoken::{ParseTimetokenError, Timetoken};
pub use token::{Grants, Permissions, Resource, Token, TokenError, parse_token};
pub use types::{
    ActionEventKind, ActionMap, ActionRef, ActionsPage, HistoryMessage, HistoryPage, LiveEvent,
    MessageAction, MoreBounds, StoredAction, message_text,
};
