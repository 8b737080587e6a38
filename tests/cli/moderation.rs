//! `actions remove --moderator`: another user's action removed as its owner, after a question
//! on a terminal or `--yes` elsewhere, and recorded in the audit log the UI writes.

use serde_json::Value;

use super::harness::{Fixture, Run};
use super::{added, assert_record_of, listed, published, tt};

/// A message by alice with gina's 👍 and gina's read receipt on channel `ch`: (message
/// timetoken, the 👍, the receipt).
fn gina_reacted(f: &Fixture, ch: &str) -> (String, Value, Value) {
    let m = published(f.cli(&[
        "--user",
        "alice",
        "publish",
        ch,
        r#"{"text":"please moderate me"}"#,
        "--json",
    ]));
    let thumbs = added(f, "gina", ch, &m, "reaction", "👍");
    let receipt = added(f, "gina", ch, &m, "receipt", "read");
    (m, thumbs, receipt)
}

/// `reactions --user zed [--moderator] actions remove CH M A EXTRA...`.
fn zed_removes<'a>(
    moderator: bool,
    ch: &'a str,
    m: &'a str,
    a: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["--user", "zed"];
    if moderator {
        args.push("--moderator");
    }
    args.extend(["actions", "remove", ch, m, a]);
    args.extend(extra);
    args
}

/// The audit log's records, one JSON object a line; none when the file does not exist.
fn audit_records(f: &Fixture) -> Vec<Value> {
    match std::fs::read_to_string(f.env.audit_log()) {
        Ok(text) => text
            .lines()
            .map(|line| serde_json::from_str(line).expect("an audit line is JSON"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("read the audit log: {e}"),
    }
}

#[track_caller]
fn still_listed(f: &Fixture, ch: &str, expected: &[Value]) {
    assert_eq!(listed(f.cli(&["actions", "list", ch, "--json"])), expected);
}

#[test]
fn a_moderator_removes_another_users_action_as_its_owner_and_audits_it() {
    let f = Fixture::new();
    let ch = "cli.moderation";
    let (m, thumbs, receipt) = gina_reacted(&f, ch);
    let a = tt(&thumbs["action_timetoken"]).to_string();
    let both = [thumbs.clone(), receipt.clone()];

    // Without --moderator: the service's refusal, explained.
    let line = f
        .cli(&zed_removes(false, ch, &m, &a, &[]))
        .error_line()
        .to_string();
    assert!(
        line.contains("actions remove")
            && line.contains("gina's 👍")
            && line.contains("--moderator"),
        "{line}"
    );
    still_listed(&f, ch, &both);

    // Not on a terminal and no --yes: a usage error, nothing removed.
    let run = f.cli(&zed_removes(true, ch, &m, &a, &[]));
    let stderr = run.fails(2);
    assert_eq!(stderr.lines().count(), 1, "{run:#?}");
    assert!(stderr.contains("--yes"), "{run:#?}");
    still_listed(&f, ch, &both);

    // The action must be on that message, and must exist.
    let other = published(f.cli(&["publish", ch, "another message", "--json"]));
    let line = f
        .cli(&zed_removes(true, ch, &other, &a, &["--yes"]))
        .error_line()
        .to_string();
    assert!(line.contains(&a) && line.contains(&m), "names both: {line}");
    let missing = (a.parse::<u64>().expect("timetoken") + 1).to_string();
    let line = f
        .cli(&zed_removes(true, ch, &m, &missing, &["--yes"]))
        .error_line()
        .to_string();
    assert!(
        line.contains(&missing) && line.contains("no action"),
        "{line}"
    );
    still_listed(&f, ch, &both);
    assert!(audit_records(&f).is_empty());

    let run = f.cli(&zed_removes(true, ch, &m, &a, &["--yes"])).ok();
    assert_eq!(
        run.stdout,
        format!("removed action {a} from message {m}: gina's 👍\n")
    );
    still_listed(&f, ch, std::slice::from_ref(&receipt));

    let records = audit_records(&f);
    assert_eq!(records.len(), 1, "{records:#?}");
    let record = &records[0];
    assert_eq!(record["moderator"], "zed");
    assert_eq!(record["channel"], ch);
    assert_eq!(record["message_timetoken"], m.as_str());
    assert_eq!(record["excerpt"], "please moderate me");
    assert_record_of(record, "remove", &thumbs);
}

#[test]
fn a_moderator_needs_no_confirmation_for_their_own_action_and_it_is_not_audited() {
    let f = Fixture::new();
    let ch = "cli.moderation.own";
    let (m, _, _) = gina_reacted(&f, ch);
    let mine = added(&f, "zed", ch, &m, "reaction", "🎉");
    let a = tt(&mine["action_timetoken"]).to_string();
    let run = f.cli(&zed_removes(true, ch, &m, &a, &[])).ok();
    assert_eq!(
        run.stdout,
        format!("removed action {a} from message {m}: zed's 🎉\n")
    );
    assert_eq!(listed(f.cli(&["actions", "list", ch, "--json"])).len(), 2);
    assert!(audit_records(&f).is_empty());
}

/// Runs a moderator removal on a terminal, answering `answer`.
fn on_terminal(f: &Fixture, ch: &str, m: &str, a: &str, answer: &str) -> Run {
    f.env
        .run_in_terminal(&f.with_origin(&zed_removes(true, ch, m, a, &[])), answer)
}

#[test]
fn a_moderator_at_a_terminal_is_asked_first_and_only_y_removes() {
    let f = Fixture::new();
    let ch = "cli.moderation.asked";
    let (m, thumbs, receipt) = gina_reacted(&f, ch);
    let a = tt(&thumbs["action_timetoken"]).to_string();
    let question = "Remove gina's 👍 from 'please moderate me'? [y/N]";

    for answer in ["n\n", "yes please\n", "\n"] {
        let run = on_terminal(&f, ch, &m, &a, answer);
        assert_eq!(run.code, Some(1), "{run:#?}");
        assert!(run.stdout.contains(question), "{run:#?}");
        assert!(run.stdout.contains("reactions: not removed"), "{run:#?}");
    }
    still_listed(&f, ch, &[thumbs.clone(), receipt.clone()]);
    assert!(audit_records(&f).is_empty());

    let run = on_terminal(&f, ch, &m, &a, "Y\n");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains(question), "{run:#?}");
    assert!(
        run.stdout
            .contains(&format!("removed action {a} from message {m}: gina's 👍")),
        "{run:#?}"
    );
    still_listed(&f, ch, &[receipt]);
    assert_eq!(audit_records(&f).len(), 1);
}
