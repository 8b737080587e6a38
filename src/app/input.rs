//! Keys and mouse targets: which action they mean on the current screen or pop-up, and what
//! that action does to the selection. Reactions and removals are handed to `reacting`, threads
//! to `threads`, restoring to `restore`, reports to `reports`.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::channels::Switcher;
use super::details::{DetailsView, detail_rows};
use super::keymap::{Action, Context, Key};
use super::{
    App, Command, Confirmation, Overlay, PREFETCH_MARGIN, Screen, auditing, bulk, channels,
    loading, reacting, reporting, restore, threads, waiting,
};
use super::{MouseTarget, picker::Picker};

/// Handles a key press; returns whether anything visible changed. Every key is looked up in
/// the keymap: on a screen in its screens table, in a pop-up or the filter in its pop-ups table
/// (where typed text, in the picker's search and the filter, comes first).
pub(super) fn on_key(app: &mut App, event: KeyEvent, commands: &mut Vec<Command>) -> bool {
    if event.kind == KeyEventKind::Release {
        return false;
    }
    let key = Key::from_event(&event);
    let keymap = &app.options.keymap;
    let filtering = app.screen == Screen::Actions && app.actions.editing_filter;
    let audit_filtering = app.screen == Screen::Audit && app.audit.editing_filter;
    let popup_action =
        (app.overlay.is_some() || filtering || audit_filtering || app.bulk.is_some())
            .then(|| keymap.action(Context::Popups, key))
            .flatten();
    // A quit key that is not typed text (Ctrl-C) quits at once from anywhere, unless a pop-up
    // has that key for itself; a typed one (q) leaves Details or a pop-up first.
    if popup_action.is_none()
        && !key.is_text()
        && keymap.action(Context::Screens, key) == Some(Action::Quit)
    {
        app.quit = true;
        return true;
    }
    // A notice is about what came before this key; the key's own notice (if any) replaces it.
    let cleared = app.notice.take().is_some();
    if app.bulk.is_some() {
        let ran = matches!(app.bulk, Some(bulk::Bulk::Running { .. }));
        let changed = bulk::on_key(app, key, popup_action, commands);
        // Closing a run on Stats shows the figures without what it removed.
        if ran && app.bulk.is_none() && app.screen == Screen::Stats {
            auditing::load_stats(app, commands);
        }
        return changed || cleared;
    }
    if app.overlay.is_some() {
        return on_overlay_key(app, key, popup_action, commands) || cleared;
    }
    if filtering {
        return on_filter_key(app, key, popup_action, commands) || cleared;
    }
    if audit_filtering {
        return auditing::on_filter_key(app, key, popup_action) || cleared;
    }
    match app.options.keymap.action(Context::Screens, key) {
        Some(action) => on_action(app, action, commands) || cleared,
        None => cleared,
    }
}

