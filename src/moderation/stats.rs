//! A channel's reactions over a window of time, for spotting a raid: reactions per minute, the
//! top values and users, and spikes: a user or a value far above its usual rate.
//!
//! **The spike rule.** For each user and each value, count its reactions in every minute of the
//! window. Its usual rate is the median of those counts, and its spread the median absolute
//! deviation (scaled by 1.4826 to compare with a standard deviation, and at least 1). A minute
//! spikes when its count is at least [`MIN_SPIKE`] and above usual + 3 × spread. Neighbouring
//! spike minutes (at most one quiet minute apart) are one spike. The median is used rather than
//! the mean and standard deviation because a raid lasting a good part of the window inflates the
//! mean and deviation until it hides itself; the median stays at the usual rate until the raid
//! fills half the window (then choose a longer one).
//!
//! Pure: the actions and the window come in.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::filter::local_time_term;
use super::{REACTION_TYPES, is_reaction_type};
use crate::pubnub::{StoredAction, Timetoken, timetoken::UNITS_PER_SECOND};
use crate::text::emoji;

/// Fewest reactions in a minute that can be a spike.
pub const MIN_SPIKE: u32 = 10;
/// How many top values and top users are listed.
pub const TOP: usize = 5;
const MINUTE: u64 = 60 * UNITS_PER_SECOND;

/// The window: whole minutes ending with the one `now` is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// The start of the first minute.
    pub from: Timetoken,
    pub minutes: usize,
}

impl Window {
    /// The last `minutes` minutes up to `now`, aligned on minutes.
    pub fn ending(now: Timetoken, minutes: usize) -> Window {
        let minutes = minutes.max(1);
        let this_minute = now.get() / MINUTE * MINUTE;
        let from = this_minute.saturating_sub((minutes as u64 - 1) * MINUTE);
        Window {
            from: Timetoken(from),
            minutes,
        }
    }

    /// The start of minute `i`.
    pub fn minute_start(&self, i: usize) -> Timetoken {
        Timetoken(self.from.get() + i as u64 * MINUTE)
    }

    /// The first instant after the window.
    pub fn end(&self) -> Timetoken {
        self.minute_start(self.minutes)
    }

    fn minute_of(&self, at: Timetoken) -> Option<usize> {
        let i = at.get().checked_sub(self.from.get())? / MINUTE;
        usize::try_from(i).ok().filter(|&i| i < self.minutes)
    }
}

/// Whose or what's spike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpikeKind {
    User,
    Value,
}

/// A user or a value far above its usual rate for a few minutes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spike {
    pub kind: SpikeKind,
    /// The user id, or the value as shown (🍆).
    pub key: String,
    pub first_minute: usize,
    pub last_minute: usize,
    /// Reactions in those minutes.
    pub count: u32,
    /// The busiest minute's count.
    pub peak: u32,
    /// Its usual rate: the median reactions a minute over the window.
    pub usual: f64,
}

impl Spike {
    /// The bulk-removal filter for this spike's reactions (only reactions, as the spike counts
    /// only them): `user:bob type:reaction type:reactions since:… until:…`.
    pub fn filter(&self, window: &Window, utc_offset_secs: i32, reaction_type: &str) -> String {
        let quote = |v: &str| {
            if v.chars().any(char::is_whitespace) || v.contains('"') {
                format!("\"{}\"", v.replace('"', ""))
            } else {
                v.to_string()
            }
        };
        let mut terms = vec![format!("{}:{}", self.key_name(), quote(&self.key))];
        terms.extend(
            reaction_types(reaction_type)
                .iter()
                .map(|t| format!("type:{}", quote(t))),
        );
        let (since, until) = self.bounds(window, utc_offset_secs);
        terms.push(format!("since:{since}"));
        terms.push(format!("until:{until}"));
        terms.join(" ")
    }

    /// The same as `reactions actions remove` arguments: `--where user=bob --where
    /// type=reaction … --since … --until …`.
    pub fn where_args(
        &self,
        window: &Window,
        utc_offset_secs: i32,
        reaction_type: &str,
    ) -> Vec<String> {
        let mut args = vec![
            "--where".into(),
            format!("{}={}", self.key_name(), self.key),
        ];
        for t in reaction_types(reaction_type) {
            args.extend(["--where".into(), format!("type={t}")]);
        }
        let (since, until) = self.bounds(window, utc_offset_secs);
        args.extend(["--since".into(), since, "--until".into(), until]);
        args
    }

