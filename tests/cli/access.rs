//! Access Manager from the command line against `reactions serve --secret-key`: the keyset's
//! server grants (`--as-user`, `--as-moderator`, flags), `token parse` says what a token allows,
//! `revoke` ends one; a user's token never acts for anyone else, a moderator's removes another
//! user's action (sent with its author's id) and leaves its audit record, and every refusal
//! says why in one line.

use serde_json::Value;

use super::harness::{Fixture, Run};
use super::{added, assert_record_of, listed, published, tt};

const SECRET: &str = "s3cret";

fn fixture() -> Fixture {
    Fixture::with_serve_args(&["--secret-key", SECRET])
}

/// `reactions --secret-key SECRET grant ARGS`: the token printed.
#[track_caller]
fn grant(f: &Fixture, args: &[&str]) -> String {
    let run = f
        .cli(&[&["--secret-key", SECRET, "grant"], args].concat())
        .ok();
    let token = run.stdout.trim().to_string();
    assert_eq!(run.stdout, format!("{token}\n"), "one line: {run:#?}");
    token
}

/// `reactions --user USER --token TOKEN ARGS`.
fn as_holder(f: &Fixture, user: &str, token: &str, args: &[&str]) -> Run {
    f.cli(&[&["--user", user, "--token", token], args].concat())
}

