//! All state of the terminal UI and the one function that changes it, [`update`].
//!
//! `app` does no I/O, has no clock and never awaits: events come in (keys, mouse targets, API
//! results, live events, ticks), state changes, and [`Command`]s go out to the worker. Every
//! behaviour is therefore a plain unit test.

pub mod action;
pub mod action_filter;
pub mod actions_view;
pub mod audit_view;
pub mod bulk;
pub mod channels;
pub mod chat;
pub mod chips;
pub mod details;
pub mod keymap;
pub mod load;
pub mod names;
pub mod picker;
pub mod reports;
pub mod stats_view;
pub mod symbols;
pub mod threads;
pub mod timeline;

mod auditing;
mod input;
mod interface;
mod jump;
mod loading;
mod reacting;
mod reporting;
mod restore;
#[cfg(test)]
mod tests;
mod waiting;

use std::collections::HashMap;

use crate::config::{ReactionValueStyle, Theme};
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, Timetoken};

use action::{ActionData, ActionOnMessage};
use actions_view::ActionsView;
use audit_view::AuditView;
use bulk::Bulk;
use channels::{ChannelMemory, Channels, Switcher};
use chat::ReactionUse;
use chips::ActionKinds;
use details::DetailsView;
use keymap::Keymap;
use load::Load;
use names::Names;
use picker::{EmojiIndex, Picker};
use reports::ReportsView;
use stats_view::StatsView;
use symbols::{Sym, Symbols};
use threads::{ChannelState, Replies};
use timeline::{OpId, Timeline};

use crate::moderation::ChannelAccess;
pub use crate::moderation::{AuditRecord, Operation};
pub use interface::{
    ApiOutcome, ChannelDirectory, Command, ConnectionEvent, Event, Measured, MouseTarget,
};

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
    /// The type reactions are written with; `None` follows the channel's data (`reactions`
    /// where the Chat SDK wrote it, else `reaction`).
    pub reaction_type: Option<String>,
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
    /// The palette the UI is drawn with.
    pub theme: Theme,
    /// The configured channels, watched live for new messages; the first is `channel`.
    pub channels: Vec<String>,
    /// Recently opened channels and what was last seen in each, from earlier sessions.
    pub channel_memory: ChannelMemory,
}

impl Options {
    /// Defaults for everything but the channel and the user: reactions stored with the type
    /// the channel's data uses and the emoji as value, the default keymap, times in UTC, no
    /// audit path.
    pub fn new(channel: impl Into<String>, user_id: impl Into<String>) -> Self {
        let channel = channel.into();
        Self {
            channels: vec![channel.clone()],
            channel_memory: ChannelMemory::default(),
            channel,
            user_id: user_id.into(),
            moderator: false,
            reaction_type: None,
            reaction_value: ReactionValueStyle::Emoji,
            keymap: Keymap::default(),
            utc_offset_secs: 0,
            audit_log_path: String::new(),
            recent_reactions: Vec::new(),
            access: None,
            theme: Theme::Dark,
        }
    }
}

/// Which screen fills the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Timeline,
    Details(DetailsView),
    Actions,
    /// Reports of the channel's messages (moderators).
    Reports,
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
    /// A moderator's removal of another user's action, or restore of a message another user
    /// deleted, waiting for Enter (with an optional reason typed) or Esc.
    Confirm {
        target: Confirmation,
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
    /// What was done about a report, being typed before it is marked resolved.
    Resolve {
        report_tt: Timetoken,
        note: String,
    },
    /// The channel switcher.
    Switcher(Switcher),
    /// Choose which of my reactions on a message to remove.
    Chooser {
        message_tt: Timetoken,
        options: Vec<ActionData>,
        selected: usize,
    },
}

/// What a moderator's yes confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Removing another user's action.
    Remove(ActionOnMessage),
    /// Restoring a soft-deleted message: removing every deletion on it.
    Restore(Timetoken),
}

impl Confirmation {
    /// The pop-up's title and the word its yes key does.
    pub fn wording(&self) -> (&'static str, &'static str) {
        match self {
            Confirmation::Remove(_) => (" Moderator removal ", "remove"),
            Confirmation::Restore(_) => (" Moderator restore ", "restore"),
        }
    }
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

/// The status bar's last notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    /// A failure to load data: it goes away by itself once a load succeeds.
    pub about_loading: bool,
}

