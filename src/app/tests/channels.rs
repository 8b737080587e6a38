//! Many channels: the switcher, new messages counted in the others, and each channel keeping
//! its place, selection and loaded pages while another is on screen.

use super::*;
use crate::app::channels::{self, ChannelMemory};
use crate::pubnub::MessageCounts;

const SUPPORT: &str = "chats.support";

fn ctrl(app: &mut App, c: char) -> Outcome {
    update(
        app,
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// The demo channel loaded, with `chats.support` configured too and seen before at `seen`.
fn two_channels(seen: Option<Timetoken>) -> App {
    let mut memory = ChannelMemory::default();
    if let Some(seen) = seen {
        memory.last_seen.insert(SUPPORT.into(), seen);
    }
    loaded_with(Options {
        channels: vec![CH.into(), SUPPORT.into()],
        channel_memory: memory,
        ..options("carol", false)
    })
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

fn history_fetch(out: &Outcome) -> Option<(OpId, String)> {
    out.commands.iter().find_map(|c| match c {
        Command::FetchHistory {
            op,
            channel,
            start: None,
            ..
        } => Some((*op, channel.clone())),
        _ => None,
    })
}

fn subscribed(out: &Outcome) -> Option<Vec<String>> {
    out.commands.iter().find_map(|c| match c {
        Command::Subscribe(channels) => Some(channels.clone()),
        _ => None,
    })
}

fn support_message(tt: u64, text: &str) -> HistoryMessage {
    let mut m = demo_history()[0].clone();
    m.channel = SUPPORT.into();
    m.timetoken = Timetoken(tt);
    m.message = serde_json::json!({ "text": text });
    m.actions = Default::default();
    m
}

fn live_in(app: &mut App, channel: &str, tt: u64, text: &str) -> Outcome {
    update(
        app,
        Event::Live(LiveEvent::Message {
            channel: channel.into(),
            timetoken: Timetoken(tt),
            publisher: Some("dave".into()),
            message: serde_json::json!({ "text": text }),
            meta: None,
        }),
    )
}

/// Opens `name` through the switcher: its key, the name typed, Enter.
fn switch_to(app: &mut App, name: &str) -> Outcome {
    ctrl(app, 'k');
    typed(app, name);
    key(app, KeyCode::Enter)
}

#[test]
fn every_configured_channel_is_watched_on_the_one_subscription() {
    let mut app = App::new(Options {
        channels: vec![CH.into(), SUPPORT.into()],
        ..options("carol", false)
    });
    let start = app.start();
    let subscriptions: Vec<_> = start
        .iter()
        .filter_map(|c| match c {
            Command::Subscribe(channels) => Some(channels.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        subscriptions,
        vec![vec![CH.to_string(), SUPPORT.to_string()]]
    );
}

#[test]
fn counts_since_last_seen_are_asked_at_start_and_shown() {
    let seen = Timetoken(NOW.get() - 1_000);
    let mut app = App::new(Options {
        channels: vec![CH.into(), SUPPORT.into()],
        channel_memory: ChannelMemory {
            recent: vec![],
            last_seen: [(SUPPORT.to_string(), seen), (CH.to_string(), seen)].into(),
        },
        ..options("carol", false)
    });
    let start = app.start();
    let (op, asked) = start
        .iter()
        .find_map(|c| match c {
            Command::FetchCounts { op, channels } => Some((*op, channels.clone())),
            _ => None,
        })
        .expect("new messages are counted at start");
    assert_eq!(
        asked,
        vec![(SUPPORT.to_string(), seen)],
        "the other channel, from when it was last seen; not the one opening"
    );
    let counts = MessageCounts {
        channels: [(SUPPORT.to_string(), 4)].into(),
        more: Default::default(),
    };
    update(&mut app, Event::Api(op, ApiOutcome::Counts(Ok(counts))));
    assert_eq!(app.channels.unseen(SUPPORT), Some(4));
    assert_eq!(app.channels.unseen_elsewhere(), (4, 1));
    let entry = channels::entries(&app)
        .into_iter()
        .find(|e| e.id == SUPPORT)
        .unwrap();
    assert_eq!(entry.unseen, Some(4));
}

#[test]
fn a_message_in_a_watched_channel_counts_as_new_there_and_not_here() {
    let mut app = two_channels(None);
    let before = app.timeline.len();
    let out = live_in(&mut app, SUPPORT, NOW.get() + 10, "printer on fire");
    assert!(out.redraw, "the tab bar says so");
    assert_eq!(app.timeline.len(), before, "the open channel is unchanged");
    assert_eq!(app.channels.unseen(SUPPORT), Some(1));
    live_in(&mut app, SUPPORT, NOW.get() + 11, "still");
    assert_eq!(app.channels.unseen_elsewhere(), (2, 1));
    // A channel not watched is not ours to count.
    live_in(&mut app, "chats.elsewhere", NOW.get() + 12, "x");
    assert_eq!(app.channels.unseen_elsewhere(), (2, 1));
}

#[test]
fn the_switcher_filters_as_typed_and_enter_opens_the_channel() {
    let mut app = two_channels(None);
    ctrl(&mut app, 'k');
    assert!(matches!(app.overlay, Some(Overlay::Switcher(_))));
    let all: Vec<String> = channels::matching(&app, "")
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(all, [CH, SUPPORT], "configured channels first, in order");
    typed(&mut app, "supp");
    let Some(Overlay::Switcher(switcher)) = &app.overlay else {
        panic!("still open");
    };
    let shown: Vec<String> = channels::matching(&app, &switcher.query)
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(shown, [SUPPORT]);
    let out = key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.channel, SUPPORT);
    let (_, channel) = history_fetch(&out).expect("the new channel's newest page is loaded");
    assert_eq!(channel, SUPPORT);
    assert!(
        app.timeline.is_empty(),
        "nothing of the other channel shows"
    );
    let subscription = subscribed(&out).expect("the subscription follows");
    assert!(subscription.contains(&SUPPORT.to_string()) && subscription.contains(&CH.to_string()));
    assert!(out.commands.iter().any(|c| matches!(
        c,
        Command::SaveChannels(memory) if memory.recent.first().map(String::as_str) == Some(SUPPORT)
    )), "the channel opened is remembered as recent: {:?}", out.commands);
}

#[test]
fn switching_back_keeps_the_place_selection_and_loaded_pages() {
    let mut app = two_channels(None);
    ch(&mut app, 'k');
    ch(&mut app, 'k');
    let selected = app.selected;
    let loaded = app.timeline.len();
    let newest_here = last_tt(&app);
    key(&mut app, KeyCode::Tab); // the Actions screen
    let out = switch_to(&mut app, SUPPORT);
    let (op, _) = history_fetch(&out).unwrap();
    update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::History(Ok(page(vec![support_message(
                NOW.get() + 5,
                "hello support",
            )]))),
        ),
    );
    assert_eq!(app.timeline.len(), 1);
    assert_eq!(
        app.screen,
        Screen::Timeline,
        "a new channel opens on its Timeline"
    );
    assert_eq!(
        app.channels.memory.last_seen.get(CH),
        Some(&newest_here),
        "the channel left counts as seen up to its newest message"
    );

    // While away, a message arrives in the first channel: counted, and kept in its timeline.
    live_in(&mut app, CH, NOW.get() + 50, "while you were away");
    assert_eq!(app.channels.unseen(CH), Some(1));
    assert_eq!(app.timeline.len(), 1, "support's timeline is untouched");

    let out = switch_to(&mut app, "room1");
    assert_eq!(app.channel, CH);
    assert!(
        history_fetch(&out).is_none(),
        "the kept pages are shown again, not reloaded: {:?}",
        out.commands
    );
    assert_eq!(app.selected, selected, "the selection is where it was");
    assert_eq!(app.screen, Screen::Actions, "on the screen it was left on");
    assert_eq!(
        app.timeline.len(),
        loaded + 1,
        "with the message that arrived meanwhile"
    );
    assert_eq!(app.channels.unseen(CH), None, "seen now");
    // And support kept its own.
    let out = switch_to(&mut app, SUPPORT);
    assert!(history_fetch(&out).is_none());
    assert_eq!(app.timeline.len(), 1);
    assert_eq!(
        app.timeline
            .last()
            .map(|m| m.shown_line(&app.symbols).to_string()),
        Some("hello support".into())
    );
}

#[test]
fn a_page_that_arrives_after_switching_away_lands_in_its_own_channel() {
    let mut app = two_channels(None);
    let out = switch_to(&mut app, SUPPORT);
    let (op, _) = history_fetch(&out).unwrap();
    // Back before support's page arrives.
    switch_to(&mut app, "room1");
    let here = app.timeline.len();
    update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::History(Ok(page(vec![support_message(NOW.get() + 5, "late page")]))),
        ),
    );
    assert_eq!(
        app.timeline.len(),
        here,
        "not mixed into the channel on screen"
    );
    let out = switch_to(&mut app, SUPPORT);
    assert!(history_fetch(&out).is_none(), "kept: {:?}", out.commands);
    assert_eq!(app.timeline.len(), 1, "it waited in support's kept state");
}

