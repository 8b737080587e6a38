//! The Timeline: messages oldest to newest, drawn from an anchor (a message and a line within
//! it) so only the visible window is ever laid out. Each message's lines are cached per width,
//! revision and names revision; selection styling is applied at draw time. A message shows its
//! newest edit (marked edited), or that it was deleted and by whom, and a thread root its
//! replies.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::chips::{self, ChipHit};
use super::{Hits, theme, wrap};
use crate::app::keymap::Action;
use crate::app::timeline::Message;
use crate::app::{App, MouseTarget, threads};
use crate::pubnub::Timetoken;
use crate::text::{flags_as_text, sanitize};

/// Columns taken by the selection gutter before the content.
const GUTTER: u16 = 2;
/// Cached layouts kept before the cache is emptied.
const CACHE_LIMIT: usize = 4096;

/// What is shown above the first loaded message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopMarker {
    None,
    Start,
    Loading,
    More,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LayoutKey {
    revision: u32,
    /// Names shown in the layout change when new names arrive.
    names: u32,
    width: u16,
    day_header: bool,
    top: TopMarker,
}

#[derive(Debug)]
struct Layout {
    key: LayoutKey,
    lines: Vec<Line<'static>>,
    /// Line index of the first chip line.
    chips_from: usize,
    chip_hits: Vec<ChipHit>,
}

/// Render state of the Timeline kept between frames.
#[derive(Debug, Default)]
pub struct TimelineView {
    cache: HashMap<Timetoken, Layout>,
    /// Top of the viewport: message timetoken and lines of it scrolled off.
    anchor: Option<(Timetoken, usize)>,
}

pub(super) fn local(tt: Timetoken, offset_secs: i32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(offset_secs).unwrap_or_else(|| {
        FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("UTC is a valid offset"))
    });
    tt.to_utc().with_timezone(&offset)
}

impl TimelineView {
    fn key(app: &App, index: usize, width: u16) -> Option<LayoutKey> {
        let message = app.timeline.at(index)?;
        let offset = app.options.utc_offset_secs;
        let day = |tt| local(tt, offset).date_naive();
        let day_header = index == 0
            || app
                .timeline
                .at(index - 1)
                .is_some_and(|prev| day(prev.timetoken) != day(message.timetoken));
        let top = if index > 0 {
            TopMarker::None
        } else if app.timeline.reached_start {
            TopMarker::Start
        } else if app.older_page.is_loading() {
            TopMarker::Loading
        } else {
            TopMarker::More
        };
        Some(LayoutKey {
            revision: message.revision,
            names: app.names.revision,
            width,
            day_header,
            top,
        })
    }

    /// The cached layout of message `index`, rebuilt when stale.
    fn layout(&mut self, app: &App, index: usize, width: u16) -> Option<&Layout> {
        let key = Self::key(app, index, width)?;
        let message = app.timeline.at(index)?;
        let fresh = self
            .cache
            .get(&message.timetoken)
            .is_some_and(|l| l.key == key);
        if !fresh {
            if self.cache.len() >= CACHE_LIMIT {
                self.cache.clear();
            }
            let layout = build(app, index, key);
            self.cache.insert(message.timetoken, layout);
        }
        self.cache.get(&message.timetoken)
    }

    fn height(&mut self, app: &App, index: usize, width: u16) -> usize {
        self.layout(app, index, width).map_or(0, |l| l.lines.len())
    }

    /// Anchor so that message `index` ends on the last row: walks upwards.
    fn bottom_aligned(
        &mut self,
        app: &App,
        index: usize,
        width: u16,
        height: usize,
    ) -> (usize, usize) {
        let mut total = 0;
        let mut i = index;
        loop {
            total += self.height(app, i, width);
            if total >= height || i == 0 {
                return (i, total.saturating_sub(height));
            }
            i -= 1;
        }
    }

