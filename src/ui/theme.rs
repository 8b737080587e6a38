//! Colours and text styles, in one place. Sticks to the 16 basic colours so it reads on any
//! terminal theme.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn time() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn selected_row() -> Style {
    Style::new().bg(Color::DarkGray).fg(Color::White)
}

/// `line` patched with its row's `style`. When the row has a background (the selection), a
/// span whose own foreground is that same colour (the grey of times and dim text on the grey
/// selection) takes the row's foreground instead, so every column of the row stays readable.
pub fn patch_row(line: Line<'_>, style: Style) -> Line<'_> {
    let Some(bg) = style.bg else {
        return line.patch_style(style);
    };
    let spans = line
        .spans
        .into_iter()
        .map(|mut span| {
            if span.style.fg == Some(bg) {
                span.style.fg = style.fg;
            }
            span
        })
        .collect::<Vec<_>>();
    Line { spans, ..line }.patch_style(style)
}

/// A soft-deleted message's note.
pub fn deleted() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}

/// A thread root's replies line.
pub fn thread() -> Style {
    Style::new().fg(Color::Magenta)
}

pub fn gutter() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(Color::White).bg(Color::Red)
}

pub fn info() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn live() -> Style {
    Style::new().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn moderator() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Magenta)
        .add_modifier(Modifier::BOLD)
}

pub fn tab_active() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

/// A chip of a reaction the user has.
pub fn chip_mine() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn chip() -> Style {
    Style::new()
}

/// A chip whose change by the user is in flight.
pub fn chip_pending() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}

pub fn chip_receipt() -> Style {
    Style::new().fg(Color::Green)
}

pub fn chip_other() -> Style {
    Style::new().fg(Color::Magenta)
}

pub fn popup_border() -> Style {
    Style::new().fg(Color::Cyan)
}

/// A stable colour per user name, so people are easy to tell apart.
pub fn author(name: &str) -> Style {
    const PALETTE: [Color; 6] = [
        Color::LightBlue,
        Color::LightGreen,
        Color::LightMagenta,
        Color::LightYellow,
        Color::LightCyan,
        Color::LightRed,
    ];
    let hash = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    Style::new()
        .fg(PALETTE[hash as usize % PALETTE.len()])
        .add_modifier(Modifier::BOLD)
}
