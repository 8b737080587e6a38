//! The moderator's toolkit through `update`: a bulk removal's dry run, confirmation, progress,
//! stop, resume, failures and retry, a log that cannot be written; the Audit screen (live, undo,
//! jump) and the Stats screen (window, a spike's dry run); and what a non-moderator is told.

use super::*;
use crate::moderation::execute::UndoError;
use crate::moderation::run::{CHUNK, CHUNKS_IN_FLIGHT, ChunkReport, DryRun, Removal, RunState};
use crate::moderation::stats::Window;
use crate::moderation::{LOG_CHANNEL, Operation, log};

/// `n` of bob's 🍆 on the newest loaded message, newest first.
fn raid(app: &App, n: u64) -> Vec<StoredAction> {
    let mt = last_tt(app);
    (0..n)
        .map(|i| stored(mt, NOW.get() - 1_000 * (i + 1), "bob", "🍆"))
        .collect()
}

fn dry(app: &App, filter: &str, matches: Vec<StoredAction>) -> DryRun {
    let excerpts = [(last_tt(app), "lunch at noon?".to_string())].into();
    DryRun::new(CH, filter, 500, matches, excerpts, "reaction")
}

/// Every `RemoveRecorded` command: (op, records).
fn chunks(out: &Outcome) -> Vec<(OpId, Vec<AuditRecord>)> {
    out.commands
        .iter()
        .filter_map(|c| match c {
            Command::RemoveRecorded { op, records } => Some((*op, records.clone())),
            _ => None,
        })
        .collect()
}

