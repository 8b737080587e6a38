//! The chat vocabularies through `update`: edits, soft deletes and restoring, threads and the
//! way back, names from App Context, the reaction type a channel uses, one reaction per user and
//! emoji whatever its type, and reports.

use super::*;
use crate::app::chat::{moderation_channel, thread_channel};
use crate::pubnub::{ActionRef, MessageCounts};

const T1: Timetoken = Timetoken(17_000_000_000_000_000);
const T2: Timetoken = Timetoken(17_000_000_100_000_000);
const T3: Timetoken = Timetoken(17_000_000_200_000_000);

/// A history message with `(type, value, uuid, action tt)` actions.
fn hmsg(
    channel: &str,
    tt: Timetoken,
    uuid: &str,
    text: &str,
    actions: &[(&str, &str, &str, u64)],
) -> HistoryMessage {
    let mut map = pubnub::ActionMap::new();
    for (kind, value, who, at) in actions {
        map.entry(kind.to_string())
            .or_default()
            .entry(value.to_string())
            .or_default()
            .push(ActionRef {
                uuid: who.to_string(),
                action_timetoken: Timetoken(tt.get() + at),
            });
    }
    HistoryMessage {
        channel: channel.into(),
        timetoken: tt,
        message: serde_json::json!({"type": "text", "text": text}),
        meta: None,
        uuid: Some(uuid.into()),
        custom_message_type: None,
        actions: map,
    }
}

/// An app whose first page is `messages`; returns it and what that page asked for.
fn with_page(options: Options, messages: Vec<HistoryMessage>) -> (App, Vec<Command>) {
    let mut app = App::new(options);
    let op = fetch_op(&app.start());
    let out = update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(messages)))),
    );
    (app, out.commands)
}

fn names_request(commands: &[Command]) -> (OpId, Vec<String>) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchNames { op, ids } => Some((*op, ids.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no names request in {commands:?}"))
}

fn counts_request(commands: &[Command]) -> (OpId, Vec<(String, Timetoken)>) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchCounts { op, channels } => Some((*op, channels.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no counts request in {commands:?}"))
}

fn refresh_op(commands: &[Command]) -> OpId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::RefreshHistory { op, .. } => Some(*op),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no refresh in {commands:?}"))
}

fn counts(thread: &str, n: u64) -> ApiOutcome {
    ApiOutcome::Counts(Ok(MessageCounts {
        channels: [(thread.to_string(), n)].into_iter().collect(),
        more: Default::default(),
    }))
}

#[test]
fn an_edited_message_shows_its_newest_edit_of_either_vocabulary() {
    let messages = vec![hmsg(
        CH,
        T1,
        "alice",
        "lunch at noon?",
        &[
            ("edited", "lunch at 12:30?", "alice", 10),
            ("updated", "lunch at one?", "bob", 20),
            ("reaction", "👍", "bob", 5),
        ],
    )];
    let (mut app, _) = with_page(options("carol", false), messages);
    assert_eq!(
        app.message_text(T1),
        Some("lunch at one?"),
        "the newest edit wins"
    );
    assert_eq!(app.message_excerpt(T1, 40), "lunch at one?");
    let labels: Vec<String> = chip_counts(&app, T1).into_iter().map(|c| c.0).collect();
    assert_eq!(labels, ["👍 1"], "edits are not chips");
    // A newer edit arrives live and takes over; its removal brings the previous one back.
    let edit = StoredAction {
        action_timetoken: Timetoken(T1.get() + 30),
        message_timetoken: T1,
        action_type: "edited".into(),
        uuid: "alice".into(),
        value: "lunch at two?".into(),
    };
    let live = |kind| {
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind,
            action: edit.clone(),
        })
    };
    assert!(update(&mut app, live(ActionEventKind::Added)).redraw);
    assert_eq!(app.message_text(T1), Some("lunch at two?"));
    update(&mut app, live(ActionEventKind::Removed));
    assert_eq!(app.message_text(T1), Some("lunch at one?"));
    assert_eq!(
        &*app.timeline.get(T1).unwrap().text,
        "lunch at noon?",
        "the original is kept"
    );
}

