//! The moderator's pop-ups: the removal and undo questions (with the reason being typed), the
//! bulk choices of Details, and a bulk removal's pop-up: counting, the dry run (how many, by
//! user and by value, a sample, the reason) and the run (a progress bar with count, rate and
//! time left, then what failed and why).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Widget};

use super::popup_box::{frame, hint, render_lines};
use super::{theme, wrap};
use crate::app::App;
use crate::app::bulk::Bulk;
use crate::app::keymap::Action;
use crate::moderation::run::{BulkRun, DryRun, RunState, describe};
use crate::text::{single_line, truncate};

/// The reason line: `reason: spam▏`.
fn reason_line(reason: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("reason (optional): ", theme::dim()),
        Span::raw(single_line(reason).into_owned()),
        Span::styled("▏", theme::info()),
    ])
}

/// A question with a reason being typed: Enter does it, Esc keeps things as they are.
pub fn draw_question(
    app: &App,
    (title, prompt, reason, verb): (&str, &str, &str, &str),
    area: Rect,
    buf: &mut Buffer,
) {
    let width = 64.min(area.width);
    let mut lines: Vec<Line> = wrap::wrap(prompt, width.saturating_sub(4) as usize)
        .into_iter()
        .map(Line::raw)
        .collect();
    lines.push(Line::raw(""));
    lines.push(reason_line(reason));
    let inner = frame(title, width, lines.len() as u16 + 4, area, buf);
    render_lines(&lines, inner, buf);
    let keys = app
        .options
        .keymap
        .typing_hints(&[(&[Action::Choose], verb), (&[Action::Cancel], "keep it")]);
    hint(&keys, inner, buf);
}

/// What to remove in bulk for the action selected in Details.
pub fn draw_choice(
    app: &App,
    options: &[(String, String)],
    selected: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let lines: Vec<Line> = options
        .iter()
        .enumerate()
        .map(|(i, (label, filter))| {
            let style = if i == selected {
                theme::selected_row()
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(format!(" {label} "), style),
                Span::styled(format!(" {filter}"), theme::dim()),
            ])
        })
        .collect();
    let width = 72.min(area.width);
    let inner = frame(" Remove in bulk ", width, lines.len() as u16 + 3, area, buf);
    render_lines(&lines, inner, buf);
    let keys = app.options.keymap.hints(&[
        (&[Action::PopupDown, Action::PopupUp], "choose"),
        (&[Action::Choose], "dry run"),
        (&[Action::Cancel], "back"),
    ]);
    hint(&keys, inner, buf);
}

/// A bulk removal's pop-up.
pub fn draw_bulk(app: &App, bulk: &Bulk, area: Rect, buf: &mut Buffer) {
    match bulk {
        Bulk::Scanning { filter } => {
            let lines = vec![
                Line::raw(format!("Counting what `{}` matches", single_line(filter))),
                Line::styled(
                    "in every action of the channel (nothing is removed yet)…",
                    theme::dim(),
                ),
            ];
            let inner = frame(" Bulk removal: dry run ", 64.min(area.width), 5, area, buf);
            render_lines(&lines, inner, buf);
            hint(
                &app.options.keymap.hints(&[(&[Action::Cancel], "back out")]),
                inner,
                buf,
            );
        }
        Bulk::DryRun { dry, reason } => draw_dry_run(app, dry, reason, area, buf),
        Bulk::Running { run, .. } => draw_run(app, run, area, buf),
    }
}

fn counts(items: &[(String, usize)], max: usize) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .take(max)
        .map(|(k, n)| format!("{} {n}", single_line(k)))
        .collect();
    if items.len() > max {
        parts.push(format!("+{} more", items.len() - max));
    }
    parts.join("  ")
}