fn scan_op(out: &Outcome) -> (OpId, String) {
    out.commands
        .iter()
        .find_map(|c| match c {
            Command::ScanActions { op, filter, .. } => Some((*op, filter.text.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a dry run: {:?}", out.commands))
}

fn notice(app: &App) -> (String, bool) {
    let n = app.notice.clone().expect("a notice");
    (n.text, n.is_error)
}

fn run(app: &App) -> &crate::moderation::run::BulkRun {
    match &app.bulk {
        Some(bulk::Bulk::Running { run, .. }) => run,
        other => panic!("a run: {other:?}"),
    }
}

/// Tab to the Actions screen, answered with the newest 20 demo actions.
fn open_actions(app: &mut App) {
    let op = fetch_op(&key(app, KeyCode::Tab).commands);
    update(
        app,
        Event::Api(op, ApiOutcome::Actions(Ok(actions_page(20)))),
    );
}

/// The op of the moderation log's read.
fn audit_op(out: &Outcome) -> OpId {
    out.commands
        .iter()
        .find_map(|c| match c {
            Command::FetchAuditLog { op } => Some(*op),
            _ => None,
        })
        .expect("the log is read")
}

/// A moderator on the Actions screen, its filter typed, the dry run answered with `n` of
/// bob's reactions, and the reason `raid` typed.
fn at_the_dry_run(n: u64) -> (App, OpId) {
    let mut app = loaded("mo", true);
    open_actions(&mut app);
    ch(&mut app, '/');
    type_text(&mut app, "user:bob value:🍆");
    key(&mut app, KeyCode::Enter);
    let (scan, filter) = scan_op(&ch(&mut app, 'B'));
    assert_eq!(filter, "user:bob value:🍆");
    assert!(matches!(app.bulk, Some(bulk::Bulk::Scanning { .. })));
    let found = dry(&app, &filter, raid(&app, n));
    update(&mut app, Event::Api(scan, ApiOutcome::Scanned(Ok(found))));
    type_text(&mut app, "raid");
    (app, scan)
}

#[test]
fn a_bulk_removal_counts_first_then_removes_in_recorded_chunks_and_says_when_done() {
    let (mut app, _) = at_the_dry_run(120);
    let Some(bulk::Bulk::DryRun { dry, reason }) = &app.bulk else {
        panic!("the dry run: {:?}", app.bulk)
    };
    assert_eq!((dry.count(), reason.as_str()), (120, "raid"));
    assert_eq!(dry.by_user, [("bob".to_string(), 120)]);

    let out = key(&mut app, KeyCode::Enter);
    let sent = chunks(&out);
    assert_eq!(
        sent.len(),
        CHUNKS_IN_FLIGHT,
        "a few chunks at once, not all"
    );
    let (first, records) = &sent[0];
    assert_eq!(records.len(), CHUNK);
    let r = &records[0];
    assert_eq!(
        (r.moderator.as_str(), r.author.as_str(), r.reason.as_str()),
        ("mo", "bob", "raid")
    );
    assert_eq!(r.operation, Operation::Remove);
    assert!(r.run.starts_with("run-") && records.iter().all(|x| x.run == r.run));
    assert_eq!(r.excerpt, "lunch at noon?");

    // Each report sends the next chunk, until none is left.
    let out = update(
        &mut app,
        Event::Api(*first, report(records, Removal::Removed)),
    );
    let third = chunks(&out);
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].1.len(), 120 - 2 * CHUNK);
    assert_eq!((run(&app).done(), run(&app).total), (CHUNK, 120));
    assert!(app.notice.is_none(), "nothing said until it is over");
    for (op, records) in [sent[1].clone(), third[0].clone()] {
        let out = update(&mut app, Event::Api(op, report(&records, Removal::Removed)));
        assert!(chunks(&out).is_empty());
    }
    assert_eq!(run(&app).state, RunState::Finished);
    let (text, error) = notice(&app);
    assert!(
        text.starts_with("Removed 120 actions (run run-") && !error,
        "{text}"
    );
    key(&mut app, KeyCode::Enter);
    assert!(app.bulk.is_none(), "Enter closes a finished run");
}

#[test]
fn esc_backs_out_of_a_dry_run_and_an_empty_one_removes_nothing() {
    let (mut app, _) = at_the_dry_run(3);
    let out = key(&mut app, KeyCode::Esc);
    assert!(out.commands.is_empty() && app.bulk.is_none());
    assert_eq!(notice(&app).0, "Nothing removed");

    let (scan, _) = scan_op(&ch(&mut app, 'B'));
    let none = dry(&app, "user:bob value:🍆", Vec::new());
    update(&mut app, Event::Api(scan, ApiOutcome::Scanned(Ok(none))));
    assert!(app.bulk.is_none());
    let (text, _) = notice(&app);
    assert!(
        text.starts_with("Nothing matches `user:bob value:🍆`"),
        "{text}"
    );
}

#[test]
fn esc_stops_a_run_what_was_removed_stays_and_c_continues_it() {
    let (mut app, _) = at_the_dry_run(200);
    let sent = chunks(&key(&mut app, KeyCode::Enter));
    let out = key(&mut app, KeyCode::Esc);
    assert!(out.commands.is_empty());
    assert_eq!(run(&app).state, RunState::Stopping);
    assert!(
        notice(&app)
            .0
            .starts_with("Stopping: the 100 removals under way")
    );
    for (op, records) in &sent {
        let out = update(&mut app, Event::Api(*op, report(records, Removal::Removed)));
        assert!(chunks(&out).is_empty(), "no new chunk after Esc");
    }
    assert_eq!(run(&app).state, RunState::Stopped);
    assert_eq!((run(&app).removed, run(&app).pending()), (100, 100));

    // c goes on with what is left.
    let resumed = chunks(&ch(&mut app, 'c'));
    assert_eq!(resumed.len(), CHUNKS_IN_FLIGHT);
    assert_eq!(run(&app).state, RunState::Running);
    key(&mut app, KeyCode::Esc);
    for (op, records) in &resumed {
        update(&mut app, Event::Api(*op, report(records, Removal::Removed)));
    }
    // Nothing left: stopped and finished look alike; Esc closes.
    key(&mut app, KeyCode::Esc);
    assert!(app.bulk.is_none());
}

#[test]
fn an_interrupted_run_closed_says_the_same_filter_finishes_it() {
    let (mut app, _) = at_the_dry_run(200);
    let sent = chunks(&key(&mut app, KeyCode::Enter));
    key(&mut app, KeyCode::Esc);
    for (op, records) in &sent {
        update(&mut app, Event::Api(*op, report(records, Removal::Removed)));
    }
    key(&mut app, KeyCode::Esc);
    assert!(app.bulk.is_none());
    assert_eq!(
        notice(&app).0,
        "Stopped with 100 actions left; running the same filter again finishes them"
    );
}

#[test]
fn failures_are_listed_with_their_reasons_gone_ones_count_as_done_and_r_retries() {
    let (mut app, _) = at_the_dry_run(30);
    let sent = chunks(&key(&mut app, KeyCode::Enter));
    assert_eq!(sent.len(), 1);
    let (op, records) = &sent[0];
    let results = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let removal = match i {
                0..3 => Removal::Failed(Error::Server {
                    status: 503,
                    message: "busy".into(),
                }),
                3 => Removal::AlreadyGone,
                _ => Removal::Removed,
            };
            (r.action(), removal)
        })
        .collect();
    let mixed = ChunkReport {
        not_recorded: None,
        results,
        at: NOW,
    };
    update(&mut app, Event::Api(*op, ApiOutcome::Chunk(mixed)));
    let r = run(&app);
    assert_eq!((r.removed, r.already_gone, r.failed.len()), (26, 1, 3));
    assert!(r.failed[0].why.contains("503"), "{:?}", r.failed[0]);
    let (text, error) = notice(&app);
    assert!(
        error && text.contains("3 failed (listed; r retries them)"),
        "{text}"
    );

    let retried = chunks(&ch(&mut app, 'r'));
    assert_eq!(retried.len(), 1);
    let failed_tts: Vec<Timetoken> = records[..3].iter().map(|r| r.action_timetoken).collect();
    let again: Vec<Timetoken> = retried[0].1.iter().map(|r| r.action_timetoken).collect();
    assert_eq!(again, failed_tts, "only the failed ones, recorded again");
    update(
        &mut app,
        Event::Api(retried[0].0, report(&retried[0].1, Removal::Removed)),
    );
    let r = run(&app);
    assert_eq!(
        (r.done(), r.failed.len(), &r.state),
        (30, 0, &RunState::Finished)
    );
}

