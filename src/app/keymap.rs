//! Key bindings: the actions a key can trigger, the default keys, overrides from the config
//! file's `[keys]` table, and the help text generated from the bindings themselves.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::KeySpecs;

/// Where an action applies; used to group the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Timeline,
    Details,
    Actions,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Everywhere => "Everywhere",
            Scope::Timeline => "Timeline",
            Scope::Details => "Details / Actions",
            Scope::Actions => "Actions",
        }
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal, $scope:ident, [$($key:literal),*], $help:literal;)*) => {
        /// Something a key does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),* }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The name used in the config file's `[keys]` table.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            pub fn help(self) -> &'static str {
                match self { $(Action::$variant => $help),* }
            }

            pub fn scope(self) -> Scope {
                match self { $(Action::$variant => Scope::$scope),* }
            }

            fn default_keys(self) -> &'static [&'static str] {
                match self { $(Action::$variant => &[$($key),*]),* }
            }
        }
    };
}

actions! {
    Down = "down", Everywhere, ["j", "down"], "select the next item";
    Up = "up", Everywhere, ["k", "up"], "select the previous item";
    PageDown = "page_down", Everywhere, ["pagedown"], "one page down";
    PageUp = "page_up", Everywhere, ["pageup"], "one page up";
    First = "first", Everywhere, ["g", "home"], "first item (loads the channel's start)";
    Last = "last", Everywhere, ["G", "end"], "last item";
    SwitchScreen = "switch_screen", Everywhere, ["tab"], "switch Timeline / Actions";
    Details = "details", Timeline, ["enter", "i"], "details: who reacted with what, who read it";
    Picker = "picker", Timeline, ["r", ":"], "reaction picker";
    ThumbsUp = "thumbs_up", Timeline, ["+"], "toggle 👍 on the selected message";
    ToggleFirst = "toggle_first", Timeline, ["="], "toggle the first reaction already there";
    RemoveMine = "remove_mine", Timeline, ["x"], "remove my reaction";
    Delete = "delete", Details, ["d"], "remove the selected action (others' need --moderator)";
    Filter = "filter", Actions, ["/"], "filter by user, type or value";
    Reload = "reload", Everywhere, ["R"], "reload from the server (and reconnect now if waiting to)";
    Help = "help", Everywhere, ["?"], "this help";
    Back = "back", Everywhere, ["esc"], "close / go back";
    Quit = "quit", Everywhere, ["q", "ctrl-c"], "quit (q closes a popup first)";
}

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

    /// Parses `j`, `G`, `+`, `ctrl-c`, `enter`, `pagedown`, `f1`, `space`, `shift-tab` ...
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = spec.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, flag) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break;
            }
            modifiers |= flag;
            rest = &rest[prefix.len()..];
        }
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
            "insert" => Some(KeyCode::Insert),
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
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {spec:?}")),
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

/// Keys to actions, and actions to their keys (for help).
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    by_action: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let by_action: Vec<(Action, Vec<Key>)> = Action::ALL
            .iter()
            .map(|&a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .filter_map(|spec| Key::parse(spec).ok())
                    .collect();
                (a, keys)
            })
            .collect();
        Self::from_lists(by_action)
    }
}

impl Keymap {
    fn from_lists(by_action: Vec<(Action, Vec<Key>)>) -> Self {
        let mut by_key = HashMap::new();
        for (action, keys) in &by_action {
            for key in keys {
                by_key.insert(*key, *action);
            }
        }
        Self { by_key, by_action }
    }

