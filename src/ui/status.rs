//! The status bar: channel, user, moderator mode, connection, pending requests and the last
//! error or notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme;
use crate::app::{App, Connection};
use crate::text::single_line;

pub(super) fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![
        Span::styled(
            format!(" #{} ", single_line(&app.options.channel)),
            theme::title(),
        ),
        Span::raw(format!("{} ", single_line(&app.options.user_id))),
    ];
    if app.options.moderator {
        spans.push(Span::styled(" MOD ", theme::moderator()));
        spans.push(Span::raw(" "));
    }
    let connection = match &app.connection {
        Connection::Connecting => Span::styled("○ connecting", theme::warn()),
        Connection::Live => Span::styled("● live", theme::live()),
        Connection::Reconnecting { retry_at, .. } => {
            let secs = retry_at
                .get()
                .saturating_sub(app.now.get())
                .div_ceil(10_000_000);
            Span::styled(format!("◌ reconnecting in {secs} s"), theme::warn())
        }
        Connection::Offline(_) => Span::styled("✕ offline", theme::error()),
    };
    spans.push(connection);
    let pending = app.pending_count();
    if pending > 0 {
        spans.push(Span::styled(format!(" · {pending} pending"), theme::warn()));
    }
    if app.loading_latest || app.loading_older || app.actions.loading {
        spans.push(Span::styled(" · loading…", theme::info()));
    }
    spans.push(Span::raw("  "));
    match &app.notice {
        Some(notice) if notice.is_error => spans.push(Span::styled(
            format!(" {} ", single_line(&notice.text)),
            theme::error(),
        )),
        Some(notice) => spans.push(Span::styled(
            single_line(&notice.text).into_owned(),
            theme::info(),
        )),
        None => {
            if let Connection::Reconnecting { error, .. } | Connection::Offline(error) =
                &app.connection
            {
                spans.push(Span::styled(single_line(error).into_owned(), theme::dim()));
            }
        }
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}
