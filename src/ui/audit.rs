//! The Audit screen: the moderation log's records newest first, one row each (when, who, what
//! became of it, whose action, what, the message, the reason, the run), the filter line, and a
//! hint of the keys. Only the rows on screen are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::timeline::local;
use super::{list_row, retry_hint, text_row, theme, user_shown};
use crate::app::App;
use crate::app::keymap::Action;
use crate::moderation::run::describe;
use crate::moderation::{AuditRecord, LOG_CHANNEL, Operation, Status};
use crate::pubnub::chat;
use crate::text::{single_line, truncate};

/// Render state: the first row drawn, and how many rows fit (a page).
#[derive(Debug, Default)]
pub struct AuditTableView {
    top: usize,
    pub rows: usize,
}

const TIME_W: usize = 11;
const MOD_W: usize = 9;
const OP_W: usize = 15;
const AUTHOR_W: usize = 11;
const WHAT_W: usize = 10;
const MESSAGE_W: usize = 20;

fn cell(text: &str, width: usize) -> String {
    let cut = truncate(&single_line(text), width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{} ", " ".repeat(pad))
}

impl AuditTableView {
    pub fn draw(&mut self, app: &App, area: Rect, buf: &mut Buffer) {
        if area.height < 3 {
            return;
        }
        let view = &app.audit;
        let filter_line = view.editing_filter || !view.filter_text.is_empty();
        let list_height = area.height as usize - 2 - usize::from(filter_line);
        self.rows = list_height;
        let keymap = &app.options.keymap;
        let records = match view.len() {
            1 => "1 record".to_string(),
            n => format!("{n} records"),
        };
        let title = format!(
            "{LOG_CHANNEL} · {records}   {}",
            keymap.hints(&[
                (&[Action::Details], "message"),
                (&[Action::Undo], "undo"),
                (&[Action::Filter], "filter"),
            ])
        );
        text_row(buf, area, area.y, &title, theme::dim());
        let header = format!(
            "{}{}{}{}{}{}REASON · RUN",
            cell("TIME", TIME_W),
            cell("MODERATOR", MOD_W),
            cell("DID", OP_W),
            cell("AUTHOR", AUTHOR_W),
            cell("WHAT", WHAT_W),
            cell("MESSAGE", MESSAGE_W),
        );
        buf.set_string(area.x + 1, area.y + 1, header, theme::title());
        let selected = view.selected_index().unwrap_or(0);
        if selected < self.top {
            self.top = selected;
        } else if selected >= self.top + list_height {
            self.top = selected + 1 - list_height;
        }
        self.top = self.top.min(view.len().saturating_sub(1));
        let mut y = area.y + 2;
        for i in self.top..(self.top + list_height).min(view.len()) {
            let Some(record) = view.row(i) else { break };
            let line = row_line(app, record, area.width.saturating_sub(1) as usize);
            list_row(buf, area, y, line, i == selected);
            y += 1;
        }
        if view.is_empty() {
            let note = match &view.load {
                crate::app::load::Load::Loading => "reading the moderation log…".to_string(),
                crate::app::load::Load::Failed(why) => match retry_hint(app) {
                    Some(retry) => format!("Could not read the moderation log: {why}. {retry}."),
                    None => format!("Could not read the moderation log: {why}."),
                },
                _ if !view.filter_text.is_empty() => {
                    format!("No record matches “{}”.", single_line(&view.filter_text))
                }
                _ => "No moderator operation recorded yet.".to_string(),
            };
            buf.set_string(area.x + 1, y, note, theme::dim());
        }
        if filter_line {
            let filter = super::FilterLine {
                what: "filter",
                text: &view.filter_text,
                editing: view.editing_filter,
                error: view.filter_error.as_deref(),
            };
            filter.draw(keymap, area, buf);
        }
    }
}

/// `removed`, `removed, undone`, `not done`, `undid`, `restored`, `resolved`.
fn did(record: &AuditRecord, status: &Status) -> (String, Style) {
    let verb = match record.operation {
        Operation::Remove => "removed",
        Operation::Restore => "restored",
        Operation::Undo => "undid",
        Operation::Resolve => "resolved",
        Operation::Void => "void",
    };
    match status {
        Status::Done => (verb.to_string(), Style::new()),
        Status::Undone(_) => (format!("{verb}, undone"), theme::dim()),
        Status::Void(_) => (
            "not done".to_string(),
            theme::dim().add_modifier(Modifier::CROSSED_OUT),
        ),
    }
}

/// Where a record's action is, before its excerpt, as a moderator knows the place: nothing for
/// the channel opened, a report (a resolution is stored on the Chat SDK's reports channel) or
/// a thread by the channel it belongs to, any other channel by its name.
fn where_done(app: &App, channel: &str) -> String {
    let opened = app.home();
    let named = |c: &str| match c == opened {
        true => String::new(),
        false => format!("#{c} "),
    };
    if let Some(reported) = chat::reported_channel(channel) {
        return format!("⚑ report {}", named(reported));
    }
    if let Some((parent, _)) = chat::thread_root(channel) {
        return format!("🧵 {}", named(parent));
    }
    named(channel)
}

fn row_line(app: &App, r: &AuditRecord, width: usize) -> Line<'static> {
    let when = local(r.timetoken(), app.options.utc_offset_secs)
        .format("%m-%d %H:%M")
        .to_string();
    let status = app.audit.trail.status(r);
    let (verb, verb_style) = did(r, &status);
    let what = describe(&r.action(), app.reaction_type());
    let excerpt = format!("{}{}", where_done(app, &r.channel), r.excerpt);
    // Why it did not happen (a void), the reason, the run: what there is of them.
    let void = match &status {
        Status::Void(why) => why.as_str(),
        _ => "",
    };
    let tail = [void, r.reason.as_str(), r.run.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let fixed = TIME_W + MOD_W + OP_W + AUTHOR_W + WHAT_W + MESSAGE_W + 6;
    let rest = width.saturating_sub(fixed);
    let in_flight = app.audit.undoing.contains(&r.id);
    Line::from(vec![
        Span::styled(cell(&when, TIME_W), theme::time()),
        Span::styled(
            cell(user_shown(app, &r.moderator), MOD_W),
            theme::author(&r.moderator),
        ),
        Span::styled(
            cell(if in_flight { "undoing…" } else { &verb }, OP_W),
            verb_style,
        ),
        Span::styled(
            cell(user_shown(app, &r.author), AUTHOR_W),
            theme::author(&r.author),
        ),
        Span::raw(cell(&what, WHAT_W)),
        Span::raw(cell(&excerpt, MESSAGE_W)),
        Span::styled(truncate(&single_line(&tail), rest), theme::dim()),
    ])
}
