//! The Actions screen: the channel's message actions newest first, one row each, drawn from a
//! top anchor so only visible rows are touched.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::timeline::local;
use super::{Hits, list_row, retry_hint, theme};
use crate::app::action::ActionOnMessage;
use crate::app::actions_view::ActionsView;
use crate::app::{App, MouseTarget};
use crate::pubnub::Timetoken;
use crate::text::single_line;

/// Render state: the row at the top of the list, and whether that was the newest row (then
/// newer rows that arrive, live or restored after a failed removal, show at the top instead of
/// hiding above it).
#[derive(Debug, Default)]
pub struct ActionsTableView {
    top: Option<Timetoken>,
    top_is_newest: bool,
    /// Rows the list had room for in the last frame (a page).
    pub rows: usize,
}

const TIME_W: usize = 11;
const USER_W: usize = 12;
const TYPE_W: usize = 10;
const VALUE_W: usize = 12;

fn cell(text: &str, width: usize) -> String {
    let cut = crate::text::truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{} ", " ".repeat(pad))
}

impl ActionsTableView {
    /// The row to draw at the top so that `selected` shows; `newest` is the newest visible row.
    fn settle_top(
        &self,
        app: &App,
        selected: Timetoken,
        newest: Option<Timetoken>,
        rows: usize,
    ) -> Option<Timetoken> {
        let view = &app.actions;
        let kept = match self.top_is_newest {
            true => newest,
            false => self
                .top
                .filter(|tt| view.get(*tt).is_some_and(|r| view.matches(r))),
        };
        let top = kept.unwrap_or(selected);
        if selected > top {
            return Some(selected);
        }
        let within = view
            .display_from(Some(top))
            .take(rows)
            .any(|r| r.action.action_tt == selected);
        if within {
            Some(top)
        } else {
            view.step(selected, -(rows as isize - 1))
        }
    }

    pub fn draw(&mut self, app: &App, area: Rect, buf: &mut Buffer, hits: &mut Hits) {
        if area.height < 2 {
            return;
        }
        let view = &app.actions;
        let filter_line = view.editing_filter || view.is_filtered();
        let list_height = area.height as usize - 1 - usize::from(filter_line);
        self.rows = list_height;
        let header = format!(
            "{}{}{}{}MESSAGE",
            cell("TIME", TIME_W),
            cell("USER", USER_W),
            cell("TYPE", TYPE_W),
            cell("VALUE", VALUE_W)
        );
        buf.set_string(area.x + 1, area.y, header, theme::title());
        let mut y = area.y + 1;
        // Found once a frame: with a filter that few rows pass it is a walk through the rows.
        let newest = view.newest();
        let selected = view.selected.or(newest);
        self.top = selected.and_then(|s| self.settle_top(app, s, newest, list_height));
        self.top_is_newest = self.top.is_some() && self.top == newest;
        let mut drawn = 0;
        for row in view.display_from(self.top).take(list_height) {
            let line = row_line(app, row, area.width.saturating_sub(1) as usize);
            list_row(buf, area, y, line, Some(row.action.action_tt) == selected);
            hits.push(
                Rect::new(area.x, y, area.width, 1),
                MouseTarget::ActionRow(row.action.action_tt),
            );
            y += 1;
            drawn += 1;
        }
        if drawn < list_height {
            let note = if view.first_failed() {
                match retry_hint(app) {
                    Some(retry) => format!("Could not load the actions. {retry}."),
                    None => "Could not load the actions.".to_string(),
                }
            } else if view.is_filtered() && view.is_loaded() && view.next_start.is_some() {
                searched(view)
            } else if view.is_loading() || !view.is_loaded() {
                "loading actions…".to_string()
            } else if drawn == 0 && view.is_filtered() && view.next_start.is_none() {
                format!(
                    "No action of the channel matches “{}”.",
                    single_line(&view.filter)
                )
            } else if view.next_start.is_some() {
                "↓ more".to_string()
            } else if view.is_empty() {
                "No message actions in this channel yet.".to_string()
            } else {
                "── first action of the channel ──".to_string()
            };
            buf.set_string(area.x + 1, y, note, theme::dim());
        }
        if filter_line {
            let filter = super::FilterLine {
                what: "filter (user:bob value:🍆 since:1h, or words)",
                text: &view.filter,
                editing: view.editing_filter,
                error: view.filter_error.as_deref(),
            };
            filter.draw(&app.options.keymap, area, buf);
        }
    }
}

/// How far a filter has searched: `searched 340,000 actions…` while older pages remain (the
/// channel's total is not known before its start is reached), `searched all 1,000,000 actions`
/// after. Empty without a filter.
fn searched(view: &ActionsView) -> String {
    if !view.is_filtered() || !view.is_loaded() {
        return String::new();
    }
    let n = grouped(view.len());
    match view.next_start {
        Some(_) => format!(
            "searched {n} actions{}   ",
            if view.is_loading() { "…" } else { "" }
        ),
        None => format!("searched all {n} actions   "),
    }
}

/// `1234567` as `1,234,567`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn row_line(app: &App, row: &ActionOnMessage, width: usize) -> Line<'static> {
    let s = &app.symbols;
    let message_tt = row.message_tt;
    let row = &row.action;
    let when = local(row.action_tt, app.options.utc_offset_secs)
        .format("%m-%d %H:%M")
        .to_string();
    // The value as stored; a shortcode name also as its emoji (`❌ x`).
    let value = match s.spelled_name(row.value) {
        Some((glyph, name)) if app.kinds.is_reaction(row.kind) => format!("{glyph} {name}"),
        _ => s.label(row.value).to_string(),
    };
    let fixed = TIME_W + USER_W + TYPE_W + VALUE_W + 4;
    let rest = width.saturating_sub(fixed);
    let message = match app.message_text(message_tt) {
        Some(text) => Span::raw(crate::text::truncate(&single_line(text), rest)),
        None => Span::styled(
            crate::text::truncate(&format!("(message {message_tt} not loaded)"), rest),
            theme::dim(),
        ),
    };
    Line::from(vec![
        Span::styled(cell(&when, TIME_W), theme::time()),
        Span::styled(
            cell(app.user_name(row.uuid), USER_W),
            theme::author(app.user_name(row.uuid)),
        ),
        Span::raw(cell(s.label(row.kind), TYPE_W)),
        Span::raw(cell(&value, VALUE_W)),
        message,
    ])
}
