//! What goes into [`update`](super::update) and what comes out of it: the events (keys,
//! resolved mouse targets, measures of a frame, ticks, the worker's results, live events and
//! the subscription's state changes) and the commands for the worker and the loop. Plain data:
//! the app's state and the reasons behind a request stay in the app.

use crossterm::event::KeyEvent;

use super::channels::ChannelMemory;
use super::details::DetailsLayout;
use super::symbols::Sym;
use super::timeline::OpId;
use crate::moderation::execute::UndoError;
use crate::moderation::run::{ChunkReport, DryRun};
use crate::moderation::stats::Window;
use crate::moderation::{AuditRecord, Filter};
use crate::pubnub::{
    self, ActionsPage, HistoryPage, LiveEvent, MessageCounts, StoredAction, Timetoken,
};

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
    /// The service refused the subscription (HTTP 403), naming the channels it may not read
    /// (none when its answer names none). The app decides what that stops: only the watched
    /// channels, or the channel on screen too.
    Refused {
        refused: Vec<String>,
        reason: String,
    },
    /// The reports' own subscription ended for good (a token without their channel, say);
    /// the channels on screen stay live.
    ReportsStopped(String),
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
    /// Reports the Reports screen has room for.
    pub report_rows: usize,
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

/// App Context's channels with their names, as many as the switcher lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelDirectory {
    pub channels: Vec<(String, Option<String>)>,
    /// The keyset has more than were listed.
    pub more: bool,
}

/// Results the worker sends back.
#[derive(Debug, Clone)]
pub enum ApiOutcome {
    History(pubnub::Result<HistoryPage>),
    Actions(pubnub::Result<ActionsPage>),
    /// The stored action and the service's warning (207), if any.
    Added(pubnub::Result<(StoredAction, Option<String>)>),
    Removed(pubnub::Result<Option<String>>),
    /// A record written after its operation (a report's resolution) could not be written.
    AuditFailed(String),
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
    /// Names from App Context: each asked id with its name, `None` where there is none.
    Names(pubnub::Result<Vec<(String, Option<String>)>>),
    /// Message counts (thread replies, new messages in other channels).
    Counts(pubnub::Result<MessageCounts>),
    /// App Context's channels: each id with its name, `None` where it has none.
    Channels(pubnub::Result<ChannelDirectory>),
}

/// Work for the API worker. Each request names its channel: the browser moves between a
/// channel and its threads, and reads the channel's reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// One page of history with actions.
    FetchHistory {
        op: OpId,
        channel: String,
        start: Option<Timetoken>,
        end: Option<Timetoken>,
        max: u32,
    },
    /// One page of a refresh: the newest messages older than `start` (exclusive; `None` for
    /// the newest) down to `end` (inclusive), with their actions. The app asks for the next
    /// page when it has merged this one, so a refresh never holds more than a page.
    RefreshHistory {
        op: OpId,
        channel: String,
        start: Option<Timetoken>,
        end: Timetoken,
    },
    FetchActions {
        op: OpId,
        channel: String,
        start: Option<Timetoken>,
        limit: u32,
    },
    /// The newest `max` messages from `end` up to `start` (exclusive), without actions: the
    /// Actions screen shows their text.
    FetchMessageTexts {
        op: OpId,
        channel: String,
        start: Timetoken,
        end: Timetoken,
        max: u32,
    },
    AddAction {
        op: OpId,
        channel: String,
        message_tt: Timetoken,
        action_type: String,
        value: String,
    },
    RemoveAction {
        op: OpId,
        channel: String,
        message_tt: Timetoken,
        action_tt: Timetoken,
        /// Send the owner's uuid (moderator removal).
        as_uuid: Option<String>,
    },
    /// Names of these user ids from App Context (one batch).
    FetchNames {
        op: OpId,
        ids: Vec<String>,
    },
    /// How many messages each channel has after its timetoken (thread replies).
    FetchCounts {
        op: OpId,
        channels: Vec<(String, Timetoken)>,
    },
    /// App Context's channels with their names (the switcher's list).
    FetchChannels {
        op: OpId,
    },
    /// Writes a record of an operation already done (a report's resolution) to the moderation
    /// log and the local audit file.
    Record {
        op: OpId,
        record: Box<AuditRecord>,
    },
    /// A bulk removal's dry run: every action of the channel the filter matches.
    ScanActions {
        op: OpId,
        channel: String,
        filter: Box<Filter>,
        reaction_type: String,
    },
    /// Writes the records to the moderation log (and the local audit file), then removes
    /// each one's action as its author (in the record's channel); nothing is removed when the
    /// records cannot be written.
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
        channel: String,
        minutes: usize,
    },
    SaveRecent(Vec<String>),
    /// Recently opened channels and what was last seen in each, for the next session.
    SaveChannels(ChannelMemory),
    /// Live events should come from exactly these channels (for the loop, not the worker).
    Subscribe(Vec<String>),
    /// Live reports and moderation log records should come from these channels (the reports'
    /// channel and the moderation log), on a subscription of their own (for the loop, not the
    /// worker).
    SubscribeReports(Vec<String>),
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
