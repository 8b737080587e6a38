//! Reports: what the Chat SDK's `message.report(reason)` publishes to
//! `PUBNUB_INTERNAL_MODERATION_{channel}` (`{"type": "report", "text", "reason",
//! "reportedMessageChannelId", "reportedMessageTimetoken", "reportedUserId"}`, the reporter being
//! the publisher), listed for moderators newest first, kept live through the subscription, and
//! marked resolved.
//!
//! A resolution is a message action of type [`RESOLVED_TYPE`] on the report message, its value
//! saying what was done: stored by the service, so every moderator sees it (the real service
//! allows actions on any stored message), and audited like a removal.

use serde_json::Value;

use super::action::ActionData;
use super::chat::{RESOLVED_TYPE, moderation_channel};
use super::load::Load;
use super::symbols::{Sym, Symbols};
use super::timeline::{ActionEntry, EntryState};
use super::{
    App, AuditEntry, AuditOperation, AuditRecord, Command, HISTORY_PAGE, Op, Overlay, Screen, names,
};
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, HistoryMessage, HistoryPage, StoredAction, Timetoken};
use crate::text::{flags_as_text, sanitize};

/// Longest note a resolution stores (a value is sent in a request body; keep it short).
pub const MAX_NOTE_CHARS: usize = 200;

/// One report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report message's own timetoken.
    pub timetoken: Timetoken,
    /// Who reported (the publisher).
    pub reporter: Option<Sym>,
    /// Why, as the reporter said (sanitised).
    pub reason: Box<str>,
    /// The reported message's text as the report quotes it (sanitised).
    pub text: Box<str>,
    /// Where the reported message is.
    pub channel: Option<Box<str>>,
    pub message_tt: Option<Timetoken>,
    /// The reported message's author.
    pub author: Option<Sym>,
    /// Resolutions (actions of type `resolved`, value = what was done), oldest first.
    pub resolutions: Vec<ActionEntry>,
}

impl Report {
    /// Reads a report from a message of the moderation channel; `None` for anything else
    /// published there.
    pub fn parse(
        timetoken: Timetoken,
        publisher: Option<&str>,
        payload: &Value,
        symbols: &mut Symbols,
    ) -> Option<Report> {
        let object = payload.as_object()?;
        if object.get("type").and_then(Value::as_str) != Some("report") {
            return None;
        }
        let text = |key: &str| object.get(key).and_then(Value::as_str);
        let shown = |s: Option<&str>| flags_as_text(&sanitize(s.unwrap_or_default())).into();
        // The Chat SDK in JS writes the timetoken as a string; older Kotlin ones as a number.
        let message_tt = match object.get("reportedMessageTimetoken") {
            Some(Value::String(s)) => s.parse::<u64>().ok().map(Timetoken),
            Some(Value::Number(n)) => n.as_u64().map(Timetoken),
            _ => None,
        };
        Some(Report {
            timetoken,
            reporter: publisher.map(|p| symbols.intern(p)),
            reason: shown(text("reason")),
            text: shown(text("text")),
            channel: text("reportedMessageChannelId").map(Into::into),
            message_tt,
            author: text("reportedUserId").map(|u| symbols.intern(u)),
            resolutions: Vec::new(),
        })
    }

    fn from_history(m: &HistoryMessage, symbols: &mut Symbols) -> Option<Report> {
        let mut report = Report::parse(m.timetoken, m.uuid.as_deref(), &m.message, symbols)?;
        let resolved = symbols.intern(RESOLVED_TYPE);
        for action in m.stored_actions() {
            let data = ActionData::from_stored(&action, symbols);
            if data.kind == resolved {
                report.resolutions.push(ActionEntry::confirmed(data));
            }
        }
        Some(report)
    }

    /// Settled or pending resolutions (not those being taken back).
    pub fn is_resolved(&self) -> bool {
        self.resolutions
            .iter()
            .any(|r| !matches!(r.state, EntryState::Removing(_)))
    }
}

/// The reports loaded, the selection and how far loading has come.
#[derive(Debug, Default)]
pub struct ReportsView {
    /// Oldest first.
    reports: Vec<Report>,
    /// The selected report's timetoken.
    pub selected: Option<Timetoken>,
    /// The newest page.
    pub newest: Load,
    /// The page before the oldest loaded report.
    pub older: Load,
    /// The first page has arrived.
    pub loaded: bool,
    /// The channel's first report is loaded.
    pub reached_start: bool,
    /// Reports not resolved yet.
    pub open: usize,
}

impl ReportsView {
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Reports newest first, from the `skip`th.
    pub fn newest_first(&self, skip: usize) -> impl Iterator<Item = &Report> {
        self.reports.iter().rev().skip(skip)
    }

    /// Position of a report counted from the newest.
    pub fn rank(&self, tt: Timetoken) -> Option<usize> {
        let i = self
            .reports
            .binary_search_by_key(&tt, |r| r.timetoken)
            .ok()?;
        Some(self.reports.len() - 1 - i)
    }

    pub fn get(&self, tt: Timetoken) -> Option<&Report> {
        let i = self
            .reports
            .binary_search_by_key(&tt, |r| r.timetoken)
            .ok()?;
        self.reports.get(i)
    }

    fn get_mut(&mut self, tt: Timetoken) -> Option<&mut Report> {
        let i = self
            .reports
            .binary_search_by_key(&tt, |r| r.timetoken)
            .ok()?;
        self.reports.get_mut(i)
    }

