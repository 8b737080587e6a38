//! The Details screen: one message and every action on it, grouped by type and value, with who
//! and when. Above the actions: the text as shown, who deleted it (a moderator still reads the
//! text), the original and every edit with who and when, and the thread's replies.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::timeline::local;
use super::{theme, wrap};
use crate::app::App;
use crate::app::chat::{is_deletion, is_edit};
use crate::app::details::{DetailRow, DetailsLayout, DetailsView, detail_rows};
use crate::app::keymap::Action;
use crate::app::timeline::{EntryState, Message};
use crate::pubnub::Timetoken;
use crate::text::{flags_as_text, sanitize};

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
    let text = text_block(app, message, area.width.saturating_sub(3) as usize);
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
        let restorable = message
            .chat
            .deleted_by
            .is_some_and(|by| by == app.me || app.options.moderator);
        if restorable {
            items.push((&[Action::Restore], "restore"));
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
                let (text, style) = &text[line];
                buf.set_stringn(area.x + 2, y, text, width, *style);
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
    let author = message.author.map_or("(unknown)", |a| app.user_name(a));
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
            let user = app.user_label(action.uuid);
            let color = theme::author(app.user_name(action.uuid));
            Line::from(vec![
                Span::raw("    "),
                Span::styled(format!("{user:<20}"), color),
                Span::styled(when(app, action.action_tt), theme::time()),
                Span::styled(state, theme::warn()),
            ])
        }
    }
}

/// `Mon 1 Dec 10:05:30`, or `now` for an action still being added.
fn when(app: &App, tt: Timetoken) -> String {
    if tt.get() == 0 {
        return "now".to_string();
    }
    local(tt, app.options.utc_offset_secs)
        .format("%a %-d %b %H:%M:%S")
        .to_string()
}

/// The lines above the actions, each with its style: the text as shown (its newest edit),
/// who deleted it, the original and every edit, the thread's replies. A deleted message's text
/// is for moderators only.
fn text_block(app: &App, message: &Message, width: usize) -> Vec<(String, Style)> {
    let mut lines: Vec<(String, Style)> = Vec::new();
    let push_text = |lines: &mut Vec<(String, Style)>, text: &str, indent: &str| {
        let width = width.saturating_sub(indent.len());
        for line in wrap::wrap(text, width) {
            lines.push((format!("{indent}{line}"), Style::new()));
        }
    };
    let shown_edit = message
        .chat
        .edit
        .map(|e| flags_as_text(&sanitize(app.symbols.raw(e))).into_owned());
    let readable = !message.chat.is_deleted() || app.options.moderator;
    for deletion in message.counted(|a| is_deletion(a.kind, a.value)) {
        let by = app.user_label(deletion.action.uuid);
        let at = when(app, deletion.action.action_tt);
        lines.push((format!("deleted by {by} · {at}"), theme::deleted()));
    }
    if readable {
        push_text(
            &mut lines,
            shown_edit.as_deref().unwrap_or(&message.text),
            "",
        );
    } else {
        let note = "(the text of a deleted message is for moderators: --moderator)";
        lines.push((note.to_string(), theme::dim()));
    }
    let edits = message.counted(|a| is_edit(a.kind));
    if readable && !edits.is_empty() {
        let author = message
            .author
            .map_or("(unknown)".to_string(), |a| app.user_label(a));
        lines.push((String::new(), Style::new()));
        let heading = format!("original · {author} · {}", when(app, message.timetoken));
        lines.push((heading, theme::dim()));
        push_text(&mut lines, &message.text, "  ");
        for (n, edit) in edits.iter().enumerate() {
            let by = app.user_label(edit.action.uuid);
            let at = when(app, edit.action.action_tt);
            lines.push((format!("edit {} · {by} · {at}", n + 1), theme::dim()));
            let text = flags_as_text(&sanitize(app.symbols.raw(edit.action.value))).into_owned();
            push_text(&mut lines, &text, "  ");
        }
    }
    if let Some(thread) = message.chat.thread {
        let open = app.options.keymap.first_label(Action::OpenThread);
        let replies = match app.replies.get(app.symbols.raw(thread)) {
            Some(n) => format!("{n} replies"),
            None => "a thread".to_string(),
        };
        lines.push((format!("🧵 {replies} · {open} opens it"), theme::thread()));
    }
    lines
}
