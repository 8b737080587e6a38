//! Bulk removal, the pure part shared by the UI and the CLI: what a dry run found ([`DryRun`]:
//! how many actions match, by user and by value, a sample) and a run in progress ([`BulkRun`]:
//! what is left, in flight, removed, already gone or failed; its rate and time left; stopping,
//! retrying the failures and resuming).
//!
//! A run hands out chunks of removals ([`BulkRun::next_chunk`]); whoever runs them (the UI's
//! worker, or the CLI) writes each chunk's audit records first, removes, and reports back
//! ([`ChunkReport`]). Times come in as arguments.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use super::audit::{AuditRecord, Operation};
use super::{describe_action, is_reaction_type};
use crate::pubnub::{self, StoredAction, Timetoken, timetoken::UNITS_PER_SECOND};

/// Removals per chunk: one audit message lists them all.
pub const CHUNK: usize = 50;
/// Chunks in flight at once.
pub const CHUNKS_IN_FLIGHT: usize = 2;
/// Removal requests of one chunk in flight at once.
pub const REMOVALS_IN_FLIGHT: usize = 16;
/// How a run is paced: removals per chunk (one audit message each) and chunks at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub chunk: usize,
    pub chunks_in_flight: usize,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            chunk: CHUNK,
            chunks_in_flight: CHUNKS_IN_FLIGHT,
        }
    }
}

/// Matches a dry run shows.
pub const SAMPLE: usize = 8;

/// What a dry run found in the whole channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRun {
    pub channel: String,
    /// The filter as typed.
    pub filter: String,
    /// Actions looked at (every page of the channel within the filter's time bounds).
    pub scanned: usize,
    /// The matching actions, newest first.
    #[serde(skip)]
    pub matches: Vec<StoredAction>,
    /// Matches by author, most first.
    pub by_user: Vec<(String, usize)>,
    /// Matches by what was reacted (`🍆`, `receipt:read`), most first.
    pub by_value: Vec<(String, usize)>,
    /// The start of each matching message's text, for the audit records.
    #[serde(skip)]
    pub excerpts: HashMap<Timetoken, String>,
}

fn ranked(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl DryRun {
    pub fn new(
        channel: &str,
        filter: &str,
        scanned: usize,
        mut matches: Vec<StoredAction>,
        excerpts: HashMap<Timetoken, String>,
        reaction_type: &str,
    ) -> Self {
        matches.sort_by_key(|a| std::cmp::Reverse(a.action_timetoken));
        let (mut users, mut values) = (BTreeMap::new(), BTreeMap::new());
        for a in &matches {
            *users.entry(a.uuid.clone()).or_insert(0) += 1;
            *values.entry(describe(a, reaction_type)).or_insert(0) += 1;
        }
        DryRun {
            channel: channel.to_string(),
            filter: filter.to_string(),
            scanned,
            matches,
            by_user: ranked(users),
            by_value: ranked(values),
            excerpts,
        }
    }

    pub fn count(&self) -> usize {
        self.matches.len()
    }

    /// The newest few matches.
    pub fn sample(&self) -> &[StoredAction] {
        &self.matches[..self.matches.len().min(SAMPLE)]
    }
}

/// An action named as the UI names it: `🍆`, `receipt:read`.
pub fn describe(a: &StoredAction, reaction_type: &str) -> String {
    describe_action(
        is_reaction_type(&a.action_type, reaction_type),
        &a.action_type,
        &a.value,
    )
}

/// A bulk run's id: the moderator's start time in base 36, as short as it stays unique.
pub fn run_id(now: Timetoken) -> String {
    let mut n = now.get() / 1_000; // 100 µs
    let mut digits = Vec::new();
    while n > 0 {
        let d = (n % 36) as u8;
        digits.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        n /= 36;
    }
    digits.reverse();
    format!("run-{}", String::from_utf8_lossy(&digits))
}

/// What became of one removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Removed,
    /// Nothing to remove any more (someone else removed it): done all the same.
    AlreadyGone,
    /// The service refused it, or could not be reached.
    Failed(pubnub::Error),
    /// Not sent: its record could not be written (why).
    NotRecorded(String),
}

