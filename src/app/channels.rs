//! Many channels: the ones configured (`channels = [...]`, every `--channel`), the recently
//! opened ones and, where the keyset has App Context channel metadata, its channels with their
//! names; the switcher that opens one of them; what each kept while another was on screen (its
//! place, selection, loaded pages and thread stack). What waits in each (new messages,
//! unresolved reports) is [`super::waiting`]'s.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::load::Load;
use super::reports::ReportsView;
use super::threads::ChannelState;
use super::{App, ChannelDirectory, Command, Op, Overlay, Screen, keymap::Action, reporting};
use crate::pubnub::{self, Timetoken};

/// Recently opened channels kept this many.
pub const RECENT: usize = 12;

/// What is kept in the data directory between sessions (`channels.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMemory {
    /// Channels opened, most recent first.
    #[serde(default)]
    pub recent: Vec<String>,
    /// The newest message seen in each channel.
    #[serde(default)]
    pub last_seen: HashMap<String, Timetoken>,
}

/// The channels besides the one on screen.
#[derive(Debug, Default)]
pub struct Channels {
    /// The configured channels (watched live), first the one opened at start.
    pub watched: Vec<String>,
    pub memory: ChannelMemory,
    /// Messages that arrived since each channel was last seen.
    pub(super) unseen: HashMap<String, u64>,
    /// Channel names from App Context, by id.
    pub titles: HashMap<String, String>,
    /// App Context's channels were asked for (once a session).
    directory_asked: bool,
    /// Channels known from App Context only.
    directory: Vec<String>,
    /// App Context has more channels than were listed (open them by typing their name).
    pub directory_more: bool,
    /// What each channel not on screen kept, by the channel opened (the thread stack's root).
    saved: HashMap<String, Saved>,
    /// Unresolved reports among the newest page of each channel's reports (moderators; the
    /// open channel's come from the Reports screen's own list).
    pub(super) open_reports: HashMap<String, usize>,
    /// A failed count was said once.
    pub(super) failure_said: bool,
    /// Watched channels whose live updates the service refused (a token that may not read
    /// them): left out of the subscription, so the others and the channel on screen stay live.
    pub(super) refused: Vec<String>,
}

/// A channel's state while another is on screen: the channel on top (it, or a thread of it)
/// and the stack below it.
#[derive(Debug)]
struct Saved {
    top: ChannelState,
    parents: Vec<ChannelState>,
    /// Its reports (moderators), as the Reports screen had them.
    reports: ReportsView,
}

/// One line of the switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    /// Its App Context name.
    pub title: Option<String>,
    /// Messages since it was last seen, when known.
    pub unseen: Option<u64>,
    /// Unresolved reports (moderators): the open channel's from the Reports screen, another's
    /// among its newest page of reports.
    pub open_reports: Option<usize>,
    /// It is the channel on screen.
    pub current: bool,
    pub watched: bool,
    /// Its live updates were refused (see [`Channels::refused`]).
    pub refused: bool,
}

/// The switcher pop-up: what is typed, and which matching line is selected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Switcher {
    pub query: String,
    pub selected: usize,
}

impl Channels {
    /// The configured channels and what the data directory kept.
    pub fn new(watched: Vec<String>, memory: ChannelMemory) -> Self {
        Self {
            watched,
            memory,
            ..Self::default()
        }
    }

    /// Messages that arrived in `channel` since it was last seen.
    pub fn unseen(&self, channel: &str) -> Option<u64> {
        self.unseen.get(channel).copied()
    }

    /// Watched channels left out of the subscription because the service refused them.
    pub fn not_live(&self) -> &[String] {
        &self.refused
    }

    /// Messages waiting in other channels, and in how many.
    pub fn unseen_elsewhere(&self) -> (u64, usize) {
        let waiting = self.unseen.values().filter(|n| **n > 0);
        (waiting.clone().sum(), waiting.count())
    }

    /// Whether `channel` has a kept state (it was open before).
    pub fn is_kept(&self, channel: &str) -> bool {
        self.saved.contains_key(channel)
    }

    /// Every kept channel missed events (a reconnect): each is re-read when shown again.
    pub(super) fn all_stale(&mut self) {
        for saved in self.saved.values_mut() {
            saved.top.stale = true;
            for parent in &mut saved.parents {
                parent.stale = true;
            }
        }
    }