#[test]
fn a_run_whose_records_cannot_be_written_stops_and_removes_nothing_more() {
    let (mut app, _) = at_the_dry_run(200);
    let before = chip_counts(&app, last_tt(&app));
    let sent = chunks(&key(&mut app, KeyCode::Enter));
    let (op, records) = &sent[0];
    let refused = ChunkReport {
        not_recorded: Some(format!("no write permission on {LOG_CHANNEL}")),
        results: records
            .iter()
            .map(|r| (r.action(), Removal::NotRecorded("refused".into())))
            .collect(),
        at: NOW,
    };
    let out = update(&mut app, Event::Api(*op, ApiOutcome::Chunk(refused)));
    assert!(chunks(&out).is_empty(), "nothing more is sent");
    assert!(matches!(run(&app).state, RunState::Halted(_)));
    assert_eq!(run(&app).removed, 0);
    // The other chunk in flight was recorded and removed: its report still counts.
    update(
        &mut app,
        Event::Api(sent[1].0, report(&sent[1].1, Removal::Removed)),
    );
    let (text, error) = notice(&app);
    assert!(
        error
            && text.starts_with(
                "Bulk removal stopped: no write permission on reactions.moderation-log"
            )
            && text.contains("nothing more is removed without its record"),
        "{text}"
    );
    assert_eq!(run(&app).removed, CHUNK);
    assert_eq!(
        chip_counts(&app, last_tt(&app)),
        before,
        "the demo's chips stand"
    );
}

/// A removal of bob's 👍 on the newest message, as written to the log.
fn written(app: &App, id: &str, second: u32) -> AuditRecord {
    let action = stored(last_tt(app), NOW.get() - 5_000, "bob", "👍");
    let mut r = AuditRecord::new("mo", Operation::Remove, CH, &action, "lunch at noon?")
        .with_reason("spam");
    r.id = id.into();
    r.time = format!("2026-12-06T14:00:{second:02}.000Z");
    r
}

/// A moderator on the Audit screen with `records` read from the log.
fn on_audit(records: Vec<AuditRecord>) -> App {
    let mut app = loaded("mo", true);
    let out = ch(&mut app, 'A');
    assert_eq!(app.screen, Screen::Audit);
    let op = audit_op(&out);
    update(&mut app, Event::Api(op, ApiOutcome::AuditLog(Ok(records))));
    app
}

