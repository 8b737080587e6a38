//! Screen snapshots over ratatui's TestBackend at 100x30 with the demo conversation: each
//! screen, a moderator confirmation and an error in the status bar. Review changes with
//! `cargo insta review` (or compare the `.snap.new` files by hand).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reactions::app::keymap::Key;
use reactions::app::{
    ApiOutcome, App, ChannelDirectory, Command, ConnectionEvent, Event, MouseTarget, Options,
    update,
};
use reactions::demo::{Conversation, as_history};
use reactions::moderation::run::{ChunkReport, Removal};
use reactions::pubnub::{
    ActionEventKind, ActionsPage, Error, HistoryPage, LiveEvent, MoreBounds, StoredAction,
    Timetoken,
};
use reactions::ui::{self, UiState};

#[path = "screens/chat.rs"]
mod chat;

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
        Self::with_options(Options {
            moderator,
            ..options(user)
        })
    }

    fn with_options(options: Options) -> Self {
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

    /// Presses the key written as in `[keys]` (`ctrl-g`, `tab`).
    fn press_spec(&mut self, spec: &str) -> Vec<Command> {
        let key = Key::parse(spec).expect("a key");
        let out = update(
            &mut self.app,
            Event::Key(KeyEvent::new(key.code, key.modifiers)),
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
        update(&mut self.app, Event::Measured(self.state.measured()));
    }

    fn text(&mut self) -> String {
        self.draw();
        format!("{}", self.terminal.backend())
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.terminal.backend_mut().resize(w, h);
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, w, h))
            .expect("resize");
    }

    /// The newest loaded message.
    fn newest(&self) -> Timetoken {
        self.app.timeline.last().expect("loaded").timetoken
    }

    /// A message arriving live (the selection follows it).
    fn live_message(&mut self, tt: Timetoken, author: &str, text: &str) {
        update(
            &mut self.app,
            Event::Live(LiveEvent::Message {
                channel: CH.into(),
                timetoken: tt,
                publisher: Some(author.into()),
                message: serde_json::json!({ "text": text }),
                meta: None,
            }),
        );
        self.draw();
    }

    /// `uuid`'s reaction `value` on message `tt` arriving live, `n` ticks after the message.
    fn live_action(&mut self, tt: Timetoken, n: u64, uuid: &str, value: &str) -> StoredAction {
        let action = StoredAction {
            action_timetoken: Timetoken(tt.get() + 1000 + n),
            message_timetoken: tt,
            action_type: "reaction".into(),
            uuid: uuid.into(),
            value: value.into(),
        };
        update(
            &mut self.app,
            Event::Live(LiveEvent::Action {
                channel: CH.into(),
                kind: ActionEventKind::Added,
                action: action.clone(),
            }),
        );
        self.draw();
        action
    }

    /// `Tab`, answered with the channel's newest 100 demo actions and `extra`.
    fn open_actions(&mut self, extra: Vec<StoredAction>) {
        let op = fetch_op(&self.press(KeyCode::Tab));
        let mut all: Vec<StoredAction> = as_history(&Conversation::bundled().plan(NOW), CH)
            .iter()
            .flat_map(|m| m.stored_actions())
            .collect();
        all.sort_by_key(|a| a.action_timetoken);
        let mut page = all[all.len() - 100..].to_vec();
        page.extend(extra);
        page.sort_by_key(|a| a.action_timetoken);
        let more = MoreBounds {
            start: Some(page[0].action_timetoken),
            end: None,
            limit: Some(100),
        };
        update(
            &mut self.app,
            Event::Api(
                op,
                ApiOutcome::Actions(Ok(ActionsPage {
                    actions: page,
                    more: Some(more),
                })),
            ),
        );
        self.draw();
    }
}

/// The options every screen starts from: a user, an audit path and two recent reactions.
fn options(user: &str) -> Options {
    Options {
        audit_log_path: "~/.local/share/reactions/moderation-audit.jsonl".into(),
        recent_reactions: vec!["🎉".into(), "👍".into()],
        ..Options::new(CH, user)
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

#[test]
fn actions_screen_with_a_filter() {
    let mut s = Screen::new("carol", false);
    s.open_actions(Vec::new());
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
        refused: Vec::new(),
    };
    update(&mut s.app, Event::Api(op, ApiOutcome::Added(Err(refused))));
    let text = s.text();
    assert!(text.contains("Could not add 👍"));
    assert!(
        text.contains("required to perform this operation."),
        "a long reason wraps instead of losing its end"
    );
    insta::assert_snapshot!(text);
}

/// The first removal recorded before it is sent: its op and records.
fn recorded(commands: &[Command]) -> (u32, Vec<reactions::moderation::AuditRecord>) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::RemoveRecorded { op, records } => Some((*op, records.clone())),
            _ => None,
        })
        .expect("a recorded removal")
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
    s.resize(w, h);
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