    fn key_name(&self) -> &'static str {
        match self.kind {
            SpikeKind::User => "user",
            SpikeKind::Value => "value",
        }
    }

    /// The spike's first minute and the minute after its last, as local times.
    fn bounds(&self, window: &Window, utc_offset_secs: i32) -> (String, String) {
        (
            local_time_term(window.minute_start(self.first_minute), utc_offset_secs),
            local_time_term(window.minute_start(self.last_minute + 1), utc_offset_secs),
        )
    }
}

/// The action types counted as reactions: the usual two and the configured one.
fn reaction_types(configured: &str) -> Vec<&str> {
    let mut types = REACTION_TYPES.to_vec();
    if !types.contains(&configured) {
        types.push(configured);
    }
    types
}

/// What the window holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub window: Window,
    /// Reactions in each minute.
    pub per_minute: Vec<u32>,
    pub total: u32,
    pub top_values: Vec<(String, u32)>,
    pub top_users: Vec<(String, u32)>,
    /// Biggest first.
    pub spikes: Vec<Spike>,
}

impl Stats {
    /// The reactions among `actions` (of type `reaction`, `reactions` or the configured one)
    /// within the window.
    pub fn compute(actions: &[StoredAction], window: Window, reaction_type: &str) -> Stats {
        let mut per_minute = vec![0u32; window.minutes];
        let mut users: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut values: HashMap<String, Vec<u32>> = HashMap::new();
        for a in actions {
            if !is_reaction_type(&a.action_type, reaction_type) {
                continue;
            }
            let Some(m) = window.minute_of(a.action_timetoken) else {
                continue;
            };
            per_minute[m] += 1;
            users
                .entry(&a.uuid)
                .or_insert_with(|| vec![0; window.minutes])[m] += 1;
            values
                .entry(emoji::shown(&a.value))
                .or_insert_with(|| vec![0; window.minutes])[m] += 1;
        }
        let mut spikes = Vec::new();
        for (user, counts) in &users {
            spikes.extend(spikes_of(SpikeKind::User, user, counts));
        }
        for (value, counts) in &values {
            spikes.extend(spikes_of(SpikeKind::Value, value, counts));
        }
        spikes.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.first_minute.cmp(&b.first_minute))
                .then_with(|| a.key.cmp(&b.key))
        });
        Stats {
            window,
            total: per_minute.iter().sum(),
            per_minute,
            top_values: top(values.iter().map(|(k, c)| (k.clone(), c.iter().sum()))),
            top_users: top(users.iter().map(|(k, c)| (k.to_string(), c.iter().sum()))),
            spikes,
        }
    }

    /// Whether minute `i` is within a spike.
    pub fn is_spike_minute(&self, i: usize) -> bool {
        self.spikes
            .iter()
            .any(|s| (s.first_minute..=s.last_minute).contains(&i))
    }
}