#[test]
fn the_audit_screen_shows_the_log_newest_first_and_what_other_moderators_do_live() {
    let mut app = loaded("mo", true);
    let out = ch(&mut app, 'A');
    let op = audit_op(&out);
    let old = written(&app, "r1", 1);
    update(
        &mut app,
        Event::Api(op, ApiOutcome::AuditLog(Ok(vec![old]))),
    );
    assert_eq!(app.audit.len(), 1);

    // Another moderator's removal arrives on the log channel.
    let mut theirs = written(&app, "r2", 9);
    theirs.moderator = "zed".into();
    let out = update(
        &mut app,
        Event::Live(LiveEvent::Message {
            channel: LOG_CHANNEL.into(),
            timetoken: NOW,
            publisher: Some("zed".into()),
            message: log::message(&[theirs]),
            meta: None,
        }),
    );
    assert!(out.redraw);
    assert_eq!(app.audit.len(), 2);
    let newest = app.audit.row(0).unwrap();
    assert_eq!(
        (newest.id.as_str(), newest.moderator.as_str()),
        ("r2", "zed")
    );
    assert_eq!(
        app.audit.selected.as_deref(),
        Some("r2"),
        "the newest stays selected"
    );
    assert_eq!(
        app.timeline.len(),
        25,
        "a log message is not a chat message"
    );

    // The filter takes the Audit keys.
    ch(&mut app, '/');
    type_text(&mut app, "moderator:zed");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.audit.len(), 1);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.audit.len(), 2, "Esc clears the filter");
}

#[test]
fn u_undoes_the_selected_removal_with_a_reason_and_the_trail_says_so() {
    let mut app = on_audit(Vec::new());
    let removal = written(&app, "r1", 1);
    app.audit.add(vec![removal.clone()]);
    ch(&mut app, 'U');
    let Some(Overlay::Undo { prompt, .. }) = &app.overlay else {
        panic!("the undo question: {:?}", app.overlay)
    };
    assert_eq!(
        prompt,
        "Undo mo's removal of bob's 👍 on 'lunch at noon?'? It goes back as bob."
    );
    type_text(&mut app, "my mistake");
    let out = key(&mut app, KeyCode::Enter);
    let Some(Command::Undo {
        op, record, reason, ..
    }) = out.commands.first().cloned()
    else {
        panic!("an undo: {:?}", out.commands)
    };
    assert_eq!((record.id.as_str(), reason.as_str()), ("r1", "my mistake"));
    assert_eq!(app.pending_count(), 1);

    let mut undo = crate::moderation::execute::undo_record(
        "mo",
        &removal,
        &stored(removal.message_timetoken, NOW.get() + 7, "bob", "👍"),
        "my mistake",
    );
    undo.id = "u1".into();
    undo.time = "2026-12-06T14:01:00.000Z".into();
    update(&mut app, Event::Api(op, ApiOutcome::Undone(Ok(undo))));
    let (text, error) = notice(&app);
    assert!(
        !error && text == "Undone: bob's 👍 is back on 'lunch at noon?'",
        "{text}"
    );
    assert_eq!(app.audit.row(0).unwrap().operation, Operation::Undo);
    assert!(matches!(
        app.audit.trail.status(&removal),
        crate::moderation::Status::Undone(_)
    ));

    // The removal, undone, is not undone twice.
    ch(&mut app, 'j');
    assert_eq!(app.audit.selected.as_deref(), Some("r1"));
    let out = ch(&mut app, 'U');
    assert!(out.commands.is_empty() && app.overlay.is_none());
    assert!(notice(&app).0.contains("undone"), "{:?}", app.notice);
}

#[test]
fn an_undo_refused_says_why_and_changes_nothing() {
    let mut app = on_audit(Vec::new());
    let removal = written(&app, "r1", 1);
    app.audit.add(vec![removal.clone()]);
    ch(&mut app, 'U');
    let out = key(&mut app, KeyCode::Enter);
    let Some(Command::Undo { op, .. }) = out.commands.first().cloned() else {
        panic!("an undo")
    };
    let back = UndoError::AlreadyBack {
        author: "bob".into(),
        what: "👍".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Undone(Err(back))));
    let (text, error) = notice(&app);
    assert!(
        error && text == "Could not undo: bob's 👍 is back on the message already; nothing to undo",
        "{text}"
    );
    assert_eq!(
        app.audit.trail.status(&removal),
        crate::moderation::Status::Done
    );

    // Esc in the question keeps things as they are.
    ch(&mut app, 'U');
    assert!(key(&mut app, KeyCode::Esc).commands.is_empty());
    assert_eq!(notice(&app).0, "Nothing undone");
}