#[test]
fn a_name_typed_that_is_not_listed_opens_that_channel() {
    let mut app = two_channels(None);
    let out = switch_to(&mut app, "#ops.alerts");
    assert_eq!(app.channel, "ops.alerts");
    assert!(history_fetch(&out).is_some());
    assert_eq!(
        app.channels.memory.recent.first().map(String::as_str),
        Some("ops.alerts")
    );
    // A name the service would refuse is said, and nothing changes.
    ctrl(&mut app, 'k');
    typed(&mut app, "bad,name");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.channel, "ops.alerts");
    assert!(
        app.notice.as_ref().is_some_and(|n| n.is_error),
        "{:?}",
        app.notice
    );
}

#[test]
fn app_context_names_are_listed_and_found_by_name() {
    let mut app = two_channels(None);
    let out = ctrl(&mut app, 'k');
    let op = out
        .commands
        .iter()
        .find_map(|c| match c {
            Command::FetchChannels { op } => Some(*op),
            _ => None,
        })
        .expect("App Context's channels are asked for");
    update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::Channels(Ok(ChannelDirectory {
                channels: vec![
                    (SUPPORT.into(), Some("Customer support".into())),
                    ("chats.random".into(), Some("Random".into())),
                ],
                more: false,
            })),
        ),
    );
    typed(&mut app, "custom");
    let Some(Overlay::Switcher(switcher)) = &app.overlay else {
        panic!("open");
    };
    let found = channels::matching(&app, &switcher.query);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, SUPPORT);
    assert_eq!(found[0].title.as_deref(), Some("Customer support"));
    // Asked once a session.
    key(&mut app, KeyCode::Esc);
    let again = ctrl(&mut app, 'k');
    assert!(
        !again
            .commands
            .iter()
            .any(|c| matches!(c, Command::FetchChannels { .. }))
    );
    assert!(
        channels::entries(&app)
            .iter()
            .any(|e| e.id == "chats.random")
    );
}