/// Every visible cell drawn with the selection's background has a different foreground.
fn assert_selection_readable(s: &Screen, what: &str) {
    let bg = ui::theme::selected_row()
        .bg
        .expect("the selection has a background");
    let buffer = s.terminal.backend().buffer();
    let area = buffer.area;
    let mut checked = 0;
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if cell.bg == bg && !cell.symbol().trim().is_empty() {
                assert_ne!(
                    cell.fg,
                    bg,
                    "{what}: {:?} at column {x} is invisible on row {y}: {}",
                    cell.symbol(),
                    rows(&s.terminal)[y as usize]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "{what}: a selected row is on screen");
}

#[test]
fn every_column_of_a_selected_row_is_readable() {
    let mut s = Screen::new("zoe", false);
    let tt = s.newest();
    s.live_action(tt, 1, "zoe", "👍");
    s.live_action(tt, 2, "zoe", "x");
    s.press(KeyCode::Enter);
    s.press(KeyCode::Char('j'));
    assert_selection_readable(&s, "Details");
    s.press(KeyCode::Esc);
    s.press(KeyCode::Char('r'));
    assert_selection_readable(&s, "picker");
    s.press(KeyCode::Esc);
    s.press(KeyCode::Char('x'));
    assert_selection_readable(&s, "chooser");
    s.press(KeyCode::Esc);
    // An action whose message is not loaded: its dim "(not loaded)" text too.
    let old = StoredAction {
        action_timetoken: Timetoken(s.newest().get() + 5000),
        message_timetoken: Timetoken(1),
        action_type: "reaction".into(),
        uuid: "bob".into(),
        value: "👍".into(),
    };
    s.open_actions(vec![old]);
    assert!(rows(&s.terminal).iter().any(|r| r.contains("not loaded")));
    assert_selection_readable(&s, "Actions");
}

/// The popup's right border, from its top corner down to its bottom corner, is intact.
fn assert_popup_border_intact(s: &Screen, what: &str) {
    let screen = rows(&s.terminal);
    let buffer = s.terminal.backend().buffer();
    let area = buffer.area;
    let cells = |y: u16| (0..area.width).map(move |x| (x, y));
    let (left, top) = (0..area.height)
        .flat_map(cells)
        .find(|&p| buffer[p].symbol() == "╭")
        .unwrap_or_else(|| panic!("{what}: a popup is drawn:\n{}", screen.join("\n")));
    let right = (left..area.width)
        .find(|&x| buffer[(x, top)].symbol() == "╮")
        .expect("top right corner");
    let bottom = (top..area.height)
        .find(|&y| buffer[(left, y)].symbol() == "╰")
        .expect("bottom left corner");
    for y in top + 1..bottom {
        assert_eq!(
            buffer[(right, y)].symbol(),
            "│",
            "{what}: row {y} runs over the border:\n{}",
            screen.join("\n")
        );
    }
    assert_eq!(buffer[(right, bottom)].symbol(), "╯", "{what}");
}

#[test]
fn popup_hints_stay_inside_their_border_at_30_columns() {
    let mut s = resized("zoe", 30, 20);
    s.press(KeyCode::Char('r'));
    assert_popup_border_intact(&s, "picker");
    s.press(KeyCode::Esc);
    s.press(KeyCode::Char('?'));
    assert_popup_border_intact(&s, "help");
    s.press(KeyCode::Esc);
    let tt = s.newest();
    s.live_action(tt, 1, "zoe", "👍");
    s.live_action(tt, 2, "zoe", "🎉");
    s.press(KeyCode::Char('x'));
    assert_popup_border_intact(&s, "chooser");
    let mut s = Screen::new("mod", true);
    s.resize(30, 20);
    s.press(KeyCode::Enter);
    s.press(KeyCode::Char('d'));
    assert_popup_border_intact(&s, "moderator confirmation");
}

#[test]
fn the_remove_chooser_names_each_reaction_once() {
    let mut s = Screen::new("zoe", false);
    let tt = s.newest();
    for (n, value) in ["👍", "x", "hello", "🇶🇦"].into_iter().enumerate() {
        s.live_action(tt, n as u64, "zoe", value);
    }
    s.press(KeyCode::Char('x'));
    let screen = rows(&s.terminal);
    let row = |needle: &str| screen.iter().any(|r| r.contains(needle));
    assert!(row("👍  thumbsup"), "{}", screen.join("\n"));
    assert!(row("❌  x "), "{}", screen.join("\n"));
    assert!(
        row("│ hello  ") && !row(":hello:  hello"),
        "{}",
        screen.join("\n")
    );
    assert!(row("QA  qatar"), "a flag as in the picker");
    assert!(!row("👍  👍"), "{}", screen.join("\n"));
}

#[test]
fn actions_screen_shows_a_shortcode_value_and_its_emoji() {
    let mut s = Screen::new("carol", false);
    let tt = s.newest();
    let x = s.live_action(tt, 1, "anonymous", "x");
    let screen = rows(&s.terminal);
    assert!(
        screen.iter().any(|r| r.contains("❌ 1")) && !screen.iter().any(|r| r.contains("❌ x")),
        "chips show just the emoji"
    );
    s.open_actions(vec![x]);
    let screen = rows(&s.terminal);
    let row = screen
        .iter()
        .find(|r| r.contains("anonymous"))
        .expect("the action is listed");
    assert!(row.contains("❌ x "), "{row}");
}

/// No regional indicator (half of a flag) is in any cell: terminals disagree on their width.
fn assert_no_flags(s: &Screen, what: &str) {
    let screen = rows(&s.terminal);
    let flagged: Vec<&String> = screen
        .iter()
        .filter(|r| r.chars().any(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)))
        .collect();
    assert!(flagged.is_empty(), "{what}: {flagged:?}");
}

