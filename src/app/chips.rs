//! Chips: a message's actions counted per value for display. Reactions (of any configured
//! reaction type) group by the emoji they show and count each user once (the same emoji under
//! `reaction` and `reactions` is one reaction), receipts fold into one "read by N", other types
//! show as `type:value ×n`. Edits, soft deletions and the thread marker are not chips: they
//! change how the message itself is shown ([`super::chat`]). Derived on demand from the
//! entries, never stored.

use super::chat::is_marker;
use super::symbols::{Sym, Symbols};
use super::timeline::{EntryState, Message};
use crate::moderation::REACTION_TYPES;

/// Action types read as reactions: ours (`reaction`), the Chat SDK's (`reactions`) and the
/// configured one.
#[derive(Debug, Clone)]
pub struct ActionKinds {
    pub reactions: Vec<Sym>,
    pub receipt: Sym,
    pub read_values: Vec<Sym>,
}

impl ActionKinds {
    pub fn new(symbols: &mut Symbols, configured_reaction_type: Option<&str>) -> Self {
        let mut reactions: Vec<Sym> = REACTION_TYPES.iter().map(|t| symbols.intern(t)).collect();
        if let Some(configured) = configured_reaction_type.map(|t| symbols.intern(t))
            && !reactions.contains(&configured)
        {
            reactions.push(configured);
        }
        Self {
            reactions,
            receipt: symbols.intern("receipt"),
            read_values: vec![symbols.intern("read"), symbols.intern("message_read")],
        }
    }

    pub fn is_reaction(&self, kind: Sym) -> bool {
        self.reactions.contains(&kind)
    }

    pub fn is_read_receipt(&self, kind: Sym, value: Sym) -> bool {
        kind == self.receipt && self.read_values.contains(&value)
    }
}

/// What a chip stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipKind {
    /// An emoji reaction; `value` is the first stored spelling seen.
    Reaction,
    /// "read by N" (distinct readers).
    Receipts,
    /// Any other type: `type:value ×n`.
    Other(Sym),
}

/// One chip under a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chip {
    pub kind: ChipKind,
    pub value: Sym,
    /// Settled and pending-add entries; pending removals are not counted.
    pub count: u32,
    /// The user has this action (settled or being added).
    pub mine: bool,
    /// One of the user's requests on this chip is in flight.
    pub pending: bool,
}

/// The chips of `message` for user `me`, reactions first (in order of first use), then
/// receipts, then other types.
pub fn chips(message: &Message, me: Sym, kinds: &ActionKinds, symbols: &Symbols) -> Vec<Chip> {
    let mut reactions: Vec<Chip> = Vec::new();
    let mut others: Vec<Chip> = Vec::new();
    let mut readers: Vec<Sym> = Vec::new();
    // Who counted on each reaction chip already (same index as `reactions`).
    let mut reactors: Vec<Vec<Sym>> = Vec::new();
    let mut receipt_pending = false;
    let mut read_by_me = false;
    for entry in &message.actions {
        let action = &entry.action;
        if is_marker(action) {
            continue;
        }
        let counted = !matches!(entry.state, EntryState::Removing(_));
        let pending = action.uuid == me && entry.state != EntryState::Confirmed;
        if kinds.is_read_receipt(action.kind, action.value) {
            if counted && !readers.contains(&action.uuid) {
                readers.push(action.uuid);
            }
            read_by_me |= counted && action.uuid == me;
            receipt_pending |= pending;
            continue;
        }
        let (list, kind) = if kinds.is_reaction(action.kind) {
            (&mut reactions, ChipKind::Reaction)
        } else {
            (&mut others, ChipKind::Other(action.kind))
        };
        let glyph = symbols.glyph(action.value);
        let existing = list.iter().position(|c| {
            c.kind == kind
                && (c.value == action.value
                    || (kind == ChipKind::Reaction && symbols.glyph(c.value) == glyph))
        });
        let at = existing.unwrap_or_else(|| {
            list.push(Chip {
                kind,
                value: action.value,
                count: 0,
                mine: false,
                pending: false,
            });
            if kind == ChipKind::Reaction {
                reactors.push(Vec::new());
            }
            list.len() - 1
        });
        let chip = &mut list[at];
        // A reaction counts each user once, whatever type and spelling they used.
        let first_of_user = kind != ChipKind::Reaction || {
            let users = &mut reactors[at];
            let first = !users.contains(&action.uuid);
            if first && counted {
                users.push(action.uuid);
            }
            first
        };
        if counted && first_of_user {
            chip.count += 1;
            chip.mine |= action.uuid == me;
        }
        chip.pending |= pending;
    }
    if !readers.is_empty() || receipt_pending {
        reactions.push(Chip {
            kind: ChipKind::Receipts,
            value: kinds.receipt,
            count: readers.len() as u32,
            mine: read_by_me,
            pending: receipt_pending,
        });
    }
    reactions.extend(others);
    reactions
}

