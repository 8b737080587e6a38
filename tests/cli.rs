//! The `reactions` command line as a user runs it: the real binary against a `reactions serve`
//! child process (or its in-process embedded server), with `--json` output read back and human
//! output measured in terminal cells. Each test has its own config and data directories, so the
//! developer's settings are never read.

#[path = "cli/access.rs"]
mod access;
#[path = "cli/conventions.rs"]
mod conventions;
#[path = "cli/harness.rs"]
mod harness;
#[path = "cli/moderation.rs"]
mod moderation;
#[path = "cli/new_user.rs"]
mod new_user;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/stream.rs"]
mod stream;
#[path = "cli/synth.rs"]
mod synth;
#[path = "cli/toolkit.rs"]
mod toolkit;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use harness::{ENV_USER, Env, Fixture, Run, TZ_EAST_SECS, free_port};

/// A timetoken as the JSON output must give it: a string of decimal digits.
#[track_caller]
fn tt(v: &Value) -> u64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("a timetoken is a string: {v}"));
    assert!(
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        "{s}"
    );
    s.parse().expect("timetoken fits u64")
}

/// An audit record (a line of the local audit file, or of `audit list --json`) of `operation`
/// on `action` (as `actions list --json` prints it): the flat fields of the moderation log.
#[track_caller]
fn assert_record_of(record: &Value, operation: &str, action: &Value) {
    assert_eq!(record["operation"], operation, "{record:#}");
    assert_eq!(record["author"], action["uuid"], "{record:#}");
    assert_eq!(record["type"], action["type"], "{record:#}");
    assert_eq!(record["value"], action["value"], "{record:#}");
    assert_eq!(record["message_timetoken"], action["message_timetoken"]);
    assert_eq!(record["action_timetoken"], action["action_timetoken"]);
    assert_eq!(record["id"].as_str().map(str::len), Some(12), "{record:#}");
    let time = record["time"].as_str().expect("time is a string");
    assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{time}");
}

/// `publish --json` output: `{"timetoken": "..."}`.
#[track_caller]
fn published(run: Run) -> String {
    let v = run.ok().json();
    assert_eq!(v.as_object().map(|o| o.len()), Some(1), "{v}");
    tt(&v["timetoken"]).to_string()
}

/// An action object with exactly the SDK documentation's five fields, all strings.
#[track_caller]
fn assert_action_shape(action: &Value) {
    let obj = action.as_object().expect("an action is an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "action_timetoken",
            "message_timetoken",
            "type",
            "uuid",
            "value"
        ],
        "{action}"
    );
    tt(&action["action_timetoken"]);
    tt(&action["message_timetoken"]);
    assert!(obj.values().all(Value::is_string), "{action}");
}

/// `actions list --json` output: `{"actions": [...]}`, each action checked for shape.
#[track_caller]
fn listed(run: Run) -> Vec<Value> {
    let v = run.ok().json();
    assert_eq!(v.as_object().map(|o| o.len()), Some(1), "{v}");
    let actions = v["actions"].as_array().expect("actions is a list").clone();
    actions.iter().for_each(assert_action_shape);
    actions
}

/// `reactions --user USER actions add CH MESSAGE --type TYPE --value VALUE --json`: the added
/// action, checked for shape.
#[track_caller]
fn added(
    f: &Fixture,
    user: &str,
    ch: &str,
    message: &str,
    action_type: &str,
    value: &str,
) -> Value {
    let args = [
        "--user",
        user,
        "actions",
        "add",
        ch,
        message,
        "--type",
        action_type,
        "--value",
        value,
        "--json",
    ];
    let action = f.cli(&args).ok().json();
    assert_action_shape(&action);
    action
}

/// `history --json` output: the messages of `channel`, each timetoken a string.
#[track_caller]
fn history(run: Run, channel: &str) -> Vec<Value> {
    let v = run.ok().json();
    let channels = v["channels"].as_object().expect("channels is an object");
    if channels.is_empty() {
        return Vec::new();
    }
    assert_eq!(channels.len(), 1, "{v}");
    let messages = v["channels"][channel].as_array().expect("messages").clone();
    for m in &messages {
        tt(&m["timetoken"]);
    }
    messages
}

