//! All state of the terminal UI and the one function that changes it, [`update`].
//!
//! `app` does no I/O, has no clock and never awaits: events come in (keys, mouse targets, API
//! results, live events, ticks), state changes, and [`Command`]s go out to the worker. Every
//! behaviour is therefore a plain unit test.

pub mod action;
pub mod actions_view;
pub mod audit_view;
pub mod bulk;
pub mod chips;
pub mod details;
pub mod keymap;
pub mod load;
pub mod picker;
pub mod stats_view;
pub mod symbols;
pub mod timeline;

mod auditing;
mod input;
mod loading;
mod reacting;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use crate::config::ReactionValueStyle;
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, ActionsPage, HistoryPage, LiveEvent, StoredAction, Timetoken};

use action::{ActionData, ActionOnMessage};
use actions_view::ActionsView;
use audit_view::AuditView;
use bulk::Bulk;
use chips::ActionKinds;
use details::{DetailsLayout, DetailsView};
use keymap::Keymap;
use load::Load;
use picker::{EmojiIndex, Picker};
use stats_view::StatsView;
use symbols::{Sym, Symbols};
use timeline::{OpId, Timeline};

pub use crate::moderation::AuditRecord;
use crate::moderation::execute::UndoError;
use crate::moderation::run::{ChunkReport, DryRun};
use crate::moderation::stats::Window;
use crate::moderation::{ChannelAccess, Filter};

/// Messages per history page (history-with-actions serves at most 25).
pub const HISTORY_PAGE: u32 = 25;
/// Actions per page on the Actions screen.
pub const ACTIONS_PAGE: u32 = 100;
/// Start loading older messages when the selection is this close to the oldest loaded one.
const PREFETCH_MARGIN: usize = 3;

/// Who the user is and how the app behaves; fixed for the session.
#[derive(Debug, Clone)]
pub struct Options {
    pub channel: String,
    pub user_id: String,
    pub moderator: bool,
    pub reaction_type: String,
    pub reaction_value: ReactionValueStyle,
    pub keymap: Keymap,
    /// Offset of local time from UTC in seconds, for showing times.
    pub utc_offset_secs: i32,
    /// Where moderator removals are recorded (shown in help).
    pub audit_log_path: String,
    /// Recently used reactions from earlier sessions, most recent first.
    pub recent_reactions: Vec<String>,
    /// What the credentials allow on the channel (Access Manager), to say why a request was
    /// refused; `None` explains nothing.
    pub access: Option<ChannelAccess>,
}

impl Options {
    /// Defaults for everything but the channel and the user: reactions stored as type
    /// `reaction` with the emoji as value, the default keymap, times in UTC, no audit path.
    pub fn new(channel: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            user_id: user_id.into(),
            moderator: false,
            reaction_type: "reaction".into(),
            reaction_value: ReactionValueStyle::Emoji,
            keymap: Keymap::default(),
            utc_offset_secs: 0,
            audit_log_path: String::new(),
            recent_reactions: Vec::new(),
            access: None,
        }
    }
}

/// Which screen fills the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Timeline,
    Details(DetailsView),
    Actions,
    /// The keyset's moderation log (moderators).
    Audit,
    /// Reactions over time, top values and users, spikes (moderators).
    Stats,
}

impl DetailsView {
    /// The screen Details returns to.
    pub fn back(&self) -> Screen {
        if self.from_actions {
            Screen::Actions
        } else {
            Screen::Timeline
        }
    }
}

/// A pop-up over the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Picker(Picker),
    Help {
        scroll: u16,
    },
    /// A moderator's removal of another user's action, waiting for Enter (with an optional
    /// reason typed) or Esc.
    Confirm {
        target: ActionOnMessage,
        /// The question shown, such as "Remove bob's 👍 from 'lunch at noon?'".
        prompt: String,
        /// Why, as typed (recorded with the removal).
        reason: String,
    },
    /// Undoing a removal of the moderation log, waiting for Enter (with an optional reason).
    Undo {
        record: Box<AuditRecord>,
        prompt: String,
        reason: String,
    },
    /// What to remove in bulk for the action selected in Details: (label, filter) pairs.
    BulkChoice {
        options: Vec<(String, String)>,
        selected: usize,
    },
    /// Choose which of my reactions on a message to remove.
    Chooser {
        message_tt: Timetoken,
        options: Vec<ActionData>,
        selected: usize,
    },
}