/// The text of a chip: `👍 3`, `✓ read by 4`, `flag:follow-up ×2`.
pub fn chip_label(chip: &Chip, symbols: &Symbols) -> String {
    match chip.kind {
        ChipKind::Reaction => format!("{} {}", symbols.glyph(chip.value), chip.count),
        ChipKind::Receipts => format!("✓ read by {}", chip.count),
        ChipKind::Other(kind) => format!(
            "{}:{} ×{}",
            symbols.label(kind),
            symbols.label(chip.value),
            chip.count
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::ActionData;
    use crate::app::timeline::ActionEntry;
    use crate::pubnub::Timetoken;

    fn entry(s: &mut Symbols, tt: u64, kind: &str, value: &str, uuid: &str) -> ActionEntry {
        ActionEntry::confirmed(ActionData {
            action_tt: Timetoken(tt),
            kind: s.intern(kind),
            value: s.intern(value),
            uuid: s.intern(uuid),
        })
    }

    #[test]
    fn counts_group_spellings_and_summarise_receipts() {
        let mut s = Symbols::new();
        let kinds = ActionKinds::new(&mut s, Some("reaction"));
        let me = s.intern("me");
        let mut m = Message::new(Timetoken(1), None, &serde_json::json!("x"));
        m.actions = vec![
            entry(&mut s, 2, "reaction", "👍", "bob"),
            entry(&mut s, 3, "reactions", "thumbsup", "me"),
            entry(&mut s, 4, "reaction", "😂", "carol"),
            entry(&mut s, 5, "receipt", "read", "bob"),
            entry(&mut s, 6, "receipt", "read", "carol"),
            entry(&mut s, 7, "flag", "follow-up", "dave"),
            entry(&mut s, 8, "flag", "follow-up", "erin"),
        ];
        let labels: Vec<String> = chips(&m, me, &kinds, &s)
            .iter()
            .map(|c| chip_label(c, &s))
            .collect();
        assert_eq!(labels, ["👍 2", "😂 1", "✓ read by 2", "flag:follow-up ×2"]);
        let first = chips(&m, me, &kinds, &s)[0];
        assert!(first.mine && !first.pending);
    }

    #[test]
    fn one_users_emoji_under_both_types_counts_once_and_markers_are_no_chips() {
        let mut s = Symbols::new();
        let kinds = ActionKinds::new(&mut s, None);
        let me = s.intern("me");
        let mut m = Message::new(Timetoken(1), None, &serde_json::json!("x"));
        m.actions = vec![
            entry(&mut s, 2, "reaction", "👍", "bob"),
            entry(&mut s, 3, "reactions", "👍", "bob"),
            entry(&mut s, 4, "reactions", "👍", "me"),
            entry(&mut s, 5, "edited", "new text", "alice"),
            entry(&mut s, 6, "deleted", "deleted", "alice"),
            entry(
                &mut s,
                7,
                "threadRootId",
                "PUBNUB_INTERNAL_THREAD_x_1",
                "alice",
            ),
            entry(&mut s, 8, "pinned", "yes", "carol"),
        ];
        let labels: Vec<String> = chips(&m, me, &kinds, &s)
            .iter()
            .map(|c| chip_label(c, &s))
            .collect();
        assert_eq!(labels, ["👍 2", "pinned:yes ×1"]);
        // Bob's `reaction` being removed: his `reactions` one still counts him.
        m.actions[0].state = EntryState::Removing(1);
        assert_eq!(chips(&m, me, &kinds, &s)[0].count, 2);
    }

    #[test]
    fn pending_removal_is_not_counted_but_stays_visible_as_pending() {
        let mut s = Symbols::new();
        let kinds = ActionKinds::new(&mut s, Some("reaction"));
        let me = s.intern("me");
        let mut m = Message::new(Timetoken(1), None, &serde_json::json!("x"));
        let mut mine = entry(&mut s, 2, "reaction", "👍", "me");
        mine.state = EntryState::Removing(3);
        m.actions = vec![mine];
        let c = chips(&m, me, &kinds, &s);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].count, c[0].mine, c[0].pending), (0, false, true));
    }
}
