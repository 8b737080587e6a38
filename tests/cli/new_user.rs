//! What a new user trips on, as the CLI answers it: every error says what went wrong and what
//! to do, limits that cut a listing short say so on stderr, and the exit status follows one
//! rule (2 for usage and configuration, 1 for failures).

use super::harness::{Env, Fixture, Run, free_port};
use super::{args, history, listed, published};

/// Asserts exactly one line on stderr with status `code` and nothing on stdout; returns it.
#[track_caller]
fn one_line(run: &Run, code: i32) -> String {
    let stderr = run.fails(code);
    assert_eq!(stderr.lines().count(), 1, "one line: {run:#?}");
    stderr.trim_end().to_string()
}

/// Asserts success with `needles` in what was said on stderr (a note, not an error).
#[track_caller]
fn noted(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(0), "{run:#?}");
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} on stderr: {run:#?}"
        );
    }
}

#[track_caller]
fn contains_all(line: &str, needles: &[&str]) {
    for needle in needles {
        assert!(line.contains(needle), "{needle:?} in {line:?}");
    }
}

#[test]
fn an_origin_without_a_scheme_is_a_configuration_error_that_shows_the_fix() {
    let env = Env::new();
    for case in [&["history", "c"][..], &[]] {
        let run = env.run(&args(&["--origin", "localhost:8090"], case));
        let line = one_line(&run, 2);
        contains_all(&line, &["\"localhost:8090\"", "http://localhost:8090"]);
    }
}

#[test]
fn nothing_listening_names_the_origin_and_suggests_reactions_serve() {
    let env = Env::new();
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let run = env.run(&["--origin", &origin, "actions", "list", "chats.room1"]);
    let line = one_line(&run, 1);
    contains_all(
        &line,
        &[
            "actions list",
            &origin,
            "reactions serve",
            &format!("127.0.0.1:{port}"),
        ],
    );
    assert!(!line.contains("os error"), "{line}");
}

#[test]
fn a_signing_server_refusing_an_unsigned_request_says_it_requires_signing_or_a_token() {
    let f = Fixture::with_serve_args(&["--secret-key", "s3cret"]);
    let line = one_line(&f.cli(&["history", "cli.unsigned"]), 1);
    contains_all(
        &line,
        &[
            "history",
            "403",
            "requires signed requests or a token",
            "--secret-key",
            "--auth-key",
        ],
    );
    let line = one_line(
        &f.cli(&["--secret-key", "wrong", "history", "cli.unsigned"]),
        1,
    );
    contains_all(&line, &["403", "secret key"]);
}

#[test]
fn serve_with_a_secret_and_a_publish_key_needs_no_subscribe_key() {
    let f = Fixture::with_serve_args(&["--secret-key", "s3cret", "--pub-key", "pub-p"]);
    let signed = [
        "--secret-key",
        "s3cret",
        "--pub-key",
        "pub-p",
        "--sub-key",
        "sub-s",
    ];
    published(f.cli(&args(&signed, &["publish", "cli.keys", "hi", "--json"])));
}

#[test]
fn a_publish_key_without_a_subscribe_key_is_a_configuration_error() {
    let env = Env::new();
    let line = one_line(&env.run(&["--pub-key", "p", "history", "c"]), 2);
    contains_all(&line, &["subscribe key"]);
}

#[test]
fn removing_another_users_action_explains_whose_it_is_and_how_moderators_do_it() {
    let f = Fixture::new();
    let ch = "cli.others";
    let m = published(f.cli(&["--user", "alice", "publish", ch, "hello", "--json"]));
    let carols = super::added(&f, "carol", ch, &m, "reaction", "👍");
    let a = carols["action_timetoken"].as_str().expect("timetoken");
    let line = one_line(
        &f.cli(&["--user", "alice", "actions", "remove", ch, &m, a]),
        1,
    );
    contains_all(&line, &["actions remove", "carol's 👍", "--moderator"]);
    assert!(!line.contains("wrong uuid"), "{line}");
    assert_eq!(listed(f.cli(&["actions", "list", ch, "--json"])), [carols]);
}

#[test]
fn actions_remove_prints_the_removed_action_as_json() {
    let f = Fixture::new();
    let ch = "cli.remove.json";
    let m = published(f.cli(&["publish", ch, "hello", "--json"]));
    let mine = super::added(&f, "alice", ch, &m, "reaction", "🎉");
    let a = mine["action_timetoken"].as_str().expect("timetoken");
    let removed = f
        .cli(&["--user", "alice", "actions", "remove", ch, &m, a, "--json"])
        .ok()
        .json();
    assert_eq!(removed, mine);
    assert!(listed(f.cli(&["actions", "list", ch, "--json"])).is_empty());
}

#[test]
fn a_config_syntax_error_names_the_file_line_and_column_and_exits_2() {
    let env = Env::new();
    env.write_config("user_id = \"alice\"\nchannel = \"chats.room1\n");
    let file = env.config_file().display().to_string();
    for case in [&["history", "c"][..], &[]] {
        let line = one_line(&env.run(case), 2);
        contains_all(&line, &[&file, "line 2, column 23", "expected"]);
    }
}

