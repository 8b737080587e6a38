//! Keys and mouse targets: which action they mean on the current screen or pop-up, and what
//! that action does to the selection. Reactions and removals are handed to `reacting`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::details::{DetailsView, detail_rows};
use super::keymap::{Action, Key};
use super::{App, Command, Overlay, PREFETCH_MARGIN, Screen, loading, reacting};
use super::{MouseTarget, picker::Picker};

/// Handles a key press; returns whether anything visible changed.
pub(super) fn on_key(app: &mut App, key: KeyEvent, commands: &mut Vec<Command>) -> bool {
    if key.kind == KeyEventKind::Release {
        return false;
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.quit = true;
        return true;
    }
    // A notice is about what came before this key; the key's own notice (if any) replaces it.
    let cleared = app.notice.take().is_some();
    if app.overlay.is_some() {
        return on_overlay_key(app, key, commands) || cleared;
    }
    if app.screen == Screen::Actions && app.actions.editing_filter {
        return on_filter_key(app, key, commands) || cleared;
    }
    match app.options.keymap.action(Key::from_event(&key)) {
        Some(action) => on_action(app, action, commands) || cleared,
        None => cleared,
    }
}

fn on_action(app: &mut App, action: Action, commands: &mut Vec<Command>) -> bool {
    match action {
        Action::Quit => match app.screen {
            Screen::Details(view) => app.screen = view.back(),
            _ => app.quit = true,
        },
        Action::Back => match app.screen {
            Screen::Details(view) => app.screen = view.back(),
            Screen::Actions if !app.actions.filter.is_empty() => {
                app.actions.filter.clear();
                app.actions.reselect(&app.symbols);
            }
            _ => app.notice = None,
        },
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::SwitchScreen => {
            app.screen = match app.screen {
                Screen::Actions => Screen::Timeline,
                _ => Screen::Actions,
            };
            if app.screen == Screen::Actions
                && !app.actions.is_loaded()
                && !app.actions.is_loading()
            {
                loading::load_actions(app, None, commands);
            }
        }
        Action::Reload => loading::reload_now(app, commands),
        Action::Down => move_selection(app, Step::By(1), commands),
        Action::Up => move_selection(app, Step::By(-1), commands),
        Action::PageDown => move_selection(app, Step::By(app.page_size() as isize), commands),
        Action::PageUp => move_selection(app, Step::By(-(app.page_size() as isize)), commands),
        Action::First => move_selection(app, Step::First, commands),
        Action::Last => move_selection(app, Step::Last, commands),
        Action::Details => open_details(app, commands),
        Action::Picker => match target_message(app) {
            Some(tt) => app.overlay = Some(Overlay::Picker(Picker::open(tt, &app.emoji))),
            None => app.info("No message selected"),
        },
        Action::ThumbsUp => match target_message(app) {
            Some(tt) => reacting::toggle(app, tt, "👍", commands),
            None => app.info("No message selected"),
        },
        Action::ToggleFirst => reacting::toggle_first(app, commands),
        Action::RemoveMine => reacting::remove_mine(app, commands),
        Action::Delete => reacting::delete_selected(app, commands),
        Action::Filter => {
            if app.screen == Screen::Actions {
                app.actions.editing_filter = true;
            } else {
                let [filter, switch] = app.key_labels([Action::Filter, Action::SwitchScreen]);
                app.info(format!("{filter} filters the Actions screen ({switch})"));
            }
        }
    }
    true
}

/// The message the reaction keys act on: the Timeline's selection or the Details' message.
fn target_message(app: &App) -> Option<crate::pubnub::Timetoken> {
    match app.screen {
        Screen::Details(view) => Some(view.message_tt),
        Screen::Timeline => app.selected,
        Screen::Actions => app
            .actions
            .selected
            .and_then(|tt| app.actions.get(tt))
            .map(|row| row.message_tt)
            .filter(|tt| app.timeline.get(*tt).is_some()),
    }
}

fn open_details(app: &mut App, commands: &mut Vec<Command>) {
    let Some(tt) = target_message(app) else {
        let text = if app.screen == Screen::Actions {
            "That action's message is not loaded; scroll the Timeline back to it"
        } else {
            "No message selected"
        };
        app.info(text);
        return;
    };
    // Re-read the message so the list is complete and current.
    commands.push(app.refresh_message(tt));
    let mut view = DetailsView::new(tt);
    view.refreshing = true;
    view.from_actions = app.screen == Screen::Actions;
    if let Some(message) = app.timeline.get(tt) {
        view.move_by(&detail_rows(message, &app.kinds), 0);
    }
    app.screen = Screen::Details(view);
}

/// How far the selection moves: by some items in screen order (negative = up), or to an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    By(isize),
    First,
    Last,
}

/// Moves the selection of the current screen.
fn move_selection(app: &mut App, step: Step, commands: &mut Vec<Command>) {
    match app.screen {
        Screen::Timeline => move_timeline(app, step, commands),
        Screen::Details(mut view) => {
            if let Some(message) = app.timeline.get(view.message_tt) {
                let rows = detail_rows(message, &app.kinds);
                match step {
                    Step::By(delta) => view.move_by(&rows, delta),
                    Step::First => view.first(&rows),
                    Step::Last => view.last(&rows),
                }
                app.screen = Screen::Details(view);
            }
        }
        Screen::Actions => {
            let symbols = &app.symbols;
            let view = &app.actions;
            app.actions.selected = match (step, view.selected.or_else(|| view.newest(symbols))) {
                (_, None) => None,
                (Step::First, _) => view.newest(symbols),
                (Step::Last, _) => view.oldest(symbols),
                (Step::By(delta), Some(current)) => view.step(current, delta, symbols),
            };
            loading::prefetch_actions(app, commands);
        }
    }
}