/// The columns of human `actions list` and `actions add` output.
const ACTION_COLUMNS: [&str; 6] = [
    "ACTION_TIMETOKEN",
    "LOCAL_TIME",
    "MESSAGE_TIMETOKEN",
    "UUID",
    "TYPE",
    "VALUE",
];

/// `first` followed by `then`, as one argument list.
fn args<'a>(first: &[&'a str], then: &[&'a str]) -> Vec<&'a str> {
    [first, then].concat()
}

fn timetokens(messages: &[Value], field: &str) -> Vec<String> {
    messages.iter().map(|m| tt(&m[field]).to_string()).collect()
}

/// `YYYY-MM-DD HH:MM:SS` of a timetoken in the time zone the CLI runs with ([`harness::TZ`]).
fn local_time(timetoken: &str) -> String {
    let units: i64 = timetoken.parse().expect("timetoken");
    let utc = DateTime::from_timestamp(units / 10_000_000, 0).expect("in range");
    let zone = FixedOffset::east_opt(TZ_EAST_SECS).expect("offset");
    utc.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A table line's cells, each with the terminal column it starts at. Cells are separated by
/// two or more spaces (a cell itself may hold single spaces, as a local time does).
fn cells(line: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut spaces = 0;
    for (i, ch) in line.char_indices() {
        if ch == ' ' {
            spaces += 1;
            continue;
        }
        match out.last_mut() {
            Some(cell) if spaces < 2 => {
                cell.1.extend(std::iter::repeat_n(' ', spaces));
                cell.1.push(ch);
            }
            _ => out.push((line[..i].width(), ch.to_string())),
        }
        spaces = 0;
    }
    out
}

/// Checks that `table` has the `header` and that every row's cells start in the header's
/// columns (a row may leave its last cell empty); returns the rows' cells.
#[track_caller]
fn aligned_rows(table: &str, header: &[&str]) -> Vec<Vec<String>> {
    let mut lines = table.lines();
    let head = cells(lines.next().expect("a header line"));
    let names: Vec<&str> = head.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, header, "{table}");
    let starts: Vec<usize> = head.iter().map(|(col, _)| *col).collect();
    lines
        .map(|line| {
            let row = cells(line);
            let row_starts: Vec<usize> = row.iter().map(|(col, _)| *col).collect();
            assert!(
                row.len() + 1 >= header.len() && starts.starts_with(&row_starts),
                "columns of {line:?} start at {row_starts:?}, the header's at {starts:?}:\n{table}"
            );
            row.into_iter().map(|(_, text)| text).collect()
        })
        .collect()
}

/// `demo seed` output `seeded CHANNEL: N messages, M actions` as (N, M).
#[track_caller]
fn seeded(run: Run, channel: &str) -> (usize, usize) {
    let run = run.ok();
    let rest = run
        .stdout
        .trim_end()
        .strip_prefix(&format!("seeded {channel}: "))
        .unwrap_or_else(|| panic!("{run:#?}"));
    let numbers: Vec<usize> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("number"))
        .collect();
    assert_eq!(
        rest,
        format!("{} messages, {} actions", numbers[0], numbers[1])
    );
    (numbers[0], numbers[1])
}

/// One action as (message, type, value, uuid, action timetoken).
type ActionKey = (String, String, String, String, String);

