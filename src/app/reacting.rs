//! Adding and removing actions: optimistic changes shown at once as pending, the worker's
//! results confirming or rolling them back (and saying why), and a moderator's removal of
//! another user's action: confirmed (with an optional reason), recorded on the moderation log
//! before it is sent, rolled back when the record cannot be written. A user's reaction is one per emoji, whichever reaction type (`reaction`,
//! `reactions`) and spelling it was stored with: toggling or removing it removes every copy.

use super::action::{ActionData, ActionOnMessage};
use super::details::detail_rows;
use super::keymap::Action;
use super::timeline::{ActionEntry, EntryState};
use super::{App, AuditRecord, Command, Confirmation, Op, Operation, Overlay, Screen};
use crate::config::ReactionValueStyle;
use crate::moderation::audit::RECORD_EXCERPT_CELLS;
use crate::moderation::run::{self, ChunkReport};
use crate::moderation::{PROMPT_EXCERPT_CHARS, describe_action};
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, StoredAction, Timetoken};
use crate::text::emoji;

/// The value stored for a reaction chosen as `glyph`, per the configured style.
fn stored_value(app: &App, glyph: &str) -> String {
    match app.options.reaction_value {
        ReactionValueStyle::Emoji => glyph.to_string(),
        ReactionValueStyle::Shortcode => emojis::get(glyph)
            .and_then(emoji::word_shortcode)
            .map_or_else(|| glyph.to_string(), str::to_string),
    }
}

/// Toggles the reaction `value` (an emoji or a stored spelling) on a message: removes mine if
/// I have it, else adds it.
pub(super) fn toggle(
    app: &mut App,
    message_tt: Timetoken,
    value: &str,
    commands: &mut Vec<Command>,
) {
    let Some(message) = app.timeline.get(message_tt) else {
        app.error("That message is no longer loaded");
        return;
    };
    let shown = emoji::shown(value);
    let mine: Vec<ActionEntry> = message
        .actions
        .iter()
        .filter(|a| {
            let a = &a.action;
            a.uuid == app.me && app.kinds.is_reaction(a.kind) && app.symbols.glyph(a.value) == shown
        })
        .copied()
        .collect();
    match mine.as_slice() {
        [] => {
            // Remembered as the emoji itself (a flag too), as the picker lists it.
            let glyph = emoji::display(value).into_owned();
            let value = if emojis::get(value).is_some() {
                stored_value(app, value)
            } else {
                value.to_string()
            };
            start_add(app, message_tt, &value, commands);
            app.emoji.used(&glyph);
            commands.push(Command::SaveRecent(app.emoji.recent.clone()));
        }
        all if all.iter().all(|e| e.state == EntryState::Confirmed) => {
            for entry in all {
                start_remove(app, entry.action.on(message_tt), false, commands);
            }
        }
        _ => app.info(format!(
            "{shown} is still being changed; try again in a moment"
        )),
    }
}

/// Removes my reaction shown as `value`'s emoji from a message: every copy of it (under
/// either reaction type, in any spelling).
pub(super) fn remove_reaction(
    app: &mut App,
    message_tt: Timetoken,
    value: super::Sym,
    commands: &mut Vec<Command>,
) {
    let shown = app.symbols.glyph(value).to_string();
    let copies: Vec<ActionData> = app
        .timeline
        .get(message_tt)
        .map(|m| {
            m.actions
                .iter()
                .filter(|a| a.state == EntryState::Confirmed)
                .map(|a| a.action)
                .filter(|a| {
                    a.uuid == app.me
                        && app.kinds.is_reaction(a.kind)
                        && app.symbols.glyph(a.value) == shown
                })
                .collect()
        })
        .unwrap_or_default();
    for copy in copies {
        start_remove(app, copy.on(message_tt), false, commands);
    }
}

/// `=`: toggles the first reaction already on the selected message.
pub(super) fn toggle_first(app: &mut App, commands: &mut Vec<Command>) {
    let Some(message) = app.selected_message() else {
        app.info("No message selected");
        return;
    };
    let first = message
        .actions
        .iter()
        .find(|a| app.kinds.is_reaction(a.action.kind))
        .map(|a| {
            (
                message.timetoken,
                app.symbols.raw(a.action.value).to_string(),
            )
        });
    match first {
        Some((tt, value)) => toggle(app, tt, &value, commands),
        None => {
            let [plus, picker] = app.key_labels([Action::ThumbsUp, Action::Picker]);
            app.info(format!(
                "No reactions on this message yet: {plus} adds 👍, {picker} opens the picker"
            ));
        }
    }
}

