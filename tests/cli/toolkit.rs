//! The moderator's toolkit from the command line against a real `reactions serve`: a bulk
//! removal by filter (dry run, then removal, each recorded in the moderation log first), the
//! audit trail (list, export as CSV and JSON, undo), the raid statistics, and the token roles:
//! a user's token can run none of it, a moderator's all of it.

use serde_json::Value;

use super::harness::{Fixture, Run};
use super::{added, assert_record_of, listed, published, tt};

const SECRET: &str = "s3cret";
const CH: &str = "chats.raid";

/// Three messages by alice; bob's 🍆 on each and a 👍 on the first, eve's 🍆 stored as its
/// name on the second, alice's 👍 on the third. Gives back the message timetokens and bob's
/// three 🍆.
fn raided(f: &Fixture, creds: &[&str]) -> (Vec<String>, Vec<Value>) {
    let messages: Vec<String> = (1..=3)
        .map(|i| {
            published(
                f.cli(
                    &[
                        creds,
                        &[
                            "--user",
                            "alice",
                            "publish",
                            CH,
                            &format!("{{\"text\":\"message {i}\"}}"),
                            "--json",
                        ],
                    ]
                    .concat(),
                ),
            )
        })
        .collect();
    let add = |user: &str, m: &str, value: &str| {
        f.cli(
            &[
                creds,
                &[
                    "--user", user, "actions", "add", CH, m, "--type", "reaction", "--value",
                    value, "--json",
                ],
            ]
            .concat(),
        )
        .ok()
        .json()
    };
    let bobs: Vec<Value> = messages.iter().map(|m| add("bob", m, "🍆")).collect();
    add("bob", &messages[0], "👍");
    add("eve", &messages[1], "eggplant");
    add("alice", &messages[2], "👍");
    (messages, bobs)
}