#[test]
fn a_soft_deleted_message_says_who_deleted_it_with_either_value() {
    let messages = vec![
        hmsg(CH, T1, "bob", "oops", &[("deleted", "deleted", "bob", 10)]),
        hmsg(CH, T2, "dave", "legacy", &[("deleted", ".", "erin", 10)]),
        hmsg(CH, T3, "dave", "kept", &[("deleted", "maybe", "erin", 10)]),
    ];
    let (app, _) = with_page(options("carol", false), messages);
    let by = |tt| {
        app.timeline
            .get(tt)
            .unwrap()
            .chat
            .deleted_by
            .map(|u| app.symbols.raw(u))
    };
    assert_eq!(by(T1), Some("bob"));
    assert_eq!(by(T2), Some("erin"));
    assert_eq!(by(T3), None, "another value is only a label");
    let labels: Vec<String> = chip_counts(&app, T3).into_iter().map(|c| c.0).collect();
    assert_eq!(labels, ["deleted:maybe ×1"]);
}

#[test]
fn restoring_my_own_deletion_needs_no_question_and_no_audit() {
    let messages = vec![hmsg(
        CH,
        T1,
        "carol",
        "oops",
        &[("deleted", "deleted", "carol", 10)],
    )];
    let (mut app, _) = with_page(options("carol", false), messages);
    app.selected = Some(T1);
    let out = ch(&mut app, 'u');
    assert!(app.overlay.is_none(), "no question for my own deletion");
    let sent = removals(&out);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2, None, "sent as me");
    assert!(
        !app.timeline.get(T1).unwrap().chat.is_deleted(),
        "shown restored at once"
    );
    let done = update(
        &mut app,
        Event::Api(sent[0].0, ApiOutcome::Removed(Ok(None))),
    );
    assert!(
        !done
            .commands
            .iter()
            .any(|c| matches!(c, Command::Record { .. } | Command::RemoveRecorded { .. }))
    );
    assert!(
        notice(&app).starts_with("Restored 'oops'"),
        "{}",
        notice(&app)
    );
}

#[test]
fn a_moderator_restores_others_deletions_after_a_yes_each_recorded_before_it_is_removed() {
    let messages = vec![hmsg(
        CH,
        T1,
        "bob",
        "the lake is overrated",
        &[
            ("deleted", "deleted", "bob", 10),
            ("deleted", ".", "erin", 20),
        ],
    )];
    // Without moderator mode: refused, and said why.
    let (mut app, _) = with_page(options("zed", false), messages.clone());
    app.selected = Some(T1);
    let out = ch(&mut app, 'u');
    assert!(removals(&out).is_empty());
    assert!(
        notice(&app).contains("needs moderator mode"),
        "{}",
        notice(&app)
    );

    let (mut app, _) = with_page(options("zed", true), messages);
    app.selected = Some(T1);
    ch(&mut app, 'u');
    let Some(Overlay::Confirm { prompt, .. }) = app.overlay.clone() else {
        panic!("expected a question: {:?}", app.overlay)
    };
    assert_eq!(
        prompt,
        "Restore 'the lake is overrated' (deleted by bob, erin)?"
    );
    // Esc: nothing happens.
    let out = key(&mut app, KeyCode::Esc);
    assert!(out.commands.is_empty() && notice(&app) == "Nothing restored");
    ch(&mut app, 'u');
    type_text(&mut app, "not spam");
    let out = key(&mut app, KeyCode::Enter);
    // Each deletion recorded on the moderation log first, then removed as its owner.
    let sent: Vec<(OpId, AuditRecord)> = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::RemoveRecorded { op, records } => Some((*op, records[0].clone())),
            _ => None,
        })
        .collect();
    let owners: Vec<&str> = sent.iter().map(|(_, r)| r.author.as_str()).collect();
    assert_eq!(owners, ["bob", "erin"], "every deletion, as its owner");
    for (_, r) in &sent {
        assert_eq!(
            (r.operation, r.action_type.as_str(), r.reason.as_str()),
            (Operation::Restore, "deleted", "not spam")
        );
    }
    assert!(!app.timeline.get(T1).unwrap().chat.is_deleted());
    // bob's goes; erin's fails: the message stays deleted, by erin, and it is said.
    update(
        &mut app,
        Event::Api(
            sent[0].0,
            report(
                std::slice::from_ref(&sent[0].1),
                moderation::run::Removal::Removed,
            ),
        ),
    );
    let denied = Error::AccessDenied {
        status: 403,
        message: "Forbidden".into(),
        refused: Vec::new(),
    };
    update(
        &mut app,
        Event::Api(
            sent[1].0,
            report(
                std::slice::from_ref(&sent[1].1),
                moderation::run::Removal::Failed(denied),
            ),
        ),
    );
    let by = app.timeline.get(T1).unwrap().chat.deleted_by;
    assert_eq!(by.map(|u| app.symbols.raw(u)), Some("erin"));
    assert!(
        notice(&app).contains("Could not restore"),
        "{}",
        notice(&app)
    );
    assert!(notice(&app).contains("stays deleted"));
}

