//! Target 8: a moderator's bulk removal of 10,000 actions against the embedded server in under
//! 10 s, side by side with removing them one CLI call at a time.
//!
//! A real `reactions serve` process; a channel of 100 messages with a raid of 10,000 🍆 by
//! 100 bots (100 on each message) among 1,000 ordinary 👍. Each round seeds a fresh channel and
//! runs, as a moderator would:
//!
//! - **bulk, CLI**: `reactions --moderator actions remove CH --where value=🍆 --yes --reason
//!   bench --json`, the whole process timed: the dry run paging through all 11,000 actions, the
//!   texts of the messages, then 10,000 removals, each recorded on the moderation log before it
//!   is sent (one log message per chunk of 50, listing each removal);
//! - **bulk, library**: the same through `reactions::moderation` in this process, timed in its
//!   two parts (dry run, removals), to show where the time goes;
//! - **a record a removal**: the library's removals again, but with one audit message per
//!   removal (chunks of 1, 32 of them at once: the same number of requests in flight), to show
//!   what batching the records saves;
//! - **one at a time**: `reactions --moderator actions remove CH MESSAGE ACTION --yes` for
//!   `ONE_BY_ONE` (200) of them, one process each, and the time extrapolated to 10,000.
//!
//! Each run is checked: nothing of the raid is left, the ordinary reactions all are, and the log
//! holds one `remove` record per removal.
//!
//! Run: `cargo bench --bench bulk_remove` (BULK_ROUNDS=N rounds, default 3; the medians are
//! reported).

mod child;

use child::{Killed, free_port};

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use reactions::moderation::execute::{run_bulk, scan};
use reactions::moderation::run::{BulkRun, Pace};
use reactions::moderation::{AuditLog, Clock, Filter, Scope, log};
use reactions::pubnub::{Client, Config, MessageAction, StoredAction, Timetoken};

const BIN: &str = env!("CARGO_BIN_EXE_reactions");
const SUB: &str = "sub-bulk";
const PUB: &str = "pub-bulk";
const MESSAGES: usize = 100;
const RAIDERS: usize = 100;
const ORDINARY_PER_MESSAGE: usize = 10;
const ONE_BY_ONE: usize = 200;

fn client(origin: &str, user: &str) -> Client {
    Client::new(Config::new(PUB, SUB, user).with_origin(origin)).expect("client")
}

/// Publishes the messages and adds the raid (value 🍆, `raiders` bots on every message) and the
/// ordinary 👍; gives back the raid's actions.
async fn seed(origin: &str, channel: &str, messages: usize, raiders: usize) -> Vec<StoredAction> {
    let alice = client(origin, "alice");
    let mut tts = Vec::new();
    for i in 0..messages {
        let tt = alice
            .publish()
            .channel(channel)
            .message(serde_json::json!({ "text": format!("message {i}, hello") }))
            .execute()
            .await
            .expect("publish");
        tts.push(tt);
    }
    let mut adds = Vec::new();
    for (m, &tt) in tts.iter().enumerate() {
        for r in 0..raiders {
            adds.push((format!("bot{r:03}"), tt, "🍆"));
        }
        for o in 0..ORDINARY_PER_MESSAGE {
            adds.push((format!("user{:03}", (m + o) % 50), tt, "👍"));
        }
    }
    let added: Vec<StoredAction> =
        futures::stream::iter(adds.into_iter().map(|(user, tt, value)| {
            let c = client(origin, &user);
            let channel = channel.to_string();
            async move {
                c.add_message_action()
                    .channel(channel)
                    .message_action(MessageAction {
                        action_type: "reaction".into(),
                        value: value.into(),
                        message_timetoken: tt,
                    })
                    .execute()
                    .await
                    .expect("add")
                    .action
            }
        }))
        .buffer_unordered(32)
        .collect()
        .await;
    added.into_iter().filter(|a| a.value == "🍆").collect()
}

async fn remaining(origin: &str, channel: &str) -> (usize, usize) {
    let all = client(origin, "check")
        .get_message_actions()
        .channel(channel)
        .pager()
        .collect_all()
        .await
        .expect("list");
    let raid = all.iter().filter(|a| a.value == "🍆").count();
    (raid, all.len() - raid)
}

async fn removals_recorded(origin: &str, channel: &str, since: Timetoken) -> usize {
    log::read(&client(origin, "check"), Some(since))
        .await
        .expect("read the log")
        .iter()
        .filter(|r| r.channel == channel && r.operation.name() == "remove")
        .count()
}