fn on_action(app: &mut App, action: Action, commands: &mut Vec<Command>) -> bool {
    match action {
        Action::Quit => match app.screen {
            Screen::Details(view) => app.screen = view.back(),
            // A typed quit leaves a thread first, as it leaves Details.
            _ if threads::in_thread(app) => leave_thread(app, commands),
            _ => app.quit = true,
        },
        Action::Back => match app.screen {
            Screen::Details(view) => app.screen = view.back(),
            Screen::Actions if !app.actions.filter.is_empty() => {
                app.actions.clear_filter();
                app.actions.reselect();
            }
            Screen::Audit if !app.audit.filter_text.is_empty() => {
                let clock = app.clock();
                app.audit.set_filter(String::new(), clock);
            }
            Screen::Reports => app.screen = Screen::Timeline,
            _ if threads::in_thread(app) => leave_thread(app, commands),
            _ => app.notice = None,
        },
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::SwitchChannel => {
            channels::open_switcher(app, commands);
            waiting::refresh(app, commands);
        }
        Action::SwitchScreen => {
            // Reports are the channel's, for moderators: not inside a thread.
            let moderator = app.options.moderator;
            let reports = moderator && !threads::in_thread(app);
            app.screen = match app.screen {
                Screen::Actions if reports => Screen::Reports,
                Screen::Actions | Screen::Reports if moderator => Screen::Audit,
                Screen::Audit => Screen::Stats,
                Screen::Actions | Screen::Reports | Screen::Stats => Screen::Timeline,
                _ => Screen::Actions,
            };
            match app.screen {
                Screen::Audit => auditing::open_audit(app, commands),
                Screen::Stats => auditing::open_stats(app, commands),
                _ => {}
            }
            if app.screen == Screen::Actions
                && !app.actions.is_loaded()
                && !app.actions.is_loading()
            {
                loading::load_actions(app, None, commands);
            }
            if app.screen == Screen::Reports && !app.reports.loaded {
                reporting::load(app, false, commands);
            }
        }
        Action::Reload if app.screen == Screen::Stats => auditing::load_stats(app, commands),
        Action::Reload => loading::reload_now(app, commands),
        Action::Audit => auditing::open_audit(app, commands),
        Action::Stats => auditing::open_stats(app, commands),
        Action::Bulk => bulk_key(app, commands),
        Action::Undo if app.screen == Screen::Audit => auditing::ask_undo(app),
        Action::Window if app.screen == Screen::Stats => auditing::next_window(app, commands),
        Action::Undo | Action::Window => {
            let [audit, stats, undo, window] =
                app.key_labels([Action::Audit, Action::Stats, Action::Undo, Action::Window]);
            app.info(format!(
                "{undo} undoes a removal on the Audit screen ({audit}); {window} changes the Stats window ({stats})"
            ));
        }
        Action::Down => move_selection(app, Step::By(1), commands),
        Action::Up => move_selection(app, Step::By(-1), commands),
        Action::PageDown => move_selection(app, Step::By(app.page_size() as isize), commands),
        Action::PageUp => move_selection(app, Step::By(-(app.page_size() as isize)), commands),
        Action::First => move_selection(app, Step::First, commands),
        Action::Last => move_selection(app, Step::Last, commands),
        Action::Details if app.screen == Screen::Audit => auditing::jump(app, commands),
        Action::Details if app.screen == Screen::Reports => reporting::jump(app, commands),
        Action::Details => open_details(app, commands),
        Action::OpenThread => {
            let target = target_message(app);
            threads::open(app, target, commands);
        }
        Action::Restore => {
            let target = target_message(app);
            restore::start(app, target, commands);
        }
        Action::Resolve => {
            if app.screen == Screen::Reports {
                reporting::start_resolve(app);
            } else if app.options.moderator {
                let [resolve, switch] = app.key_labels([Action::Resolve, Action::SwitchScreen]);
                app.info(format!(
                    "{resolve} marks a report resolved on the Reports screen ({switch})"
                ));
            } else {
                app.info("Reports are for moderators (--moderator)");
            }
        }
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
            } else if app.screen == Screen::Audit {
                app.audit.editing_filter = true;
            } else {
                let [filter, switch] = app.key_labels([Action::Filter, Action::SwitchScreen]);
                app.info(format!("{filter} filters the Actions screen ({switch})"));
            }
        }
        // Bound in the pop-ups' table only: never looked up on a screen.
        Action::PopupDown
        | Action::PopupUp
        | Action::PopupPageDown
        | Action::PopupPageUp
        | Action::Choose
        | Action::Cancel
        | Action::Erase
        | Action::Retry
        | Action::Resume => return false,
    }
    true
}

/// The bulk key: a dry run of what the screen offers (the Actions filter, a spike) or a choice
/// for the action selected in Details.
fn bulk_key(app: &mut App, commands: &mut Vec<Command>) {
    match app.screen {
        Screen::Actions => {
            let filter = app.actions.filter.clone();
            bulk::open(app, &filter, commands);
        }
        Screen::Stats => auditing::bulk_from_spike(app, commands),
        Screen::Details(view) => {
            let selected = app.timeline.get(view.message_tt).and_then(|m| {
                view.selected_entry(&detail_rows(m, &app.kinds))
                    .map(|e| e.action.on(m.timetoken).to_stored(&app.symbols))
            });
            match selected {
                Some(action) => auditing::bulk_choices(app, &action),
                None => app.info("No action selected"),
            }
        }
        Screen::Timeline | Screen::Audit | Screen::Reports => {
            let [bulk, filter, details, stats] =
                app.key_labels([Action::Bulk, Action::Filter, Action::Details, Action::Stats]);
            app.info(format!(
                "{bulk} removes in bulk what the Actions filter ({filter}) matches, an action's \
                 value or user in Details ({details}), or a spike on Stats ({stats})"
            ));
        }
    }
}