#[test]
fn a_thread_root_asks_for_its_reply_count_once_and_shows_it() {
    let thread = thread_channel(CH, T1);
    let messages = vec![
        hmsg(
            CH,
            T1,
            "alice",
            "lunch?",
            &[("threadRootId", &thread, "bob", 10)],
        ),
        hmsg(CH, T2, "bob", "no thread", &[]),
    ];
    let (mut app, commands) = with_page(options("carol", false), messages);
    let (op, asked) = counts_request(&commands);
    assert_eq!(
        asked,
        [(thread.clone(), T1)],
        "replies are what comes after the root"
    );
    assert_eq!(app.replies.get(&thread), None);
    let before = app.timeline.get(T1).unwrap().revision;
    update(&mut app, Event::Api(op, counts(&thread, 3)));
    assert_eq!(app.replies.get(&thread), Some(3));
    assert_ne!(
        app.timeline.get(T1).unwrap().revision,
        before,
        "the root is drawn again"
    );
    // A reload asks again (the count shown meanwhile), once.
    let out = ch(&mut app, 'R');
    let refresh = refresh_op(&out.commands);
    let root = hmsg(
        CH,
        T1,
        "alice",
        "lunch?",
        &[("threadRootId", &thread, "bob", 10)],
    );
    let again = update(
        &mut app,
        Event::Api(refresh, ApiOutcome::History(Ok(page(vec![root])))),
    );
    let (op, asked) = counts_request(&again.commands);
    assert_eq!(asked, [(thread.clone(), T1)]);
    assert_eq!(
        app.replies.get(&thread),
        Some(3),
        "shown until the new count arrives"
    );
    update(&mut app, Event::Api(op, counts(&thread, 4)));
    assert_eq!(app.replies.get(&thread), Some(4));
    let moved = ch(&mut app, 'k');
    assert!(
        !moved
            .commands
            .iter()
            .any(|c| matches!(c, Command::FetchCounts { .. }))
    );
}

#[test]
fn t_opens_the_thread_in_the_same_browser_and_esc_comes_back_where_it_was() {
    let thread = thread_channel(CH, T1);
    let messages = vec![
        hmsg(
            CH,
            T1,
            "alice",
            "lunch?",
            &[
                ("threadRootId", &thread, "bob", 10),
                ("reaction", "👍", "bob", 5),
            ],
        ),
        hmsg(CH, T2, "bob", "no thread", &[]),
    ];
    let (mut app, commands) = with_page(options("carol", false), messages);
    let (op, _) = counts_request(&commands);
    update(&mut app, Event::Api(op, counts(&thread, 1)));
    // No thread on the selected (newest) message: said so.
    let out = ch(&mut app, 't');
    assert!(out.commands.is_empty());
    assert_eq!(notice(&app), "This message has no thread");
    ch(&mut app, 'k');
    let out = ch(&mut app, 't');
    assert_eq!(app.channel, thread);
    assert!(threads::in_thread(&app));
    assert!(app.timeline.is_empty(), "a fresh timeline for the thread");
    let Some(Command::FetchHistory {
        op,
        channel,
        start: None,
        ..
    }) = out.commands.first().cloned()
    else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(channel, thread);
    assert!(
        out.commands
            .contains(&Command::Subscribe(vec![CH.into(), thread.clone()]))
    );
    let replies = vec![
        hmsg(&thread, T2, "bob", "12:30 suits me", &[]),
        hmsg(&thread, T3, "alice", "12:30 it is", &[]),
    ];
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(replies)))),
    );
    assert_eq!(app.timeline.len(), 2);
    assert_eq!(app.message_text(T3), Some("12:30 it is"));
    // Reactions work here too: in a thread they are the Chat SDK's `reactions`.
    let out = ch(&mut app, '+');
    let Some(Command::AddAction {
        channel,
        action_type,
        message_tt,
        ..
    }) = out.commands.first().cloned()
    else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(
        (channel.as_str(), action_type.as_str(), message_tt),
        (thread.as_str(), "reactions", T3)
    );
    // A live reaction on the parent while in the thread lands on the parent, not here.
    let on_parent = update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind: ActionEventKind::Added,
            action: stored(T1, T1.get() + 99, "erin", "🎉"),
        }),
    );
    assert!(!on_parent.redraw, "nothing on screen changed");
    // Esc goes back: the parent as it was left, with erin's reaction, the selection kept.
    let out = key(&mut app, KeyCode::Esc);
    assert_eq!(app.channel, CH);
    assert!(!threads::in_thread(&app));
    assert_eq!(app.selected, Some(T1));
    let labels: Vec<String> = chip_counts(&app, T1).into_iter().map(|c| c.0).collect();
    assert_eq!(labels, ["👍 1", "🎉 1"]);
    assert!(out.commands.contains(&Command::Subscribe(vec![CH.into()])));
    let (_, asked) = counts_request(&out.commands);
    assert_eq!(
        asked,
        [(thread, T1)],
        "the count may have grown: asked again"
    );
}