#[test]
fn flags_are_drawn_as_text() {
    let mut s = Screen::new("carol", false);
    let tt = s.newest();
    let flag = s.live_action(tt, 1, "bob", "🇶🇦");
    let has = |s: &Screen, text: &str| rows(&s.terminal).iter().any(|r| r.contains(text));
    assert_no_flags(&s, "Timeline");
    assert!(has(&s, ":qatar: 1"), "the chip names the flag");
    s.press(KeyCode::Enter);
    assert_no_flags(&s, "Details");
    assert!(has(&s, ":qatar:"));
    s.press(KeyCode::Esc);
    s.press(KeyCode::Char('r'));
    s.keys("qata");
    assert_no_flags(&s, "picker");
    assert!(has(&s, "QA  :qatar:"), "{}", rows(&s.terminal).join("\n"));
    s.press(KeyCode::Esc);
    s.open_actions(vec![flag]);
    assert_no_flags(&s, "Actions");
    assert!(has(&s, ":qatar:"));
}

#[test]
fn hints_follow_a_remapped_keymap() {
    use reactions::app::keymap::Keymap;
    use reactions::config::KeySpecs;
    let mut keys = std::collections::BTreeMap::new();
    keys.insert("help".to_string(), KeySpecs::One("F1".into()));
    keys.insert("switch_screen".to_string(), KeySpecs::One("s".into()));
    keys.insert("delete".to_string(), KeySpecs::One("D".into()));
    let keymap = Keymap::with_overrides(&keys).expect("a valid keymap");
    let mut s = Screen::with_options(Options {
        keymap,
        ..options("carol")
    });
    s.draw();
    let screen = rows(&s.terminal);
    let (header, status) = (&screen[0], &screen[screen.len() - 1]);
    assert!(header.contains("s switch · F1 help"), "{header}");
    assert!(
        !header.contains("Tab") && !header.contains("? help"),
        "{header}"
    );
    assert!(
        status.contains("F1 help") && !status.contains("? help"),
        "{status}"
    );
    s.press(KeyCode::Enter);
    let details = rows(&s.terminal).join("\n");
    assert!(details.contains("D remove"), "{details}");
}

