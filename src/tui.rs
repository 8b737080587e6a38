//! The terminal: whether there is one that can show the UI, setup and restore (on quit, on
//! error, on panic and on SIGTERM, SIGHUP or SIGINT from outside), suspending on Ctrl-Z or a
//! SIGTSTP from outside and coming back whole on `fg`, the event loop that feeds
//! [`app::update`], and render scheduling: draw only when state changed, once per burst.

use std::io::{IsTerminal, Stdout, stdout};
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream, KeyCode, KeyEvent,
    KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::task::Poll;

use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::keymap::{Context, Key};
use crate::app::{self, App, Command, Event, MouseTarget};
use crate::pubnub::{Client, RetryNow, Timetoken};
use crate::ui::{self, UiState};
use crate::{live, worker};

/// What to do instead of the UI, said after why it cannot run here.
/// Frames are drawn at most this often. A burst of results (a filter reading thousands of
/// pages, a flood of live events) is drawn together, while what a key changes still shows within
/// this time. Nothing is scheduled when nothing changed, so an idle UI still draws nothing.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);

const USE_THE_COMMANDS: &str = "for scripts use the commands, such as `reactions history CHANNEL` \
     or `reactions actions list CHANNEL` (`reactions --help` lists them)";

/// Checks that this process has a terminal that can show the UI: stdout is one (not a file or a
/// pipe), `TERM` is not `dumb`, and there is a controlling terminal to read keys from. The
/// error is one line saying what is missing and what to do instead.
pub fn check_terminal() -> Result<(), String> {
    if !stdout().is_terminal() {
        return Err(if std::io::stdin().is_terminal() {
            format!(
                "the terminal UI draws on a terminal and stdout is not one (is it redirected?); \
                 {USE_THE_COMMANDS}"
            )
        } else {
            format!("the terminal UI needs a terminal and there is none here; {USE_THE_COMMANDS}")
        });
    }
    if std::env::var("TERM").is_ok_and(|term| term == "dumb") {
        return Err(format!(
            "the terminal UI needs a terminal that can draw it, and TERM=dumb says this one \
             cannot: run it in a full terminal (or set TERM, e.g. TERM=xterm-256color); \
             {USE_THE_COMMANDS}"
        ));
    }
    // Keys are read from the controlling terminal, which a process started without one (by a
    // service manager, with setsid) does not have even when stdout is a terminal.
    if let Err(e) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    {
        return Err(format!(
            "the terminal UI needs a controlling terminal to read keys from and this process has \
             none (/dev/tty: {e}); start it from a terminal, or {USE_THE_COMMANDS}"
        ));
    }
    Ok(())
}

/// How the UI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// A signal asked the process to end (SIGTERM, SIGHUP, SIGINT); once everything is put
    /// back, [`exit_by_signal`] ends it as that signal would have.
    Signal(i32),
}

/// Ends the process by `signal` with its default action, so that whoever started it sees it
/// ended by that signal (a shell shows status 128 + N). Call it only once the terminal is
/// restored and the database closed.
pub fn exit_by_signal(signal: i32) -> ! {
    // SAFETY: resetting a signal to its default action and raising it has no preconditions; the
    // process ends here whatever other threads are doing.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
    // Only if the signal did not end the process (it is blocked, say).
    std::process::exit(128 + signal)
}

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

/// Raw mode, the alternate screen and mouse reporting: the terminal as the UI uses it.
fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)
}

fn setup() -> std::io::Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
    install_panic_hook();
    let guard = TerminalGuard;
    enter()?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((guard, terminal))
}

/// The signals that end the UI from outside, listened to from before the terminal is taken.
struct EndSignals {
    terminate: Signal,
    hang_up: Signal,
    interrupt: Signal,
}

impl EndSignals {
    fn listen() -> std::io::Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            hang_up: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// The next of them to arrive.
    async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.terminate.recv() => libc::SIGTERM,
            _ = self.hang_up.recv() => libc::SIGHUP,
            _ = self.interrupt.recv() => libc::SIGINT,
        }
    }
}

/// Whether `key` is Ctrl-Z and no `[keys]` entry took it: the terminal's suspend key, which
/// raw mode delivers as a key instead of a signal.
fn is_suspend(key: &KeyEvent, app: &App) -> bool {
    let ctrl_z = key.code == KeyCode::Char('z')
        && key.modifiers == KeyModifiers::CONTROL
        && key.kind != KeyEventKind::Release;
    let bound = [Context::Screens, Context::Popups]
        .into_iter()
        .any(|context| {
            app.options
                .keymap
                .action(context, Key::from_event(key))
                .is_some()
        });
    ctrl_z && !bound
}

/// Ctrl-Z, or SIGTSTP from outside (`kill -TSTP`): gives the terminal back to the shell and
/// stops as a job does; once `fg` continues the process, takes the terminal again and has
/// everything redrawn.
fn suspend(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> std::io::Result<()> {
    restore_terminal();
    stop_as_a_job();
    enter()?;
    // Everything is drawn again: the screen cleared, and both of ratatui's buffers emptied so
    // that the next frame is compared with nothing. (`Terminal::clear` would ask the terminal
    // for the cursor position, and the answer goes to the input stream instead.)
    execute!(stdout(), Clear(ClearType::All))?;
    terminal.swap_buffers();
    terminal.swap_buffers();
    Ok(())
}

/// Stops the process with SIGTSTP's default action (the shell then says the job stopped), and
/// returns once it is continued. The UI listens for SIGTSTP itself (to give the terminal back
/// first), so its handler is set aside for the stop and put back after.
fn stop_as_a_job() {
    // SAFETY: `sigaction` with a zeroed struct whose handler is SIG_DFL, and the handler it
    // returned, are valid arguments; raising a signal has no preconditions. SIGTSTP's default
    // action stops the process inside `raise`, which returns when it is continued.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut listening: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGTSTP, &default, &mut listening) != 0 {
            // The handler could not be set aside: stop all the same.
            libc::raise(libc::SIGSTOP);
            return;
        }
        libc::raise(libc::SIGTSTP);
        libc::sigaction(libc::SIGTSTP, &listening, std::ptr::null_mut());
    }
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

