//! The Reports screen (moderators): the channel's reports newest first, three lines each (who
//! reported whose message and why, the reported text, and whether it is resolved and how), drawn
//! from a top row so only visible reports are touched; and the pop-up where a moderator types
//! what was done.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::popup_box::{frame, hint};
use super::timeline::local;
use super::{retry_hint, theme};
use crate::app::App;
use crate::app::keymap::Action;
use crate::app::reports::Report;
use crate::app::timeline::EntryState;
use crate::pubnub::Timetoken;
use crate::text::{single_line, truncate};

/// Lines a report takes.
const REPORT_LINES: usize = 3;

/// Render state: the first report drawn (counted from the newest), and how many fit.
#[derive(Debug, Default)]
pub struct ReportsListView {
    top: usize,
    /// Reports the list had room for in the last frame (a page).
    pub rows: usize,
}

impl ReportsListView {
    pub fn draw(&mut self, app: &App, area: Rect, buf: &mut Buffer) {
        if area.height < 2 || area.width < 8 {
            return;
        }
        let view = &app.reports;
        let keys = app.options.keymap.hints(&[
            (&[Action::Down, Action::Up], "select"),
            (&[Action::Details], "shows the message"),
            (&[Action::Resolve], "marks resolved"),
        ]);
        let heading = format!(
            "Reports of #{} · newest first · {keys}",
            single_line(app.home())
        );
        buf.set_stringn(
            area.x + 1,
            area.y,
            heading,
            area.width as usize - 1,
            theme::title(),
        );
        let list_height = area.height as usize - 1;
        self.rows = (list_height / REPORT_LINES).max(1);
        if view.is_empty() {
            let note = if view.newest.is_failed() {
                match retry_hint(app) {
                    Some(retry) => format!("Could not load the reports. {retry}."),
                    None => "Could not load the reports.".to_string(),
                }
            } else if view.newest.is_loading() || !view.loaded {
                "loading reports…".to_string()
            } else {
                "No reports. Chat SDK users report a message with message.report(reason)."
                    .to_string()
            };
            buf.set_stringn(
                area.x + 1,
                area.y + 1,
                note,
                area.width as usize - 1,
                theme::dim(),
            );
            return;
        }
        let selected = view
            .current()
            .and_then(|r| view.rank(r.timetoken))
            .unwrap_or(0);
        if selected < self.top {
            self.top = selected;
        } else if selected >= self.top + self.rows {
            self.top = selected + 1 - self.rows;
        }
        self.top = self.top.min(view.len().saturating_sub(1));
        let mut y = area.y + 1;
        let bottom = area.y + area.height;
        for (rank, report) in (self.top..).zip(view.newest_first(self.top)) {
            if y + REPORT_LINES as u16 > bottom {
                break;
            }
            let style = if rank == selected {
                theme::selected_row()
            } else {
                Style::new()
            };
            for (i, line) in report_lines(app, report, area.width as usize - 1)
                .into_iter()
                .enumerate()
            {
                let row = y + i as u16;
                buf.set_style(Rect::new(area.x, row, area.width, 1), style);
                buf.set_line(
                    area.x + 1,
                    row,
                    &theme::patch_row(line, style),
                    area.width - 1,
                );
            }
            y += REPORT_LINES as u16;
        }
        if y < bottom {
            let note = if view.older.is_loading() {
                "loading older reports…"
            } else if view.reached_start {
                "── first report ──"
            } else {
                "↓ more"
            };
            buf.set_string(area.x + 1, y, note, theme::dim());
        }
    }
}

/// `12-01 10:00  carol reported alice's message · spam`, the quoted text, the status.
fn report_lines(app: &App, report: &Report, width: usize) -> Vec<Line<'static>> {
    let when = local(report.timetoken, app.options.utc_offset_secs)
        .format("%m-%d %H:%M")
        .to_string();
    let reporter = report
        .reporter
        .map_or("(unknown)".to_string(), |r| app.user_name(r).to_string());
    let author = report
        .author
        .map_or("someone".to_string(), |a| app.user_name(a).to_string());
    let reason = match single_line(&report.reason) {
        r if r.trim().is_empty() => "no reason given".to_string(),
        r => r.into_owned(),
    };
    let first = Line::from(vec![
        Span::styled(format!("{when}  "), theme::time()),
        Span::styled(reporter.clone(), theme::author(&reporter)),
        Span::raw(" reported "),
        Span::styled(author.clone(), theme::author(&author)),
        Span::raw(format!("'s message · {}", truncate(&reason, width / 2))),
    ]);
    let quoted = format!(
        "    “{}”",
        truncate(&single_line(&report.text), width.saturating_sub(8))
    );
    let status = resolution_line(app, report, width);
    vec![first, Line::raw(quoted), status]
}

fn resolution_line(app: &App, report: &Report, width: usize) -> Line<'static> {
    let done: Vec<String> = report
        .resolutions
        .iter()
        .filter(|r| !matches!(r.state, EntryState::Removing(_)))
        .map(|r| {
            let pending = if r.state == EntryState::Confirmed {
                ""
            } else {
                " (saving…)"
            };
            format!(
                "{}: {}{pending}",
                app.user_name(r.action.uuid),
                app.symbols.label(r.action.value)
            )
        })
        .collect();
    if done.is_empty() {
        Line::styled("    open", theme::warn())
    } else {
        let text = format!("    ✓ resolved by {}", done.join("; "));
        Line::styled(truncate(&text, width), theme::live())
    }
}

/// The pop-up asking what was done about a report.
pub(super) fn draw_resolve(
    app: &App,
    report_tt: Timetoken,
    note: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = frame(" Mark the report resolved ", 64, 7, area, buf);
    if inner.height < 3 {
        return;
    }
    let about = app
        .reports
        .get(report_tt)
        .map(|r| format!("“{}”", single_line(&r.text)))
        .unwrap_or_else(|| format!("report {report_tt}"));
    let width = inner.width as usize;
    buf.set_stringn(
        inner.x,
        inner.y,
        truncate(&about, width),
        width,
        theme::dim(),
    );
    let line = Line::from(vec![
        Span::styled("what was done: ", theme::dim()),
        Span::raw(truncate(note, width.saturating_sub(17))),
        Span::styled("▏", theme::info()),
    ]);
    buf.set_line(inner.x, inner.y + 2, &line, inner.width);
    let keys = app.options.keymap.typing_hints(&[
        (&[Action::Choose], "stores it for every moderator"),
        (&[Action::Cancel], "cancels"),
    ]);
    hint(&format!(" {keys}"), inner, buf);
}