#[test]
fn enter_on_a_record_shows_its_message_on_the_timeline() {
    let mut app = on_audit(Vec::new());
    let removal = written(&app, "r1", 1);
    app.audit.add(vec![removal.clone()]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Timeline);
    assert_eq!(app.selected, Some(removal.message_timetoken));

    // A message not loaded is read down to first.
    let mut older = written(&app, "r2", 2);
    older.message_timetoken = demo_history()[0].timetoken;
    ch(&mut app, 'A');
    app.audit.add(vec![older.clone()]);
    let out = key(&mut app, KeyCode::Enter);
    let Some(Command::RefreshHistory { op, end, .. }) = out.commands.first().cloned() else {
        panic!("a history read: {:?}", out.commands)
    };
    assert_eq!(end, older.message_timetoken);
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(demo_history())))),
    );
    assert_eq!(app.selected, Some(older.message_timetoken));
}

#[test]
fn stats_load_a_window_w_changes_it_and_b_on_a_spike_opens_its_dry_run() {
    let mut app = loaded("mo", true);
    let out = ch(&mut app, 'S');
    assert_eq!(app.screen, Screen::Stats);
    let Some(Command::FetchWindow {
        op, minutes: 60, ..
    }) = out.commands.first().cloned()
    else {
        panic!("the window: {:?}", out.commands)
    };
    let window = Window::ending(NOW, 60);
    let mt = last_tt(&app);
    let at = |minute: usize, i: u64| Timetoken(window.minute_start(minute).get() + i);
    // A steady trickle from alice, then bob's raid in minute 50.
    let mut actions: Vec<StoredAction> = (0..60)
        .step_by(2)
        .map(|m| stored(mt, at(m, 1).get(), "alice", "👍"))
        .collect();
    actions.extend((0..40).map(|i| stored(mt, at(50, 10 + i).get(), "bob", "🍆")));
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Window(window, Ok(actions))),
    );
    let stats = app.stats.stats.as_ref().expect("figures");
    assert_eq!(stats.total, 70);
    assert_eq!(stats.top_users[0], ("bob".to_string(), 40));
    assert!(stats.spikes.iter().any(|s| s.key == "bob"));
    assert!(
        !stats.spikes.iter().any(|s| s.key == "alice"),
        "steady is no spike"
    );
    let bob = stats.spikes.iter().position(|s| s.key == "bob").unwrap();
    for _ in 0..bob {
        ch(&mut app, 'j');
    }
    let (_, filter) = scan_op(&ch(&mut app, 'B'));
    assert!(
        filter.starts_with("user:bob type:reaction type:reactions since:"),
        "{filter}"
    );

    key(&mut app, KeyCode::Esc);
    let out = ch(&mut app, 'w');
    assert!(matches!(
        out.commands.first(),
        Some(Command::FetchWindow { minutes: 360, .. })
    ));
}

#[test]
fn details_offers_a_value_on_the_message_or_a_users_actions_in_bulk() {
    let mut app = loaded("mo", true);
    let tt = last_tt(&app);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'B');
    let Some(Overlay::BulkChoice { options, .. }) = app.overlay.clone() else {
        panic!("the choices: {:?}", app.overlay)
    };
    let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "all 👍 on this message",
            "all of bob's actions in the channel",
            "all of bob's 👍 in the channel"
        ]
    );
    let (_, filter) = scan_op(&key(&mut app, KeyCode::Enter));
    assert_eq!(filter, format!("value:👍 type:reaction message:{tt}"));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'B');
    ch(&mut app, 'j');
    let (_, filter) = scan_op(&key(&mut app, KeyCode::Enter));
    assert_eq!(filter, "user:bob");
}

#[test]
fn without_moderator_mode_audit_stats_and_bulk_say_what_they_need() {
    let mut app = loaded("carol", false);
    for c in ['A', 'S'] {
        let out = ch(&mut app, c);
        assert!(out.commands.is_empty());
        assert_eq!(app.screen, Screen::Timeline);
        let (text, error) = notice(&app);
        assert!(
            error && text.ends_with("moderator mode (--moderator)"),
            "{text}"
        );
    }
    open_actions(&mut app);
    ch(&mut app, '/');
    type_text(&mut app, "user:bob");
    key(&mut app, KeyCode::Enter);
    let out = ch(&mut app, 'B');
    assert!(out.commands.is_empty() && app.bulk.is_none());
    let (text, error) = notice(&app);
    assert!(
        error
            && text
                == "A bulk removal removes other users' actions: it needs moderator mode (--moderator)",
        "{text}"
    );
    assert_eq!(key(&mut app, KeyCode::Tab).commands.len(), 0);
    assert_eq!(app.screen, Screen::Timeline, "Tab skips Audit and Stats");
}
