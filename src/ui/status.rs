//! The status bar: channel, user, moderator mode, connection, pending requests and the last
//! error or notice. A notice that does not fit beside the rest gets up to two lines of its own, so the
//! reason for a failure is never cut off.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{theme, wrap};
use crate::app::keymap::Action;
use crate::app::{App, Connection};
use crate::text::single_line;

fn left(app: &App) -> Vec<Span<'static>> {
    let mut spans = vec![
        Span::styled(format!(" {} ", super::channel_title(app)), theme::title()),
        Span::raw(format!("{} ", app.user_name(app.me))),
    ];
    if app.options.moderator {
        spans.push(Span::styled(" MOD ", theme::moderator()));
        spans.push(Span::raw(" "));
    }
    spans.push(match &app.connection {
        Connection::Connecting => Span::styled("○ connecting", theme::warn()),
        Connection::Live => Span::styled("● live", theme::live()),
        Connection::Reconnecting { retry_at, .. } => {
            let secs = retry_at
                .get()
                .saturating_sub(app.now.get())
                .div_ceil(10_000_000);
            let text = match secs {
                0 => "◌ reconnecting…".to_string(),
                _ => format!("◌ reconnecting in {secs} s"),
            };
            Span::styled(text, theme::warn())
        }
        Connection::Offline(_) => Span::styled("✕ offline", theme::error()),
    });
    let pending = app.pending_count();
    if pending > 0 {
        spans.push(Span::styled(format!(" · {pending} pending"), theme::warn()));
    }
    if app.newest_page.is_loading() || app.older_page.is_loading() || app.actions.is_loading() {
        spans.push(Span::styled(" · loading…", theme::info()));
    }
    spans
}

/// The notice (or the connection's error) to show, and its style.
fn notice(app: &App) -> Option<Span<'static>> {
    match &app.notice {
        Some(n) if n.is_error => Some(Span::styled(
            format!(" {} ", single_line(&n.text)),
            theme::error(),
        )),
        Some(n) => Some(Span::styled(
            single_line(&n.text).into_owned(),
            theme::info(),
        )),
        None => match &app.connection {
            Connection::Reconnecting { error, .. } | Connection::Offline(error) => {
                Some(Span::styled(single_line(error).into_owned(), theme::dim()))
            }
            _ => None,
        },
    }
}

fn width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

/// Most lines a notice below the status line may take; longer ones are cut.
const NOTICE_LINES: usize = 2;

/// Rows the status bar needs at this width: the status line, and below it the notice's own
/// lines (wrapped, at most [`NOTICE_LINES`]) when it does not fit beside the rest.
pub(super) fn height(app: &App, area_width: u16) -> u16 {
    match notice(app) {
        Some(n) if width(&left(app)) + 2 + n.content.width() > area_width as usize => {
            1 + notice_lines(&n, area_width).len() as u16
        }
        _ => 1,
    }
}

/// The notice wrapped to the width, the last line cut if there are more than fit.
fn notice_lines(notice: &Span<'_>, area_width: u16) -> Vec<String> {
    let width = (area_width as usize).max(1);
    let mut lines = wrap::wrap(&notice.content, width);
    if lines.len() > NOTICE_LINES {
        let rest = lines.split_off(NOTICE_LINES - 1).join(" ");
        lines.push(crate::text::truncate(&rest, width));
    }
    lines
}

pub(super) fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let mut spans = left(app);
    let notice = notice(app);
    if area.height >= 2 {
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        if let Some(n) = notice {
            let rows = (area.height - 1) as usize;
            for (i, text) in notice_lines(&n, area.width)
                .into_iter()
                .take(rows)
                .enumerate()
            {
                buf.set_line(
                    area.x,
                    area.y + 1 + i as u16,
                    &Line::from(Span::styled(text, n.style)),
                    area.width,
                );
            }
        }
        return;
    }
    spans.push(Span::raw("  "));
    match notice {
        Some(n) => spans.push(n),
        None => spans.push(Span::styled(
            app.options.keymap.hints(&[(&[Action::Help], "help")]),
            theme::dim(),
        )),
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}
