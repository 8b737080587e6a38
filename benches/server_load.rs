//! Target 6: the server near its own limit. A load generator of our own (tokio + reqwest, 32
//! concurrent keep-alive connections) against a real `reactions serve` process, phase by phase
//! in one run: `/time/0` (the server's own ceiling), add-action (every acknowledged add durable:
//! SQLite WAL with synchronous=FULL, group commit), a 100-action page of get-actions, and
//! history-with-actions of 25 messages; reads both as the same newest page (answer cache) and
//! as pages at random starts. Reports requests/s, p50 and p99 latency and the ratio to /time/0,
//! and where the CPU went: the server's per request (and of it, its database writer thread's),
//! the generator's, and how many of the two cores both kept busy.
//!
//! Run: `cargo bench --bench server_load` (set LOAD_SECONDS to change the 5 s per phase;
//! LOAD_ONLY=add,actions,history runs only the workloads whose names contain one of those words,
//! for profiling one of them; LOAD_ROUNDS=N repeats every workload N times and adds medians;
//! LOAD_SERVER=PATH runs another build of `reactions` as the server, for before/after runs).

mod child;

use child::{Killed, free_port};

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reactions::pubnub::{Client, Config, Timetoken};

const CONNECTIONS: usize = 32;
const SUB: &str = "sub-load";
const PUB: &str = "pub-load";
const HISTORY_CHANNEL: &str = "load.history";
const ACTIONS_CHANNEL: &str = "load.actions";
/// Adds go to their own channel so the read workloads keep their shape.
const ADD_CHANNEL: &str = "load.adds";
const HISTORY_MESSAGES: usize = 2_000;
const ACTIONS_PER_MESSAGE: usize = 5;
/// Adds sent so far, for authors that never repeat.
static ADDS: AtomicU64 = AtomicU64::new(0);

/// Results of one phase.
struct Phase {
    name: &'static str,
    requests: u64,
    errors: u64,
    seconds: f64,
    latencies_us: Vec<u32>,
    /// CPU time the server process used during the phase (Linux), seconds.
    server_cpu: Option<f64>,
    /// Of that, the time of the server's database writer thread, seconds.
    writer_cpu: Option<f64>,
    /// CPU time this load generator used during the phase, seconds.
    generator_cpu: Option<f64>,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
    /// Server CPU per request, microseconds: the server's own cost, which other processes on a
    /// shared machine disturb far less than throughput.
    fn cpu_us(&self) -> f64 {
        self.per_request_us(self.server_cpu)
    }
    fn per_request_us(&self, cpu: Option<f64>) -> f64 {
        cpu.map_or(f64::NAN, |s| s * 1e6 / self.requests.max(1) as f64)
    }
    /// Cores kept busy by the server and the generator together.
    fn cores_busy(&self) -> f64 {
        self.server_cpu
            .zip(self.generator_cpu)
            .map_or(f64::NAN, |(s, g)| (s + g) / self.seconds)
    }
    fn percentile(&self, p: f64) -> f64 {
        let mut v = self.latencies_us.clone();
        v.sort_unstable();
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v.get(i).copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// Runs `CONNECTIONS` workers for `seconds`, each sending `make(worker, n)` requests in turn.
/// Makes request `n` of worker `w`.
type Make = Arc<dyn Fn(&reqwest::Client, usize, u64) -> reqwest::RequestBuilder + Send + Sync>;

async fn phase(name: &'static str, seconds: f64, make: Make) -> Phase {
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONNECTIONS {
        let (make, errors) = (make.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            // One client per worker: one keep-alive connection each.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("http client");
            let mut latencies = Vec::with_capacity(50_000);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = match make(&http, worker, n).send().await {
                    Ok(answer) => {
                        let ok = answer.status().is_success();
                        ok && answer.bytes().await.is_ok()
                    }
                    Err(_) => false,
                };
                latencies.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
            latencies
        }));
    }
    let mut latencies_us = Vec::new();
    for t in tasks {
        latencies_us.extend(t.await.expect("worker"));
    }
    Phase {
        name,
        requests: latencies_us.len() as u64,
        errors: errors.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
        latencies_us,
        server_cpu: None,
        writer_cpu: None,
        generator_cpu: None,
    }
}

/// User plus system CPU time of a process so far, from /proc (Linux only), seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    stat_cpu_seconds(&format!("/proc/{pid}/stat"))
}

/// CPU time so far of the server's database writer thread (named `reactions-db-write`, which
/// the kernel cuts to 15 bytes), seconds.
fn writer_cpu_seconds(pid: u32) -> Option<f64> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
        .find(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|comm| comm.trim() == "reactions-db-wr")
        })
        .and_then(|task| stat_cpu_seconds(&task.path().join("stat").to_string_lossy()))
}

/// User plus system CPU time in a `/proc/.../stat` file, seconds.
fn stat_cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which may hold spaces) closed by ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