/// What running one chunk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkReport {
    /// The records could not be written, so nothing of the chunk was removed: why.
    pub not_recorded: Option<String>,
    pub results: Vec<(StoredAction, Removal)>,
    /// When the chunk finished.
    pub at: Timetoken,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Running,
    /// Asked to stop: the chunks in flight finish, no new ones start.
    Stopping,
    Stopped,
    /// The audit records could not be written: nothing more is removed until resumed.
    Halted(String),
    Finished,
}

/// One removal that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub action: StoredAction,
    pub why: String,
}

/// A bulk removal in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRun {
    pub id: String,
    pub channel: String,
    pub filter: String,
    pub moderator: String,
    pub reason: String,
    pub total: usize,
    pending: VecDeque<StoredAction>,
    excerpts: HashMap<Timetoken, String>,
    /// Removals handed out and not reported yet.
    pub in_flight: usize,
    pub removed: usize,
    pub already_gone: usize,
    pub failed: Vec<Failure>,
    pub started: Timetoken,
    /// When the last chunk finished.
    pub last: Timetoken,
    /// Done when the clock (re)started, for the rate.
    done_at_start: usize,
    pub state: RunState,
}

impl BulkRun {
    /// Starts a run over what `dry` found.
    pub fn new(dry: DryRun, moderator: &str, reason: &str, now: Timetoken) -> Self {
        BulkRun {
            id: run_id(now),
            channel: dry.channel,
            filter: dry.filter,
            moderator: moderator.to_string(),
            reason: reason.trim().to_string(),
            total: dry.matches.len(),
            pending: dry.matches.into(),
            excerpts: dry.excerpts,
            in_flight: 0,
            removed: 0,
            already_gone: 0,
            failed: Vec::new(),
            started: now,
            last: now,
            done_at_start: 0,
            state: RunState::Running,
        }
    }

    /// Removed or already gone.
    pub fn done(&self) -> usize {
        self.removed + self.already_gone
    }

    /// Not handed out yet.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is in flight and nothing will start by itself.
    pub fn is_idle(&self) -> bool {
        self.in_flight == 0 && self.state != RunState::Running
    }

    /// The next chunk's records (at most `size`), while running.
    pub fn next_chunk(&mut self, size: usize) -> Option<Vec<AuditRecord>> {
        if self.state != RunState::Running || self.pending.is_empty() {
            return None;
        }
        let n = size.min(self.pending.len()).max(1);
        let records: Vec<AuditRecord> = self
            .pending
            .drain(..n)
            .map(|a| {
                let excerpt = self
                    .excerpts
                    .get(&a.message_timetoken)
                    .cloned()
                    .unwrap_or_default();
                AuditRecord::new(
                    &self.moderator,
                    Operation::Remove,
                    &self.channel,
                    &a,
                    &excerpt,
                )
                .with_reason(&self.reason)
                .in_run(&self.id)
            })
            .collect();
        self.in_flight += records.len();
        Some(records)
    }

    /// Takes in a chunk's report.
    pub fn on_chunk(&mut self, report: ChunkReport) {
        self.in_flight = self.in_flight.saturating_sub(report.results.len());
        self.last = self.last.max(report.at);
        if let Some(why) = &report.not_recorded {
            for (action, _) in report.results {
                self.failed.push(Failure {
                    action,
                    why: format!("not removed: {why}"),
                });
            }
            self.state = RunState::Halted(why.clone());
        } else {
            for (action, removal) in report.results {
                match removal {
                    Removal::Removed => self.removed += 1,
                    Removal::AlreadyGone => self.already_gone += 1,
                    Removal::Failed(e) => self.failed.push(Failure {
                        action,
                        why: e.to_string(),
                    }),
                    Removal::NotRecorded(why) => self.failed.push(Failure {
                        action,
                        why: format!("not removed: {why}"),
                    }),
                }
            }
        }
        self.settle();
    }