/// Checks what `demo seed` wrote to `channel`, read back with `run`: about 40 messages from
/// five users; emoji reactions, `receipt`/`read` and a third type, all by those users on those
/// messages; and `history --actions` agreeing with `actions list --all`. Returns every action.
#[track_caller]
fn check_demo(run: impl Fn(&[&str]) -> Run, channel: &str, seeded: (usize, usize)) -> Vec<Value> {
    let messages = history(
        run(&["history", channel, "--max", "100", "--json"]),
        channel,
    );
    assert_eq!(messages.len(), seeded.0);
    assert!((35..=45).contains(&messages.len()), "{}", messages.len());
    let authors: BTreeSet<&str> = messages
        .iter()
        .map(|m| m["uuid"].as_str().expect("uuid"))
        .collect();
    assert_eq!(authors.len(), 5, "{authors:?}");
    assert!(messages.iter().all(|m| m["message"]["text"].is_string()));
    let message_tts: BTreeSet<String> = timetokens(&messages, "timetoken").into_iter().collect();

    let all = listed(run(&["actions", "list", channel, "--all", "--json"]));
    assert_eq!(all.len(), seeded.1);
    let mut types = BTreeMap::<&str, BTreeSet<&str>>::new();
    for a in &all {
        assert!(authors.contains(a["uuid"].as_str().unwrap()), "{a}");
        assert!(
            message_tts.contains(a["message_timetoken"].as_str().unwrap()),
            "{a}"
        );
        let values = types.entry(a["type"].as_str().unwrap()).or_default();
        values.insert(a["value"].as_str().unwrap());
    }
    assert!(
        types["reaction"].iter().any(|v| !v.is_ascii()),
        "emoji: {types:?}"
    );
    assert_eq!(types["receipt"], BTreeSet::from(["read"]));
    assert!(
        types.len() >= 3,
        "a custom type besides reaction and receipt: {types:?}"
    );

    // History with actions (the newest 25 messages) shows exactly the listed actions.
    let with_actions = run(&["history", channel, "--actions", "--json"]);
    assert!(
        with_actions
            .stderr
            .starts_with("note: showing the newest 25 messages")
    );
    let with_actions = history(with_actions.without_note(), channel);
    assert_eq!(with_actions.len(), 25);
    let mut from_history = BTreeSet::<ActionKey>::new();
    for m in &with_actions {
        let message = tt(&m["timetoken"]).to_string();
        let Some(by_type) = m["actions"].as_object() else {
            continue;
        };
        for (action_type, values) in by_type {
            for (value, refs) in values.as_object().expect("values") {
                for r in refs.as_array().expect("refs") {
                    let uuid = r["uuid"].as_str().expect("uuid").to_string();
                    let at = tt(&r["actionTimetoken"]).to_string();
                    from_history.insert((
                        message.clone(),
                        action_type.clone(),
                        value.clone(),
                        uuid,
                        at,
                    ));
                }
            }
        }
    }
    let newest: BTreeSet<String> = timetokens(&with_actions, "timetoken").into_iter().collect();
    let from_list: BTreeSet<ActionKey> = all
        .iter()
        .filter(|a| newest.contains(a["message_timetoken"].as_str().unwrap()))
        .map(|a| {
            let field = |k: &str| a[k].as_str().unwrap().to_string();
            (
                field("message_timetoken"),
                field("type"),
                field("value"),
                field("uuid"),
                field("action_timetoken"),
            )
        })
        .collect();
    assert!(!from_list.is_empty());
    assert_eq!(from_history, from_list);
    all
}

#[test]
fn publish_then_history_shows_the_messages_with_uuid_meta_and_ranges() {
    let f = Fixture::new();
    let ch = "cli.history";
    let t1 = published(f.cli(&[
        "--user",
        "alice",
        "publish",
        ch,
        r#"{"text":"one"}"#,
        "--meta",
        r#"{"lang":"en"}"#,
        "--json",
    ]));
    let t2 = published(f.cli(&["publish", ch, "two, not JSON", "--json"]));
    let t3 = published(f.cli(&["publish", ch, "3", "--user", "carol", "--json"]));
    let n = |t: &str| t.parse::<u64>().unwrap();
    assert!(n(&t1) < n(&t2) && n(&t2) < n(&t3));

    let all = history(f.cli(&["history", ch, "--json"]), ch);
    assert_eq!(
        all,
        [
            json!({"message": {"text": "one"}, "timetoken": t1, "uuid": "alice", "meta": {"lang": "en"}}),
            // Not JSON: published as a string; no user configured: $USER.
            json!({"message": "two, not JSON", "timetoken": t2, "uuid": ENV_USER}),
            json!({"message": 3, "timetoken": t3, "uuid": "carol"}),
        ]
    );

    let range = |extra: &[&str]| {
        let run = f.cli(&args(&["history", ch, "--json"], extra));
        timetokens(&history(run.without_note(), ch), "timetoken")
    };
    assert_eq!(
        range(&["--max", "2"]),
        [t2.as_str(), &t3],
        "the newest, oldest first"
    );
    assert_eq!(
        range(&["--start", &t3]),
        [t1.as_str(), &t2],
        "--start is exclusive"
    );
    assert_eq!(
        range(&["--end", &t2]),
        [t2.as_str(), &t3],
        "--end is inclusive"
    );
    assert_eq!(range(&["--start", &t3, "--end", &t2]), [t2.as_str()]);
    assert!(range(&["--end", &(n(&t3) + 1).to_string()]).is_empty());
}