/// `x`: removes my reaction on the selected message, asking which when there are several.
pub(super) fn remove_mine(app: &mut App, commands: &mut Vec<Command>) {
    let Some(message) = app.selected_message() else {
        app.info("No message selected");
        return;
    };
    let tt = message.timetoken;
    // One option per emoji: the same emoji under both reaction types is one reaction.
    let mut mine: Vec<ActionData> = Vec::new();
    for a in message
        .actions
        .iter()
        .filter(|a| a.state == EntryState::Confirmed)
        .map(|a| a.action)
        .filter(|a| a.uuid == app.me && app.kinds.is_reaction(a.kind))
    {
        let glyph = app.symbols.glyph(a.value);
        if !mine.iter().any(|m| app.symbols.glyph(m.value) == glyph) {
            mine.push(a);
        }
    }
    match mine.as_slice() {
        [] => app.info("You have no reaction on this message"),
        [only] => remove_reaction(app, tt, only.value, commands),
        _ => {
            app.overlay = Some(Overlay::Chooser {
                message_tt: tt,
                options: mine,
                selected: 0,
            })
        }
    }
}

/// `d` in Details or Actions: removes the selected action; another user's needs moderator mode
/// and a confirmation.
pub(super) fn delete_selected(app: &mut App, commands: &mut Vec<Command>) {
    let target = match app.screen {
        Screen::Details(view) => app.timeline.get(view.message_tt).and_then(|m| {
            view.selected_entry(&detail_rows(m, &app.kinds))
                .map(|e| (e.action.on(m.timetoken), e.state))
        }),
        Screen::Actions => app
            .actions
            .selected
            .and_then(|tt| app.actions.get(tt))
            .map(|row| (*row, EntryState::Confirmed)),
        Screen::Timeline | Screen::Reports | Screen::Audit | Screen::Stats => {
            let keymap = &app.options.keymap;
            let text = format!(
                "{} removes the selected action in Details ({}) or Actions ({})",
                keymap.first_label(Action::Delete),
                keymap.first_label(Action::Details),
                keymap.first_label(Action::SwitchScreen)
            );
            app.info(text);
            return;
        }
    };
    let Some((target, state)) = target else {
        app.info("No action selected");
        return;
    };
    if state != EntryState::Confirmed {
        app.info("That action is still being changed");
        return;
    }
    let owner = target.action.uuid;
    let what = describe(app, &target.action);
    if owner == app.me {
        start_remove(app, target, false, commands);
    } else if !app.options.moderator {
        // With Access Manager, the credentials decide: say what they lack.
        let missing = app.moderation_missing();
        app.error(format!(
            "Removing {}'s {what} needs {missing}",
            app.user_name(owner)
        ));
    } else {
        let prompt = format!(
            "Remove {}'s {what} from '{}'?",
            app.user_name(owner),
            app.message_excerpt(target.message_tt, PROMPT_EXCERPT_CHARS)
        );
        app.overlay = Some(Overlay::Confirm {
            target: Confirmation::Remove(target),
            prompt,
            reason: String::new(),
        });
    }
}

pub(super) fn describe(app: &App, action: &ActionData) -> String {
    describe_action(
        app.kinds.is_reaction(action.kind),
        app.symbols.raw(action.kind),
        app.symbols.raw(action.value),
    )
}

fn start_add(app: &mut App, message_tt: Timetoken, value: &str, commands: &mut Vec<Command>) {
    let action_type = app.reaction_type().to_string();
    let kind = app.symbols.intern(&action_type);
    let value_sym = app.symbols.intern(value);
    let op = app.begin(Op::Add {
        message_tt,
        kind,
        value: value_sym,
    });
    if let Some(message) = app.timeline.get_mut(message_tt) {
        message.actions.push(ActionEntry {
            action: ActionData {
                action_tt: Timetoken(0),
                kind,
                value: value_sym,
                uuid: app.me,
            },
            state: EntryState::Adding(op),
        });
        message.changed();
    }
    commands.push(Command::AddAction {
        op,
        channel: app.channel.clone(),
        message_tt,
        action_type,
        value: value.to_string(),
    });
}

