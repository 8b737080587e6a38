//! The Audit and Stats screens at work: reading the moderation log (its history once, then its
//! live messages), filtering it, undoing a removal from it (asked first, with an optional
//! reason; the worker puts the action back as its author and records the undo), jumping to a
//! record's message; loading the Stats window and opening a bulk dry run from a spike; and the
//! bulk choices Details offers for its selected action.

use super::bulk;
use super::keymap::{Action, Key};
use super::{App, Command, Op, Overlay, Screen};
use crate::moderation::execute::UndoError;
use crate::moderation::run::describe;
use crate::moderation::stats::{Stats, Window};
use crate::moderation::{AuditRecord, Clock, LOG_CHANNEL, log};
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, StoredAction};

/// Opens the Audit screen, reading the log the first time.
pub(super) fn open_audit(app: &mut App, commands: &mut Vec<Command>) {
    if let Some(why) = moderators_only(app, "The moderation log") {
        app.error(why);
        return;
    }
    app.screen = Screen::Audit;
    if !app.audit.loaded && !app.audit.load.is_loading() {
        load_audit(app, commands);
    }
}

/// Opens the Stats screen, loading its window the first time.
pub(super) fn open_stats(app: &mut App, commands: &mut Vec<Command>) {
    if let Some(why) = moderators_only(app, "Stats") {
        app.error(why);
        return;
    }
    app.screen = Screen::Stats;
    if app.stats.stats.is_none() && !app.stats.load.is_loading() {
        load_stats(app, commands);
    }
}

/// `None` for a moderator; else why not, naming what is missing.
fn moderators_only(app: &App, what: &str) -> Option<String> {
    if app.options.moderator {
        return None;
    }
    Some(format!(
        "{what} is for moderators: it needs {}",
        app.moderation_missing()
    ))
}

/// Asks for the log's history.
pub(super) fn load_audit(app: &mut App, commands: &mut Vec<Command>) {
    app.audit.load = super::load::Load::Loading;
    let op = app.begin(Op::AuditLog);
    commands.push(Command::FetchAuditLog { op });
}

pub(super) fn on_audit_log(app: &mut App, result: pubnub::Result<Vec<AuditRecord>>) {
    match result {
        Ok(records) => {
            app.audit.load = super::load::Load::Idle;
            app.audit.loaded = true;
            app.audit.add(records);
            app.audit.refresh();
        }
        Err(e) => {
            let why = app.why(&e, Permissions::READ, None);
            app.audit.load = super::load::Load::Failed(why.clone());
            app.load_error(format!(
                "Could not read the moderation log {LOG_CHANNEL}: {why}"
            ));
        }
    }
}

/// A live message: records on the moderation log (from any moderator) join the trail.
pub(super) fn on_live_message(app: &mut App, channel: &str, payload: &serde_json::Value) -> bool {
    if channel != LOG_CHANNEL {
        return false;
    }
    app.audit.add(log::records_of(payload)) > 0 && app.screen == Screen::Audit
}

/// Asks for the Stats window's actions.
pub(super) fn load_stats(app: &mut App, commands: &mut Vec<Command>) {
    app.stats.load = super::load::Load::Loading;
    let op = app.begin(Op::Window);
    commands.push(Command::FetchWindow {
        op,
        channel: app.channel.clone(),
        minutes: app.stats.minutes,
    });
}

pub(super) fn on_window(app: &mut App, window: Window, result: pubnub::Result<Vec<StoredAction>>) {
    match result {
        Ok(actions) => {
            app.stats.load = super::load::Load::Idle;
            if window.minutes == app.stats.minutes {
                let stats = Stats::compute(&actions, window, app.reaction_type());
                app.stats.selected = app.stats.selected.min(stats.spikes.len().saturating_sub(1));
                app.stats.stats = Some(stats);
            }
        }
        Err(e) => {
            let why = app.why(&e, Permissions::READ, None);
            app.stats.load = super::load::Load::Failed(why.clone());
            app.load_error(format!(
                "Could not read the channel's actions for Stats: {why}"
            ));
        }
    }
}