/// State of the live subscription, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting {
        attempt: u32,
        retry_at: Timetoken,
        error: String,
    },
    Offline(String),
}

/// What the subscribe task reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionEvent {
    Connected,
    Reconnecting {
        attempt: u32,
        /// When the failure was reported (the countdown starts from it).
        now: Timetoken,
        /// When the next attempt happens.
        retry_at: Timetoken,
        error: String,
    },
    /// Back after an outage: loaded data is refreshed.
    Reconnected,
    /// The subscription ended for good.
    Offline(String),
}

/// The status bar's last notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    /// A failure to load data: it goes away by itself once a load succeeds.
    pub about_loading: bool,
}

/// What a mouse event hit, resolved by the UI from the last frame's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseTarget {
    ScrollUp,
    ScrollDown,
    Message(Timetoken),
    /// A reaction chip of a message: toggles it.
    Chip {
        message_tt: Timetoken,
        value: Sym,
    },
    ActionRow(Timetoken),
}

/// What a frame measured that the movement keys need. The loop reports it after every draw
/// ([`Event::Measured`]); each screen keeps its value from the last frame that drew it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measured {
    /// Messages visible on the Timeline.
    pub timeline_messages: usize,
    /// Rows the Actions list has room for.
    pub actions_rows: usize,
    /// Rows the Audit list has room for.
    pub audit_rows: usize,
    /// The Details screen's text and scrolling area.
    pub details: DetailsLayout,
}

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseTarget),
    /// The terminal was resized: only a redraw (the frame drawn then reports its measures).
    Resize,
    /// What the last frame measured.
    Measured(Measured),
    /// Time passed (sent only while something counts down).
    Tick(Timetoken),
    /// A command's result.
    Api(OpId, ApiOutcome),
    Live(LiveEvent),
    Connection(ConnectionEvent),
}

/// Results the worker sends back.
#[derive(Debug, Clone)]
pub enum ApiOutcome {
    History(pubnub::Result<HistoryPage>),
    Actions(pubnub::Result<ActionsPage>),
    /// The stored action and the service's warning (207), if any.
    Added(pubnub::Result<(StoredAction, Option<String>)>),
    Removed(pubnub::Result<Option<String>>),
    /// A bulk removal's dry run.
    Scanned(pubnub::Result<DryRun>),
    /// Removals recorded first: what became of each (or that nothing was recorded, so nothing
    /// removed).
    Chunk(ChunkReport),
    /// An undo's record, or why it did not happen.
    Undone(Result<AuditRecord, UndoError>),
    /// The moderation log's records, oldest first.
    AuditLog(pubnub::Result<Vec<AuditRecord>>),
    /// The channel's actions in a window of time (Stats).
    Window(Window, pubnub::Result<Vec<StoredAction>>),
}

/// Work for the API worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// One page of history with actions.
    FetchHistory {
        op: OpId,
        start: Option<Timetoken>,
        end: Option<Timetoken>,
        max: u32,
    },
    /// Every message from the newest down to `end` (inclusive), all pages, as one result.
    RefreshHistory {
        op: OpId,
        end: Timetoken,
    },
    FetchActions {
        op: OpId,
        start: Option<Timetoken>,
        limit: u32,
    },
    /// The newest `max` messages from `end` up to `start` (exclusive), without actions: the
    /// Actions screen shows their text.
    FetchMessageTexts {
        op: OpId,
        start: Timetoken,
        end: Timetoken,
        max: u32,
    },
    AddAction {
        op: OpId,
        message_tt: Timetoken,
        action_type: String,
        value: String,
    },
    RemoveAction {
        op: OpId,
        message_tt: Timetoken,
        action_tt: Timetoken,
        /// Send the owner's uuid (moderator removal).
        as_uuid: Option<String>,
    },
    /// A bulk removal's dry run: every action of the channel the filter matches.
    ScanActions {
        op: OpId,
        filter: Box<Filter>,
        reaction_type: String,
    },
    /// Writes the records to the moderation log (and the local audit file), then removes
    /// each one's action as its author; nothing is removed when the records cannot be written.
    RemoveRecorded {
        op: OpId,
        records: Vec<AuditRecord>,
    },
    /// Puts a removed action back as its author, then records the undo.
    Undo {
        op: OpId,
        record: Box<AuditRecord>,
        reason: String,
        /// The action as people name it (`🍆`), for the refusal when it is back already.
        what: String,
    },
    /// The moderation log's history.
    FetchAuditLog {
        op: OpId,
    },
    /// The channel's actions of the last `minutes` minutes, up to now.
    FetchWindow {
        op: OpId,
        minutes: usize,
    },
    SaveRecent(Vec<String>),
    /// The subscription, waiting to reconnect, should try at once (for the loop, not the worker).
    RetryConnection,
    Quit,
}