#[test]
fn popup_hints_and_help_follow_remapped_popup_keys() {
    use reactions::app::keymap::Keymap;
    use reactions::config::KeySpecs;
    let keys: std::collections::BTreeMap<String, KeySpecs> = [
        ("choose", "tab"),
        ("cancel", "ctrl-g"),
        ("popup_up", "ctrl-p"),
        ("popup_down", "ctrl-n"),
    ]
    .into_iter()
    .map(|(action, key)| (action.to_string(), KeySpecs::One(key.into())))
    .collect();
    let keymap = Keymap::with_overrides(&keys).expect("a valid keymap");
    let mut s = Screen::with_options(Options {
        keymap,
        moderator: true,
        ..options("zoe")
    });
    let screen = |s: &Screen| rows(&s.terminal).join("\n");

    s.press(KeyCode::Char('r'));
    let picker = screen(&s);
    assert!(
        // Cut to the picker's width, as long hints are.
        picker.contains("Ctrl-P/Ctrl-N choose · Tab toggle · Ctrl-G cl"),
        "{picker}"
    );
    s.press_spec("ctrl-g");
    s.press(KeyCode::Char('?'));
    let help = screen(&s);
    assert!(
        help.contains("Ctrl-N/Ctrl-P scroll · any other key closes"),
        "{help}"
    );
    for _ in 0..60 {
        s.press_spec("ctrl-n");
    }
    let help = screen(&s);
    for line in [
        "Pop-ups and the filter",
        "  Ctrl-N          next item, or scroll down",
        "  Tab             toggle the reaction, remove the chosen, confirm with the reason typed",
        "type to search · Ctrl-P/Ctrl-N choose · Tab toggle · Ctrl-G close",
        "type to filter · Tab keep · Ctrl-G clear",
    ] {
        assert!(help.contains(line), "{line:?} in\n{help}");
    }
    s.press(KeyCode::Esc);

    let tt = s.newest();
    s.live_action(tt, 1, "zoe", "👍");
    s.live_action(tt, 2, "zoe", "🎉");
    s.press(KeyCode::Char('x'));
    let chooser = screen(&s);
    assert!(chooser.contains("Tab remove · Ctrl-G cancel"), "{chooser}");
    s.press_spec("ctrl-g");

    s.press(KeyCode::Enter);
    s.press(KeyCode::Char('j'));
    s.press(KeyCode::Char('d'));
    let confirm = screen(&s);
    assert!(confirm.contains("Tab remove · Ctrl-G keep it"), "{confirm}");
    s.press_spec("ctrl-g");
    s.press(KeyCode::Esc);

    s.open_actions(Vec::new());
    s.press(KeyCode::Char('/'));
    let filter = screen(&s);
    assert!(filter.contains("Tab keep · Ctrl-G clear"), "{filter}");
}

#[test]
fn details_shows_every_line_of_a_message_taller_than_the_screen() {
    let mut s = Screen::new("carol", false);
    let tt = Timetoken(s.newest().get() + 10);
    let text: Vec<String> = (1..=60)
        .map(|n| format!("line {n:02} of the long message"))
        .collect();
    s.live_message(tt, "alice", &text.join("\n"));
    s.live_action(tt, 1, "bob", "👍");
    s.press(KeyCode::Enter);
    let on_screen = |s: &Screen, n: usize| {
        rows(&s.terminal)
            .iter()
            .any(|r| r.contains(&format!("line {n:02} of")))
    };
    assert!(
        on_screen(&s, 1),
        "Details opens on the message's first line"
    );
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..100 {
        seen.extend((1..=60).filter(|&n| on_screen(&s, n)));
        s.press(KeyCode::Char('j'));
    }
    let missing: Vec<usize> = (1..=60).filter(|n| !seen.contains(n)).collect();
    assert!(missing.is_empty(), "lines never shown: {missing:?}");
    let screen = rows(&s.terminal).join("\n");
    assert!(
        on_screen(&s, 60) && screen.contains("bob"),
        "the end of the text and the actions under it:\n{screen}"
    );
    s.press(KeyCode::Char('g'));
    assert!(on_screen(&s, 1), "g goes back to the first line");
    s.press(KeyCode::Char('G'));
    assert!(on_screen(&s, 60), "G goes to the end");
}

/// The first row of the Actions list (below its header).
fn first_action_row(s: &mut Screen) -> String {
    s.draw();
    rows(&s.terminal)[2].clone()
}