/// `w` on Stats: the next window, loaded.
pub(super) fn next_window(app: &mut App, commands: &mut Vec<Command>) {
    app.stats.next_window();
    load_stats(app, commands);
}

/// The bulk key on Stats: a dry run of the selected spike.
pub(super) fn bulk_from_spike(app: &mut App, commands: &mut Vec<Command>) {
    let Some(stats) = &app.stats.stats else {
        app.info("No figures yet");
        return;
    };
    let Some(spike) = stats.spikes.get(app.stats.selected) else {
        app.info("No spike selected: nothing stands out in this window");
        return;
    };
    let filter = spike.filter(
        &stats.window,
        app.options.utc_offset_secs,
        app.reaction_type(),
    );
    bulk::open(app, &filter, commands);
}

/// The bulk key on Details: choose what to remove in bulk for the selected action.
pub(super) fn bulk_choices(app: &mut App, action: &StoredAction) {
    let what = describe(action, app.reaction_type());
    let user = crate::text::single_line(&action.uuid).into_owned();
    let quote = |s: &str| {
        if s.chars().any(char::is_whitespace) {
            format!("\"{}\"", s.replace('"', ""))
        } else {
            s.to_string()
        }
    };
    let value = quote(&action.value);
    let options = vec![
        (
            format!("all {what} on this message"),
            format!(
                "value:{value} type:{} message:{}",
                quote(&action.action_type),
                action.message_timetoken
            ),
        ),
        (
            format!("all of {user}'s actions in the channel"),
            format!("user:{}", quote(&action.uuid)),
        ),
        (
            format!("all of {user}'s {what} in the channel"),
            format!(
                "user:{} value:{value} type:{}",
                quote(&action.uuid),
                quote(&action.action_type)
            ),
        ),
    ];
    app.overlay = Some(Overlay::BulkChoice {
        options,
        selected: 0,
    });
}

