//! Key bindings: the actions a key can trigger (on the screens, and in the pop-ups and the
//! filter), the default keys, overrides from the config file's `[keys]` table, and the help text
//! and hints generated from the bindings themselves. Every key the app acts on is looked up here.

mod key;

use std::collections::{BTreeMap, HashMap};

use crate::config::KeySpecs;

pub use key::Key;

/// Where an action applies; used to group the help screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Timeline,
    Details,
    Actions,
    Reports,
    /// The moderator's screens and keys: Audit, Stats, bulk removal.
    Moderation,
    /// The picker, help, the remove chooser, a moderator's confirmation, the filter being typed.
    Popups,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Everywhere => "Everywhere",
            Scope::Timeline => "Timeline",
            Scope::Details => "Details / Actions",
            Scope::Actions => "Actions",
            Scope::Reports => "Reports (moderators)",
            Scope::Moderation => "Moderators (Audit, Stats, bulk removal)",
            Scope::Popups => "Pop-ups and the filter",
        }
    }

    /// The table this scope's keys are looked up in.
    pub fn context(self) -> Context {
        match self {
            Scope::Popups => Context::Popups,
            _ => Context::Screens,
        }
    }
}

/// Where a key is looked up. The screens share one table, so a key does one thing on all of
/// them; the pop-ups and the filter being typed share another. The same key can so mean one
/// thing on a screen and another in a pop-up (Enter opens Details; in the picker it toggles the
/// reaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Screens,
    Popups,
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
    SwitchScreen = "switch_screen", Everywhere, ["tab"], "switch Timeline / Actions (/ Reports / Audit / Stats for moderators)";
    SwitchChannel = "switch_channel", Everywhere, ["ctrl-k", "C"], "channels: new messages in each; type to filter, Enter opens";
    Details = "details", Timeline, ["enter", "i"], "details: who reacted with what, who read it";
    Picker = "picker", Timeline, ["r", ":"], "reaction picker";
    ThumbsUp = "thumbs_up", Timeline, ["+"], "toggle 👍 on the selected message";
    ToggleFirst = "toggle_first", Timeline, ["="], "toggle the first reaction already there";
    RemoveMine = "remove_mine", Timeline, ["x"], "remove my reaction";
    OpenThread = "open_thread", Timeline, ["t"], "open the message's thread (Esc goes back)";
    Restore = "restore", Timeline, ["u"], "restore a deleted message (others' need moderator mode)";
    Delete = "delete", Details, ["d"], "remove the selected action (others' need moderator mode)";
    Filter = "filter", Actions, ["/"], "filter: user:bob type:reaction value:🍆 message:TT since:1h until:10m, or words";
    Audit = "audit", Moderation, ["A"], "the moderation log: every moderator's operations, live";
    Stats = "stats", Moderation, ["S"], "reactions per minute, top values and users, spikes";
    Bulk = "bulk_remove", Moderation, ["B"], "bulk removal: a dry run of what the filter, the action in Details or the spike matches";
    Undo = "undo", Moderation, ["U"], "on Audit: undo the selected removal (back as its author)";
    Window = "window", Moderation, ["w"], "on Stats: the next window (15 min, 1 h, 6 h, 24 h)";
    Resolve = "resolve", Reports, ["c"], "mark the report resolved, saying what was done";
    Reload = "reload", Everywhere, ["R"], "reload from the server (and reconnect now if waiting to)";
    Help = "help", Everywhere, ["?"], "this help";
    Back = "back", Everywhere, ["esc"], "close / go back";
    Quit = "quit", Everywhere, ["q", "ctrl-c"], "quit (typed: leaves Details, a thread, a pop-up first)";
    PopupDown = "popup_down", Popups, ["j", "down"], "next item, or scroll down";
    PopupUp = "popup_up", Popups, ["k", "up"], "previous item, or scroll up";
    PopupPageDown = "popup_page_down", Popups, ["pagedown"], "a page down";
    PopupPageUp = "popup_page_up", Popups, ["pageup"], "a page up";
    Choose = "choose", Popups, ["enter"], "toggle the reaction, remove the chosen, confirm with the reason typed, keep the filter, store a note";
    Cancel = "cancel", Popups, ["esc"], "close the picker or the chooser, keep the action, clear the filter, stop a bulk run";
    Erase = "erase", Popups, ["backspace"], "delete the last character typed";
    Retry = "retry", Popups, ["r"], "retry a bulk run's failed removals";
    Resume = "resume", Popups, ["c"], "continue a stopped bulk run";
}

