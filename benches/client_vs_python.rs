//! Target 5: our client against the official one. Lists 20,000 actions of a channel page by
//! page (limit 100) from the same embedded server, alternating our pager and the official
//! PubNub Python SDK (`pubnub==10.8.0`), five runs each in one process; reports medians and the
//! ratio. The Python figure excludes interpreter start-up (it is timed inside the script); the
//! whole-process time is shown too.
//!
//! Run: `cargo bench --bench client_vs_python`

#[path = "../tests/python_env/mod.rs"]
mod python_env;

use std::process::Command;
use std::time::{Duration, Instant};

use futures::future::try_join_all;
use reactions::pubnub::{Client, Config, StoredAction, Timetoken};
use reactions::server::{self, ServerOptions};

const ACTIONS: usize = 20_000;
const RUNS: usize = 5;
const CHANNEL: &str = "bench.actions";
const SUB: &str = "sub-bench";
const PUB: &str = "pub-bench";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let python = python_env::python_with_sdk();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let server = runtime
        .block_on(server::start(ServerOptions::new(
            "127.0.0.1:0".parse().expect("addr"),
            dir.path().join("bench.sqlite3"),
        )))
        .expect("server");
    // 20,000 actions over 2,000 messages, written concurrently so group commit batches them.
    let seed: Vec<StoredAction> = (0..ACTIONS)
        .map(|i| {
            let message = 17_000_000_000_000_000 + (i / 10) as u64 * 1_000;
            StoredAction {
                action_timetoken: Timetoken(message + 1 + (i % 10) as u64),
                message_timetoken: Timetoken(message),
                action_type: "reaction".into(),
                uuid: format!("user{}", i % 10),
                value: "👍".into(),
            }
        })
        .collect();
    runtime
        .block_on(try_join_all(
            seed.iter()
                .map(|a| server.store().insert_action_at(SUB, CHANNEL, a)),
        ))
        .expect("seed");
    let client = Client::new(Config::new(PUB, SUB, "bench-rust").with_origin(server.origin()))
        .expect("client");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python/list_actions.py");
    let host = server.origin().trim_start_matches("http://").to_string();

    let (mut ours, mut theirs, mut theirs_process) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        // As an async application runs it: a task on the runtime (which also drives the
        // connection), not a future polled from another thread.
        let pager = client
            .get_message_actions()
            .channel(CHANNEL)
            .limit(100)
            .pager();
        let listed = runtime
            .block_on(runtime.spawn(pager.collect_all()))
            .expect("the listing task")
            .expect("our pager");
        ours.push(start.elapsed().as_secs_f64());
        assert_eq!(listed.len(), ACTIONS, "our client listed every action once");

        let start = Instant::now();
        let out = Command::new(python)
            .arg(&script)
            .args([host.as_str(), SUB, PUB, CHANNEL])
            .output()
            .expect("python runs");
        theirs_process.push(start.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("python report");
        assert_eq!(report["count"], ACTIONS, "the SDK listed every action once");
        theirs.push(report["seconds"].as_f64().expect("seconds"));
    }
    let (ours, theirs, theirs_process) = (median(ours), median(theirs), median(theirs_process));
    println!(
        "listing {ACTIONS} actions, limit 100, {RUNS} alternating runs, medians (this machine):"
    );
    println!("  reactions::pubnub pager        {:>8.1} ms", ours * 1e3);
    println!(
        "  pubnub==10.8.0 (Python) loop   {:>8.1} ms   (whole process {:.1} ms)",
        theirs * 1e3,
        theirs_process * 1e3
    );
    println!(
        "  ratio Python / ours            {:>8.1}x   (whole process {:.1}x)",
        theirs / ours,
        theirs_process / ours
    );
    runtime.block_on(server.shutdown());
    std::thread::sleep(Duration::from_millis(10));
}