#[test]
fn actions_arriving_above_a_list_at_its_top_show_there() {
    let mut s = Screen::new("mod", true);
    s.open_actions(Vec::new());
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
    let commands = s.press(KeyCode::Enter);
    let (op, records) = recorded(&commands);
    assert!(
        !first_action_row(&mut s).contains("frank"),
        "removed at once"
    );
    let refused = ChunkReport {
        not_recorded: None,
        results: records
            .iter()
            .map(|r| {
                let e = Error::Network {
                    message: "connection refused".into(),
                };
                (r.action(), Removal::Failed(e))
            })
            .collect(),
        at: NOW,
    };
    update(&mut s.app, Event::Api(op, ApiOutcome::Chunk(refused)));
    let shown = first_action_row(&mut s);
    assert!(
        shown.contains("frank"),
        "the failed removal is undone in view: {shown}"
    );
}

#[test]
fn page_keys_on_the_actions_screen_move_a_screen_of_rows() {
    let mut s = Screen::new("carol", false);
    s.draw();
    let timeline_page = s.app.page_size();
    s.open_actions(Vec::new());
    s.draw();
    s.press(KeyCode::Char('g'));
    s.press(KeyCode::PageDown);
    let selected = s.app.actions.selected.expect("a selection");
    let moved = s
        .app
        .actions
        .display_from(None)
        .position(|r| r.action.action_tt == selected)
        .expect("listed");
    // At 100x30 the list shows 27 rows (below the tab bar and the header, above the status
    // line); a page moves 26, keeping one row in view.
    assert_eq!(
        moved, 26,
        "the Timeline's page was {timeline_page} messages"
    );
}

#[test]
fn a_filter_that_matches_nothing_says_so() {
    let mut s = Screen::new("carol", false);
    let op = fetch_op(&s.press(KeyCode::Tab));
    let all: Vec<StoredAction> = as_history(&Conversation::bundled().plan(NOW), CH)
        .iter()
        .flat_map(|m| m.stored_actions())
        .collect();
    update(
        &mut s.app,
        Event::Api(
            op,
            ApiOutcome::Actions(Ok(ActionsPage {
                actions: all,
                more: None,
            })),
        ),
    );
    s.press(KeyCode::Char('/'));
    s.keys("qqq");
    let text = s.text();
    assert!(
        text.contains("No action of the channel matches “qqq”."),
        "{text}"
    );
}

#[test]
fn the_page_size_follows_the_terminal_after_a_resize() {
    let mut s = Screen::new("carol", false);
    s.draw();
    let tall = s.app.page_size();
    s.resize(100, 12);
    // The loop turns a resize into a redraw; the frame reports what it measured.
    update(&mut s.app, Event::Resize);
    s.draw();
    let short = s.app.page_size();
    assert!(
        short < tall,
        "12 rows show fewer messages than 30: {short} vs {tall}"
    );
    let before = s
        .app
        .timeline
        .position(s.app.selected.expect("a selection"))
        .expect("loaded");
    s.press(KeyCode::PageUp);
    let after = s
        .app
        .timeline
        .position(s.app.selected.expect("a selection"))
        .expect("loaded");
    assert_eq!(before - after, short, "PgUp moves a page of the new size");
}

/// Every cell of the screen with its symbol and style.
fn cells(terminal: &Terminal<TestBackend>) -> Vec<(u16, u16, String, ratatui::style::Style)> {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let mut all = Vec::new();
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            all.push((x, y, cell.symbol().to_string(), cell.style()));
        }
    }
    all
}

/// The style of the first cell of the first `needle` on the screen's rows.
fn style_of(s: &Screen, needle: &str) -> ratatui::style::Style {
    let rows = rows(&s.terminal);
    let (y, row) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} on screen:\n{}", rows.join("\n")));
    // Columns in cells: the wide glyphs before it count twice.
    let x = unicode_width::UnicodeWidthStr::width(&row[..row.find(needle).unwrap_or(0)]);
    s.terminal.backend().buffer()[(x as u16, y as u16)].style()
}