    /// Decides the first visible message and the lines of it scrolled off, keeping the
    /// selection in view and the view itself where it was.
    fn settle_anchor(
        &mut self,
        app: &App,
        selected: usize,
        width: u16,
        height: usize,
    ) -> (usize, usize) {
        let last = app.timeline.len() - 1;
        if app.follow {
            return self.bottom_aligned(app, last, width, height);
        }
        let (mut top, mut skip) = match self.anchor {
            Some((tt, skip)) => match app.timeline.position(tt) {
                Ok(i) => (i, skip),
                Err(i) => (i.min(last), 0),
            },
            None => (selected, 0),
        };
        if selected < top || (selected == top && skip > 0) {
            (top, skip) = (selected, 0);
        } else {
            let mut y = 0usize;
            let mut i = top;
            while i <= selected {
                y += self.height(app, i, width);
                i += 1;
            }
            if y.saturating_sub(skip) > height {
                (top, skip) = self.bottom_aligned(app, selected, width, height);
                if self.height(app, selected, width) >= height {
                    (top, skip) = (selected, 0);
                }
            }
        }
        // Never leave empty rows at the bottom when there is history above.
        let mut filled = 0usize;
        let mut i = top;
        while i <= last && filled < height + skip {
            filled += self.height(app, i, width);
            i += 1;
        }
        if filled < height + skip && (top > 0 || skip > 0) {
            return self.bottom_aligned(app, last, width, height);
        }
        (top, skip)
    }

    /// Draws the visible window into `area`; returns how many messages are visible.
    pub fn draw(&mut self, app: &App, area: Rect, buf: &mut Buffer, hits: &mut Hits) -> usize {
        if area.height == 0 || area.width <= GUTTER {
            return 0;
        }
        if app.timeline.is_empty() {
            let text = if app.newest_page.is_loading() {
                "Loading messages…".to_string()
            } else if app.newest_page.is_failed() {
                match super::retry_hint(app) {
                    Some(retry) => format!(
                        "Could not load the messages. {retry}; they also load once the connection is back."
                    ),
                    None => "Could not load the messages. They load once the connection is back."
                        .to_string(),
                }
            } else if threads::in_thread(app) {
                "No replies in this thread yet.".to_string()
            } else {
                format!(
                    "No messages in #{} yet.",
                    crate::text::single_line(&app.channel)
                )
            };
            buf.set_string(area.x + GUTTER, area.y, text, theme::dim());
            return 0;
        }
        let width = area.width - GUTTER;
        let height = area.height as usize;
        let selected = app
            .selected
            .and_then(|tt| app.timeline.position(tt).ok())
            .unwrap_or(app.timeline.len() - 1);
        let (top, skip) = self.settle_anchor(app, selected, width, height);
        self.anchor = app.timeline.at(top).map(|m| (m.timetoken, skip));

        let mut y = area.y;
        let bottom = area.y + area.height;
        let mut index = top;
        let mut visible = 0;
        let mut first_skip = skip;
        while y < bottom {
            let Some(message) = app.timeline.at(index) else {
                break;
            };
            let is_selected = index == selected;
            let Some(layout) = self.layout(app, index, width) else {
                break;
            };
            let start_y = y;
            for (n, line) in layout.lines.iter().enumerate().skip(first_skip) {
                if y >= bottom {
                    break;
                }
                let body = n >= layout.header_line();
                if is_selected && body {
                    buf.set_string(area.x, y, "▌", theme::gutter());
                }
                buf.set_line(area.x + GUTTER, y, line, width);
                for hit in layout
                    .chip_hits
                    .iter()
                    .filter(|h| layout.chips_from + h.line == n)
                {
                    hits.push(
                        Rect::new(area.x + GUTTER + hit.x, y, hit.width, 1),
                        MouseTarget::Chip {
                            message_tt: message.timetoken,
                            value: hit.value,
                        },
                    );
                }
                y += 1;
            }
            hits.push_under(
                Rect::new(area.x, start_y, area.width, y - start_y),
                MouseTarget::Message(message.timetoken),
            );
            first_skip = 0;
            visible += 1;
            index += 1;
        }
        visible
    }
}

