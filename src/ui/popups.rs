//! Pop-ups over the main area: the reaction picker, help, the moderator's confirmation and the
//! chooser for which of my reactions to remove.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::{centered, theme, wrap};
use crate::app::keymap::{Action, Keymap};
use crate::app::picker::Picker;
use crate::app::timeline::EntryState;
use crate::app::{App, Overlay};
use crate::text;
use crate::text::emoji;

pub(super) fn draw(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Picker(picker) => draw_picker(app, picker, area, buf),
        Overlay::Help { scroll } => draw_help(app, *scroll, area, buf),
        Overlay::Confirm { prompt, target } => {
            draw_confirm(app, prompt, target.wording(), area, buf)
        }
        // Drawn by the Reports screen's module.
        Overlay::Resolve { .. } => {}
        Overlay::Chooser {
            options, selected, ..
        } => {
            let lines: Vec<Line> = options
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let style = if i == *selected {
                        theme::selected_row()
                    } else {
                        Style::new()
                    };
                    // A known emoji, so safe to draw; a flag as its letters, as in the picker.
                    let raw = app.symbols.raw(e.value);
                    let text = match emoji::name_of(raw) {
                        Some(name) => {
                            let glyph = text::flag_letters(&emoji::display(raw)).into_owned();
                            format!(" {glyph}  {name} ")
                        }
                        None => format!(" {} ", app.symbols.label(e.value)),
                    };
                    Line::styled(text, style)
                })
                .collect();
            let inner = frame(
                " Remove which reaction? ",
                36,
                lines.len() as u16 + 3,
                area,
                buf,
            );
            render_lines(&lines, inner, buf);
            let keys = app
                .options
                .keymap
                .hints(&[(&[Action::Choose], "remove"), (&[Action::Cancel], "cancel")]);
            hint(&format!(" {keys}"), inner, buf);
        }
    }
}

/// Clears a centred box, draws its border and title, returns the inside.
pub(super) fn frame(title: &str, width: u16, height: u16, area: Rect, buf: &mut Buffer) -> Rect {
    let rect = centered(area, width, height);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::popup_border())
        .title(Span::styled(title.to_string(), theme::title()));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

fn render_lines(lines: &[Line], inner: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().enumerate().take(inner.height as usize) {
        buf.set_line(inner.x, inner.y + i as u16, line, inner.width);
    }
}

/// A dim hint on the last inside row, cut to the popup's width so it never covers the border.
pub(super) fn hint(text: &str, inner: Rect, buf: &mut Buffer) {
    if inner.height > 0 {
        let text = crate::text::truncate(text, inner.width as usize);
        buf.set_string(inner.x, inner.y + inner.height - 1, text, theme::dim());
    }
}

fn draw_picker(app: &App, picker: &Picker, area: Rect, buf: &mut Buffer) {
    let inner = frame(" React ", 48, 18, area, buf);
    if inner.height < 3 {
        return;
    }
    let query = Line::from(vec![
        Span::styled("search: ", theme::dim()),
        Span::raw(picker.query.clone()),
        Span::styled("▏", theme::info()),
    ]);
    buf.set_line(inner.x, inner.y, &query, inner.width);
    // Compared as drawn, so that every spelling of a reaction (and a flag) is found.
    let mine: Vec<&str> = app
        .timeline
        .get(picker.message_tt)
        .map(|m| {
            m.actions
                .iter()
                .filter(|a| !matches!(a.state, EntryState::Removing(_)))
                .map(|a| a.action)
                .filter(|a| a.uuid == app.me && app.kinds.is_reaction(a.kind))
                .map(|a| app.symbols.glyph(a.value))
                .collect()
        })
        .unwrap_or_default();
    let list_height = inner.height.saturating_sub(2) as usize;
    let first = (picker.selected + 1).saturating_sub(list_height);
    if picker.results.is_empty() {
        let none = crate::text::truncate("no emoji matches", inner.width as usize);
        buf.set_string(inner.x, inner.y + 1, none, theme::dim());
    }
    for (row, &index) in picker
        .results
        .iter()
        .enumerate()
        .skip(first)
        .take(list_height)
    {
        let Some(entry) = app.emoji.entry(index) else {
            continue;
        };
        let recent = app.emoji.recent.iter().any(|g| g == entry.glyph);
        let check = if mine.contains(&emoji::shown(entry.glyph).as_str()) {
            "✓"
        } else {
            " "
        };
        // A flag as its two letters: terminals disagree on a flag's width.
        let text = format!(
            "{check} {}  {}",
            text::flag_letters(entry.glyph),
            crate::text::truncate(
                &format!(
                    ":{}: {}{}",
                    entry.shortcode,
                    entry.name,
                    if recent { " · recent" } else { "" }
                ),
                inner.width.saturating_sub(6) as usize
            )
        );
        let style = if row == picker.selected {
            theme::selected_row()
        } else {
            Style::new()
        };
        let y = inner.y + 1 + (row - first) as u16;
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        buf.set_stringn(inner.x, y, text, inner.width as usize, style);
    }
    hint(&picker_hint(&app.options.keymap), inner, buf);
}

