//! Screens of a channel the Chat SDK wrote, as a user of it sees them: names from App Context,
//! an edited message, a soft-deleted one, a thread with its replies (and the way back), a
//! report and the Reports screen. Every request the app makes is answered by a small stand-in
//! for the service that serves the demo conversation's channels ([`Service`]).

use std::collections::BTreeMap;

use reactions::app::chat::thread_root;
use reactions::app::threads;
use reactions::pubnub::{HistoryMessage, MessageCounts};

use super::*;

/// The demo conversation's channels (the channel, its thread, its reports) and its names.
struct Service {
    channels: BTreeMap<String, Vec<HistoryMessage>>,
    names: BTreeMap<String, String>,
}

impl Service {
    fn demo() -> Self {
        let conversation = Conversation::bundled();
        let channels = conversation
            .plan_channels(CH, NOW)
            .into_iter()
            .map(|(channel, plan)| {
                let history = as_history(&plan, &channel);
                (channel, history)
            })
            .collect();
        let names = conversation.names.into_iter().collect();
        Service { channels, names }
    }

    fn thread(&self) -> &str {
        self.channels
            .keys()
            .find(|c| thread_root(c).is_some())
            .expect("the demo has a thread")
    }

    /// What the service answers to `command`, if the app waits for an answer.
    fn answer(&self, command: &Command) -> Option<(u32, ApiOutcome)> {
        let history = |channel: &str| self.channels.get(channel).cloned().unwrap_or_default();
        match command {
            Command::FetchHistory {
                op,
                channel,
                start,
                end,
                max,
            } => {
                let all: Vec<HistoryMessage> = history(channel)
                    .into_iter()
                    .filter(|m| start.is_none_or(|s| m.timetoken < s))
                    .filter(|m| end.is_none_or(|e| m.timetoken >= e))
                    .collect();
                let messages = all[all.len().saturating_sub(*max as usize)..].to_vec();
                Some((
                    *op,
                    ApiOutcome::History(Ok(HistoryPage {
                        messages,
                        more: None,
                    })),
                ))
            }
            Command::RefreshHistory {
                op,
                channel,
                start,
                end,
            } => {
                // One page, as history with actions gives: the newest 25 in the range.
                let all: Vec<HistoryMessage> = history(channel)
                    .into_iter()
                    .filter(|m| start.is_none_or(|s| m.timetoken < s))
                    .filter(|m| m.timetoken >= *end)
                    .collect();
                let messages = all[all.len().saturating_sub(25)..].to_vec();
                Some((
                    *op,
                    ApiOutcome::History(Ok(HistoryPage {
                        messages,
                        more: None,
                    })),
                ))
            }
            Command::FetchActions {
                op, channel, start, ..
            } => {
                let mut actions: Vec<StoredAction> = history(channel)
                    .iter()
                    .flat_map(|m| m.stored_actions())
                    .filter(|a| start.is_none_or(|s| a.action_timetoken < s))
                    .collect();
                actions.sort_by_key(|a| a.action_timetoken);
                let page = ActionsPage {
                    actions,
                    more: None,
                };
                Some((*op, ApiOutcome::Actions(Ok(page))))
            }
            Command::FetchNames { op, ids } => {
                let found = ids
                    .iter()
                    .map(|id| (id.clone(), self.names.get(id).cloned()))
                    .collect();
                Some((*op, ApiOutcome::Names(Ok(found))))
            }
            Command::FetchCounts { op, channels } => {
                let counts = channels
                    .iter()
                    .map(|(channel, after)| {
                        let n = history(channel)
                            .iter()
                            .filter(|m| m.timetoken > *after)
                            .count();
                        (channel.clone(), n as u64)
                    })
                    .collect();
                let counts = MessageCounts {
                    channels: counts,
                    more: Default::default(),
                };
                Some((*op, ApiOutcome::Counts(Ok(counts))))
            }
            _ => None,
        }
    }

    /// Answers `commands` and whatever their answers ask for in turn.
    fn serve(&self, app: &mut App, commands: Vec<Command>) {
        let mut queue = commands;
        while let Some(command) = queue.pop() {
            if let Some((op, outcome)) = self.answer(&command) {
                queue.extend(update(app, Event::Api(op, outcome)).commands);
            }
        }
    }
}

/// A snapshot kept with the other screens' in `tests/snapshots/`.
macro_rules! snapshot {
    ($name:expr, $text:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.bind(|| insta::assert_snapshot!($name, $text));
    }};
}

impl Screen {
    /// The demo channel as the Chat SDK's users see it, every request answered.
    fn chat(user: &str, moderator: bool) -> (Self, Service) {
        let service = Service::demo();
        let mut app = App::new(Options {
            moderator,
            ..options(user)
        });
        let start = app.start();
        service.serve(&mut app, start);
        update(&mut app, Event::Connection(ConnectionEvent::Connected));
        let terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
        let mut screen = Self {
            app,
            state: UiState::default(),
            terminal,
        };
        screen.draw();
        (screen, service)
    }

    /// Presses a key and lets the service answer what it asks.
    fn press_served(&mut self, service: &Service, code: KeyCode) {
        let commands = self.press(code);
        service.serve(&mut self.app, commands);
        self.draw();
    }

    /// Selects the message whose text starts with `text`.
    fn select(&mut self, text: &str) {
        let tt = self
            .app
            .timeline
            .iter()
            .find(|m| m.text.starts_with(text))
            .map(|m| m.timetoken)
            .expect("a message with that text");
        update(&mut self.app, Event::Mouse(MouseTarget::Message(tt)));
        self.draw();
    }
}

