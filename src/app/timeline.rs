//! The loaded messages of the channel, oldest first, each with its actions, and the chips
//! derived from them. Pages, live events and our own optimistic changes all merge here by
//! action timetoken, so counts never drift.
//!
//! Messages live in a `VecDeque` sorted by timetoken: prepending an older page is O(page), a
//! lookup is a binary search, and nothing refers to messages by position.

use std::collections::VecDeque;

use super::action::ActionData;
use super::chat::{ChatState, is_marker};
use super::symbols::{Sym, Symbols};
use crate::pubnub::{HistoryMessage, StoredAction, Timetoken, message_text};
use crate::text::{flags_as_text, sanitize};

/// Identifies one of our own requests in flight.
pub type OpId = u32;

/// Whether an action is settled or waiting for our own request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    Confirmed,
    /// Shown optimistically; the add request `OpId` is in flight.
    Adding(OpId),
    /// Hidden from counts; the remove request `OpId` is in flight.
    Removing(OpId),
}

/// One action on a message (the message is the one holding it) and whether it is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionEntry {
    pub action: ActionData,
    pub state: EntryState,
}

// A million loaded actions must stay small (docs/BENCHMARKS.md, target 4).
const _: () = assert!(std::mem::size_of::<ActionEntry>() == 32);

impl ActionEntry {
    pub fn confirmed(action: ActionData) -> Self {
        Self {
            action,
            state: EntryState::Confirmed,
        }
    }
}

/// A loaded message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub timetoken: Timetoken,
    pub author: Option<Sym>,
    /// Sanitised text (newlines kept, flags as text).
    pub text: Box<str>,
    /// Ordered by action timetoken, pending adds last.
    pub actions: Vec<ActionEntry>,
    /// Edit, deletion and thread, as the actions say (kept current on every change).
    pub chat: ChatState,
    /// Bumped on every change, so caches keyed by it stay right.
    pub revision: u32,
}

/// A payload's text as the UI draws it: sanitised, newlines kept, flags as text.
pub fn shown_text(payload: &serde_json::Value) -> Box<str> {
    flags_as_text(&sanitize(&message_text(payload))).into()
}

impl Message {
    /// Converts a history message, interning its strings.
    pub fn from_history(m: &HistoryMessage, symbols: &mut Symbols) -> Self {
        let mut actions = Vec::new();
        for (kind, values) in &m.actions {
            let kind = symbols.intern(kind);
            for (value, refs) in values {
                let value = symbols.intern(value);
                for r in refs {
                    actions.push(ActionEntry::confirmed(ActionData {
                        action_tt: r.action_timetoken,
                        kind,
                        value,
                        uuid: symbols.intern(&r.uuid),
                    }));
                }
            }
        }
        actions.sort_by_key(|a| a.action.action_tt);
        Self {
            timetoken: m.timetoken,
            author: m.uuid.as_deref().map(|u| symbols.intern(u)),
            text: shown_text(&m.message),
            chat: ChatState::of(actions.iter().map(|e| &e.action)),
            actions,
            revision: 0,
        }
    }

    /// A message that arrived live.
    pub fn new(timetoken: Timetoken, author: Option<Sym>, payload: &serde_json::Value) -> Self {
        Self {
            timetoken,
            author,
            text: shown_text(payload),
            actions: Vec::new(),
            chat: ChatState::default(),
            revision: 0,
        }
    }

    /// After any change: a new revision, and the chat state summarised again.
    fn touch(&mut self) {
        self.revision = self.revision.wrapping_add(1);
        self.chat = ChatState::of(self.counted_actions());
    }

    /// After a live add or removal of `action`: a new revision; the chat state is summarised
    /// again only when the action is an edit, a deletion or a thread marker (a reaction cannot
    /// change it, and live events must stay cheap: docs/BENCHMARKS.md, target 3).
    fn touched_by(&mut self, action: &ActionData) {
        if is_marker(action) {
            self.touch();
        } else {
            self.revision = self.revision.wrapping_add(1);
        }
    }

