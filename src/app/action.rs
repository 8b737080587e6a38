//! One message action as the app holds it: its timetoken and its interned type, value and
//! user. The Timeline, the Actions screen, the remove chooser, a moderator's confirmation and a
//! removal in flight all use this one shape, adding only what they need (a pending state, the
//! message it is on, a prompt). Imports nothing of the app but the symbols.

use super::symbols::{Sym, Symbols};
use crate::pubnub::{StoredAction, Timetoken};

/// One action, its strings interned (24 bytes: a million of them stay small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionData {
    /// The server's action timetoken; `Timetoken(0)` while our add is in flight.
    pub action_tt: Timetoken,
    /// The action's type (`reaction`, `receipt`, ...).
    pub kind: Sym,
    pub value: Sym,
    /// Who added it.
    pub uuid: Sym,
}

impl ActionData {
    /// The same user's same type and value (whatever the timetokens): our pending add and the
    /// server's copy of it.
    pub fn is_same_as(&self, other: &ActionData) -> bool {
        self.uuid == other.uuid && self.kind == other.kind && self.value == other.value
    }

    /// This action as on message `message_tt`.
    pub fn on(self, message_tt: Timetoken) -> ActionOnMessage {
        ActionOnMessage {
            message_tt,
            action: self,
        }
    }

    /// Interns a stored action's strings (its message is left out).
    pub fn from_stored(a: &StoredAction, symbols: &mut Symbols) -> Self {
        Self {
            action_tt: a.action_timetoken,
            kind: symbols.intern(&a.action_type),
            value: symbols.intern(&a.value),
            uuid: symbols.intern(&a.uuid),
        }
    }
}

/// An action and the message it is on: a row of the Actions screen, or what a removal is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionOnMessage {
    pub message_tt: Timetoken,
    pub action: ActionData,
}

impl ActionOnMessage {
    pub fn from_stored(a: &StoredAction, symbols: &mut Symbols) -> Self {
        ActionData::from_stored(a, symbols).on(a.message_timetoken)
    }

    /// The action as the service stores it (for the audit record).
    pub fn to_stored(&self, symbols: &Symbols) -> StoredAction {
        StoredAction {
            action_timetoken: self.action.action_tt,
            message_timetoken: self.message_tt,
            action_type: symbols.raw(self.action.kind).to_string(),
            uuid: symbols.raw(self.action.uuid).to_string(),
            value: symbols.raw(self.action.value).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_action_interns_and_comes_back_the_same() {
        let mut s = Symbols::new();
        let stored = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: "👍".into(),
        };
        let located = ActionOnMessage::from_stored(&stored, &mut s);
        assert_eq!(located.message_tt, Timetoken(10));
        assert_eq!(s.raw(located.action.uuid), "bob");
        assert_eq!(located.to_stored(&s), stored);
    }
}