    fn settle(&mut self) {
        if self.in_flight > 0 {
            return;
        }
        self.state = match &self.state {
            RunState::Stopping => RunState::Stopped,
            RunState::Running if self.pending.is_empty() => RunState::Finished,
            other => other.clone(),
        };
    }

    /// Esc: no new chunk starts; what is in flight finishes (and stays removed and recorded).
    pub fn stop(&mut self) {
        if self.state == RunState::Running {
            self.state = RunState::Stopping;
            self.settle();
        }
    }

    /// Goes on with what is left after a stop or a halt.
    pub fn resume(&mut self, now: Timetoken) {
        if matches!(self.state, RunState::Stopped | RunState::Halted(_)) {
            self.state = RunState::Running;
            self.restart_clock(now);
            self.settle();
        }
    }

    /// Puts the failures back in the queue and runs them again.
    pub fn retry_failed(&mut self, now: Timetoken) {
        if self.failed.is_empty() || self.in_flight > 0 {
            return;
        }
        for f in self.failed.drain(..).rev() {
            self.pending.push_front(f.action);
        }
        self.state = RunState::Running;
        self.restart_clock(now);
    }

    /// The rate is measured from here on: a pause must not make it look slow.
    fn restart_clock(&mut self, now: Timetoken) {
        self.started = now;
        self.last = now;
        self.done_at_start = self.done();
    }

    /// Removals a second since the run (re)started, once something finished.
    pub fn rate(&self) -> Option<f64> {
        let seconds =
            self.last.get().saturating_sub(self.started.get()) as f64 / UNITS_PER_SECOND as f64;
        let done = self.done().saturating_sub(self.done_at_start) as f64;
        (seconds > 0.0 && done > 0.0).then(|| done / seconds)
    }

    /// Seconds left at the current rate.
    pub fn seconds_left(&self) -> Option<f64> {
        let left = (self.pending.len() + self.in_flight) as f64;
        self.rate().map(|r| left / r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: u64 = UNITS_PER_SECOND;

    fn action(i: u64, user: &str, value: &str) -> StoredAction {
        StoredAction {
            action_timetoken: Timetoken(1_000 + i),
            message_timetoken: Timetoken(100 + i % 3),
            action_type: "reaction".into(),
            uuid: user.into(),
            value: value.into(),
        }
    }

    fn dry(n: u64) -> DryRun {
        let matches = (0..n)
            .map(|i| action(i, if i % 4 == 0 { "eve" } else { "bob" }, "🍆"))
            .collect();
        let excerpts = HashMap::from([(Timetoken(100), "hello".to_string())]);
        DryRun::new("c", "value:🍆", 500, matches, excerpts, "reaction")
    }

    fn report(records: &[AuditRecord], at: u64, each: impl Fn(usize) -> Removal) -> ChunkReport {
        ChunkReport {
            not_recorded: None,
            results: records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.action(), each(i)))
                .collect(),
            at: Timetoken(at),
        }
    }

    #[test]
    fn a_dry_run_counts_by_user_and_value_newest_first() {
        let d = dry(10);
        assert_eq!(d.count(), 10);
        assert_eq!(d.by_user, [("bob".to_string(), 7), ("eve".to_string(), 3)]);
        assert_eq!(d.by_value, [("🍆".to_string(), 10)]);
        assert_eq!(d.sample().len(), SAMPLE);
        assert_eq!(d.sample()[0].action_timetoken, Timetoken(1_009));
    }