impl Command {
    /// The op id of a history or actions fetch.
    pub fn fetch_op(&self) -> Option<OpId> {
        match self {
            Command::FetchHistory { op, .. } | Command::FetchActions { op, .. } => Some(*op),
            _ => None,
        }
    }
}

/// Why a request was made, so its result lands in the right place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    LatestPage,
    OlderPage,
    Refresh,
    RefreshMessage(Timetoken),
    /// Texts of messages the Actions screen lists but the Timeline has not loaded.
    MessageTexts,
    ActionsPage,
    Add {
        message_tt: Timetoken,
        kind: Sym,
        value: Sym,
    },
    /// Removing one's own action.
    Remove {
        target: ActionOnMessage,
    },
    /// A moderator removing another user's action, recorded first.
    Moderated {
        target: ActionOnMessage,
    },
    /// A bulk removal's dry run.
    Scan,
    /// A chunk of a bulk removal.
    Chunk,
    /// Undoing the removal recorded as `record`.
    Undo {
        record: String,
    },
    AuditLog,
    Window,
    /// Every message down to this one, to show it on the Timeline.
    JumpTo(Timetoken),
}

/// The whole state of the UI.
#[derive(Debug)]
pub struct App {
    pub options: Options,
    pub symbols: Symbols,
    pub me: Sym,
    pub kinds: ActionKinds,
    pub timeline: Timeline,
    /// Selected message on the Timeline.
    pub selected: Option<Timetoken>,
    /// The selection follows new messages (it is on the newest).
    pub follow: bool,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub actions: ActionsView,
    /// The moderation log (moderators).
    pub audit: AuditView,
    /// Reactions over time (moderators).
    pub stats: StatsView,
    /// A bulk removal being counted, confirmed or run (shown as a pop-up).
    pub bulk: Option<Bulk>,
    /// Texts of messages outside the loaded Timeline that the Actions screen refers to.
    pub message_texts: HashMap<Timetoken, Box<str>>,
    pub emoji: EmojiIndex,
    pub connection: Connection,
    pub notice: Option<Notice>,
    /// The newest page of history (asked for at start, and on a reload while none is loaded).
    pub newest_page: Load,
    /// The page before the oldest loaded message.
    pub older_page: Load,
    /// `g` was pressed: keep loading older pages and selecting the first until the start.
    pub jump_to_start: bool,
    /// What the last frames measured (see [`App::page_size`]).
    pub measured: Measured,
    pub now: Timetoken,
    pub quit: bool,
    ops: HashMap<OpId, Op>,
    next_op: OpId,
}

/// What an update did: commands for the worker, and whether the screen must be redrawn.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub commands: Vec<Command>,
    pub redraw: bool,
}

impl App {
    pub fn new(options: Options) -> Self {
        let mut symbols = Symbols::new();
        let me = symbols.intern(&options.user_id);
        let kinds = ActionKinds::new(&mut symbols, &options.reaction_type);
        let emoji = EmojiIndex::new(options.recent_reactions.clone());
        Self {
            options,
            symbols,
            me,
            kinds,
            timeline: Timeline::default(),
            selected: None,
            follow: true,
            screen: Screen::Timeline,
            overlay: None,
            actions: ActionsView::default(),
            audit: AuditView::default(),
            stats: StatsView::default(),
            bulk: None,
            message_texts: HashMap::new(),
            emoji,
            connection: Connection::Connecting,
            notice: None,
            newest_page: Load::Idle,
            older_page: Load::Idle,
            jump_to_start: false,
            measured: Measured::default(),
            now: Timetoken(0),
            quit: false,
            ops: HashMap::new(),
            next_op: 1,
        }
    }