#[test]
fn without_colour_own_reactions_the_selection_pending_chips_and_errors_still_stand_out() {
    use ratatui::style::{Color, Modifier};
    use reactions::config::Theme;
    let mut s = Screen::with_options(Options {
        theme: Theme::Mono,
        ..options("zoe")
    });
    s.press(KeyCode::Char('k'));
    // zoe's own 👍, being added: a pending chip; then settled it is one of hers.
    let commands = s.press(KeyCode::Char('+'));
    let pending = s.text();
    assert!(
        pending.contains("~👍"),
        "a pending chip is marked without colour:\n{pending}"
    );
    insta::assert_snapshot!("mono_pending", pending);
    let (op, tt) = commands
        .iter()
        .find_map(|c| match c {
            Command::AddAction { op, message_tt, .. } => Some((*op, *message_tt)),
            _ => None,
        })
        .expect("add");
    let stored = StoredAction {
        action_timetoken: Timetoken(tt.get() + 5_000),
        message_timetoken: tt,
        action_type: "reaction".into(),
        uuid: "zoe".into(),
        value: "👍".into(),
    };
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::Added(Ok((stored, None)))),
    );
    let text = s.text();
    insta::assert_snapshot!("mono_timeline", text);

    for (x, y, symbol, style) in cells(&s.terminal) {
        assert!(
            style.fg.is_none_or(|c| c == Color::Reset)
                && style.bg.is_none_or(|c| c == Color::Reset),
            "no colour at all in mono: {symbol:?} at {x},{y} has {style:?}"
        );
    }
    let mine = style_of(&s, "[👍");
    assert!(
        mine.add_modifier
            .contains(Modifier::REVERSED | Modifier::BOLD),
        "my reaction is reversed and bold: {mine:?}\n{text}"
    );
    let others = style_of(&s, " 🎉");
    assert!(
        !others.add_modifier.contains(Modifier::REVERSED),
        "others' reactions are not: {others:?}"
    );
    let selected = s
        .app
        .selected_message()
        .expect("selected")
        .shown_line(&s.app.symbols)
        .to_string();
    let excerpt: String = selected.chars().take(12).collect();
    let rows = rows(&s.terminal);
    let row = rows
        .iter()
        .find(|r| r.contains(&excerpt))
        .expect("the selected message on screen");
    assert!(
        row.starts_with('▌'),
        "the selected message is marked in its gutter, not by colour: {row:?}"
    );
    let marked: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].starts_with('▌'))
        .collect();
    assert!(
        marked.windows(2).all(|w| w[1] == w[0] + 1) && marked.len() <= 4,
        "only the selected message (its header, text and chips) is marked: {marked:?}"
    );

    // A refusal in the status bar.
    let commands = s.press(KeyCode::Char('+'));
    let op = commands
        .iter()
        .find_map(|c| match c {
            Command::RemoveAction { op, .. } => Some(*op),
            _ => None,
        })
        .expect("toggling my 👍 off removes it");
    let refused = Error::AccessDenied {
        status: 403,
        message: "Forbidden".into(),
        refused: Vec::new(),
    };
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::Removed(Err(refused))),
    );
    s.draw();
    assert!(
        style_of(&s, "Could not remove")
            .add_modifier
            .contains(Modifier::REVERSED),
        "an error is reversed:\n{}",
        s.text()
    );
}

#[test]
fn the_channel_switcher_lists_names_new_messages_and_filters() {
    use reactions::app::channels::ChannelMemory;
    let seen = Timetoken(NOW.get() - 10);
    let mut s = Screen::with_options(Options {
        channels: vec![CH.into(), "chats.support".into()],
        channel_memory: ChannelMemory {
            recent: vec!["ops.alerts".into()],
            last_seen: [
                ("chats.support".to_string(), seen),
                ("ops.alerts".to_string(), seen),
            ]
            .into(),
        },
        ..options("carol")
    });
    let out = s.press_spec("ctrl-k");
    let mut counts = None;
    let mut directory = None;
    for command in &out {
        match command {
            Command::FetchCounts { op, .. } => counts = Some(*op),
            Command::FetchChannels { op } => directory = Some(*op),
            _ => {}
        }
    }
    let counted = reactions::pubnub::MessageCounts {
        channels: [
            ("chats.support".to_string(), 3),
            ("ops.alerts".to_string(), 0),
        ]
        .into(),
        more: Default::default(),
    };
    update(
        &mut s.app,
        Event::Api(
            counts.expect("counts asked"),
            ApiOutcome::Counts(Ok(counted)),
        ),
    );
    update(
        &mut s.app,
        Event::Api(
            directory.expect("App Context asked"),
            ApiOutcome::Channels(Ok(ChannelDirectory {
                channels: vec![
                    ("chats.support".into(), Some("Customer support".into())),
                    ("chats.random".into(), Some("Random".into())),
                ],
                // The keyset has more than the switcher lists: it says how to open the others.
                more: true,
            })),
        ),
    );
    let text = s.text();
    assert!(text.contains("#chats.support  Customer support"), "{text}");
    assert!(text.contains("3 new"), "{text}");
    assert!(
        text.contains("3 new in 1 other channel"),
        "the tab bar says so too:\n{text}"
    );
    insta::assert_snapshot!("switcher", text);
    s.keys("rand");
    let filtered = s.text();
    assert!(filtered.contains("#chats.random  Random"), "{filtered}");
    assert!(!filtered.contains("#chats.support"), "{filtered}");
    insta::assert_snapshot!("switcher_filtered", filtered);
}