fn top(counts: impl Iterator<Item = (String, u32)>) -> Vec<(String, u32)> {
    let merged: BTreeMap<String, u32> = counts.collect();
    let mut v: Vec<(String, u32)> = merged.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(TOP);
    v
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The spikes in one key's counts per minute (see the module's rule).
fn spikes_of(kind: SpikeKind, key: &str, counts: &[u32]) -> Vec<Spike> {
    if counts.iter().all(|&c| c < MIN_SPIKE) {
        return Vec::new();
    }
    let mut sorted: Vec<f64> = counts.iter().map(|&c| f64::from(c)).collect();
    sorted.sort_by(f64::total_cmp);
    let usual = median(&sorted);
    let mut deviations: Vec<f64> = sorted.iter().map(|c| (c - usual).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let spread = (1.4826 * median(&deviations)).max(1.0);
    let threshold = usual + 3.0 * spread;
    let mut out: Vec<Spike> = Vec::new();
    for (m, &c) in counts.iter().enumerate() {
        if c < MIN_SPIKE || f64::from(c) <= threshold {
            continue;
        }
        match out.last_mut() {
            Some(s) if m <= s.last_minute + 2 => {
                s.count += counts[s.last_minute + 1..=m].iter().sum::<u32>();
                s.last_minute = m;
                s.peak = s.peak.max(c);
            }
            _ => out.push(Spike {
                kind,
                key: key.to_string(),
                first_minute: m,
                last_minute: m,
                count: c,
                peak: c,
                usual,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06T14:00:00Z.
    const T0: u64 = 1_796_565_600 * UNITS_PER_SECOND;

    fn at(minute: u64, i: u64, user: &str, value: &str) -> StoredAction {
        StoredAction {
            action_timetoken: Timetoken(T0 + minute * MINUTE + i * 1000),
            message_timetoken: Timetoken(T0),
            action_type: "reaction".into(),
            uuid: user.into(),
            value: value.into(),
        }
    }

    /// An hour of a steady channel (alice 👍 twice a minute, a few others), and bob's raid of
    /// 🍆 from minute 40 to 49.
    fn raid() -> Vec<StoredAction> {
        let mut v = Vec::new();
        for m in 0..60 {
            v.push(at(m, 0, "alice", "👍"));
            v.push(at(m, 1, "alice", "👍"));
            if m % 7 == 0 {
                v.push(at(m, 2, "carol", "😂"));
            }
        }
        for m in 40..50 {
            for i in 0..30 {
                v.push(at(m, 10 + i, "bob", "eggplant"));
            }
        }
        v.push(StoredAction {
            action_type: "receipt".into(),
            ..at(5, 99, "dave", "read")
        });
        v
    }

    #[test]
    fn a_raid_shows_as_a_user_and_a_value_spike_and_steady_use_does_not() {
        let window = Window::ending(Timetoken(T0 + 59 * MINUTE + 5), 60);
        assert_eq!(window.from, Timetoken(T0));
        let s = Stats::compute(&raid(), window, "reaction");
        assert_eq!(s.per_minute.len(), 60);
        assert_eq!(s.per_minute[0], 3);
        assert_eq!(s.per_minute[41], 32);
        assert_eq!(s.total, 120 + 9 + 300, "receipts are not reactions");
        assert_eq!(s.top_users[0], ("bob".to_string(), 300));
        assert_eq!(
            s.top_values[0],
            ("🍆".to_string(), 300),
            "shortcodes count as their emoji"
        );
        assert_eq!(s.spikes.len(), 2, "{:#?}", s.spikes);
        for spike in &s.spikes {
            assert_eq!((spike.first_minute, spike.last_minute), (40, 49));
            assert_eq!((spike.count, spike.peak), (300, 30));
            assert_eq!(spike.usual, 0.0);
        }
        assert!(s.is_spike_minute(45) && !s.is_spike_minute(39));
        let user = s.spikes.iter().find(|x| x.kind == SpikeKind::User).unwrap();
        assert_eq!(user.key, "bob");
        assert_eq!(
            user.filter(&window, 3600, "reaction"),
            "user:bob type:reaction type:reactions since:2026-12-06T15:40 until:2026-12-06T15:50"
        );
        assert_eq!(
            user.where_args(&window, 3600, "reaction").join(" "),
            "--where user=bob --where type=reaction --where type=reactions --since 2026-12-06T15:40 --until 2026-12-06T15:50"
        );
    }

    #[test]
    fn a_busy_minute_below_the_floor_or_within_the_usual_spread_is_no_spike() {
        let window = Window::ending(Timetoken(T0 + 59 * MINUTE), 60);
        // Nine in one minute: below MIN_SPIKE.
        let few: Vec<StoredAction> = (0..9).map(|i| at(3, i, "bob", "🍆")).collect();
        assert!(Stats::compute(&few, window, "reaction").spikes.is_empty());
        // Twelve every minute: that is the usual rate.
        let steady: Vec<StoredAction> = (0..60)
            .flat_map(|m| (0..12).map(move |i| at(m, i, "bot", "👍")))
            .collect();
        assert!(
            Stats::compute(&steady, window, "reaction")
                .spikes
                .is_empty()
        );
    }

    #[test]
    fn outside_the_window_is_not_counted() {
        let window = Window::ending(Timetoken(T0 + 10 * MINUTE), 5);
        let s = Stats::compute(&raid(), window, "reaction");
        assert_eq!(s.window.from, Timetoken(T0 + 6 * MINUTE));
        assert_eq!(s.total, 5 * 2 + 1);
    }
}
