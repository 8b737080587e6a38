//! Text measured in terminal cells: the one truncation the UI and the CLI use. It cuts between
//! grapheme clusters, so a joined emoji (a ZWJ family, a flag, a skin tone) is kept whole or
//! dropped whole, and counts wide glyphs as two cells.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// `text` cut to at most `width` cells, ending with `…` when cut (the `…` is one of the
/// cells). A width of 0 gives an empty string.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let cells = grapheme.width();
        if used + cells + 1 > width {
            break;
        }
        out.push_str(grapheme);
        used += cells;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_to_the_width_with_an_ellipsis() {
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("hi", 6), "hi");
        assert_eq!(truncate("hello", 0), "");
        assert_eq!(truncate("hello", 1), "…");
    }

    #[test]
    fn wide_glyphs_count_two_cells() {
        assert_eq!(truncate("👍👍👍", 4), "👍…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
    }

    #[test]
    fn joined_emoji_are_never_split() {
        // A ZWJ family, a flag and a skin tone: each one grapheme, two cells.
        for joined in ["👨\u{200d}👩\u{200d}👧", "🇶🇦", "👍🏽"] {
            let text = format!("ab{joined}{joined}");
            let cut = truncate(&text, 5);
            assert_eq!(cut, format!("ab{joined}…"), "{joined:?}");
            assert!(cut.width() <= 5);
        }
    }
}