#[test]
fn names_edits_deletions_and_a_thread_on_the_timeline() {
    let (mut s, _) = Screen::chat("carol", false);
    let text = s.text();
    assert!(text.contains("Dave Kowalski (edited)"), "{text}");
    assert!(text.contains("Projector tested, cables and the spare adapter packed."));
    assert!(
        !text.contains("Projector tested, cables packed."),
        "the old text is gone"
    );
    assert!(text.contains("message deleted by Dave Kowalski"));
    assert!(
        !text.contains("Ignore the last invite"),
        "a deleted text is not shown"
    );
    assert!(text.contains("🧵 3 replies · t opens"));
    assert!(text.contains("Carol Nguyen"), "the status bar names me too");
    snapshot!("chat_timeline", text);
}

#[test]
fn details_of_an_edited_message_show_the_original_and_every_edit() {
    let (mut s, service) = Screen::chat("carol", false);
    s.select("Projector tested");
    s.press_served(&service, KeyCode::Enter);
    let text = s.text();
    assert!(text.contains("Projector tested, cables and the spare adapter packed."));
    assert!(text.contains("original · Dave Kowalski"));
    assert!(text.contains("  Projector tested, cables packed."));
    assert!(text.contains("edit 1 · Dave Kowalski"));
    snapshot!("edited_message_details", text);
}

#[test]
fn a_moderator_reads_a_deleted_message_and_is_asked_before_restoring_it() {
    let (mut s, service) = Screen::chat("zed", true);
    s.select("Ignore the last invite");
    assert!(
        s.text()
            .contains("message deleted by Dave Kowalski · u restores")
    );
    s.press_served(&service, KeyCode::Enter);
    let text = s.text();
    assert!(text.contains("deleted by Dave Kowalski"), "{text}");
    assert!(
        text.contains("Ignore the last invite, wrong calendar."),
        "a moderator reads it"
    );
    snapshot!("deleted_message_details", text);
    s.press(KeyCode::Char('u'));
    let text = s.text();
    assert!(text.contains("Restore 'Ignore the last invite, wrong calendar.'"));
    assert!(text.contains("by Dave Kowalski)?"), "{text}");
    assert!(text.contains("reason (optional)") && text.contains("Enter restore"));
    snapshot!("restore_confirmation", text);
}

#[test]
fn a_user_does_not_read_a_deleted_message() {
    let (mut s, service) = Screen::chat("carol", false);
    s.select("Ignore the last invite");
    let text = s.text();
    assert!(text.contains("message deleted by Dave Kowalski") && !text.contains("u restores"));
    s.press_served(&service, KeyCode::Enter);
    let text = s.text();
    assert!(!text.contains("wrong calendar"), "{text}");
    assert!(text.contains("for moderators"));
}

#[test]
fn a_thread_opens_with_its_replies_and_esc_comes_back() {
    let (mut s, service) = Screen::chat("carol", false);
    let root = s.newest();
    s.press_served(&service, KeyCode::Char('t'));
    assert_eq!(s.app.channel, service.thread());
    let text = s.text();
    assert!(text.contains("#chats.room1 › thread"), "{text}");
    assert!(text.contains("replies to Alice Martin: lunch at noon?"));
    assert!(text.contains("12:30 would suit me better"));
    assert!(text.contains("Esc back"));
    snapshot!("thread", text);
    s.press_served(&service, KeyCode::Esc);
    assert!(!threads::in_thread(&s.app));
    assert_eq!(s.app.selected, Some(root));
    assert!(s.text().contains("🧵 3 replies"));
}

#[test]
fn the_reports_screen_lists_reports_and_a_resolution_with_what_was_done() {
    let (mut s, service) = Screen::chat("zed", true);
    assert!(s.text().contains("Reports (1 open)"));
    s.press_served(&service, KeyCode::Tab);
    s.press_served(&service, KeyCode::Tab);
    let text = s.text();
    assert!(
        text.contains("Carol Nguyen reported Bob Okafor's message · unfriendly"),
        "{text}"
    );
    assert!(text.contains("“Whoever keeps booking the big room every Friday: stop it.”"));
    snapshot!("reports", text);
    s.press(KeyCode::Char('c'));
    s.keys("talked to Bob");
    let text = s.text();
    assert!(text.contains("what was done: talked to Bob"));
    snapshot!("resolve_popup", text);
    let commands = s.press(KeyCode::Enter);
    let Some(Command::AddAction {
        op,
        message_tt,
        value,
        ..
    }) = commands.first().cloned()
    else {
        panic!("{commands:?}")
    };
    let stored = StoredAction {
        action_timetoken: Timetoken(message_tt.get() + 1),
        message_timetoken: message_tt,
        action_type: "resolved".into(),
        uuid: "zed".into(),
        value,
    };
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::Added(Ok((stored, None)))),
    );
    let text = s.text();
    assert!(text.contains("✓ resolved by zed: talked to Bob"), "{text}");
    assert!(!text.contains("open)"), "no report open any more");
    // Enter shows the reported message in the Timeline.
    s.press_served(&service, KeyCode::Enter);
    assert_eq!(s.app.screen, reactions::app::Screen::Timeline);
    let selected = s.app.selected_message().map(|m| m.text.to_string());
    assert_eq!(
        selected.as_deref(),
        Some("Whoever keeps booking the big room every Friday: stop it.")
    );
}
