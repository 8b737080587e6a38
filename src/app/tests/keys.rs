//! Every key from the keymap: the picker, help's scrolling, the remove chooser, a moderator's
//! confirmation, the filter and quitting follow a remapped `[keys]` table, and so do the help
//! and the notices that name a key. Typed text stays text in the picker and the filter.

use std::collections::BTreeMap;

use super::*;
use crate::app::keymap::{Action, Key, Keymap};
use crate::config::KeySpecs;

/// An app with the demo loaded and `[keys]` set to `entries`.
fn remapped(user: &str, moderator: bool, entries: &[(&str, &[&str])]) -> App {
    let table: BTreeMap<String, KeySpecs> = entries
        .iter()
        .map(|(name, keys)| {
            let keys = keys.iter().map(|k| k.to_string()).collect();
            (name.to_string(), KeySpecs::Many(keys))
        })
        .collect();
    let keymap = Keymap::with_overrides(&table).expect("a valid [keys] table");
    loaded_with(Options {
        keymap,
        ..options(user, moderator)
    })
}

/// Presses the key written as in `[keys]` (`ctrl-g`, `tab`, `n`).
fn press(app: &mut App, spec: &str) -> Outcome {
    let key = Key::parse(spec).expect("a key");
    update(app, Event::Key(KeyEvent::new(key.code, key.modifiers)))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

fn picker(app: &App) -> &picker::Picker {
    match &app.overlay {
        Some(Overlay::Picker(p)) => p,
        other => panic!("expected the picker: {other:?}"),
    }
}

/// The keys the help lists for `action`.
fn help_keys(app: &App, action: Action) -> String {
    app.options
        .keymap
        .help()
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .find(|(_, what)| *what == action.help())
        .map(|(keys, _)| keys)
        .expect("listed in the help")
}

#[test]
fn the_picker_takes_its_keys_from_the_keymap_and_letters_as_text() {
    let mut app = remapped(
        "zoe",
        false,
        &[
            ("choose", &["tab"]),
            ("cancel", &["ctrl-g"]),
            ("popup_down", &["ctrl-n"]),
            ("erase", &["ctrl-h"]),
        ],
    );
    ch(&mut app, 'r');
    typed(&mut app, "thuj");
    assert_eq!(picker(&app).query, "thuj", "letters are typed, j too");
    assert!(key(&mut app, KeyCode::Enter).commands.is_empty());
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Backspace);
    assert_eq!(
        picker(&app).query,
        "thuj",
        "Enter, Esc and Backspace are no longer the picker's keys"
    );
    press(&mut app, "ctrl-h");
    assert_eq!(picker(&app).query, "thu");
    press(&mut app, "ctrl-n");
    assert_eq!(picker(&app).selected, 1);
    press(&mut app, "ctrl-g");
    assert!(app.overlay.is_none(), "the remapped cancel closes it");

    ch(&mut app, 'r');
    typed(&mut app, "thu");
    let (_, _, value) = add_command(&press(&mut app, "tab"));
    assert_eq!(value, "👍", "the remapped choose toggles the first match");
    assert!(app.overlay.is_none());
    assert_eq!(help_keys(&app, Action::Choose), "Tab");
    assert_eq!(help_keys(&app, Action::Cancel), "Ctrl-G");
}

#[test]
fn help_scrolls_with_the_remapped_keys_and_lists_them() {
    let mut app = remapped(
        "carol",
        false,
        &[("popup_down", &["n"]), ("popup_up", &["p"])],
    );
    ch(&mut app, '?');
    typed(&mut app, "nnp");
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 1 }));
    ch(&mut app, 'j');
    assert!(app.overlay.is_none(), "j no longer scrolls: it closes help");
    assert_eq!(help_keys(&app, Action::PopupDown), "n");
    assert_eq!(
        help_keys(&app, Action::Down),
        "j/↓",
        "the screens keep their j"
    );
}

