//! Adding and removing actions: optimistic changes shown at once as pending, the worker's
//! results confirming or rolling them back (and saying why), and a moderator's removal of
//! another user's action: confirmed (with an optional reason), recorded on the moderation log
//! before it is sent, rolled back when the record cannot be written.

use super::action::{ActionData, ActionOnMessage};
use super::details::detail_rows;
use super::keymap::Action;
use super::timeline::{ActionEntry, EntryState};
use super::{App, AuditRecord, Command, Op, Overlay, Screen};
use crate::config::ReactionValueStyle;
use crate::moderation::audit::RECORD_EXCERPT_CELLS;
use crate::moderation::run::{ChunkReport, Removal};
use crate::moderation::{Operation, PROMPT_EXCERPT_CHARS, describe_action};
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
    let mine = message.actions.iter().find(|a| {
        let a = &a.action;
        a.uuid == app.me && app.kinds.is_reaction(a.kind) && app.symbols.glyph(a.value) == shown
    });
    match mine.copied() {
        Some(entry) if entry.state == EntryState::Confirmed => {
            start_remove(app, entry.action.on(message_tt), commands);
        }
        Some(_) => app.info(format!(
            "{shown} is still being changed; try again in a moment"
        )),
        None => {
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
    let mine: Vec<ActionData> = message
        .actions
        .iter()
        .filter(|a| a.state == EntryState::Confirmed)
        .map(|a| a.action)
        .filter(|a| a.uuid == app.me && app.kinds.is_reaction(a.kind))
        .collect();
    match mine.as_slice() {
        [] => app.info("You have no reaction on this message"),
        [only] => start_remove(app, only.on(tt), commands),
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
        Screen::Timeline | Screen::Audit | Screen::Stats => {
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
        start_remove(app, target, commands);
    } else if !app.options.moderator {
        // With Access Manager, the credentials decide: say what they lack.
        let missing = app.moderation_missing();
        app.error(format!(
            "Removing {}'s {what} needs {missing}",
            app.symbols.label(owner)
        ));
    } else {
        let prompt = format!(
            "Remove {}'s {what} from '{}'?",
            app.symbols.label(owner),
            app.message_excerpt(target.message_tt, PROMPT_EXCERPT_CHARS)
        );
        app.overlay = Some(Overlay::Confirm {
            target,
            prompt,
            reason: String::new(),
        });
    }
}

fn describe(app: &App, action: &ActionData) -> String {
    describe_action(
        app.kinds.is_reaction(action.kind),
        app.symbols.raw(action.kind),
        app.symbols.raw(action.value),
    )
}

fn start_add(app: &mut App, message_tt: Timetoken, value: &str, commands: &mut Vec<Command>) {
    let kind = app.symbols.intern(&app.options.reaction_type);
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
        message_tt,
        action_type: app.options.reaction_type.clone(),
        value: value.to_string(),
    });
}

/// Hides the action at once (pending), as the entry of `op`.
fn hide(app: &mut App, target: ActionOnMessage, op: u32) {
    let ActionOnMessage { message_tt, action } = target;
    if let Some(message) = app.timeline.get_mut(message_tt)
        && let Some(e) = message
            .actions
            .iter_mut()
            .find(|a| a.action.action_tt == action.action_tt)
    {
        e.state = EntryState::Removing(op);
        message.changed();
    }
    app.actions.remove(action.action_tt, &app.symbols);
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
        app.actions.insert(target);
    }
}

/// Hides one's own action at once (pending) and asks the worker to remove it.
pub(super) fn start_remove(app: &mut App, target: ActionOnMessage, commands: &mut Vec<Command>) {
    let op = app.begin(Op::Remove { target });
    hide(app, target, op);
    commands.push(Command::RemoveAction {
        op,
        message_tt: target.message_tt,
        action_tt: target.action.action_tt,
        as_uuid: (target.action.uuid != app.me)
            .then(|| app.symbols.raw(target.action.uuid).to_string()),
    });
}

/// A moderator said yes to removing another user's action: hidden at once, and the worker
/// records it on the moderation log before it removes it as its author.
pub(super) fn start_moderated(
    app: &mut App,
    target: ActionOnMessage,
    reason: &str,
    commands: &mut Vec<Command>,
) {
    let op = app.begin(Op::Moderated { target });
    hide(app, target, op);
    let record = AuditRecord::new(
        &app.options.user_id,
        Operation::Remove,
        &app.options.channel,
        &target.to_stored(&app.symbols),
        &app.message_excerpt(target.message_tt, RECORD_EXCERPT_CELLS),
    )
    .with_reason(reason);
    commands.push(Command::RemoveRecorded {
        op,
        records: vec![record],
    });
}

/// A moderator's recorded removal finished.
pub(super) fn on_moderated(app: &mut App, op: u32, target: ActionOnMessage, report: ChunkReport) {
    let ActionOnMessage { message_tt, action } = target;
    let what = describe(app, &action);
    let owner = app.symbols.label(action.uuid).to_string();
    let excerpt = app.message_excerpt(message_tt, 30);
    let removal = report.results.into_iter().next().map(|(_, r)| r);
    match (report.not_recorded, removal) {
        (Some(why), _) | (None, Some(Removal::NotRecorded(why))) => {
            unhide(app, target, op);
            app.error(format!(
                "Not removed: {owner}'s {what} stays, because its record could not be written: {why}"
            ));
        }
        (None, Some(Removal::Removed)) => {
            app.timeline.apply_removed(message_tt, action.action_tt);
            app.actions.remove(action.action_tt, &app.symbols);
            app.info(format!("Removed {owner}'s {what} (recorded)"));
        }
        (None, Some(Removal::AlreadyGone)) => {
            app.timeline.apply_removed(message_tt, action.action_tt);
            app.actions.remove(action.action_tt, &app.symbols);
            app.info(format!(
                "{owner}'s {what} was already gone; nothing removed"
            ));
        }
        (None, Some(Removal::Failed(e))) => {
            unhide(app, target, op);
            let raw_owner = app.symbols.raw(action.uuid).to_string();
            let why = app.why(&e, Permissions::DELETE, Some(&raw_owner));
            app.error(format!(
                "Could not remove {owner}'s {what} from '{excerpt}': {why}"
            ));
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
                app.actions.insert(row);
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

/// A remove request finished.
pub(super) fn on_removed(
    app: &mut App,
    op: u32,
    target: ActionOnMessage,
    result: pubnub::Result<Option<String>>,
) {
    let ActionOnMessage { message_tt, action } = target;
    let action_tt = action.action_tt;
    let what = describe(app, &action);
    match result {
        // Someone removed it first: the view catches up.
        Err(pubnub::Error::NothingToDelete { .. }) | Ok(None) => {
            app.timeline.apply_removed(message_tt, action_tt);
            app.actions.remove(action_tt, &app.symbols);
        }
        Ok(Some(w)) => {
            app.timeline.apply_removed(message_tt, action_tt);
            app.actions.remove(action_tt, &app.symbols);
            app.info(format!("{what} removed, but: {w}"));
        }
        Err(e) => {
            unhide(app, target, op);
            let excerpt = app.message_excerpt(message_tt, 30);
            let why = app.why(&e, Permissions::DELETE, None);
            app.error(format!("Could not remove {what} from '{excerpt}': {why}"));
        }
    }
}
