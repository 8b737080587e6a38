//! Issue 11's targets end to end, on a channel of a million actions made by `reactions demo
//! synth` and served by a real `reactions serve` process:
//!
//! - the CLI: `actions list --all` (`--json`, `--jsonl`) and `history --all --jsonl`, each a
//!   process of its own: time to its first byte on stdout, to its end, and its peak RSS;
//! - the UI's Actions screen, driven in this process as the UI drives it (keys through
//!   `app::update`, every command run by `worker::execute` against the server, a 200x60 frame
//!   drawn when results changed it, at most one a `FRAME_INTERVAL`, as the terminal loop
//!   draws): paging through every action with `G` (no filter), against a filter only three
//!   actions pass (`🦄`), side by side in one run, with this process's CPU
//!   (the UI's) and the server's.
//!
//! Run: `cargo bench --bench scale` (SCALE_MESSAGES and SCALE_ACTIONS change the channel's
//! size: 100,000 and 1,000,000 by default; SCALE_ONLY_SCREEN=1 runs the Actions screen's side
//! by side run alone).

mod child;

use child::{Killed, free_port};

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reactions::app::{App, Command as AppCommand, Event, Options, update};
use reactions::pubnub::{Client, Config};
use reactions::tui::FRAME_INTERVAL;
use reactions::ui::{self, UiState};
use reactions::worker::{self, WorkerFiles};

const BIN: &str = env!("CARGO_BIN_EXE_reactions");
const CHANNEL: &str = "big";
const SUB: &str = "demo";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) of process `pid` so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// A `/proc/PID/status` field in KiB (VmRSS, VmHWM).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One CLI run: first byte, end, peak RSS, bytes written.
struct CliRun {
    first_byte: Duration,
    total: Duration,
    peak_mib: f64,
    bytes: usize,
}