#[test]
fn the_chooser_moves_and_removes_with_the_remapped_keys() {
    let mut app = remapped(
        "carol",
        false,
        &[("popup_down", &["ctrl-n"]), ("choose", &["space"])],
    );
    let tt = last_tt(&app);
    for v in ["🎉", "🔥"] {
        let action = stored(tt, tt.get() + v.len() as u64, "carol", v);
        live_message_with(&mut app, tt, "", &[action]);
    }
    app.selected = Some(tt);
    ch(&mut app, 'x');
    let Some(Overlay::Chooser { options, .. }) = app.overlay.clone() else {
        panic!("two of my reactions: a chooser, {:?}", app.overlay)
    };
    press(&mut app, "ctrl-n");
    assert!(matches!(
        app.overlay,
        Some(Overlay::Chooser { selected: 1, .. })
    ));
    let (_, action_tt, _) = remove_command(&press(&mut app, "space"));
    assert_eq!(action_tt, options[1].action_tt, "the second one, chosen");
    assert!(app.overlay.is_none());
}

#[test]
fn a_moderators_confirmation_takes_the_remapped_choose_and_cancel() {
    let mut app = remapped(
        "mod",
        true,
        &[("choose", &["ctrl-o"]), ("cancel", &["ctrl-g"])],
    );
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    assert!(matches!(app.overlay, Some(Overlay::Confirm { .. })));
    // Letters are the reason; the remapped cancel keeps the action.
    assert!(ch(&mut app, 'y').commands.is_empty(), "y is text here");
    assert!(press(&mut app, "ctrl-g").commands.is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text == "Nothing removed")
    );
    ch(&mut app, 'd');
    let (_, records) = recorded_command(&press(&mut app, "ctrl-o"));
    assert_eq!(records[0].author, "bob");
}

#[test]
fn the_filter_keeps_and_clears_with_the_remapped_keys() {
    let mut app = remapped(
        "carol",
        false,
        &[("choose", &["ctrl-k"]), ("cancel", &["ctrl-g"])],
    );
    let op = fetch_op(&key(&mut app, KeyCode::Tab).commands);
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Actions(Ok(actions_page(40)))),
    );
    ch(&mut app, '/');
    typed(&mut app, "erin");
    key(&mut app, KeyCode::Enter);
    assert!(app.actions.editing_filter, "Enter no longer keeps it");
    press(&mut app, "ctrl-k");
    assert!(!app.actions.editing_filter);
    assert_eq!(app.actions.filter, "erin");
    ch(&mut app, '/');
    press(&mut app, "ctrl-g");
    assert!(!app.actions.editing_filter && app.actions.filter.is_empty());
}

#[test]
fn quitting_follows_the_keymap_and_a_non_text_quit_key_works_from_a_popup() {
    let mut app = remapped("carol", false, &[("quit", &["ctrl-q"])]);
    let out = press(&mut app, "ctrl-c");
    assert!(
        !app.quit && out.commands.is_empty(),
        "Ctrl-C is unbound now"
    );
    ch(&mut app, 'r');
    ch(&mut app, 'q');
    assert!(!app.quit && picker(&app).query == "q", "q is typed");
    let out = press(&mut app, "ctrl-q");
    assert!(app.quit && out.commands.contains(&Command::Quit));
    // By default Ctrl-C quits from the filter too; q is typed there.
    let mut app = loaded("carol", false);
    key(&mut app, KeyCode::Tab);
    ch(&mut app, '/');
    ch(&mut app, 'q');
    assert!(!app.quit && app.actions.filter == "q");
    press(&mut app, "ctrl-c");
    assert!(app.quit);
}

#[test]
fn a_failed_load_names_the_remapped_reload_key() {
    let mut app = App::new(Options {
        keymap: Keymap::with_overrides(&BTreeMap::from([(
            "reload".to_string(),
            KeySpecs::One("F5".into()),
        )]))
        .expect("a valid [keys] table"),
        ..options("carol", false)
    });
    let op = fetch_op(&app.start());
    let e = Error::Network {
        message: "connection refused".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::History(Err(e))));
    let notice = app.notice.as_ref().map(|n| n.text.as_str()).unwrap_or("");
    assert!(notice.ends_with("(F5 retries)"), "{notice}");
    assert!(
        press(&mut app, "F5")
            .commands
            .iter()
            .any(|c| matches!(c, Command::FetchHistory { start: None, .. }))
    );
}