    /// The first commands: load the newest page.
    pub fn start(&mut self) -> Vec<Command> {
        self.newest_page = Load::Loading;
        let op = self.begin(Op::LatestPage);
        vec![Command::FetchHistory {
            op,
            start: None,
            end: None,
            max: HISTORY_PAGE,
        }]
    }

    fn begin(&mut self, op: Op) -> OpId {
        let id = self.next_op;
        self.next_op = self.next_op.wrapping_add(1).max(1);
        self.ops.insert(id, op);
        id
    }

    /// The command that re-reads message `tt` with all its actions (opening Details, or
    /// learning an action the server already had).
    fn refresh_message(&mut self, tt: Timetoken) -> Command {
        let op = self.begin(Op::RefreshMessage(tt));
        Command::FetchHistory {
            op,
            start: Some(Timetoken(tt.get().saturating_add(1))),
            end: Some(tt),
            max: 1,
        }
    }

    /// Add and remove requests in flight (shown in the status bar).
    pub fn pending_count(&self) -> usize {
        self.ops
            .values()
            .filter(|op| {
                matches!(
                    op,
                    Op::Add { .. } | Op::Remove { .. } | Op::Moderated { .. } | Op::Undo { .. }
                )
            })
            .count()
    }

    /// Whether the loop should send ticks (only while something counts down: a reconnect's
    /// countdown until its attempt is due).
    pub fn wants_ticks(&self) -> bool {
        matches!(self.connection, Connection::Reconnecting { retry_at, .. } if retry_at > self.now)
    }

    fn notify(&mut self, text: impl Into<String>, is_error: bool, about_loading: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            is_error,
            about_loading,
        });
    }

    /// The first key bound to each action, as hints name them.
    fn key_labels<const N: usize>(&self, actions: [keymap::Action; N]) -> [String; N] {
        actions.map(|a| self.options.keymap.first_label(a))
    }

    fn error(&mut self, text: impl Into<String>) {
        self.notify(text, true, false);
    }

    /// Why a request that needed `needed` on the channel failed, in a few words: Access
    /// Manager's refusals explained (`no delete permission on chats.room1`, `token expired at
    /// 14:02; ask for a new one`), anything else as the client says it. `acting_for` is the
    /// uuid sent in place of the user's own (a moderator's removal).
    fn why(&self, e: &pubnub::Error, needed: Permissions, acting_for: Option<&str>) -> String {
        let offset = self.options.utc_offset_secs;
        self.options
            .access
            .as_ref()
            .and_then(|a| a.explain(e, needed, acting_for, offset))
            .unwrap_or_else(|| e.to_string())
    }

    fn info(&mut self, text: impl Into<String>) {
        self.notify(text, false, false);
    }

    /// A failed load, said until a later load succeeds (or a key is pressed), with the key
    /// that retries (`Could not load messages: … (R retries)`).
    fn load_error(&mut self, text: impl Into<String>) {
        let retry = self
            .options
            .keymap
            .hints(&[(&[keymap::Action::Reload], "retries")]);
        let mut text = text.into();
        if !retry.is_empty() {
            text = format!("{text} ({retry})");
        }
        self.notify(text, true, true);
    }

    /// A load succeeded: a failed load's notice no longer applies.
    fn loaded(&mut self) {
        if self.notice.as_ref().is_some_and(|n| n.about_loading) {
            self.notice = None;
        }
    }

    /// The (sanitised) text of a message, from the Timeline or from texts fetched for the
    /// Actions screen.
    pub fn message_text(&self, tt: Timetoken) -> Option<&str> {
        self.timeline
            .get(tt)
            .map(|m| &*m.text)
            .or_else(|| self.message_texts.get(&tt).map(|t| &**t))
    }

    /// Shown text of a message, cut to `max` characters for prompts and notices.
    pub fn message_excerpt(&self, tt: Timetoken, max: usize) -> String {
        match self.message_text(tt) {
            Some(text) => crate::text::excerpt(text, max),
            None => format!("message {tt}"),
        }
    }

    /// How far PgUp/PgDn move on the current screen, as last drawn: the messages on a page of
    /// the Timeline, the rows of the Actions list or the lines of Details, less one kept in
    /// view of each (not on the Timeline, whose messages can be taller than a line).
    pub fn page_size(&self) -> usize {
        match self.screen {
            Screen::Timeline => self.measured.timeline_messages,
            Screen::Actions => self.measured.actions_rows.saturating_sub(1),
            Screen::Details(view) => view.layout.height.saturating_sub(1),
            Screen::Audit => self.measured.audit_rows.saturating_sub(1),
            Screen::Stats => 1,
        }
        .max(1)
    }

    /// What moderating needs that these credentials lack: with Access Manager, what the token
    /// does not allow; else moderator mode.
    fn moderation_missing(&self) -> String {
        self.options
            .access
            .as_ref()
            .filter(|a| a.is_managed())
            .and_then(|a| a.moderation_missing())
            .unwrap_or_else(|| "moderator mode (--moderator)".into())
    }

    /// Now (as the last tick said) and local time's offset, for filters such as `since:1h`.
    pub fn clock(&self) -> crate::moderation::Clock {
        crate::moderation::Clock {
            now: self.now,
            utc_offset_secs: self.options.utc_offset_secs,
        }
    }

    /// The selected message, if any.
    pub fn selected_message(&self) -> Option<&timeline::Message> {
        self.selected.and_then(|tt| self.timeline.get(tt))
    }
}