/// Back from a thread to the channel it was opened from, re-read if it missed events.
fn leave_thread(app: &mut App, commands: &mut Vec<Command>) {
    if threads::back(app, commands) == Some(true) {
        loading::reload(app, commands);
    }
}

/// The message the reaction keys act on: the Timeline's selection or the Details' message.
fn target_message(app: &App) -> Option<crate::pubnub::Timetoken> {
    match app.screen {
        Screen::Audit | Screen::Stats => None,
        Screen::Details(view) => Some(view.message_tt),
        Screen::Timeline => app.selected,
        Screen::Actions => app
            .actions
            .selected
            .and_then(|tt| app.actions.get(tt))
            .map(|row| row.message_tt)
            .filter(|tt| app.timeline.get(*tt).is_some()),
        Screen::Reports => None,
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
            let view = &app.actions;
            app.actions.selected = match (step, view.selected.or_else(|| view.newest())) {
                (_, None) => None,
                (Step::First, _) => view.newest(),
                (Step::Last, _) => view.oldest(),
                (Step::By(delta), Some(current)) => view.step(current, delta),
            };
            loading::prefetch_actions(app, commands);
        }
        Screen::Audit => match step {
            Step::By(delta) => app.audit.move_by(delta),
            Step::First => app.audit.first(),
            Step::Last => app.audit.last(),
        },
        Screen::Stats => match step {
            Step::By(delta) => app.stats.move_by(delta.signum()),
            Step::First => app.stats.selected = 0,
            Step::Last => app.stats.move_by(isize::MAX / 2),
        },
        Screen::Reports => {
            match step {
                Step::By(delta) => app.reports.step(delta),
                Step::First => app.reports.first(),
                Step::Last => app.reports.last(),
            }
            reporting::prefetch(app, commands);
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

/// A key in a pop-up: `action` is what the pop-ups' table binds it to.
fn on_overlay_key(
    app: &mut App,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> bool {
    let Some(overlay) = app.overlay.take() else {
        return false;
    };
    app.overlay = match overlay {
        // Any key but the scrolling ones closes help.
        Overlay::Help { scroll } => match action {
            Some(Action::PopupDown) => Some(scroll.saturating_add(1)),
            Some(Action::PopupUp) => Some(scroll.saturating_sub(1)),
            Some(Action::PopupPageDown) => Some(scroll.saturating_add(10)),
            Some(Action::PopupPageUp) => Some(scroll.saturating_sub(10)),
            _ => None,
        }
        .map(|scroll| Overlay::Help { scroll }),
        // Typed text is the reason; Enter does it, Esc keeps things as they are.
        Overlay::Confirm {
            target,
            prompt,
            mut reason,
        } => match (key.text(), action) {
            (Some(c), _) => {
                reason.push(c);
                Some(Overlay::Confirm {
                    target,
                    prompt,
                    reason,
                })
            }
            (None, Some(Action::Choose)) => {
                match target {
                    Confirmation::Remove(target) => {
                        let removal = reacting::Removal {
                            target,
                            moderated: true,
                            restore: false,
                        };
                        reacting::start_removal(app, removal, &reason, commands);
                    }
                    Confirmation::Restore(tt) => restore::confirmed(app, tt, &reason, commands),
                }
                None
            }
            (None, Some(Action::Erase)) => {
                reason.pop();
                Some(Overlay::Confirm {
                    target,
                    prompt,
                    reason,
                })
            }
            (None, Some(Action::Cancel)) => {
                app.info(match target {
                    Confirmation::Remove(_) => "Nothing removed",
                    Confirmation::Restore(_) => "Nothing restored",
                });
                None
            }
            _ => Some(Overlay::Confirm {
                target,
                prompt,
                reason,
            }),
        },
        Overlay::Undo {
            record,
            prompt,
            reason,
        } => auditing::on_undo_key(app, (record, prompt, reason), key, action, commands),
        Overlay::BulkChoice { options, selected } => {
            auditing::on_choice_key(app, options, selected, action, commands)
        }
        Overlay::Resolve { report_tt, note } => {
            on_note_key(app, report_tt, note, key, action, commands)
        }
        // Any key but moving closes the chooser; choosing removes the reaction as well.
        Overlay::Chooser {
            message_tt,
            options,
            selected,
        } => {
            let moved = match action {
                Some(Action::PopupDown) => {
                    Some((selected + 1).min(options.len().saturating_sub(1)))
                }
                Some(Action::PopupUp) => Some(selected.saturating_sub(1)),
                Some(Action::Choose) => {
                    if let Some(action) = options.get(selected) {
                        reacting::remove_reaction(app, message_tt, action.value, commands);
                    }
                    None
                }
                _ => None,
            };
            moved.map(|selected| Overlay::Chooser {
                message_tt,
                options,
                selected,
            })
        }
        Overlay::Picker(picker) => on_picker_key(app, picker, key, action, commands),
        Overlay::Switcher(switcher) => on_switcher_key(app, switcher, key, action, commands),
    };
    true
}

/// A key in the picker: typed text searches; the bound keys move, toggle, erase and close.
fn on_picker_key(
    app: &mut App,
    mut picker: Picker,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    if let Some(c) = key.text() {
        let query = format!("{}{c}", picker.query);
        picker.set_query(query, &app.emoji);
        return Some(Overlay::Picker(picker));
    }
    match action {
        Some(Action::Cancel) => return None,
        Some(Action::Choose) => {
            if let Some(entry) = picker.current(&app.emoji) {
                let glyph = entry.glyph;
                reacting::toggle(app, picker.message_tt, glyph, commands);
            }
            return None;
        }
        Some(Action::PopupDown) => picker.move_by(1),
        Some(Action::PopupUp) => picker.move_by(-1),
        Some(Action::PopupPageDown) => picker.move_by(8),
        Some(Action::PopupPageUp) => picker.move_by(-8),
        Some(Action::Erase) => {
            let mut query = picker.query.clone();
            query.pop();
            picker.set_query(query, &app.emoji);
        }
        _ => {}
    }
    Some(Overlay::Picker(picker))
}

/// A key in the channel switcher: typed text filters; the bound keys move, open and close.
fn on_switcher_key(
    app: &mut App,
    mut switcher: Switcher,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    if let Some(c) = key.text() {
        switcher.query.push(c);
        switcher.selected = 0;
        return Some(Overlay::Switcher(switcher));
    }
    match action {
        Some(Action::Cancel) => return None,
        Some(Action::Choose) => {
            match channels::chosen(app, &switcher) {
                Some(Ok(channel)) if channels::open(app, &channel, commands) => {
                    loading::reload(app, commands);
                }
                Some(Err(why)) => {
                    app.error(why);
                    return Some(Overlay::Switcher(switcher));
                }
                Some(Ok(_)) | None => {}
            }
            return None;
        }
        Some(Action::PopupDown) => {
            let last = channels::matching(app, &switcher.query)
                .len()
                .saturating_sub(1);
            switcher.selected = (switcher.selected + 1).min(last);
        }
        Some(Action::PopupUp) => switcher.selected = switcher.selected.saturating_sub(1),
        Some(Action::Erase) => {
            switcher.query.pop();
            switcher.selected = 0;
        }
        _ => {}
    }
    Some(Overlay::Switcher(switcher))
}

/// A key in the resolution pop-up: typed text is the note; Enter stores it, Esc cancels.
fn on_note_key(
    app: &mut App,
    report_tt: crate::pubnub::Timetoken,
    mut note: String,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    if let Some(c) = key.text() {
        if note.chars().count() < super::reports::MAX_NOTE_CHARS {
            note.push(c);
        }
        return Some(Overlay::Resolve { report_tt, note });
    }
    match action {
        Some(Action::Cancel) => {
            app.info("Nothing stored; the report stays open");
            None
        }
        Some(Action::Choose) => reporting::submit(app, report_tt, note, commands),
        Some(Action::Erase) => {
            note.pop();
            Some(Overlay::Resolve { report_tt, note })
        }
        _ => Some(Overlay::Resolve { report_tt, note }),
    }
}

/// A key while the Actions filter is typed: typed text filters; the bound keys keep, clear and
/// erase. Filtering searches further pages as needed.
fn on_filter_key(
    app: &mut App,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> bool {
    let mut text = app.actions.filter.clone();
    match (key.text(), action) {
        (Some(c), _) => text.push(c),
        (None, Some(Action::Cancel)) => {
            text.clear();
            app.actions.editing_filter = false;
        }
        (None, Some(Action::Choose)) => app.actions.editing_filter = false,
        (None, Some(Action::Erase)) => {
            text.pop();
        }
        _ => return false,
    }
    let clock = app.clock();
    app.actions.set_filter(text, clock, &app.symbols);
    app.actions.reselect();
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
