//! `update` driven through every key and event, with no terminal and no network.

mod channels;
mod chat;
mod filter;
mod keys;
mod toolkit;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::demo::{Conversation, as_history};
use crate::moderation;
use crate::pubnub::{
    ActionEventKind, ActionsPage, Error, HistoryMessage, HistoryPage, LiveEvent, MoreBounds,
    StoredAction,
};

const CH: &str = "chats.room1";
const NOW: Timetoken = Timetoken(17_646_000_000_000_000);

fn options(user: &str, moderator: bool) -> Options {
    Options {
        moderator,
        audit_log_path: "/tmp/audit.jsonl".into(),
        ..Options::new(CH, user)
    }
}

fn demo_history() -> Vec<HistoryMessage> {
    as_history(&Conversation::bundled().plan(NOW), CH)
}

/// An app that has loaded the newest page of the demo conversation.
fn loaded(user: &str, moderator: bool) -> App {
    loaded_with(options(user, moderator))
}

/// The same with other options (a remapped keymap, say).
fn loaded_with(options: Options) -> App {
    let mut app = App::new(options);
    let commands = app.start();
    let Some(Command::FetchHistory {
        op, start: None, ..
    }) = commands.first().cloned()
    else {
        panic!("start must fetch the newest page: {commands:?}");
    };
    let all = demo_history();
    let newest = all[all.len() - 25..].to_vec();
    let out = update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(newest)))),
    );
    assert!(out.redraw);
    app
}

fn page(messages: Vec<HistoryMessage>) -> HistoryPage {
    HistoryPage {
        messages,
        more: None,
    }
}

fn key(app: &mut App, code: KeyCode) -> Outcome {
    update(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Outcome {
    key(app, KeyCode::Char(c))
}

/// What the loop reports after a frame with `messages` messages on the Timeline.
fn measured(app: &mut App, messages: usize) {
    let measures = Measured {
        timeline_messages: messages,
        ..Measured::default()
    };
    update(app, Event::Measured(measures));
}

fn last_tt(app: &App) -> Timetoken {
    app.timeline.last().map(|m| m.timetoken).unwrap()
}

fn chip_counts(app: &App, tt: Timetoken) -> Vec<(String, u32, bool, bool)> {
    let m = app.timeline.get(tt).unwrap();
    chips::chips(m, app.me, &app.kinds, &app.symbols)
        .iter()
        .map(|c| {
            (
                chips::chip_label(c, &app.symbols),
                c.count,
                c.mine,
                c.pending,
            )
        })
        .collect()
}

fn stored(mt: Timetoken, at: u64, uuid: &str, value: &str) -> StoredAction {
    StoredAction {
        action_timetoken: Timetoken(at),
        message_timetoken: mt,
        action_type: "reaction".into(),
        uuid: uuid.into(),
        value: value.into(),
    }
}

/// Alice's message `text` arriving live at `tt`, then each of `actions` on it.
fn live_message_with(app: &mut App, tt: Timetoken, text: &str, actions: &[StoredAction]) {
    update(
        app,
        Event::Live(LiveEvent::Message {
            channel: CH.into(),
            timetoken: tt,
            publisher: Some("alice".into()),
            message: serde_json::json!({ "text": text }),
            meta: None,
        }),
    );
    for action in actions {
        update(
            app,
            Event::Live(LiveEvent::Action {
                channel: CH.into(),
                kind: ActionEventKind::Added,
                action: action.clone(),
            }),
        );
    }
}

fn add_command(out: &Outcome) -> (OpId, Timetoken, String) {
    out.commands
        .iter()
        .find_map(|c| match c {
            Command::AddAction {
                op,
                message_tt,
                value,
                ..
            } => Some((*op, *message_tt, value.clone())),
            _ => None,
        })
        .expect("an AddAction command")
}

/// The records of a `RemoveRecorded` command: a moderator's removal, recorded before it is sent.
fn recorded_command(out: &Outcome) -> (OpId, Vec<AuditRecord>) {
    out.commands
        .iter()
        .find_map(|c| match c {
            Command::RemoveRecorded { op, records } => Some((*op, records.clone())),
            _ => None,
        })
        .expect("a RemoveRecorded command")
}

/// The worker's report that each record's removal went as `removal` says.
fn report(records: &[AuditRecord], removal: moderation::run::Removal) -> ApiOutcome {
    ApiOutcome::Chunk(moderation::run::ChunkReport {
        not_recorded: None,
        results: records
            .iter()
            .map(|r| (r.action(), removal.clone()))
            .collect(),
        at: NOW,
    })
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

fn remove_command(out: &Outcome) -> (OpId, Timetoken, Option<String>) {
    removals(out)
        .into_iter()
        .next()
        .expect("a RemoveAction command")
}

/// Every removal asked for: op, action timetoken, the owner it is sent as.
fn removals(out: &Outcome) -> Vec<(OpId, Timetoken, Option<String>)> {
    out.commands
        .iter()
        .filter_map(|c| match c {
            Command::RemoveAction {
                op,
                action_tt,
                as_uuid,
                ..
            } => Some((*op, *action_tt, as_uuid.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn first_page_selects_the_newest_message_and_follows() {
    let app = loaded("carol", false);
    assert_eq!(app.timeline.len(), 25);
    assert_eq!(app.selected, Some(last_tt(&app)));
    assert!(app.follow && app.newest_page == load::Load::Idle);
}

#[test]
fn j_k_arrows_page_keys_g_and_capital_g_move_the_selection() {
    let mut app = loaded("carol", false);
    let at = |app: &App| app.timeline.position(app.selected.unwrap()).unwrap();
    ch(&mut app, 'k');
    assert_eq!(at(&app), 23);
    assert!(!app.follow);
    key(&mut app, KeyCode::Up);
    assert_eq!(at(&app), 22);
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Down);
    assert_eq!(at(&app), 24);
    assert!(app.follow, "back on the newest message: following again");
    measured(&mut app, 5);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(at(&app), 19);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(at(&app), 24);
    let out = ch(&mut app, 'g');
    assert_eq!(at(&app), 0);
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::FetchHistory { start: Some(_), .. }))
    );
    ch(&mut app, 'G');
    assert_eq!(at(&app), 24);
    assert!(app.follow);
}

#[test]
fn reaching_the_top_loads_the_previous_page_without_moving_the_selection() {
    let mut app = loaded("carol", false);
    measured(&mut app, 30);
    let out = key(&mut app, KeyCode::PageUp);
    let Some(Command::FetchHistory {
        op,
        start: Some(start),
        ..
    }) = out.commands.first().cloned()
    else {
        panic!("expected an older page request: {:?}", out.commands);
    };
    assert_eq!(
        start,
        app.timeline.first().unwrap().timetoken,
        "start is exclusive: the oldest loaded"
    );
    assert_eq!(app.older_page, load::Load::Loading);
    let again = ch(&mut app, 'k');
    assert!(again.commands.is_empty(), "one page request at a time");
    let selected = app.selected;
    let all = demo_history();
    let older = all[..all.len() - 25].to_vec();
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(older)))),
    );
    assert_eq!(app.timeline.len(), all.len());
    assert_eq!(app.selected, selected, "what the user sees does not move");
    assert_eq!(app.older_page, load::Load::Idle);
    // The next request finds nothing older: the start of the channel is marked.
    let out = ch(&mut app, 'g');
    let Some(Command::FetchHistory { op, .. }) = out.commands.first().cloned() else {
        panic!()
    };
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(vec![])))),
    );
    assert!(app.timeline.reached_start);
    assert!(ch(&mut app, 'g').commands.is_empty());
}