    #[test]
    fn chunks_are_recorded_removals_and_the_run_finishes() {
        let mut run = BulkRun::new(dry(120), "mo", " raid ", Timetoken(0));
        assert!(run.id.starts_with("run-"));
        let first = run.next_chunk(CHUNK).unwrap();
        assert_eq!(first.len(), 50);
        assert_eq!(first[0].reason, "raid");
        assert_eq!(first[0].run, run.id);
        assert_eq!(first[0].operation, Operation::Remove);
        assert_eq!(first[0].moderator, "mo");
        let second = run.next_chunk(CHUNK).unwrap();
        assert_eq!(run.in_flight, 100);
        run.on_chunk(report(&first, 2 * SEC, |i| {
            if i == 0 {
                Removal::AlreadyGone
            } else {
                Removal::Removed
            }
        }));
        assert_eq!((run.removed, run.already_gone, run.in_flight), (49, 1, 50));
        assert_eq!(run.rate(), Some(25.0));
        assert_eq!(run.seconds_left(), Some(70.0 / 25.0));
        run.on_chunk(report(&second, 4 * SEC, |i| {
            if i < 2 {
                Removal::Failed(pubnub::Error::Server {
                    status: 500,
                    message: "oops".into(),
                })
            } else {
                Removal::Removed
            }
        }));
        let last = run.next_chunk(CHUNK).unwrap();
        assert_eq!(last.len(), 20);
        assert!(run.next_chunk(CHUNK).is_none());
        run.on_chunk(report(&last, 5 * SEC, |_| Removal::Removed));
        assert_eq!(run.state, RunState::Finished);
        assert_eq!((run.done(), run.failed.len()), (118, 2));

        // Retrying puts the failures back; they succeed this time.
        run.retry_failed(Timetoken(10 * SEC));
        assert_eq!(run.state, RunState::Running);
        let again = run.next_chunk(CHUNK).unwrap();
        assert_eq!(again.len(), 2);
        run.on_chunk(report(&again, 11 * SEC, |_| Removal::Removed));
        assert_eq!(
            (run.done(), run.failed.len(), run.state.clone()),
            (120, 0, RunState::Finished)
        );
        assert_eq!(run.rate(), Some(2.0), "measured from the retry on");
    }

    #[test]
    fn stopping_lets_the_chunks_in_flight_finish_and_resume_goes_on() {
        let mut run = BulkRun::new(dry(200), "mo", "", Timetoken(0));
        let a = run.next_chunk(CHUNK).unwrap();
        run.stop();
        assert_eq!(run.state, RunState::Stopping);
        assert!(run.next_chunk(CHUNK).is_none(), "nothing new starts");
        run.on_chunk(report(&a, SEC, |_| Removal::Removed));
        assert_eq!(run.state, RunState::Stopped);
        assert!(run.is_idle());
        assert_eq!((run.removed, run.pending()), (50, 150));
        run.resume(Timetoken(5 * SEC));
        assert_eq!(run.next_chunk(CHUNK).unwrap().len(), 50);
    }

    #[test]
    fn a_chunk_that_could_not_be_recorded_removed_nothing_and_halts_the_run() {
        let mut run = BulkRun::new(dry(100), "mo", "", Timetoken(0));
        let a = run.next_chunk(CHUNK).unwrap();
        let b = run.next_chunk(CHUNK).unwrap();
        let mut failed = report(&a, SEC, |_| Removal::NotRecorded("unused".into()));
        failed.not_recorded = Some("no write permission on the log".into());
        run.on_chunk(failed);
        assert!(matches!(run.state, RunState::Halted(_)));
        assert!(run.next_chunk(CHUNK).is_none());
        run.on_chunk(report(&b, SEC, |_| Removal::Removed));
        assert_eq!((run.removed, run.failed.len()), (50, 50));
        assert!(
            run.failed[0]
                .why
                .starts_with("not removed: no write permission")
        );
        assert!(run.is_idle());
    }

    #[test]
    fn run_ids_are_short_and_follow_the_clock() {
        let a = run_id(Timetoken(17_650_296_000_000_000));
        let b = run_id(Timetoken(17_650_296_000_010_000));
        assert_ne!(a, b);
        assert!(a.len() <= 14, "{a}");
    }
}
