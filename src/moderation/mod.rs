//! The moderation vocabulary and toolkit shared by the terminal UI, the API worker and the CLI:
//! which action types are reactions, how an action is named to people, the question asked before
//! removing someone else's action or restoring a message someone else deleted, what the
//! credentials allow with Access Manager ([`access`]);
//! the audit record every moderator operation leaves ([`audit`]), the moderation log channel it
//! is written to first ([`log`]) and the trail read back from it ([`trail`], [`export`]); the
//! filter syntax ([`filter`]), bulk runs ([`run`]) and raid statistics ([`stats`]); and the
//! recorded operations against the service ([`execute`]).
//!
//! Everything but [`log`] and [`execute`] is pure. It imports only [`crate::text`] and the
//! client, never the UI or the CLI.

mod access;
pub mod audit;
pub mod execute;
pub mod export;
pub mod filter;
pub mod log;
pub mod run;
pub mod stats;
pub mod trail;

pub use access::{ChannelAccess, token_permissions};
pub use audit::{AuditRecord, Operation, append_local};
pub use filter::{Clock, Filter, Scope};
pub use log::{AuditLog, LOG_CHANNEL, LogError};
pub use trail::{Status, Trail};

use crate::text::{emoji, flags_as_text, single_line};

/// Action types read as reactions besides the configured one: ours and the Chat SDK's.
pub const REACTION_TYPES: [&str; 2] = ["reaction", "reactions"];

/// Whether `action_type` is read as a reaction when `configured` is the configured type.
pub fn is_reaction_type(action_type: &str, configured: &str) -> bool {
    REACTION_TYPES.contains(&action_type) || action_type == configured
}

/// How much of a message a removal prompt quotes, in terminal cells.
pub const PROMPT_EXCERPT_CHARS: usize = 40;

/// The question asked before removing another user's action: `Remove bob's 👍 from
/// 'lunch at noon?'? [y/N]`, where `yes` names the key that answers yes (`y` on the CLI, the
/// bound key in the UI). `owner` and `excerpt` must be safe to show already.
pub fn removal_prompt(owner: &str, what: &str, excerpt: &str, yes: &str) -> String {
    format!("Remove {owner}'s {what} from '{excerpt}'? [{yes}/N]")
}

/// The question asked before restoring a message other users soft-deleted: `Restore
/// 'lunch at noon?' (deleted by bob)? [y/N]`. `deleters` and `excerpt` must be safe to show.
pub fn restore_prompt(deleters: &str, excerpt: &str, yes: &str) -> String {
    format!("Restore '{excerpt}' (deleted by {deleters})? [{yes}/N]")
}

/// How an action is named to people, safe to show: `👍` for reactions, a value stored as a
/// shortcode name as its emoji and that name (`❌ (x)`: a moderator removes exactly that),
/// `receipt:read` for other types; flags as text.
pub fn describe_action(is_reaction: bool, action_type: &str, value: &str) -> String {
    if is_reaction {
        let shown = emoji::shown(value);
        match emoji::named(value) {
            // A name is letters, digits, `_`, `-` and `+`: safe as is.
            Some(_) => format!("{shown} ({value})"),
            None => shown,
        }
    } else {
        let text = format!("{}:{}", single_line(action_type), single_line(value));
        flags_as_text(&text).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_are_named_by_their_emoji_and_others_by_type_and_value() {
        assert_eq!(describe_action(true, "reaction", "👍"), "👍");
        assert!(describe_action(true, "reaction", "thumbsup").ends_with("(thumbsup)"));
        assert_eq!(describe_action(false, "receipt", "read"), "receipt:read");
        assert_eq!(
            describe_action(false, "custom\u{1b}[2J", "x\ny"),
            "custom:x y",
            "control sequences never reach the terminal"
        );
    }

    #[test]
    fn both_reaction_vocabularies_and_the_configured_type_are_reactions() {
        assert!(is_reaction_type("reaction", "reaction"));
        assert!(is_reaction_type("reactions", "reaction"));
        assert!(is_reaction_type("emoji", "emoji"));
        assert!(!is_reaction_type("receipt", "reaction"));
    }
}
