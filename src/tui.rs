//! The terminal: setup and restore (on quit, on error and on panic), the event loop that feeds
//! [`app::update`], and render scheduling: draw only when state changed, once per burst.

use std::io::{Stdout, stdout};
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream, MouseButton,
    MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::task::Poll;

use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::{self, App, Command, Event, MouseTarget};
use crate::pubnub::{Client, RetryNow, Timetoken};
use crate::ui::{self, UiState};
use crate::{live, worker};

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, whatever way the loop ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        tracing::error!("panic: {info}");
        previous(info);
    }));
}

fn setup() -> std::io::Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((guard, terminal))
}

/// Turns a terminal event into an app event; mouse positions resolve through the last frame.
fn translate(event: TermEvent, state: &UiState) -> Option<Event> {
    match event {
        TermEvent::Key(key) => Some(Event::Key(key)),
        TermEvent::Resize(_, _) => Some(Event::Resize),
        TermEvent::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Event::Mouse(MouseTarget::ScrollUp)),
            MouseEventKind::ScrollDown => Some(Event::Mouse(MouseTarget::ScrollDown)),
            MouseEventKind::Down(MouseButton::Left) => {
                state.hits.at(mouse.column, mouse.row).map(Event::Mouse)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Runs the UI until the user quits. `client` talks to the service or the embedded server.
pub async fn run(mut app: App, client: Client, files: worker::WorkerFiles) -> std::io::Result<()> {
    let (guard, mut terminal) = setup()?;
    let (events_tx, mut events_rx) = mpsc::unbounded_channel::<Event>();
    let commands = worker::spawn(client.clone(), files, events_tx.clone());
    // The subscription: (re)started on the channels the app asks for (a thread opened, left).
    let mut live: Option<live::Live> = None;
    let send = |list: Vec<Command>, live: &mut Option<live::Live>| {
        for command in list {
            match command {
                Command::RetryConnection => {
                    live.iter()
                        .flat_map(|l| l.retry.iter())
                        .for_each(RetryNow::trigger);
                }
                Command::Subscribe(channels) => {
                    if let Some(old) = live.take() {
                        old.task.abort();
                    }
                    *live = Some(live::spawn(client.clone(), channels, events_tx.clone()));
                }
                other => {
                    let _ = commands.send(other);
                }
            }
        }
    };
    send(app.start(), &mut live);

    let mut input = EventStream::new();
    let mut state = UiState::default();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut redraw = true;
    loop {
        if redraw {
            terminal.draw(|frame| ui::draw(frame, &app, &mut state))?;
            // What the frame measured (page sizes, the Details layout) goes back through
            // `update`, before the next key needs it.
            let outcome = app::update(&mut app, Event::Measured(state.measured()));
            redraw = outcome.redraw;
            send(outcome.commands, &mut live);
        }
        let first = tokio::select! {
            term = input.next() => match term {
                Some(Ok(event)) => translate(event, &state),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(event) = events_rx.recv() => Some(event),
            _ = ticker.tick(), if app.wants_ticks() => Some(Event::Tick(Timetoken::now())),
        };
        // Apply the whole burst before drawing once.
        let mut batch: Vec<Event> = first.into_iter().collect();
        while let Ok(event) = events_rx.try_recv() {
            batch.push(event);
        }
        // `poll!` registers this task's waker, so input that is not ready yet still wakes us.
        while let Poll::Ready(Some(Ok(event))) = futures::poll!(input.next()) {
            batch.extend(translate(event, &state));
        }
        for event in batch {
            let outcome = app::update(&mut app, event);
            redraw |= outcome.redraw;
            send(outcome.commands, &mut live);
        }
        if app.quit {
            break;
        }
    }
    if let Some(live) = live {
        live.task.abort();
    }
    drop(terminal);
    drop(guard);
    Ok(())
}