fn values(actions: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = actions
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["uuid"].as_str().unwrap_or(""),
                a["value"].as_str().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

fn audit_list(f: &Fixture, extra: &[&str]) -> Vec<Value> {
    let run = f
        .cli(&[&["audit", "list", "--json"], extra].concat())
        .ok()
        .json();
    run["records"].as_array().expect("records").clone()
}

#[test]
fn a_bulk_removal_counts_first_then_removes_every_match_and_records_each() {
    let f = Fixture::new();
    let (_, _) = raided(&f, &[]);
    let before = listed(f.cli(&["actions", "list", CH, "--json"]));
    let bulk = ["actions", "remove", CH, "--where", "value=🍆"];

    // A dry run counts over the whole channel, by user and by value, and removes nothing.
    let dry = f
        .cli(&[&["--moderator"], &bulk[..], &["--dry-run", "--json"]].concat())
        .ok()
        .json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["matched"], 4, "{dry:#}");
    assert_eq!(dry["scanned"], 6);
    assert_eq!(
        dry["by_user"][0],
        serde_json::json!({"user": "bob", "count": 3})
    );
    assert_eq!(
        dry["by_user"][1],
        serde_json::json!({"user": "eve", "count": 1})
    );
    assert_eq!(
        dry["by_value"],
        serde_json::json!([{"value": "🍆", "count": 3}, {"value": "🍆 (eggplant)", "count": 1}]),
        "a value stored by its name is named too"
    );
    assert_eq!(dry["sample"].as_array().map(Vec::len), Some(4));
    let human = f.cli(&[&["--moderator"], &bulk[..], &["--dry-run"]].concat());
    assert_eq!(human.code, Some(0), "{human:#?}");
    assert!(
        human.stdout.starts_with("4 actions match in chats.raid"),
        "{human:#?}"
    );
    assert!(
        human.stderr.contains("nothing removed (dry run)"),
        "{human:#?}"
    );
    assert_eq!(listed(f.cli(&["actions", "list", CH, "--json"])), before);

    // Not a moderator, or no terminal to ask on without --yes: refused before anything.
    let stderr = f
        .cli(&[&bulk[..], &["--yes"]].concat())
        .fails(2)
        .to_string();
    assert!(stderr.contains("--moderator"), "{stderr}");
    let stderr = f
        .cli(&[&["--moderator"], &bulk[..]].concat())
        .fails(2)
        .to_string();
    assert!(
        stderr.contains("--yes") && stderr.contains("--dry-run"),
        "{stderr}"
    );
    let stderr = f
        .cli(&[
            "--moderator",
            "actions",
            "remove",
            CH,
            "--where",
            "since=1h",
            "--yes",
        ])
        .fails(2)
        .to_string();
    assert!(stderr.contains("user, type, value"), "{stderr}");
    let stderr = f
        .cli(&[
            "--moderator",
            "actions",
            "remove",
            CH,
            "--since",
            "1h",
            "--where",
            "user=bob",
            "--until",
            "2h",
            "--yes",
        ])
        .fails(2)
        .to_string();
    assert!(stderr.contains("since"), "{stderr}");

    // The removal: every match, as its author, each recorded with the reason and the run.
    let done = f
        .cli(
            &[
                &["--user", "mo", "--moderator"],
                &bulk[..],
                &["--yes", "--reason", "raid", "--json"],
            ]
            .concat(),
        )
        .ok()
        .json();
    assert_eq!(
        (done["removed"].as_u64(), done["already_gone"].as_u64()),
        (Some(4), Some(0))
    );
    assert_eq!(done["failed"], serde_json::json!([]));
    let run_id = done["run"].as_str().expect("run id").to_string();
    assert_eq!(
        values(&listed(f.cli(&["actions", "list", CH, "--json"]))),
        ["alice:👍", "bob:👍"]
    );
    let records = audit_list(&f, &[]);
    assert_eq!(records.len(), 4, "{records:#?}");
    for r in &records {
        assert_eq!(
            (&r["operation"], &r["moderator"], &r["reason"]),
            (&"remove".into(), &"mo".into(), &"raid".into())
        );
        assert_eq!(r["run"], run_id.as_str());
        assert_eq!(r["status"], "done");
        assert_eq!(r["channel"], CH);
        assert!(
            r["excerpt"]
                .as_str()
                .is_some_and(|e| e.starts_with("message ")),
            "{r:#}"
        );
        let removed = before
            .iter()
            .find(|a| a["action_timetoken"] == r["action_timetoken"])
            .expect("a removed action");
        assert_record_of(r, "remove", removed);
    }
    let local = std::fs::read_to_string(f.env.audit_log()).expect("the local audit file");
    assert_eq!(local.lines().count(), 4);

    // The same filter again finds nothing left: what a stopped run left would be finished here.
    let again = f
        .cli(&[&["--moderator"], &bulk[..], &["--yes", "--json"]].concat())
        .ok()
        .json();
    assert_eq!(again["matched"], 0);
    assert_eq!(audit_list(&f, &["--moderator", "mo"]).len(), 4);
    assert!(audit_list(&f, &["--moderator", "someone-else"]).is_empty());
    assert_eq!(audit_list(&f, &["--filter", "user:eve"]).len(), 1);
    assert_eq!(audit_list(&f, &["--since", "1h"]).len(), 4);
}

