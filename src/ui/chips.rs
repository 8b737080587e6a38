//! Lays out a message's chips as lines of styled spans, wrapping when they do not fit, and
//! records where each reaction chip is so a click can toggle it.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::App;
use crate::app::chips::{Chip, ChipKind, chip_label, chips};
use crate::app::symbols::Sym;
use crate::app::timeline::Message;

/// Where a reaction chip landed: line index within the chip lines, and cell columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipHit {
    pub line: usize,
    pub x: u16,
    pub width: u16,
    pub value: Sym,
}

fn style(chip: &Chip) -> ratatui::style::Style {
    if chip.pending {
        theme::chip_pending()
    } else if chip.mine && chip.kind == ChipKind::Reaction {
        theme::chip_mine()
    } else {
        match chip.kind {
            ChipKind::Reaction => theme::chip(),
            ChipKind::Receipts => theme::chip_receipt(),
            ChipKind::Other(_) => theme::chip_other(),
        }
    }
}

/// The chip lines of `message`, each starting at column `indent`, no wider than `width`.
pub fn layout(
    app: &App,
    message: &Message,
    indent: u16,
    width: u16,
) -> (Vec<Line<'static>>, Vec<ChipHit>) {
    let all = chips(message, app.me, &app.kinds, &app.symbols);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut hits = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used: u16 = 0;
    let pad = " ".repeat(indent as usize);
    let available = width.saturating_sub(indent).max(4);
    for chip in &all {
        let (open, close) =
            theme::chip_marks(chip.mine && chip.kind == ChipKind::Reaction, chip.pending);
        let text = format!(
            "{open}{}{close}",
            crate::text::truncate(
                &chip_label(chip, &app.symbols),
                available.saturating_sub(2) as usize
            )
        );
        let w = text.width() as u16;
        let gap = if used > 0 { 1 } else { 0 };
        if used > 0 && used + gap + w > available {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        if used == 0 {
            spans.push(Span::raw(pad.clone()));
        } else {
            spans.push(Span::raw(" "));
            used += 1;
        }
        if chip.kind == ChipKind::Reaction {
            hits.push(ChipHit {
                line: lines.len(),
                x: indent + used,
                width: w,
                value: chip.value,
            });
        }
        spans.push(Span::styled(text, style(chip)));
        used += w;
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    (lines, hits)
}
