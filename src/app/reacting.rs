//! Adding and removing actions: optimistic changes shown at once as pending, the worker's
//! results confirming or rolling them back (and saying why), moderator confirmations and the
//! audit trail.

use super::actions_view::ActionRow;
use super::details::detail_rows;
use super::keymap::Action;
use super::timeline::{ActionEntry, EntryState};
use super::{App, AuditRecord, Command, Op, Overlay, Removal, Screen};
use crate::config::ReactionValueStyle;
use crate::moderation::{PROMPT_EXCERPT_CHARS, describe_action, removal_prompt};
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
        a.uuid == app.me && app.kinds.is_reaction(a.kind) && app.symbols.glyph(a.value) == shown
    });
    match mine.copied() {
        Some(entry) if entry.state == EntryState::Confirmed => {
            start_remove(app, message_tt, entry, false, commands);
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
        .find(|a| app.kinds.is_reaction(a.kind))
        .map(|a| (message.timetoken, app.symbols.raw(a.value).to_string()));
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
    let mine: Vec<ActionEntry> = message
        .actions
        .iter()
        .filter(|a| a.uuid == app.me && app.kinds.is_reaction(a.kind))
        .filter(|a| a.state == EntryState::Confirmed)
        .copied()
        .collect();
    match mine.as_slice() {
        [] => app.info("You have no reaction on this message"),
        [only] => start_remove(app, tt, *only, false, commands),
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
                .map(|e| (m.timetoken, e))
        }),
        Screen::Actions => app
            .actions
            .selected
            .and_then(|tt| app.actions.get(tt))
            .map(|r| {
                let entry = ActionEntry {
                    action_tt: r.action_tt,
                    kind: r.kind,
                    value: r.value,
                    uuid: r.uuid,
                    state: EntryState::Confirmed,
                };
                (r.message_tt, entry)
            }),
        Screen::Timeline => {
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
    let Some((message_tt, entry)) = target else {
        app.info("No action selected");
        return;
    };
    if entry.state != EntryState::Confirmed {
        app.info("That action is still being changed");
        return;
    }
    let what = describe(app, &entry);
    if entry.uuid == app.me {
        start_remove(app, message_tt, entry, false, commands);
    } else if !app.options.moderator {
        app.error(format!(
            "Removing {}'s {what} needs moderator mode (--moderator)",
            app.symbols.label(entry.uuid)
        ));
    } else {
        let prompt = removal_prompt(
            app.symbols.label(entry.uuid),
            &what,
            &app.message_excerpt(message_tt, PROMPT_EXCERPT_CHARS),
        );
        app.overlay = Some(Overlay::Confirm(Removal {
            message_tt,
            action_tt: entry.action_tt,
            kind: entry.kind,
            value: entry.value,
            owner: entry.uuid,
            prompt,
        }));
    }
}

fn describe(app: &App, entry: &ActionEntry) -> String {
    describe_action(
        app.kinds.is_reaction(entry.kind),
        app.symbols.raw(entry.kind),
        app.symbols.raw(entry.value),
    )
}

/// The moderator said `y`.
pub(super) fn confirm_removal(app: &mut App, removal: Removal, commands: &mut Vec<Command>) {
    let entry = ActionEntry {
        action_tt: removal.action_tt,
        kind: removal.kind,
        value: removal.value,
        uuid: removal.owner,
        state: EntryState::Confirmed,
    };
    start_remove(app, removal.message_tt, entry, true, commands);
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
            action_tt: Timetoken(0),
            kind,
            value: value_sym,
            uuid: app.me,
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

/// Hides the action at once (pending) and asks the worker to remove it.
pub(super) fn start_remove(
    app: &mut App,
    message_tt: Timetoken,
    entry: ActionEntry,
    moderated: bool,
    commands: &mut Vec<Command>,
) {
    let op = app.begin(Op::Remove(RemoveRequest {
        message_tt,
        action_tt: entry.action_tt,
        kind: entry.kind,
        value: entry.value,
        owner: entry.uuid,
        moderated,
    }));
    if let Some(message) = app.timeline.get_mut(message_tt)
        && let Some(e) = message
            .actions
            .iter_mut()
            .find(|a| a.action_tt == entry.action_tt)
    {
        e.state = EntryState::Removing(op);
        message.changed();
    }
    app.actions.remove(entry.action_tt, &app.symbols);
    commands.push(Command::RemoveAction {
        op,
        message_tt,
        action_tt: entry.action_tt,
        as_uuid: (entry.uuid != app.me).then(|| app.symbols.raw(entry.uuid).to_string()),
    });
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
            let row = ActionRow::from_stored(&action, &mut app.symbols);
            if let Some(message) = app.timeline.get_mut(message_tt) {
                let already = message
                    .actions
                    .iter()
                    .any(|a| a.action_tt == action.action_timetoken);
                if already {
                    message
                        .actions
                        .retain(|a| a.state != EntryState::Adding(op));
                } else if let Some(entry) = message.entry_of_op(op) {
                    entry.action_tt = action.action_timetoken;
                    entry.state = EntryState::Confirmed;
                }
                message.changed();
            }
            if app.actions.loaded {
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
            app.error(format!("Could not add {shown} to '{excerpt}': {e}"));
        }
    }
}

/// The audit record of a moderator removal could not be written.
pub(super) fn on_audit_failed(app: &mut App, reason: &str) {
    app.error(format!(
        "Removed, but the audit log could not be written: {reason}"
    ));
}

/// A remove request finished.
pub(super) fn on_removed(
    app: &mut App,
    op: u32,
    removed: RemoveRequest,
    result: pubnub::Result<Option<String>>,
    commands: &mut Vec<Command>,
) {
    let RemoveRequest {
        message_tt,
        action_tt,
        kind,
        value,
        owner,
        moderated,
    } = removed;
    let entry = ActionEntry {
        action_tt,
        kind,
        value,
        uuid: owner,
        state: EntryState::Confirmed,
    };
    let what = describe(app, &entry);
    let owner_label = app.symbols.label(owner).to_string();
    match result {
        Err(pubnub::Error::NothingToDelete { .. }) => {
            // Someone removed it first: the view catches up, and nobody was moderated.
            app.timeline.apply_removed(message_tt, action_tt);
            app.actions.remove(action_tt, &app.symbols);
            if moderated {
                app.info(format!(
                    "{owner_label}'s {what} was already gone; nothing removed"
                ));
            }
        }
        Ok(_) => {
            app.timeline.apply_removed(message_tt, action_tt);
            app.actions.remove(action_tt, &app.symbols);
            if moderated {
                let audit = app.begin(Op::Audit);
                commands.push(Command::AppendAudit {
                    op: audit,
                    record: AuditRecord {
                        moderator: app.options.user_id.clone(),
                        channel: app.options.channel.clone(),
                        message_timetoken: message_tt,
                        action: StoredAction {
                            action_timetoken: action_tt,
                            message_timetoken: message_tt,
                            action_type: app.symbols.raw(kind).to_string(),
                            uuid: app.symbols.raw(owner).to_string(),
                            value: app.symbols.raw(value).to_string(),
                        },
                    },
                });
                app.info(format!("Removed {owner_label}'s {what}"));
            } else if let Ok(Some(w)) = result {
                app.info(format!("{what} removed, but: {w}"));
            }
        }
        Err(e) => {
            if let Some(message) = app.timeline.get_mut(message_tt) {
                if let Some(en) = message.entry_of_op(op) {
                    en.state = EntryState::Confirmed;
                }
                message.changed();
            }
            let row = ActionRow {
                action_tt,
                message_tt,
                kind,
                value,
                uuid: owner,
                removed: false,
            };
            if app.actions.loaded {
                app.actions.insert(row);
            }
            let excerpt = app.message_excerpt(message_tt, 30);
            let whose = if owner == app.me {
                String::new()
            } else {
                format!("{owner_label}'s ")
            };
            app.error(format!(
                "Could not remove {whose}{what} from '{excerpt}': {e}"
            ));
        }
    }
}

/// A removal in flight: what the result applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RemoveRequest {
    pub message_tt: Timetoken,
    pub action_tt: Timetoken,
    pub kind: super::Sym,
    pub value: super::Sym,
    pub owner: super::Sym,
    pub moderated: bool,
}