    /// The actions that count: settled or being added, not those being removed.
    pub fn counted_actions(&self) -> impl Iterator<Item = &ActionData> {
        self.actions
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Removing(_)))
            .map(|e| &e.action)
    }

    /// The counted entries that pass `keep`, oldest first: a message's edits or deletions.
    pub fn counted(&self, keep: impl Fn(&ActionData) -> bool) -> Vec<ActionEntry> {
        self.actions
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Removing(_)) && keep(&e.action))
            .copied()
            .collect()
    }

    /// The text to show on one line: the newest edit's, else the original (sanitised).
    pub fn shown_line<'a>(&'a self, symbols: &'a Symbols) -> &'a str {
        match self.chat.edit {
            Some(edit) => symbols.label(edit),
            None => &self.text,
        }
    }

    /// Adds a confirmed action unless one with the same action timetoken is there. When it is
    /// our own pending add of the same type and value, that entry is confirmed instead.
    /// Returns whether anything changed.
    pub fn apply_added(&mut self, added: ActionData) -> bool {
        if self
            .actions
            .iter()
            .any(|a| a.action.action_tt == added.action_tt)
        {
            return false;
        }
        if let Some(pending) = self
            .actions
            .iter_mut()
            .find(|a| matches!(a.state, EntryState::Adding(_)) && a.action.is_same_as(&added))
        {
            // The echo of our own add: settle it now, the response will find it settled.
            pending.action.action_tt = added.action_tt;
            pending.state = EntryState::Confirmed;
            self.sort_actions();
        } else {
            // Insert in order (pending adds, timetoken 0, stay last).
            let at = self.actions.partition_point(|a| {
                a.action.action_tt != Timetoken(0) && a.action.action_tt < added.action_tt
            });
            self.actions.insert(at, ActionEntry::confirmed(added));
        }
        self.touched_by(&added);
        true
    }

    /// Removes the action with this action timetoken, whatever its state.
    pub fn apply_removed(&mut self, action_tt: Timetoken) -> bool {
        let Some(at) = self
            .actions
            .iter()
            .position(|a| a.action.action_tt == action_tt)
        else {
            return false;
        };
        // Action timetokens are unique on a message (adds are merged by them).
        let removed = self.actions.remove(at).action;
        self.touched_by(&removed);
        true
    }

    /// Replaces the confirmed actions with the server's, keeping our requests in flight.
    /// A pending add the server already holds is settled; a pending removal the server no
    /// longer holds is dropped.
    pub fn replace_actions(&mut self, server: Vec<ActionEntry>) {
        let mut merged: Vec<ActionEntry> = server;
        for local in &self.actions {
            match local.state {
                EntryState::Confirmed => {}
                EntryState::Adding(_) => {
                    let held = merged.iter().any(|s| s.action.is_same_as(&local.action));
                    if !held {
                        merged.push(*local);
                    }
                }
                EntryState::Removing(op) => {
                    if let Some(s) = merged
                        .iter_mut()
                        .find(|s| s.action.action_tt == local.action.action_tt)
                    {
                        s.state = EntryState::Removing(op);
                    }
                }
            }
        }
        self.actions = merged;
        self.sort_actions();
        self.touch();
    }

    fn sort_actions(&mut self) {
        // Pending adds (timetoken 0) go last: they are the newest.
        self.actions
            .sort_by_key(|a| (a.action.action_tt == Timetoken(0), a.action.action_tt));
    }

    /// Mutable access to the entry of a request in flight.
    pub fn entry_of_op(&mut self, op: OpId) -> Option<&mut ActionEntry> {
        self.actions
            .iter_mut()
            .find(|a| matches!(a.state, EntryState::Adding(o) | EntryState::Removing(o) if o == op))
    }

    /// Marks the message changed after a direct edit of its entries.
    pub fn changed(&mut self) {
        self.touch();
    }
}

/// The channel's loaded messages.
#[derive(Debug, Default)]
pub struct Timeline {
    messages: VecDeque<Message>,
    /// The messages' timetokens, in the same order: lookups binary-search this compact copy
    /// (8 bytes a message) instead of the messages themselves, which keeps them in cache.
    keys: VecDeque<Timetoken>,
    /// The first message of the channel is loaded.
    pub reached_start: bool,
}

impl Timeline {
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn first(&self) -> Option<&Message> {
        self.messages.front()
    }

    pub fn last(&self) -> Option<&Message> {
        self.messages.back()
    }

    /// Index of the message with this timetoken, or where it would go.
    pub fn position(&self, tt: Timetoken) -> Result<usize, usize> {
        self.keys.binary_search(&tt)
    }

    pub fn get(&self, tt: Timetoken) -> Option<&Message> {
        self.position(tt).ok().map(|i| &self.messages[i])
    }