#[test]
fn a_result_for_the_parent_arriving_in_the_thread_settles_the_parent() {
    let thread = thread_channel(CH, T1);
    let messages = vec![hmsg(
        CH,
        T1,
        "alice",
        "lunch?",
        &[("threadRootId", &thread, "bob", 10)],
    )];
    let (mut app, _) = with_page(options("carol", false), messages);
    let (add, ..) = add_command(&ch(&mut app, '+'));
    ch(&mut app, 't');
    assert_eq!(app.channel, thread);
    let stored = StoredAction {
        action_timetoken: Timetoken(T1.get() + 50),
        message_timetoken: T1,
        action_type: "reaction".into(),
        uuid: "carol".into(),
        value: "👍".into(),
    };
    update(
        &mut app,
        Event::Api(add, ApiOutcome::Added(Ok((stored, None)))),
    );
    assert!(app.timeline.get(T1).is_none(), "not added to the thread");
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        chip_counts(&app, T1)[0],
        ("👍 1".to_string(), 1, true, false)
    );
}

#[test]
fn names_are_asked_once_per_page_and_shown_where_ids_were() {
    let messages = vec![
        hmsg(CH, T1, "alice", "hi", &[("reaction", "👍", "bob", 5)]),
        hmsg(
            CH,
            T2,
            "bob",
            "hello",
            &[
                ("reaction", "👍", "alice", 5),
                ("receipt", "read", "carol", 6),
            ],
        ),
    ];
    let (mut app, commands) = with_page(options("carol", false), messages);
    let (op, mut ids) = names_request(&commands);
    ids.sort();
    assert_eq!(
        ids,
        ["alice", "bob", "carol"],
        "each id once, in one request"
    );
    let found = vec![
        ("alice".to_string(), Some("Alice Martin".to_string())),
        ("bob".to_string(), None),
        (
            "carol".to_string(),
            Some("Carol\u{1b}[2J Nguyen".to_string()),
        ),
    ];
    update(&mut app, Event::Api(op, ApiOutcome::Names(Ok(found))));
    let alice = app.symbols.lookup("alice").unwrap();
    let bob = app.symbols.lookup("bob").unwrap();
    assert_eq!(app.user_name(alice), "Alice Martin");
    assert_eq!(app.user_name(bob), "bob", "no name: the id");
    assert_eq!(app.user_label(app.me), "Carol Nguyen (you)", "sanitised");
    // A live event from someone known asks nothing; from someone new, once a frame.
    live_message_with(
        &mut app,
        T3,
        "again",
        &[stored(T3, T3.get() + 1, "dave", "🎉")],
    );
    let out = update(&mut app, Event::Measured(Measured::default()));
    let (_, ids) = names_request(&out.commands);
    assert_eq!(ids, ["dave"]);
    let out = update(&mut app, Event::Measured(Measured::default()));
    assert!(out.commands.is_empty(), "asked already");
    // Names in prompts and notices: a moderator removing Alice's reaction.
    let mut app = app;
    app.options.moderator = true;
    app.selected = Some(T2);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    let Some(Overlay::Confirm { prompt, .. }) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert!(prompt.starts_with("Remove Alice Martin's 👍"), "{prompt}");
}

#[test]
fn when_names_cannot_be_read_ids_show_it_is_said_once_and_a_reload_asks_again() {
    let messages = vec![hmsg(CH, T1, "alice", "hi", &[])];
    let (mut app, commands) = with_page(options("carol", false), messages);
    let (op, _) = names_request(&commands);
    let missing = Error::Server {
        status: 404,
        message: "Not Found".into(),
    };
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Names(Err(missing.clone()))),
    );
    assert!(
        notice(&app).contains("showing user ids"),
        "{}",
        notice(&app)
    );
    assert!(notice(&app).contains("R asks again"));
    let alice = app.symbols.lookup("alice").unwrap();
    assert_eq!(app.user_name(alice), "alice");
    let out = ch(&mut app, 'R');
    let refresh = refresh_op(&out.commands);
    let out = update(
        &mut app,
        Event::Api(
            refresh,
            ApiOutcome::History(Ok(page(vec![hmsg(CH, T1, "alice", "hi", &[])]))),
        ),
    );
    let (op, mut ids) = names_request(&out.commands);
    ids.sort();
    assert_eq!(ids, ["alice", "carol"], "the failed ids are asked again");
    app.notice = None;
    update(&mut app, Event::Api(op, ApiOutcome::Names(Err(missing))));
    assert!(app.notice.is_none(), "said once");
}

