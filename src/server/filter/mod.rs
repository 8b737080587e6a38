//! The App Context filter language: the `filter` query parameter of the list calls of
//! `/v2/objects/...` (users, channels, memberships, members), parsed into an [`Expr`] and
//! evaluated against one record at a time through [`Record`].
//!
//! The grammar, as PubNub documents it (docs `general/metadata/filtering`, "App Context
//! Filtering Language") and as the Chat SDK writes it (kmp-chat `UserImpl`, `BaseChannel`,
//! `ChatImpl`):
//!
//! ```text
//! expression := and ( "||" and )*
//! and        := unary ( "&&" unary )*
//! unary      := "!" unary | "(" expression ")" | condition
//! condition  := path operator literal
//! path       := name ( "." name | "[" string "]" )*
//! operator   := "==" | "!=" | "<" | ">" | "<=" | ">=" | "LIKE"
//! literal    := string | number | "true" | "false" | "null"
//! string     := '...' or "..." with backslash escapes (\' \" \\)
//! ```
//!
//! `LIKE` matches `*` as any run of characters (`\*` is a literal asterisk) and ignores case:
//! js-chat's test "Should apply filter to 'getMemberships'" finds channels named
//! "Hello Channel 1" with `channel.name LIKE 'hello*'` against the real service. The other
//! comparisons are exact. A missing field is `null`.
//!
//! Pure and at the bottom of the server: it imports nothing else of the server and knows
//! nothing of users, channels or HTTP; the store says what a path means for a record.

mod eval;
mod lex;
mod parse;

pub use eval::{Record, Value};
pub use parse::{Expr, parse};

/// Why a filter expression was refused: what is wrong and where (a character offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub at: usize,
}

impl FilterError {
    fn new(message: impl Into<String>, at: usize) -> Self {
        FilterError {
            message: message.into(),
            at,
        }
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at position {}", self.message, self.at)
    }
}

#[cfg(test)]
mod tests;