#[test]
fn quitting_marks_the_channel_on_screen_seen() {
    let mut app = two_channels(None);
    let newest = last_tt(&app);
    ch(&mut app, 'q');
    assert!(app.quit);
    assert_eq!(app.channels.memory.last_seen.get(CH), Some(&newest));
}

#[test]
fn an_open_thread_is_kept_with_its_channel() {
    let mut app = two_channels(None);
    let root = last_tt(&app);
    ch(&mut app, 't');
    let thread = app.channel.clone();
    assert_ne!(thread, CH, "the demo's newest message has a thread");
    switch_to(&mut app, SUPPORT);
    assert_eq!(app.channel, SUPPORT);
    assert!(app.parents.is_empty(), "support has no thread open");
    let out = switch_to(&mut app, "room1");
    assert_eq!(app.channel, thread, "back in the thread");
    let subscription = subscribed(&out).unwrap();
    assert!(subscription.contains(&thread) && subscription.contains(&CH.to_string()));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.channel, CH);
    assert_eq!(
        app.selected,
        Some(root),
        "and Esc goes back to where the thread was opened"
    );
}

#[test]
fn after_a_reconnect_a_kept_channel_is_read_again_when_shown() {
    let mut app = two_channels(Some(Timetoken(NOW.get() - 5)));
    switch_to(&mut app, SUPPORT);
    let out = update(&mut app, Event::Connection(ConnectionEvent::Reconnected));
    assert!(
        out.commands.iter().any(|c| matches!(
            c,
            Command::FetchCounts { channels, .. } if channels.iter().any(|(c, _)| c == CH)
        )),
        "what the channels left missed is counted again: {:?}",
        out.commands
    );
    let out = switch_to(&mut app, "room1");
    assert!(
        out.commands.iter().any(|c| matches!(
            c,
            Command::RefreshHistory { channel, .. } if channel == CH
        )),
        "the kept pages are read again: {:?}",
        out.commands
    );
}