    /// The defaults with the config's `[keys]` applied: an action listed there gets exactly
    /// the keys given, and those keys leave whatever action had them by default. A key given
    /// to two actions is refused, naming both: one table serves every screen, so one of them
    /// would silently never be reachable.
    pub fn with_overrides(overrides: &BTreeMap<String, KeySpecs>) -> Result<Self, String> {
        let mut lists = Self::default().by_action;
        let mut given: HashMap<Key, Action> = HashMap::new();
        for (name, specs) in overrides {
            let action = Action::ALL
                .iter()
                .copied()
                .find(|a| a.name() == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                    format!(
                        "[keys]: unknown action {name:?}; known: {}",
                        names.join(", ")
                    )
                })?;
            let keys = specs
                .as_slice()
                .iter()
                .map(|s| Key::parse(s).map_err(|e| format!("[keys] {name}: {e}")))
                .collect::<Result<Vec<Key>, String>>()?;
            for key in &keys {
                if let Some(other) = given.insert(*key, action).filter(|&o| o != action) {
                    return Err(format!(
                        "[keys]: key {:?} is bound to both {} and {}; give it to one of them",
                        key.label(),
                        other.name(),
                        action.name()
                    ));
                }
            }
            for (other, other_keys) in lists.iter_mut() {
                if *other != action {
                    other_keys.retain(|k| !keys.contains(k));
                }
            }
            if let Some(entry) = lists.iter_mut().find(|(a, _)| *a == action) {
                entry.1 = keys;
            }
        }
        Ok(Self::from_lists(lists))
    }

    pub fn action(&self, key: Key) -> Option<Action> {
        self.by_key.get(&key).copied()
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.by_action
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// `j/↓` for the status line and help.
    pub fn keys_label(&self, action: Action) -> String {
        let labels: Vec<String> = self.keys(action).iter().map(Key::label).collect();
        if labels.is_empty() {
            "(unbound)".into()
        } else {
            labels.join("/")
        }
    }

    /// The first key bound to `action` as help writes it (`?`, `F1`), or `(unbound)`.
    pub fn first_label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "(unbound)".into(), Key::label)
    }

    /// A hint line such as `j/k select · d remove`: for each item the first key of each of its
    /// actions, then what they do. Items with an unbound action are left out.
    pub fn hints(&self, items: &[(&[Action], &str)]) -> String {
        items
            .iter()
            .filter(|(actions, _)| actions.iter().all(|&a| !self.keys(a).is_empty()))
            .map(|(actions, what)| {
                let keys: Vec<String> = actions.iter().map(|&a| self.first_label(a)).collect();
                format!("{} {what}", keys.join("/"))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Help lines grouped by scope: (scope title, [(keys, description)]).
    pub fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let scopes = [
            Scope::Timeline,
            Scope::Details,
            Scope::Actions,
            Scope::Everywhere,
        ];
        scopes
            .iter()
            .map(|&scope| {
                let rows = Action::ALL
                    .iter()
                    .filter(|a| a.scope() == scope)
                    .map(|&a| (self.keys_label(a), a.help()))
                    .collect();
                (scope.title(), rows)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keys_from_the_issue_are_bound() {
        let km = Keymap::default();
        let act = |spec: &str| km.action(Key::parse(spec).unwrap());
        assert_eq!(act("j"), Some(Action::Down));
        assert_eq!(act("down"), Some(Action::Down));
        assert_eq!(act("G"), Some(Action::Last));
        assert_eq!(act("+"), Some(Action::ThumbsUp));
        assert_eq!(act("="), Some(Action::ToggleFirst));
        assert_eq!(act(":"), Some(Action::Picker));
        assert_eq!(act("ctrl-c"), Some(Action::Quit));
        assert_eq!(act("tab"), Some(Action::SwitchScreen));
        // A shifted letter from the terminal is the same key.
        let shifted = Key::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.action(shifted), Some(Action::Last));
        // Written in a config as shift and a small letter, it is the capital.
        assert_eq!(act("shift-g"), Some(Action::Last));
        assert_eq!(act("g"), Some(Action::First));
    }

    #[test]
    fn overrides_replace_an_actions_keys_and_steal_them_from_others() {
        let mut o = BTreeMap::new();
        o.insert(
            "help".to_string(),
            KeySpecs::Many(vec!["F1".into(), "j".into()]),
        );
        let km = Keymap::with_overrides(&o).unwrap();
        assert_eq!(km.action(Key::parse("f1").unwrap()), Some(Action::Help));
        assert_eq!(km.action(Key::parse("j").unwrap()), Some(Action::Help));
        assert_eq!(km.action(Key::parse("?").unwrap()), None);
        assert_eq!(km.keys_label(Action::Down), "↓");
        assert!(km.help().iter().any(|(_, rows)| {
            rows.iter()
                .any(|(k, d)| k == "F1/j" && *d == Action::Help.help())
        }));
    }

    /// A `[keys]` table: action name -> keys.
    fn table(entries: &[(&str, &[&str])]) -> BTreeMap<String, KeySpecs> {
        entries
            .iter()
            .map(|(name, keys)| {
                let keys = keys.iter().map(|k| k.to_string()).collect();
                (name.to_string(), KeySpecs::Many(keys))
            })
            .collect()
    }

    #[test]
    fn a_key_given_to_two_actions_is_refused_naming_both() {
        let o = table(&[("thumbs_up", &["t"]), ("help", &["F1", "t"])]);
        let err = Keymap::with_overrides(&o).unwrap_err();
        assert!(
            err.contains("\"t\"") && err.contains("help") && err.contains("thumbs_up"),
            "{err}"
        );
        assert!(!err.contains('\n'), "one line: {err}");
        // Taking a default key from another action is a remap, not a conflict.
        let o = table(&[("thumbs_up", &["t"]), ("help", &["j"])]);
        assert!(Keymap::with_overrides(&o).is_ok());
    }

    #[test]
    fn hints_name_the_first_key_and_leave_out_unbound_actions() {
        let km =
            Keymap::with_overrides(&table(&[("help", &["F1", "h"]), ("reload", &[])])).unwrap();
        let items: &[(&[Action], &str)] = &[
            (&[Action::Down, Action::Up], "select"),
            (&[Action::Reload], "reload"),
            (&[Action::Help], "help"),
        ];
        assert_eq!(km.hints(items), "j/k select · F1 help");
        assert_eq!(km.first_label(Action::Reload), "(unbound)");
    }

    #[test]
    fn bad_overrides_are_explained() {
        let mut o = BTreeMap::new();
        o.insert("fly".to_string(), KeySpecs::One("x".into()));
        assert!(
            Keymap::with_overrides(&o)
                .unwrap_err()
                .contains("unknown action \"fly\"")
        );
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), KeySpecs::One("hyperdrive".into()));
        assert!(
            Keymap::with_overrides(&o)
                .unwrap_err()
                .contains("unknown key")
        );
    }
}
