//! Colours and text styles, in one place, in three palettes: `dark` (the default) and `light`
//! stick to the 16 basic colours so they read on any terminal theme of that brightness; `mono`
//! (chosen by `NO_COLOR`) has no colour at all, so everything that must stand out (own
//! reactions, the selection, pending changes, errors, the active tab) does so by bold, reverse
//! video, italics and the markers of [`chip_marks`].
//!
//! The palette is the app's setting ([`crate::app::Options::theme`]); [`crate::ui::draw`] makes
//! it the current one at the start of every frame, and the style functions read it from there
//! rather than taking it as an argument at every call. Drawing happens on one thread, and each
//! test thread that draws sets its own.

use std::cell::Cell;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub use crate::config::Theme;

thread_local! {
    static CURRENT: Cell<Theme> = const { Cell::new(Theme::Dark) };
}

/// Makes `theme` the palette of what is drawn next on this thread.
pub fn set(theme: Theme) {
    CURRENT.with(|c| c.set(theme));
}

/// The palette in use.
pub fn current() -> Theme {
    CURRENT.with(Cell::get)
}

/// The style of the palette in use: `dark`'s, `light`'s or `mono`'s.
fn pick(dark: Style, light: Style, mono: Style) -> Style {
    match current() {
        Theme::Dark => dark,
        Theme::Light => light,
        Theme::Mono => mono,
    }
}

/// A colour only: the same in dark and light, nothing in mono.
fn colour(fg: Color) -> Style {
    pick(Style::new().fg(fg), Style::new().fg(fg), Style::new())
}

const BOLD: Modifier = Modifier::BOLD;
const REVERSED: Modifier = Modifier::REVERSED;

pub fn dim() -> Style {
    pick(
        Style::new().fg(Color::DarkGray),
        Style::new().fg(Color::DarkGray),
        Style::new().add_modifier(Modifier::DIM),
    )
}

pub fn time() -> Style {
    dim()
}

pub fn title() -> Style {
    Style::new().add_modifier(BOLD)
}

pub fn selected_row() -> Style {
    pick(
        Style::new().bg(Color::DarkGray).fg(Color::White),
        Style::new().bg(Color::Gray).fg(Color::Black),
        Style::new().add_modifier(REVERSED),
    )
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
    dim().add_modifier(Modifier::ITALIC)
}

/// A thread root's replies line.
pub fn thread() -> Style {
    colour(Color::Magenta)
}

pub fn gutter() -> Style {
    pick(
        Style::new().fg(Color::Cyan).add_modifier(BOLD),
        Style::new().fg(Color::Blue).add_modifier(BOLD),
        Style::new().add_modifier(BOLD),
    )
}

pub fn error() -> Style {
    pick(
        Style::new().fg(Color::White).bg(Color::Red),
        Style::new().fg(Color::White).bg(Color::Red),
        Style::new().add_modifier(REVERSED | BOLD),
    )
}

pub fn info() -> Style {
    pick(
        Style::new().fg(Color::Cyan),
        Style::new().fg(Color::Blue),
        Style::new(),
    )
}

pub fn live() -> Style {
    colour(Color::Green)
}

pub fn warn() -> Style {
    pick(
        Style::new().fg(Color::Yellow),
        Style::new().fg(Color::Red),
        Style::new().add_modifier(BOLD),
    )
}

pub fn moderator() -> Style {
    pick(
        Style::new().fg(Color::Black).bg(Color::Magenta),
        Style::new().fg(Color::White).bg(Color::Magenta),
        Style::new().add_modifier(REVERSED),
    )
    .add_modifier(BOLD)
}

pub fn tab_active() -> Style {
    pick(
        Style::new().fg(Color::Black).bg(Color::Cyan),
        Style::new().fg(Color::White).bg(Color::Blue),
        Style::new().add_modifier(REVERSED),
    )
    .add_modifier(BOLD)
}