impl Layout {
    /// Index of the header line (after the top marker and day line).
    fn header_line(&self) -> usize {
        usize::from(self.key.top != TopMarker::None) + usize::from(self.key.day_header)
    }
}

fn centered_rule(text: &str, width: u16) -> Line<'static> {
    use unicode_width::UnicodeWidthStr;
    let w = text.width() as u16 + 2;
    let side = width.saturating_sub(w) / 2;
    let rule = "─".repeat(side as usize);
    Line::from(Span::styled(format!("{rule} {text} {rule}"), theme::dim()))
}

fn build(app: &App, index: usize, key: LayoutKey) -> Layout {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(message) = app.timeline.at(index) else {
        return Layout {
            key,
            lines,
            chips_from: 0,
            chip_hits: Vec::new(),
        };
    };
    let start = if threads::in_thread(app) {
        match threads::root_heading(app) {
            Some(root) => format!(
                "replies to {}",
                crate::text::truncate(&root, (key.width as usize).saturating_sub(20))
            ),
            None => "start of the thread".to_string(),
        }
    } else {
        format!("start of #{}", crate::text::single_line(&app.channel))
    };
    match key.top {
        TopMarker::None => {}
        TopMarker::Start => lines.push(centered_rule(&start, key.width)),
        TopMarker::Loading => lines.push(Line::styled("  loading older messages…", theme::info())),
        TopMarker::More => lines.push(Line::styled("  ↑ older messages", theme::dim())),
    }
    let at = local(message.timetoken, app.options.utc_offset_secs);
    if key.day_header {
        lines.push(centered_rule(
            &at.format("%A %-d %B %Y").to_string(),
            key.width,
        ));
    }
    let author = message
        .author
        .map_or("(unknown)", |a| app.user_name(a))
        .to_string();
    let mut header = vec![
        Span::styled(at.format("%H:%M").to_string(), theme::time()),
        Span::raw(" "),
        Span::styled(author.clone(), theme::author(&author)),
    ];
    if message.chat.edit.is_some() && !message.chat.is_deleted() {
        header.push(Span::styled(" (edited)", theme::dim()));
    }
    lines.push(Line::from(header));
    body(app, message, key.width, &mut lines);
    let chips_from = lines.len();
    let (chip_lines, chip_hits) = chips::layout(app, message, 0, key.width);
    lines.extend(chip_lines);
    lines.extend(thread_line(app, message));
    Layout {
        key,
        lines,
        chips_from,
        chip_hits,
    }
}

/// The message's text lines: its newest edit, or a note that it was deleted (and the key that
/// restores it, for whoever may).
fn body(app: &App, message: &Message, width: u16, lines: &mut Vec<Line<'static>>) {
    match message.chat.deleted_by {
        Some(by) => {
            let mut note = format!("message deleted by {}", app.user_name(by));
            if app.options.moderator || by == app.me {
                let restore = app.options.keymap.first_label(Action::Restore);
                note.push_str(&format!(" · {restore} restores"));
            }
            for text_line in wrap::wrap(&note, width as usize) {
                lines.push(Line::styled(text_line, theme::deleted()));
            }
        }
        None => {
            let edited;
            let text = match message.chat.edit {
                Some(edit) => {
                    edited = flags_as_text(&sanitize(app.symbols.raw(edit))).into_owned();
                    &edited
                }
                None => &*message.text,
            };
            for text_line in wrap::wrap(text, width as usize) {
                lines.push(Line::raw(text_line));
            }
        }
    }
}

/// A thread root's line under its chips: `🧵 3 replies · t opens`.
fn thread_line(app: &App, message: &Message) -> Option<Line<'static>> {
    let thread = message.chat.thread?;
    let open = app.options.keymap.first_label(Action::OpenThread);
    let replies = match app.replies.get(app.symbols.raw(thread)) {
        Some(1) => "1 reply".to_string(),
        Some(n) => format!("{n} replies"),
        None => "thread".to_string(),
    };
    Some(Line::styled(
        format!(" 🧵 {replies} · {open} opens"),
        theme::thread(),
    ))
}