#[test]
fn plus_adds_a_pending_thumbs_up_that_the_server_confirms() {
    let mut app = loaded("zoe", false);
    let tt = last_tt(&app);
    let out = ch(&mut app, '+');
    let (op, message_tt, value) = add_command(&out);
    assert_eq!((message_tt, value.as_str()), (tt, "👍"));
    assert_eq!(
        chip_counts(&app, tt)[0],
        ("👍 4".into(), 4, true, true),
        "shown at once, pending"
    );
    assert_eq!(app.pending_count(), 1);
    let confirmed = stored(tt, tt.get() + 999, "zoe", "👍");
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Added(Ok((confirmed.clone(), None)))),
    );
    assert_eq!(chip_counts(&app, tt)[0], ("👍 4".into(), 4, true, false));
    assert_eq!(app.pending_count(), 0);
    // Our own add coming back as a live event is not counted twice.
    update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind: ActionEventKind::Added,
            action: confirmed,
        }),
    );
    assert_eq!(chip_counts(&app, tt)[0].1, 4);
    // + again removes it, optimistically.
    let out = ch(&mut app, '+');
    let (op, action_tt, as_uuid) = remove_command(&out);
    assert_eq!((action_tt, as_uuid), (Timetoken(tt.get() + 999), None));
    assert_eq!(chip_counts(&app, tt)[0], ("👍 3".into(), 3, false, true));
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Ok(None))));
    assert_eq!(chip_counts(&app, tt)[0], ("👍 3".into(), 3, false, false));
}

#[test]
fn the_echo_arriving_before_the_response_is_not_counted_twice() {
    let mut app = loaded("zoe", false);
    let tt = last_tt(&app);
    let (op, _, _) = add_command(&ch(&mut app, '+'));
    let confirmed = stored(tt, tt.get() + 5, "zoe", "👍");
    update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind: ActionEventKind::Added,
            action: confirmed.clone(),
        }),
    );
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Added(Ok((confirmed, None)))),
    );
    assert_eq!(chip_counts(&app, tt)[0], ("👍 4".into(), 4, true, false));
}

#[test]
fn a_failed_add_is_rolled_back_and_said_so() {
    let mut app = loaded("zoe", false);
    let tt = last_tt(&app);
    let (op, _, _) = add_command(&ch(&mut app, '+'));
    let error = Error::AccessDenied {
        status: 403,
        message: "Forbidden".into(),
        refused: Vec::new(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Added(Err(error))));
    assert_eq!(chip_counts(&app, tt)[0], ("👍 3".into(), 3, false, false));
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error);
    assert!(
        notice.text.contains("Could not add 👍")
            && notice.text.contains("HTTP 403")
            && notice.text.contains("Forbidden"),
        "{}",
        notice.text
    );
}

#[test]
fn a_409_means_it_exists_and_the_state_is_corrected_quietly() {
    let mut app = loaded("zoe", false);
    let tt = last_tt(&app);
    let (op, _, _) = add_command(&ch(&mut app, '+'));
    let conflict = Error::Conflict {
        status: 409,
        message: "Action Already Added".into(),
    };
    let out = update(&mut app, Event::Api(op, ApiOutcome::Added(Err(conflict))));
    let Some(Command::FetchHistory {
        op: refresh,
        start: Some(s),
        end: Some(e),
        max: 1,
        ..
    }) = out.commands.first().cloned()
    else {
        panic!("expected a re-read of the message: {:?}", out.commands);
    };
    assert_eq!((s, e), (Timetoken(tt.get() + 1), tt));
    assert!(app.notice.is_none(), "quietly");
    let mut server_view = demo_history()
        .into_iter()
        .find(|m| m.timetoken == tt)
        .unwrap();
    server_view
        .actions
        .get_mut("reaction")
        .unwrap()
        .get_mut("👍")
        .unwrap()
        .push(crate::pubnub::ActionRef {
            uuid: "zoe".into(),
            action_timetoken: Timetoken(tt.get() + 77),
        });
    update(
        &mut app,
        Event::Api(refresh, ApiOutcome::History(Ok(page(vec![server_view])))),
    );
    assert_eq!(chip_counts(&app, tt)[0], ("👍 4".into(), 4, true, false));
}