#[test]
fn actions_add_list_history_and_remove_round_trip() {
    let f = Fixture::new();
    let ch = "cli.actions";
    let m = published(f.cli(&["publish", ch, r#"{"text":"react to me"}"#, "--json"]));
    let add = |user: &str, action_type: &str, value: &str| {
        let added = added(&f, user, ch, &m, action_type, value);
        assert_eq!(added["uuid"], user, "the uuid is --user");
        assert_eq!(added["type"], action_type);
        assert_eq!(added["value"], value);
        assert_eq!(added["message_timetoken"], m.as_str());
        assert!(tt(&added["action_timetoken"]) > m.parse().unwrap());
        added
    };
    let thumbs = add("alice", "reaction", "👍");
    let receipt = add("bob", "receipt", "read");
    let a1 = tt(&thumbs["action_timetoken"]).to_string();
    let a2 = tt(&receipt["action_timetoken"]).to_string();

    let list = |extra: &[&str]| {
        listed(
            f.cli(&args(&["actions", "list", ch, "--json"], extra))
                .without_note(),
        )
    };
    assert_eq!(list(&[]), [thumbs.clone(), receipt.clone()], "oldest first");
    assert_eq!(
        list(&["--limit", "1"]),
        std::slice::from_ref(&receipt),
        "the newest page"
    );
    assert_eq!(
        list(&["--start", &a2]),
        std::slice::from_ref(&thumbs),
        "--start is exclusive"
    );
    assert_eq!(
        list(&["--end", &a2]),
        std::slice::from_ref(&receipt),
        "--end is inclusive"
    );
    assert!(list(&["--start", &a1]).is_empty());

    let messages = history(f.cli(&["history", ch, "--actions", "--json"]), ch);
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0]["actions"],
        json!({
            "reaction": {"👍": [{"uuid": "alice", "actionTimetoken": a1}]},
            "receipt": {"read": [{"uuid": "bob", "actionTimetoken": a2}]},
        })
    );

    let removed = f
        .cli(&["--user", "alice", "actions", "remove", ch, &m, &a1])
        .ok();
    assert_eq!(
        removed.stdout,
        format!("removed action {a1} from message {m}: alice's 👍\n")
    );
    assert_eq!(list(&[]), [receipt]);
}

#[test]
fn demo_seed_writes_the_conversation_and_list_all_follows_every_page() {
    let f = Fixture::new();
    let ch = "cli.demo";
    let counts = seeded(f.cli(&["demo", "seed", ch]), ch);
    let every = check_demo(|args| f.cli(args), ch, counts);
    assert!(
        every.len() > 100,
        "enough actions for several pages: {}",
        every.len()
    );

    let list = |extra: &[&str]| {
        listed(
            f.cli(&args(&["actions", "list", ch, "--json"], extra))
                .without_note(),
        )
    };
    let one_page = list(&[]);
    assert_eq!(one_page.len(), 100, "one page without --all");
    let tts = timetokens(&every, "action_timetoken");
    let numbers: Vec<u64> = tts.iter().map(|t| t.parse().unwrap()).collect();
    assert!(
        numbers.windows(2).all(|w| w[0] > w[1]),
        "--all: newest first, no repeats"
    );
    let newest: Vec<Value> = every[..100].iter().rev().cloned().collect();
    assert_eq!(
        newest, one_page,
        "the newest 100 are the page (oldest first)"
    );
    assert_eq!(
        list(&["--all", "--limit", "30"]),
        every,
        "smaller pages, same result"
    );
    let from = &tts[44];
    assert_eq!(
        list(&["--all", "--limit", "20", "--end", from]),
        every[..45]
    );
}

#[test]
fn human_output_is_aligned_in_terminal_cells_with_local_times() {
    let f = Fixture::new();
    let ch = "cli.human";
    let publish = |user: &str, text: &str| {
        let run = f.cli(&["--user", user, "publish", ch, text]).ok();
        let line = run.stdout.trim_end();
        let tt = line
            .strip_prefix("published ")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("{run:#?}"))
            .to_string();
        assert_eq!(line, format!("published {tt} ({})", local_time(&tt)));
        tt
    };
    let m1 = publish("アリス", "wide: 日本語 and 👍👍 here");
    let m2 = publish("bob", "narrow");
    for (user, msg, value) in [
        ("アリス", &m1, "👍"),
        ("bob", &m1, "🎉"),
        ("bob", &m2, "ok"),
    ] {
        f.cli(&[
            "--user", user, "actions", "add", ch, msg, "--type", "reaction", "--value", value,
        ])
        .ok();
    }

    let table = f.cli(&["actions", "list", ch]).ok().stdout;
    let rows = aligned_rows(&table, &ACTION_COLUMNS);
    let shown: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| {
            assert_eq!(r[1], local_time(&r[0]), "{table}");
            [r[2].as_str(), r[3].as_str(), r[4].as_str(), r[5].as_str()]
        })
        .collect();
    assert_eq!(
        shown,
        [
            [m1.as_str(), "アリス", "reaction", "👍"],
            [m1.as_str(), "bob", "reaction", "🎉"],
            [m2.as_str(), "bob", "reaction", "ok"],
        ],
        "{table}"
    );

    // The message column holds wide text and is followed by another column.
    let table = f.cli(&["history", ch, "--actions"]).ok().stdout;
    let rows = aligned_rows(
        &table,
        &["TIMETOKEN", "LOCAL_TIME", "UUID", "MESSAGE", "ACTIONS"],
    );
    assert_eq!(rows.len(), 2, "{table}");
    for (row, (tt, user)) in rows.iter().zip([(&m1, "アリス"), (&m2, "bob")]) {
        assert_eq!(row[0], *tt);
        assert_eq!(row[1], local_time(tt));
        assert_eq!(row[2], user);
    }
    assert_eq!(rows[0][3], "wide: 日本語 and 👍👍 here");
    assert_eq!(rows[0][4], "reaction:🎉×1 reaction:👍×1");
    assert_eq!(rows[1][4], "reaction:ok×1");

    // An added action is shown as a one-row table.
    let table = f
        .cli(&[
            "actions", "add", ch, &m2, "--type", "receipt", "--value", "read",
        ])
        .ok()
        .stdout;
    let rows = aligned_rows(&table, &ACTION_COLUMNS);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2..], [m2.as_str(), ENV_USER, "receipt", "read"]);
}

