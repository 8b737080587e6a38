//! Interned strings: every uuid, action type and value is stored once and referred to by a
//! 4-byte [`Sym`], which keeps a million loaded actions small and comparisons cheap. Each
//! symbol also keeps its display forms (sanitised text; emoji glyph for values), computed once.
//!
//! The chat vocabularies' words (`reactions`, `edited`, `deleted`, `threadRootId`, ...) are
//! interned first by every [`Symbols`], so they are constants ([`Sym::EDITED`], ...) that code
//! without the interner at hand (a message summarising its own actions) can compare against.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::text::emoji;
use crate::text::{flags_as_text, single_line};

/// An interned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

/// The words every [`Symbols`] interns first, in the order of the constants below.
const WELL_KNOWN: [&str; 8] = [
    "reaction",
    "reactions",
    "receipt",
    "edited",
    "updated",
    "deleted",
    ".",
    "threadRootId",
];

impl Sym {
    /// Reaction type of the UI kits and the legacy docs.
    pub const REACTION: Sym = Sym(0);
    /// Reaction type of the Chat SDK.
    pub const REACTIONS: Sym = Sym(1);
    pub const RECEIPT: Sym = Sym(2);
    /// Edit type of the Chat SDK (the value is the new text).
    pub const EDITED: Sym = Sym(3);
    /// Edit type of the UI kits and the moderation dashboard.
    pub const UPDATED: Sym = Sym(4);
    /// Soft-delete type, and the Chat SDK's value for it.
    pub const DELETED: Sym = Sym(5);
    /// The legacy soft-delete value.
    pub const DOT: Sym = Sym(6);
    /// The Chat SDK's thread marker (the value is the thread's channel).
    pub const THREAD_ROOT: Sym = Sym(7);

    /// Position in the interner, for tables indexed by symbol.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug)]
struct Entry {
    raw: Box<str>,
    label: Box<str>,
    glyph: Box<str>,
    /// For a user id: the user's name (App Context), single-line and safe to show.
    name: Option<Box<str>>,
}

/// The interner.
#[derive(Debug)]
pub struct Symbols {
    /// foldhash: several times faster than SipHash on short keys such as uuids and emoji,
    /// and still seeded per process.
    ids: HashMap<Box<str>, Sym, RandomState>,
    entries: Vec<Entry>,
}

impl Default for Symbols {
    fn default() -> Self {
        let mut symbols = Symbols {
            ids: HashMap::default(),
            entries: Vec::new(),
        };
        for word in WELL_KNOWN {
            symbols.intern(word);
        }
        symbols
    }
}

impl Symbols {
    pub fn new() -> Self {
        Self::default()
    }

    /// The symbol for `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        let sym = Sym(self.entries.len() as u32);
        let label: Box<str> = flags_as_text(&single_line(s)).into();
        let glyph: Box<str> = emoji::shown(s).into();
        self.entries.push(Entry {
            raw: s.into(),
            label,
            glyph,
            name: None,
        });
        self.ids.insert(s.into(), sym);
        sym
    }

    /// The symbol for `s` if it was ever interned.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    /// The string as stored on the server (use it in requests).
    pub fn raw(&self, sym: Sym) -> &str {
        self.entries.get(sym.0 as usize).map_or("", |e| &e.raw)
    }

    /// Safe to print: one line, no control characters.
    pub fn label(&self, sym: Sym) -> &str {
        self.entries.get(sym.0 as usize).map_or("", |e| &e.label)
    }

    /// For reaction values: the emoji a shortcode name stands for, else the label.
    pub fn glyph(&self, sym: Sym) -> &str {
        self.entries.get(sym.0 as usize).map_or("", |e| &e.glyph)
    }

    /// For a reaction value stored as a shortcode name (`x`) rather than as the emoji itself:
    /// the emoji and the name (`❌`, `x`), so places where the stored value matters can show
    /// both. `None` for emoji and for anything that names no emoji.
    pub fn spelled_name(&self, sym: Sym) -> Option<(&str, &str)> {
        let entry = self.entries.get(sym.0 as usize)?;
        emoji::named(&entry.raw)?;
        Some((&entry.glyph, &entry.label))
    }

    /// The name of the user `sym` stands for, when known.
    pub fn name(&self, sym: Sym) -> Option<&str> {
        self.entries.get(sym.0 as usize)?.name.as_deref()
    }

    /// Records a user's name (made single-line and safe to show); an empty one is none.
    pub fn set_name(&mut self, sym: Sym, name: &str) {
        let shown = flags_as_text(&single_line(name)).trim().to_string();
        if let Some(entry) = self.entries.get_mut(sym.0 as usize) {
            entry.name = (!shown.is_empty()).then(|| shown.into());
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_keeps_display_forms() {
        let mut s = Symbols::new();
        let a = s.intern("thumbsup");
        let b = s.intern("evil\u{1b}[2Jname");
        assert_eq!(s.intern("thumbsup"), a);
        assert_ne!(a, b);
        assert_eq!(s.raw(b), "evil\u{1b}[2Jname");
        assert_eq!(s.label(b), "evilname");
        assert_eq!(s.glyph(a), "👍");
        assert_eq!(s.label(a), "thumbsup");
        assert_eq!(s.lookup("nope"), None);
        assert_eq!(s.spelled_name(a), Some(("👍", "thumbsup")));
        let emoji = s.intern("👍");
        assert_eq!(s.spelled_name(emoji), None);
    }

    #[test]
    fn the_chat_vocabulary_has_fixed_symbols() {
        let mut s = Symbols::new();
        assert_eq!(s.intern("edited"), Sym::EDITED);
        assert_eq!(s.intern("updated"), Sym::UPDATED);
        assert_eq!(s.intern("deleted"), Sym::DELETED);
        assert_eq!(s.intern("."), Sym::DOT);
        assert_eq!(s.intern("threadRootId"), Sym::THREAD_ROOT);
        assert_eq!(s.intern("reactions"), Sym::REACTIONS);
        assert_eq!(s.intern("reaction"), Sym::REACTION);
        assert_eq!(s.intern("receipt"), Sym::RECEIPT);
    }
}
