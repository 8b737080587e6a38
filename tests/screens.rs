//! Screen snapshots over ratatui's TestBackend at 100x30 with the demo conversation: each
//! screen, a moderator confirmation and an error in the status bar. Review changes with
//! `cargo insta review` (or compare the `.snap.new` files by hand).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reactions::app::{ApiOutcome, App, Command, ConnectionEvent, Event, Options, update};
use reactions::demo::{Conversation, as_history};
use reactions::pubnub::{ActionsPage, Error, HistoryPage, MoreBounds, StoredAction, Timetoken};
use reactions::ui::{self, UiState};

const CH: &str = "chats.room1";
/// 2025-12-01 00:00 UTC.
const NOW: Timetoken = Timetoken(17_645_472_000_000_000);

struct Screen {
    app: App,
    state: UiState,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    fn new(user: &str, moderator: bool) -> Self {
        let options = Options {
            moderator,
            audit_log_path: "~/.local/share/reactions/moderation-audit.jsonl".into(),
            recent_reactions: vec!["🎉".into(), "👍".into()],
            ..Options::new(CH, user)
        };
        let mut app = App::new(options);
        let op = fetch_op(&app.start());
        let all = as_history(&Conversation::bundled().plan(NOW), CH);
        let newest = all[all.len() - 25..].to_vec();
        update(
            &mut app,
            Event::Api(
                op,
                ApiOutcome::History(Ok(HistoryPage {
                    messages: newest,
                    more: None,
                })),
            ),
        );
        update(&mut app, Event::Connection(ConnectionEvent::Connected));
        let terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
        Self {
            app,
            state: UiState::default(),
            terminal,
        }
    }