#[test]
fn reactions_are_written_with_the_type_the_channel_uses_unless_configured() {
    let chat_sdk = vec![hmsg(
        CH,
        T1,
        "alice",
        "hi",
        &[("reactions", "❤️", "bob", 5)],
    )];
    let (mut app, _) = with_page(options("carol", false), chat_sdk.clone());
    let out = ch(&mut app, '+');
    let Some(Command::AddAction { action_type, .. }) = out.commands.first() else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(action_type, "reactions");

    let kits = vec![hmsg(CH, T1, "alice", "hi", &[("reaction", "❤️", "bob", 5)])];
    let (mut app, _) = with_page(options("carol", false), kits);
    let out = ch(&mut app, '+');
    assert!(
        matches!(out.commands.first(), Some(Command::AddAction { action_type, .. }) if action_type == "reaction")
    );

    let configured = Options {
        reaction_type: Some("emoji".into()),
        ..options("carol", false)
    };
    let (mut app, _) = with_page(configured, chat_sdk);
    let out = ch(&mut app, '+');
    assert!(
        matches!(out.commands.first(), Some(Command::AddAction { action_type, .. }) if action_type == "emoji")
    );
}

#[test]
fn my_emoji_under_both_types_counts_once_and_goes_away_whole() {
    let messages = vec![hmsg(
        CH,
        T1,
        "alice",
        "hi",
        &[
            ("reaction", "👍", "carol", 5),
            ("reactions", "👍", "carol", 6),
            ("reactions", "❤️", "bob", 7),
        ],
    )];
    let (mut app, _) = with_page(options("carol", false), messages.clone());
    assert_eq!(
        chip_counts(&app, T1)[0],
        ("👍 1".to_string(), 1, true, false)
    );
    // `x`: one emoji of mine (though stored twice): both copies go, no chooser.
    let out = ch(&mut app, 'x');
    assert!(app.overlay.is_none());
    let sent: Vec<Timetoken> = removals(&out).into_iter().map(|r| r.1).collect();
    assert_eq!(sent, [Timetoken(T1.get() + 5), Timetoken(T1.get() + 6)]);
    // `+` toggles it off the same way.
    let (mut app, _) = with_page(options("carol", false), messages.clone());
    assert_eq!(removals(&ch(&mut app, '+')).len(), 2);
    // With two emoji, the chooser lists each once.
    let mut two = messages;
    two[0].actions.entry("reaction".into()).or_default().insert(
        "🎉".into(),
        vec![ActionRef {
            uuid: "carol".into(),
            action_timetoken: Timetoken(T1.get() + 8),
        }],
    );
    let (mut app, _) = with_page(options("carol", false), two);
    ch(&mut app, 'x');
    let Some(Overlay::Chooser { options, .. }) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    let listed: Vec<&str> = options.iter().map(|o| app.symbols.glyph(o.value)).collect();
    assert_eq!(listed, ["👍", "🎉"]);
    let out = key(&mut app, KeyCode::Enter);
    assert_eq!(removals(&out).len(), 2, "choosing 👍 removes both copies");
}

fn report_message(
    tt: Timetoken,
    reporter: &str,
    reported: Timetoken,
    author: &str,
    reason: &str,
) -> HistoryMessage {
    HistoryMessage {
        channel: moderation_channel(CH),
        timetoken: tt,
        message: serde_json::json!({
            "type": "report", "text": "stop it", "reason": reason,
            "reportedMessageChannelId": CH,
            "reportedMessageTimetoken": reported.to_string(),
            "reportedUserId": author,
        }),
        meta: None,
        uuid: Some(reporter.into()),
        custom_message_type: None,
        actions: Default::default(),
    }
}

/// A moderator's app with the demo loaded and `reports` as the first page of reports.
fn moderator_with_reports(reports: Vec<HistoryMessage>) -> App {
    let mut app = App::new(options("zed", true));
    let start = app.start();
    let moderation = moderation_channel(CH);
    assert!(start.contains(&Command::Subscribe(vec![CH.into()])));
    assert!(start.contains(&Command::SubscribeReports(vec![
        moderation.clone(),
        crate::moderation::LOG_CHANNEL.into()
    ])));
    let ops: Vec<(OpId, String)> = start
        .iter()
        .filter_map(|c| match c {
            Command::FetchHistory { op, channel, .. } => Some((*op, channel.clone())),
            _ => None,
        })
        .collect();
    let all = demo_history();
    for (op, channel) in ops {
        let messages = if channel == moderation {
            reports.clone()
        } else {
            all[all.len() - 25..].to_vec()
        };
        update(
            &mut app,
            Event::Api(op, ApiOutcome::History(Ok(page(messages)))),
        );
    }
    app
}