/// One removal and why it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Removal {
    pub target: ActionOnMessage,
    /// A moderator said yes to removing another user's action (recorded first).
    pub moderated: bool,
    /// Part of restoring a soft-deleted message.
    pub restore: bool,
}

/// Hides the action at once (pending) and asks the worker to remove it; `moderated` when a
/// moderator said yes to removing another user's action.
pub(super) fn start_remove(
    app: &mut App,
    target: ActionOnMessage,
    moderated: bool,
    commands: &mut Vec<Command>,
) {
    start_removal(
        app,
        Removal {
            target,
            moderated,
            restore: false,
        },
        "",
        commands,
    );
}

/// [`start_remove`] for any [`Removal`]: hidden at once (pending); a moderated one is recorded
/// on the moderation log, with `reason`, before the worker removes it as its author.
pub(super) fn start_removal(
    app: &mut App,
    removal: Removal,
    reason: &str,
    commands: &mut Vec<Command>,
) {
    let Removal {
        target,
        moderated,
        restore,
    } = removal;
    let ActionOnMessage { message_tt, action } = target;
    let op = if moderated {
        app.begin(Op::Moderated { target, restore })
    } else {
        app.begin(Op::Remove { target, restore })
    };
    if let Some(message) = app.timeline.get_mut(message_tt)
        && let Some(e) = message
            .actions
            .iter_mut()
            .find(|a| a.action.action_tt == action.action_tt)
    {
        e.state = EntryState::Removing(op);
        message.changed();
    }
    app.actions.remove(action.action_tt);
    if moderated {
        let operation = if restore {
            Operation::Restore
        } else {
            Operation::Remove
        };
        let record = AuditRecord::new(
            &app.options.user_id,
            operation,
            &app.channel,
            &target.to_stored(&app.symbols),
            &app.message_excerpt(message_tt, RECORD_EXCERPT_CELLS),
        )
        .with_reason(reason);
        commands.push(Command::RemoveRecorded {
            op,
            records: vec![record],
        });
    } else {
        commands.push(Command::RemoveAction {
            op,
            channel: app.channel.clone(),
            message_tt,
            action_tt: action.action_tt,
            as_uuid: None,
        });
    }
}

/// Shows a hidden action again: its removal did not happen.
fn unhide(app: &mut App, target: ActionOnMessage, op: u32) {
    if let Some(message) = app.timeline.get_mut(target.message_tt) {
        if let Some(en) = message.entry_of_op(op) {
            en.state = EntryState::Confirmed;
        }
        message.changed();
    }
    if app.actions.is_loaded() {
        app.actions.insert(target, &app.symbols);
    }
}

/// A moderator's recorded removal (or restore) finished.
pub(super) fn on_moderated(app: &mut App, op: u32, removal: Removal, report: ChunkReport) {
    let Removal {
        target, restore, ..
    } = removal;
    let ActionOnMessage { message_tt, action } = target;
    let what = if restore {
        "deletion".to_string()
    } else {
        describe(app, &action)
    };
    let owner = app.user_name(action.uuid).to_string();
    let excerpt = app.message_excerpt(message_tt, 30);
    let result = report.results.into_iter().next().map(|(_, r)| r);
    match (report.not_recorded, result) {
        (Some(why), _) | (None, Some(run::Removal::NotRecorded(why))) => {
            unhide(app, target, op);
            app.error(format!(
                "Not removed: {owner}'s {what} stays, because its record could not be written: {why}"
            ));
        }
        (None, Some(gone @ (run::Removal::Removed | run::Removal::AlreadyGone))) => {
            app.timeline.apply_removed(message_tt, action.action_tt);
            app.actions.remove(action.action_tt);
            let still_deleted = app
                .timeline
                .get(message_tt)
                .is_some_and(|m| m.chat.is_deleted());
            if restore {
                // Restored once the last deletion is gone.
                if !still_deleted {
                    app.info(format!("Restored '{excerpt}' (recorded)"));
                }
            } else if gone == run::Removal::AlreadyGone {
                app.info(format!(
                    "{owner}'s {what} was already gone; nothing removed"
                ));
            } else {
                app.info(format!("Removed {owner}'s {what} (recorded)"));
            }
        }
        (None, Some(run::Removal::Failed(e))) => {
            unhide(app, target, op);
            let raw_owner = app.symbols.raw(action.uuid).to_string();
            let why = app.why(&e, Permissions::DELETE, Some(&raw_owner));
            if restore {
                app.error(format!(
                    "Could not restore '{excerpt}': removing {owner}'s deletion failed: {why}. It stays deleted"
                ));
            } else {
                app.error(format!(
                    "Could not remove {owner}'s {what} from '{excerpt}': {why}"
                ));
            }
        }
        (None, None) => {
            unhide(app, target, op);
            app.error(format!("Could not remove {owner}'s {what}: no answer"));
        }
    }
}