/// The op of the first command that has one of the moderator's kinds.
fn moderator_op(commands: &[Command]) -> u32 {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchAuditLog { op }
            | Command::FetchWindow { op, .. }
            | Command::ScanActions { op, .. }
            | Command::RemoveRecorded { op, .. }
            | Command::Undo { op, .. } => Some(*op),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a moderator's command in {commands:?}"))
}

/// A record as the log holds it, `minutes` before NOW.
fn logged(
    id: &str,
    moderator: &str,
    operation: reactions::moderation::Operation,
    (author, value, excerpt): (&str, &str, &str),
    minutes: u32,
) -> reactions::moderation::AuditRecord {
    let action = StoredAction {
        action_timetoken: Timetoken(NOW.get() - 1_000),
        message_timetoken: Timetoken(NOW.get() - 2_000),
        action_type: "reaction".into(),
        uuid: author.into(),
        value: value.into(),
    };
    let mut r = reactions::moderation::AuditRecord::new(moderator, operation, CH, &action, excerpt);
    r.id = id.into();
    let at = chrono::DateTime::parse_from_rfc3339("2025-12-01T00:00:00Z").expect("a time")
        - chrono::Duration::minutes(minutes.into());
    r.time = at
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    r
}

#[test]
fn audit_screen() {
    use reactions::moderation::Operation::{Remove, Resolve, Undo, Void};
    let mut s = Screen::new("mo", true);
    let op = moderator_op(&s.press(KeyCode::Char('A')));
    let loading = s.text();
    assert!(loading.contains("reading the moderation log…"), "{loading}");
    let mut records = vec![
        logged("r1", "zed", Remove, ("bob", "🍆", "lunch at noon?"), 30).with_reason("spam"),
        logged("r2", "mo", Remove, ("bob", "💩", "Freeze is on."), 20)
            .with_reason("raid")
            .in_run("run-8x2k1"),
        logged("r3", "mo", Remove, ("eve", "🍆", "Freeze is on."), 20)
            .with_reason("raid")
            .in_run("run-8x2k1"),
        logged("r4", "mo", Remove, ("dave", "👍", "All merged."), 19)
            .with_reason("raid")
            .in_run("run-8x2k1"),
    ];
    let mut undo = logged("u1", "zed", Undo, ("eve", "🍆", "Freeze is on."), 10)
        .with_reason("eve is no raider");
    undo.refers_to = "r3".into();
    let mut void =
        logged("v1", "mo", Void, ("dave", "👍", "All merged."), 19).with_reason("already gone");
    void.refers_to = "r4".into();
    // A report resolved: stored on the Chat SDK's reports channel, shown as the report.
    let mut resolved = logged(
        "s1",
        "mo",
        Resolve,
        ("mo", "warned bob", "bob keeps posting 🍆"),
        5,
    );
    resolved.channel = format!("PUBNUB_INTERNAL_MODERATION_{CH}");
    records.extend([void, undo, resolved]);
    // People by their App Context names where known (zed has none: shown by id).
    for (id, name) in [("bob", "Bob Okafor"), ("mo", "Mo Haddad")] {
        let user = s.app.symbols.intern(id);
        s.app.symbols.set_name(user, name);
    }
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::AuditLog(Ok(records))),
    );
    let text = s.text();
    assert!(
        text.contains("removed, undone") && text.contains("not done"),
        "{text}"
    );
    assert!(
        text.contains("⚑ report bob keeps") && !text.contains("PUBNUB_INTERNAL"),
        "{text}"
    );
    assert!(
        text.contains("Mo Haddad removed         Bob Okafor"),
        "names, not ids:\n{text}"
    );
    insta::assert_snapshot!(text);
}