#[test]
fn api_failures_are_one_stderr_line_with_operation_status_and_message() {
    let f = Fixture::new();
    let ch = "cli.errors";
    let m = published(f.cli(&["publish", ch, "hi", "--json"]));
    let add = [
        "--user", "alice", "actions", "add", ch, &m, "--type", "reaction", "--value", "👍",
    ];
    f.cli(&add).ok();

    let line = f.cli(&add).error_line().to_string();
    for needle in ["actions add", "409", "Action Already Added"] {
        assert!(line.contains(needle), "{needle:?} in {line:?}");
    }

    let missing = (m.parse::<u64>().unwrap() + 1).to_string();
    let line = f
        .cli(&["actions", "remove", ch, &m, &missing])
        .error_line()
        .to_string();
    for needle in [
        "actions remove",
        "400",
        "No matching message actions to delete",
    ] {
        assert!(line.contains(needle), "{needle:?} in {line:?}");
    }
    // Nothing changed.
    assert_eq!(listed(f.cli(&["actions", "list", ch, "--json"])).len(), 1);
}

#[test]
fn usage_errors_exit_2_before_anything_is_sent() {
    // An origin that refuses connections: a command that got past parsing would exit 1.
    let env = Env::new();
    let origin = format!("http://127.0.0.1:{}", free_port());
    let cases: &[(&[&str], &str)] = &[
        (&["actions", "remove", "c", "12x", "3"], "12x"),
        (&["history", "c", "--start", "yesterday"], "yesterday"),
        (&["actions", "list", "c", "--limit", "500"], "--limit"),
        (&["actions", "list", "c", "--limit", "0"], "--limit"),
        (&["history", "c", "--max", "101"], "--max"),
        (&["actions", "list", "c", "--bogus"], "--bogus"),
        (&["actions", "add", "c", "1", "--value", "v"], "--type"),
        (&["publish", "c"], "MESSAGE"),
        (&["frobnicate"], "frobnicate"),
        (&["publish", "c", "m", "--meta", "{not json"], "--meta"),
    ];
    for (case, needle) in cases {
        let run = env.run(&args(&["--origin", &origin], case));
        let stderr = run.fails(2);
        assert!(stderr.contains(needle), "{needle:?} in {run:#?}");
    }
}