    fn press(&mut self, code: KeyCode) -> Vec<Command> {
        let out = update(
            &mut self.app,
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.draw();
        out.commands
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    fn draw(&mut self) {
        self.terminal
            .draw(|f| ui::draw(f, &self.app, &mut self.state))
            .expect("draw");
        self.app.page_size = self.state.visible_messages.max(1);
    }

    fn text(&mut self) -> String {
        self.draw();
        format!("{}", self.terminal.backend())
    }
}

fn fetch_op(commands: &[Command]) -> u32 {
    commands
        .iter()
        .find_map(Command::fetch_op)
        .expect("a fetch command")
}

#[test]
fn timeline() {
    let mut s = Screen::new("carol", false);
    let text = s.text();
    assert!(
        text.contains("lunch at noon?"),
        "newest message at the bottom"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn timeline_while_a_reaction_is_pending() {
    let mut s = Screen::new("zoe", false);
    s.press(KeyCode::Char('k'));
    s.press(KeyCode::Char('+'));
    insta::assert_snapshot!(s.text());
}

#[test]
fn details() {
    let mut s = Screen::new("carol", false);
    s.press(KeyCode::Enter);
    s.press(KeyCode::Char('j'));
    insta::assert_snapshot!(s.text());
}

/// Opens the Actions screen and answers its first request with the newest 100 actions.
fn open_actions(s: &mut Screen) {
    let op = fetch_op(&s.press(KeyCode::Tab));
    let mut all: Vec<StoredAction> = as_history(&Conversation::bundled().plan(NOW), CH)
        .iter()
        .flat_map(|m| m.stored_actions())
        .collect();
    all.sort_by_key(|a| a.action_timetoken);
    let page = all[all.len() - 100..].to_vec();
    let more = MoreBounds {
        start: Some(page[0].action_timetoken),
        end: None,
        limit: Some(100),
    };
    update(
        &mut s.app,
        Event::Api(
            op,
            ApiOutcome::Actions(Ok(ActionsPage {
                actions: page,
                more: Some(more),
            })),
        ),
    );
}

#[test]
fn actions_screen_with_a_filter() {
    let mut s = Screen::new("carol", false);
    open_actions(&mut s);
    insta::assert_snapshot!("actions", s.text());
    s.press(KeyCode::Char('/'));
    s.keys("dave");
    insta::assert_snapshot!("actions_filtered", s.text());
}

#[test]
fn picker() {
    let mut s = Screen::new("carol", false);
    s.press(KeyCode::Char('r'));
    insta::assert_snapshot!("picker_recent", s.text());
    s.keys("thu");
    insta::assert_snapshot!("picker_search", s.text());
}

#[test]
fn help() {
    let mut s = Screen::new("carol", true);
    s.press(KeyCode::Char('?'));
    insta::assert_snapshot!(s.text());
}

#[test]
fn moderator_confirmation() {
    let mut s = Screen::new("mod", true);
    s.press(KeyCode::Enter);
    s.press(KeyCode::Char('d'));
    let text = s.text();
    assert!(text.contains("Remove bob's 👍 from"));
    insta::assert_snapshot!(text);
}

#[test]
fn error_in_the_status_bar() {
    let mut s = Screen::new("zoe", false);
    let commands = s.press(KeyCode::Char('+'));
    let op = commands
        .iter()
        .find_map(|c| match c {
            Command::AddAction { op, .. } => Some(*op),
            _ => None,
        })
        .expect("add");
    let refused = Error::AccessDenied {
        status: 403,
        message: "Supplied authorization key does not have the permissions required to perform this operation.".into(),
    };
    update(&mut s.app, Event::Api(op, ApiOutcome::Added(Err(refused))));
    let text = s.text();
    assert!(text.contains("Could not add 👍"));
    insta::assert_snapshot!(text);
}

/// The screen's rows as text, wide glyphs once (their second cell skipped).
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row
        })
        .collect()
}

fn resized(user: &str, w: u16, h: u16) -> Screen {
    let mut s = Screen::new(user, false);
    s.terminal.backend_mut().resize(w, h);
    s.terminal
        .resize(ratatui::layout::Rect::new(0, 0, w, h))
        .expect("resize");
    s
}

#[test]
fn a_long_message_wraps_whole_at_80x24_and_250x70_and_survives_40x12() {
    let long = "Lakeside Lodge, 2h by train, has a boathouse";
    for (w, h) in [(80u16, 24u16), (250, 70), (40, 12)] {
        let mut s = resized("carol", w, h);
        let all = as_history(&Conversation::bundled().plan(NOW), CH);
        let older: Vec<_> = all
            .iter()
            .map(|m| reactions::app::timeline::Message::from_history(m, &mut s.app.symbols))
            .collect();
        s.app.timeline.merge(older);
        let tt = s
            .app
            .timeline
            .iter()
            .find(|m| m.text.contains(long))
            .expect("demo message")
            .timetoken;
        s.app.selected = Some(tt);
        s.app.follow = false;
        s.draw();
        let screen = rows(&s.terminal).join(" ");
        let words: Vec<&str> = s
            .app
            .timeline
            .get(tt)
            .unwrap()
            .text
            .split_whitespace()
            .collect();
        let shown = words.iter().filter(|word| screen.contains(**word)).count();
        if h >= 24 {
            assert_eq!(
                shown,
                words.len(),
                "{w}x{h}: every word of the selected message is on screen"
            );
        } else {
            assert!(
                shown >= 10,
                "{w}x{h}: the top of a message taller than the screen is shown"
            );
        }
    }
}

#[test]
fn fifty_different_reactions_wrap_onto_several_lines() {
    let mut s = resized("carol", 80, 24);
    let newest = s.app.timeline.last().expect("loaded").timetoken;
    let glyphs: Vec<&str> = emojis::iter()
        .filter(|e| e.unicode_version() <= emojis::UnicodeVersion::new(11, 0))
        .filter(|e| !e.as_str().contains('\u{fe0f}'))
        .map(|e| e.as_str())
        .take(50)
        .collect();
    for (i, g) in glyphs.iter().enumerate() {
        let action = StoredAction {
            action_timetoken: Timetoken(newest.get() + 1000 + i as u64),
            message_timetoken: newest,
            action_type: "reaction".into(),
            uuid: format!("user{i}"),
            value: (*g).into(),
        };
        update(
            &mut s.app,
            Event::Live(reactions::pubnub::LiveEvent::Action {
                channel: CH.into(),
                kind: reactions::pubnub::ActionEventKind::Added,
                action,
            }),
        );
    }
    s.draw();
    let screen = rows(&s.terminal);
    let missing: Vec<&&str> = glyphs
        .iter()
        .filter(|g| !screen.iter().any(|r| r.contains(**g)))
        .collect();
    assert!(
        missing.is_empty(),
        "every chip is shown: {missing:?}\n{}",
        screen.join("\n")
    );
    let chip_rows = screen
        .iter()
        .filter(|r| glyphs.iter().filter(|g| r.contains(**g)).count() >= 3)
        .count();
    assert!(
        chip_rows >= 4,
        "50 chips need several rows at 80 columns:\n{}",
        screen.join("\n")
    );
}

#[test]
fn a_click_lands_on_the_chip_or_message_drawn_there() {
    let mut s = Screen::new("carol", false);
    s.draw();
    let screen = rows(&s.terminal);
    let newest = s.app.timeline.last().expect("loaded").timetoken;
    // The pizza chip of the newest message, found where it was drawn.
    let (y, row) = screen
        .iter()
        .enumerate()
        .rev()
        .find(|(_, r)| r.contains("🍕 1"))
        .expect("the chip is on screen");
    let column: usize = row[..row.find("🍕").expect("chip")]
        .chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum();
    let pizza = s.app.symbols.lookup("🍕").expect("interned");
    assert_eq!(
        s.state.hits.at(column as u16, y as u16),
        Some(reactions::app::MouseTarget::Chip {
            message_tt: newest,
            value: pizza
        })
    );
    // Elsewhere on the message: the message itself.
    let (text_y, _) = screen
        .iter()
        .enumerate()
        .rev()
        .find(|(_, r)| r.contains("lunch at noon?"))
        .expect("the text is on screen");
    assert_eq!(
        s.state.hits.at(30, text_y as u16),
        Some(reactions::app::MouseTarget::Message(newest))
    );
}

/// The first row of the Actions list (below its header).
fn first_action_row(s: &mut Screen) -> String {
    s.draw();
    rows(&s.terminal)[2].clone()
}

#[test]
fn actions_arriving_above_a_list_at_its_top_show_there() {
    let mut s = Screen::new("mod", true);
    open_actions(&mut s);
    let top = first_action_row(&mut s);
    // A live action newer than everything listed.
    let newest = s.app.timeline.last().expect("messages").timetoken;
    let live = StoredAction {
        action_timetoken: Timetoken(NOW.get() + 10_000_000),
        message_timetoken: newest,
        action_type: "reaction".into(),
        uuid: "frank".into(),
        value: "🦄".into(),
    };
    update(
        &mut s.app,
        Event::Live(reactions::pubnub::LiveEvent::Action {
            channel: CH.into(),
            kind: reactions::pubnub::ActionEventKind::Added,
            action: live,
        }),
    );
    let shown = first_action_row(&mut s);
    assert!(shown.contains("frank") && shown.contains("🦄"), "{shown}");
    assert!(
        rows(&s.terminal)[3] == top,
        "the earlier top row moved down one"
    );

    // A moderator removal of it that fails brings it back where it can be seen.
    s.press(KeyCode::Char('k'));
    s.press(KeyCode::Char('d'));
    let commands = s.press(KeyCode::Char('y'));
    let op = commands
        .iter()
        .find_map(|c| match c {
            Command::RemoveAction { op, .. } => Some(*op),
            _ => None,
        })
        .expect("a removal");
    assert!(
        !first_action_row(&mut s).contains("frank"),
        "removed at once"
    );
    let refused = Error::Network {
        message: "connection refused".into(),
    };
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::Removed(Err(refused))),
    );
    let shown = first_action_row(&mut s);
    assert!(
        shown.contains("frank"),
        "the failed removal is undone in view: {shown}"
    );
}
