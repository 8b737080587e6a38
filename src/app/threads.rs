//! Threads: opening a message's thread channel in the same browser, the stack of channels
//! that leads back, and the reply counts thread roots show.
//!
//! The channel on screen keeps its state in [`App`]'s own fields (timeline, selection, Actions
//! view, loads, screen); opening a thread moves those into a [`ChannelState`] pushed on
//! `app.parents` and starts the thread with fresh ones; going back swaps them in again. A result
//! or live event for a channel below the top is applied by swapping that channel's state in for
//! the moment ([`in_channel`]), so every handler keeps working on `app.timeline` and friends.

use std::collections::{HashMap, HashSet};

use super::actions_view::ActionsView;
use super::chat::{ReactionUse, thread_channel, thread_root};
use super::load::Load;
use super::timeline::Timeline;
use super::{App, Command, Op, Screen};
use crate::pubnub::{self, MessageCounts, Timetoken};

/// One channel's part of the app's state, while another channel is on screen.
#[derive(Debug)]
pub struct ChannelState {
    pub channel: String,
    pub timeline: Timeline,
    pub selected: Option<Timetoken>,
    pub follow: bool,
    pub screen: Screen,
    pub actions: ActionsView,
    pub message_texts: HashMap<Timetoken, Box<str>>,
    pub newest_page: Load,
    pub older_page: Load,
    pub jump_to_start: bool,
    pub reaction_use: ReactionUse,
    /// Events may have been missed while it was not on screen (a reconnect): re-read it when
    /// it is shown again.
    pub stale: bool,
}

impl ChannelState {
    /// A channel not loaded yet.
    pub fn fresh(channel: String) -> Self {
        ChannelState {
            channel,
            timeline: Timeline::default(),
            selected: None,
            follow: true,
            screen: Screen::Timeline,
            actions: ActionsView::default(),
            message_texts: HashMap::new(),
            newest_page: Load::Idle,
            older_page: Load::Idle,
            jump_to_start: false,
            reaction_use: ReactionUse::default(),
            stale: false,
        }
    }

    /// Exchanges this state with the app's channel on screen.
    fn swap(&mut self, app: &mut App) {
        std::mem::swap(&mut self.channel, &mut app.channel);
        std::mem::swap(&mut self.timeline, &mut app.timeline);
        std::mem::swap(&mut self.selected, &mut app.selected);
        std::mem::swap(&mut self.follow, &mut app.follow);
        std::mem::swap(&mut self.screen, &mut app.screen);
        std::mem::swap(&mut self.actions, &mut app.actions);
        std::mem::swap(&mut self.message_texts, &mut app.message_texts);
        std::mem::swap(&mut self.newest_page, &mut app.newest_page);
        std::mem::swap(&mut self.older_page, &mut app.older_page);
        std::mem::swap(&mut self.jump_to_start, &mut app.jump_to_start);
        std::mem::swap(&mut self.reaction_use, &mut app.reaction_use);
    }
}

/// Runs `f` with `channel`'s state on screen: a parent's, or (for a channel left since) an
/// empty one that is dropped after, so results still say what became of them.
pub(super) fn in_channel<R>(app: &mut App, channel: &str, f: impl FnOnce(&mut App) -> R) -> R {
    if app.channel == channel {
        return f(app);
    }
    let at = app.parents.iter().position(|p| p.channel == channel);
    let mut state = match at {
        Some(i) => std::mem::replace(&mut app.parents[i], ChannelState::fresh(String::new())),
        None => ChannelState::fresh(channel.to_string()),
    };
    // The overlay belongs to the screen the user looks at, not to the channel swapped in.
    let overlay = app.overlay.take();
    state.swap(app);
    let result = f(app);
    state.swap(app);
    app.overlay = overlay;
    if let Some(i) = at {
        app.parents[i] = state;
    }
    result
}

/// The thread's root as its replies' heading: its author (by name) and its text, from the
/// channel the thread was opened from.
pub fn root_heading(app: &App) -> Option<String> {
    let (_, root) = thread_root(&app.channel)?;
    let parent = app.parents.last()?;
    let message = parent.timeline.get(root)?;
    let author = message.author.map_or("(unknown)", |a| app.user_name(a));
    Some(format!("{author}: {}", message.shown_line(&app.symbols)))
}

/// Whether the channel on screen is a thread opened from another.
pub fn in_thread(app: &App) -> bool {
    !app.parents.is_empty()
}

/// `t`: opens the thread of the message on screen (Timeline selection or Details).
pub(super) fn open(app: &mut App, message_tt: Option<Timetoken>, commands: &mut Vec<Command>) {
    let Some(tt) = message_tt else {
        app.info("No message selected");
        return;
    };
    let Some(thread) = app
        .timeline
        .get(tt)
        .and_then(|m| m.chat.thread)
        .map(|t| app.symbols.raw(t).to_string())
    else {
        app.info("This message has no thread");
        return;
    };
    if thread == app.channel || app.parents.iter().any(|p| p.channel == thread) {
        app.info("That thread is already open");
        return;
    }
    if let Err(e) = pubnub::validate_channel(&thread) {
        app.error(format!("Cannot open this thread: {e}"));
        return;
    }
    let mut parent = ChannelState::fresh(thread);
    parent.swap(app);
    app.parents.push(parent);
    app.screen = Screen::Timeline;
    // A thread is the Chat SDK's: its reactions are `reactions` unless its data says otherwise.
    app.reaction_use.chat_sdk = true;
    let back = app
        .options
        .keymap
        .hints(&[(&[super::keymap::Action::Back], "goes back")]);
    app.info(format!("Thread opened. {back}"));
    commands.push(app.load_newest());
    commands.push(app.subscription());
}

