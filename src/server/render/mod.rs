//! The bottom layer, beside [`super::sqlite`]: the wire JSON of every answer the server
//! renders itself, exactly as the service writes it (`reference/pubnub-wire-protocol.md`).
//! Pure functions from rows (borrowed bytes, as read) to bytes; stored payloads, already
//! compact JSON, are copied in as they are.
//!
//! Used by every layer above: the views keep rendered fragments, the store renders pages and
//! live events, the endpoints render what they answer at once. It imports only the row types
//! of [`super::sqlite`]; it must not read, write, cache or decide anything.

pub mod actions;
pub mod history;
pub mod json;
mod more;
pub mod objects;
pub mod presence;
pub mod subscribe;
