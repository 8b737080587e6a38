//! The reaction picker's state: a query over the emoji catalogue (names, shortcodes, or the
//! emoji itself pasted), recently used first.

use crate::pubnub::Timetoken;
use crate::text::emoji::{CatalogEntry, catalogue, rank};

/// How many recently used reactions are remembered.
pub const RECENT_LIMIT: usize = 16;

/// The catalogue plus the recently used glyphs, kept for the whole session.
#[derive(Debug, Clone)]
pub struct EmojiIndex {
    entries: Vec<CatalogEntry>,
    /// Most recent first.
    pub recent: Vec<String>,
}

impl EmojiIndex {
    pub fn new(recent: Vec<String>) -> Self {
        Self {
            entries: catalogue(),
            recent,
        }
    }

    /// Remembers `glyph` as the most recently used.
    pub fn used(&mut self, glyph: &str) {
        self.recent.retain(|g| g != glyph);
        self.recent.insert(0, glyph.to_string());
        self.recent.truncate(RECENT_LIMIT);
    }

    pub fn entry(&self, index: usize) -> Option<&CatalogEntry> {
        self.entries.get(index)
    }

    /// Catalogue indices matching `query`, best match first: an emoji pasted as the query is
    /// itself (in its default skin tone), then [`rank`] (the exact name, then prefixes, word
    /// prefixes, substrings); within a rank recently used first (in recency order), then in
    /// catalogue order. An empty query lists everything, recent first.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let pasted = pasted_emoji(query);
        let mut hits: Vec<(u8, usize, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let r = match pasted {
                    Some(glyph) if glyph == e.glyph => 0,
                    _ => rank(e, query)?.saturating_add(1),
                };
                let recency = self
                    .recent
                    .iter()
                    .position(|g| g == e.glyph)
                    .unwrap_or(usize::MAX);
                Some((r, recency, i))
            })
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|(_, _, i)| i).collect()
    }
}

/// The catalogue's glyph for `query` when it is an emoji (pasted, or typed with a compose key):
/// qualified or not, any skin tone, in the catalogue's default tone.
fn pasted_emoji(query: &str) -> Option<&'static str> {
    let emoji = emojis::get(query.trim())?;
    let plain = emoji
        .with_skin_tone(emojis::SkinTone::Default)
        .unwrap_or(emoji);
    Some(plain.as_str())
}

/// An open picker for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub message_tt: Timetoken,
    pub query: String,
    pub results: Vec<usize>,
    pub selected: usize,
}

impl Picker {
    pub fn open(message_tt: Timetoken, index: &EmojiIndex) -> Self {
        Self {
            message_tt,
            query: String::new(),
            results: index.search(""),
            selected: 0,
        }
    }

    pub fn set_query(&mut self, query: String, index: &EmojiIndex) {
        self.results = index.search(&query);
        self.query = query;
        self.selected = 0;
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.results.is_empty() {
            self.selected = 0;
            return;
        }
        let max = self.results.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, max) as usize;
    }

    pub fn current<'a>(&self, index: &'a EmojiIndex) -> Option<&'a CatalogEntry> {
        self.results
            .get(self.selected)
            .and_then(|&i| index.entry(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_reactions_come_first_and_typing_narrows() {
        let mut index = EmojiIndex::new(vec![]);
        index.used("🎉");
        index.used("😂");
        let mut p = Picker::open(Timetoken(1), &index);
        let first: Vec<&str> = p
            .results
            .iter()
            .take(2)
            .filter_map(|&i| index.entry(i).map(|e| e.glyph))
            .collect();
        assert_eq!(first, ["😂", "🎉"]);
        p.set_query("thu".into(), &index);
        assert_eq!(p.current(&index).map(|e| e.glyph), Some("👍"));
        p.move_by(-5);
        assert_eq!(p.selected, 0);
        p.set_query("zzzzqqq".into(), &index);
        assert!(p.results.is_empty() && p.current(&index).is_none());
    }

    #[test]
    fn a_pasted_emoji_finds_itself_first() {
        let index = EmojiIndex::new(vec![]);
        let glyph_of = |query: &str| {
            let mut p = Picker::open(Timetoken(1), &index);
            p.set_query(query.into(), &index);
            p.current(&index).map(|e| e.glyph)
        };
        assert_eq!(glyph_of("🦄"), Some("🦄"));
        assert_eq!(glyph_of(" 🦄 "), Some("🦄"));
        // Without the variation selector, as some terminals paste it; with a skin tone.
        assert_eq!(glyph_of("\u{2764}"), Some("❤️"));
        assert_eq!(glyph_of("👍🏽"), Some("👍"));
    }
}
