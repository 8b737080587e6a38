//! Target 2: idle costs nothing. Runs the real binary in a pseudo-terminal (embedded mode, temp
//! data dir), waits until it is up and quiet, then for 10 s counts the bytes it writes to the
//! terminal (a frame is bytes) and reads its CPU time from /proc/<pid>/stat.
//!
//! Run: `cargo bench --bench idle`

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const IDLE: Duration = Duration::from_secs(10);

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses): utime is the 14th, stime 15th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn main() {
    let binary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/reactions");
    assert!(
        binary.exists(),
        "build the release binary first: cargo build --release"
    );
    let home = tempfile::tempdir().expect("temp dir");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut command = CommandBuilder::new(binary);
    command.env("TERM", "xterm-256color");
    command.env("XDG_DATA_HOME", home.path().join("data"));
    command.env("XDG_CONFIG_HOME", home.path().join("config"));
    command.env("USER", "bench");
    let mut child = pty.slave.spawn_command(command).expect("spawn reactions");
    let pid = child.process_id().expect("pid");
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let written = Arc::new(AtomicU64::new(0));
    let screen = Arc::new(Mutex::new(vt100::Parser::new(60, 200, 0)));
    {
        let (written, screen) = (written.clone(), screen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                written.fetch_add(n as u64, Ordering::SeqCst);
                if let Ok(mut parser) = screen.lock() {
                    parser.process(&buf[..n]);
                }
            }
        });
    }
    // Up: the demo's newest message and a live subscription are on screen.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default();
        if text.contains("lunch at noon?") && text.contains("live") {
            break;
        }
        assert!(Instant::now() < deadline, "the app did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Quiet: nothing written for a second.
    let mut last = written.load(Ordering::SeqCst);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = written.load(Ordering::SeqCst);
        if now == last {
            break;
        }
        last = now;
    }
    let ticks_per_second = 100.0; // USER_HZ on Linux
    let bytes_before = written.load(Ordering::SeqCst);
    let cpu_before = cpu_ticks(pid).expect("cpu");
    let start = Instant::now();
    std::thread::sleep(IDLE);
    let elapsed = start.elapsed().as_secs_f64();
    let cpu_after = cpu_ticks(pid).expect("cpu");
    let bytes = written.load(Ordering::SeqCst) - bytes_before;
    let cpu_seconds = (cpu_after - cpu_before) as f64 / ticks_per_second;
    println!("idle for {elapsed:.1} s (200x60, embedded mode, whole process incl. server):");
    println!("  bytes written to the terminal: {bytes} (0 means no frame was drawn)");
    println!(
        "  CPU time: {cpu_seconds:.2} s = {:.2}% of one core (clock-tick resolution 10 ms)",
        100.0 * cpu_seconds / elapsed
    );
    let _ = child.kill();
}