/// Runs one phase and measures the server's CPU time during it.
fn measured(
    runtime: &tokio::runtime::Runtime,
    pid: u32,
    name: &'static str,
    seconds: f64,
    make: Make,
) -> Phase {
    let me = std::process::id();
    let before = (cpu_seconds(pid), writer_cpu_seconds(pid), cpu_seconds(me));
    let mut p = runtime.block_on(phase(name, seconds, make));
    let spent = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
    p.server_cpu = spent(before.0, cpu_seconds(pid));
    p.writer_cpu = spent(before.1, writer_cpu_seconds(pid));
    p.generator_cpu = spent(before.2, cpu_seconds(me));
    p
}

/// A deterministic spread of values for request `n` of `worker`.
fn spread(worker: usize, n: u64, modulo: u64) -> u64 {
    (worker as u64 * 7_919 + n * 104_729) % modulo
}

fn main() {
    let seconds: f64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let _server = Killed(
        Command::new(
            std::env::var_os("LOAD_SERVER")
                .unwrap_or_else(|| env!("CARGO_BIN_EXE_reactions").into()),
        )
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(dir.path().join("load.sqlite3"))
        .env("REACTIONS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("reactions serve"),
    );
    let pid = _server.0.id();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = Client::new(Config::new(PUB, SUB, "load").with_origin(&origin)).expect("client");
    runtime.block_on(async {
        let up = Instant::now() + Duration::from_secs(20);
        while client.time().execute().await.is_err() {
            assert!(Instant::now() < up, "the server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    // Data: messages with actions for history; the same actions listed by get-actions.
    let history_tts: Vec<Timetoken> = runtime.block_on(async {
        let mut tts = Vec::new();
        for chunk in (0..HISTORY_MESSAGES).collect::<Vec<_>>().chunks(64) {
            let sent = futures::future::join_all(chunk.iter().map(|i| {
                client
                    .publish()
                    .channel(HISTORY_CHANNEL)
                    .message(serde_json::json!({"text": format!("load message {i}")}))
                    .execute()
            }))
            .await;
            tts.extend(sent.into_iter().map(|r| r.expect("publish")));
        }
        tts.sort();
        tts
    });
    runtime.block_on(async {
        let adds: Vec<(Timetoken, usize)> = history_tts
            .iter()
            .flat_map(|tt| (0..ACTIONS_PER_MESSAGE).map(move |k| (*tt, k)))
            .collect();
        for chunk in adds.chunks(128) {
            futures::future::join_all(chunk.iter().flat_map(|(tt, k)| {
                [HISTORY_CHANNEL, ACTIONS_CHANNEL].map(|channel| {
                    let mut c = Config::new(PUB, SUB, format!("user{k}")).with_origin(&origin);
                    c.request_timeout = Duration::from_secs(30);
                    let client = Client::new(c).expect("client");
                    async move {
                        client
                            .add_message_action()
                            .channel(channel)
                            .message_action(reactions::pubnub::MessageAction {
                                action_type: "reaction".into(),
                                value: "👍".into(),
                                message_timetoken: *tt,
                            })
                            .execute()
                            .await
                            .expect("seed action")
                    }
                })
            }))
            .await;
        }
    });
    let listed = runtime
        .block_on(
            client
                .get_message_actions()
                .channel(ACTIONS_CHANNEL)
                .pager()
                .collect_all(),
        )
        .expect("list");
    let action_tts: Arc<Vec<u64>> =
        Arc::new(listed.iter().map(|a| a.action_timetoken.get()).collect());
    let message_tts: Arc<Vec<u64>> = Arc::new(history_tts.iter().map(|t| t.get()).collect());

    let base = origin.clone();
    let (mtts, atts) = (message_tts.clone(), action_tts.clone());
    let history = move |start: &str| {
        format!(
            "{base}/v3/history-with-actions/sub-key/{SUB}/channel/{HISTORY_CHANNEL}?max=25{start}&include_uuid=true"
        )
    };
    let base = origin.clone();
    let actions = move |start: &str| {
        format!("{base}/v1/message-actions/{SUB}/channel/{ACTIONS_CHANNEL}?limit=100{start}")
    };
    let base = origin.clone();
    let workloads: Vec<(&'static str, Make)> = vec![
        (
            "add action (durable)",
            Arc::new(move |h, w, n| {
                let tt = mtts[spread(w, n, mtts.len() as u64) as usize];
                // An author never used before, also across rounds (a repeat would be a conflict).
                let author = ADDS.fetch_add(1, Ordering::Relaxed);
                h.post(format!("{base}/v1/message-actions/{SUB}/channel/{ADD_CHANNEL}/message/{tt}?uuid=load-{author}"))
                .header("Content-Type", "application/json")
                .body(r#"{"type":"reaction","value":"🔥"}"#)
            }),
        ),
        ("get actions, newest 100 (same page)", {
            let actions = actions.clone();
            Arc::new(move |h, w, _| h.get(format!("{}&uuid=r{w}", actions(""))))
        }),
        (
            "get actions, 100 at random starts",
            Arc::new(move |h, w, n| {
                let start = atts[100 + spread(w, n, atts.len() as u64 - 100) as usize];
                h.get(format!("{}&uuid=r{w}", actions(&format!("&start={start}"))))
            }),
        ),
        ("history with actions, newest 25 (same page)", {
            let history = history.clone();
            Arc::new(move |h, w, _| h.get(format!("{}&uuid=r{w}", history(""))))
        }),
        ("history with actions, 25 at random starts", {
            let mtts = message_tts.clone();
            Arc::new(move |h, w, n| {
                let start = mtts[25 + spread(w, n, mtts.len() as u64 - 25) as usize];
                h.get(format!("{}&uuid=r{w}", history(&format!("&start={start}"))))
            })
        }),
    ];
    let only: Vec<String> = std::env::var("LOAD_ONLY")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let rounds: usize = std::env::var("LOAD_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);

    // Each workload runs right after its own /time/0 phase, so the ratio compares two
    // measurements taken side by side under the same machine load.
    let time: Make = {
        let origin = origin.clone();
        Arc::new(move |h, _, _| h.get(format!("{origin}/time/0")))
    };
    let mut rows: Vec<(Phase, Phase)> = Vec::new();
    for _ in 0..rounds {
        for (name, make) in &workloads {
            if !only.is_empty() && !only.iter().any(|w| name.contains(w.as_str())) {
                continue;
            }
            let ceiling = measured(&runtime, pid, "/time/0", seconds, time.clone());
            rows.push((
                ceiling,
                measured(&runtime, pid, name, seconds, make.clone()),
            ));
        }
    }

    println!(
        "\n{CONNECTIONS} connections, {seconds} s per phase, server and load generator on this 2-core machine;"
    );
    println!("each workload is compared with the /time/0 phase run just before it.");
    println!("CPU per request (us): the server process (of it, the database writer thread), the");
    println!("load generator; cores: both processes' CPU time over the phase's wall time;");
    println!("time's: the same for the /time/0 phase.");
    print_header();
    for (ceiling, p) in &rows {
        print_row(p.name, &Columns::of(ceiling, p));
    }
    if rounds > 1 {
        println!("\nmedians over {rounds} rounds (each column on its own):");
        for (name, _) in &workloads {
            let measured: Vec<Columns> = rows
                .iter()
                .filter(|(_, p)| p.name == *name)
                .map(|(c, p)| Columns::of(c, p))
                .collect();
            if let Some(medians) = Columns::medians(&measured) {
                print_row(name, &medians);
            }
        }
    }
}

/// The figures printed for one workload next to its /time/0 phase.
#[derive(Clone, Copy)]
struct Columns([f64; 12]);

/// Each column's heading and decimals.
const HEADINGS: [(&str, usize); 12] = [
    ("req/s", 0),
    ("p50 ms", 2),
    ("p99 ms", 2),
    ("time/0", 0),
    ("vs time %", 0),
    ("errors", 0),
    ("server", 1),
    ("writer", 1),
    ("generator", 1),
    ("cores", 2),
    ("time's", 1),
    ("time's cores", 2),
];

impl Columns {
    fn of(ceiling: &Phase, p: &Phase) -> Columns {
        Columns([
            p.rate(),
            p.percentile(0.50),
            p.percentile(0.99),
            ceiling.rate(),
            100.0 * p.rate() / ceiling.rate(),
            (p.errors + ceiling.errors) as f64,
            p.cpu_us(),
            p.per_request_us(p.writer_cpu),
            p.per_request_us(p.generator_cpu),
            p.cores_busy(),
            ceiling.cpu_us(),
            ceiling.cores_busy(),
        ])
    }

    /// Each column's median on its own.
    fn medians(rows: &[Columns]) -> Option<Columns> {
        let mut out = *rows.first()?;
        for (k, cell) in out.0.iter_mut().enumerate() {
            let mut v: Vec<f64> = rows.iter().map(|r| r.0[k]).collect();
            v.sort_by(f64::total_cmp);
            *cell = v[v.len() / 2];
        }
        Some(out)
    }
}

fn print_header() {
    print!("{:<44}", "workload");
    for (heading, _) in HEADINGS {
        print!(" {heading:>w$}", w = heading.len().max(9));
    }
    println!();
}

fn print_row(name: &str, c: &Columns) {
    print!("{name:<44}");
    for (v, (heading, decimals)) in c.0.iter().zip(HEADINGS) {
        print!(" {v:>w$.decimals$}", w = heading.len().max(9));
    }
    println!();
}
