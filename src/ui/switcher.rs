//! The channel switcher pop-up: what is typed, then the matching channels, each with its App
//! Context name, how many messages arrived since it was last seen and (for moderators) its
//! unresolved reports (among the newest page of them).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::popup_box::{frame, hint};
use super::theme;
use crate::app::App;
use crate::app::channels::{Entry, Switcher, matching};
use crate::app::keymap::Action;
use crate::text::{single_line, truncate};

pub(super) fn draw(app: &App, switcher: &Switcher, area: Rect, buf: &mut Buffer) {
    let inner = frame(" Channels ", 60, 16, area, buf);
    if inner.height < 3 {
        return;
    }
    let query = Line::from(vec![
        Span::styled("channel: ", theme::dim()),
        Span::raw(single_line(&switcher.query).into_owned()),
        Span::styled("▏", theme::info()),
    ]);
    buf.set_line(inner.x, inner.y, &query, inner.width);
    let entries = matching(app, &switcher.query);
    let list_height = inner.height.saturating_sub(2) as usize;
    if entries.is_empty() {
        let text = if switcher.query.trim().is_empty() {
            "no channels yet".to_string()
        } else {
            format!(
                "none listed; Enter opens #{}",
                single_line(switcher.query.trim())
            )
        };
        buf.set_string(
            inner.x,
            inner.y + 1,
            truncate(&text, inner.width as usize),
            theme::dim(),
        );
    }
    let first = (switcher.selected + 1).saturating_sub(list_height);
    for (row, (i, entry)) in entries
        .iter()
        .enumerate()
        .skip(first)
        .take(list_height)
        .enumerate()
    {
        let mut line = entry_line(entry, inner.width as usize);
        if i == switcher.selected {
            line = theme::patch_row(line, theme::selected_row());
        }
        buf.set_line(inner.x, inner.y + 1 + row as u16, &line, inner.width);
    }
    let keys = app
        .options
        .keymap
        .hints(&[(&[Action::Choose], "opens"), (&[Action::Cancel], "closes")]);
    let typed = match app.channels.directory_more {
        // Not every App Context channel is listed: a name typed opens any channel.
        true => "type to filter, or a channel's whole name",
        false => "type to filter",
    };
    hint(&format!(" {typed} · {keys}"), inner, buf);
}

/// `▸ #chats.room1  Room one        3 new  2 reports`, fitted to `width`.
fn entry_line(entry: &Entry, width: usize) -> Line<'static> {
    let mark = if entry.current { "▸ " } else { "  " };
    let mut right: Vec<Span<'static>> = Vec::new();
    match entry.unseen {
        Some(n) if n > 0 => right.push(Span::styled(format!("{n} new"), theme::live())),
        _ => {}
    }
    if entry.refused {
        right.push(Span::styled(
            "not live: no access".to_string(),
            theme::dim(),
        ));
    }
    if let Some(n) = entry.open_reports.filter(|n| *n > 0) {
        if !right.is_empty() {
            right.push(Span::raw("  "));
        }
        let word = if n == 1 { "report" } else { "reports" };
        right.push(Span::styled(format!("⚑ {n} open {word}"), theme::warn()));
    }
    let right_width: usize = right.iter().map(|s| s.width()).sum();
    let id = format!("#{}", single_line(&entry.id));
    let title = entry
        .title
        .as_deref()
        .map(|t| format!("  {}", single_line(t)))
        .unwrap_or_default();
    let room = width.saturating_sub(right_width + mark.len() + 2);
    let left = truncate(&format!("{id}{title}"), room);
    let id_part = truncate(&id, room);
    let title_part = left.get(id_part.len()..).unwrap_or("").to_string();
    let used = unicode_width::UnicodeWidthStr::width(left.as_str()) + 2;
    let pad = width.saturating_sub(used + right_width + 1);
    let id_style = if entry.watched {
        theme::title()
    } else {
        ratatui::style::Style::new()
    };
    let mut spans = vec![
        Span::raw(mark),
        Span::styled(id_part, id_style),
        Span::styled(title_part, theme::dim()),
        Span::raw(" ".repeat(pad)),
    ];
    spans.extend(right);
    Line::from(spans)
}