#[test]
fn a_failed_removal_brings_the_reaction_back_with_the_reason() {
    let mut app = loaded("bob", false);
    let tt = last_tt(&app); // bob reacted 👍 to the newest demo message
    let (op, _, _) = remove_command(&ch(&mut app, '+'));
    assert_eq!(chip_counts(&app, tt)[0].1, 2);
    let error = Error::Network {
        message: "connection refused".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Err(error))));
    assert_eq!(chip_counts(&app, tt)[0], ("👍 3".into(), 3, true, false));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("connection refused")
    );
}

#[test]
fn nothing_to_delete_means_it_is_already_gone() {
    let mut app = loaded("bob", false);
    let tt = last_tt(&app);
    let (op, _, _) = remove_command(&ch(&mut app, '+'));
    let gone = Error::NothingToDelete {
        status: 400,
        message: "No matching message actions to delete".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Err(gone))));
    assert_eq!(chip_counts(&app, tt)[0], ("👍 2".into(), 2, false, false));
    assert!(app.notice.is_none());
}

#[test]
fn equals_toggles_the_first_reaction_already_there() {
    let mut app = loaded("zoe", false);
    let tt = last_tt(&app);
    let (_, message_tt, value) = add_command(&ch(&mut app, '='));
    assert_eq!((message_tt, value.as_str()), (tt, "👍"));
    // On a message without reactions it says what to do instead.
    let bare = app
        .timeline
        .iter()
        .find(|m| {
            m.actions
                .iter()
                .all(|a| !app.kinds.is_reaction(a.action.kind))
        })
        .map(|m| m.timetoken);
    if let Some(bare) = bare {
        app.selected = Some(bare);
        assert!(ch(&mut app, '=').commands.is_empty());
        assert!(app.notice.as_ref().unwrap().text.contains("No reactions"));
    }
}

#[test]
fn x_removes_my_only_reaction_at_once_else_asks_which() {
    let mut app = loaded("bob", false);
    let tt = last_tt(&app);
    let (_, _, as_uuid) = remove_command(&ch(&mut app, 'x'));
    assert_eq!(as_uuid, None);
    assert_eq!(chip_counts(&app, tt)[0].1, 2);
    // Two reactions of mine: a chooser.
    let mut app = loaded("carol", false);
    let tt = app.timeline.iter().find(|m| {
        m.actions
            .iter()
            .filter(|a| a.action.uuid == app.me && app.kinds.is_reaction(a.action.kind))
            .count()
            >= 2
    });
    let tt = match tt {
        Some(m) => m.timetoken,
        None => {
            let tt = last_tt(&app);
            for v in ["🎉", "🔥"] {
                update(
                    &mut app,
                    Event::Live(LiveEvent::Action {
                        channel: CH.into(),
                        kind: ActionEventKind::Added,
                        action: stored(tt, tt.get() + v.len() as u64, "carol", v),
                    }),
                );
            }
            tt
        }
    };
    app.selected = Some(tt);
    assert!(ch(&mut app, 'x').commands.is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Chooser { .. })));
    ch(&mut app, 'j');
    let out = key(&mut app, KeyCode::Enter);
    remove_command(&out);
    assert!(app.overlay.is_none());
    // No reaction of mine: says so.
    let mut app = loaded("nobody", false);
    assert!(ch(&mut app, 'x').commands.is_empty());
    assert!(app.notice.unwrap().text.contains("no reaction"));
}

#[test]
fn picker_searches_and_enter_toggles_the_choice() {
    let mut app = loaded("zoe", false);
    ch(&mut app, 'r');
    assert!(matches!(app.overlay, Some(Overlay::Picker(_))));
    for c in "thu".chars() {
        ch(&mut app, c);
    }
    let Some(Overlay::Picker(p)) = &app.overlay else {
        panic!()
    };
    assert_eq!(p.current(&app.emoji).map(|e| e.glyph), Some("👍"));
    let out = key(&mut app, KeyCode::Enter);
    let (_, _, value) = add_command(&out);
    assert_eq!(value, "👍");
    assert!(app.overlay.is_none());
    assert!(
        out.commands
            .contains(&Command::SaveRecent(vec!["👍".into()]))
    );
    // ':' opens it too, Esc closes without doing anything; recent comes first.
    ch(&mut app, ':');
    let Some(Overlay::Picker(p)) = &app.overlay else {
        panic!()
    };
    assert_eq!(p.current(&app.emoji).map(|e| e.glyph), Some("👍"));
    assert!(key(&mut app, KeyCode::Esc).commands.is_empty());
    assert!(app.overlay.is_none());
}

#[test]
fn shortcode_style_stores_the_name() {
    let mut opts = options("zoe", false);
    opts.reaction_value = ReactionValueStyle::Shortcode;
    opts.reaction_type = Some("reactions".into());
    let mut app = App::new(opts);
    let commands = app.start();
    let Some(Command::FetchHistory { op, .. }) = commands.first().cloned() else {
        panic!()
    };
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(demo_history())))),
    );
    let out = ch(&mut app, '+');
    let Some(Command::AddAction {
        action_type, value, ..
    }) = out.commands.first().cloned()
    else {
        panic!()
    };
    assert_eq!(
        (action_type.as_str(), value.as_str()),
        ("reactions", "thumbsup")
    );
    // Both types count as reactions and spellings group: 3 demo 👍 + our thumbsup.
    assert_eq!(chip_counts(&app, last_tt(&app))[0].1, 4);
}

#[test]
fn details_opens_on_enter_or_i_and_reads_the_message_again() {
    let mut app = loaded("carol", false);
    let tt = last_tt(&app);
    let out = key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Details(v) if v.message_tt == tt && v.refreshing));
    assert!(matches!(
        out.commands.first(),
        Some(Command::FetchHistory { max: 1, .. })
    ));
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Timeline);
    ch(&mut app, 'i');
    assert!(matches!(app.screen, Screen::Details(_)));
    ch(&mut app, 'q');
    assert_eq!(
        app.screen,
        Screen::Timeline,
        "q leaves Details before quitting"
    );
}