/// `U` on Audit: asks before undoing the selected removal.
pub(super) fn ask_undo(app: &mut App) {
    let Some(record) = app.audit.selected_record().cloned() else {
        app.info("No record selected");
        return;
    };
    if let Some(why) = app.audit.trail.why_not_undoable(&record) {
        app.info(capitalised(&why));
        return;
    }
    if app.audit.undoing.contains(&record.id) {
        app.info("That undo is under way");
        return;
    }
    if let Some(why) = moderators_only(app, "Undoing") {
        app.error(why);
        return;
    }
    if record.channel == app.options.channel
        && let Some(missing) = app.options.access.as_ref().and_then(|a| a.undo_missing())
    {
        app.error(format!(
            "Undoing puts the action back as {}: it needs {missing}",
            record.author
        ));
        return;
    }
    let what = describe(&record.action(), app.reaction_type());
    let operation = match record.operation {
        crate::moderation::Operation::Restore => "restore",
        _ => "removal",
    };
    let prompt = format!(
        "Undo {}'s {operation} of {}'s {what} on '{}'? It goes back as {}.",
        record.moderator,
        record.author,
        crate::text::excerpt(&record.excerpt, 30),
        record.author
    );
    app.overlay = Some(Overlay::Undo {
        record: Box::new(record),
        prompt,
        reason: String::new(),
    });
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Enter in the undo pop-up: the worker puts the action back, then records the undo.
pub(super) fn start_undo(
    app: &mut App,
    record: AuditRecord,
    reason: &str,
    commands: &mut Vec<Command>,
) {
    let what = describe(&record.action(), app.reaction_type());
    app.audit.undoing.push(record.id.clone());
    let op = app.begin(Op::Undo {
        record: record.id.clone(),
    });
    commands.push(Command::Undo {
        op,
        record: Box::new(record),
        reason: reason.trim().to_string(),
        what,
    });
}

pub(super) fn on_undone(app: &mut App, record_id: &str, result: Result<AuditRecord, UndoError>) {
    app.audit.undoing.retain(|id| id != record_id);
    let removal = app.audit.trail.get(record_id).cloned();
    let what = removal.as_ref().map_or_else(String::new, |r| {
        format!(
            "{}'s {}",
            r.author,
            describe(&r.action(), app.reaction_type())
        )
    });
    match result {
        Ok(undo) => {
            let excerpt = crate::text::excerpt(&undo.excerpt, 30);
            app.audit.add(vec![undo]);
            app.info(format!("Undone: {what} is back on '{excerpt}'"));
        }
        Err(UndoError::Refused(e)) => {
            let author = removal.as_ref().map(|r| r.author.clone());
            let why = app.why(&e, Permissions::WRITE, author.as_deref());
            app.error(format!("Could not undo: {why}; nothing changed"));
        }
        Err(e) => app.error(format!("Could not undo: {e}")),
    }
}

/// Enter on Audit: to the record's message on the Timeline.
pub(super) fn jump(app: &mut App, commands: &mut Vec<Command>) {
    let Some(record) = app.audit.selected_record() else {
        app.info("No record selected");
        return;
    };
    if record.channel != app.home() {
        let channel = crate::text::single_line(&record.channel).into_owned();
        let switch = app.key_labels([super::keymap::Action::SwitchChannel]);
        app.info(format!(
            "That record is of #{channel}: open that channel ({} switches), then Enter here",
            switch[0]
        ));
        return;
    }
    let tt = record.message_timetoken;
    super::jump::show_message(app, tt, "that message", commands);
}

/// A key in the bulk chooser of Details.
pub(super) fn on_choice_key(
    app: &mut App,
    options: Vec<(String, String)>,
    selected: usize,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    match action {
        Some(Action::PopupDown) => Some(Overlay::BulkChoice {
            selected: (selected + 1).min(options.len().saturating_sub(1)),
            options,
        }),
        Some(Action::PopupUp) => Some(Overlay::BulkChoice {
            selected: selected.saturating_sub(1),
            options,
        }),
        Some(Action::Choose) => {
            if let Some((_, filter)) = options.get(selected) {
                bulk::open(app, filter, commands);
            }
            None
        }
        _ => None,
    }
}

/// A key in the undo pop-up: typed text is the reason; Enter undoes, Esc keeps it as it is.
pub(super) fn on_undo_key(
    app: &mut App,
    (record, prompt, mut reason): (Box<AuditRecord>, String, String),
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    if let Some(c) = key.text() {
        reason.push(c);
        return Some(Overlay::Undo {
            record,
            prompt,
            reason,
        });
    }
    match action {
        Some(Action::Choose) => {
            start_undo(app, *record, &reason, commands);
            None
        }
        Some(Action::Erase) => {
            reason.pop();
            Some(Overlay::Undo {
                record,
                prompt,
                reason,
            })
        }
        Some(Action::Cancel) => {
            app.info("Nothing undone");
            None
        }
        _ => Some(Overlay::Undo {
            record,
            prompt,
            reason,
        }),
    }
}

/// The audit filter: typed text filters; the bound keys keep, clear and erase.
pub(super) fn on_filter_key(app: &mut App, key: Key, action: Option<Action>) -> bool {
    let mut text = app.audit.filter_text.clone();
    match (key.text(), action) {
        (Some(c), _) => text.push(c),
        (None, Some(Action::Cancel)) => {
            text.clear();
            app.audit.editing_filter = false;
        }
        (None, Some(Action::Choose)) => app.audit.editing_filter = false,
        (None, Some(Action::Erase)) => {
            text.pop();
        }
        _ => return false,
    }
    let clock = Clock {
        now: app.now,
        utc_offset_secs: app.options.utc_offset_secs,
    };
    app.audit.set_filter(text, clock);
    true
}
