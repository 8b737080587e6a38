//! `actions remove CHANNEL --where user=bob --where value=🍆 --since 1h`: a moderator's bulk
//! removal. It pages through the whole channel for what matches (`--dry-run` stops there and
//! says how many, by user and by value, with a sample), asks on a terminal or takes `--yes`,
//! then removes in chunks, each recorded in the moderation log first ([`crate::moderation`]),
//! a bounded number of requests at once. Progress goes to stderr when it is a terminal; Ctrl-C
//! stops starting new chunks (what was removed stays removed and recorded). Running the same
//! command again finishes what an interrupted run left: what is gone no longer matches.

use std::io::IsTerminal;

use serde_json::{Value, json};

use super::actions::actions_table;
use super::error::{CommandError, api};
use super::moderate::{Moderator, ask_yes};
use super::output::{Table, note, write, write_line};
use super::progress::Progress;
use crate::moderation::execute::{run_bulk, scan};
use crate::moderation::run::{BulkRun, DryRun, Pace, RunState};
use crate::moderation::{Clock, Filter, Scope};
use crate::pubnub::{Client, Timetoken};

const OPERATION: &str = "actions remove";

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Asked {
    pub channel: String,
    pub wheres: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub dry_run: bool,
    pub yes: bool,
    pub reason: String,
    pub json: bool,
}

/// The filter the flags describe, in the filter syntax (`user:bob value:🍆 since:1h`).
pub fn filter_text(asked: &Asked) -> Result<String, CommandError> {
    let mut terms = Vec::new();
    for w in &asked.wheres {
        let Some((key, value)) = w.split_once('=') else {
            return Err(CommandError::Usage(format!(
                "--where {w}: write KEY=VALUE, such as user=bob or value=🍆"
            )));
        };
        let key = key.trim();
        if !["user", "type", "value", "message"].contains(&key) {
            return Err(CommandError::Usage(format!(
                "--where {w}: the keys are user, type, value and message"
            )));
        }
        terms.push(format!("{key}:{}", quoted(value.trim())));
    }
    for (key, value) in [("since", &asked.since), ("until", &asked.until)] {
        if let Some(v) = value {
            terms.push(format!("{key}:{}", quoted(v.trim())));
        }
    }
    Ok(terms.join(" "))
}

fn quoted(value: &str) -> String {
    if value.chars().any(char::is_whitespace) {
        format!("\"{}\"", value.replace('"', ""))
    } else {
        value.to_string()
    }
}

/// Runs a bulk removal (or its dry run) and prints what it did.
pub async fn run(
    asked: Asked,
    client: &Client,
    moderator: Option<&Moderator>,
    reaction_type: &str,
) -> Result<(), CommandError> {
    let Some(moderator) = moderator else {
        return Err(CommandError::Usage(
            "a bulk removal (--where) removes other users' actions: it needs moderator mode \
             (--moderator)"
                .into(),
        ));
    };
    let text = filter_text(&asked)?;
    let clock = Clock {
        now: Timetoken::now(),
        utc_offset_secs: chrono::Local::now().offset().local_minus_utc(),
    };
    let filter = Filter::parse(&text, Scope::Actions, clock).map_err(CommandError::Usage)?;
    if !filter.picks_actions() {
        return Err(CommandError::Usage(
            "say which actions: --where user=…, value=…, type=… or message=…".into(),
        ));
    }
    let dry = scan(client, &asked.channel, &filter, reaction_type)
        .await
        .map_err(api(OPERATION))?;
    if asked.dry_run || dry.count() == 0 {
        print_dry_run(&dry, asked.json)?;
        if dry.count() > 0 && !asked.json {
            note(
                "nothing removed (dry run); remove them with --yes and a --reason instead of --dry-run",
            );
        }
        return Ok(());
    }
    if !asked.yes {
        confirm(&dry).await?;
    }
    let run = execute(client, moderator, dry, &asked.reason).await;
    print_summary(&run, asked.json)?;
    finish(&run)
}

/// Says on the terminal what would be removed and asks; refuses where there is no terminal.
async fn confirm(dry: &DryRun) -> Result<(), CommandError> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CommandError::Usage(format!(
            "removing {} actions needs a confirmation and there is no terminal to ask on: add \
             --yes (and see them first with --dry-run)",
            dry.count()
        )));
    }
    eprint!("{}", dry_run_text(dry));
    let prompt = format!("Remove these {} actions? [y/N]", dry.count());
    ask_yes(prompt).await
}

/// Removes what `dry` found (see [`run_bulk`]); Ctrl-C stops starting new chunks.
async fn execute(client: &Client, moderator: &Moderator, dry: DryRun, reason: &str) -> BulkRun {
    let log = moderator.log(client);
    let run = BulkRun::new(dry, &moderator.user_id, reason, Timetoken::now());
    let mut progress = Progress::new("removing");
    let mut said_stopping = false;
    let interrupted = async {
        // Without a handler Ctrl-C ends the process; if none can be installed, never stop.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let run = run_bulk(
        &log,
        run,
        Pace::default(),
        |run| {
            if run.state == RunState::Stopping && !said_stopping {
                said_stopping = true;
                progress.clear();
                note("stopping: the removals under way finish and stay recorded");
            }
            progress.show_line(progress_line(run, 30));
        },
        interrupted,
    )
    .await;
    progress.clear();
    run
}