fn move_timeline(app: &mut App, step: Step, commands: &mut Vec<Command>) {
    let len = app.timeline.len();
    if len == 0 {
        return;
    }
    let current = app
        .selected
        .and_then(|tt| app.timeline.position(tt).ok())
        .unwrap_or(len - 1);
    let target = match step {
        Step::By(delta) => (current as isize)
            .saturating_add(delta)
            .clamp(0, len as isize - 1) as usize,
        Step::First => 0,
        Step::Last => len - 1,
    };
    app.selected = app.timeline.at(target).map(|m| m.timetoken);
    app.follow = target == len - 1;
    // `g` keeps loading older pages until the channel's start.
    app.jump_to_start = step == Step::First;
    if target < PREFETCH_MARGIN || app.jump_to_start {
        loading::load_older(app, commands);
    }
}

fn on_overlay_key(app: &mut App, key: KeyEvent, commands: &mut Vec<Command>) -> bool {
    let Some(overlay) = app.overlay.take() else {
        return false;
    };
    let plain_char = match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    };
    app.overlay = match overlay {
        Overlay::Help { scroll } => match key.code {
            KeyCode::Down | KeyCode::Char('j') => Some(Overlay::Help {
                scroll: scroll.saturating_add(1),
            }),
            KeyCode::Up | KeyCode::Char('k') => Some(Overlay::Help {
                scroll: scroll.saturating_sub(1),
            }),
            KeyCode::PageDown => Some(Overlay::Help {
                scroll: scroll.saturating_add(10),
            }),
            KeyCode::PageUp => Some(Overlay::Help {
                scroll: scroll.saturating_sub(10),
            }),
            _ => None,
        },
        Overlay::Confirm { target, .. } => {
            if plain_char == Some('y') || plain_char == Some('Y') {
                reacting::start_remove(app, target, true, commands);
            } else {
                app.info("Nothing removed");
            }
            None
        }
        Overlay::Chooser {
            message_tt,
            options,
            mut selected,
        } => match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                selected = (selected + 1).min(options.len().saturating_sub(1));
                Some(Overlay::Chooser {
                    message_tt,
                    options,
                    selected,
                })
            }
            KeyCode::Up | KeyCode::Char('k') => {
                selected = selected.saturating_sub(1);
                Some(Overlay::Chooser {
                    message_tt,
                    options,
                    selected,
                })
            }
            KeyCode::Enter => {
                if let Some(action) = options.get(selected) {
                    reacting::start_remove(app, action.on(message_tt), false, commands);
                }
                None
            }
            _ => None,
        },
        Overlay::Picker(mut picker) => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => {
                if let Some(entry) = picker.current(&app.emoji) {
                    let glyph = entry.glyph;
                    reacting::toggle(app, picker.message_tt, glyph, commands);
                }
                None
            }
            KeyCode::Down => {
                picker.move_by(1);
                Some(Overlay::Picker(picker))
            }
            KeyCode::Up => {
                picker.move_by(-1);
                Some(Overlay::Picker(picker))
            }
            KeyCode::PageDown => {
                picker.move_by(8);
                Some(Overlay::Picker(picker))
            }
            KeyCode::PageUp => {
                picker.move_by(-8);
                Some(Overlay::Picker(picker))
            }
            KeyCode::Backspace => {
                let mut query = picker.query.clone();
                query.pop();
                picker.set_query(query, &app.emoji);
                Some(Overlay::Picker(picker))
            }
            _ => {
                if let Some(c) = plain_char {
                    let query = format!("{}{c}", picker.query);
                    picker.set_query(query, &app.emoji);
                }
                Some(Overlay::Picker(picker))
            }
        },
    };
    true
}

/// A key while the Actions filter is typed. Filtering searches further pages as needed.
fn on_filter_key(app: &mut App, key: KeyEvent, commands: &mut Vec<Command>) -> bool {
    match key.code {
        KeyCode::Esc => {
            app.actions.filter.clear();
            app.actions.editing_filter = false;
        }
        KeyCode::Enter => app.actions.editing_filter = false,
        KeyCode::Backspace => {
            app.actions.filter.pop();
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            app.actions.filter.extend(c.to_lowercase());
        }
        _ => return false,
    }
    app.actions.reselect(&app.symbols);
    loading::prefetch_actions(app, commands);
    true
}

/// Handles a resolved mouse target.
pub(super) fn on_mouse(app: &mut App, target: MouseTarget, commands: &mut Vec<Command>) -> bool {
    if app.overlay.is_some() {
        return false;
    }
    match target {
        MouseTarget::ScrollUp => move_selection(app, Step::By(-3), commands),
        MouseTarget::ScrollDown => move_selection(app, Step::By(3), commands),
        MouseTarget::Message(tt) => {
            if app.timeline.get(tt).is_some() {
                app.selected = Some(tt);
                app.follow = app.timeline.last().is_some_and(|m| m.timetoken == tt);
            }
        }
        MouseTarget::Chip { message_tt, value } => {
            app.selected = Some(message_tt);
            let raw = app.symbols.raw(value).to_string();
            reacting::toggle(app, message_tt, &raw, commands);
        }
        MouseTarget::ActionRow(tt) => app.actions.selected = Some(tt),
    }
    true
}