/// A moderator on the Reports screen with carol's report of bob's message: the app, the
/// reported message's timetoken and the report's.
fn one_report_on_screen() -> (App, Timetoken, Timetoken) {
    let all = demo_history();
    let reported = all[all.len() - 2].timetoken;
    let report_tt = Timetoken(reported.get() + 10);
    let report = report_message(report_tt, "carol", reported, "bob", "unfriendly");
    let mut app = moderator_with_reports(vec![report]);
    app.screen = Screen::Reports;
    (app, reported, report_tt)
}

#[test]
fn a_moderator_sees_reports_newest_first_and_live() {
    let all = demo_history();
    let (older, newer) = (all[all.len() - 3].timetoken, all[all.len() - 2].timetoken);
    let mut app = moderator_with_reports(vec![
        report_message(
            Timetoken(older.get() + 10),
            "carol",
            older,
            "bob",
            "unfriendly",
        ),
        report_message(Timetoken(newer.get() + 10), "erin", newer, "dave", "spam"),
    ]);
    assert_eq!(app.reports.open, 2);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Reports);
    let order: Vec<&str> = app.reports.newest_first(0).map(|r| &*r.reason).collect();
    assert_eq!(order, ["spam", "unfriendly"]);
    let live = update(
        &mut app,
        Event::Live(LiveEvent::Message {
            channel: moderation_channel(CH),
            timetoken: Timetoken(newer.get() + 20),
            publisher: Some("alice".into()),
            message: report_message(Timetoken(0), "alice", newer, "dave", "rude").message,
            meta: None,
        }),
    );
    assert!(live.redraw);
    assert_eq!(app.reports.open, 3);
    assert_eq!(app.reports.current().map(|r| &*r.reason), Some("rude"));
    // Not a moderator: no reports, and Tab skips them.
    let mut plain = loaded("carol", false);
    key(&mut plain, KeyCode::Tab);
    key(&mut plain, KeyCode::Tab);
    assert_eq!(plain.screen, Screen::Timeline);
}

#[test]
fn enter_on_a_report_shows_the_message_in_the_timeline_loading_down_to_it() {
    let all = demo_history();
    let loaded_tt = all[all.len() - 2].timetoken;
    let old_tt = all[2].timetoken;
    let mut app = moderator_with_reports(vec![
        report_message(
            Timetoken(old_tt.get() + 10),
            "carol",
            old_tt,
            "carol",
            "off topic",
        ),
        report_message(
            Timetoken(loaded_tt.get() + 10),
            "erin",
            loaded_tt,
            "dave",
            "spam",
        ),
    ]);
    app.screen = Screen::Reports;
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Timeline);
    assert_eq!(app.selected, Some(loaded_tt));
    app.screen = Screen::Reports;
    ch(&mut app, 'j');
    let out = key(&mut app, KeyCode::Enter);
    let Some(Command::RefreshHistory { op, end, .. }) = out.commands.first().cloned() else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(end, old_tt, "every message down to the reported one");
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(all[2..].to_vec())))),
    );
    assert_eq!(app.selected, Some(old_tt));
    assert!(!app.follow);
}

