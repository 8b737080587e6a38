//! Reports, the moving parts: loading them page by page from the reports channel of the channel
//! opened (they follow it when another is opened), keeping them live, marking one resolved (a `resolved` message action on the report message, its value
//! saying what was done: stored by the service, so every moderator sees it, and audited like a
//! removal), and showing a report's message in the Timeline. The data is `reports`'.

use serde_json::Value;

use super::action::ActionData;
use super::chat::{RESOLVED_TYPE, moderation_channel};
use super::load::Load;
use super::reports::{MAX_NOTE_CHARS, Report};
use super::symbols::Sym;
use super::timeline::{ActionEntry, EntryState};
use super::{App, AuditRecord, Command, HISTORY_PAGE, Op, Operation, Overlay, names};
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, HistoryPage, StoredAction, Timetoken};

/// The reports channel of the channel opened (the bottom of the thread stack): the Reports
/// screen follows the channel on screen.
pub(super) fn reports_channel(app: &App) -> String {
    moderation_channel(app.home())
}

/// The moderator's own subscription: the reports of the channel opened, and the moderation log
/// every moderator's operations are recorded on.
pub(super) fn subscription(app: &App) -> Command {
    Command::SubscribeReports(vec![
        reports_channel(app),
        crate::moderation::LOG_CHANNEL.to_string(),
    ])
}

/// Asks for the newest page of reports, or the one before the oldest loaded.
pub(super) fn load(app: &mut App, older: bool, commands: &mut Vec<Command>) {
    let view = &mut app.reports;
    let start = if older {
        if view.older.is_loading() || view.reached_start || !view.loaded {
            return;
        }
        let Some(oldest) = view.reports.first().map(|r| r.timetoken) else {
            return;
        };
        view.older = Load::Loading;
        Some(oldest)
    } else {
        if view.newest.is_loading() {
            return;
        }
        view.newest = Load::Loading;
        None
    };
    let reports = reports_channel(app);
    let op = app.begin(Op::ReportsPage {
        older,
        reports: reports.clone(),
    });
    commands.push(Command::FetchHistory {
        op,
        channel: reports,
        start,
        end: None,
        max: HISTORY_PAGE,
    });
}

/// Loads older reports when the selection nears the oldest loaded one.
pub(super) fn prefetch(app: &mut App, commands: &mut Vec<Command>) {
    let near_end = app
        .reports
        .current()
        .and_then(|r| app.reports.rank(r.timetoken))
        .is_none_or(|rank| rank + 5 >= app.reports.len());
    if near_end {
        load(app, true, commands);
    }
}

fn want_names(app: &mut App, report: &Report) {
    for user in [report.reporter, report.author].into_iter().flatten() {
        app.names.want(user);
    }
    for r in &report.resolutions {
        app.names.want(r.action.uuid);
    }
}

/// A page of reports arrived.
pub(super) fn on_page(
    app: &mut App,
    older: bool,
    asked: &str,
    result: pubnub::Result<HistoryPage>,
    commands: &mut Vec<Command>,
) {
    let moderation = reports_channel(app);
    if asked != moderation {
        // Asked for a channel left since: its reports are read again when it is opened.
        return;
    }
    match result {
        Ok(page) => {
            let reports: Vec<Report> = page
                .messages
                .iter()
                .filter(|m| m.channel == moderation)
                .filter_map(|m| Report::from_history(m, &mut app.symbols))
                .collect();
            for report in &reports {
                want_names(app, report);
            }
            let nothing_older = page.messages.is_empty() && page.more.is_none();
            let short = page.messages.len() < HISTORY_PAGE as usize && page.more.is_none();
            app.reports.merge(reports);
            if older {
                app.reports.older = Load::Idle;
                app.reports.reached_start |= nothing_older;
            } else {
                app.reports.newest = Load::Idle;
                app.reports.loaded = true;
                app.reports.reached_start |= short;
            }
            names::request(app, commands);
        }
        Err(e) => {
            let failed = Load::Failed(e.to_string());
            if older {
                app.reports.older = failed;
            } else {
                app.reports.newest = failed;
            }
            app.load_error(format!("Could not load reports: {e}"));
        }
    }
}

/// A message or action event on the moderation channel.
pub(super) fn on_live_report(
    app: &mut App,
    timetoken: Timetoken,
    publisher: Option<&str>,
    payload: &Value,
) -> bool {
    let Some(report) = Report::parse(timetoken, publisher, payload, &mut app.symbols) else {
        return false;
    };
    want_names(app, &report);
    app.reports.merge(vec![report]) > 0
}

