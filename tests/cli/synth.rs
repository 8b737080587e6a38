//! `reactions demo synth`: a large channel made in one command, the same every time, written
//! into the embedded database directly or through a server's API.

use super::harness::{Env, Fixture, Run};
use super::{history, listed};

/// `demo synth` output `filled CHANNEL: N messages, M actions in S s` as (N, M).
#[track_caller]
fn filled(run: Run, channel: &str) -> (usize, usize) {
    let run = run.ok();
    let rest = run
        .stdout
        .trim_end()
        .strip_prefix(&format!("filled {channel}: "))
        .unwrap_or_else(|| panic!("{run:#?}"));
    let words: Vec<&str> = rest.split(' ').collect();
    assert!(
        matches!(words[..], [_, "messages,", _, "actions", "in", _, "s"]),
        "{rest}"
    );
    (
        words[0].parse().expect("messages"),
        words[2].parse().expect("actions"),
    )
}

/// Checks `channel` as read back with `run`: `actions` actions on `messages` messages, three
/// of them 🦄 by `needle-finder`, each action on one of the messages.
#[track_caller]
fn check_synth(run: impl Fn(&[&str]) -> Run, channel: &str, messages: usize, actions: usize) {
    let all = listed(run(&["actions", "list", channel, "--all", "--json"]));
    assert_eq!(all.len(), actions);
    let needles: Vec<_> = all.iter().filter(|a| a["value"] == "🦄").collect();
    assert_eq!(needles.len(), 3, "{needles:?}");
    assert!(needles.iter().all(|a| a["uuid"] == "needle-finder"));
    let max = messages.to_string();
    let stored = history(
        run(&["history", channel, "--max", &max, "--json"]).without_note(),
        channel,
    );
    assert_eq!(stored.len(), messages);
    let tts: std::collections::BTreeSet<&str> = stored
        .iter()
        .map(|m| m["timetoken"].as_str().unwrap())
        .collect();
    assert!(
        all.iter()
            .all(|a| tts.contains(a["message_timetoken"].as_str().unwrap()))
    );
}

#[test]
fn demo_synth_fills_the_embedded_database_and_refuses_a_second_time_unless_forced() {
    let env = Env::new();
    let ch = "synth.big";
    let asked = [
        "demo",
        "synth",
        ch,
        "--messages",
        "100",
        "--actions",
        "2500",
    ];
    assert_eq!(filled(env.run(&asked), ch), (100, 2500));
    check_synth(|args| env.run(args), ch, 100, 2500);

    let line = env.run(&asked).error_line().to_string();
    assert!(line.contains("--force") && line.contains(ch), "{line}");
    let forced = [&asked[..], &["--force"]].concat();
    assert_eq!(
        filled(env.run(&forced), ch),
        (100, 2500),
        "the same rows again"
    );
    check_synth(|args| env.run(args), ch, 100, 2500);
}

#[test]
fn demo_synth_through_a_server_makes_the_same_shape() {
    let f = Fixture::new();
    let ch = "synth.api";
    let asked = [
        "demo",
        "synth",
        ch,
        "--messages",
        "12",
        "--actions",
        "60",
        "--users",
        "3",
    ];
    assert_eq!(filled(f.cli(&asked), ch), (12, 60));
    check_synth(|args| f.cli(args), ch, 12, 60);
}

#[test]
fn demo_synth_refuses_a_shape_it_cannot_make() {
    let env = Env::new();
    let run = env.run(&[
        "demo",
        "synth",
        "c",
        "--messages",
        "1",
        "--actions",
        "100",
        "--users",
        "2",
    ]);
    let stderr = run.fails(2);
    assert!(stderr.contains("--users"), "{stderr}");
}