/// A terminal event as an app event. Ctrl-Z suspends first, and comes back as a resize: the
/// terminal may have changed meanwhile, and everything is drawn again.
fn take_input(
    event: TermEvent,
    app: &App,
    state: &UiState,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> std::io::Result<Option<Event>> {
    match event {
        TermEvent::Key(key) if is_suspend(&key, app) => {
            suspend(terminal)?;
            Ok(Some(Event::Resize))
        }
        other => Ok(translate(other, state)),
    }
}

/// Runs the UI until the user quits or a signal ends it. `client` talks to the service or the
/// embedded server.
pub async fn run(
    mut app: App,
    client: Client,
    files: worker::WorkerFiles,
) -> std::io::Result<Ending> {
    let mut end_signals = EndSignals::listen()?;
    // A stop from outside (`kill -TSTP`): the terminal is given back first, as for Ctrl-Z.
    let mut stop_requests = signal(SignalKind::from_raw(libc::SIGTSTP))?;
    let (guard, mut terminal) = setup()?;
    let (events_tx, mut events_rx) = mpsc::unbounded_channel::<Event>();
    let channels_file = files.channels.clone();
    let commands = worker::spawn(client.clone(), files, events_tx.clone());
    // The subscription: (re)started on the channels the app asks for (a thread opened, left).
    let mut live: Option<live::Live> = None;
    // A moderator's reports, on a subscription of their own.
    let mut reports_live: Option<live::Live> = None;
    let mut send = |list: Vec<Command>, live: &mut Option<live::Live>| {
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
                Command::SubscribeReports(channels) => {
                    if let Some(old) = reports_live.take() {
                        old.task.abort();
                    }
                    let reports = live::spawn_reports(client.clone(), channels, events_tx.clone());
                    reports_live = Some(reports);
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
    // When the last frame was drawn, and when a change that came sooner is to be drawn.
    let mut last_frame: Option<tokio::time::Instant> = None;
    let mut draw_at: Option<tokio::time::Instant> = None;
    let ending = loop {
        let due = last_frame.map(|at| at + FRAME_INTERVAL);
        if redraw && due.is_some_and(|due| tokio::time::Instant::now() < due) {
            draw_at = due;
        } else if redraw {
            draw_at = None;
            terminal.draw(|frame| ui::draw(frame, &app, &mut state))?;
            last_frame = Some(tokio::time::Instant::now());
            // What the frame measured (page sizes, the Details layout) goes back through
            // `update`, before the next key needs it.
            let outcome = app::update(&mut app, Event::Measured(state.measured()));
            redraw = outcome.redraw;
            send(outcome.commands, &mut live);
        }
        let first = tokio::select! {
            // A signal first: a hung-up terminal also ends the input, and the signal says why.
            biased;
            signal = end_signals.next() => break Ending::Signal(signal),
            _ = stop_requests.recv() => {
                suspend(&mut terminal)?;
                Some(Event::Resize)
            }
            term = input.next() => match term {
                Some(Ok(event)) => take_input(event, &app, &state, &mut terminal)?,
                Some(Err(e)) => return Err(e),
                None => break Ending::Quit,
            },
            Some(event) = events_rx.recv() => Some(event),
            _ = ticker.tick(), if app.wants_ticks() => Some(Event::Tick(Timetoken::now())),
            // A change held back by the frame interval is drawn now.
            _ = tokio::time::sleep_until(draw_at.unwrap_or_else(tokio::time::Instant::now)),
                if draw_at.is_some() => None,
        };
        // Apply the whole burst before drawing once.
        let mut batch: Vec<Event> = first.into_iter().collect();
        while let Ok(event) = events_rx.try_recv() {
            batch.push(event);
        }
        // `poll!` registers this task's waker, so input that is not ready yet still wakes us.
        while let Poll::Ready(Some(Ok(event))) = futures::poll!(input.next()) {
            batch.extend(take_input(event, &app, &state, &mut terminal)?);
        }
        for event in batch {
            // A key acts at the time it is pressed (a filter's `since:1h`, a bulk run's start):
            // the clock is read here, not in `update`.
            if matches!(event, Event::Key(_)) {
                app::update(&mut app, Event::Tick(Timetoken::now()));
            }
            let outcome = app::update(&mut app, event);
            redraw |= outcome.redraw;
            send(outcome.commands, &mut live);
        }
        if app.quit {
            break Ending::Quit;
        }
    };
    // What was seen, for the next session's counts of new messages (the worker may be gone).
    app::channels::mark_seen(&mut app);
    worker::save_channels(&channels_file, &app.channels.memory);
    if let Some(live) = live {
        live.task.abort();
    }
    if let Some(reports) = reports_live {
        reports.task.abort();
    }
    drop(terminal);
    drop(guard);
    Ok(ending)
}