/// Esc in a thread: back to the channel it was opened from, where it was left. Its reply
/// count is asked for again (it may have grown while the thread was open). `None` when not in
/// a thread; else whether the channel shown again missed events meanwhile (a reconnect) and
/// must be re-read.
pub(super) fn back(app: &mut App, commands: &mut Vec<Command>) -> Option<bool> {
    let mut parent = app.parents.pop()?;
    let thread = app.channel.clone();
    parent.swap(app);
    app.replies.forget(&thread);
    if let Some((_, root)) = thread_root(&thread) {
        want_count(app, root, commands);
    }
    commands.push(app.subscription());
    Some(parent.stale)
}

/// Reply counts of threads, by thread channel. A count is shown until a newer one arrives; it
/// is asked for again after a reload, or when its thread was open.
#[derive(Debug, Default)]
pub struct Replies {
    counts: HashMap<String, u64>,
    /// Counted since the last reload: not asked for again.
    fresh: HashSet<String>,
    /// Asked for and not answered yet.
    asked: HashSet<String>,
    /// A failure was already said once.
    failure_said: bool,
}

impl Replies {
    /// Replies of the thread in `channel`, when known.
    pub fn get(&self, channel: &str) -> Option<u64> {
        self.counts.get(channel).copied()
    }

    /// Asks for this thread's count again (the old one is shown meanwhile).
    fn forget(&mut self, channel: &str) {
        self.fresh.remove(channel);
    }

    /// After a reload: every count is asked for again with the pages re-read.
    pub(super) fn refresh(&mut self) {
        self.fresh.clear();
    }

    /// A reply arrived live in an open thread.
    pub(super) fn one_more(&mut self, channel: &str) {
        if let Some(n) = self.counts.get_mut(channel) {
            *n += 1;
        }
    }
}

/// Asks for the reply counts of the thread roots among `roots` (message timetokens of the
/// channel on screen) not known or asked for yet: one request for all of them.
pub(super) fn request_counts(app: &mut App, roots: &[Timetoken], commands: &mut Vec<Command>) {
    let mut channels = Vec::new();
    for &tt in roots {
        let Some(thread) = app.timeline.get(tt).and_then(|m| m.chat.thread) else {
            continue;
        };
        let thread = app.symbols.raw(thread);
        if app.replies.fresh.contains(thread) || app.replies.asked.contains(thread) {
            continue;
        }
        // Only threads named as the Chat SDK names them: that name is what is counted.
        if thread != thread_channel(&app.channel, tt) || pubnub::validate_channel(thread).is_err() {
            continue;
        }
        app.replies.asked.insert(thread.to_string());
        // Replies come after their root: count what is newer than it.
        channels.push((thread.to_string(), tt));
    }
    for chunk in channels.chunks(pubnub::message_counts::MAX_COUNT_CHANNELS) {
        let asked = chunk.iter().map(|(c, _)| c.clone()).collect();
        let op = app.begin(Op::Counts(asked));
        commands.push(Command::FetchCounts {
            op,
            channels: chunk.to_vec(),
        });
    }
}

/// Asks for one thread root's reply count.
pub(super) fn want_count(app: &mut App, root: Timetoken, commands: &mut Vec<Command>) {
    request_counts(app, &[root], commands);
}

/// Reply counts arrived: the roots in the channel they were asked in show them.
pub(super) fn on_counts(app: &mut App, asked: Vec<String>, result: pubnub::Result<MessageCounts>) {
    for channel in &asked {
        app.replies.asked.remove(channel);
    }
    match result {
        Ok(counts) => {
            for channel in asked {
                let n = counts.channels.get(&channel).copied().unwrap_or(0);
                if let Some((_, root)) = thread_root(&channel)
                    && let Some(message) = app.timeline.get_mut(root)
                {
                    message.changed();
                }
                app.replies.fresh.insert(channel.clone());
                app.replies.counts.insert(channel, n);
            }
        }
        // The roots keep saying "thread" without a number; the thread itself still opens.
        Err(e) => {
            tracing::warn!("could not count thread replies: {e}");
            if !app.replies.failure_said {
                app.replies.failure_said = true;
                let open = app
                    .options
                    .keymap
                    .hints(&[(&[super::keymap::Action::OpenThread], "opens a thread")]);
                app.info(format!(
                    "Thread replies could not be counted ({e}); {open} all the same"
                ));
            }
        }
    }
}

/// Messages of a loaded page that are thread roots: their counts are wanted.
pub(super) fn roots_of(app: &App, tts: impl Iterator<Item = Timetoken>) -> Vec<Timetoken> {
    tts.filter(|tt| {
        app.timeline
            .get(*tt)
            .is_some_and(|m| m.chat.thread.is_some())
    })
    .collect()
}