/// Why a request was made, so its result lands in the right place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    LatestPage,
    OlderPage,
    /// One page of a refresh down to `end`, the oldest loaded: what was loaded in the range
    /// the page answers for, up to `upper` (the newest loaded, for the first page), and is not
    /// in it, was deleted.
    Refresh {
        end: Timetoken,
        upper: Timetoken,
    },
    RefreshMessage(Timetoken),
    /// Every message down to a report's message, page by page, to show it in the Timeline.
    JumpTo(Timetoken),
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
        /// Part of restoring a soft-deleted message (removing my own deletion).
        restore: bool,
    },
    /// A moderator removing another user's action (or deletion, to restore a message),
    /// recorded on the moderation log first.
    Moderated {
        target: ActionOnMessage,
        restore: bool,
    },
    /// The record of a report's resolution, written once the resolution is stored (the record
    /// names its action timetoken); if it cannot be written, the resolution is taken back.
    ResolutionRecord {
        report_tt: Timetoken,
        action_tt: Timetoken,
        reports: String,
    },
    /// Taking back a resolution whose record could not be written (`why`).
    TakeBackResolution {
        report_tt: Timetoken,
        action_tt: Timetoken,
        why: String,
    },
    Names(Vec<Sym>),
    Counts(Vec<String>),
    /// Messages since last seen in these channels.
    Unseen(Vec<String>),
    /// App Context's channels and their names.
    ChannelDirectory,
    /// The newest reports of another channel than the first (moderators).
    ChannelReports(String),
    /// A page of reports (newest, or older than the oldest loaded) of the reports channel
    /// `reports`.
    ReportsPage {
        older: bool,
        reports: String,
    },
    /// A moderator's resolution of a report, stored on the reports channel `reports`.
    Resolve {
        report_tt: Timetoken,
        note: Sym,
        reports: String,
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
}

impl Op {
    /// Whether the result belongs to the channel the request was made in (its messages,
    /// actions or texts), rather than to the whole app (the moderator's log, Stats and bulk
    /// runs are the app's).
    fn is_channel_bound(&self) -> bool {
        !matches!(
            self,
            Op::ResolutionRecord { .. }
                | Op::TakeBackResolution { .. }
                | Op::Names(_)
                | Op::ReportsPage { .. }
                | Op::Resolve { .. }
                | Op::Unseen(_)
                | Op::ChannelDirectory
                | Op::ChannelReports(_)
                | Op::Scan
                | Op::Chunk
                | Op::Undo { .. }
                | Op::AuditLog
                | Op::Window
        )
    }
}