/// Keys to actions (in each context), and actions to their keys (for help).
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<(Context, Key), Action>,
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
                by_key.insert((action.scope().context(), *key), *action);
            }
        }
        Self { by_key, by_action }
    }

    /// The defaults with the config's `[keys]` applied: an action listed there gets exactly
    /// the keys given, and those keys leave whatever action of the same context (screens or
    /// pop-ups) had them by default. A key given to two actions of one context is refused,
    /// naming both: one table serves every screen (and one every pop-up), so one of them would
    /// silently never be reachable.
    pub fn with_overrides(overrides: &BTreeMap<String, KeySpecs>) -> Result<Self, String> {
        let mut lists = Self::default().by_action;
        let mut given: HashMap<(Context, Key), Action> = HashMap::new();
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
            let context = action.scope().context();
            for key in &keys {
                let earlier = given.insert((context, *key), action);
                if let Some(other) = earlier.filter(|&o| o != action) {
                    return Err(format!(
                        "[keys]: key {:?} is bound to both {} and {}; give it to one of them",
                        key.label(),
                        other.name(),
                        action.name()
                    ));
                }
            }
            for (other, other_keys) in lists.iter_mut() {
                if *other != action && other.scope().context() == context {
                    other_keys.retain(|k| !keys.contains(k));
                }
            }
            if let Some(entry) = lists.iter_mut().find(|(a, _)| *a == action) {
                entry.1 = keys;
            }
        }
        Ok(Self::from_lists(lists))
    }

    /// The action `key` is bound to in `context`.
    pub fn action(&self, context: Context, key: Key) -> Option<Action> {
        self.by_key.get(&(context, key)).copied()
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
        self.hints_with(items, |_| true)
    }

    /// The same for a pop-up that takes typed text (the picker, the filter): there a letter is
    /// text, so only keys that are not (arrows, Enter, Esc, Ctrl-…) are named.
    pub fn typing_hints(&self, items: &[(&[Action], &str)]) -> String {
        self.hints_with(items, |key| !key.is_text())
    }

    fn hints_with(&self, items: &[(&[Action], &str)], usable: impl Fn(&Key) -> bool) -> String {
        let first = |action: Action| self.keys(action).iter().find(|k| usable(k)).map(Key::label);
        items
            .iter()
            .filter_map(|(actions, what)| {
                let keys: Option<Vec<String>> = actions.iter().map(|&a| first(a)).collect();
                keys.map(|keys| format!("{} {what}", keys.join("/")))
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
            Scope::Reports,
            Scope::Moderation,
            Scope::Everywhere,
            Scope::Popups,
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
    use crossterm::event::{KeyCode, KeyModifiers};

    /// What `spec` does on the screens.
    fn on_screens(km: &Keymap, spec: &str) -> Option<Action> {
        km.action(Context::Screens, Key::parse(spec).unwrap())
    }

    /// What `spec` does in a pop-up.
    fn in_popups(km: &Keymap, spec: &str) -> Option<Action> {
        km.action(Context::Popups, Key::parse(spec).unwrap())
    }

    #[test]
    fn default_keys_from_the_issue_are_bound() {
        let km = Keymap::default();
        let act = |spec: &str| on_screens(&km, spec);
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
        assert_eq!(km.action(Context::Screens, shifted), Some(Action::Last));
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
        assert_eq!(on_screens(&km, "f1"), Some(Action::Help));
        assert_eq!(on_screens(&km, "j"), Some(Action::Help));
        assert_eq!(on_screens(&km, "?"), None);
        assert_eq!(
            in_popups(&km, "j"),
            Some(Action::PopupDown),
            "a screen's remap leaves the pop-ups' keys alone"
        );
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
    fn pop_ups_have_their_own_table_with_the_usual_keys() {
        let km = Keymap::default();
        assert_eq!(on_screens(&km, "enter"), Some(Action::Details));
        assert_eq!(in_popups(&km, "enter"), Some(Action::Choose));
        assert_eq!(in_popups(&km, "esc"), Some(Action::Cancel));
        assert_eq!(in_popups(&km, "down"), Some(Action::PopupDown));
        assert_eq!(in_popups(&km, "pagedown"), Some(Action::PopupPageDown));
        assert_eq!(in_popups(&km, "backspace"), Some(Action::Erase));
        assert_eq!(in_popups(&km, "r"), Some(Action::Retry));
        assert_eq!(
            in_popups(&km, "ctrl-c"),
            None,
            "quitting is the screens' key"
        );
        // A pop-up key taken by a remap is taken in the pop-ups only: Tab still switches.
        let km = Keymap::with_overrides(&table(&[("choose", &["tab"])])).unwrap();
        assert_eq!(in_popups(&km, "tab"), Some(Action::Choose));
        assert_eq!(in_popups(&km, "enter"), None);
        assert_eq!(on_screens(&km, "tab"), Some(Action::SwitchScreen));
        // Two pop-up actions given one key are refused, like two screen actions.
        let err = Keymap::with_overrides(&table(&[("choose", &["tab"]), ("cancel", &["tab"])]))
            .unwrap_err();
        assert!(err.contains("choose") && err.contains("cancel"), "{err}");
    }

    #[test]
    fn typing_hints_name_only_keys_that_are_not_text() {
        let km = Keymap::default();
        let items: &[(&[Action], &str)] = &[
            (&[Action::PopupUp, Action::PopupDown], "choose"),
            (&[Action::Choose], "toggle"),
        ];
        assert_eq!(km.hints(items), "k/j choose · Enter toggle");
        assert_eq!(km.typing_hints(items), "↑/↓ choose · Enter toggle");
        // Bound to letters only, moving has no key while typing.
        let km = Keymap::with_overrides(&table(&[("popup_up", &["p"])])).unwrap();
        assert_eq!(km.typing_hints(items), "Enter toggle");
        assert!(Key::parse("ctrl-p").is_ok_and(|k| !k.is_text()));
        assert!(Key::parse("P").is_ok_and(|k| k.text() == Some('P')));
        assert!(Key::parse("space").is_ok_and(|k| k.is_text()));
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