/// Applies one event. Pure: the same state and event always give the same result.
pub fn update(app: &mut App, event: Event) -> Outcome {
    let mut commands = Vec::new();
    let redraw = match event {
        Event::Key(key) => input::on_key(app, key, &mut commands),
        Event::Mouse(target) => input::on_mouse(app, target, &mut commands),
        Event::Resize => true,
        Event::Measured(measured) => {
            app.measured = measured;
            // Details scrolls by what it measured; a frame changes no state the user sees.
            if let Screen::Details(view) = &mut app.screen {
                view.layout = measured.details;
            }
            false
        }
        Event::Tick(now) => {
            // Redraw while counting, including the tick that ends the count.
            let counting = app.wants_ticks();
            app.now = now;
            counting
        }
        Event::Api(op, outcome) => on_result(app, op, outcome, &mut commands),
        Event::Live(event) => loading::on_live(app, event),
        Event::Connection(event) => loading::on_connection(app, event, &mut commands),
    };
    if app.quit && !commands.contains(&Command::Quit) {
        commands.push(Command::Quit);
    }
    Outcome { commands, redraw }
}

/// A worker result goes to the module whose request it answers: adds and removals to
/// `reacting`, bulk removals to `bulk`, the log, undos and Stats to `auditing`, loads to
/// `loading`.
fn on_result(app: &mut App, id: OpId, outcome: ApiOutcome, commands: &mut Vec<Command>) -> bool {
    let Some(op) = app.ops.remove(&id) else {
        return false;
    };
    match (op, outcome) {
        (
            Op::Add {
                message_tt, value, ..
            },
            ApiOutcome::Added(result),
        ) => reacting::on_added(app, id, message_tt, value, result, commands),
        (Op::Remove { target }, ApiOutcome::Removed(result)) => {
            reacting::on_removed(app, id, target, result)
        }
        (Op::Moderated { target }, ApiOutcome::Chunk(report)) => {
            reacting::on_moderated(app, id, target, report)
        }
        (Op::Scan, ApiOutcome::Scanned(result)) => bulk::on_scanned(app, result),
        (Op::Chunk, ApiOutcome::Chunk(report)) => bulk::on_chunk(app, report, commands),
        (Op::Undo { record }, ApiOutcome::Undone(result)) => {
            auditing::on_undone(app, &record, result)
        }
        (Op::AuditLog, ApiOutcome::AuditLog(result)) => auditing::on_audit_log(app, result),
        (Op::Window, ApiOutcome::Window(window, result)) => {
            auditing::on_window(app, window, result)
        }
        (op, outcome) => return loading::on_result(app, op, outcome, commands),
    }
    true
}