#[test]
fn the_keyset_server_grants_parses_and_revokes() {
    let f = fixture();
    let alice = grant(&f, &["--channel", "chats.room1", "--as-user", "alice"]);
    let run = f.cli(&["token", "parse", &alice]).ok();
    assert!(run.stdout.contains("alice"), "{run:#?}");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("chats.room1") && l.contains("read+write+delete")),
        "{run:#?}"
    );
    let v = f.cli(&["token", "parse", &alice, "--json"]).ok().json();
    assert_eq!(v["authorized_uuid"], "alice");
    assert_eq!(v["ttl"], 1440);
    let room = &v["resources"]["channels"]["chats.room1"];
    assert_eq!(
        (
            &room["read"],
            &room["write"],
            &room["delete"],
            &room["manage"]
        ),
        (
            &Value::Bool(true),
            &Value::Bool(true),
            &Value::Bool(true),
            &Value::Bool(false)
        )
    );
    assert_eq!(
        v["expires_at"].as_u64(),
        v["timestamp"].as_u64().map(|t| t + 1440 * 60)
    );

    // Flags and patterns, and JSON output.
    let v = f
        .cli(&[
            "--secret-key",
            SECRET,
            "grant",
            "--pattern",
            "^chats\\.",
            "--read",
            "--ttl",
            "5",
            "--authorized-user",
            "reader",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(
        v["parsed"]["patterns"]["channels"]["^chats\\."]["read"],
        true
    );
    assert_eq!(v["parsed"]["ttl"], 5);
    assert!(v["token"].as_str().is_some_and(|t| !t.is_empty()));

    // Only with the secret; and a grant must say what it allows.
    let run = f.cli(&["grant", "--as-moderator"]);
    assert!(run.fails(2).contains("secret key"), "{run:#?}");
    let run = f.cli(&["--secret-key", SECRET, "grant", "chats.room1"]);
    assert!(run.fails(2).contains("--read"), "{run:#?}");
    assert_eq!(
        f.cli(&["token", "parse", "garbage!"])
            .fails(2)
            .lines()
            .count(),
        1
    );

    // Revoked: refused from then on, and said so.
    published(as_holder(
        &f,
        "alice",
        &alice,
        &["publish", "chats.room1", "hi", "--json"],
    ));
    assert_eq!(
        f.cli(&["--secret-key", SECRET, "revoke", &alice])
            .ok()
            .stdout,
        "revoked\n"
    );
    let run = as_holder(&f, "alice", &alice, &["publish", "chats.room1", "again"]);
    assert_eq!(
        run.error_line(),
        "reactions: publish failed: token revoked; ask for a new one"
    );
}

#[test]
fn a_user_token_cannot_remove_anothers_action_and_a_moderator_token_can() {
    let f = fixture();
    let ch = "chats.room1";
    let alice = grant(&f, &[ch, "--as-user", "alice"]);
    let bob = grant(&f, &[ch, "--as-user", "bob"]);
    let mo = grant(&f, &[ch, "--as-moderator"]);
    let m = published(as_holder(
        &f,
        "alice",
        &alice,
        &["publish", ch, "lunch?", "--json"],
    ));
    let thumbs = as_holder(
        &f,
        "bob",
        &bob,
        &[
            "actions", "add", ch, &m, "--type", "reaction", "--value", "👍", "--json",
        ],
    )
    .ok()
    .json();
    let a = tt(&thumbs["action_timetoken"]).to_string();
    let remove = ["actions", "remove", ch, &m, &a, "--yes"];

    // Alice as herself: the author rule. As a moderator: refused before anything is sent.
    let line = as_holder(&f, "alice", &alice, &remove)
        .error_line()
        .to_string();
    assert!(line.contains("only its author can remove it"), "{line}");
    let run = as_holder(
        &f,
        "alice",
        &alice,
        &[&["--moderator"], &remove[..]].concat(),
    );
    let stderr = run.fails(2);
    assert_eq!(stderr.lines().count(), 1, "{run:#?}");
    assert!(
        stderr.contains("--moderator refused") && stderr.contains("alice's own actions"),
        "{run:#?}"
    );
    // Her token under bob's name (bob's action, so the author rule would let bob): refused.
    let line = as_holder(&f, "bob", &alice, &remove)
        .error_line()
        .to_string();
    assert_eq!(
        line,
        "reactions: actions remove failed: the token is for alice, not bob"
    );
    let listed_now =
        |f: &Fixture| listed(as_holder(f, "mo", &mo, &["actions", "list", ch, "--json"]));
    assert_eq!(listed_now(&f), std::slice::from_ref(&thumbs));

    // The moderator's token: moderation is on without the flag, bob's id is sent, audited.
    let run = as_holder(&f, "mo", &mo, &remove).ok();
    assert_eq!(
        run.stdout,
        format!("removed action {a} from message {m}: bob's 👍\n")
    );
    assert!(listed_now(&f).is_empty());
    let audit = std::fs::read_to_string(f.env.audit_log()).expect("audit log");
    let record: Value = serde_json::from_str(audit.trim()).expect("one JSON record");
    assert_eq!(record["moderator"], "mo");
    assert_record_of(&record, "remove", &thumbs);
}

#[test]
fn refusals_say_which_permission_is_missing() {
    let f = fixture();
    let ch = "chats.room1";
    let reader = grant(&f, &[ch, "--read", "--write", "--authorized-user", "rita"]);
    let m = published(as_holder(
        &f,
        "rita",
        &reader,
        &["publish", ch, "mine", "--json"],
    ));
    let own = added_with(&f, "rita", &reader, ch, &m);
    let a = tt(&own["action_timetoken"]).to_string();
    let line = as_holder(&f, "rita", &reader, &["actions", "remove", ch, &m, &a])
        .error_line()
        .to_string();
    assert_eq!(
        line,
        "reactions: actions remove failed: no delete permission on chats.room1"
    );
    let line = as_holder(&f, "rita", &reader, &["history", "elsewhere"])
        .error_line()
        .to_string();
    assert_eq!(
        line,
        "reactions: history failed: no read permission on elsewhere"
    );
    // The embedded default is open: nothing to check, --moderator works as before.
    let open = Fixture::new();
    let m = published(open.cli(&["publish", ch, "open", "--json"]));
    let gina = added(&open, "gina", ch, &m, "reaction", "👍");
    let a = tt(&gina["action_timetoken"]).to_string();
    open.cli(&[
        "--user",
        "zed",
        "--moderator",
        "actions",
        "remove",
        ch,
        &m,
        &a,
        "--yes",
    ])
    .ok();
}

fn added_with(f: &Fixture, user: &str, token: &str, ch: &str, m: &str) -> Value {
    as_holder(
        f,
        user,
        token,
        &[
            "actions", "add", ch, m, "--type", "reaction", "--value", "🎉", "--json",
        ],
    )
    .ok()
    .json()
}
