//! Emoji names and glyphs: shortcode values (`thumbsup`, `smiley_face`) shown as their emoji,
//! emoji written as shortcodes when configured, and the picker's searchable catalogue.
//! Backed by the `emojis` crate (GitHub gemoji shortcodes, Unicode CLDR names).

use std::borrow::Cow;

/// PubNub's own examples use names that are not gemoji shortcodes.
const ALIASES: &[(&str, &str)] = &[
    ("smiley_face", "smiley"),
    ("winky_face", "wink"),
    ("sad_face", "disappointed"),
    ("happy_face", "blush"),
    ("thumbs_up", "+1"),
    ("thumbs_down", "-1"),
    ("thumbsup", "+1"),
    ("thumbsdown", "-1"),
    ("like", "+1"),
];

/// Whether `value` looks like a shortcode name rather than text or an emoji.
fn is_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
        && (value.bytes().any(|b| b.is_ascii_alphabetic()) || matches!(value, "+1" | "-1"))
}

/// The emoji for a shortcode name, through the alias table first.
pub fn by_name(name: &str) -> Option<&'static emojis::Emoji> {
    let name = name.trim_matches(':');
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, c)| *c);
    emojis::get_by_shortcode(canonical)
}

/// The emoji a value stands for when it is stored as a shortcode name (`x` -> ❌), not as the
/// emoji itself.
pub fn named(value: &str) -> Option<&'static emojis::Emoji> {
    if is_name(value) { by_name(value) } else { None }
}

/// The emoji's first shortcode that is a plain word (`thumbsup` rather than `+1`), else its
/// first.
pub fn word_shortcode(emoji: &'static emojis::Emoji) -> Option<&'static str> {
    emoji
        .shortcodes()
        .find(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .or_else(|| emoji.shortcode())
}

/// The name of a reaction value, for choosing among values: the shortcode it is stored as
/// (`x`), or the emoji's word-like shortcode (`👍` -> `thumbsup`); `None` when the value is no
/// known emoji.
pub fn name_of(value: &str) -> Option<&str> {
    match named(value) {
        Some(_) => Some(value),
        None => emojis::get(value).and_then(word_shortcode),
    }
}

/// How a reaction value is shown: emoji as is, known names as their emoji, unknown names as
/// `:name:`, anything else as given.
pub fn display(value: &str) -> Cow<'_, str> {
    if is_name(value) {
        return match by_name(value) {
            Some(e) => Cow::Borrowed(e.as_str()),
            None => Cow::Owned(format!(":{value}:")),
        };
    }
    Cow::Borrowed(value)
}

/// How a reaction value is drawn: [`display`], on one line with nothing unsafe, and flags as
/// text (`:qatar:`). Chips group by it and toggling compares it.
pub fn shown(value: &str) -> String {
    let line = super::single_line(&display(value)).into_owned();
    super::flags_as_text(&line).into_owned()
}

/// The shortcode for an emoji (`👍` -> `+1`), when it has one.
pub fn shortcode(emoji: &str) -> Option<&'static str> {
    emojis::get(emoji).and_then(|e| e.shortcode())
}

/// One entry of the picker's catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub glyph: &'static str,
    /// The main shortcode (`+1` for 👍), shown in the picker.
    pub shortcode: &'static str,
    /// Every shortcode (`+1`, `thumbsup`), all searched.
    pub shortcodes: Vec<&'static str>,
    pub name: &'static str,
}

/// Every emoji a terminal is likely to draw (Unicode 13 and older, default skin tone), in CLDR
/// order.
pub fn catalogue() -> Vec<CatalogEntry> {
    emojis::iter()
        .filter(|e| e.unicode_version() <= emojis::UnicodeVersion::new(13, 0))
        .filter_map(|e| {
            Some(CatalogEntry {
                glyph: e.as_str(),
                shortcode: e.shortcode()?,
                shortcodes: e.shortcodes().collect(),
                name: e.name(),
            })
        })
        .collect()
}

/// How well `entry` matches `query` (lower is better), or `None` when it does not: 0 when a
/// shortcode or the name is the query, 1 when one starts with it, 2 when one of their words
/// does (`heart` in `black_heart`), 3 when one contains it. Every entry matches an empty query.
/// Colons around the query are ignored, so `:heart:` (as shortcodes are written) works too.
pub fn rank(entry: &CatalogEntry, query: &str) -> Option<u8> {
    let q = query.trim().trim_matches(':').to_lowercase();
    if q.is_empty() {
        return Some(0);
    }
    let name = entry.name.to_lowercase();
    let names = || {
        entry
            .shortcodes
            .iter()
            .copied()
            .chain(std::iter::once(name.as_str()))
    };
    if names().any(|n| n == q) {
        Some(0)
    } else if names().any(|n| n.starts_with(&q)) {
        Some(1)
    } else if names().any(|n| n.split([' ', '-', '_']).any(|w| w.starts_with(&q))) {
        Some(2)
    } else if names().any(|n| n.contains(&q)) {
        Some(3)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcode_values_show_as_emoji_and_unknown_names_in_colons() {
        assert_eq!(display("thumbsup"), "👍");
        assert_eq!(display("smiley_face"), "😃");
        assert_eq!(display("heart"), "❤️");
        assert_eq!(display("rocket"), "🚀");
        assert_eq!(display("no_such_emoji_name"), ":no_such_emoji_name:");
        assert_eq!(display("👍"), "👍");
        assert_eq!(display("read"), ":read:");
        assert_eq!(display("hello world"), "hello world");
    }

    #[test]
    fn typing_thu_finds_thumbs_up_first() {
        let cat = catalogue();
        let mut hits: Vec<(u8, &CatalogEntry)> = cat
            .iter()
            .filter_map(|e| rank(e, "thu").map(|r| (r, e)))
            .collect();
        hits.sort_by_key(|(r, _)| *r);
        assert!(hits.iter().take(3).any(|(_, e)| e.glyph == "👍"));
        assert!(cat.len() > 1000);
    }

    #[test]
    fn values_are_named_by_their_stored_name_or_the_emojis_word() {
        assert_eq!(name_of("👍"), Some("thumbsup"));
        assert_eq!(name_of("x"), Some("x"));
        assert_eq!(name_of("thumbs_up"), Some("thumbs_up"));
        assert_eq!(name_of("hello"), None);
        assert_eq!(name_of("+42"), None);
        assert!(named("x").is_some() && named("❌").is_none());
    }

    #[test]
    fn spellings_of_one_reaction_show_the_same_emoji() {
        assert_eq!(display("+1"), display("thumbsup"));
        assert_eq!(display("-1"), "👎");
        assert_eq!(display("42"), "42");
        assert_eq!(shortcode("👍"), Some("+1"));
    }
}