/// `↑/↓ choose · Enter toggle · Esc close`: the picker's keys that are not typed as text.
fn picker_hint(keymap: &Keymap) -> String {
    keymap.typing_hints(&[
        (&[Action::PopupUp, Action::PopupDown], "choose"),
        (&[Action::Choose], "toggle"),
        (&[Action::Cancel], "close"),
    ])
}

/// `Enter keep · Esc clear`: the filter's keys that are not typed as text.
pub(super) fn filter_hint(keymap: &Keymap) -> String {
    keymap.typing_hints(&[(&[Action::Choose], "keep"), (&[Action::Cancel], "clear")])
}

/// A hint that ends with what every other key does (`y remove · any other key keeps it`).
fn or_any_other_key(keys: String, rest: &str) -> String {
    if keys.is_empty() {
        rest.to_string()
    } else {
        format!("{keys} · {rest}")
    }
}

fn draw_help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Line> = Vec::new();
    for (scope, rows) in app.options.keymap.help() {
        lines.push(Line::styled(scope, theme::title()));
        for (keys, what) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<16}"), theme::info()),
                Span::raw(what),
            ]));
        }
        lines.push(Line::raw(""));
    }
    let keymap = &app.options.keymap;
    lines.push(Line::styled("Picker", theme::title()));
    lines.push(Line::raw(format!(
        "  type to search · {}",
        picker_hint(keymap)
    )));
    lines.push(Line::raw("  ✓ marks your own reactions"));
    lines.push(Line::styled("Filter", theme::title()));
    lines.push(Line::raw(format!(
        "  type to filter · {}",
        filter_hint(keymap)
    )));
    lines.push(Line::styled("Mouse", theme::title()));
    lines.push(Line::raw(
        "  wheel scrolls · click selects · click a chip toggles it",
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Moderation", theme::title()));
    let mode = if app.options.moderator {
        "on"
    } else {
        "off (start with --moderator)"
    };
    lines.push(Line::raw(format!("  moderator mode: {mode}")));
    lines.push(Line::raw(format!(
        "  audit log: {}",
        app.options.audit_log_path
    )));
    lines.push(Line::raw(
        "  keys can be changed in config.toml, table [keys]",
    ));
    let height = (lines.len() as u16 + 3).min(area.height);
    let inner = frame(" Help ", 78, height, area, buf);
    let visible = inner.height.saturating_sub(1) as usize;
    let max_scroll = lines.len().saturating_sub(visible);
    let first = (scroll as usize).min(max_scroll);
    render_lines(
        &lines[first..],
        Rect {
            height: visible as u16,
            ..inner
        },
        buf,
    );
    let keys = keymap.hints(&[(&[Action::PopupDown, Action::PopupUp], "scroll")]);
    hint(&or_any_other_key(keys, "any other key closes"), inner, buf);
}

fn draw_confirm(
    app: &App,
    prompt: &str,
    (title, verb): (&str, &str),
    area: Rect,
    buf: &mut Buffer,
) {
    let width = 60.min(area.width);
    let lines: Vec<Line> = wrap::wrap(prompt, width.saturating_sub(4) as usize)
        .into_iter()
        .map(Line::raw)
        .collect();
    let inner = frame(title, width, lines.len() as u16 + 4, area, buf);
    render_lines(&lines, inner, buf);
    let keys = app.options.keymap.hints(&[(&[Action::Confirm], verb)]);
    hint(
        &or_any_other_key(keys, "any other key keeps it"),
        inner,
        buf,
    );
}