/// A resolution added or removed live (by any moderator).
pub(super) fn on_live_resolution(app: &mut App, added: bool, action: &StoredAction) -> bool {
    if action.action_type != RESOLVED_TYPE {
        return false;
    }
    let data = ActionData::from_stored(action, &mut app.symbols);
    app.names.want(data.uuid);
    let view = &mut app.reports;
    let Some(report) = view.get_mut(action.message_timetoken) else {
        return false;
    };
    let changed = if added {
        let known = report
            .resolutions
            .iter()
            .any(|r| r.action.action_tt == data.action_tt);
        match report
            .resolutions
            .iter_mut()
            .find(|r| matches!(r.state, EntryState::Adding(_)) && r.action.is_same_as(&data))
        {
            // The echo of our own resolution.
            Some(pending) => {
                pending.action.action_tt = data.action_tt;
                pending.state = EntryState::Confirmed;
                true
            }
            None if !known => {
                report.resolutions.push(ActionEntry::confirmed(data));
                true
            }
            None => false,
        }
    } else {
        let before = report.resolutions.len();
        report
            .resolutions
            .retain(|r| r.action.action_tt != data.action_tt);
        before != report.resolutions.len()
    };
    view.recount();
    changed
}

/// `c` on the Reports screen: asks what was done about the selected report.
pub(super) fn start_resolve(app: &mut App) {
    match app.reports.current().map(|r| r.timetoken) {
        Some(report_tt) => {
            app.overlay = Some(Overlay::Resolve {
                report_tt,
                note: String::new(),
            })
        }
        None => app.info("No report selected"),
    }
}

/// Enter in the resolution pop-up: stores the note as a `resolved` action on the report.
/// Returns the pop-up to keep open (when there is nothing to store yet).
pub(super) fn submit(
    app: &mut App,
    report_tt: Timetoken,
    note: String,
    commands: &mut Vec<Command>,
) -> Option<Overlay> {
    let trimmed: String = note.trim().chars().take(MAX_NOTE_CHARS).collect();
    if trimmed.is_empty() {
        app.info(
            "Say what was done (for example: removed the message, warned the author), then Enter",
        );
        return Some(Overlay::Resolve { report_tt, note });
    }
    if app.reports.get(report_tt).is_none() {
        app.error("That report is no longer loaded; nothing was stored");
        return None;
    }
    let kind = app.symbols.intern(RESOLVED_TYPE);
    let value = app.symbols.intern(&trimmed);
    let reports = reports_channel(app);
    let op = app.begin(Op::Resolve {
        report_tt,
        note: value,
        reports: reports.clone(),
    });
    let me = app.me;
    if let Some(report) = app.reports.get_mut(report_tt) {
        report.resolutions.push(ActionEntry {
            action: ActionData {
                action_tt: Timetoken(0),
                kind,
                value,
                uuid: me,
            },
            state: EntryState::Adding(op),
        });
    }
    app.reports.recount();
    commands.push(Command::AddAction {
        op,
        channel: reports,
        message_tt: report_tt,
        action_type: RESOLVED_TYPE.into(),
        value: trimmed,
    });
    None
}

/// The resolution was stored (recorded then: the record names the stored action), or not
/// (rolled back and said why).
pub(super) fn on_resolved(
    app: &mut App,
    (report_tt, note): (Timetoken, Sym),
    reports: &str,
    result: pubnub::Result<(StoredAction, Option<String>)>,
    commands: &mut Vec<Command>,
) {
    let note_text = app.symbols.label(note).to_string();
    let me = app.me;
    let pending = |r: &ActionEntry| {
        matches!(r.state, EntryState::Adding(_)) && r.action.uuid == me && r.action.value == note
    };
    match result {
        Ok((stored, warning)) => {
            if let Some(report) = app.reports.get_mut(report_tt) {
                let echoed = report
                    .resolutions
                    .iter()
                    .any(|r| r.action.action_tt == stored.action_timetoken);
                if echoed {
                    report.resolutions.retain(|r| !pending(r));
                } else if let Some(entry) = report.resolutions.iter_mut().find(|r| pending(r)) {
                    entry.action.action_tt = stored.action_timetoken;
                    entry.state = EntryState::Confirmed;
                }
            }
            app.reports.recount();
            // The report's text, for people reading the moderation log.
            let excerpt = app
                .reports
                .get(report_tt)
                .map(|r| r.text.to_string())
                .unwrap_or_default();
            let record = AuditRecord::new(
                &app.options.user_id,
                Operation::Resolve,
                reports,
                &stored,
                &excerpt,
            )
            .with_reason(&stored.value);
            let audit = app.begin(Op::ResolutionRecord {
                report_tt,
                action_tt: stored.action_timetoken,
                reports: reports.to_string(),
            });
            commands.push(Command::Record {
                op: audit,
                record: Box::new(record),
            });
            match warning {
                Some(w) => app.info(format!("Report marked resolved ({note_text}), but: {w}")),
                None => app.info(format!("Report marked resolved: {note_text}")),
            }
        }
        Err(pubnub::Error::Conflict { .. }) => {
            // This moderator already stored this very note: it stands.
            if let Some(report) = app.reports.get_mut(report_tt)
                && let Some(entry) = report.resolutions.iter_mut().find(|r| pending(r))
            {
                entry.state = EntryState::Confirmed;
            }
            app.info(format!("You had already marked it resolved: {note_text}"));
        }
        Err(e) => {
            if let Some(report) = app.reports.get_mut(report_tt) {
                report.resolutions.retain(|r| !pending(r));
            }
            app.reports.recount();
            let why = app.why(&e, Permissions::WRITE, None);
            app.error(format!(
                "Could not mark the report resolved: {why}. It stays open; try again"
            ));
        }
    }
}