#[test]
fn an_unreachable_origin_is_a_one_line_network_error() {
    let env = Env::new();
    let origin = format!("http://127.0.0.1:{}", free_port());
    let run = env.run(&["--origin", &origin, "actions", "list", "chats.room1"]);
    let line = run.error_line();
    assert!(line.contains("actions list"), "{line}");
    assert!(line.contains("network error"), "{line}");
}

#[test]
fn config_path_is_config_toml_under_xdg_config_home_even_when_the_file_is_broken() {
    let env = Env::new();
    let expected = format!("{}\n", env.config_file().display());
    assert!(expected.starts_with(&env.config_home().display().to_string()));
    assert!(expected.ends_with("/config.toml\n"));
    assert_eq!(env.run(&["config", "path"]).ok().stdout, expected);

    env.write_config("not_a_setting = 1\n");
    assert_eq!(env.run(&["config", "path"]).ok().stdout, expected);
    // A configuration error: status 2, as for usage errors.
    let run = env.run(&["history", "c"]);
    let line = run.fails(2);
    assert!(
        line.contains("config.toml") && line.contains("not_a_setting"),
        "{line}"
    );
}

#[test]
fn settings_come_from_flags_then_environment_then_config_file() {
    let f = Fixture::new();
    let ch = "cli.precedence";
    f.env.write_config(&format!(
        "origin = \"{}\"\nsubscribe_key = \"file-keys\"\nuser_id = \"file-user\"\n",
        f.serve.origin
    ));
    // No --origin from here on: the file's origin and keyset are used unless overridden.
    let env = &f.env;
    let m = published(env.run(&["publish", ch, "hi", "--json"]));
    let add = |vars: &[(&str, &str)], flags: &[&str], value: &str| {
        let add = [
            "actions", "add", ch, &m, "--type", "t", "--value", value, "--json",
        ];
        env.run_with(vars, &args(flags, &add)).ok().json()["uuid"].clone()
    };
    let user_env = [("PUBNUB_USER_ID", "env-user")];
    assert_eq!(add(&[], &[], "1"), "file-user");
    assert_eq!(add(&user_env, &[], "2"), "env-user");
    assert_eq!(add(&user_env, &["--user", "flag-user"], "3"), "flag-user");

    let unreachable = format!("http://127.0.0.1:{}", free_port());
    let origin_env = [("PUBNUB_ORIGIN", unreachable.as_str())];
    let list = ["actions", "list", ch, "--json"];
    let line = env.run_with(&origin_env, &list).error_line().to_string();
    assert!(
        line.contains("network error"),
        "the environment beats the file: {line}"
    );
    let flagged = args(&["--origin", &f.serve.origin], &list);
    assert_eq!(listed(env.run_with(&origin_env, &flagged)).len(), 3);

    // Keysets are separate namespaces on the server: the key decides what is seen.
    let keys_env = [("PUBNUB_SUBSCRIBE_KEY", "env-keys")];
    assert!(listed(env.run_with(&keys_env, &list)).is_empty());
    let other_keys = args(&["--sub-key", "file-keys"], &list);
    assert_eq!(listed(env.run_with(&keys_env, &other_keys)).len(), 3);
}