#[test]
fn d_on_another_users_action_needs_moderator_mode() {
    let mut app = loaded("carol", false);
    key(&mut app, KeyCode::Enter); // Details of alice's message; first entry is bob's 👍
    let out = ch(&mut app, 'd');
    assert!(out.commands.is_empty());
    let n = app.notice.clone().unwrap();
    assert!(
        n.is_error && n.text.contains("--moderator") && n.text.contains("bob"),
        "{}",
        n.text
    );
}

#[test]
fn moderator_removal_asks_first_takes_a_reason_and_is_recorded_before_it_is_sent() {
    let mut app = loaded("mod", true);
    let tt = last_tt(&app);
    key(&mut app, KeyCode::Enter);
    assert!(ch(&mut app, 'd').commands.is_empty());
    let Some(Overlay::Confirm { prompt, .. }) = app.overlay.clone() else {
        panic!("expected a confirmation")
    };
    assert_eq!(
        prompt,
        "Remove bob's 👍 from 'lunch at noon? Last planning sync befor…'?"
    );
    // Esc keeps it; typed letters are the reason, not answers.
    assert!(key(&mut app, KeyCode::Esc).commands.is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text == "Nothing removed")
    );
    assert_eq!(chip_counts(&app, tt)[0].1, 3);
    ch(&mut app, 'd');
    type_text(&mut app, "spamx");
    key(&mut app, KeyCode::Backspace);
    assert!(matches!(&app.overlay, Some(Overlay::Confirm { reason, .. }) if reason == "spam"));
    let out = key(&mut app, KeyCode::Enter);
    let (op, records) = recorded_command(&out);
    let [record] = records.as_slice() else {
        panic!("one record: {records:?}")
    };
    assert_eq!(record.moderator, "mod");
    assert_eq!(record.channel, CH);
    assert_eq!(record.message_timetoken, tt);
    assert_eq!(record.operation, moderation::Operation::Remove);
    assert_eq!(record.reason, "spam");
    assert_eq!(
        (record.author.as_str(), record.value.as_str()),
        ("bob", "👍")
    );
    assert!(record.excerpt.starts_with("lunch at noon?"));
    assert_eq!(chip_counts(&app, tt)[0].1, 2, "hidden at once, pending");
    update(
        &mut app,
        Event::Api(op, report(&records, moderation::run::Removal::Removed)),
    );
    assert_eq!(chip_counts(&app, tt)[0].1, 2);
    assert!(
        app.notice
            .unwrap()
            .text
            .contains("Removed bob's 👍 (recorded)")
    );
}

#[test]
fn a_removal_whose_record_cannot_be_written_is_not_done_and_says_why() {
    let mut app = loaded("mod", true);
    let tt = last_tt(&app);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    let (op, records) = recorded_command(&key(&mut app, KeyCode::Enter));
    assert_eq!(chip_counts(&app, tt)[0].1, 2);
    let refused = moderation::run::ChunkReport {
        not_recorded: Some("the moderation log reactions.moderation-log refused the record".into()),
        results: records
            .iter()
            .map(|r| {
                (
                    r.action(),
                    moderation::run::Removal::NotRecorded("refused".into()),
                )
            })
            .collect(),
        at: NOW,
    };
    update(&mut app, Event::Api(op, ApiOutcome::Chunk(refused)));
    assert_eq!(
        chip_counts(&app, tt)[0].1,
        3,
        "rolled back: nothing removed"
    );
    let n = app.notice.clone().unwrap();
    assert!(n.is_error, "{n:?}");
    assert!(
        n.text.starts_with("Not removed: bob's 👍 stays")
            && n.text.contains("reactions.moderation-log"),
        "{}",
        n.text
    );
}

fn actions_page(n: usize) -> ActionsPage {
    let mut all: Vec<StoredAction> = demo_history()
        .iter()
        .flat_map(|m| m.stored_actions())
        .collect();
    all.sort_by_key(|a| a.action_timetoken);
    let start = all.len() - n;
    ActionsPage {
        more: Some(MoreBounds {
            start: Some(all[start].action_timetoken),
            end: None,
            limit: Some(n as u32),
        }),
        actions: all[start..].to_vec(),
    }
}

#[test]
fn tab_opens_the_actions_screen_which_pages_as_the_user_scrolls() {
    let mut app = loaded("carol", false);
    let out = key(&mut app, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Actions);
    let Some(Command::FetchActions {
        op,
        start: None,
        limit: 100,
        ..
    }) = out.commands.first().cloned()
    else {
        panic!("{:?}", out.commands)
    };
    let first = actions_page(20);
    let newest = first.actions.last().unwrap().action_timetoken;
    let oldest = first.actions[0].action_timetoken;
    update(&mut app, Event::Api(op, ApiOutcome::Actions(Ok(first))));
    assert_eq!(app.actions.selected, Some(newest), "newest first");
    assert!(
        ch(&mut app, 'j').commands.is_empty(),
        "far from the end: nothing to load yet"
    );
    let out = ch(&mut app, 'G');
    assert_eq!(app.actions.selected, Some(oldest));
    let Some(Command::FetchActions {
        start: Some(start), ..
    }) = out.commands.first().cloned()
    else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(
        start, oldest,
        "the next page starts before the oldest loaded (exclusive)"
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Timeline);
}

/// Opens the Actions screen with the newest 40 demo actions and filters them by `text`.
fn actions_filtered_by(app: &mut App, text: &str) {
    let Some(Command::FetchActions { op, .. }) = key(app, KeyCode::Tab).commands.first().cloned()
    else {
        panic!("Tab must load the actions")
    };
    update(
        app,
        Event::Api(op, ApiOutcome::Actions(Ok(actions_page(40)))),
    );
    ch(app, '/');
    assert!(app.actions.editing_filter);
    for c in text.chars() {
        ch(app, c);
    }
    key(app, KeyCode::Enter);
    assert!(!app.actions.editing_filter);
}

