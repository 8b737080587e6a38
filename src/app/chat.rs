//! What the chat vocabularies say about a message, summarised from its own actions: its newest
//! edit (`edited` from the Chat SDK, `updated` from the UI kits and the moderation dashboard; the
//! greatest action timetoken wins, as both families read it), whether it is soft-deleted
//! (`deleted` with value `deleted` or `.`) and by whom, and its thread (`threadRootId`, whose
//! value is the thread's channel); which reaction type a channel's data uses; and (from the
//! client) the channel names the Chat SDK derives from a channel (threads, reports).
//!
//! A message keeps its [`ChatState`] and recomputes it whenever its actions change, so drawing
//! and listing never scan actions for it. Imports only the app's action shapes and symbols.

use super::action::ActionData;
use super::symbols::Sym;

pub use crate::pubnub::chat::{moderation_channel, thread_channel, thread_root};
/// The action type a moderator's resolution of a report is stored as, on the report message;
/// the value says what was done. Not a Chat SDK type: ours, read by every moderator running
/// this browser.
pub const RESOLVED_TYPE: &str = "resolved";

/// The chat state of one message, derived from its actions (pending removals not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChatState {
    /// Value (the new text) of the newest edit.
    pub edit: Option<Sym>,
    /// Who soft-deleted the message first.
    pub deleted_by: Option<Sym>,
    /// The thread's channel.
    pub thread: Option<Sym>,
}

impl ChatState {
    /// Summarises a message's counted actions (not those being removed), ordered by action
    /// timetoken with pending adds last.
    pub fn of<'a>(actions: impl IntoIterator<Item = &'a ActionData>) -> Self {
        let mut state = ChatState::default();
        for a in actions {
            if is_edit(a.kind) {
                state.edit = Some(a.value);
            } else if is_deletion(a.kind, a.value) {
                state.deleted_by.get_or_insert(a.uuid);
            } else if a.kind == Sym::THREAD_ROOT {
                state.thread = Some(a.value);
            }
        }
        state
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_by.is_some()
    }
}

/// An edit: `edited` (Chat SDK) or `updated` (UI kits, moderation dashboard).
pub fn is_edit(kind: Sym) -> bool {
    kind == Sym::EDITED || kind == Sym::UPDATED
}

/// A soft deletion: type `deleted` with value `deleted` (Chat SDK) or `.` (legacy).
pub fn is_deletion(kind: Sym, value: Sym) -> bool {
    kind == Sym::DELETED && (value == Sym::DELETED || value == Sym::DOT)
}

/// Actions that change how the message itself is shown (edits, deletions, the thread marker)
/// rather than being shown as chips under it.
pub fn is_marker(action: &ActionData) -> bool {
    is_edit(action.kind)
        || is_deletion(action.kind, action.value)
        || action.kind == Sym::THREAD_ROOT
}

/// Which reaction type a channel's data uses, counted from the actions seen in it: the type
/// more of its reactions have; with none (or as many of each), the Chat SDK's `reactions` when
/// its other words (`edited`, `threadRootId`, `deleted`/`deleted`) are there, else `reaction`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReactionUse {
    /// Reactions seen of type `reaction`.
    pub reaction: u32,
    /// Reactions seen of type `reactions`.
    pub reactions: u32,
    /// The Chat SDK's other words were seen (or the channel is one of its threads).
    pub chat_sdk: bool,
}

impl ReactionUse {
    /// Counts one action seen in the channel.
    pub fn saw(&mut self, action: &ActionData) {
        match action.kind {
            k if k == Sym::REACTION => self.reaction = self.reaction.saturating_add(1),
            k if k == Sym::REACTIONS => self.reactions = self.reactions.saturating_add(1),
            k if k == Sym::EDITED || k == Sym::THREAD_ROOT => self.chat_sdk = true,
            k if k == Sym::DELETED && action.value == Sym::DELETED => self.chat_sdk = true,
            _ => {}
        }
    }

    /// The type to write reactions with.
    pub fn reaction_type(&self) -> &'static str {
        match self.reaction.cmp(&self.reactions) {
            std::cmp::Ordering::Less => "reactions",
            std::cmp::Ordering::Greater => "reaction",
            std::cmp::Ordering::Equal if self.chat_sdk => "reactions",
            std::cmp::Ordering::Equal => "reaction",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::symbols::Symbols;
    use crate::pubnub::Timetoken;

    fn entry(s: &mut Symbols, tt: u64, kind: &str, value: &str, uuid: &str) -> ActionData {
        ActionData {
            action_tt: Timetoken(tt),
            kind: s.intern(kind),
            value: s.intern(value),
            uuid: s.intern(uuid),
        }
    }

    #[test]
    fn the_newest_edit_of_either_vocabulary_wins_and_deletions_take_either_value() {
        let mut s = Symbols::new();
        let actions = vec![
            entry(&mut s, 2, "edited", "second", "alice"),
            entry(&mut s, 3, "updated", "third", "bob"),
            entry(&mut s, 4, "deleted", ".", "carol"),
            entry(&mut s, 5, "deleted", "deleted", "dave"),
            entry(
                &mut s,
                6,
                "threadRootId",
                "PUBNUB_INTERNAL_THREAD_ch_1",
                "alice",
            ),
            entry(&mut s, 7, "deleted", "maybe", "erin"),
        ];
        let state = ChatState::of(&actions);
        assert_eq!(state.edit.map(|e| s.raw(e)), Some("third"));
        assert_eq!(state.deleted_by.map(|u| s.raw(u)), Some("carol"));
        assert_eq!(
            state.thread.map(|t| s.raw(t)),
            Some("PUBNUB_INTERNAL_THREAD_ch_1")
        );
        assert!(!is_marker(&actions[5]), "another value is a label");
        assert!(is_marker(&actions[3]) && is_marker(&actions[4]));
    }

    #[test]
    fn reactions_follow_the_type_the_channel_uses_most() {
        let mut s = Symbols::new();
        let mut seen = ReactionUse::default();
        assert_eq!(
            seen.reaction_type(),
            "reaction",
            "nothing seen: the UI kits' type"
        );
        seen.saw(&entry(&mut s, 1, "edited", "x", "a"));
        assert_eq!(
            seen.reaction_type(),
            "reactions",
            "Chat SDK data without reactions"
        );
        seen.saw(&entry(&mut s, 2, "reaction", "👍", "a"));
        assert_eq!(seen.reaction_type(), "reaction");
        seen.saw(&entry(&mut s, 3, "reactions", "👍", "b"));
        seen.saw(&entry(&mut s, 4, "reactions", "❤️", "b"));
        assert_eq!(seen.reaction_type(), "reactions");
    }
}