/// Enter on the Reports screen: shows the reported message in the Timeline, loading the
/// history down to it when it is older than what is loaded.
pub(super) fn jump(app: &mut App, commands: &mut Vec<Command>) {
    let Some(report) = app.reports.current() else {
        app.info("No report selected");
        return;
    };
    let (channel, tt) = (report.channel.clone(), report.message_tt);
    let Some(tt) = tt else {
        app.info("This report does not say which message it is about");
        return;
    };
    let here = app.home();
    if channel.as_deref().is_some_and(|c| c != here) {
        app.info(format!(
            "The reported message is in {}, not in #{}; open that channel to see it",
            crate::text::single_line(channel.as_deref().unwrap_or_default()),
            crate::text::single_line(here)
        ));
        return;
    }
    super::jump::show_message(app, tt, "the reported message", commands);
}

/// The record of a stored resolution could not be written: nothing a moderator does stands
/// without its record, so the resolution is taken back (removed again) and the report shows
/// open meanwhile.
pub(super) fn on_record_failed(
    app: &mut App,
    (report_tt, action_tt): (Timetoken, Timetoken),
    reports: &str,
    why: String,
    commands: &mut Vec<Command>,
) {
    let op = app.begin(Op::TakeBackResolution {
        report_tt,
        action_tt,
        why: why.clone(),
    });
    if let Some(entry) = app.reports.get_mut(report_tt).and_then(|r| {
        r.resolutions
            .iter_mut()
            .find(|r| r.action.action_tt == action_tt)
    }) {
        entry.state = EntryState::Removing(op);
    }
    app.reports.recount();
    app.error(format!(
        "Not resolved: its record could not be written ({why}); taking the resolution back"
    ));
    commands.push(Command::RemoveAction {
        op,
        channel: reports.to_string(),
        message_tt: report_tt,
        action_tt,
        as_uuid: None,
    });
}

/// A resolution without its record was taken back (the report is open again), or could not be
/// (it stands, and the moderator is told which one to remove by hand).
pub(super) fn on_taken_back(
    app: &mut App,
    report_tt: Timetoken,
    action_tt: Timetoken,
    why: &str,
    result: pubnub::Result<Option<String>>,
) {
    let result = match result {
        Err(pubnub::Error::NothingToDelete { .. }) => Ok(None),
        other => other,
    };
    let report = app.reports.get_mut(report_tt);
    match result {
        Ok(_) => {
            if let Some(report) = report {
                report
                    .resolutions
                    .retain(|r| r.action.action_tt != action_tt);
            }
            app.error(format!(
                "Not resolved: its record could not be written ({why}). The report stays open; \
                 resolve it again once the moderation log can be written"
            ));
        }
        Err(e) => {
            if let Some(entry) = report.and_then(|r| {
                r.resolutions
                    .iter_mut()
                    .find(|r| r.action.action_tt == action_tt)
            }) {
                entry.state = EntryState::Confirmed;
            }
            app.error(format!(
                "Resolved without a record: the record could not be written ({why}) and taking \
                 the resolution back failed ({e}); remove it from the Actions screen of the \
                 reports channel (action {action_tt})"
            ));
        }
    }
    app.reports.recount();
}
