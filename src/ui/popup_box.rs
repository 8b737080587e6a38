//! A pop-up's box: a cleared, bordered, titled rectangle centred over the main area, its lines
//! and its key hint on the last inside row. Shared by every pop-up (`popups`, `moderation`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::{centered, theme};

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

pub(super) fn render_lines(lines: &[Line], inner: Rect, buf: &mut Buffer) {
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
