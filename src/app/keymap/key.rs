//! One key press as the keymap knows it: normalised from the terminal's event, parsed from the
//! config's spelling (`ctrl-c`, `pagedown`, `G`), labelled for help, and told apart as typed
//! text or a control key.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key press, normalised (letters carry no SHIFT: `G` is `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// A key as typed: shift with a character is that character's capital (`shift-g` is `G`,
    /// as terminals report it), so shift itself is dropped.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let shifted = modifiers.contains(KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if shifted => {
                let mut upper = c.to_uppercase();
                match (upper.next(), upper.next()) {
                    (Some(one), None) => KeyCode::Char(one),
                    _ => KeyCode::Char(c),
                }
            }
            other => other,
        };
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        Self { code, modifiers }
    }

    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// The character this key types, if it is typed text: a character without Ctrl or Alt.
    /// Pop-ups that take text (the picker's search, the filter) take these as text.
    pub fn text(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        }
    }

    pub fn is_text(&self) -> bool {
        self.text().is_some()
    }

    /// Parses `j`, `G`, `+`, `ctrl-c`, `enter`, `pagedown`, `f1`, `space`, `shift-tab` ...
    /// Modifiers take the common spellings: `ctrl-x`, `Ctrl+x`, `C-x`, `^X`, `alt-x`, `M-x`,
    /// `shift-tab`, `S-tab`; a letter with Ctrl is that letter whatever its case, as terminals
    /// report it.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (modifiers, rest) = split_modifiers(spec.trim());
        let named = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" if modifiers.contains(KeyModifiers::SHIFT) => Some(KeyCode::BackTab),
            "tab" => Some(KeyCode::Tab),
            "backtab" => Some(KeyCode::BackTab),
            "space" => Some(KeyCode::Char(' ')),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "pageup" | "pgup" => Some(KeyCode::PageUp),
            "pagedown" | "pgdn" => Some(KeyCode::PageDown),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            "backspace" => Some(KeyCode::Backspace),
            "delete" | "del" => Some(KeyCode::Delete),
            "insert" | "ins" => Some(KeyCode::Insert),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                f[1..].parse().ok().map(KeyCode::F)
            }
            _ => None,
        };
        let code = match named {
            Some(code) => code,
            None => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    // Terminals report Ctrl with a letter as the small letter.
                    (Some(c), None)
                        if modifiers == KeyModifiers::CONTROL && c.is_ascii_uppercase() =>
                    {
                        KeyCode::Char(c.to_ascii_lowercase())
                    }
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(unknown(spec)),
                }
            }
        };
        Ok(Self::new(code, modifiers))
    }

    /// How the key is written in help: `j`, `↓`, `Ctrl-C`, `PgDn`, `Enter`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if let KeyCode::Char(c) = self.code
            && self.modifiers.contains(KeyModifiers::CONTROL)
        {
            out.push(c.to_ascii_uppercase());
            return out;
        }
        out.push_str(&base);
        out
    }
}

/// Modifier words and what they mean; each is followed by `-` or `+` in a spec.
const MODIFIERS: &[(&str, KeyModifiers)] = &[
    ("ctrl", KeyModifiers::CONTROL),
    ("control", KeyModifiers::CONTROL),
    ("c", KeyModifiers::CONTROL),
    ("alt", KeyModifiers::ALT),
    ("meta", KeyModifiers::ALT),
    ("option", KeyModifiers::ALT),
    ("m", KeyModifiers::ALT),
    ("shift", KeyModifiers::SHIFT),
    ("s", KeyModifiers::SHIFT),
];

/// Splits the modifiers off a spec: `Ctrl+Alt+Del` is (Ctrl|Alt, `Del`), `^X` is (Ctrl, `X`).
/// A modifier needs a key after it, so `+`, `-` and `c` alone are keys.
fn split_modifiers(spec: &str) -> (KeyModifiers, &str) {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = spec;
    if let Some(letter) = rest.strip_prefix('^')
        && letter.chars().count() == 1
    {
        return (KeyModifiers::CONTROL, letter);
    }
    'words: loop {
        for (word, flag) in MODIFIERS {
            let Some(head) = rest.get(..word.len()) else {
                continue;
            };
            let after = &rest[word.len()..];
            if head.eq_ignore_ascii_case(word)
                && (after.starts_with('-') || after.starts_with('+'))
                && after.len() > 1
            {
                modifiers |= *flag;
                rest = &after[1..];
                continue 'words;
            }
        }
        return (modifiers, rest);
    }
}

/// Why `spec` is no key, and what is.
fn unknown(spec: &str) -> String {
    format!(
        "unknown key {spec:?}: use a character (j, G, ?), or a name (enter, esc, tab, space, \
         backspace, delete, insert, up, down, left, right, home, end, pageup, pagedown, f1 to \
         f12), optionally after ctrl-, alt- or shift- (ctrl-x, Ctrl+x and C-x are the same key)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_spellings_of_a_modified_key_are_one_key() {
        let ctrl_x = Key::new(KeyCode::Char('x'), KeyModifiers::CONTROL);
        for spec in [
            "ctrl-x",
            "Ctrl+x",
            "C-x",
            "ctrl+x",
            "Ctrl-X",
            "control-x",
            "^X",
            "CTRL-x",
        ] {
            assert_eq!(Key::parse(spec), Ok(ctrl_x), "{spec}");
        }
        let alt_x = Key::new(KeyCode::Char('x'), KeyModifiers::ALT);
        for spec in ["alt-x", "Alt+x", "M-x", "meta-x"] {
            assert_eq!(Key::parse(spec), Ok(alt_x), "{spec}");
        }
        let back_tab = Key::new(KeyCode::BackTab, KeyModifiers::NONE);
        assert_eq!(Key::parse("Shift+Tab"), Ok(back_tab));
        assert_eq!(Key::parse("S-tab"), Ok(back_tab));
        let ctrl_alt_del = Key::new(KeyCode::Delete, KeyModifiers::CONTROL | KeyModifiers::ALT);
        assert_eq!(Key::parse("Ctrl+Alt+Del"), Ok(ctrl_alt_del));
        // Keys that look like separators or modifier letters stay themselves.
        for (spec, c) in [("+", '+'), ("-", '-'), ("c", 'c'), ("^", '^'), ("M", 'M')] {
            assert_eq!(
                Key::parse(spec),
                Ok(Key::new(KeyCode::Char(c), KeyModifiers::NONE))
            );
        }
        assert_eq!(
            Key::parse("ctrl-+"),
            Ok(Key::new(KeyCode::Char('+'), KeyModifiers::CONTROL))
        );
    }

    #[test]
    fn an_unknown_key_says_what_is_accepted() {
        let e = Key::parse("hyperdrive").unwrap_err();
        for needle in [
            "\"hyperdrive\"",
            "enter",
            "pagedown",
            "f1",
            "ctrl-",
            "Ctrl+x",
            "C-x",
        ] {
            assert!(e.contains(needle), "{needle:?} in {e}");
        }
    }
}