#[test]
fn a_report_is_resolved_with_what_was_done_stored_for_every_moderator_and_audited() {
    let (mut app, reported, report_tt) = one_report_on_screen();
    ch(&mut app, 'c');
    // Nothing typed: Enter keeps asking.
    let out = key(&mut app, KeyCode::Enter);
    assert!(out.commands.is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Resolve { .. })));
    for c in "warned bobx".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Backspace);
    let out = key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let Some(Command::AddAction {
        op,
        channel,
        message_tt,
        action_type,
        value,
    }) = out.commands.first().cloned()
    else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(channel, moderation_channel(CH));
    assert_eq!(
        (message_tt, action_type.as_str(), value.as_str()),
        (report_tt, "resolved", "warned bob")
    );
    assert_eq!(app.reports.open, 0, "shown resolved at once");
    let stored = StoredAction {
        action_timetoken: Timetoken(report_tt.get() + 5),
        message_timetoken: report_tt,
        action_type: "resolved".into(),
        uuid: "zed".into(),
        value: "warned bob".into(),
    };
    let done = update(
        &mut app,
        Event::Api(op, ApiOutcome::Added(Ok((stored, None)))),
    );
    // Recorded on the moderation log as it is done.
    let Some(Command::Record { record, .. }) = done.commands.first() else {
        panic!("{:?}", done.commands)
    };
    assert_eq!(
        (record.operation, record.reason.as_str()),
        (Operation::Resolve, "warned bob")
    );
    assert_eq!(record.channel, moderation_channel(CH));
    assert_eq!(notice(&app), "Report marked resolved: warned bob");
    // Another moderator's resolution of another report arrives live.
    let other = Timetoken(reported.get() + 30);
    update(
        &mut app,
        Event::Live(LiveEvent::Message {
            channel: moderation_channel(CH),
            timetoken: other,
            publisher: Some("erin".into()),
            message: report_message(other, "erin", reported, "bob", "spam").message,
            meta: None,
        }),
    );
    assert_eq!(app.reports.open, 1);
    update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: moderation_channel(CH),
            kind: ActionEventKind::Added,
            action: StoredAction {
                action_timetoken: Timetoken(other.get() + 1),
                message_timetoken: other,
                action_type: "resolved".into(),
                uuid: "yan".into(),
                value: "deleted the message".into(),
            },
        }),
    );
    assert_eq!(app.reports.open, 0);
}

/// Resolves the report on screen with `note`, the service storing it; returns the stored
/// resolution's timetoken and the commands that followed (its record).
fn resolve_stored(app: &mut App, report_tt: Timetoken, note: &str) -> (Timetoken, Vec<Command>) {
    ch(app, 'c');
    for c in note.chars() {
        ch(app, c);
    }
    let out = key(app, KeyCode::Enter);
    let Some(Command::AddAction { op, .. }) = out.commands.first().cloned() else {
        panic!("{:?}", out.commands)
    };
    let stored = StoredAction {
        action_timetoken: Timetoken(report_tt.get() + 5),
        message_timetoken: report_tt,
        action_type: "resolved".into(),
        uuid: "zed".into(),
        value: note.into(),
    };
    let tt = stored.action_timetoken;
    let done = update(app, Event::Api(op, ApiOutcome::Added(Ok((stored, None)))));
    (tt, done.commands)
}

/// Answers the resolution's record with a failure to write it; returns the take-back request.
fn record_fails(app: &mut App, commands: &[Command]) -> Command {
    let Some(Command::Record { op, .. }) = commands.first() else {
        panic!("{commands:?}")
    };
    let failed = ApiOutcome::AuditFailed("the moderation log could not be written: 403".into());
    let out = update(app, Event::Api(*op, failed));
    out.commands
        .first()
        .cloned()
        .expect("the resolution is taken back")
}

#[test]
fn a_resolution_whose_record_cannot_be_written_is_taken_back_and_the_report_stays_open() {
    let (mut app, _, report_tt) = one_report_on_screen();
    let (resolution_tt, commands) = resolve_stored(&mut app, report_tt, "warned bob");
    assert_eq!(app.reports.open, 0);
    let take_back = record_fails(&mut app, &commands);
    let Command::RemoveAction {
        op,
        channel,
        message_tt,
        action_tt,
        as_uuid,
    } = take_back
    else {
        panic!("{take_back:?}")
    };
    assert_eq!(channel, moderation_channel(CH));
    assert_eq!(
        (message_tt, action_tt, as_uuid),
        (report_tt, resolution_tt, None)
    );
    assert_eq!(app.reports.open, 1, "open again while it is taken back");
    assert!(notice(&app).contains("Not resolved"), "{}", notice(&app));
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Ok(None))));
    assert_eq!(app.reports.open, 1);
    let report = app.reports.get(report_tt).expect("the report");
    assert!(report.resolutions.is_empty(), "{:?}", report.resolutions);
    assert!(
        notice(&app).contains("could not be written") && notice(&app).contains("stays open"),
        "{}",
        notice(&app)
    );
}

#[test]
fn a_resolution_that_cannot_be_taken_back_either_says_which_to_remove() {
    let (mut app, _, report_tt) = one_report_on_screen();
    let (resolution_tt, commands) = resolve_stored(&mut app, report_tt, "warned bob");
    let Command::RemoveAction { op, .. } = record_fails(&mut app, &commands) else {
        panic!()
    };
    let down = Error::Network {
        message: "connection refused".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Err(down))));
    assert_eq!(app.reports.open, 0, "it still stands on the service");
    let said = notice(&app);
    assert!(
        said.contains("Resolved without a record") && said.contains(&resolution_tt.to_string()),
        "{said}"
    );
}