    pub fn get_mut(&mut self, tt: Timetoken) -> Option<&mut Message> {
        match self.position(tt) {
            Ok(i) => self.messages.get_mut(i),
            Err(_) => None,
        }
    }

    pub fn at(&self, index: usize) -> Option<&Message> {
        self.messages.get(index)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Message> + ExactSizeIterator {
        self.messages.iter()
    }

    /// Messages from `index` towards the newest.
    pub fn range_from(&self, index: usize) -> impl Iterator<Item = &Message> {
        self.messages.range(index.min(self.messages.len())..)
    }

    /// Inserts or merges messages (any order). Known messages get the server's actions with
    /// our pending ones kept. Returns how many were new.
    pub fn merge(&mut self, incoming: Vec<Message>) -> usize {
        let mut added = 0;
        let oldest = self.messages.front().map(|m| m.timetoken);
        // Fast path: a page entirely older than what is loaded is a prepend.
        if let Some(oldest) = oldest
            && incoming.iter().all(|m| m.timetoken < oldest)
        {
            let mut sorted = incoming;
            sorted.sort_by_key(|m| m.timetoken);
            sorted.dedup_by_key(|m| m.timetoken);
            added = sorted.len();
            for m in sorted.into_iter().rev() {
                self.keys.push_front(m.timetoken);
                self.messages.push_front(m);
            }
            return added;
        }
        for m in incoming {
            match self.position(m.timetoken) {
                Ok(i) => self.messages[i].replace_actions(m.actions),
                Err(i) => {
                    self.keys.insert(i, m.timetoken);
                    self.messages.insert(i, m);
                    added += 1;
                }
            }
        }
        added
    }

    /// Drops the `count` oldest loaded messages (to bound memory); the channel's start is then
    /// no longer loaded.
    pub fn forget_oldest(&mut self, count: usize) {
        let count = count.min(self.messages.len());
        self.messages.drain(..count);
        self.keys.drain(..count);
        if count > 0 {
            self.reached_start = false;
        }
    }

    /// Drops the loaded messages from `from` to `to` (inclusive) that `gone` says are gone;
    /// returns how many. (Rare: a reload after a history delete.)
    pub fn remove_where(
        &mut self,
        from: Timetoken,
        to: Timetoken,
        gone: impl Fn(Timetoken) -> bool,
    ) -> usize {
        let start = self.keys.partition_point(|&tt| tt < from);
        let end = self.keys.partition_point(|&tt| tt <= to);
        let doomed: Vec<usize> = (start..end).filter(|&i| gone(self.keys[i])).collect();
        for &i in doomed.iter().rev() {
            self.keys.remove(i);
            self.messages.remove(i);
        }
        doomed.len()
    }

    /// Appends a live message (or inserts it in order); false when already loaded.
    pub fn insert(&mut self, message: Message) -> bool {
        match self.position(message.timetoken) {
            Ok(_) => false,
            Err(i) if i == self.messages.len() => {
                self.keys.push_back(message.timetoken);
                self.messages.push_back(message);
                true
            }
            Err(i) => {
                self.keys.insert(i, message.timetoken);
                self.messages.insert(i, message);
                true
            }
        }
    }

    /// Applies a live "added" event; false when the message is not loaded or nothing changed.
    pub fn apply_added(&mut self, action: &StoredAction, symbols: &mut Symbols) -> bool {
        self.apply_added_data(
            action.message_timetoken,
            ActionData::from_stored(action, symbols),
        )
    }

    /// The same for an action already interned.
    pub fn apply_added_data(&mut self, message_tt: Timetoken, action: ActionData) -> bool {
        self.get_mut(message_tt)
            .is_some_and(|m| m.apply_added(action))
    }

    pub fn apply_removed(&mut self, message_tt: Timetoken, action_tt: Timetoken) -> bool {
        self.get_mut(message_tt)
            .is_some_and(|m| m.apply_removed(action_tt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup keys must mirror the messages after every change.
    fn assert_keys(t: &Timeline) {
        let from_messages: Vec<Timetoken> = t.iter().map(|m| m.timetoken).collect();
        let keys: Vec<Timetoken> = t.keys.iter().copied().collect();
        assert_eq!(keys, from_messages);
    }

    fn msg(tt: u64) -> Message {
        Message::new(Timetoken(tt), None, &serde_json::json!("hi"))
    }

    fn stored(mt: u64, at: u64, uuid: &str, value: &str) -> StoredAction {
        StoredAction {
            action_timetoken: Timetoken(at),
            message_timetoken: Timetoken(mt),
            action_type: "reaction".into(),
            uuid: uuid.into(),
            value: value.into(),
        }
    }

    #[test]
    fn older_pages_prepend_and_overlapping_pages_merge_without_duplicates() {
        let mut t = Timeline::default();
        assert_eq!(t.merge(vec![msg(30), msg(40)]), 2);
        assert_eq!(t.merge(vec![msg(10), msg(20)]), 2);
        assert_eq!(t.merge(vec![msg(20), msg(25), msg(30)]), 1);
        let tts: Vec<u64> = t.iter().map(|m| m.timetoken.get()).collect();
        assert_eq!(tts, [10, 20, 25, 30, 40]);
        assert_keys(&t);
        assert!(t.insert(msg(50)) && t.insert(msg(15)) && !t.insert(msg(50)));
        assert_keys(&t);
        t.forget_oldest(2);
        assert_keys(&t);
        assert_eq!(t.first().map(|m| m.timetoken), Some(Timetoken(20)));
        assert!(t.get(Timetoken(25)).is_some() && t.get(Timetoken(10)).is_none());
    }

    #[test]
    fn live_events_count_each_action_once() {
        let mut s = Symbols::new();
        let mut t = Timeline::default();
        t.merge(vec![msg(10)]);
        let a = stored(10, 11, "bob", "👍");
        assert!(t.apply_added(&a, &mut s));
        assert!(
            !t.apply_added(&a, &mut s),
            "a repeated event changes nothing"
        );
        assert_eq!(t.get(Timetoken(10)).unwrap().actions.len(), 1);
        assert!(t.apply_removed(Timetoken(10), Timetoken(11)));
        assert!(t.get(Timetoken(10)).unwrap().actions.is_empty());
        assert!(
            !t.apply_added(&stored(99, 100, "bob", "👍"), &mut s),
            "unknown message"
        );
    }

    #[test]
    fn our_echo_settles_the_pending_entry_instead_of_adding_a_second() {
        let mut s = Symbols::new();
        let mut t = Timeline::default();
        t.merge(vec![msg(10)]);
        let (kind, value, me) = (s.intern("reaction"), s.intern("👍"), s.intern("me"));
        let m = t.get_mut(Timetoken(10)).unwrap();
        m.actions.push(ActionEntry {
            action: ActionData {
                action_tt: Timetoken(0),
                kind,
                value,
                uuid: me,
            },
            state: EntryState::Adding(7),
        });
        assert!(t.apply_added(&stored(10, 12, "me", "👍"), &mut s));
        let m = t.get(Timetoken(10)).unwrap();
        assert_eq!(m.actions.len(), 1);
        assert_eq!(m.actions[0].state, EntryState::Confirmed);
        assert_eq!(m.actions[0].action.action_tt, Timetoken(12));
    }

    #[test]
    fn a_refresh_keeps_requests_in_flight() {
        let mut s = Symbols::new();
        let (kind, up, heart, me, bob) = (
            s.intern("reaction"),
            s.intern("👍"),
            s.intern("❤️"),
            s.intern("me"),
            s.intern("bob"),
        );
        let mut m = msg(10);
        let confirmed = |tt: u64, value, uuid| {
            ActionEntry::confirmed(ActionData {
                action_tt: Timetoken(tt),
                kind,
                value,
                uuid,
            })
        };
        m.actions = vec![
            confirmed(11, up, bob),
            ActionEntry {
                state: EntryState::Removing(1),
                ..confirmed(12, heart, me)
            },
            ActionEntry {
                state: EntryState::Adding(2),
                ..confirmed(0, up, me)
            },
        ];
        m.replace_actions(vec![confirmed(11, up, bob), confirmed(12, heart, me)]);
        let states: Vec<EntryState> = m.actions.iter().map(|a| a.state).collect();
        assert_eq!(
            states,
            [
                EntryState::Confirmed,
                EntryState::Removing(1),
                EntryState::Adding(2)
            ]
        );
        // The server now holds our add and no longer the removed one.
        m.replace_actions(vec![confirmed(11, up, bob), confirmed(13, up, me)]);
        assert_eq!(m.actions.len(), 2);
        assert!(m.actions.iter().all(|a| a.state == EntryState::Confirmed));
    }
}
