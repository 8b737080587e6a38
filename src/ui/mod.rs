//! Drawing: one function per pane, all reading [`App`] and never changing it. Render state that
//! survives frames (layout caches, scroll anchors, where things were drawn for the mouse) lives
//! in [`UiState`].

mod actions;
mod audit;
mod chips;
mod details;
mod moderation;
mod popup_box;
mod popups;
mod reports;
mod stats;
mod status;
mod switcher;
pub mod theme;
mod timeline;
pub mod wrap;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::chat::thread_root;
use crate::app::details::DetailsLayout;
use crate::app::keymap::Action;
use crate::app::{App, Measured, MouseTarget, Overlay, Screen, threads};
use crate::text::single_line;

/// Screen regions from the last frame that a click can hit.
#[derive(Debug, Default)]
pub struct Hits {
    /// Small targets (chips, rows), checked first.
    precise: Vec<(Rect, MouseTarget)>,
    /// Large targets under them (whole messages).
    under: Vec<(Rect, MouseTarget)>,
}

impl Hits {
    pub fn push(&mut self, rect: Rect, target: MouseTarget) {
        self.precise.push((rect, target));
    }

    pub fn push_under(&mut self, rect: Rect, target: MouseTarget) {
        self.under.push((rect, target));
    }

    fn clear(&mut self) {
        self.precise.clear();
        self.under.clear();
    }

    /// What is at column `x`, row `y`.
    pub fn at(&self, x: u16, y: u16) -> Option<MouseTarget> {
        let p = Position::new(x, y);
        self.precise
            .iter()
            .chain(self.under.iter())
            .find(|(r, _)| r.contains(p))
            .map(|(_, t)| *t)
    }
}

/// Render state kept between frames.
#[derive(Debug, Default)]
pub struct UiState {
    timeline: timeline::TimelineView,
    actions: actions::ActionsTableView,
    audit: audit::AuditTableView,
    reports: reports::ReportsListView,
    pub hits: Hits,
    /// Messages visible on the Timeline in the last frame that drew it.
    visible_messages: usize,
    /// The Details screen's layout in the last frame that drew it.
    details: DetailsLayout,
}

impl UiState {
    /// What the frames measured, for the loop to hand to `update` as [`Event::Measured`]
    /// (the app's movement keys need it; the draw itself never changes the app).
    ///
    /// [`Event::Measured`]: crate::app::Event::Measured
    pub fn measured(&self) -> Measured {
        Measured {
            timeline_messages: self.visible_messages,
            actions_rows: self.actions.rows,
            audit_rows: self.audit.rows,
            report_rows: self.reports.rows,
            details: self.details,
        }
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, state: &mut UiState) {
    theme::set(app.options.theme);
    let area = frame.area();
    state.hits.clear();
    let [top, main, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status::height(app, area.width)),
    ])
    .areas(area);
    draw_tabs(frame, app, top);
    let buf = frame.buffer_mut();
    match app.screen {
        Screen::Timeline => {
            state.visible_messages = state.timeline.draw(app, main, buf, &mut state.hits);
        }
        Screen::Actions => state.actions.draw(app, main, buf, &mut state.hits),
        Screen::Details(view) => state.details = details::draw(app, view, main, buf),
        Screen::Audit => state.audit.draw(app, main, buf),
        Screen::Stats => stats::draw(app, main, buf),
        Screen::Reports => state.reports.draw(app, main, buf),
    }
    status::draw(app, bottom, frame.buffer_mut());
    match &app.overlay {
        Some(Overlay::Resolve { report_tt, note }) => {
            reports::draw_resolve(app, *report_tt, note, main, frame.buffer_mut())
        }
        Some(Overlay::Switcher(switcher)) => {
            switcher::draw(app, switcher, main, frame.buffer_mut())
        }
        Some(overlay) => popups::draw(app, overlay, main, frame.buffer_mut()),
        None => {}
    }
    if let Some(bulk) = &app.bulk {
        moderation::draw_bulk(app, bulk, main, frame.buffer_mut());
    }
}