#[test]
fn a_failed_resolution_is_rolled_back_and_said() {
    let (mut app, _, _) = one_report_on_screen();
    ch(&mut app, 'c');
    ch(&mut app, 'x');
    let out = key(&mut app, KeyCode::Enter);
    let Some(Command::AddAction { op, .. }) = out.commands.first().cloned() else {
        panic!()
    };
    let denied = Error::AccessDenied {
        status: 403,
        message: "Forbidden".into(),
        refused: Vec::new(),
    };
    let done = update(&mut app, Event::Api(op, ApiOutcome::Added(Err(denied))));
    assert!(done.commands.is_empty(), "nothing audited");
    assert_eq!(app.reports.open, 1);
    assert!(
        notice(&app).contains("Could not mark the report resolved"),
        "{}",
        notice(&app)
    );
    assert!(notice(&app).contains("stays open"));
}

#[test]
fn after_a_reconnect_in_a_thread_the_channel_is_read_again_when_shown() {
    let thread = thread_channel(CH, T1);
    let messages = vec![hmsg(
        CH,
        T1,
        "alice",
        "lunch?",
        &[("threadRootId", &thread, "bob", 10)],
    )];
    let (mut app, _) = with_page(options("carol", false), messages);
    ch(&mut app, 't');
    let out = update(&mut app, Event::Connection(ConnectionEvent::Reconnected));
    assert!(
        out.commands.iter().all(|c| match c {
            Command::FetchHistory { channel, .. } | Command::RefreshHistory { channel, .. } =>
                *channel == thread,
            _ => true,
        }),
        "only the thread on screen is re-read now: {:?}",
        out.commands
    );
    let out = key(&mut app, KeyCode::Esc);
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::RefreshHistory { channel, end, .. } if channel == CH && *end == T1)),
        "{:?}",
        out.commands
    );
}

#[test]
fn the_actions_filter_finds_users_by_name_too() {
    let messages = vec![hmsg(CH, T1, "alice", "hi", &[("reaction", "👍", "bob", 5)])];
    let (mut app, commands) = with_page(options("carol", false), messages);
    let (op, _) = names_request(&commands);
    let found = vec![("bob".to_string(), Some("Robert Okafor".to_string()))];
    update(&mut app, Event::Api(op, ApiOutcome::Names(Ok(found))));
    let out = key(&mut app, KeyCode::Tab);
    let page = ActionsPage {
        actions: vec![
            stored(T1, T1.get() + 5, "bob", "👍"),
            stored(T1, T1.get() + 6, "dave", "🎉"),
        ],
        more: None,
    };
    update(
        &mut app,
        Event::Api(fetch_op(&out.commands), ApiOutcome::Actions(Ok(page))),
    );
    ch(&mut app, '/');
    for c in "robert".chars() {
        ch(&mut app, c);
    }
    let shown: Vec<Timetoken> = app
        .actions
        .display_from(None)
        .map(|r| r.action.action_tt)
        .collect();
    assert_eq!(shown, [Timetoken(T1.get() + 5)]);
}

#[test]
fn a_hard_deleted_message_vanishes_on_reload_and_one_that_came_live_stays() {
    let messages = vec![
        hmsg(CH, T1, "alice", "first", &[]),
        hmsg(CH, T2, "bob", "deleted for good", &[]),
    ];
    let (mut app, _) = with_page(options("carol", false), messages);
    app.selected = Some(T2);
    let out = ch(&mut app, 'R');
    live_message_with(&mut app, T3, "arrived meanwhile", &[]);
    let refresh = refresh_op(&out.commands);
    let page_now = page(vec![hmsg(CH, T1, "alice", "first", &[])]);
    update(
        &mut app,
        Event::Api(refresh, ApiOutcome::History(Ok(page_now))),
    );
    let left: Vec<Timetoken> = app.timeline.iter().map(|m| m.timetoken).collect();
    assert_eq!(left, [T1, T3]);
    assert!(
        app.selected
            .is_some_and(|tt| app.timeline.get(tt).is_some())
    );
}

#[test]
fn reports_that_cannot_be_live_leave_the_channel_live_and_say_so() {
    let mut app = moderator_with_reports(Vec::new());
    update(&mut app, Event::Connection(ConnectionEvent::Connected));
    update(
        &mut app,
        Event::Connection(ConnectionEvent::ReportsStopped(
            "live updates stopped: access denied (HTTP 403): Forbidden".into(),
        )),
    );
    assert_eq!(app.connection, Connection::Live);
    assert!(
        notice(&app).starts_with("Reports are not live: live updates stopped"),
        "{}",
        notice(&app)
    );
}
