//! `reactions stats CHANNEL --since 1h`: the Stats screen's figures on the command line:
//! reactions per minute over the window, the top values and users, and the spikes with the
//! bulk-removal filter that takes each away ([`crate::moderation::stats`]).

use serde_json::json;

use super::error::{CommandError, api};
use super::output::{Table, write, write_line};
use crate::moderation::filter::duration;
use crate::moderation::stats::{SpikeKind, Stats, Window};
use crate::pubnub::{Client, Timetoken};

/// The longest window: a week of minutes.
const MAX_MINUTES: i64 = 7 * 24 * 60;

/// Whole minutes in a window such as `1h`.
pub fn window_minutes(since: &str) -> Result<usize, CommandError> {
    let minutes = duration(since.trim())
        .map(|d| d.num_minutes())
        .filter(|m| (1..=MAX_MINUTES).contains(m))
        .ok_or_else(|| {
            CommandError::Usage(format!(
                "--since {since}: write a window of 1m to 7d, such as 15m, 1h, 6h or 1d"
            ))
        })?;
    usize::try_from(minutes).map_err(|e| CommandError::Usage(e.to_string()))
}

/// Reads the window's actions and prints the figures.
pub async fn run(
    client: &Client,
    channel: &str,
    since: &str,
    as_json: bool,
    reaction_type: &str,
) -> Result<(), CommandError> {
    let window = Window::ending(Timetoken::now(), window_minutes(since)?);
    let actions = crate::moderation::execute::window_actions(client, channel, &window)
        .await
        .map_err(api("stats"))?;
    let stats = Stats::compute(&actions, window, reaction_type);
    let offset = chrono::Local::now().offset().local_minus_utc();
    if as_json {
        let spikes: Vec<_> = stats
            .spikes
            .iter()
            .map(|s| {
                let mut j = json!(s);
                j["from"] = json!(window.minute_start(s.first_minute));
                j["until"] = json!(window.minute_start(s.last_minute + 1));
                j["filter"] = json!(s.filter(&window, offset, reaction_type));
                j["remove_args"] = json!(s.where_args(&window, offset, reaction_type));
                j
            })
            .collect();
        let mut j = json!(stats);
        j["channel"] = json!(channel);
        j["spikes"] = json!(spikes);
        write_line(j)?;
    } else {
        write(&text(channel, &stats, offset, reaction_type))?;
    }
    Ok(())
}

/// `▁▂█`: counts as a row of block characters, at most `width` of them (minutes summed).
pub fn sparkline(counts: &[u32], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let per = counts.len().div_ceil(width.max(1)).max(1);
    let sums: Vec<u32> = counts.chunks(per).map(|c| c.iter().sum()).collect();
    let max = sums.iter().copied().max().unwrap_or(0).max(1);
    sums.iter()
        .map(|&n| match n {
            0 => ' ',
            n => BLOCKS[((n as usize * 8).div_ceil(max as usize) - 1).min(7)],
        })
        .collect()
}

fn text(channel: &str, stats: &Stats, offset: i32, reaction_type: &str) -> String {
    let w = &stats.window;
    let hm =
        |tt: Timetoken| crate::moderation::filter::local_time_term(tt, offset)[11..].to_string();
    let mut out = format!(
        "{channel}: {} reactions in the last {} min ({}–{})\n",
        stats.total,
        w.minutes,
        hm(w.from),
        hm(w.end())
    );
    out.push_str(&format!(
        "per minute |{}|\n",
        sparkline(&stats.per_minute, 60)
    ));
    let list = |top: &[(String, u32)]| {
        top.iter()
            .map(|(k, n)| format!("{} {n}", crate::text::single_line(k)))
            .collect::<Vec<_>>()
            .join("  ")
    };
    out.push_str(&format!("top values: {}\n", list(&stats.top_values)));
    out.push_str(&format!("top users:  {}\n", list(&stats.top_users)));
    if stats.spikes.is_empty() {
        out.push_str("no spikes\n");
        return out;
    }
    let mut t = Table::new(&[
        "SPIKE",
        "WHO/WHAT",
        "REACTIONS",
        "WHEN",
        "PEAK",
        "USUAL",
        "FILTER",
    ]);
    for s in &stats.spikes {
        t.row(vec![
            match s.kind {
                SpikeKind::User => "user".into(),
                SpikeKind::Value => "value".into(),
            },
            s.key.clone(),
            s.count.to_string(),
            format!(
                "{}–{}",
                hm(w.minute_start(s.first_minute)),
                hm(w.minute_start(s.last_minute + 1))
            ),
            format!("{}/min", s.peak),
            format!("{:.1}/min", s.usual),
            s.where_args(w, offset, reaction_type)
                .iter()
                .map(|a| {
                    if a.contains(' ') {
                        format!("'{a}'")
                    } else {
                        a.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    out.push_str(&t.render());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_whole_minutes_within_a_week() {
        assert_eq!(window_minutes("1h").unwrap(), 60);
        assert_eq!(window_minutes("1d").unwrap(), 1440);
        assert!(window_minutes("30s").is_err());
        assert!(window_minutes("8d").is_err());
        assert!(window_minutes("soon").is_err());
    }

    #[test]
    fn a_sparkline_scales_to_the_busiest_column() {
        assert_eq!(sparkline(&[0, 1, 8, 4], 10), " ▁█▄");
        assert_eq!(sparkline(&[1; 120], 60).chars().count(), 60);
        assert_eq!(sparkline(&[], 60), "");
    }
}