fn cli(origin: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(BIN)
        .args([
            "--origin",
            origin,
            "--pub-key",
            PUB,
            "--sub-key",
            SUB,
            "--user",
            "mo",
        ])
        .args(args)
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("bulk-remove-bench-data"),
        )
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("bulk-remove-bench-config"),
        )
        .stdin(Stdio::null())
        .output()
        .expect("run reactions");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::var("BULK_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let _server = Killed(
        Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(dir.path().join("bulk.sqlite3"))
            .env("REACTIONS_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start reactions serve"),
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let up = Instant::now();
    while runtime
        .block_on(client(&origin, "probe").time().execute())
        .is_err()
    {
        assert!(
            up.elapsed() < Duration::from_secs(15),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let raid = MESSAGES * RAIDERS;
    let (mut cli_secs, mut scan_secs, mut remove_secs, mut one_secs) =
        (vec![], vec![], vec![], vec![]);
    let mut each_secs = vec![];
    for round in 0..rounds {
        // Bulk through the CLI.
        let ch = format!("bench.raid.cli{round}");
        let since = Timetoken::now();
        assert_eq!(
            runtime
                .block_on(seed(&origin, &ch, MESSAGES, RAIDERS))
                .len(),
            raid
        );
        let t = Instant::now();
        let out = cli(
            &origin,
            &[
                "--moderator",
                "actions",
                "remove",
                &ch,
                "--where",
                "value=🍆",
                "--yes",
                "--reason",
                "bench",
                "--json",
            ],
        );
        let secs = t.elapsed().as_secs_f64();
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
        assert_eq!(summary["removed"], raid, "{summary}");
        assert_eq!(
            runtime.block_on(remaining(&origin, &ch)),
            (0, MESSAGES * ORDINARY_PER_MESSAGE)
        );
        assert_eq!(
            runtime.block_on(removals_recorded(&origin, &ch, since)),
            raid
        );
        cli_secs.push(secs);

        // Bulk through the library, in two parts.
        let ch = format!("bench.raid.lib{round}");
        runtime.block_on(seed(&origin, &ch, MESSAGES, RAIDERS));
        let mo = client(&origin, "mo");
        let clock = Clock {
            now: Timetoken::now(),
            utc_offset_secs: 0,
        };
        let filter = Filter::parse("value:🍆", Scope::Actions, clock).expect("filter");
        let t = Instant::now();
        let dry = runtime
            .block_on(scan(&mo, &ch, &filter, "reaction"))
            .expect("dry run");
        scan_secs.push(t.elapsed().as_secs_f64());
        assert_eq!(dry.count(), raid);
        let log = AuditLog::new(mo.clone(), dir.path().join("audit.jsonl"));
        let run = BulkRun::new(dry, "mo", "bench", Timetoken::now());
        let t = Instant::now();
        let run = runtime.block_on(run_bulk(
            &log,
            run,
            Pace::default(),
            |_| {},
            std::future::pending(),
        ));
        remove_secs.push(t.elapsed().as_secs_f64());
        assert_eq!((run.removed, run.failed.len()), (raid, 0));

        // One audit message a removal, as many requests in flight.
        let ch = format!("bench.raid.each{round}");
        runtime.block_on(seed(&origin, &ch, MESSAGES, RAIDERS));
        let dry = runtime
            .block_on(scan(&mo, &ch, &filter, "reaction"))
            .expect("dry run");
        let run = BulkRun::new(dry, "mo", "bench", Timetoken::now());
        let each = Pace {
            chunk: 1,
            chunks_in_flight: 32,
        };
        let t = Instant::now();
        let run = runtime.block_on(run_bulk(&log, run, each, |_| {}, std::future::pending()));
        each_secs.push(t.elapsed().as_secs_f64());
        assert_eq!((run.removed, run.failed.len()), (raid, 0));

        // One CLI call per removal.
        let ch = format!("bench.raid.one{round}");
        let actions = runtime.block_on(seed(&origin, &ch, 2, ONE_BY_ONE / 2));
        let t = Instant::now();
        for a in &actions {
            cli(
                &origin,
                &[
                    "--moderator",
                    "actions",
                    "remove",
                    &ch,
                    &a.message_timetoken.to_string(),
                    &a.action_timetoken.to_string(),
                    "--yes",
                ],
            );
        }
        one_secs.push(t.elapsed().as_secs_f64() / actions.len() as f64);
        assert_eq!(runtime.block_on(remaining(&origin, &ch)).0, 0);
        println!(
            "round {}: bulk CLI {:.2} s; library: dry run {:.2} s + removals {:.2} s (a record a removal: {:.2} s); one at a time {:.1} ms a call",
            round + 1,
            cli_secs[round],
            scan_secs[round],
            remove_secs[round],
            each_secs[round],
            one_secs[round] * 1000.0
        );
    }
    let bulk = median(cli_secs);
    let one = median(one_secs);
    println!(
        "\nmedians of {rounds} rounds, {raid} removals (among {} actions):",
        raid + MESSAGES * ORDINARY_PER_MESSAGE
    );
    println!(
        "  bulk, CLI (dry run + recorded removals, whole process): {bulk:.2} s = {:.0} removals/s",
        raid as f64 / bulk
    );
    println!(
        "  bulk, library: dry run {:.2} s, removals {:.2} s",
        median(scan_secs),
        median(remove_secs)
    );
    println!(
        "  one CLI call each: {:.1} ms a call ({ONE_BY_ONE} measured) -> {:.0} s for {raid} (extrapolated), {:.0}x the bulk run",
        one * 1000.0,
        one * raid as f64,
        one * raid as f64 / bulk
    );
}