    /// Takes the kept state of `channel` (a channel not on screen, or a thread of one) to
    /// apply a result or a live event to it; `None` when nothing of it is kept. Give it back
    /// with [`Channels::put_kept`].
    pub(super) fn take_kept(&mut self, channel: &str) -> Option<ChannelState> {
        self.saved.values_mut().find_map(|saved| {
            std::iter::once(&mut saved.top)
                .chain(saved.parents.iter_mut())
                .find(|state| state.channel == channel)
                .map(|state| std::mem::replace(state, ChannelState::fresh(String::new())))
        })
    }

    /// Puts back what [`Channels::take_kept`] took (into the place it left empty).
    pub(super) fn put_kept(&mut self, state: ChannelState) {
        let empty = self.saved.values_mut().find_map(|saved| {
            std::iter::once(&mut saved.top)
                .chain(saved.parents.iter_mut())
                .find(|s| s.channel.is_empty())
        });
        if let Some(empty) = empty {
            *empty = state;
        }
    }
}

/// Every channel the switcher offers, in order: configured, recent, App Context's.
pub fn entries(app: &App) -> Vec<Entry> {
    let channels = &app.channels;
    let mut ids: Vec<&String> = Vec::new();
    for id in channels
        .watched
        .iter()
        .chain(&channels.memory.recent)
        .chain(&channels.directory)
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let here = app.home();
    ids.into_iter()
        .map(|id| Entry {
            id: id.clone(),
            title: channels.titles.get(id).cloned(),
            unseen: channels.unseen(id),
            open_reports: open_reports(app, id),
            current: id == here,
            watched: channels.watched.contains(id),
            refused: channels.refused.contains(id),
        })
        .collect()
}

/// Unresolved reports of `channel`, for moderators, when known.
fn open_reports(app: &App, channel: &str) -> Option<usize> {
    if !app.options.moderator {
        return None;
    }
    if channel == app.home() {
        return app.reports.loaded.then_some(app.reports.open);
    }
    app.channels.open_reports.get(channel).copied()
}

/// The entries matching what is typed (in the id or the name, ignoring case).
pub fn matching(app: &App, query: &str) -> Vec<Entry> {
    let query = query.to_lowercase();
    entries(app)
        .into_iter()
        .filter(|e| {
            e.id.to_lowercase().contains(&query)
                || e.title
                    .as_deref()
                    .is_some_and(|t| t.to_lowercase().contains(&query))
        })
        .collect()
}

/// The channels live events come from besides the stack on screen: the watched ones the
/// service has not refused.
pub(super) fn watched(app: &App) -> impl Iterator<Item = &String> {
    let refused = &app.channels.refused;
    app.channels.watched.iter().filter(|c| !refused.contains(c))
}

/// The subscription was refused (HTTP 403). One subscription names the channels on screen and
/// the watched ones, so a token that may not read one watched channel would stop them all:
/// when the refusal spares the channels on screen, the watched channels it names (every one
/// when it names none) are left out, said in the status bar, and the subscription starts
/// again without them. Returns false when the channels on screen are refused themselves (or
/// nothing is left to leave out): then they are offline.
pub(super) fn stop_watching_refused(
    app: &mut App,
    refused: &[String],
    reason: &str,
    commands: &mut Vec<Command>,
) -> bool {
    let on_screen = |c: &String| *c == app.channel || app.parents.iter().any(|p| p.channel == *c);
    if refused.iter().any(on_screen) {
        return false;
    }
    let left_out: Vec<String> = watched(app)
        .filter(|c| !on_screen(c))
        .filter(|c| refused.is_empty() || refused.contains(c))
        .cloned()
        .collect();
    if left_out.is_empty() {
        return false;
    }
    let names: Vec<String> = left_out.iter().map(|c| format!("#{c}")).collect();
    tracing::warn!(channels = ?left_out, "not live in these channels: {reason}");
    let switcher = app
        .options
        .keymap
        .hints(&[(&[Action::SwitchChannel], "shows their counts when it opens")]);
    app.info(format!(
        "Not live in {}: {reason}. The channel on screen stays live; {switcher}.",
        names.join(", ")
    ));
    app.channels.refused.extend(left_out);
    commands.push(app.subscription());
    true
}

/// The switcher opens (on the first channel not on screen), and App Context's channels are
/// asked for, once a session.
pub(super) fn open_switcher(app: &mut App, commands: &mut Vec<Command>) {
    // On the first channel that is not on screen: Enter goes there, as Alt-Tab would.
    let selected = entries(app).iter().position(|e| !e.current).unwrap_or(0);
    app.overlay = Some(Overlay::Switcher(Switcher {
        query: String::new(),
        selected,
    }));
    if !app.channels.directory_asked {
        app.channels.directory_asked = true;
        let op = app.begin(Op::ChannelDirectory);
        commands.push(Command::FetchChannels { op });
    }
}