#[test]
fn a_signing_server_needs_the_secret_key_from_any_source() {
    let f = Fixture::with_serve_args(&["--secret-key", "s3cret"]);
    let ch = "cli.signed";
    let line = f.cli(&["publish", ch, "unsigned"]).error_line().to_string();
    assert!(
        line.contains("publish") && line.contains("403") && line.contains("--token"),
        "{line}"
    );

    let secret_env = [("PUBNUB_SECRET_KEY", "s3cret")];
    let m = published(f.cli_with(&secret_env, &["publish", ch, "signed", "--json"]));
    let line = f
        .cli_with(&secret_env, &["--secret-key", "wrong", "history", ch])
        .error_line()
        .to_string();
    assert!(
        line.contains("history") && line.contains("403"),
        "the flag wins: {line}"
    );

    f.env.write_config("secret_key = \"s3cret\"\n");
    let added = f
        .cli(&[
            "actions", "add", ch, &m, "--type", "receipt", "--value", "read", "--json",
        ])
        .ok()
        .json();
    assert_eq!(added["message_timetoken"], m.as_str());
}

#[test]
fn without_origin_or_keys_commands_share_the_embedded_database_in_the_data_dir() {
    let env = Env::new();
    let ch = "chats.room1";
    let counts = seeded(env.run(&["demo", "seed"]), ch);
    assert!(env.embedded_database().is_file());
    let every = check_demo(|args| env.run(args), ch, counts);

    let first = every[0]["message_timetoken"].as_str().unwrap().to_string();
    let added = env
        .run(&[
            "--user", "zoe", "actions", "add", ch, &first, "--type", "reaction", "--value", "🦀",
            "--json",
        ])
        .ok()
        .json();
    let all = listed(env.run(&["actions", "list", ch, "--all", "--json"]));
    assert_eq!(all.len(), every.len() + 1);
    assert_eq!(all.first(), Some(&added), "--all: newest first");

    // Errors are one line here too: the embedded server's own logging stays off stderr.
    let line = env
        .run(&["actions", "remove", ch, &first, "1"])
        .error_line()
        .to_string();
    assert!(
        line.contains("actions remove") && line.contains("400"),
        "{line}"
    );
}

#[test]
fn a_running_server_sees_what_a_command_without_origin_wrote_to_its_database() {
    let f = Fixture::on_the_embedded_database();
    let ch = "cli.shared";
    let t1 = published(f.cli(&["publish", ch, "via serve", "--json"]));
    let via_serve = || timetokens(&history(f.cli(&["history", ch, "--json"]), ch), "timetoken");
    assert_eq!(via_serve(), [t1.as_str()]);
    let t2 = published(
        f.env
            .run(&["publish", ch, "via the embedded server", "--json"]),
    );
    let embedded = history(f.env.run(&["history", ch, "--json"]), ch);
    assert_eq!(timetokens(&embedded, "timetoken"), [t1.as_str(), &t2]);
    assert_eq!(
        via_serve(),
        [t1.as_str(), &t2],
        "the serve answers from a stale cache"
    );
}

#[test]
fn a_reader_that_closes_stdout_early_ends_the_command_quietly() {
    let f = Fixture::new();
    let ch = "cli.pipe";
    let m = published(f.cli(&["publish", ch, "piped away", "--json"]));
    f.cli(&[
        "actions", "add", ch, &m, "--type", "reaction", "--value", "👍",
    ])
    .ok();
    for case in [
        &["actions", "list", ch][..],
        &["actions", "list", ch, "--json"],
        &["history", ch, "--json"],
        &["history", ch, "--actions"],
        &["publish", ch, "one more"],
    ] {
        let run = f.env.run_with_stdout_closed(&f.with_origin(case));
        assert!(!run.stderr.contains("panicked"), "{run:#?}");
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(run.stderr, "", "no message: {run:#?}");
    }
}

