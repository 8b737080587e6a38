//! Bulk removal in the UI: from the Actions screen's filter, from Details (all of one value on
//! a message, all of one user's actions in the channel) or from a spike on the Stats screen, a
//! key opens a **dry run** over the whole channel (the worker pages through every action); the
//! moderator types an optional reason and confirms, or backs out. The run then hands the worker
//! chunks of removals (each recorded on the moderation log before anything is removed), a few
//! at once, and shows its progress; Esc stops it (what was removed stays removed and recorded),
//! the failures can be retried, a stopped run resumed.
//!
//! The run's bookkeeping is [`BulkRun`]'s (shared with the CLI); this module only asks and
//! listens.

use super::keymap::{Action, Key};
use super::{App, Command, Op};
use crate::moderation::run::{BulkRun, CHUNK, CHUNKS_IN_FLIGHT, ChunkReport, DryRun, RunState};
use crate::moderation::{Clock, Filter, Scope};
use crate::pubnub;

/// Where a bulk removal stands; shown as a pop-up while it is `Some` in [`App::bulk`].
#[derive(Debug, Clone, PartialEq)]
pub enum Bulk {
    /// The dry run is on its way.
    Scanning { filter: String },
    /// What would be removed, and the reason being typed.
    DryRun { dry: Box<DryRun>, reason: String },
    /// Removing (or done, stopped, halted: see the run's state).
    Running {
        run: Box<BulkRun>,
        /// Chunks handed to the worker and not reported yet.
        chunks: usize,
    },
}

/// Why the user cannot run a bulk removal, if they cannot: it removes other users' actions.
fn refusal(app: &App) -> Option<String> {
    if app.options.moderator {
        return None;
    }
    Some(format!(
        "A bulk removal removes other users' actions: it needs {}",
        app.moderation_missing()
    ))
}

/// Opens the dry run of `filter` (the Actions screen's syntax): asks the worker to count what
/// it matches in the whole channel.
pub(super) fn open(app: &mut App, filter: &str, commands: &mut Vec<Command>) {
    if let Some(why) = refusal(app) {
        app.error(why);
        return;
    }
    if app.bulk.is_some() {
        return;
    }
    let clock = Clock {
        now: app.now,
        utc_offset_secs: app.options.utc_offset_secs,
    };
    let parsed = match Filter::parse(filter, Scope::Actions, clock) {
        Ok(f) => f,
        Err(e) => {
            app.error(format!("The filter does not read: {e}"));
            return;
        }
    };
    if !parsed.picks_actions() {
        let [f] = app.key_labels([Action::Filter]);
        app.info(format!(
            "Say which actions first: {f} filters, such as user:bob value:🍆 since:1h"
        ));
        return;
    }
    let op = app.begin(Op::Scan);
    commands.push(Command::ScanActions {
        op,
        channel: app.channel.clone(),
        filter: Box::new(parsed),
        reaction_type: app.reaction_type().to_string(),
    });
    app.bulk = Some(Bulk::Scanning {
        filter: filter.trim().to_string(),
    });
}

/// The dry run's answer.
pub(super) fn on_scanned(app: &mut App, result: pubnub::Result<DryRun>) {
    if !matches!(app.bulk, Some(Bulk::Scanning { .. })) {
        return;
    }
    match result {
        Ok(dry) if dry.count() == 0 => {
            app.bulk = None;
            app.info(format!(
                "Nothing matches `{}` in the channel ({} actions looked at); nothing removed",
                dry.filter, dry.scanned
            ));
        }
        Ok(dry) => {
            app.bulk = Some(Bulk::DryRun {
                dry: Box::new(dry),
                reason: String::new(),
            })
        }
        Err(e) => {
            app.bulk = None;
            let why = app.why(&e, crate::pubnub::token::Permissions::READ, None);
            app.error(format!(
                "Could not count the matching actions: {why}; nothing removed"
            ));
        }
    }
}

/// Hands out chunks while the run is going and fewer than [`CHUNKS_IN_FLIGHT`] are out.
fn feed(app: &mut App, commands: &mut Vec<Command>) {
    loop {
        let Some(Bulk::Running { run, chunks }) = &mut app.bulk else {
            return;
        };
        if *chunks >= CHUNKS_IN_FLIGHT {
            return;
        }
        let Some(records) = run.next_chunk(CHUNK) else {
            return;
        };
        *chunks += 1;
        let op = app.begin(Op::Chunk);
        commands.push(Command::RemoveRecorded { op, records });
    }
}