/// The whole state of the UI.
#[derive(Debug)]
pub struct App {
    pub options: Options,
    pub symbols: Symbols,
    pub me: Sym,
    pub kinds: ActionKinds,
    /// The channel on screen: the configured one, or a thread opened from it. The fields from
    /// here to `reaction_use` (and `screen`) are this channel's; the channels below it on the
    /// stack keep theirs in `parents` (see [`threads`]).
    pub channel: String,
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
    /// Which reaction type the channel on screen uses (what `+` writes, unless configured).
    pub reaction_use: ReactionUse,
    /// The channels a thread was opened from, outermost first.
    pub parents: Vec<ChannelState>,
    /// Names of users from App Context.
    pub names: Names,
    /// Reply counts of threads.
    pub replies: Replies,
    /// Reports of the configured channel's messages (moderators).
    pub reports: ReportsView,
    /// The other channels: the switcher's list, their new messages, what each kept.
    pub channels: Channels,
    /// What the last frames measured (see [`App::page_size`]).
    pub measured: Measured,
    pub now: Timetoken,
    pub quit: bool,
    /// Requests in flight: why each was made, and in which channel.
    ops: HashMap<OpId, (String, Op)>,
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
        let kinds = ActionKinds::new(&mut symbols, options.reaction_type.as_deref());
        let emoji = EmojiIndex::new(options.recent_reactions.clone());
        // The status bar names me: asked for with the first page.
        let mut names = Names::default();
        names.want(me);
        let channels = Channels::new(options.channels.clone(), options.channel_memory.clone());
        Self {
            channel: options.channel.clone(),
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
            parents: Vec::new(),
            names,
            replies: Replies::default(),
            reports: ReportsView::default(),
            channels,
            reaction_use: ReactionUse::default(),
            measured: Measured::default(),
            now: Timetoken(0),
            quit: false,
            ops: HashMap::new(),
            next_op: 1,
        }
    }

    /// The channel the user opened: the bottom of the thread stack (the channel on screen, or
    /// the one a thread on screen belongs to).
    pub fn home(&self) -> &str {
        self.parents.first().map_or(&self.channel, |p| &p.channel)
    }

    /// The first commands: load the newest page, subscribe (to the channel, and for a
    /// moderator to its reports too), and load the newest reports.
    pub fn start(&mut self) -> Vec<Command> {
        let mut commands = vec![self.load_newest()];
        commands.push(self.subscription());
        if self.options.moderator {
            reporting::load(self, false, &mut commands);
            // The reports, and the moderation log every moderator's operations are recorded
            // on, on a subscription of their own.
            commands.push(reporting::subscription(self));
        }
        waiting::request_counts(self, &mut commands);
        commands
    }

    /// The request for the newest page of the channel on screen.
    fn load_newest(&mut self) -> Command {
        self.newest_page = Load::Loading;
        let op = self.begin(Op::LatestPage);
        Command::FetchHistory {
            op,
            channel: self.channel.clone(),
            start: None,
            end: None,
            max: HISTORY_PAGE,
        }
    }

    /// The channels live events must come from: the stack of channels on screen and the
    /// watched ones (the reports have a subscription of their own).
    pub(super) fn subscription(&self) -> Command {
        let mut channels: Vec<String> = self.parents.iter().map(|p| p.channel.clone()).collect();
        channels.push(self.channel.clone());
        for watched in channels::watched(self) {
            if !channels.contains(watched) {
                channels.push(watched.clone());
            }
        }
        Command::Subscribe(channels)
    }

    /// Records a request made in the channel on screen.
    fn begin(&mut self, op: Op) -> OpId {
        let id = self.next_op;
        self.next_op = self.next_op.wrapping_add(1).max(1);
        self.ops.insert(id, (self.channel.clone(), op));
        id
    }

    /// The command that re-reads message `tt` with all its actions (opening Details, or
    /// learning an action the server already had).
    fn refresh_message(&mut self, tt: Timetoken) -> Command {
        let op = self.begin(Op::RefreshMessage(tt));
        Command::FetchHistory {
            op,
            channel: self.channel.clone(),
            start: Some(Timetoken(tt.get().saturating_add(1))),
            end: Some(tt),
            max: 1,
        }
    }

    /// Add and remove requests in flight (shown in the status bar).
    pub fn pending_count(&self) -> usize {
        self.ops
            .values()
            .filter(|(_, op)| {
                matches!(
                    op,
                    Op::Add { .. }
                        | Op::Remove { .. }
                        | Op::Moderated { .. }
                        | Op::Resolve { .. }
                        | Op::Undo { .. }
                )
            })
            .count()
    }

    /// The type reactions are written with: the configured one, else the one the channel's
    /// data uses ([`ReactionUse`]).
    pub fn reaction_type(&self) -> &str {
        match &self.options.reaction_type {
            Some(configured) => configured,
            None => self.reaction_use.reaction_type(),
        }
    }

    /// A user as people know them: their App Context name, else their id (safe to show).
    pub fn user_name(&self, uuid: Sym) -> &str {
        self.symbols
            .name(uuid)
            .unwrap_or_else(|| self.symbols.label(uuid))
    }

    /// `bob` or `Bob (you)`.
    pub fn user_label(&self, uuid: Sym) -> String {
        if uuid == self.me {
            format!("{} (you)", self.user_name(uuid))
        } else {
            self.user_name(uuid).to_string()
        }
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

    /// What acting on other users' actions needs that this session lacks: with Access Manager
    /// what the credentials lack, else moderator mode.
    fn moderation_missing(&self) -> String {
        self.options
            .access
            .as_ref()
            .filter(|a| a.is_managed())
            .and_then(|a| a.moderation_missing())
            .unwrap_or_else(|| "moderator mode (--moderator)".into())
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

    /// The (sanitised) text of a message as shown (its newest edit, if edited), from the
    /// Timeline or from texts fetched for the Actions screen.
    pub fn message_text(&self, tt: Timetoken) -> Option<&str> {
        self.timeline
            .get(tt)
            .map(|m| m.shown_line(&self.symbols))
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
            Screen::Reports => self.measured.report_rows.saturating_sub(1),
            Screen::Details(view) => view.layout.height.saturating_sub(1),
            Screen::Audit => self.measured.audit_rows.saturating_sub(1),
            Screen::Stats => 1,
        }
        .max(1)
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
            // Names of users that arrived live since the last frame: one request a frame.
            names::request(app, &mut commands);
            false
        }
        Event::Tick(now) => {
            // Redraw while counting, including the tick that ends the count.
            let counting = app.wants_ticks();
            app.now = now;
            counting
        }
        Event::Api(op, outcome) => on_result(app, op, outcome, &mut commands),
        Event::Live(event) => loading::on_live(app, event, &mut commands),
        Event::Connection(event) => loading::on_connection(app, event, &mut commands),
    };
    if app.quit && !commands.contains(&Command::Quit) {
        // What was seen here counts as seen next time (the loop saves it on the way out).
        channels::mark_seen(app);
        commands.push(Command::Quit);
    }
    Outcome { commands, redraw }
}