#[test]
fn a_moderator_sees_each_channels_unresolved_reports_in_the_switcher() {
    let mut app = loaded_with(Options {
        channels: vec![CH.into(), SUPPORT.into()],
        ..options("mo", true)
    });
    let out = ctrl(&mut app, 'k');
    let (op, channel) = out
        .commands
        .iter()
        .find_map(|c| match c {
            Command::FetchHistory { op, channel, .. }
                if channel == &crate::pubnub::chat::moderation_channel(SUPPORT) =>
            {
                Some((*op, channel.clone()))
            }
            _ => None,
        })
        .expect("support's reports are read");
    let report = |tt: u64, reason: &str| {
        let mut m = demo_history()[0].clone();
        m.channel = channel.clone();
        m.timetoken = Timetoken(tt);
        m.uuid = Some("erin".into());
        m.message = serde_json::json!({
            "type": "report", "text": "spam", "reason": reason,
            "reportedMessageChannelId": SUPPORT, "reportedMessageTimetoken": "1",
            "reportedUserId": "zed",
        });
        m.actions = Default::default();
        m
    };
    let mut resolved = report(NOW.get() + 2, "again");
    resolved
        .actions
        .entry("resolved".into())
        .or_default()
        .entry("deleted it".into())
        .or_default()
        .push(crate::pubnub::ActionRef {
            uuid: "mo".into(),
            action_timetoken: Timetoken(NOW.get() + 3),
        });
    let page_of_reports = page(vec![report(NOW.get() + 1, "spam"), resolved]);
    update(
        &mut app,
        Event::Api(op, ApiOutcome::History(Ok(page_of_reports))),
    );
    let support = channels::entries(&app)
        .into_iter()
        .find(|e| e.id == SUPPORT)
        .unwrap();
    assert_eq!(support.open_reports, Some(1), "one open, one resolved");
    assert_eq!(
        app.channel, CH,
        "nothing of it lands in the channel on screen"
    );

    // A user is not shown reports, nor are they read.
    let mut user = two_channels(None);
    let out = ctrl(&mut user, 'k');
    assert!(
        !out.commands
            .iter()
            .any(|c| matches!(c, Command::FetchHistory { .. }))
    );
}

fn refused(app: &mut App, channels: &[&str]) -> Outcome {
    update(
        app,
        Event::Connection(ConnectionEvent::Refused {
            refused: channels.iter().map(|c| c.to_string()).collect(),
            reason: "live updates stopped: access denied (HTTP 403): Forbidden".into(),
        }),
    )
}

#[test]
fn a_watched_channel_the_token_may_not_read_is_left_out_and_the_one_on_screen_stays_live() {
    let mut app = two_channels(None);
    update(&mut app, Event::Connection(ConnectionEvent::Connected));
    let out = refused(&mut app, &[SUPPORT]);
    assert_eq!(subscribed(&out), Some(vec![CH.to_string()]));
    assert_eq!(app.connection, Connection::Live);
    let said = notice(&app);
    assert!(
        said.starts_with("Not live in #chats.support: live updates stopped: access denied"),
        "{said}"
    );
    // Later subscriptions keep it out, unless it is the one opened (then the service says
    // whether it may be read).
    let back = switch_to(&mut app, "chats.support");
    assert_eq!(
        subscribed(&back),
        Some(vec![SUPPORT.to_string(), CH.to_string()])
    );
    let home = switch_to(&mut app, CH);
    assert_eq!(subscribed(&home), Some(vec![CH.to_string()]));
    // The switcher says why it does not count live.
    ctrl(&mut app, 'k');
    let entry = channels::entries(&app)
        .into_iter()
        .find(|e| e.id == SUPPORT)
        .expect("listed");
    assert!(entry.refused && entry.watched);
}

#[test]
fn a_refusal_that_names_no_channel_leaves_out_every_watched_one_first() {
    let mut app = two_channels(None);
    let out = refused(&mut app, &[]);
    assert_eq!(subscribed(&out), Some(vec![CH.to_string()]));
    assert!(!matches!(app.connection, Connection::Offline(_)));
    // Refused again with only the channel on screen: it is offline, and says why.
    let out = refused(&mut app, &[]);
    assert_eq!(subscribed(&out), None);
    assert!(
        matches!(&app.connection, Connection::Offline(reason) if reason.contains("HTTP 403")),
        "{:?}",
        app.connection
    );
}