fn draw_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let tab = |name: &str, active: bool| {
        let style = if active {
            theme::tab_active()
        } else {
            theme::dim()
        };
        Span::styled(format!(" {name} "), style)
    };
    let on = |s: Screen| app.screen == s;
    let in_thread = threads::in_thread(app);
    let mut spans = vec![
        Span::styled(" reactions ", theme::title()),
        tab(
            "Timeline",
            matches!(app.screen, Screen::Timeline | Screen::Details(_)),
        ),
        Span::raw(" "),
        tab("Actions", on(Screen::Actions)),
    ];
    if app.options.moderator && !in_thread {
        let label = match app.reports.open {
            0 => "Reports".to_string(),
            n => format!("Reports ({n} open)"),
        };
        spans.push(Span::raw(" "));
        spans.push(tab(&label, on(Screen::Reports)));
    }
    if app.options.moderator {
        spans.extend([
            Span::raw(" "),
            tab("Audit", on(Screen::Audit)),
            Span::raw(" "),
            tab("Stats", on(Screen::Stats)),
        ]);
    }
    let mut hints: Vec<(&[Action], &str)> = vec![
        (&[Action::SwitchScreen], "switch"),
        (&[Action::Help], "help"),
    ];
    if in_thread {
        spans.push(Span::styled("  in a thread", theme::thread()));
        hints.insert(0, (&[Action::Back], "back"));
    }
    let (waiting, elsewhere) = app.channels.unseen_elsewhere();
    if waiting > 0 {
        let places = if elsewhere == 1 {
            "channel"
        } else {
            "channels"
        };
        spans.push(Span::styled(
            format!("  {waiting} new in {elsewhere} other {places}"),
            theme::live(),
        ));
        hints.insert(0, (&[Action::SwitchChannel], "channels"));
    }
    // Watched channels the token may not read: said until the session ends, not only in a
    // notice a later one replaces.
    let not_live = app.channels.not_live().len();
    if not_live > 0 {
        let places = if not_live == 1 { "channel" } else { "channels" };
        spans.push(Span::styled(
            format!("  {not_live} {places} not live (no access)"),
            theme::warn(),
        ));
    }
    spans.push(Span::styled(
        format!("   {}", app.options.keymap.hints(&hints)),
        theme::dim(),
    ));
    let line = Line::from(spans);
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &line, area.width);
}

/// The channel on screen as people read it: `#chats.room1`, or for a thread
/// `#chats.room1 › thread`.
pub fn channel_title(app: &App) -> String {
    match thread_root(&app.channel) {
        Some((parent, _)) if threads::in_thread(app) => {
            format!("#{} › thread", single_line(parent))
        }
        _ => format!("#{}", single_line(&app.channel)),
    }
}

/// `R retries`, naming the reload key as bound; `None` when it is unbound.
fn retry_hint(app: &App) -> Option<String> {
    Some(app.options.keymap.hints(&[(&[Action::Reload], "retries")])).filter(|h| !h.is_empty())
}

/// A rectangle of `width` x `height` centred in `area` (clamped to it).
/// A list's filter line on the last row of `area`: `/ filter: user:bob▏  (why it does not read)
/// Enter keep · Esc clear`, in the error colour while the text does not read.
struct FilterLine<'a> {
    /// What the filter is, after its key: `filter`, `filter (user:bob …)`.
    what: &'a str,
    text: &'a str,
    editing: bool,
    error: Option<&'a str>,
}

impl FilterLine<'_> {
    fn draw(&self, keymap: &crate::app::keymap::Keymap, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width < 2 {
            return;
        }
        let cursor = if self.editing { "▏" } else { "" };
        let error = self.error.map(|e| format!("  ({e})")).unwrap_or_default();
        let text = format!(
            "{} {}: {}{cursor}{error}   {}",
            keymap.first_label(Action::Filter),
            self.what,
            crate::text::single_line(self.text),
            popups::filter_hint(keymap)
        );
        let style = match self.error {
            Some(_) => theme::error(),
            None => theme::info(),
        };
        text_row(buf, area, area.y + area.height - 1, &text, style);
    }
}

/// `text` on row `y` of `area`, one cell in from its left edge and cut to what fits.
fn text_row(buf: &mut Buffer, area: Rect, y: u16, text: &str, style: Style) {
    let room = usize::from(area.width).saturating_sub(1);
    buf.set_string(area.x + 1, y, crate::text::truncate(text, room), style);
}

/// One row of a list at `y` across `area`: the whole width in the selection's colours when
/// `selected`, the line indented by one cell.
fn list_row(buf: &mut Buffer, area: Rect, y: u16, line: Line<'_>, selected: bool) {
    let style = if selected {
        theme::selected_row()
    } else {
        Style::new()
    };
    buf.set_style(Rect::new(area.x, y, area.width, 1), style);
    buf.set_line(
        area.x + 1,
        y,
        &theme::patch_row(line, style),
        area.width.saturating_sub(1),
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Whether a popup is open that takes all keys.
pub fn overlay_open(app: &App) -> bool {
    matches!(app.overlay, Some(Overlay::Picker(_))) || app.bulk.is_some()
}

/// A user id as people know them: their App Context name where the app knows it.
fn user_shown<'a>(app: &'a App, id: &'a str) -> &'a str {
    app.symbols
        .lookup(id)
        .map_or(id, |user| app.user_name(user))
}