/// A chunk's report: the run's counts, the Timeline and Actions screen catch up, and the next
/// chunk goes out.
pub(super) fn on_chunk(app: &mut App, report: ChunkReport, commands: &mut Vec<Command>) {
    for (action, removal) in &report.results {
        use crate::moderation::run::Removal;
        if matches!(removal, Removal::Removed | Removal::AlreadyGone) {
            app.timeline
                .apply_removed(action.message_timetoken, action.action_timetoken);
            app.actions.remove(action.action_timetoken);
        }
    }
    let Some(Bulk::Running { run, chunks }) = &mut app.bulk else {
        return;
    };
    *chunks = chunks.saturating_sub(1);
    run.on_chunk(report);
    let said = match &run.state {
        RunState::Halted(why) => Some((
            format!("Bulk removal stopped: {why}; nothing more is removed without its record"),
            true,
        )),
        RunState::Finished if run.failed.is_empty() => Some((
            format!("Removed {} actions (run {})", run.done(), run.id),
            false,
        )),
        RunState::Finished => Some((
            format!(
                "Removed {} actions; {} failed (listed; r retries them)",
                run.done(),
                run.failed.len()
            ),
            true,
        )),
        _ => None,
    };
    match said {
        Some((text, true)) if *chunks == 0 => app.error(text),
        Some((text, false)) if *chunks == 0 => app.info(text),
        _ => {}
    }
    feed(app, commands);
}

/// A key while the bulk pop-up is open; `action` is what the pop-ups' table binds it to.
pub(super) fn on_key(
    app: &mut App,
    key: Key,
    action: Option<Action>,
    commands: &mut Vec<Command>,
) -> bool {
    let Some(bulk) = app.bulk.take() else {
        return false;
    };
    app.bulk = match bulk {
        Bulk::Scanning { filter } => match action {
            Some(Action::Cancel) => {
                app.info("Dry run abandoned; nothing removed");
                None
            }
            _ => Some(Bulk::Scanning { filter }),
        },
        Bulk::DryRun { dry, mut reason } => {
            if let Some(c) = key.text() {
                reason.push(c);
                return keep(app, Bulk::DryRun { dry, reason });
            }
            match action {
                Some(Action::Cancel) => {
                    app.info("Nothing removed");
                    None
                }
                Some(Action::Erase) => {
                    reason.pop();
                    Some(Bulk::DryRun { dry, reason })
                }
                Some(Action::Choose) => {
                    let run = BulkRun::new(*dry, &app.options.user_id, &reason, app.now);
                    app.bulk = Some(Bulk::Running {
                        run: Box::new(run),
                        chunks: 0,
                    });
                    feed(app, commands);
                    return true;
                }
                _ => Some(Bulk::DryRun { dry, reason }),
            }
        }
        Bulk::Running { mut run, chunks } => {
            let idle = run.is_idle();
            match action {
                Some(Action::Cancel) if !idle => {
                    run.stop();
                    app.info(format!(
                        "Stopping: the {} removals under way finish and stay recorded",
                        run.in_flight
                    ));
                    Some(Bulk::Running { run, chunks })
                }
                Some(Action::Cancel | Action::Choose) if idle => {
                    if run.pending() > 0 {
                        app.info(format!(
                            "Stopped with {} actions left; running the same filter again finishes them",
                            run.pending()
                        ));
                    }
                    None
                }
                Some(Action::Retry) if idle && !run.failed.is_empty() => {
                    run.retry_failed(app.now);
                    app.bulk = Some(Bulk::Running { run, chunks });
                    feed(app, commands);
                    return true;
                }
                Some(Action::Resume) if idle && run.pending() > 0 => {
                    run.resume(app.now);
                    app.bulk = Some(Bulk::Running { run, chunks });
                    feed(app, commands);
                    return true;
                }
                _ => Some(Bulk::Running { run, chunks }),
            }
        }
    };
    true
}

fn keep(app: &mut App, bulk: Bulk) -> bool {
    app.bulk = Some(bulk);
    true
}