/// An add request finished.
pub(super) fn on_added(
    app: &mut App,
    op: u32,
    message_tt: Timetoken,
    value: super::Sym,
    result: pubnub::Result<(StoredAction, Option<String>)>,
    commands: &mut Vec<Command>,
) {
    let shown = app.symbols.glyph(value).to_string();
    match result {
        Ok((action, warning)) => {
            let row = ActionOnMessage::from_stored(&action, &mut app.symbols);
            if let Some(message) = app.timeline.get_mut(message_tt) {
                let already = message
                    .actions
                    .iter()
                    .any(|a| a.action.action_tt == action.action_timetoken);
                if already {
                    message
                        .actions
                        .retain(|a| a.state != EntryState::Adding(op));
                } else if let Some(entry) = message.entry_of_op(op) {
                    entry.action.action_tt = action.action_timetoken;
                    entry.state = EntryState::Confirmed;
                }
                message.changed();
            }
            if app.actions.is_loaded() {
                app.actions.insert(row, &app.symbols);
            }
            if let Some(w) = warning {
                app.info(format!("{shown} added, but: {w}"));
            }
        }
        Err(pubnub::Error::Conflict { .. }) => {
            // Already there (a stale view): learn its timetoken from the server, quietly.
            commands.push(app.refresh_message(message_tt));
        }
        Err(e) => {
            if let Some(message) = app.timeline.get_mut(message_tt) {
                message
                    .actions
                    .retain(|a| a.state != EntryState::Adding(op));
                message.changed();
            }
            let excerpt = app.message_excerpt(message_tt, 30);
            let why = app.why(&e, Permissions::WRITE, None);
            app.error(format!("Could not add {shown} to '{excerpt}': {why}"));
        }
    }
}

/// A remove request of my own finished (my reaction, or my deletion to restore a message).
pub(super) fn on_removed(
    app: &mut App,
    op: u32,
    removal: Removal,
    result: pubnub::Result<Option<String>>,
) {
    let Removal {
        target, restore, ..
    } = removal;
    let ActionOnMessage { message_tt, action } = target;
    let action_tt = action.action_tt;
    let what = describe(app, &action);
    let excerpt = app.message_excerpt(message_tt, 30);
    // Gone either way when someone removed it first: the view catches up.
    let result = match result {
        Err(pubnub::Error::NothingToDelete { .. }) => Ok(None),
        other => other,
    };
    match result {
        Ok(warning) => {
            app.timeline.apply_removed(message_tt, action_tt);
            app.actions.remove(action_tt);
            let restored = restore
                && !app
                    .timeline
                    .get(message_tt)
                    .is_some_and(|m| m.chat.is_deleted());
            if restored {
                app.info(format!("Restored '{excerpt}'"));
            } else if let Some(w) = warning {
                app.info(format!("{what} removed, but: {w}"));
            }
        }
        Err(e) => {
            unhide(app, target, op);
            let why = app.why(&e, Permissions::DELETE, None);
            if restore {
                app.error(format!(
                    "Could not restore '{excerpt}': removing the deletion failed: {why}. It stays deleted"
                ));
            } else {
                app.error(format!("Could not remove {what} from '{excerpt}': {why}"));
            }
        }
    }
}
