//! The browser and the Chat SDK on the same data, checked from both sides: a room the Chat SDK
//! wrote (names, an edit, a soft delete, a report, a thread, a reaction) is loaded by the
//! browser's own `update` loop and worker against the embedded server and drawn as a user sees
//! it; then the browser's `+` on the Chat SDK's message shows in the SDK's `message.reactions`.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use reactions::app::{self, App, Command, Event, Options};
use reactions::pubnub::{Client, Config};
use reactions::ui::{self, UiState};
use reactions::worker::{self, WorkerFiles};

use super::{PUB, SUB, run_node};
use crate::common::TestServer;

/// The room `chat_scenario.mjs` writes in its cross-check.
const CROSS_ROOM: &str = "chats.cross";

/// The browser as a user runs it, without a terminal: every command goes to the real worker and
/// its result back into `update`, until nothing is left to do.
struct Browser {
    app: App,
    client: Client,
    files: WorkerFiles,
    terminal: Terminal<TestBackend>,
    state: UiState,
}

impl Browser {
    async fn open(origin: &str, user: &str, dir: &std::path::Path) -> (Browser, Vec<Command>) {
        let mut options = Options::new(CROSS_ROOM, user);
        options.moderator = true;
        let client = Client::new(Config::new(PUB, SUB, user).with_origin(origin)).expect("client");
        let files = WorkerFiles {
            audit_log: dir.join("audit.jsonl"),
            recent_reactions: dir.join("recent.json"),
            channels: dir.join("channels.json"),
        };
        let mut app = App::new(options);
        let first = app.start();
        let terminal = Terminal::new(TestBackend::new(100, 40)).expect("test backend");
        let browser = Browser {
            app,
            client,
            files,
            terminal,
            state: UiState::default(),
        };
        (browser, first)
    }

    /// Runs `commands` and all that follow from their results.
    async fn settle(&mut self, commands: Vec<Command>) {
        let mut queue = std::collections::VecDeque::from(commands);
        while let Some(command) = queue.pop_front() {
            if let Some((op, outcome)) = worker::execute(&self.client, &self.files, command).await {
                queue.extend(app::update(&mut self.app, Event::Api(op, outcome)).commands);
            }
            self.draw();
        }
    }

    async fn press(&mut self, code: KeyCode) {
        let key = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let commands = app::update(&mut self.app, key).commands;
        self.settle(commands).await;
    }

    fn draw(&mut self) {
        self.terminal
            .draw(|f| ui::draw(f, &self.app, &mut self.state))
            .expect("draw");
        app::update(&mut self.app, Event::Measured(self.state.measured()));
    }

    fn text(&mut self) -> String {
        self.draw();
        format!("{}", self.terminal.backend())
    }
}

#[test]
fn the_browser_shows_the_chat_sdks_room_and_the_sdk_sees_the_browsers_reaction() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(TestServer::start_with(|o| {
        o.long_poll = Duration::from_secs(5);
    }));
    let written = run_node(&server.origin, None, &[("CHAT_SCENARIO_CROSS", "write")])
        .unwrap_or_else(|e| panic!("{e}"));
    let write = &written[0];
    assert_eq!(write["ok"], true, "the Chat SDK wrote its room: {write}");
    let react_tt = write["react"]
        .as_str()
        .expect("the reacted message")
        .to_string();

    let dir = tempfile::tempdir().expect("temp dir");
    let mut browser = rt.block_on(async {
        let (mut browser, first) = Browser::open(&server.origin, "mo", dir.path()).await;
        browser.settle(first).await;
        browser
    });
    let timeline = browser.text();
    // As the Chat SDK shows them: the edit's text, the deleted state, names from App Context.
    assert!(timeline.contains("Alice Martin (edited)"), "{timeline}");
    assert!(timeline.contains("Hello, world!"), "{timeline}");
    assert!(!timeline.contains("Helo, wrold"), "{timeline}");
    assert!(
        timeline.contains("message deleted by Alice Martin"),
        "{timeline}"
    );
    assert!(!timeline.contains("Delete me softly"), "{timeline}");
    assert!(timeline.contains("🧵 1 reply"), "{timeline}");
    assert!(timeline.contains("👍 1"), "bob's reaction: {timeline}");
    assert!(
        !timeline.contains(" alice"),
        "ids where names exist: {timeline}"
    );
    assert!(timeline.contains("Reports (1 open)"), "{timeline}");

    // The thread (the root is just above the newest message) opens with the Chat SDK's reply.
    rt.block_on(browser.press(KeyCode::Char('k')));
    rt.block_on(browser.press(KeyCode::Char('t')));
    let thread = browser.text();
    assert!(thread.contains("First reply"), "{thread}");
    rt.block_on(browser.press(KeyCode::Esc));

    // Bob's report, on the Reports screen.
    rt.block_on(browser.press(KeyCode::Tab));
    rt.block_on(browser.press(KeyCode::Tab));
    let reports = browser.text();
    assert!(
        reports.contains("Bob Okafor reported Alice Martin's message · spam"),
        "{reports}"
    );
    assert!(reports.contains("Buy cheap watches"), "{reports}");
    // Back to the Timeline (Tab would go on to the moderator's Audit screen).
    rt.block_on(browser.press(KeyCode::Esc));

    // The browser's `+` on the newest message, the one bob reacted to.
    rt.block_on(browser.press(KeyCode::Char('j')));
    assert_eq!(
        browser.app.selected.map(|t| t.0.to_string()).as_deref(),
        Some(react_tt.as_str())
    );
    rt.block_on(browser.press(KeyCode::Char('+')));
    let after = browser.text();
    assert!(after.contains("👍 2"), "{after}");

    let read = run_node(
        &server.origin,
        None,
        &[
            ("CHAT_SCENARIO_CROSS", "read"),
            ("CHAT_SCENARIO_TT", &react_tt),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(server.stop());
    let read = &read[0];
    assert_eq!(read["ok"], true, "the Chat SDK read the message: {read}");
    assert_eq!(
        read["message"]["reactions"],
        json!([{"value": "👍", "isMine": true, "userIds": ["bob", "mo"]}]),
        "bob's and mo's 👍 in the Chat SDK: {read}"
    );
}