    /// The selected report (the newest when none is).
    pub fn current(&self) -> Option<&Report> {
        match self.selected {
            Some(tt) => self.get(tt),
            None => self.reports.last(),
        }
    }

    /// Adds reports (any order); known ones get the server's resolutions, ours in flight kept.
    fn merge(&mut self, incoming: Vec<Report>) -> usize {
        let mut added = 0;
        for report in incoming {
            match self
                .reports
                .binary_search_by_key(&report.timetoken, |r| r.timetoken)
            {
                Ok(i) => {
                    let pending: Vec<ActionEntry> = self.reports[i]
                        .resolutions
                        .iter()
                        .filter(|r| r.state != EntryState::Confirmed)
                        .copied()
                        .collect();
                    let mut resolutions = report.resolutions;
                    for p in pending {
                        if !resolutions.iter().any(|r| r.action.is_same_as(&p.action)) {
                            resolutions.push(p);
                        }
                    }
                    self.reports[i].resolutions = resolutions;
                }
                Err(i) => {
                    self.reports.insert(i, report);
                    added += 1;
                }
            }
        }
        self.recount();
        added
    }

    fn recount(&mut self) {
        self.open = self.reports.iter().filter(|r| !r.is_resolved()).count();
    }

    /// Moves the selection `delta` reports towards the older (negative: newer).
    pub fn step(&mut self, delta: isize) {
        let Some(rank) = self.current().and_then(|r| self.rank(r.timetoken)) else {
            return;
        };
        let target = (rank as isize + delta).clamp(0, self.reports.len() as isize - 1) as usize;
        let at = self.reports.len() - 1 - target;
        self.selected = self.reports.get(at).map(|r| r.timetoken);
    }

    pub fn first(&mut self) {
        self.selected = self.reports.last().map(|r| r.timetoken);
    }

    pub fn last(&mut self) {
        self.selected = self.reports.first().map(|r| r.timetoken);
    }
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
    let op = app.begin(Op::ReportsPage { older });
    commands.push(Command::FetchHistory {
        op,
        channel: moderation_channel(&app.options.channel),
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
    result: pubnub::Result<HistoryPage>,
    commands: &mut Vec<Command>,
) {
    let moderation = moderation_channel(&app.options.channel);
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
    let op = app.begin(Op::Resolve {
        report_tt,
        note: value,
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
        channel: moderation_channel(&app.options.channel),
        message_tt: report_tt,
        action_type: RESOLVED_TYPE.into(),
        value: trimmed,
    });
    None
}

/// The resolution was stored (audited then), or not (rolled back and said why).
pub(super) fn on_resolved(
    app: &mut App,
    report_tt: Timetoken,
    note: Sym,
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
            let audit = app.begin(Op::Audit);
            commands.push(Command::AppendAudit {
                op: audit,
                entry: AuditEntry {
                    operation: AuditOperation::Resolve {
                        note: stored.value.clone(),
                    },
                    record: AuditRecord {
                        moderator: app.options.user_id.clone(),
                        channel: moderation_channel(&app.options.channel),
                        message_timetoken: report_tt,
                        action: stored,
                    },
                },
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
    if channel
        .as_deref()
        .is_some_and(|c| *c != *app.options.channel)
    {
        app.info(format!(
            "The reported message is in {}, not in #{}; open that channel to see it",
            crate::text::single_line(channel.as_deref().unwrap_or_default()),
            crate::text::single_line(&app.options.channel)
        ));
        return;
    }
    app.screen = Screen::Timeline;
    if app.timeline.get(tt).is_some() {
        app.selected = Some(tt);
        app.follow = app.timeline.last().is_some_and(|m| m.timetoken == tt);
        return;
    }
    let oldest = app.timeline.first().map(|m| m.timetoken);
    if oldest.is_some_and(|o| tt > o) || app.timeline.reached_start {
        app.info("The reported message is no longer in the channel (deleted?)");
        return;
    }
    app.info("Loading the history down to the reported message…");
    let op = app.begin(Op::JumpTo(tt));
    commands.push(Command::RefreshHistory {
        op,
        channel: app.channel.clone(),
        end: tt,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_chat_sdk_report_is_read_with_its_timetoken_as_string_or_number() {
        let mut s = Symbols::new();
        let payload = json!({
            "type": "report", "text": "buy cheap\u{1b}[2J pills", "reason": "spam",
            "reportedMessageChannelId": "chats.room1",
            "reportedMessageTimetoken": "17000000000000001",
            "reportedUserId": "mallory"
        });
        let r = Report::parse(Timetoken(5), Some("carol"), &payload, &mut s).unwrap();
        assert_eq!(r.message_tt, Some(Timetoken(17000000000000001)));
        assert_eq!(&*r.text, "buy cheap pills");
        assert_eq!(r.author.map(|a| s.raw(a)), Some("mallory"));
        assert_eq!(r.reporter.map(|a| s.raw(a)), Some("carol"));
        let mut numeric = payload.clone();
        numeric["reportedMessageTimetoken"] = json!(17000000000000001u64);
        let r = Report::parse(Timetoken(5), None, &numeric, &mut s).unwrap();
        assert_eq!(r.message_tt, Some(Timetoken(17000000000000001)));
        assert!(
            Report::parse(Timetoken(6), None, &json!({"type": "moderation"}), &mut s).is_none()
        );
        assert!(Report::parse(Timetoken(6), None, &json!("report"), &mut s).is_none());
    }
}
