//! Builds real app state of any size for the benchmarks, page by page through `app::update`,
//! exactly as the UI loads it.
#![allow(dead_code)]

use reactions::app::{ApiOutcome, App, Command, Event, Options, update};
use reactions::pubnub::{ActionsPage, HistoryPage, MoreBounds};
use reactions::synthetic;

pub const CHANNEL: &str = "bench.room";

fn op_of(commands: &[Command]) -> u32 {
    commands
        .iter()
        .find_map(Command::fetch_op)
        .expect("a fetch command")
}

/// An app with `messages` loaded (newest page first, then older pages, 25 at a time), each
/// message with `per_message` actions.
pub fn timeline(messages: usize, per_message: usize) -> App {
    let mut app = App::new(Options::new(CHANNEL, "user00"));
    let mut op = op_of(&app.start());
    let mut to = messages;
    while to > 0 {
        let from = to.saturating_sub(25);
        let page = HistoryPage {
            messages: synthetic::history(CHANNEL, from, to, per_message),
            more: None,
        };
        let out = update(&mut app, Event::Api(op, ApiOutcome::History(Ok(page))));
        to = from;
        if to == 0 {
            break;
        }
        // Ask for the next older page the way a user would: jump to the first message.
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('g'),
            crossterm::event::KeyModifiers::NONE,
        );
        // (A page's own commands ask for names and reply counts: only a fetch continues.)
        let commands = if out.commands.iter().any(|c| c.fetch_op().is_some()) {
            out.commands
        } else {
            update(&mut app, Event::Key(key)).commands
        };
        op = op_of(&commands);
    }
    // Back to the newest message, as after start-up.
    let key = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('G'),
        crossterm::event::KeyModifiers::NONE,
    );
    update(&mut app, Event::Key(key));
    app
}

/// Switches to the Actions screen and loads `messages * per_message` actions, 100 a page.
pub fn actions_screen(app: &mut App, messages: usize, per_message: usize) {
    let tab = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Tab,
        crossterm::event::KeyModifiers::NONE,
    );
    let mut op = op_of(&update(app, Event::Key(tab)).commands);
    let all_messages = messages;
    // Pages of whole messages' actions, newest first, about 100 actions each.
    let per_page = (100 / per_message.max(1)).max(1);
    let mut to = all_messages;
    while to > 0 {
        let from = to.saturating_sub(per_page);
        let actions = synthetic::actions(from, to, per_message);
        let more = (from > 0).then(|| MoreBounds {
            start: actions.first().map(|a| a.action_timetoken),
            end: None,
            limit: Some(100),
        });
        update(
            app,
            Event::Api(op, ApiOutcome::Actions(Ok(ActionsPage { actions, more }))),
        );
        to = from;
        if to == 0 {
            break;
        }
        // The next page as the screen asks for it.
        let last = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('G'),
            crossterm::event::KeyModifiers::NONE,
        );
        op = op_of(&update(app, Event::Key(last)).commands);
    }
    let first = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('g'),
        crossterm::event::KeyModifiers::NONE,
    );
    update(app, Event::Key(first));
}
