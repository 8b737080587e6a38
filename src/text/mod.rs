//! Text for the terminal, shared by the UI and the CLI: making network text safe to show (no
//! control characters, no escape sequences, no bidi overrides ever reach the terminal; for the
//! UI, no flags either, see [`flags_as_text`]), emoji names ([`emoji`]) and cutting text to a
//! width ([`truncate`]).

use std::borrow::Cow;

pub mod emoji;
mod width;

pub use width::truncate;

/// Whether `c` must never be written to a terminal as is.
fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Removes escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, two-byte `ESC x`),
/// C0/C1 control characters and bidi overrides. Newlines are kept; tabs become a space.
pub fn sanitize(input: &str) -> Cow<'_, str> {
    if !input.chars().any(|c| is_unsafe(c) || c == '\t') {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' => out.push(' '),
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates up to a final byte in @..~
                Some('[') => {
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC / DCS / APC / PM / SOS: up to BEL or ST (ESC \)
                Some(']' | 'P' | '_' | '^' | 'X') => {
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' {
                            break;
                        }
                        if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\u{9b}' => {
                // 8-bit CSI
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`sanitize`], then newlines turned into spaces: for one-line places (columns, chips).
pub fn single_line(input: &str) -> Cow<'_, str> {
    match sanitize(input) {
        Cow::Borrowed(s) if !s.contains('\n') => Cow::Borrowed(s),
        other => Cow::Owned(other.replace('\n', " ")),
    }
}

/// The letter a regional indicator stands for (🇶 -> `Q`), if `c` is one.
fn regional_letter(c: char) -> Option<char> {
    let n = u32::from(c).checked_sub(0x1F1E6)?;
    (n < 26).then(|| char::from(b'A' + n as u8))
}

/// Flags (pairs of regional indicators) written as text: `:qatar:` for a known flag, else the
/// two letters; a lone indicator as its letter. Terminals disagree on how many cells a flag
/// takes, so one drawn as is leaves stray cells on screen until a full redraw.
pub fn flags_as_text(input: &str) -> Cow<'_, str> {
    if !input.chars().any(|c| regional_letter(c).is_some()) {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(first) = regional_letter(c) else {
            out.push(c);
            continue;
        };
        let Some((next, second)) = chars
            .peek()
            .and_then(|&n| regional_letter(n).map(|l| (n, l)))
        else {
            out.push(first);
            continue;
        };
        chars.next();
        match emojis::get(&format!("{c}{next}")).and_then(|e| e.shortcode()) {
            Some(code) => {
                out.push(':');
                out.push_str(code);
                out.push(':');
            }
            None => {
                out.push(first);
                out.push(second);
            }
        }
    }
    Cow::Owned(out)
}

/// Regional indicators as their letters (🇶🇦 -> `QA`): two cells, as wide as a flag is meant
/// to be, for columns laid out for one emoji.
pub fn flag_letters(input: &str) -> Cow<'_, str> {
    if !input.chars().any(|c| regional_letter(c).is_some()) {
        return Cow::Borrowed(input);
    }
    Cow::Owned(
        input
            .chars()
            .map(|c| regional_letter(c).unwrap_or(c))
            .collect(),
    )
}

/// `text` on one line, cut to `max` cells (`…` the last of them) when wider: for prompts and
/// notices that quote a message.
pub fn excerpt(text: &str, max: usize) -> String {
    truncate(&single_line(text), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_never_survive() {
        let hostile = "a\u{1b}[2J\u{1b}[31mred\u{1b}]0;title\u{7}b\u{1b}]8;;http://x\u{1b}\\c\r\u{8}\u{9b}1;1Hd\u{202E}e\u{0}";
        let clean = sanitize(hostile);
        assert_eq!(clean, "aredbcde");
        assert!(!clean.chars().any(|c| c.is_control()));
    }

    #[test]
    fn ordinary_text_is_borrowed_and_newlines_kept() {
        assert!(matches!(sanitize("héllo 👍🏽 world"), Cow::Borrowed(_)));
        assert_eq!(sanitize("two\nlines\tx"), "two\nlines x");
        assert_eq!(single_line("two\nlines"), "two lines");
        // Zero-width joiners inside emoji sequences are kept.
        assert_eq!(sanitize("👩‍💻"), "👩‍💻");
    }

    #[test]
    fn flags_become_text() {
        assert_eq!(flags_as_text("go 🇶🇦!"), "go :qatar:!");
        assert_eq!(flags_as_text("🇶🇿 🇶"), "QZ Q");
        assert!(matches!(flags_as_text("👍 plain"), Cow::Borrowed(_)));
        assert_eq!(flag_letters("🇶🇦"), "QA");
    }

    #[test]
    fn excerpts_are_one_line_and_cut_to_the_limit() {
        assert_eq!(excerpt("short\ntext", 20), "short text");
        assert_eq!(excerpt("lunch at noon?", 6), "lunch…");
        assert_eq!(excerpt("👍👍👍", 3), "👍…");
    }
}