/// The one line a bad channel name gets, from any command and from the UI.
const BAD_CHANNEL_LINE: &str =
    "reactions: channel \"a,b\" contains ',', which channel names may not\n";

#[test]
fn client_side_checks_are_usage_errors_that_exit_2() {
    // An origin that refuses connections: a command that got past its checks would exit 1.
    let env = Env::new();
    let origin = format!("http://127.0.0.1:{}", free_port());
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "actions", "add", "c", "1", "--type", "reaction", "--value", "",
            ],
            "value",
        ),
        (
            &["actions", "add", "c", "1", "--type", " ", "--value", "👍"],
            "type",
        ),
        (&["actions", "remove", "c", "0", "1"], "message timetoken"),
        (&["actions", "remove", "c", "1", "0"], "action timetoken"),
        (&["history", "c", "--start", "5", "--end", "10"], "range"),
        (
            &["actions", "list", "c", "--start", "5", "--end", "5"],
            "range",
        ),
    ];
    for (case, needle) in cases {
        let run = env.run(&args(&["--origin", &origin], case));
        let stderr = run.fails(2);
        assert_eq!(stderr.lines().count(), 1, "{run:#?}");
        assert!(stderr.contains(needle), "{needle:?} in {run:#?}");
    }
    for case in [
        &["actions", "list", "a,b"][..],
        &["actions", "add", "a,b", "1", "--type", "t", "--value", "v"],
        &["actions", "remove", "a,b", "1", "2"],
        &["history", "a,b"],
        &["publish", "a,b", "hi"],
        &["demo", "seed", "a,b"],
    ] {
        let run = env.run(&args(&["--origin", &origin], case));
        assert_eq!(run.fails(2), BAD_CHANNEL_LINE, "{run:#?}");
    }
    // Without an origin too (the embedded server).
    let run = env.run(&["actions", "list", "a,b"]);
    assert_eq!(run.fails(2), BAD_CHANNEL_LINE, "{run:#?}");
}

#[test]
fn the_ui_refuses_a_bad_channel_before_taking_the_terminal() {
    let env = Env::new();
    let run = env.run(&["--channel", "a,b"]);
    assert_eq!(run.fails(2), BAD_CHANNEL_LINE, "{run:#?}");
    let origin = format!("http://127.0.0.1:{}", free_port());
    let run = env.run(&["--origin", &origin, "--channel", "a,b"]);
    assert_eq!(run.fails(2), BAD_CHANNEL_LINE, "{run:#?}");
    env.write_config("channel = \"a,b\"\n");
    let run = env.run(&[]);
    assert_eq!(
        run.fails(2),
        BAD_CHANNEL_LINE,
        "from the config file: {run:#?}"
    );
    assert!(
        !env.embedded_database().exists(),
        "refused before the embedded server started"
    );
}

#[test]
fn demo_seed_refuses_a_channel_with_messages_unless_forced() {
    let f = Fixture::new();
    let ch = "chats.room1";
    published(f.cli(&["publish", ch, "already here", "--json"]));
    let count = || history(f.cli(&["history", ch, "--max", "100", "--json"]), ch).len();

    let run = f.cli(&["demo", "seed"]);
    assert_eq!(
        run.error_line(),
        "reactions: chats.room1 already has messages; use --force to seed again"
    );
    assert_eq!(count(), 1, "nothing was written");

    let (messages, _) = seeded(f.cli(&["demo", "seed", "--force"]), ch);
    assert_eq!(count(), 1 + messages);
    let line = f.cli(&["demo", "seed", ch]).error_line().to_string();
    assert!(line.contains("--force"), "{line}");
    assert_eq!(count(), 1 + messages, "a second seeding is refused too");
}