fn draw_dry_run(app: &App, dry: &DryRun, reason: &str, area: Rect, buf: &mut Buffer) {
    let width = 76.min(area.width);
    let inner_width = width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                match dry.count() {
                    1 => "1 action".to_string(),
                    n => format!("{n} actions"),
                },
                theme::title(),
            ),
            Span::raw(format!(
                " of {} match ({} looked at)",
                dry.channel, dry.scanned
            )),
        ]),
        Line::from(vec![
            Span::styled("filter    ", theme::dim()),
            Span::raw(truncate(
                &single_line(&dry.filter),
                inner_width.saturating_sub(10),
            )),
        ]),
        Line::from(vec![
            Span::styled("by user   ", theme::dim()),
            Span::raw(truncate(
                &counts(&dry.by_user, 6),
                inner_width.saturating_sub(10),
            )),
        ]),
        Line::from(vec![
            Span::styled("by value  ", theme::dim()),
            Span::raw(truncate(
                &counts(&dry.by_value, 6),
                inner_width.saturating_sub(10),
            )),
        ]),
        Line::styled("newest:", theme::dim()),
    ];
    for a in dry.sample() {
        let when = super::timeline::local(a.action_timetoken, app.options.utc_offset_secs)
            .format("%m-%d %H:%M")
            .to_string();
        let text = dry.excerpts.get(&a.message_timetoken).map_or_else(
            || format!("message {}", a.message_timetoken),
            |t| single_line(t).into_owned(),
        );
        let line = format!(
            "  {when}  {}  {}  on '{}'",
            single_line(&a.uuid),
            describe(a, app.reaction_type()),
            text
        );
        lines.push(Line::raw(truncate(&line, inner_width)));
    }
    lines.push(Line::raw(""));
    lines.push(reason_line(reason));
    let height = (lines.len() as u16 + 3).min(area.height);
    let inner = frame(" Bulk removal: dry run ", width, height, area, buf);
    render_lines(&lines, inner, buf);
    let keys = app.options.keymap.typing_hints(&[
        (&[Action::Choose], &format!("remove all {}", dry.count())),
        (&[Action::Cancel], "back out, nothing removed"),
    ]);
    hint(&keys, inner, buf);
}

fn draw_run(app: &App, run: &BulkRun, area: Rect, buf: &mut Buffer) {
    let width = 76.min(area.width);
    let inner_width = width.saturating_sub(2) as usize;
    let finished = run.done() + run.failed.len();
    let state = match &run.state {
        RunState::Running => "removing".to_string(),
        RunState::Stopping => "stopping: the removals under way finish".to_string(),
        RunState::Stopped => format!("stopped; {} left", run.pending()),
        RunState::Halted(why) => format!("stopped: {why}"),
        RunState::Finished => "done".to_string(),
    };
    let rate = run.rate().map_or(String::new(), |r| format!(" · {r:.0}/s"));
    let left = match (&run.state, run.seconds_left()) {
        (RunState::Running, Some(s)) => format!(" · {s:.0} s left"),
        _ => String::new(),
    };
    let mut lines = vec![
        Line::raw(truncate(
            &format!(
                "`{}` in {} · run {}",
                single_line(&run.filter),
                run.channel,
                run.id
            ),
            inner_width,
        )),
        Line::raw(""),
        Line::raw(format!(
            "{finished}/{} · {} removed · {} already gone · {} failed{rate}{left}",
            run.total,
            run.removed,
            run.already_gone,
            run.failed.len()
        )),
        Line::styled(
            truncate(&state, inner_width),
            match run.state {
                RunState::Halted(_) => theme::error(),
                _ => theme::dim(),
            },
        ),
    ];
    for f in run.failed.iter().take(5) {
        let line = format!(
            "  {} {} on message {}: {}",
            single_line(&f.action.uuid),
            describe(&f.action, app.reaction_type()),
            f.action.message_timetoken,
            f.why
        );
        lines.push(Line::styled(truncate(&line, inner_width), theme::error()));
    }
    if run.failed.len() > 5 {
        lines.push(Line::styled(
            format!("  and {} more", run.failed.len() - 5),
            theme::error(),
        ));
    }
    let height = (lines.len() as u16 + 3).min(area.height);
    let inner = frame(" Bulk removal ", width, height, area, buf);
    render_lines(&lines, inner, buf);
    if inner.height > 2 {
        let ratio = if run.total == 0 {
            1.0
        } else {
            finished as f64 / run.total as f64
        };
        Gauge::default()
            .gauge_style(theme::info())
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!("{:.0}%", ratio * 100.0))
            .render(Rect::new(inner.x, inner.y + 1, inner.width, 1), buf);
    }
    let keymap = &app.options.keymap;
    let keys = if run.is_idle() {
        let mut items: Vec<(&[Action], &str)> = vec![(&[Action::Choose], "close")];
        if !run.failed.is_empty() {
            items.push((&[Action::Retry], "retry the failed"));
        }
        if run.pending() > 0 {
            items.push((&[Action::Resume], "continue"));
        }
        keymap.hints(&items)
    } else {
        keymap.hints(&[(
            &[Action::Cancel],
            "stop (what is removed stays removed and recorded)",
        )])
    };
    hint(&keys, inner, buf);
}