/// What Enter in the switcher opens: the selected line, else the name typed (`None` when
/// nothing is typed; an error when the service would refuse that name).
pub(super) fn chosen(app: &App, switcher: &Switcher) -> Option<Result<String, String>> {
    if let Some(entry) = matching(app, &switcher.query).get(switcher.selected) {
        return Some(Ok(entry.id.clone()));
    }
    let typed = crate::config::channel_name(switcher.query.trim()).to_string();
    if typed.is_empty() {
        return None;
    }
    Some(
        pubnub::validate_channel(&typed)
            .map(|()| typed.clone())
            .map_err(|e| format!("Cannot open {typed:?}: {e}")),
    )
}

/// The newest message loaded in the channel opened (seen, as it was on screen).
fn newest_seen(app: &App) -> Option<Timetoken> {
    let timeline = app.parents.first().map_or(&app.timeline, |p| &p.timeline);
    timeline.last().map(|m| m.timetoken)
}

/// Remembers the channel on screen as seen up to its newest message.
pub fn mark_seen(app: &mut App) {
    let channel = app.home().to_string();
    if let Some(tt) = newest_seen(app) {
        let seen = app.channels.memory.last_seen.entry(channel).or_insert(tt);
        *seen = (*seen).max(tt);
    }
}

/// Opens `target`, keeping the channel on screen as it is (place, selection, loaded pages,
/// thread stack) for when it is opened again. Returns whether the channel shown must be
/// re-read (it missed events while kept: a reconnect).
pub(super) fn open(app: &mut App, target: &str, commands: &mut Vec<Command>) -> bool {
    let here = app.home().to_string();
    if target == here {
        app.info(format!("#{} is open", crate::text::single_line(target)));
        return false;
    }
    mark_seen(app);
    let mut top = ChannelState::fresh(String::new());
    top.swap(app);
    let parents = std::mem::take(&mut app.parents);
    let reports = std::mem::take(&mut app.reports);
    app.channels.saved.insert(
        here,
        Saved {
            top,
            parents,
            reports,
        },
    );
    let reload = match app.channels.saved.remove(target) {
        Some(Saved {
            mut top,
            parents,
            reports,
        }) => {
            top.swap(app);
            app.parents = parents;
            app.reports = reports;
            let ops = &app.ops;
            app.reports.settle_answered(|op| ops.contains_key(&op));
            top.stale
        }
        None => {
            let mut fresh = ChannelState::fresh(target.to_string());
            fresh.swap(app);
            app.screen = Screen::Timeline;
            commands.push(app.load_newest());
            false
        }
    };
    if app.options.moderator {
        // The Reports screen follows: this channel's reports, read again (a page asked for
        // before it was left is dropped when it comes), and live on the moderator's own
        // subscription.
        app.reports.newest = Load::Idle;
        app.reports.older = Load::Idle;
        reporting::load(app, false, commands);
        commands.push(reporting::subscription(app));
    }
    // Stats are of the channel on screen: read again for it.
    if app.screen == Screen::Stats {
        super::auditing::load_stats(app, commands);
    }
    app.channels.unseen.remove(target);
    let recent = &mut app.channels.memory.recent;
    recent.retain(|c| c != target);
    recent.insert(0, target.to_string());
    recent.truncate(RECENT);
    commands.push(app.subscription());
    commands.push(Command::SaveChannels(app.channels.memory.clone()));
    let switch = app.key_labels([Action::SwitchChannel]);
    app.info(format!(
        "#{} ({} switches back)",
        crate::text::single_line(target),
        switch[0]
    ));
    reload
}

/// App Context's channels arrived: their names, and the ones not listed yet.
pub(super) fn on_directory(app: &mut App, result: pubnub::Result<ChannelDirectory>) {
    match result {
        Ok(ChannelDirectory { channels, more }) => {
            app.channels.directory_more = more;
            for (id, name) in channels {
                if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                    app.channels
                        .titles
                        .insert(id.clone(), crate::text::single_line(&name).into_owned());
                }
                if !app.channels.directory.contains(&id) {
                    app.channels.directory.push(id);
                }
            }
        }
        // A keyset without App Context (or a token without it) lists the channels known here.
        Err(e) => tracing::info!("no App Context channels: {e}"),
    }
}
