//! Pop-ups over the main area: the reaction picker, help, the moderator's confirmation and the
//! chooser for which of my reactions to remove.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::popup_box::{frame, hint, render_lines};
use super::{theme, wrap};
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
        Overlay::Confirm {
            target,
            prompt,
            reason,
        } => {
            let (title, verb) = target.wording();
            super::moderation::draw_question(app, (title, prompt, reason, verb), area, buf)
        }
        Overlay::Undo { prompt, reason, .. } => super::moderation::draw_question(
            app,
            (" Undo a removal ", prompt, reason, "undo"),
            area,
            buf,
        ),
        Overlay::BulkChoice { options, selected } => {
            super::moderation::draw_choice(app, options, *selected, area, buf)
        }
        // Drawn by the Reports screen's module and the switcher's.
        Overlay::Resolve { .. } | Overlay::Switcher(_) => {}
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

/// One line of help before wrapping.
enum HelpRow {
    Title(&'static str),
    /// Keys in their column, and what they do.
    Entry(String, String),
    /// Indented text.
    Text(String),
    Blank,
}

/// Every line of help, as configured.
fn help_rows(app: &App) -> Vec<HelpRow> {
    let keymap = &app.options.keymap;
    let mut rows = Vec::new();
    for (scope, entries) in keymap.help() {
        rows.push(HelpRow::Title(scope));
        for (keys, what) in entries {
            rows.push(HelpRow::Entry(keys, what.to_string()));
        }
        rows.push(HelpRow::Blank);
    }
    // With Access Manager the credentials decide, not the flag.
    let managed = app.options.access.as_ref().filter(|a| a.is_managed());
    let mode = match (app.options.moderator, managed) {
        (true, _) => "on".to_string(),
        (false, Some(access)) => match access.moderation_missing() {
            Some(missing) => format!("off (needs {missing})"),
            None => "off".to_string(),
        },
        (false, None) => "off (start with --moderator)".to_string(),
    };
    rows.extend([
        HelpRow::Title("Picker"),
        HelpRow::Text(format!("type to search · {}", picker_hint(keymap))),
        HelpRow::Text("✓ marks your own reactions".into()),
        HelpRow::Title("Filter"),
        HelpRow::Text(format!("type to filter · {}", filter_hint(keymap))),
        HelpRow::Title("Mouse"),
        HelpRow::Text("wheel scrolls · click selects · click a chip toggles it".into()),
        HelpRow::Blank,
        HelpRow::Title("Moderation"),
        HelpRow::Text(format!("moderator mode: {mode}")),
        HelpRow::Text(format!("audit log: {}", app.options.audit_log_path)),
        HelpRow::Text("keys can be changed in config.toml, table [keys]".into()),
    ]);
    rows
}

/// Indent of entries and text under a title.
const HELP_INDENT: usize = 2;
/// The keys column is at least this wide, so that text lines up across sections.
const HELP_KEYS_MIN: usize = 16;
/// The keys column is at most this wide; longer keys push their text to the next line.
const HELP_KEYS_MAX: usize = 24;

/// The help lines at `width` cells: each row whole when it fits, else wrapped under itself
/// (an entry's text under its text, not under its keys).
fn help_lines(rows: &[HelpRow], width: usize) -> Vec<Line<'static>> {
    let keys_width = rows
        .iter()
        .filter_map(|r| match r {
            HelpRow::Entry(keys, _) => Some(keys.width() + 2),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .clamp(HELP_KEYS_MIN, HELP_KEYS_MAX);
    let indent = |n: usize| " ".repeat(n);
    let mut lines = Vec::new();
    for row in rows {
        match row {
            HelpRow::Title(title) => lines.push(Line::styled(*title, theme::title())),
            HelpRow::Blank => lines.push(Line::raw("")),
            HelpRow::Text(text) => {
                for part in wrap::wrap(text, width.saturating_sub(HELP_INDENT).max(1)) {
                    lines.push(Line::raw(format!("{}{part}", indent(HELP_INDENT))));
                }
            }
            HelpRow::Entry(keys, what) => {
                let mut column = HELP_INDENT + keys_width;
                let fits_beside = keys.width() + 2 <= keys_width
                    && width.saturating_sub(column) >= HELP_KEYS_MAX / 2;
                let head = format!("{}{keys}", indent(HELP_INDENT));
                if !fits_beside {
                    // Keys on a line of their own, the text under them.
                    lines.push(Line::styled(head.clone(), theme::info()));
                    column = HELP_INDENT * 2;
                }
                for (i, part) in wrap::wrap(what, width.saturating_sub(column).max(1))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if i == 0 && fits_beside {
                        Span::styled(
                            format!("{head}{}", indent(column - head.width())),
                            theme::info(),
                        )
                    } else {
                        Span::raw(indent(column))
                    };
                    lines.push(Line::from(vec![lead, Span::raw(part)]));
                }
            }
        }
    }
    lines
}

/// Help in a pop-up as wide as its longest line when the terminal allows (so that long lines,
/// such as the audit log's path, show whole), else as wide as the terminal with lines wrapped.
fn draw_help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let rows = help_rows(app);
    let widest = help_lines(&rows, usize::MAX / 2)
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0);
    // Two columns of border and one of room after the longest line.
    let width = (widest + 3).min(area.width as usize) as u16;
    let lines = help_lines(&rows, width.saturating_sub(3) as usize);
    let height = (lines.len() as u16 + 3).min(area.height);
    let inner = frame(" Help ", width, height, area, buf);
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
    let keys = app
        .options
        .keymap
        .hints(&[(&[Action::PopupDown, Action::PopupUp], "scroll")]);
    hint(&or_any_other_key(keys, "any other key closes"), inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Options;

    /// A path longer than any help line, as a deep home directory gives.
    const LONG_PATH: &str = "/home/someone-with-a-long-name/.local/share/reactions/projects/\
         a-very-long-directory-name-that-goes-on/and-on/moderation-audit.jsonl";

    /// The help pop-up drawn on a `width` x `height` screen: its rows inside the border.
    fn help_rows(width: u16, height: u16) -> Vec<String> {
        let mut options = Options::new("chats.room1", "me");
        options.audit_log_path = LONG_PATH.into();
        let app = App::new(options);
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        draw_help(&app, 0, area, &mut buf);
        (0..height)
            .map(|y| {
                let row: String = (0..width)
                    .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_string()))
                    .collect();
                row.trim().trim_matches('│').to_string()
            })
            .filter(|row| !row.is_empty() && !row.starts_with('╭') && !row.starts_with('╰'))
            .collect()
    }

    fn squeezed(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn on_a_wide_terminal_long_lines_are_shown_whole() {
        let rows = help_rows(250, 80);
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!("audit log: {LONG_PATH}"))),
            "{rows:#?}"
        );
    }

    #[test]
    fn on_a_narrow_terminal_lines_wrap_instead_of_being_cut() {
        let rows = help_rows(40, 200);
        assert!(rows.iter().all(|r| r.chars().count() <= 38), "{rows:#?}");
        let all = squeezed(&rows.concat());
        let keymap = crate::app::keymap::Keymap::default();
        for (_, entries) in keymap.help() {
            for (keys, what) in entries {
                let entry = squeezed(&format!("{keys}{what}"));
                assert!(all.contains(&entry), "{keys} {what} whole in {rows:#?}");
            }
        }
        assert!(all.contains(&squeezed(LONG_PATH)), "{rows:#?}");
    }
}