#[test]
fn slash_filters_actions_by_user_type_or_value() {
    let mut app = loaded("carol", false);
    actions_filtered_by(&mut app, "erin");
    let shown: Vec<&str> = app
        .actions
        .display_from(None)
        .map(|r| app.symbols.raw(r.action.uuid))
        .collect();
    assert!(!shown.is_empty() && shown.iter().all(|u| *u == "erin"));
    let selected = app
        .actions
        .selected
        .and_then(|tt| app.actions.get(tt))
        .unwrap();
    assert_eq!(app.symbols.raw(selected.action.uuid), "erin");
    key(&mut app, KeyCode::Esc);
    assert!(app.actions.filter.is_empty());
}

#[test]
fn d_in_actions_removes_my_own_action() {
    let mut app = loaded("alice", false);
    actions_filtered_by(&mut app, "alice");
    let selected = app.actions.selected.unwrap();
    let (_, action_tt, as_uuid) = remove_command(&ch(&mut app, 'd'));
    assert_eq!((action_tt, as_uuid), (selected, None));
    assert!(
        app.actions.get(selected).is_none(),
        "gone from the list at once"
    );
}

#[test]
fn live_messages_append_and_follow_only_at_the_bottom() {
    let mut app = loaded("carol", false);
    let msg = |tt: u64| LiveEvent::Message {
        channel: CH.into(),
        timetoken: Timetoken(tt),
        publisher: Some("erin".into()),
        message: serde_json::json!({"text": "new"}),
        meta: None,
    };
    let t1 = NOW.get() + 1;
    assert!(update(&mut app, Event::Live(msg(t1))).redraw);
    assert_eq!(app.selected, Some(Timetoken(t1)), "at the bottom: follows");
    ch(&mut app, 'k');
    let before = app.selected;
    update(&mut app, Event::Live(msg(t1 + 1)));
    assert_eq!(app.selected, before, "scrolled up: stays");
    assert_eq!(app.timeline.len(), 27);
    assert!(
        !update(&mut app, Event::Live(msg(t1 + 1))).redraw,
        "duplicates ignored"
    );
    let other = LiveEvent::Message {
        channel: "elsewhere".into(),
        timetoken: Timetoken(t1 + 9),
        publisher: None,
        message: serde_json::json!("x"),
        meta: None,
    };
    assert!(!update(&mut app, Event::Live(other)).redraw);
}

#[test]
fn live_action_events_update_chips() {
    let mut app = loaded("carol", false);
    let tt = last_tt(&app);
    let a = stored(tt, tt.get() + 500, "frank", "😂");
    assert!(
        update(
            &mut app,
            Event::Live(LiveEvent::Action {
                channel: CH.into(),
                kind: ActionEventKind::Added,
                action: a.clone()
            })
        )
        .redraw
    );
    assert!(chip_counts(&app, tt).iter().any(|c| c.0 == "😂 1"));
    update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind: ActionEventKind::Removed,
            action: a,
        }),
    );
    assert!(!chip_counts(&app, tt).iter().any(|c| c.0.starts_with("😂")));
}

#[test]
fn connection_states_show_and_a_reconnect_refreshes_what_is_loaded() {
    let mut app = loaded("carol", false);
    update(&mut app, Event::Connection(ConnectionEvent::Connected));
    assert_eq!(app.connection, Connection::Live);
    assert!(!app.wants_ticks(), "no timers while idle");
    let retry_at = Timetoken(NOW.get() + 5 * 10_000_000);
    update(
        &mut app,
        Event::Connection(ConnectionEvent::Reconnecting {
            attempt: 1,
            now: NOW,
            retry_at,
            error: "network error: refused".into(),
        }),
    );
    assert!(app.wants_ticks());
    assert_eq!(app.now, NOW, "the countdown starts from the report");
    update(&mut app, Event::Tick(Timetoken(NOW.get() + 2 * 10_000_000)));
    assert_eq!(app.now, Timetoken(NOW.get() + 2 * 10_000_000));
    assert!(app.wants_ticks(), "3 s still to count");
    let last = update(&mut app, Event::Tick(Timetoken(NOW.get() + 5 * 10_000_000)));
    assert!(last.redraw, "the count's end is drawn");
    assert!(
        !app.wants_ticks(),
        "no ticks once the attempt is due: it may take long"
    );
    let out = update(&mut app, Event::Connection(ConnectionEvent::Reconnected));
    assert_eq!(app.connection, Connection::Live);
    let oldest = app.timeline.first().unwrap().timetoken;
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::RefreshHistory { end, .. } if *end == oldest))
    );
}

#[test]
fn capital_r_reloads_help_toggles_and_q_or_ctrl_c_quit() {
    let mut app = loaded("carol", false);
    assert!(
        ch(&mut app, 'R')
            .commands
            .iter()
            .any(|c| matches!(c, Command::RefreshHistory { .. }))
    );
    ch(&mut app, '?');
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    ch(&mut app, 'x');
    assert!(app.overlay.is_none(), "any other key closes help");
    let out = ch(&mut app, 'q');
    assert!(app.quit && out.commands.contains(&Command::Quit));
    let mut app = loaded("carol", false);
    let out = update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(app.quit && out.commands.contains(&Command::Quit));
}