/// A chip of a reaction the user has.
pub fn chip_mine() -> Style {
    pick(
        Style::new().fg(Color::Black).bg(Color::Yellow),
        Style::new().fg(Color::Black).bg(Color::Yellow),
        Style::new().add_modifier(REVERSED),
    )
    .add_modifier(BOLD)
}

pub fn chip() -> Style {
    Style::new()
}

/// A chip whose change by the user is in flight.
pub fn chip_pending() -> Style {
    dim().add_modifier(Modifier::ITALIC)
}

pub fn chip_receipt() -> Style {
    colour(Color::Green)
}

pub fn chip_other() -> Style {
    colour(Color::Magenta)
}

pub fn popup_border() -> Style {
    pick(
        Style::new().fg(Color::Cyan),
        Style::new().fg(Color::Blue),
        Style::new(),
    )
}

/// What a chip is wrapped in (in place of its padding spaces, so every palette lays chips out
/// alike): `[👍 2]` for one of mine and `~👍 2~` for one changing, in `mono`, where no colour
/// tells them apart; spaces otherwise.
pub fn chip_marks(mine: bool, pending: bool) -> (char, char) {
    match (current(), pending, mine) {
        (Theme::Mono, true, _) => ('~', '~'),
        (Theme::Mono, false, true) => ('[', ']'),
        _ => (' ', ' '),
    }
}

/// A stable colour per user name, so people are easy to tell apart (bold alone in `mono`).
pub fn author(name: &str) -> Style {
    const DARK: [Color; 6] = [
        Color::LightBlue,
        Color::LightGreen,
        Color::LightMagenta,
        Color::LightYellow,
        Color::LightCyan,
        Color::LightRed,
    ];
    const LIGHT: [Color; 6] = [
        Color::Blue,
        Color::Green,
        Color::Magenta,
        Color::Red,
        Color::Cyan,
        Color::DarkGray,
    ];
    let hash = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    let at = hash as usize % DARK.len();
    pick(
        Style::new().fg(DARK[at]),
        Style::new().fg(LIGHT[at]),
        Style::new(),
    )
    .add_modifier(BOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every style a screen uses, by name.
    fn all() -> Vec<(&'static str, Style)> {
        vec![
            ("dim", dim()),
            ("selected_row", selected_row()),
            ("error", error()),
            ("tab_active", tab_active()),
            ("moderator", moderator()),
            ("chip_mine", chip_mine()),
            ("chip", chip()),
            ("chip_pending", chip_pending()),
            ("chip_receipt", chip_receipt()),
            ("author", author("alice")),
            ("warn", warn()),
        ]
    }

    #[test]
    fn mono_has_no_colour_and_still_tells_mine_selected_and_pending_apart() {
        set(Theme::Mono);
        for (name, style) in all() {
            assert!(
                style.fg.is_none() && style.bg.is_none(),
                "{name}: {style:?}"
            );
        }
        let (mine, plain, pending) = (chip_mine(), chip(), chip_pending());
        assert_ne!(mine, plain);
        assert_ne!(pending, plain);
        assert_ne!(pending, mine);
        assert!(selected_row().add_modifier.contains(Modifier::REVERSED));
        assert_eq!(chip_marks(true, false), ('[', ']'));
        assert_eq!(chip_marks(false, true), ('~', '~'));
        set(Theme::Dark);
        assert_eq!(
            chip_marks(true, false),
            (' ', ' '),
            "colour tells them apart"
        );
    }

    #[test]
    fn light_draws_dark_text_on_light_backgrounds() {
        set(Theme::Light);
        assert_eq!(selected_row().fg, Some(Color::Black));
        for (name, style) in all() {
            // Light colours vanish on a white background.
            let light = [
                Color::White,
                Color::LightYellow,
                Color::LightCyan,
                Color::LightGreen,
                Color::Yellow,
            ];
            if style.bg.is_none() {
                assert!(
                    !style.fg.is_some_and(|c| light.contains(&c)),
                    "{name}: {style:?}"
                );
            }
        }
        set(Theme::Dark);
        assert_eq!(selected_row().bg, Some(Color::DarkGray));
    }
}