/// A worker result goes to the module whose request it answers: adds and removals to
/// `reacting`, bulk removals to `bulk`, the moderation log, undos and Stats to `auditing`, names
/// to `names`, reply counts to `threads`, reports to `reporting`, loads to `loading`. A result
/// for another channel than the one on screen (a thread's parent, or a thread left since) is
/// applied to that channel's state ([`threads::in_channel`]).
fn on_result(app: &mut App, id: OpId, outcome: ApiOutcome, commands: &mut Vec<Command>) -> bool {
    let Some((channel, op)) = app.ops.remove(&id) else {
        return false;
    };
    if op.is_channel_bound() && channel != app.channel {
        threads::in_channel(app, &channel, |app| {
            dispatch(app, id, op, outcome, commands);
        });
        return true;
    }
    dispatch(app, id, op, outcome, commands)
}

fn dispatch(
    app: &mut App,
    id: OpId,
    op: Op,
    outcome: ApiOutcome,
    commands: &mut Vec<Command>,
) -> bool {
    match (op, outcome) {
        (
            Op::Add {
                message_tt, value, ..
            },
            ApiOutcome::Added(result),
        ) => reacting::on_added(app, id, message_tt, value, result, commands),
        (Op::Remove { target, restore }, ApiOutcome::Removed(result)) => {
            let removal = reacting::Removal {
                target,
                moderated: false,
                restore,
            };
            reacting::on_removed(app, id, removal, result)
        }
        (Op::Moderated { target, restore }, ApiOutcome::Chunk(report)) => {
            let removal = reacting::Removal {
                target,
                moderated: true,
                restore,
            };
            reacting::on_moderated(app, id, removal, report)
        }
        (
            Op::ResolutionRecord {
                report_tt,
                action_tt,
                reports,
            },
            ApiOutcome::AuditFailed(why),
        ) => reporting::on_record_failed(app, (report_tt, action_tt), &reports, why, commands),
        (
            Op::TakeBackResolution {
                report_tt,
                action_tt,
                why,
            },
            ApiOutcome::Removed(result),
        ) => reporting::on_taken_back(app, report_tt, action_tt, &why, result),
        (Op::Names(asked), ApiOutcome::Names(result)) => names::on_names(app, asked, result),
        (Op::Counts(asked), ApiOutcome::Counts(result)) => threads::on_counts(app, asked, result),
        (Op::Unseen(asked), ApiOutcome::Counts(result)) => waiting::on_counts(app, asked, result),
        (Op::ChannelDirectory, ApiOutcome::Channels(result)) => channels::on_directory(app, result),
        (Op::ChannelReports(channel), ApiOutcome::History(result)) => {
            waiting::on_reports(app, channel, result)
        }
        (Op::ReportsPage { older, reports }, ApiOutcome::History(result)) => {
            reporting::on_page(app, older, &reports, result, commands)
        }
        (
            Op::Resolve {
                report_tt,
                note,
                reports,
            },
            ApiOutcome::Added(result),
        ) => reporting::on_resolved(app, (report_tt, note), &reports, result, commands),
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
