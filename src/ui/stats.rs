//! The Stats screen: reactions per minute over the window as a chart (ratatui's `Chart`, the
//! spike minutes marked), the top values and users, and the spikes, one selectable row each.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Widget};

use super::timeline::local;
use super::{retry_hint, text_row, theme, user_shown};
use crate::app::App;
use crate::app::keymap::Action;
use crate::app::load::Load;
use crate::moderation::stats::{SpikeKind, Stats};
use crate::pubnub::Timetoken;
use crate::text::{single_line, truncate};

pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height < 4 {
        return;
    }
    let view = &app.stats;
    let keymap = &app.options.keymap;
    let Some(stats) = &view.stats else {
        let note = match &view.load {
            Load::Failed(why) => match retry_hint(app) {
                Some(retry) => format!("Could not read the channel's actions: {why}. {retry}."),
                None => format!("Could not read the channel's actions: {why}."),
            },
            _ => format!(
                "reading the last {} of {}…",
                view.window_label(),
                app.channel
            ),
        };
        buf.set_string(area.x + 1, area.y, note, theme::dim());
        return;
    };
    let hm = |tt: Timetoken| {
        local(tt, app.options.utc_offset_secs)
            .format("%H:%M")
            .to_string()
    };
    let title = format!(
        "{} · last {}{} · {} reactions   {}",
        app.channel,
        view.window_label(),
        if view.load.is_loading() {
            " (reading…)"
        } else {
            ""
        },
        stats.total,
        keymap.hints(&[
            (&[Action::Window], "window"),
            (&[Action::Up, Action::Down], "spike"),
            (&[Action::Bulk], "remove the spike's reactions (dry run)"),
            (&[Action::Reload], "reload"),
        ])
    );
    text_row(buf, area, area.y, &title, theme::dim());
    let rest = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let chart_height = (rest.height / 2).max(5).min(rest.height.saturating_sub(3));
    let [chart_area, tops, spikes_area] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(2),
        Constraint::Min(1),
    ])
    .areas(rest);
    draw_chart(stats, chart_area, buf, &hm);
    let list = |top: &[(String, u32)], named: bool| {
        top.iter()
            .map(|(k, n)| {
                let name = if named { user_shown(app, k) } else { k };
                format!("{} {n}", single_line(name))
            })
            .collect::<Vec<_>>()
            .join("   ")
    };
    let lines = [
        Line::from(vec![
            Span::styled(" top values  ", theme::title()),
            Span::raw(list(&stats.top_values, false)),
        ]),
        Line::from(vec![
            Span::styled(" top users   ", theme::title()),
            Span::raw(list(&stats.top_users, true)),
        ]),
    ];
    for (i, line) in lines.iter().enumerate() {
        buf.set_line(tops.x, tops.y + i as u16, line, tops.width);
    }
    draw_spikes(app, stats, spikes_area, buf, &hm);
}

fn draw_chart(stats: &Stats, area: Rect, buf: &mut Buffer, hm: &dyn Fn(Timetoken) -> String) {
    let w = &stats.window;
    let counts: Vec<(f64, f64)> = stats
        .per_minute
        .iter()
        .enumerate()
        .map(|(i, &n)| (i as f64, f64::from(n)))
        .collect();
    let spikes: Vec<(f64, f64)> = counts
        .iter()
        .filter(|(i, _)| stats.is_spike_minute(*i as usize))
        .copied()
        .collect();
    let peak = stats.per_minute.iter().copied().max().unwrap_or(0).max(1);
    let last = w.minutes.saturating_sub(1) as f64;
    let datasets = vec![
        Dataset::default()
            .name("reactions / min")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme::info())
            .data(&counts),
        Dataset::default()
            .name("spike")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme::error())
            .data(&spikes),
    ];
    // The legend top left: a raid is usually recent, at the right.
    Chart::new(datasets)
        .legend_position(Some(LegendPosition::TopLeft))
        .x_axis(
            Axis::default()
                .bounds([0.0, last.max(1.0)])
                .labels([
                    hm(w.from),
                    hm(w.minute_start(w.minutes / 2)),
                    hm(w.minute_start(w.minutes)),
                ])
                .style(theme::dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, f64::from(peak)])
                .labels(["0".to_string(), peak.to_string()])
                .style(theme::dim()),
        )
        .render(area, buf);
}

fn draw_spikes(
    app: &App,
    stats: &Stats,
    area: Rect,
    buf: &mut Buffer,
    hm: &dyn Fn(Timetoken) -> String,
) {
    if area.height == 0 {
        return;
    }
    if stats.spikes.is_empty() {
        buf.set_string(
            area.x + 1,
            area.y,
            "No spikes: nobody and no value far above its usual rate in this window.",
            theme::dim(),
        );
        return;
    }
    buf.set_string(
        area.x + 1,
        area.y,
        format!("SPIKES ({})", stats.spikes.len()),
        theme::title(),
    );
    let w = &stats.window;
    let visible = area.height.saturating_sub(1) as usize;
    let top = app.stats.selected.saturating_sub(visible.saturating_sub(1));
    for (row, (i, s)) in stats
        .spikes
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .enumerate()
    {
        let who = match s.kind {
            SpikeKind::User => format!("user {}", user_shown(app, &s.key)),
            SpikeKind::Value => format!("value {}", s.key),
        };
        let text = format!(
            "{:<20} {:>5} reactions  {}–{}  peak {}/min, usually {:.1}/min",
            truncate(&single_line(&who), 20),
            s.count,
            hm(w.minute_start(s.first_minute)),
            hm(w.minute_start(s.last_minute + 1)),
            s.peak,
            s.usual
        );
        let style = if i == app.stats.selected {
            theme::selected_row()
        } else {
            Style::new()
        };
        let y = area.y + 1 + row as u16;
        buf.set_style(Rect::new(area.x, y, area.width, 1), style);
        text_row(buf, area, y, &text, style);
    }
}