fn cli_run(origin: &str, home: &std::path::Path, args: &[&str]) -> CliRun {
    let started = Instant::now();
    let mut child = Killed(
        Command::new(BIN)
            .args(["--origin", origin, "--sub-key", SUB])
            .args(args)
            .env("XDG_DATA_HOME", home)
            .env("XDG_CONFIG_HOME", home)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the CLI"),
    );
    let pid = child.0.id();
    let mut stdout = child.0.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut first = None;
        let mut bytes = 0;
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            first.get_or_insert_with(|| started.elapsed());
            bytes += n;
        }
        (first, bytes)
    });
    // The high-water mark, read until the process is gone (it only grows).
    let mut peak = 0;
    while child.0.try_wait().ok().flatten().is_none() {
        peak = peak.max(status_kib(pid, "VmHWM:").unwrap_or(0));
        std::thread::sleep(Duration::from_millis(5));
    }
    let total = started.elapsed();
    let (first, bytes) = reader.join().expect("reader");
    CliRun {
        first_byte: first.unwrap_or(total),
        total,
        peak_mib: peak as f64 / 1024.0,
        bytes,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// What driving the Actions screen cost.
struct UiRun {
    wall: Duration,
    ui_cpu: f64,
    server_cpu: f64,
    loaded: usize,
    shown: usize,
}

/// Opens the Actions screen, types `filter` (when given) and runs every command the app asks
/// for, drawing a frame after each result; without a filter presses `G` whenever nothing is
/// asked for, until the channel's start is loaded.
fn drive(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    server: u32,
    filter: Option<&str>,
    frame: Duration,
) -> UiRun {
    let mut app = App::new(Options::new(CHANNEL, "bench"));
    let (ui0, server0, started) = (
        cpu_seconds(std::process::id()),
        cpu_seconds(server),
        Instant::now(),
    );
    let mut pending: Vec<AppCommand> = app.start();
    pending.extend(update(&mut app, key(KeyCode::Tab)).commands);
    if let Some(text) = filter {
        pending.extend(update(&mut app, key(KeyCode::Char('/'))).commands);
        for c in text.chars() {
            pending.extend(update(&mut app, key(KeyCode::Char(c))).commands);
        }
    }
    run_all(runtime, client, &mut app, pending, frame);
    while filter.is_none() && app.actions.next_start.is_some() {
        let pending = update(&mut app, key(KeyCode::Char('G'))).commands;
        if pending.is_empty() {
            break;
        }
        run_all(runtime, client, &mut app, pending, frame);
    }
    UiRun {
        wall: started.elapsed(),
        ui_cpu: cpu_seconds(std::process::id()) - ui0,
        server_cpu: cpu_seconds(server) - server0,
        loaded: app.actions.len(),
        shown: app.actions.display_from(None).count(),
    }
}

/// Runs `pending` and every command their results cause, drawing a frame after each result.
fn run_all(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    app: &mut App,
    mut pending: Vec<AppCommand>,
    frame: Duration,
) {
    let files = WorkerFiles {
        audit_log: std::env::temp_dir().join("reactions-scale-audit.jsonl"),
        recent_reactions: std::env::temp_dir().join("reactions-scale-recent"),
        channels: std::env::temp_dir().join("reactions-scale-channels.json"),
    };
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("backend");
    let mut state = UiState::default();
    let mut last_frame: Option<Instant> = None;
    let mut changed = false;
    let mut draw =
        |app: &mut App, pending: &mut Vec<AppCommand>, last_frame: &mut Option<Instant>| {
            terminal
                .draw(|f| ui::draw(f, app, &mut state))
                .expect("draw");
            *last_frame = Some(Instant::now());
            pending.extend(update(app, Event::Measured(state.measured())).commands);
        };
    while !pending.is_empty() || changed {
        let Some(command) = (!pending.is_empty()).then(|| pending.remove(0)) else {
            // Nothing in flight: what changed is drawn now.
            draw(app, &mut pending, &mut last_frame);
            changed = false;
            continue;
        };
        if let Some((op, outcome)) = runtime.block_on(worker::execute(client, &files, command)) {
            // As the terminal loop does: a frame only when an update says the screen changed,
            // and at most one a frame interval.
            let out = update(app, Event::Api(op, outcome));
            pending.extend(out.commands);
            changed |= out.redraw;
            if changed && last_frame.is_none_or(|at| at.elapsed() >= frame) {
                draw(app, &mut pending, &mut last_frame);
                changed = false;
            }
        }
    }
}

/// The Timeline with the whole channel loaded (`g` until its start), then `R`: this process's
/// RSS before, its peak during the refresh and after, MiB.
fn reload(runtime: &tokio::runtime::Runtime, client: &Client) -> (usize, f64, f64, f64) {
    let pid = std::process::id();
    let mut app = App::new(Options::new(CHANNEL, "bench"));
    let pending = app.start();
    run_all(runtime, client, &mut app, pending, FRAME_INTERVAL);
    while !app.timeline.reached_start {
        let pending = update(&mut app, key(KeyCode::Char('g'))).commands;
        if pending.is_empty() {
            break;
        }
        run_all(runtime, client, &mut app, pending, FRAME_INTERVAL);
    }
    let mib = |field| status_kib(pid, field).unwrap_or(0) as f64 / 1024.0;
    let before = mib("VmRSS:");
    // Resets the peak (VmHWM) to the current RSS.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let pending = update(&mut app, key(KeyCode::Char('R'))).commands;
    run_all(runtime, client, &mut app, pending, FRAME_INTERVAL);
    (app.timeline.len(), before, mib("VmHWM:"), mib("VmRSS:"))
}

/// Fills `channel` of the database with `demo synth`.
fn synth(
    db: &std::path::Path,
    home: &std::path::Path,
    channel: &str,
    messages: usize,
    actions: usize,
) {
    let filled = Command::new(BIN)
        .args(["--sub-key", SUB, "demo", "synth", channel])
        .args([
            "--messages",
            &messages.to_string(),
            "--actions",
            &actions.to_string(),
        ])
        .arg("--db")
        .arg(db)
        .env("XDG_DATA_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .output()
        .expect("demo synth");
    assert!(filled.status.success(), "{filled:?}");
}

/// Reads and latencies of one load phase.
struct Load {
    reads: usize,
    seconds: f64,
    /// Latencies of the small channel's reads, sorted, ms.
    small_ms: Vec<f64>,
}

impl Load {
    fn rate(&self) -> f64 {
        self.reads as f64 / self.seconds
    }
    fn small(&self, p: f64) -> f64 {
        let i =
            ((self.small_ms.len() as f64 * p) as usize).min(self.small_ms.len().saturating_sub(1));
        self.small_ms.get(i).copied().unwrap_or(f64::NAN)
    }
}

/// `connections` loops reading random pages of 100 actions from `channels` (each of
/// `messages` synthetic messages) for `seconds`, and one loop reading the newest page of the
/// small channel, one read at a time.
fn load(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    channels: &[String],
    messages: usize,
    connections: usize,
    seconds: f64,
) -> Load {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    runtime.block_on(async {
        let workers = (0..connections).map(|w| {
            let client = client.clone();
            let channels = channels.to_vec();
            async move {
                let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ ((w as u64 + 1) * 0x1234_5678);
                let mut reads = 0;
                while !channels.is_empty() && Instant::now() < deadline {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    let channel = &channels[(rng % channels.len() as u64) as usize];
                    let n = (rng >> 20) as usize % messages.max(1) + 1;
                    let start = reactions::synthetic::message_tt(n);
                    let page = client
                        .get_message_actions()
                        .channel(channel)
                        .limit(100)
                        .bounds(Some(start), None)
                        .execute()
                        .await;
                    if page.is_ok() {
                        reads += 1;
                    }
                }
                reads
            }
        });
        let probe = async {
            let mut ms = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let page = client
                    .get_message_actions()
                    .channel("small")
                    .limit(100)
                    .execute()
                    .await;
                if page.is_ok() {
                    ms.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            ms
        };
        let started = Instant::now();
        let (reads, mut small_ms) = tokio::join!(futures::future::join_all(workers), probe);
        small_ms.sort_by(f64::total_cmp);
        Load {
            reads: reads.iter().sum(),
            seconds: started.elapsed().as_secs_f64(),
            small_ms,
        }
    })
}

fn main() {
    let messages = env_usize("SCALE_MESSAGES", 100_000);
    let actions = env_usize("SCALE_ACTIONS", 1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("scale.sqlite3");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");

    let started = Instant::now();
    synth(&db, &home, CHANNEL, messages, actions);
    println!(
        "demo synth {CHANNEL} --messages {messages} --actions {actions}: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let ten: Vec<String> = (0..10).map(|i| format!("ten.{i}")).collect();
    for channel in &ten {
        synth(&db, &home, channel, 15_000, 150_000);
    }
    synth(&db, &home, "small", 100, 1_000);
    println!(
        "demo synth of ten channels of 150,000 actions and a small one of 1,000: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let server = Killed(
        Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--db"])
            .arg(&db)
            .env("REACTIONS_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("reactions serve"),
    );
    let server_pid = server.0.id();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let load_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::new(Config::new("", SUB, "bench").with_origin(&origin)).expect("client");
    runtime.block_on(async {
        let up = Instant::now() + Duration::from_secs(20);
        while client.time().execute().await.is_err() {
            assert!(Instant::now() < up, "the server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    // SCALE_ONLY_SCREEN=1: the Actions screen's side-by-side run alone.
    let only_screen = std::env::var_os("SCALE_ONLY_SCREEN").is_some();
    if !only_screen {
        println!("\nCLI against the server ({actions} actions, {messages} messages):");
        println!(
            "{:<42} {:>11} {:>8} {:>9} {:>9}",
            "command", "first byte", "total", "peak RSS", "output"
        );
        for args in [
            &["actions", "list", CHANNEL, "--all", "--json"][..],
            &["actions", "list", CHANNEL, "--all", "--jsonl"],
            &["history", CHANNEL, "--all", "--jsonl"],
        ] {
            let run = cli_run(&origin, &home, args);
            println!(
                "{:<42} {:>8.1} ms {:>6.2} s {:>5.1} MiB {:>5.0} MB",
                args.join(" "),
                run.first_byte.as_secs_f64() * 1000.0,
                run.total.as_secs_f64(),
                run.peak_mib,
                run.bytes as f64 / 1e6
            );
        }

        // First, while this process has held nothing large yet (freed memory would hide a peak).
        let started = Instant::now();
        let (loaded, before, peak, after) = reload(&runtime, &client);
        println!(
            "(loading with g and R took {:.1} s)",
            started.elapsed().as_secs_f64()
        );
        println!(
            "\nR with {loaded} messages loaded: RSS {before:.1} MiB before, peak {peak:.1} MiB, \
             {after:.1} MiB after: {:.2}x (target <= 1.5x)",
            peak / before
        );
    }
    println!("\nActions screen, 200x60, paging through every action (side by side):");
    let plain = drive(&runtime, &client, server_pid, None, FRAME_INTERVAL);
    let filtered = drive(&runtime, &client, server_pid, Some("🦄"), FRAME_INTERVAL);
    // The same filter drawing a frame after every result that changed the screen, as the
    // terminal loop did before frames were capped at one a FRAME_INTERVAL.
    let uncapped = drive(&runtime, &client, server_pid, Some("🦄"), Duration::ZERO);
    println!(
        "{:<36} {:>9} {:>9} {:>11} {:>9} {:>7}",
        "", "wall", "UI CPU", "server CPU", "loaded", "shown"
    );
    for (name, run) in [
        ("no filter, G until the start", &plain),
        ("filter 🦄 (3 match)", &filtered),
        ("filter 🦄, a frame every result", &uncapped),
    ] {
        println!(
            "{:<36} {:>7.2} s {:>7.2} s {:>9.2} s {:>9} {:>7}",
            name,
            run.wall.as_secs_f64(),
            run.ui_cpu,
            run.server_cpu,
            run.loaded,
            run.shown
        );
    }
    println!(
        "filter / no filter: {:.2}x wall (target <= 1.5x); filter's UI CPU / server CPU: {:.2}x \
         (target <= 2x; {:.2}x with a frame every result)",
        filtered.wall.as_secs_f64() / plain.wall.as_secs_f64(),
        filtered.ui_cpu / filtered.server_cpu.max(0.01),
        uncapped.ui_cpu / uncapped.server_cpu.max(0.01)
    );
    if only_screen {
        return;
    }

    let seconds: f64 = std::env::var("SCALE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    // Its own client: connections belong to the runtime that made them.
    let load_client =
        Client::new(Config::new("", SUB, "load").with_origin(&origin)).expect("client");
    println!(
        "\nServer: random pages of 100 actions at 16 connections, {seconds} s a phase, with one"
    );
    println!("more connection reading a small channel (1,000 actions) one page at a time:");
    let idle = load(
        &load_runtime,
        &load_client,
        &[],
        15_000,
        0,
        seconds.min(3.0),
    );
    let one = load(&load_runtime, &load_client, &ten[..1], 15_000, 16, seconds);
    let all = load(&load_runtime, &load_client, &ten, 15_000, 16, seconds);
    let rss = |field| status_kib(server_pid, field).unwrap_or(0) as f64 / 1024.0;
    println!(
        "{:<34} {:>10} {:>14} {:>14}",
        "phase", "reads/s", "small p50 ms", "small p99 ms"
    );
    for (name, l) in [
        ("idle (small channel only)", &idle),
        ("one channel of 150k", &one),
        ("ten channels of 150k", &all),
    ] {
        println!(
            "{:<34} {:>10.0} {:>14.2} {:>14.2}",
            name,
            l.rate(),
            l.small(0.5),
            l.small(0.99)
        );
    }
    println!(
        "ten / one channel: {:.2}x reads (target >= 0.5x); small p99 under load / idle: {:.2}x \
         (target <= 5x); server RSS now {:.1} MiB, peak {:.1} MiB",
        all.rate() / one.rate(),
        all.small(0.99) / idle.small(0.99),
        rss("VmRSS:"),
        rss("VmHWM:")
    );

    drop(server);
}