#[test]
fn nothing_is_removed_when_the_record_cannot_be_written() {
    let f = Fixture::new();
    let (_, bobs) = raided(&f, &[]);
    // The local audit file cannot be written: a directory stands where it goes.
    std::fs::create_dir_all(f.env.audit_log()).expect("a directory in the way");
    let run = f.cli(&[
        "--moderator",
        "actions",
        "remove",
        CH,
        "--where",
        "user=bob",
        "--where",
        "value=🍆",
        "--yes",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.contains("not removed") && run.stderr.contains("audit"),
        "{run:#?}"
    );
    let now = listed(f.cli(&["actions", "list", CH, "--json"]));
    for b in &bobs {
        assert!(
            now.contains(b),
            "{b} stays: nothing is removed without its record"
        );
    }
    let m = b_str(&bobs[0]["message_timetoken"]);
    let a = b_str(&bobs[0]["action_timetoken"]);
    let line = f
        .cli(&[
            "--user",
            "mo",
            "--moderator",
            "actions",
            "remove",
            CH,
            &m,
            &a,
            "--yes",
        ])
        .error_line()
        .to_string();
    assert!(
        line.contains("was not removed") && line.contains("audit"),
        "{line}"
    );
    assert!(listed(f.cli(&["actions", "list", CH, "--json"])).contains(&bobs[0]));
}

fn b_str(v: &Value) -> String {
    tt(v).to_string()
}

/// mo removes `action` (one of `raided`'s) with `reason`; its message and action timetokens.
fn remove_with_reason(f: &Fixture, action: &Value, reason: &str) -> (String, String) {
    let (m, a) = (
        b_str(&action["message_timetoken"]),
        b_str(&action["action_timetoken"]),
    );
    f.cli(&[
        "--user",
        "mo",
        "--moderator",
        "actions",
        "remove",
        CH,
        &m,
        &a,
        "--yes",
        "--reason",
        reason,
    ])
    .ok();
    (m, a)
}

#[test]
fn an_undo_puts_the_action_back_as_its_author_once_and_says_why_not_twice() {
    let f = Fixture::new();
    let (_, bobs) = raided(&f, &[]);
    remove_with_reason(&f, &bobs[0], "spam");
    let removal = audit_list(&f, &[]).remove(0);
    assert_eq!(removal["reason"], "spam");
    let id = removal["id"].as_str().expect("id").to_string();

    let stderr = f.cli(&["audit", "undo", &id]).fails(2).to_string();
    assert!(stderr.contains("--moderator"), "{stderr}");
    let undo = f
        .cli(&[
            "--user",
            "mo",
            "audit",
            "undo",
            &id[..6],
            "--moderator",
            "--reason",
            "oops",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(undo["operation"], "undo");
    assert_eq!(undo["refers_to"], id.as_str());
    assert_eq!(undo["author"], "bob");
    assert_eq!(undo["reason"], "oops");
    let back = listed(f.cli(&["actions", "list", CH, "--json"]));
    let restored = back
        .iter()
        .find(|x| {
            x["uuid"] == "bob"
                && x["value"] == "🍆"
                && x["message_timetoken"] == bobs[0]["message_timetoken"]
        })
        .expect("bob's 🍆 is back, as bob");
    assert_ne!(restored["action_timetoken"], bobs[0]["action_timetoken"]);
    assert_eq!(
        undo["action_timetoken"], restored["action_timetoken"],
        "recorded with the new timetoken"
    );
    let records = audit_list(&f, &[]);
    let removal = records
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("the removal");
    assert_eq!(removal["status"], "undone");
    assert_eq!(removal["status_detail"], undo["id"]);

    let line = f
        .cli(&["--moderator", "audit", "undo", &id])
        .error_line()
        .to_string();
    assert!(line.contains("undone already"), "{line}");
    let undo_id = undo["id"].as_str().expect("undo id");
    let line = f
        .cli(&["--moderator", "audit", "undo", undo_id])
        .error_line()
        .to_string();
    assert!(line.contains("not a removal"), "{line}");

    // Bob put it back himself: the service's 409, said as such.
    let (m2, a2) = (
        b_str(&bobs[1]["message_timetoken"]),
        b_str(&bobs[1]["action_timetoken"]),
    );
    f.cli(&["--moderator", "actions", "remove", CH, &m2, &a2, "--yes"])
        .ok();
    let second = audit_list(&f, &["--filter", "op:remove"])
        .into_iter()
        .find(|r| r["action_timetoken"] == bobs[1]["action_timetoken"])
        .expect("the second removal");
    added(&f, "bob", CH, &m2, "reaction", "🍆");
    let line = f
        .cli(&[
            "--moderator",
            "audit",
            "undo",
            second["id"].as_str().expect("id"),
        ])
        .error_line()
        .to_string();
    assert!(line.contains("back on the message already"), "{line}");
}

#[test]
fn the_export_quotes_commas_quotes_line_breaks_and_keeps_emoji() {
    let f = Fixture::new();
    let (_, bobs) = raided(&f, &[]);
    let reason = "raid, \"again\"\nsecond line 🍆";
    let (_, a) = remove_with_reason(&f, &bobs[0], reason);
    let csv_text = f.cli(&["audit", "export", "--format", "csv"]).ok().stdout;
    assert!(
        csv_text.contains("\"raid, \"\"again\"\"\nsecond line 🍆\""),
        "{csv_text}"
    );
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| {
        let i = header.iter().position(|h| h == name).expect(name);
        rows[0][i].to_string()
    };
    assert_eq!(field("reason"), reason);
    assert_eq!(field("value"), "🍆");
    assert_eq!(field("author"), "bob");
    assert_eq!(field("operation"), "remove");
    assert_eq!(field("status"), "done");
    assert_eq!(field("action_timetoken"), a);

    let json = f.cli(&["audit", "export", "--format", "json"]).ok().json();
    assert_eq!(json["records"][0]["reason"], reason);
    assert_eq!(json["records"][0]["value"], "🍆");
    assert_eq!(json["records"].as_array().map(Vec::len), Some(1));
}

#[test]
fn stats_show_a_raid_as_spikes_with_the_removal_that_takes_each_away() {
    let f = Fixture::new();
    let messages: Vec<String> = (0..25)
        .map(|i| published(f.cli(&["--user", "alice", "publish", CH, &format!("m{i}"), "--json"])))
        .collect();
    for m in &messages {
        added(&f, "bob", CH, m, "reaction", "🍆");
    }
    added(&f, "alice", CH, &messages[0], "reaction", "👍");
    added(&f, "alice", CH, &messages[0], "receipt", "read");
    // The raider's read receipt is no reaction: the spike's removal leaves it.
    added(&f, "bob", CH, &messages[1], "receipt", "read");
    let stats = f
        .cli(&["stats", CH, "--since", "30m", "--json"])
        .ok()
        .json();
    assert_eq!(stats["channel"], CH);
    assert_eq!(stats["total"], 26, "receipts are not reactions: {stats:#}");
    assert_eq!(stats["per_minute"].as_array().map(Vec::len), Some(30));
    assert_eq!(stats["top_users"][0], serde_json::json!(["bob", 25]));
    assert_eq!(stats["top_values"][0], serde_json::json!(["🍆", 25]));
    let spikes = stats["spikes"].as_array().expect("spikes");
    let bob = spikes
        .iter()
        .find(|s| s["kind"] == "user" && s["key"] == "bob")
        .unwrap_or_else(|| panic!("bob's raid is a spike: {stats:#}"));
    // 25 within a minute or two: all of them, unless a minute boundary left fewer than the
    // spike floor on one side.
    let count = bob["count"].as_u64().expect("count");
    assert!((10..=25).contains(&count), "{bob:#}");
    assert!(
        spikes
            .iter()
            .any(|s| s["kind"] == "value" && s["key"] == "🍆")
    );
    assert!(!spikes.iter().any(|s| s["key"] == "alice"));

    // The spike's arguments remove exactly the raid.
    let args: Vec<String> = bob["remove_args"]
        .as_array()
        .expect("remove_args")
        .iter()
        .map(|a| a.as_str().expect("an argument").to_string())
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let dry = f
        .cli(
            &[
                &["--moderator", "actions", "remove", CH],
                &args[..],
                &["--dry-run", "--json"],
            ]
            .concat(),
        )
        .ok()
        .json();
    assert_eq!(dry["matched"].as_u64(), Some(count), "{dry:#}");

    let human = f.cli(&["stats", CH, "--since", "30m"]).ok().stdout;
    assert!(human.contains("26 reactions in the last 30 min"), "{human}");
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("user") && l.contains("bob") && l.contains("--where user=bob")),
        "{human}"
    );
    let stderr = f
        .cli(&["stats", CH, "--since", "soon"])
        .fails(2)
        .to_string();
    assert!(stderr.contains("15m"), "{stderr}");
}

#[test]
fn progress_goes_to_a_terminal_and_a_terminal_is_asked_first() {
    let f = Fixture::new();
    raided(&f, &[]);
    let args = f.with_origin(&[
        "--moderator",
        "actions",
        "remove",
        CH,
        "--where",
        "value=🍆",
        "--reason",
        "raid",
    ]);
    let run: Run = f.env.run_in_terminal(&args, "n\n");
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stdout.contains("4 actions match")
            && run.stdout.contains("Remove these 4 actions? [y/N]"),
        "{run:#?}"
    );
    assert_eq!(listed(f.cli(&["actions", "list", CH, "--json"])).len(), 6);
    let run: Run = f.env.run_in_terminal(&args, "y\n");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("] 4/4"), "a progress line: {run:#?}");
    assert!(run.stdout.contains("removed 4 of 4 actions"), "{run:#?}");
    assert_eq!(listed(f.cli(&["actions", "list", CH, "--json"])).len(), 2);
    // Reading the moderation log for an export counts its records on a terminal only.
    let export = ["audit", "export", "--format", "json"];
    let run: Run = f.env.run_in_terminal(&f.with_origin(&export), "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout.contains("\rmoderation log records: 4…"),
        "{run:#?}"
    );
    let piped = f.cli(&export).ok();
    assert!(
        !piped.stderr.contains("records:") && !piped.stderr.contains('\r'),
        "{:?}",
        piped.stderr
    );
}