#[test]
fn bad_keys_say_what_is_accepted_and_common_spellings_are_accepted() {
    let env = Env::new();
    env.write_config("[keys]\nhelp = 5\n");
    let line = one_line(&env.run(&[]), 2);
    contains_all(&line, &["line 2, column 8", "\"ctrl-x\"", "list"]);
    assert!(!line.contains("untagged"), "{line}");

    env.write_config("[keys]\nhelp = \"hyperdrive\"\n");
    let line = one_line(&env.run(&[]), 2);
    contains_all(&line, &["\"hyperdrive\"", "pagedown", "Ctrl+x"]);

    // Accepted: the UI gets as far as looking for its terminal.
    env.write_config("[keys]\nhelp = \"Ctrl+h\"\nreload = \"C-r\"\n");
    let line = one_line(&env.run(&[]), 2);
    contains_all(&line, &["terminal"]);
}

#[test]
fn the_ui_without_a_terminal_says_so_in_one_line_and_points_at_the_commands() {
    let env = Env::new();
    let line = one_line(&env.run(&[]), 2);
    contains_all(&line, &["terminal", "reactions --help"]);
    assert!(!line.contains("os error"), "{line}");
    assert!(
        !env.embedded_database().exists(),
        "refused before the embedded server started"
    );
}

/// `count` messages published to `ch`, each with one reaction; returns their timetokens.
fn messages_with_reactions(f: &Fixture, ch: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let m = published(f.cli(&["publish", ch, &format!("message {i}"), "--json"]));
            super::added(f, "alice", ch, &m, "reaction", "👍");
            m
        })
        .collect()
}

#[test]
fn history_says_when_it_shows_fewer_than_asked_and_all_pages_through_everything() {
    let f = Fixture::new();
    let ch = "cli.limits";
    let all = messages_with_reactions(&f, ch, 30);

    let run = f.cli(&["history", ch, "--actions", "--max", "100", "--json"]);
    noted(&run, &["25", "--all"]);
    assert_eq!(
        history(
            Run {
                stderr: String::new(),
                ..run
            },
            ch
        )
        .len(),
        25
    );

    let every = history(f.cli(&["history", ch, "--actions", "--all", "--json"]), ch);
    let tts: Vec<&str> = every
        .iter()
        .map(|m| m["timetoken"].as_str().unwrap())
        .collect();
    assert_eq!(tts, all);
    assert!(
        every
            .iter()
            .all(|m| m["actions"]["reaction"]["👍"].is_array())
    );

    // Everything fits: nothing to say.
    f.cli(&["history", ch, "--max", "40", "--json"]).ok();
    let run = f.cli(&["history", ch, "--max", "10"]);
    noted(&run, &["10", "--all"]);
}

#[test]
fn actions_list_says_when_more_exist_than_one_page() {
    let f = Fixture::new();
    let ch = "cli.pages";
    messages_with_reactions(&f, ch, 3);
    let run = f.cli(&["actions", "list", ch, "--limit", "2", "--json"]);
    noted(&run, &["--all"]);
    assert_eq!(run.json()["actions"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed(f.cli(&["actions", "list", ch, "--json"])).len(), 3);
}

#[test]
fn adding_to_a_timetoken_no_message_has_warns_on_stderr() {
    let f = Fixture::new();
    let ch = "cli.orphan";
    let m = published(f.cli(&["publish", ch, "here", "--json"]));
    let nowhere = (m.parse::<u64>().expect("timetoken") - 1).to_string();
    let run = f.cli(&[
        "actions", "add", ch, &nowhere, "--type", "reaction", "--value", "👍", "--json",
    ]);
    noted(&run, &["warning", "no message", &nowhere]);
    assert_eq!(run.json()["message_timetoken"], nowhere.as_str());
    // On a message that exists: quiet.
    super::added(&f, "alice", ch, &m, "reaction", "👍");
}

#[test]
fn a_channel_may_be_written_with_the_hash_people_type() {
    let f = Fixture::new();
    let m = published(f.cli(&["publish", "#cli.hash", "hi", "--json"]));
    let plain = history(f.cli(&["history", "cli.hash", "--json"]), "cli.hash");
    assert_eq!(plain.len(), 1);
    assert_eq!(plain[0]["timetoken"], m.as_str());
    let hashed = history(f.cli(&["history", "#cli.hash", "--json"]), "cli.hash");
    assert_eq!(plain, hashed);
}

#[test]
fn two_commands_on_a_fresh_data_directory_at_the_same_moment_both_succeed() {
    for round in 0..10 {
        let env = Env::new();
        let runs: Vec<Run> = std::thread::scope(|s| {
            let both: Vec<_> = (0..2)
                .map(|_| s.spawn(|| env.run(&["history", "chats.room1", "--json"])))
                .collect();
            both.into_iter()
                .map(|h| h.join().expect("a racing run"))
                .collect()
        });
        for run in runs {
            assert_eq!(run.code, Some(0), "round {round}: {run:#?}");
            assert_eq!(run.stderr, "", "round {round}: {run:#?}");
        }
    }
}
