//! The endpoints, one file per endpoint family of the wire protocol: message actions,
//! history (with message counts and delete), publish (with signals), subscribe, presence,
//! App Context (`objects`, with its parameters and bodies), time and Access Manager's grant and
//! revoke. Each declares the Access Manager permission it needs (`NEEDS`, see [`touch`]). A
//! handler parses its input (path segments still percent-encoded, the query, the body already
//! read and inflated) with [`params`],
//! calls one method of the [`super::store::Store`], and answers with the bytes of a 200 or
//! with why not ([`Fail`]).
//!
//! Below the HTTP layer, above the store: a handler knows no status codes, headers or error
//! bodies (the HTTP layer turns a [`Fail`] into the family's shape), never touches SQLite, the
//! caches or the clock directly, and never renders more than its own 200 answer.

pub mod access;
pub mod actions;
mod add_body;
pub mod history;
mod object_body;
mod object_params;
pub mod objects;
mod outcome;
pub mod params;
pub mod presence;
pub mod publish;
pub mod subscribe;
pub mod time;
pub mod touch;

pub use outcome::{Fail, Handled};