#[test]
fn a_refusal_of_the_channel_on_screen_is_offline_at_once() {
    let mut app = two_channels(None);
    let out = refused(&mut app, &[CH, SUPPORT]);
    assert_eq!(subscribed(&out), None);
    assert!(matches!(app.connection, Connection::Offline(_)));
}

/// A report on the reports channel of `channel`, about one of its messages.
fn report_in(channel: &str, tt: u64, text: &str) -> HistoryMessage {
    let mut m = support_message(tt, text);
    m.channel = crate::pubnub::chat::moderation_channel(channel);
    m.uuid = Some("erin".into());
    m.message = serde_json::json!({
        "type": "report", "text": text, "reason": "spam",
        "reportedMessageChannelId": channel,
        "reportedMessageTimetoken": (tt - 1).to_string(),
        "reportedUserId": "bob",
    });
    m
}

/// The reports page asked for in `out`, and of which channel.
fn reports_fetch(out: &Outcome) -> Option<(OpId, String)> {
    out.commands.iter().find_map(|c| match c {
        Command::FetchHistory { op, channel, .. }
            if channel.starts_with(crate::pubnub::chat::MODERATION_PREFIX) =>
        {
            Some((*op, channel.clone()))
        }
        _ => None,
    })
}

#[test]
fn the_reports_screen_follows_the_channel_opened_and_keeps_each_channels_reports() {
    let support_reports = crate::pubnub::chat::moderation_channel(SUPPORT);
    let mut app = App::new(Options {
        channels: vec![CH.into(), SUPPORT.into()],
        ..options("zed", true)
    });
    let start = Outcome {
        commands: app.start(),
        redraw: true,
    };
    let (first_reports, _) = reports_fetch(&start).expect("the first channel's reports");
    let out = switch_to(&mut app, SUPPORT);
    // Its reports are read, and live on the moderator's own subscription.
    let (op, asked) = reports_fetch(&out).expect("the other channel's reports");
    assert_eq!(asked, support_reports);
    assert!(out.commands.contains(&Command::SubscribeReports(vec![
        support_reports.clone(),
        crate::moderation::LOG_CHANNEL.into()
    ])));
    // The first channel's page, asked for before, comes late: it is not this channel's.
    update(
        &mut app,
        Event::Api(
            first_reports,
            ApiOutcome::History(Ok(page(vec![report_in(CH, 900, "room one report")]))),
        ),
    );
    assert!(app.reports.is_empty());
    update(
        &mut app,
        Event::Api(
            op,
            ApiOutcome::History(Ok(page(vec![report_in(SUPPORT, 700, "support report")]))),
        ),
    );
    assert_eq!(app.reports.open, 1);
    // Tab reaches the Reports screen here too, and a resolution is stored on its channel.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Reports);
    ch(&mut app, 'c');
    typed(&mut app, "warned");
    let out = key(&mut app, KeyCode::Enter);
    let resolve = out
        .commands
        .iter()
        .find_map(|c| match c {
            Command::AddAction {
                op,
                channel,
                action_type,
                ..
            } if *channel == support_reports && action_type == "resolved" => Some(*op),
            _ => None,
        })
        .unwrap_or_else(|| panic!("stored on the support reports: {:?}", out.commands));
    // Back in the first channel before the answer: its own reports again, read anew.
    let back = switch_to(&mut app, CH);
    let (_, asked) = reports_fetch(&back).expect("read again");
    assert_eq!(asked, crate::pubnub::chat::moderation_channel(CH));
    assert!(app.reports.get(Timetoken(700)).is_none());
    // The resolution is stored meanwhile: it is recorded as support's.
    let mut resolution = stored(Timetoken(700), 800, "zed", "warned");
    resolution.action_type = "resolved".into();
    let done = update(
        &mut app,
        Event::Api(resolve, ApiOutcome::Added(Ok((resolution, None)))),
    );
    assert!(
        done.commands.iter().any(
            |c| matches!(c, Command::Record { record, .. } if record.channel == support_reports)
        ),
        "{:?}",
        done.commands
    );
    // Support again: nothing shown in flight any more, its reports read anew.
    let again = switch_to(&mut app, SUPPORT);
    assert!(reports_fetch(&again).is_some());
    let report = app.reports.get(Timetoken(700)).expect("kept");
    assert!(
        report
            .resolutions
            .iter()
            .all(|r| r.state == crate::app::timeline::EntryState::Confirmed),
        "{:?}",
        report.resolutions
    );
}