/// `[#########.....] 3200/10000  1540/s  4 s left`.
pub fn progress_line(run: &BulkRun, width: usize) -> String {
    let done = run.done() + run.failed.len();
    let filled = (done * width).checked_div(run.total).unwrap_or(width);
    let bar: String = (0..width)
        .map(|i| if i < filled { '#' } else { '.' })
        .collect();
    let rate = run.rate().map_or(String::new(), |r| format!("  {r:.0}/s"));
    let left = run
        .seconds_left()
        .map_or(String::new(), |s| format!("  {s:.0} s left"));
    format!("[{bar}] {done}/{}{rate}{left}", run.total)
}

fn dry_run_text(dry: &DryRun) -> String {
    let mut out = format!(
        "{} actions match in {} ({} looked at): {}\n",
        dry.count(),
        dry.channel,
        dry.scanned,
        dry.filter
    );
    if dry.count() == 0 {
        return out;
    }
    let mut counts = Table::new(&["BY", "WHO/WHAT", "COUNT"]);
    for (user, n) in &dry.by_user {
        counts.row(vec!["user".into(), user.clone(), n.to_string()]);
    }
    for (value, n) in &dry.by_value {
        counts.row(vec!["value".into(), value.clone(), n.to_string()]);
    }
    out.push_str(&counts.render());
    out.push_str(&format!("the newest {}:\n", dry.sample().len()));
    // By id, as the filter names users.
    out.push_str(&actions_table(
        dry.sample(),
        &super::names::Names::default(),
    ));
    out
}

fn counts_json(counts: &[(String, usize)], key: &str) -> Value {
    counts
        .iter()
        .map(|(k, n)| json!({ key: k, "count": n }))
        .collect()
}

fn dry_run_json(dry: &DryRun) -> Value {
    json!({
        "channel": dry.channel,
        "filter": dry.filter,
        "scanned": dry.scanned,
        "matched": dry.count(),
        "by_user": counts_json(&dry.by_user, "user"),
        "by_value": counts_json(&dry.by_value, "value"),
        "sample": dry.sample(),
    })
}

fn print_dry_run(dry: &DryRun, as_json: bool) -> Result<(), CommandError> {
    if as_json {
        let mut j = dry_run_json(dry);
        j["dry_run"] = json!(true);
        write_line(j)?;
    } else {
        write(&dry_run_text(dry))?;
    }
    Ok(())
}

fn print_summary(run: &BulkRun, as_json: bool) -> Result<(), CommandError> {
    if as_json {
        write_line(json!({
            "dry_run": false,
            "run": run.id,
            "channel": run.channel,
            "filter": run.filter,
            "reason": run.reason,
            "matched": run.total,
            "removed": run.removed,
            "already_gone": run.already_gone,
            "failed": run.failed,
            "not_started": run.pending(),
            "stopped": run.state != RunState::Finished,
        }))?;
        return Ok(());
    }
    write_line(format_args!(
        "removed {} of {} actions matching `{}` in {} (run {}; {} already gone, {} failed)",
        run.removed,
        run.total,
        run.filter,
        run.channel,
        run.id,
        run.already_gone,
        run.failed.len()
    ))?;
    for f in &run.failed {
        eprintln!(
            "failed: {}'s {} on message {} (action {}): {}",
            f.action.uuid,
            f.action.value,
            f.action.message_timetoken,
            f.action.action_timetoken,
            f.why
        );
    }
    Ok(())
}

/// The exit: a failure when something was not removed, with what to do.
fn finish(run: &BulkRun) -> Result<(), CommandError> {
    let left = run.pending() + run.failed.len();
    match &run.state {
        _ if left == 0 => Ok(()),
        RunState::Halted(why) => Err(CommandError::Other(format!(
            "{OPERATION} stopped: {why}; {left} actions were not removed (nothing is removed \
             without its record)"
        ))),
        RunState::Stopped | RunState::Stopping => Err(CommandError::Other(format!(
            "{OPERATION} stopped: {left} actions left; run the same command again to remove them"
        ))),
        _ => Err(CommandError::Other(format!(
            "{OPERATION}: {left} of {} actions could not be removed (listed above); run the same \
             command again to retry them",
            run.total
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(wheres: &[&str]) -> Asked {
        Asked {
            channel: "c".into(),
            wheres: wheres.iter().map(|w| w.to_string()).collect(),
            since: Some("1h".into()),
            until: None,
            dry_run: true,
            yes: false,
            reason: String::new(),
            json: false,
        }
    }

    #[test]
    fn where_flags_become_the_filter_syntax() {
        assert_eq!(
            filter_text(&asked(&["user=bob", "value=🍆", "user=bob smith"])).unwrap(),
            "user:bob value:🍆 user:\"bob smith\" since:1h"
        );
        assert!(filter_text(&asked(&["colour=red"])).is_err());
        assert!(filter_text(&asked(&["user"])).is_err());
    }

    #[test]
    fn the_progress_line_has_count_rate_and_time_left() {
        let dry = DryRun::new(
            "c",
            "user:bob",
            10,
            Vec::new(),
            Default::default(),
            "reaction",
        );
        let run = BulkRun::new(dry, "mo", "", Timetoken(0));
        assert_eq!(progress_line(&run, 4), "[####] 0/0");
    }
}
