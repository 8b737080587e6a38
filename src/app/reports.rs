//! Reports: what the Chat SDK's `message.report(reason)` publishes to
//! `PUBNUB_INTERNAL_MODERATION_{channel}` (`{"type": "report", "text", "reason",
//! "reportedMessageChannelId", "reportedMessageTimetoken", "reportedUserId"}`, the reporter being
//! the publisher), read into [`Report`]s and listed for moderators newest first by
//! [`ReportsView`]. Loading them, keeping them live and resolving them is `reporting`'s.
//!
//! A resolution is a message action of type [`RESOLVED_TYPE`] on the report message, its value
//! saying what was done: stored by the service, so every moderator sees it (the real service
//! allows actions on any stored message), and audited like a removal.

use serde_json::Value;

use super::action::ActionData;
use super::chat::RESOLVED_TYPE;
use super::load::Load;
use super::symbols::{Sym, Symbols};
use super::timeline::{ActionEntry, EntryState, OpId};
use crate::pubnub::{HistoryMessage, Timetoken};
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

    pub fn from_history(m: &HistoryMessage, symbols: &mut Symbols) -> Option<Report> {
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
    pub(super) reports: Vec<Report>,
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

    pub(super) fn get_mut(&mut self, tt: Timetoken) -> Option<&mut Report> {
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
    /// Settles resolutions still shown in flight whose request was answered while this list
    /// was put away (another channel was open): an add is dropped, a removal shown again; the
    /// reload that follows shows what the service stored.
    pub(super) fn settle_answered(&mut self, in_flight: impl Fn(OpId) -> bool) {
        for report in &mut self.reports {
            report.resolutions.retain(|r| match r.state {
                EntryState::Adding(op) => in_flight(op),
                _ => true,
            });
            for r in &mut report.resolutions {
                if matches!(r.state, EntryState::Removing(op) if !in_flight(op)) {
                    r.state = EntryState::Confirmed;
                }
            }
        }
        self.recount();
    }

    pub(super) fn merge(&mut self, incoming: Vec<Report>) -> usize {
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

    pub(super) fn recount(&mut self) {
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
