//! The Details screen: one message and every action on it, grouped by type and value, with who
//! and when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::timeline::local;
use super::{theme, wrap};
use crate::app::App;
use crate::app::details::{DetailRow, DetailsLayout, DetailsView, detail_rows, user_label};
use crate::app::keymap::Action;
use crate::app::timeline::{EntryState, Message};

/// Draws the screen: a fixed heading, then the scrolling part (the message's whole text, a
/// summary, the grouped actions) from the view's top line. Returns what it measured, which the
/// app's movement keys need.
pub(super) fn draw(app: &App, view: DetailsView, area: Rect, buf: &mut Buffer) -> DetailsLayout {
    if area.height == 0 || area.width < 4 {
        return DetailsLayout::default();
    }
    let Some(message) = app.timeline.get(view.message_tt) else {
        let back = app.options.keymap.hints(&[(&[Action::Back], "goes back.")]);
        let text = format!("That message is no longer loaded. {back}");
        buf.set_string(area.x + 1, area.y, text, theme::dim());
        return DetailsLayout::default();
    };
    let text = wrap::wrap(&message.text, area.width.saturating_sub(3) as usize);
    let rows = detail_rows(message, &app.kinds);
    let layout = DetailsLayout {
        text_lines: text.len(),
        height: area.height as usize - 1,
    };
    let view = DetailsView { layout, ..view };
    let total = view.total_lines(&rows);
    let top = view.top.min(view.max_top(&rows));
    let shown = (top + 1, total.min(top + layout.height), total);
    buf.set_line(
        area.x + 1,
        area.y,
        &heading(app, message, shown),
        area.width - 1,
    );
    let summary = || {
        let mut items: Vec<(&[Action], &str)> = vec![
            (&[Action::Down, Action::Up], "select"),
            (&[Action::Delete], "remove"),
        ];
        if app.options.moderator {
            items.push((&[Action::Bulk], "remove in bulk"));
        }
        items.push((&[Action::Back], "back"));
        let keys = app.options.keymap.hints(&items);
        let refreshing = if view.refreshing {
            "refreshing…  "
        } else {
            ""
        };
        format!("{refreshing}{} actions · {keys}", message.actions.len())
    };
    for (line, y) in (top..total).zip(area.y + 1..area.y + area.height) {
        match line.checked_sub(text.len()) {
            None => {
                let width = area.width as usize - 2;
                buf.set_stringn(area.x + 2, y, &text[line], width, Style::new());
            }
            Some(0) => {
                let width = area.width as usize - 1;
                buf.set_stringn(area.x + 1, y, summary(), width, theme::dim());
            }
            Some(n) => match rows.get(n - 1) {
                Some(row) => {
                    let style = if n - 1 == view.selected {
                        theme::selected_row()
                    } else {
                        Style::new()
                    };
                    buf.set_style(Rect::new(area.x, y, area.width, 1), style);
                    let line = theme::patch_row(row_line(app, row), style);
                    buf.set_line(area.x + 1, y, &line, area.width - 1);
                }
                None => {
                    let none = "No actions on this message.";
                    buf.set_string(area.x + 2, y, none, theme::dim());
                }
            },
        }
    }
    layout
}

/// `Details  alice  Mon 1 Dec 10:00  tt …`, and which lines are on screen when not all are.
fn heading(
    app: &App,
    message: &Message,
    (from, to, total): (usize, usize, usize),
) -> Line<'static> {
    let s = &app.symbols;
    let author = message.author.map_or("(unknown)", |a| s.label(a));
    let when = local(message.timetoken, app.options.utc_offset_secs).format("%a %-d %b %H:%M");
    let mut spans = vec![
        Span::styled("Details  ", theme::title()),
        Span::styled(author.to_string(), theme::author(author)),
        Span::styled(format!("  {when}"), theme::time()),
        Span::styled(format!("  tt {}", message.timetoken), theme::dim()),
    ];
    if from > 1 || to < total {
        spans.push(Span::styled(
            format!("  lines {from}–{to} of {total}"),
            theme::info(),
        ));
    }
    Line::from(spans)
}

/// One row of the list: a group heading, or one user's action with its time.
fn row_line(app: &App, row: &DetailRow) -> Line<'static> {
    let s = &app.symbols;
    let offset = app.options.utc_offset_secs;
    match row {
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
            let action = &entry.action;
            let when = if action.action_tt.get() == 0 {
                "now".to_string()
            } else {
                local(action.action_tt, offset)
                    .format("%a %-d %b %H:%M:%S")
                    .to_string()
            };
            let user = user_label(s, action.uuid, app.me);
            Line::from(vec![
                Span::raw("    "),
                Span::styled(format!("{user:<20}"), theme::author(s.label(action.uuid))),
                Span::styled(when, theme::time()),
                Span::styled(state, theme::warn()),
            ])
        }
    }
}
