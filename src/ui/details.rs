//! The Details screen: one message and every action on it, grouped by type and value, with who
//! and when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::timeline::local;
use super::{theme, wrap};
use crate::app::App;
use crate::app::details::{DetailRow, DetailsView, detail_rows, user_label};
use crate::app::keymap::Action;
use crate::app::timeline::EntryState;

/// Lines of the message text shown above the list at most.
const TEXT_LINES: usize = 4;

pub(super) fn draw(app: &App, view: DetailsView, area: Rect, buf: &mut Buffer) {
    let Some(message) = app.timeline.get(view.message_tt) else {
        buf.set_string(
            area.x + 1,
            area.y,
            "That message is no longer loaded. Esc goes back.",
            theme::dim(),
        );
        return;
    };
    let s = &app.symbols;
    let offset = app.options.utc_offset_secs;
    let author = message.author.map_or("(unknown)", |a| s.label(a));
    let mut y = area.y;
    let bottom = area.y + area.height;
    let head = Line::from(vec![
        Span::styled("Details  ", theme::title()),
        Span::styled(author.to_string(), theme::author(author)),
        Span::styled(
            format!(
                "  {}",
                local(message.timetoken, offset).format("%a %-d %b %H:%M")
            ),
            theme::time(),
        ),
        Span::styled(format!("  tt {}", message.timetoken), theme::dim()),
    ]);
    buf.set_line(area.x + 1, y, &head, area.width.saturating_sub(1));
    y += 1;
    let text = wrap::wrap(&message.text, area.width.saturating_sub(3) as usize);
    for line in text.iter().take(TEXT_LINES) {
        if y >= bottom {
            return;
        }
        buf.set_string(area.x + 2, y, line, Style::new());
        y += 1;
    }
    if text.len() > TEXT_LINES && y < bottom {
        buf.set_string(area.x + 2, y, "…", theme::dim());
        y += 1;
    }
    let rows = detail_rows(message, &app.kinds);
    let hint = if view.refreshing {
        "refreshing…  "
    } else {
        ""
    };
    if y < bottom {
        let keys = app.options.keymap.hints(&[
            (&[Action::Down, Action::Up], "select"),
            (&[Action::Delete], "remove"),
            (&[Action::Back], "back"),
        ]);
        let summary = format!("{hint}{} actions · {keys}", message.actions.len());
        buf.set_string(area.x + 1, y, summary, theme::dim());
        y += 1;
    }
    if rows.is_empty() && y < bottom {
        buf.set_string(area.x + 2, y, "No actions on this message.", theme::dim());
        return;
    }
    let height = bottom.saturating_sub(y) as usize;
    let first = (view.selected + 1).saturating_sub(height);
    for (i, row) in rows.iter().enumerate().skip(first).take(height) {
        let line = match row {
            DetailRow::Group { kind, value, count } => {
                let what = if app.kinds.is_reaction(*kind) {
                    let (glyph, raw) = (s.glyph(*value), s.label(*value));
                    if glyph == raw {
                        glyph.to_string()
                    } else {
                        format!("{glyph}  ({raw})")
                    }
                } else {
                    format!("{}:{}", s.label(*kind), s.label(*value))
                };
                Line::from(vec![
                    Span::styled(what, theme::title()),
                    Span::styled(format!("  ×{count}"), theme::dim()),
                ])
            }
            DetailRow::Entry(entry) => {
                let state = match entry.state {
                    EntryState::Confirmed => "",
                    EntryState::Adding(_) => "  (adding…)",
                    EntryState::Removing(_) => "  (removing…)",
                };
                let when = if entry.action_tt.get() == 0 {
                    "now".to_string()
                } else {
                    local(entry.action_tt, offset)
                        .format("%a %-d %b %H:%M:%S")
                        .to_string()
                };
                let user = user_label(s, entry.uuid, app.me);
                Line::from(vec![
                    Span::raw("    "),
                    Span::styled(format!("{user:<20}"), theme::author(s.label(entry.uuid))),
                    Span::styled(when, theme::time()),
                    Span::styled(state, theme::warn()),
                ])
            }
        };
        let style = if i == view.selected {
            theme::selected_row()
        } else {
            Style::new()
        };
        buf.set_style(Rect::new(area.x, y, area.width, 1), style);
        buf.set_line(
            area.x + 1,
            y,
            &theme::patch_row(line, style),
            area.width.saturating_sub(1),
        );
        y += 1;
    }
}