fn secret_fixture() -> Fixture {
    Fixture::with_serve_args(&["--secret-key", SECRET])
}

fn grant(f: &Fixture, args: &[&str]) -> String {
    let run = f
        .cli(&[&["--secret-key", SECRET, "grant", "--channel", CH], args].concat())
        .ok();
    run.stdout.trim().to_string()
}

#[test]
fn a_user_token_can_run_none_of_it_and_a_moderator_token_all_of_it() {
    let f = secret_fixture();
    let (_, bobs) = raided(&f, &["--secret-key", SECRET]);
    let alice = grant(&f, &["--as-user", "alice"]);
    let mo = grant(&f, &["--as-moderator"]);
    // A moderator token of before the moderation log: it may delete, but cannot record.
    let old = grant(&f, &["--read", "--write", "--delete"]);
    let (m, a) = (
        b_str(&bobs[0]["message_timetoken"]),
        b_str(&bobs[0]["action_timetoken"]),
    );
    let holder = |user: &str, token: &str, args: &[&str]| {
        f.cli(&[&["--user", user, "--token", token], args].concat())
    };
    let bulk = ["actions", "remove", CH, "--where", "value=🍆", "--dry-run"];
    let toolkit: Vec<Vec<&str>> = vec![
        bulk.to_vec(),
        [&["--moderator"], &bulk[..]].concat(),
        vec!["audit", "list"],
        vec!["audit", "export", "--format", "csv"],
        vec!["stats", CH],
    ];
    for args in &toolkit {
        let run = holder("alice", &alice, args);
        let stderr = run.fails(2);
        assert_eq!(stderr.lines().count(), 1, "{run:#?}");
        assert!(
            stderr.contains("alice's own actions") || stderr.contains("reactions.moderation-log"),
            "says what is missing: {run:#?}"
        );
    }
    for args in &toolkit {
        let run = holder("old", &old, args);
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert!(run.stderr.contains("reactions.moderation-log"), "{run:#?}");
    }

    // The moderator's token: all of it, without the flag.
    holder("mo", &mo, &["actions", "remove", CH, &m, &a, "--yes"]).ok();
    holder("mo", &mo, &[&bulk[..], &["--json"]].concat()).ok();
    holder("mo", &mo, &["stats", CH]).ok();
    let listed_records = holder("mo", &mo, &["audit", "list", "--json"]).ok().json();
    let id = listed_records["records"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    holder("mo", &mo, &["audit", "export", "--format", "json"]).ok();
    let stderr = holder("alice", &alice, &["audit", "undo", &id])
        .fails(2)
        .to_string();
    assert!(stderr.contains("reactions.moderation-log"), "{stderr}");
    holder("mo", &mo, &["audit", "undo", &id]).ok();
    assert!(
        holder("mo", &mo, &["actions", "list", CH, "--json"])
            .ok()
            .stdout
            .contains("🍆")
    );
    holder(
        "mo",
        &mo,
        &[
            "actions", "remove", CH, "--where", "user=bob", "--yes", "--reason", "ban",
        ],
    )
    .ok();
    let left = listed(holder("mo", &mo, &["actions", "list", CH, "--json"]));
    assert!(left.iter().all(|x| x["uuid"] != "bob"), "{left:#?}");
}
