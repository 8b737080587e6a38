//! Target 4: resident memory of the whole process with 100,000 messages and 1,000,000 actions
//! loaded into the real app state (through `app::update`, page by page), then also with the
//! Actions screen holding all 1,000,000 actions. Reads VmRSS and VmHWM from /proc/self/status.
//!
//! Run: `cargo bench --bench memory`

mod support;

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn report(label: &str) {
    let mib = |kib: Option<u64>| {
        kib.map_or("n/a".to_string(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    println!(
        "{label:<58} VmRSS {:>10}   VmHWM (peak) {:>10}",
        mib(status_kib("VmRSS:")),
        mib(status_kib("VmHWM:"))
    );
}

fn main() {
    // `cargo bench` passes --bench; nothing to parse.
    report("baseline (process start)");
    let mut app = support::timeline(100_000, 10);
    let actions: usize = app.timeline.iter().map(|m| m.actions.len()).sum();
    assert_eq!(app.timeline.len(), 100_000);
    assert_eq!(actions, 1_000_000);
    report("timeline: 100,000 messages, 1,000,000 actions");
    support::actions_screen(&mut app, 100_000, 10);
    assert_eq!(app.actions.len(), 1_000_000);
    report("+ Actions screen: 1,000,000 action rows");
    std::hint::black_box(&app);
}