#[test]
fn mouse_wheel_scrolls_click_selects_and_a_chip_click_toggles() {
    let mut app = loaded("zoe", false);
    update(&mut app, Event::Mouse(MouseTarget::ScrollUp));
    assert_eq!(app.timeline.position(app.selected.unwrap()), Ok(21));
    update(&mut app, Event::Mouse(MouseTarget::ScrollDown));
    assert_eq!(app.timeline.position(app.selected.unwrap()), Ok(24));
    let first = app.timeline.first().unwrap().timetoken;
    update(&mut app, Event::Mouse(MouseTarget::Message(first)));
    assert_eq!(app.selected, Some(first));
    let tt = last_tt(&app);
    let up = app.symbols.lookup("👍").unwrap();
    let out = update(
        &mut app,
        Event::Mouse(MouseTarget::Chip {
            message_tt: tt,
            value: up,
        }),
    );
    let (_, message_tt, value) = add_command(&out);
    assert_eq!((message_tt, value.as_str()), (tt, "👍"));
    assert_eq!(app.selected, Some(tt));
}

#[test]
fn a_failed_first_load_says_why_and_r_retries() {
    let mut app = App::new(options("carol", false));
    let Some(Command::FetchHistory { op, .. }) = app.start().first().cloned() else {
        panic!()
    };
    let e = Error::Network {
        message: "connection refused".into(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::History(Err(e))));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("connection refused")
    );
    assert!(
        ch(&mut app, 'R')
            .commands
            .iter()
            .any(|c| matches!(c, Command::FetchHistory { start: None, .. }))
    );
}

#[test]
fn actions_of_messages_outside_the_timeline_get_their_texts_fetched() {
    let mut app = loaded("carol", false);
    let Some(Command::FetchActions { op, .. }) =
        key(&mut app, KeyCode::Tab).commands.first().cloned()
    else {
        panic!("Tab loads actions")
    };
    let listed = actions_page(100);
    let unloaded: Vec<Timetoken> = listed
        .actions
        .iter()
        .map(|a| a.message_timetoken)
        .filter(|tt| app.timeline.get(*tt).is_none())
        .collect();
    assert!(
        !unloaded.is_empty(),
        "the page reaches past the loaded messages"
    );
    let out = update(&mut app, Event::Api(op, ApiOutcome::Actions(Ok(listed))));
    let Some(Command::FetchMessageTexts { op, start, end, .. }) = out.commands.first().cloned()
    else {
        panic!("expected a text fetch: {:?}", out.commands)
    };
    let (low, high) = (
        unloaded.iter().min().copied().unwrap(),
        unloaded.iter().max().copied().unwrap(),
    );
    assert_eq!(
        (end, start),
        (low, Timetoken(high.get() + 1)),
        "exactly the unloaded span"
    );
    assert_eq!(app.message_text(low), None);
    let texts: Vec<HistoryMessage> = demo_history()
        .into_iter()
        .filter(|m| m.timetoken >= low && m.timetoken <= high)
        .collect();
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(texts)))),
    );
    assert!(app.message_text(low).is_some_and(|t| !t.is_empty()));
    assert_eq!(app.timeline.len(), 25, "the Timeline itself is unchanged");
    // Details opened from Actions goes back to Actions.
    app.actions.selected = app.actions.newest();
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Details(_)));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Actions);
}

#[test]
fn picker_ranks_the_exact_name_first_then_prefixes_recent_first() {
    let glyph = |name: &str| emojis::get_by_shortcode(name).map(|e| e.as_str()).unwrap();
    let mut app = loaded("zoe", false);
    app.emoji.used(glyph("heartbeat"));
    ch(&mut app, 'r');
    for c in "heart".chars() {
        ch(&mut app, c);
    }
    let Some(Overlay::Picker(p)) = &app.overlay else {
        panic!("the picker is open")
    };
    let listed: Vec<&str> = p
        .results
        .iter()
        .filter_map(|&i| app.emoji.entry(i).map(|e| e.glyph))
        .collect();
    let at = |name: &str| listed.iter().position(|g| *g == glyph(name)).unwrap();
    assert_eq!(
        listed[0],
        glyph("heart"),
        "the exact name first: {listed:?}"
    );
    assert_eq!(listed[1], glyph("heartbeat"), "then prefixes, recent first");
    assert!(
        at("heart_eyes") < at("black_heart"),
        "prefix before word prefix"
    );
    // Typing `thu` still finds 👍 first.
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'r');
    for c in "thu".chars() {
        ch(&mut app, c);
    }
    let Some(Overlay::Picker(p)) = &app.overlay else {
        panic!("the picker is open")
    };
    assert_eq!(p.current(&app.emoji).map(|e| e.glyph), Some("👍"));
    // A shortcode written with its colons, as the picker shows them.
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'r');
    for c in ":heart:".chars() {
        ch(&mut app, c);
    }
    let Some(Overlay::Picker(p)) = &app.overlay else {
        panic!("the picker is open")
    };
    assert_eq!(p.current(&app.emoji).map(|e| e.glyph), Some(glyph("heart")));
}

#[test]
fn the_moderator_sees_a_shortcode_value_as_stored_next_to_its_emoji() {
    let mut app = loaded("mod", true);
    let tt = Timetoken(last_tt(&app).get() + 10);
    let x = stored(tt, tt.get() + 1, "anonymous", "x");
    live_message_with(&mut app, tt, "short note", &[x]);
    assert_eq!(
        chip_counts(&app, tt)[0].0,
        "❌ 1",
        "the chip shows just the emoji"
    );
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    let Some(Overlay::Confirm { prompt, .. }) = app.overlay.clone() else {
        panic!("expected a confirmation")
    };
    assert_eq!(prompt, "Remove anonymous's ❌ (x) from 'short note'?");
    let (op, records) = recorded_command(&key(&mut app, KeyCode::Enter));
    assert_eq!(records[0].value, "x");
    update(
        &mut app,
        Event::Api(op, report(&records, moderation::run::Removal::Removed)),
    );
    assert!(
        app.notice
            .unwrap()
            .text
            .contains("Removed anonymous's ❌ (x)")
    );
}