/// A moderator on Stats over the last hour: alice reacting now and then, bob's raid 8 minutes
/// ago.
fn stats_with_a_raid() -> Screen {
    use reactions::moderation::stats::Window;
    let mut s = Screen::new("mo", true);
    update(&mut s.app, Event::Tick(NOW));
    let op = moderator_op(&s.press(KeyCode::Char('S')));
    let window = Window::ending(NOW, 60);
    let mt = s.newest();
    let at = |minute: usize, i: u64| Timetoken(window.minute_start(minute).get() + i * 10_000);
    let reaction = |at: Timetoken, uuid: &str, value: &str| StoredAction {
        action_timetoken: at,
        message_timetoken: mt,
        action_type: "reaction".into(),
        uuid: uuid.into(),
        value: value.into(),
    };
    let mut actions: Vec<StoredAction> = (0..60)
        .step_by(3)
        .map(|m| reaction(at(m, 1), "alice", "👍"))
        .collect();
    for (minute, n) in [(51, 12), (52, 30), (53, 18)] {
        actions.extend((0..n).map(|i| reaction(at(minute, 2 + i), "bob", "🍆")));
    }
    update(
        &mut s.app,
        Event::Api(op, ApiOutcome::Window(window, Ok(actions))),
    );
    s
}

#[test]
fn stats_screen() {
    let mut s = stats_with_a_raid();
    let text = s.text();
    assert!(text.contains("top users   bob 60   alice 20"), "{text}");
    assert!(text.contains("SPIKES (2)"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn stats_name_users_as_app_context_does() {
    let mut s = stats_with_a_raid();
    let bob = s.app.symbols.intern("bob");
    s.app.symbols.set_name(bob, "Bob Okafor");
    let text = s.text();
    assert!(
        text.contains("top users   Bob Okafor 60   alice 20"),
        "{text}"
    );
    assert!(text.contains("user Bob Okafor"), "the spike too:\n{text}");
}

/// The spike's dry run, answered with `n` of bob's 🍆.
fn bulk_dry_run(s: &mut Screen, n: u64) {
    use reactions::moderation::run::DryRun;
    let op = moderator_op(&s.press(KeyCode::Char('B')));
    let counting = s.text();
    assert!(counting.contains("Counting what `user:bob"), "{counting}");
    let mt = s.newest();
    let matches: Vec<StoredAction> = (0..n)
        .map(|i| StoredAction {
            action_timetoken: Timetoken(NOW.get() - 4_800_000_000 + i * 10_000),
            message_timetoken: mt,
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: "🍆".into(),
        })
        .collect();
    let excerpts = [(mt, "lunch at noon? Last planning sync before we go.".into())].into();
    let filter = match &s.app.bulk {
        Some(reactions::app::bulk::Bulk::Scanning { filter }) => filter.clone(),
        other => panic!("counting: {other:?}"),
    };
    let dry = DryRun::new(CH, &filter, 412, matches, excerpts, "reaction");
    update(&mut s.app, Event::Api(op, ApiOutcome::Scanned(Ok(dry))));
}

#[test]
fn bulk_removal_dry_run() {
    let mut s = stats_with_a_raid();
    bulk_dry_run(&mut s, 60);
    s.keys("raid");
    let text = s.text();
    assert!(
        text.contains("60 actions of chats.room1 match (412 looked at)"),
        "{text}"
    );
    assert!(text.contains("reason (optional): raid"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn bulk_removal_in_progress() {
    use reactions::moderation::run::{ChunkReport, Removal};
    let mut s = stats_with_a_raid();
    bulk_dry_run(&mut s, 160);
    let commands = s.press(KeyCode::Enter);
    let (op, records) = recorded(&commands);
    // The first chunk: all but two removed, one already gone, one refused; two seconds in.
    let results = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let removal = match i {
                0 => Removal::AlreadyGone,
                1 => Removal::Failed(Error::Server {
                    status: 503,
                    message: "Service Unavailable".into(),
                }),
                _ => Removal::Removed,
            };
            (r.action(), removal)
        })
        .collect();
    let report = ChunkReport {
        not_recorded: None,
        results,
        at: Timetoken(NOW.get() + 20_000_000),
    };
    update(&mut s.app, Event::Api(op, ApiOutcome::Chunk(report)));
    let text = s.text();
    assert!(
        text.contains("50/160 · 48 removed · 1 already gone · 1 failed · 24/s · 4 s left"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