#[test]
fn a_flag_reaction_shows_as_text_and_toggles_off() {
    let mut app = loaded("carol", false);
    let tt = last_tt(&app);
    update(
        &mut app,
        Event::Live(LiveEvent::Action {
            channel: CH.into(),
            kind: ActionEventKind::Added,
            action: stored(tt, tt.get() + 1, "carol", "🇶🇦"),
        }),
    );
    let flag = chip_counts(&app, tt)
        .into_iter()
        .find(|c| c.0.starts_with(":qatar:"));
    assert_eq!(flag, Some((":qatar: 1".into(), 1, true, false)));
    let value = app.symbols.lookup("🇶🇦").unwrap();
    let out = update(
        &mut app,
        Event::Mouse(MouseTarget::Chip {
            message_tt: tt,
            value,
        }),
    );
    let (op, action_tt, _) = remove_command(&out);
    assert_eq!(action_tt, Timetoken(tt.get() + 1), "mine, so removed");
    update(&mut app, Event::Api(op, ApiOutcome::Removed(Ok(None))));
    // Picked again, it is stored and remembered as the flag itself.
    ch(&mut app, 'r');
    for c in "qatar".chars() {
        ch(&mut app, c);
    }
    let out = key(&mut app, KeyCode::Enter);
    assert_eq!(add_command(&out).2, "🇶🇦");
    assert!(
        out.commands
            .contains(&Command::SaveRecent(vec!["🇶🇦".into()]))
    );
}

#[test]
fn details_reads_through_a_long_text_before_selecting_and_removes_only_what_is_on_screen() {
    let mut app = loaded("bob", false);
    let tt = Timetoken(last_tt(&app).get() + 10);
    let text: Vec<String> = (1..=60).map(|n| format!("line {n}")).collect();
    let mine = stored(tt, tt.get() + 1, "bob", "👍");
    live_message_with(&mut app, tt, &text.join("\n"), &[mine]);
    key(&mut app, KeyCode::Enter);
    let view = |app: &App| match app.screen {
        Screen::Details(view) => view,
        _ => panic!("in Details"),
    };
    // What the loop reports after drawing: 60 lines of text, 20 rows on screen.
    let out = update(
        &mut app,
        Event::Measured(Measured {
            details: details::DetailsLayout {
                text_lines: 60,
                height: 20,
            },
            ..Measured::default()
        }),
    );
    assert!(!out.redraw, "measuring changes nothing on screen");
    assert_eq!(view(&app).layout.height, 20);
    assert_eq!(app.page_size(), 19, "a page keeps one line in view");
    assert!(
        ch(&mut app, 'd').commands.is_empty(),
        "my 👍 is not on screen yet: nothing removed unseen"
    );
    ch(&mut app, 'j');
    assert_eq!(view(&app).top, 1, "j reads on through the text");
    key(&mut app, KeyCode::PageDown);
    assert_eq!(view(&app).top, 20, "a page of lines");
    ch(&mut app, 'G');
    assert_eq!(view(&app).top, 43, "the end: 63 lines, 20 on screen");
    remove_command(&ch(&mut app, 'd'));
    ch(&mut app, 'g');
    assert_eq!(view(&app).top, 0);
}

/// The op of the first history or actions fetch among `commands`.
fn fetch_op(commands: &[Command]) -> OpId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchHistory { op, .. } | Command::FetchActions { op, .. } => Some(*op),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no fetch in {commands:?}"))
}

#[test]
fn started_while_the_service_is_down_it_loads_once_the_subscription_connects() {
    let mut app = App::new(options("carol", false));
    let op = fetch_op(&app.start());
    let refused = || Error::Network {
        message: "Connection refused".into(),
    };
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Err(refused()))),
    );
    assert!(
        matches!(&app.newest_page, load::Load::Failed(why) if why.contains("refused")),
        "the empty screen says the load failed, and why"
    );
    assert!(app.notice.as_ref().is_some_and(|n| n.is_error));
    // The Actions screen opened meanwhile fails too.
    let op = fetch_op(&key(&mut app, KeyCode::Tab).commands);
    update(
        &mut app,
        Event::Api(op, ApiOutcome::Actions(Err(refused()))),
    );
    assert!(
        matches!(
            &app.actions.pages,
            actions_view::Pages::First(load::Load::Failed(_))
        ),
        "{:?}",
        app.actions.pages
    );

    // The subscription's first handshake succeeds once the service is back: load both.
    let out = update(&mut app, Event::Connection(ConnectionEvent::Connected));
    assert_eq!(app.connection, Connection::Live);
    let history = out
        .commands
        .iter()
        .find_map(|c| match c {
            Command::FetchHistory {
                op, start: None, ..
            } => Some(*op),
            _ => None,
        })
        .expect("the newest page is asked for again");
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::FetchActions { start: None, .. })),
        "and the first page of actions: {:?}",
        out.commands
    );
    let all = demo_history();
    update(
        &mut app,
        Event::Api(
            history,
            ApiOutcome::History(Ok(page(all[all.len() - 25..].to_vec()))),
        ),
    );
    assert!(app.newest_page == load::Load::Idle && app.timeline.len() == 25);
    assert_eq!(app.notice, None, "the load error went away with the load");
}

#[test]
fn a_notice_lasts_until_the_next_key_which_may_bring_its_own() {
    let mut app = loaded("zoe", false);
    ch(&mut app, 'x');
    assert!(app.notice.is_some(), "x without a reaction of mine says so");
    let out = ch(&mut app, 'k');
    assert_eq!(app.notice, None, "the next key clears it");
    assert!(out.redraw, "and the status bar is redrawn without it");
    ch(&mut app, 'x');
    assert!(app.notice.is_some(), "a key's own notice stays");
}

#[test]
fn the_actions_filter_searches_older_pages_until_it_finds_enough() {
    let mut app = loaded("carol", false);
    let op = fetch_op(&key(&mut app, KeyCode::Tab).commands);
    let mt = last_tt(&app);
    let rows = |from: u64| -> Vec<StoredAction> {
        (from..from + 100)
            .map(|i| stored(mt, NOW.get() + i, "alice", "👍"))
            .collect()
    };
    let more = |start: u64| {
        Some(MoreBounds {
            start: Some(Timetoken(NOW.get() + start)),
            end: None,
            limit: Some(100),
        })
    };
    update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::Actions(Ok(ActionsPage {
                actions: rows(1_000),
                more: more(1_000),
            })),
        ),
    );
    ch(&mut app, '/');
    let typed: Vec<Command> = "erin"
        .chars()
        .flat_map(|c| ch(&mut app, c).commands)
        .collect();
    let op = fetch_op(&typed);
    assert!(
        typed
            .iter()
            .any(|c| matches!(c, Command::FetchActions { start: Some(s), .. } if *s == Timetoken(NOW.get() + 1_000))),
        "no loaded row matches: the next page is asked for: {typed:?}"
    );
    // Still nothing: on to the page after.
    let out = update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::Actions(Ok(ActionsPage {
                actions: rows(900),
                more: more(900),
            })),
        ),
    );
    let op = fetch_op(&out.commands);
    let mut found = rows(800);
    for a in found.iter_mut().take(12) {
        a.uuid = "erin".into();
    }
    let out = update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::Actions(Ok(ActionsPage {
                actions: found,
                more: more(800),
            })),
        ),
    );
    assert!(
        !out.commands
            .iter()
            .any(|c| matches!(c, Command::FetchActions { .. })),
        "a screenful found: the search stops"
    );
    let selected = app.actions.selected.and_then(|tt| app.actions.get(tt));
    assert_eq!(
        selected.map(|r| app.symbols.raw(r.action.uuid)),
        Some("erin"),
        "the first match is selected"
    );
}

#[test]
fn a_reload_drops_actions_removed_meanwhile_and_a_gone_action_is_said_so() {
    let mut app = loaded("mod", true);
    let op = fetch_op(&key(&mut app, KeyCode::Tab).commands);
    let mt = last_tt(&app);
    let listed = vec![
        stored(mt, NOW.get() + 1, "jan", "🎈"),
        stored(mt, NOW.get() + 2, "jan", "🪁"),
    ];
    let answer = |actions: Vec<StoredAction>| {
        ApiOutcome::Actions(Ok(ActionsPage {
            actions,
            more: None,
        }))
    };
    update(&mut app, Event::Api(op, answer(listed.clone())));
    assert_eq!(app.actions.len(), 2);
    // 🎈 was removed while we were away: R lists what the server has.
    let op = fetch_op(&ch(&mut app, 'R').commands);
    update(&mut app, Event::Api(op, answer(listed[1..].to_vec())));
    assert_eq!(app.actions.len(), 1);
    assert!(app.actions.get(Timetoken(NOW.get() + 1)).is_none());
    assert_eq!(app.actions.selected, Some(Timetoken(NOW.get() + 2)));

    // The moderator removes 🪁, which someone else removed a moment before.
    ch(&mut app, 'd');
    let (op, records) = recorded_command(&key(&mut app, KeyCode::Enter));
    let out = update(
        &mut app,
        Event::Api(op, report(&records, moderation::run::Removal::AlreadyGone)),
    );
    assert!(out.commands.is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("already gone"))
    );
    assert!(app.actions.is_empty());
}

#[test]
fn capital_r_while_waiting_to_reconnect_asks_to_retry_now() {
    let mut app = loaded("carol", false);
    update(&mut app, Event::Connection(ConnectionEvent::Connected));
    assert!(
        !ch(&mut app, 'R')
            .commands
            .contains(&Command::RetryConnection)
    );
    update(
        &mut app,
        Event::Connection(ConnectionEvent::Reconnecting {
            attempt: 3,
            now: NOW,
            retry_at: Timetoken(NOW.get() + 20 * 10_000_000),
            error: "network error: refused".into(),
        }),
    );
    assert!(
        ch(&mut app, 'R')
            .commands
            .contains(&Command::RetryConnection)
    );
}

/// The refresh a command asks for: (op, start, end).
fn refresh_command(commands: &[Command]) -> Option<(OpId, Option<Timetoken>, Timetoken)> {
    commands.iter().find_map(|c| match c {
        Command::RefreshHistory { op, start, end, .. } => Some((*op, *start, *end)),
        _ => None,
    })
}

#[test]
fn r_refreshes_page_by_page_down_to_the_oldest_loaded_message() {
    let mut app = loaded("carol", false);
    let all = demo_history();
    let loaded_now: Vec<HistoryMessage> = all[all.len() - 25..].to_vec();
    let oldest = loaded_now[0].timetoken;
    let (op, start, end) = refresh_command(&ch(&mut app, 'R').commands).expect("R refreshes");
    assert_eq!(
        (start, end),
        (None, oldest),
        "the newest page first, down to the oldest loaded"
    );

    // The newest 10, then the 15 older: each page merged as it comes, the next asked for then.
    let mut older = loaded_now[..15].to_vec();
    let newer = loaded_now[15..].to_vec();
    let out = update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(newer.clone())))),
    );
    let (op, start, end) = refresh_command(&out.commands).expect("the next page");
    assert_eq!((start, end), (Some(newer[0].timetoken), oldest));
    // Meanwhile someone reacted to the oldest loaded message: the second page brings it.
    let target = older[0].timetoken;
    older[0]
        .actions
        .entry("reaction".into())
        .or_default()
        .entry("🦉".into())
        .or_default()
        .push(crate::pubnub::ActionRef {
            uuid: "zed".into(),
            action_timetoken: Timetoken(target.get() + 7),
        });
    let out = update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page(older)))),
    );
    assert_eq!(
        refresh_command(&out.commands),
        None,
        "done at the oldest loaded message"
    );
    assert!(
        chip_counts(&app, target)
            .iter()
            .any(|(v, n, ..)| v == "🦉 1" && *n == 1),
        "{:?}",
        chip_counts(&app, target)
    );
    assert_eq!(app.timeline.len(), 25, "nothing added or lost");
}

/// The status bar's notice, or nothing.
fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}
