//! Loading and keeping data current: history pages (newest, older, refreshes), Actions pages,
//! live events and connection changes. Results of add/remove requests are `reacting`'s; `update`
//! hands them there, so this module never needs it. Each loaded page also asks, once for the
//! whole page, for the names of the users it shows and the reply counts of its threads.

use super::action::{ActionData, ActionOnMessage};
use super::load::Load;
use super::timeline::{EntryState, Message};
use super::{
    ACTIONS_PAGE, ApiOutcome, App, Command, Connection, ConnectionEvent, HISTORY_PAGE, Op, Screen,
    channels, names, reporting, threads, waiting,
};
use crate::pubnub::token::Permissions;
use crate::pubnub::{ActionEventKind, HistoryPage, LiveEvent, StoredAction, Timetoken};

/// Rows loaded below the selection before the next Actions page is asked for, at least (a
/// screen's worth when the screen is taller).
const PREFETCH_MIN_ROWS: usize = 10;

/// Asks once for the texts of the messages a page of actions refers to that neither the
/// Timeline nor an earlier fetch has: the newest 100 messages of their time span.
fn fetch_missing_texts(app: &mut App, actions: &[StoredAction], commands: &mut Vec<Command>) {
    let missing = actions
        .iter()
        .map(|a| a.message_timetoken)
        .filter(|tt| app.message_text(*tt).is_none());
    let (low, high) = missing.fold(
        (None, None),
        |(lo, hi): (Option<Timetoken>, Option<Timetoken>), tt| {
            (
                Some(lo.map_or(tt, |l| l.min(tt))),
                Some(hi.map_or(tt, |h| h.max(tt))),
            )
        },
    );
    if let (Some(end), Some(high)) = (low, high) {
        let op = app.begin(Op::MessageTexts);
        commands.push(Command::FetchMessageTexts {
            op,
            channel: app.channel.clone(),
            start: Timetoken(high.get().saturating_add(1)),
            end,
            max: 100,
        });
    }
}

/// Asks for the page before the oldest loaded message, unless loading or at the start.
pub(super) fn load_older(app: &mut App, commands: &mut Vec<Command>) {
    if app.older_page.is_loading() || app.newest_page.is_loading() || app.timeline.reached_start {
        return;
    }
    let Some(oldest) = app.timeline.first().map(|m| m.timetoken) else {
        return;
    };
    app.older_page = Load::Loading;
    let op = app.begin(Op::OlderPage);
    commands.push(Command::FetchHistory {
        op,
        channel: app.channel.clone(),
        start: Some(oldest),
        end: None,
        max: HISTORY_PAGE,
    });
}

/// Asks for a page of the Actions screen (`start` exclusive; `None` = newest).
pub(super) fn load_actions(app: &mut App, start: Option<Timetoken>, commands: &mut Vec<Command>) {
    app.actions.start_loading();
    let op = app.begin(Op::ActionsPage);
    commands.push(Command::FetchActions {
        op,
        channel: app.channel.clone(),
        start,
        limit: ACTIONS_PAGE,
    });
}

/// Loads the next Actions page when fewer rows than a screen (counting only rows that pass the
/// filter) are loaded below the selection: a filter searches on until the screen is full.
pub(super) fn prefetch_actions(app: &mut App, commands: &mut Vec<Command>) {
    let Some(next) = app.actions.next_start else {
        return;
    };
    let wanted = app.measured.actions_rows.max(PREFETCH_MIN_ROWS);
    let near_end = app
        .actions
        .selected
        .is_none_or(|tt| app.actions.visible_older_than(tt, wanted) < wanted);
    if near_end && !app.actions.is_loading() {
        load_actions(app, Some(next), commands);
    }
}

/// `R`: reconnect now when waiting to, and re-read everything loaded.
pub(super) fn reload_now(app: &mut App, commands: &mut Vec<Command>) {
    if matches!(app.connection, Connection::Reconnecting { .. }) {
        commands.push(Command::RetryConnection);
    }
    reload(app, commands);
}

/// After a reconnect (and for `R`): re-read everything loaded so nothing missed stays missing
/// (the reports too, and names that could not be read).
pub(super) fn reload(app: &mut App, commands: &mut Vec<Command>) {
    match app.timeline.first().map(|m| m.timetoken) {
        Some(oldest) => {
            let newest = app.timeline.last().map_or(oldest, |m| m.timetoken);
            let op = app.begin(Op::Refresh {
                end: oldest,
                upper: newest,
            });
            commands.push(Command::RefreshHistory {
                op,
                channel: app.channel.clone(),
                start: None,
                end: oldest,
            });
        }
        None if !app.newest_page.is_loading() => commands.push(app.load_newest()),
        None => {}
    }
    app.names.retry_failed();
    app.names.want(app.me);
    app.replies.refresh();
    if app.options.moderator {
        reporting::load(app, false, commands);
    }
    if (app.actions.is_loaded() || app.actions.first_failed()) && !app.actions.is_loading() {
        // Start over from the newest page: rows removed meanwhile must not stay listed.
        app.actions.clear();
        load_actions(app, None, commands);
    }
    // The moderation log: what was missed while away is read again.
    if (app.audit.loaded || app.audit.load.is_failed()) && !app.audit.load.is_loading() {
        super::auditing::load_audit(app, commands);
    }
}

/// The page's messages of the channel on screen, interned; notes the users they show and
/// which reaction type the data uses.
fn convert(app: &mut App, page: &HistoryPage) -> Vec<Message> {
    let messages: Vec<Message> = page
        .messages
        .iter()
        .filter(|m| m.channel == app.channel)
        .map(|m| Message::from_history(m, &mut app.symbols))
        .collect();
    for m in &messages {
        if let Some(author) = m.author {
            app.names.want(author);
        }
        for entry in &m.actions {
            app.names.want(entry.action.uuid);
            app.reaction_use.saw(&entry.action);
        }
    }
    messages
}

/// After a page is merged: one request for the names it needs, one for its threads' replies.
fn after_page(app: &mut App, tts: &[Timetoken], commands: &mut Vec<Command>) {
    names::request(app, commands);
    let roots = threads::roots_of(app, tts.iter().copied());
    threads::request_counts(app, &roots, commands);
}

/// Forgets the loaded messages from `end` to `upper` (inclusive) that `page`, an answer for
/// that whole range, no longer holds: hard-deleted messages vanish on reload. The selection
/// moves to the nearest message left.
fn drop_deleted(app: &mut App, page: &HistoryPage, end: Timetoken, upper: Timetoken) {
    let present: std::collections::HashSet<Timetoken> = page
        .messages
        .iter()
        .filter(|m| m.channel == app.channel)
        .map(|m| m.timetoken)
        .collect();
    let removed = app
        .timeline
        .remove_where(end, upper, |tt| !present.contains(&tt));
    if removed > 0
        && let Some(selected) = app.selected
        && app.timeline.get(selected).is_none()
    {
        let at = app.timeline.position(selected).unwrap_or_else(|i| i);
        let nearest = at.min(app.timeline.len().saturating_sub(1));
        app.selected = app.timeline.at(nearest).map(|m| m.timetoken);
    }
}

/// A page of every message down to some timetoken (a refresh, a jump to a report's message):
/// merged, its names and thread counts asked for.
fn merge_refreshed(app: &mut App, page: &HistoryPage, commands: &mut Vec<Command>) {
    app.loaded();
    let messages = convert(app, page);
    let tts = timetokens(&messages);
    app.timeline.merge(messages);
    after_page(app, &tts, commands);
}

fn timetokens(messages: &[Message]) -> Vec<Timetoken> {
    messages.iter().map(|m| m.timetoken).collect()
}

/// Drops pending states whose requests are over (after a refresh that could not settle them).
fn settle_orphans(app: &mut App, tt: Timetoken) {
    let live: Vec<u32> = app.ops.keys().copied().collect();
    if let Some(message) = app.timeline.get_mut(tt) {
        message
            .actions
            .retain(|a| !matches!(a.state, EntryState::Adding(op) if !live.contains(&op)));
        for a in &mut message.actions {
            if matches!(a.state, EntryState::Removing(op) if !live.contains(&op)) {
                a.state = EntryState::Confirmed;
            }
        }
        message.changed();
    }
}

/// The result of a load request (history, Actions pages, message texts).
pub(super) fn on_result(
    app: &mut App,
    op: Op,
    outcome: ApiOutcome,
    commands: &mut Vec<Command>,
) -> bool {
    match (op, outcome) {
        (Op::LatestPage, ApiOutcome::History(result)) => {
            app.newest_page = Load::Idle;
            match result {
                Ok(page) => {
                    app.loaded();
                    let messages = convert(app, &page);
                    let tts = timetokens(&messages);
                    let complete = messages.len() < HISTORY_PAGE as usize && page.more.is_none();
                    app.timeline.merge(messages);
                    app.timeline.reached_start |= complete;
                    if app.follow || app.selected.is_none() {
                        app.selected = app.timeline.last().map(|m| m.timetoken);
                        app.follow = true;
                    }
                    after_page(app, &tts, commands);
                }
                Err(e) => {
                    let why = app.why(&e, Permissions::READ, None);
                    app.load_error(format!("Could not load messages: {why}"));
                    // Said on the empty Timeline; live messages that came meanwhile show instead.
                    if app.timeline.is_empty() {
                        app.newest_page = Load::Failed(e.to_string());
                    }
                }
            }
        }
        (Op::OlderPage, ApiOutcome::History(result)) => {
            app.older_page = Load::Idle;
            match result {
                Ok(page) => {
                    let messages = convert(app, &page);
                    let tts = timetokens(&messages);
                    if messages.is_empty() && page.more.is_none() {
                        app.timeline.reached_start = true;
                    }
                    app.timeline.merge(messages);
                    after_page(app, &tts, commands);
                    if app.jump_to_start && app.screen == Screen::Timeline {
                        app.selected = app.timeline.first().map(|m| m.timetoken);
                        load_older(app, commands);
                    }
                }
                Err(e) => {
                    app.jump_to_start = false;
                    app.error(format!("Could not load older messages: {e}"));
                    app.older_page = Load::Failed(e.to_string());
                }
            }
        }
        (Op::Refresh { end, upper }, ApiOutcome::History(result)) => match result {
            Ok(page) => {
                // What the service no longer has in the range this page answered for was
                // deleted (history delete): it goes. Messages that came live since stay. The
                // refresh goes page by page (memory holds one page): this page covers from its
                // oldest message (or `end`, when it is the last) up to `upper`.
                let messages: Vec<Timetoken> = page.messages.iter().map(|m| m.timetoken).collect();
                let oldest = messages.iter().min().copied();
                let upper = messages.iter().max().map_or(upper, |n| (*n).max(upper));
                let more = oldest.filter(|o| *o > end);
                drop_deleted(app, &page, more.unwrap_or(end), upper);
                merge_refreshed(app, &page, commands);
                if let Some(oldest) = more {
                    let op = app.begin(Op::Refresh {
                        end,
                        upper: Timetoken(oldest.get() - 1),
                    });
                    commands.push(Command::RefreshHistory {
                        op,
                        channel: app.channel.clone(),
                        start: Some(oldest),
                        end,
                    });
                }
                if app.follow {
                    app.selected = app.timeline.last().map(|m| m.timetoken);
                }
            }
            Err(e) => app.load_error(format!("Could not refresh: {e}")),
        },
        (Op::JumpTo(tt), ApiOutcome::History(result)) => match result {
            Ok(page) => {
                merge_refreshed(app, &page, commands);
                // Page by page down to the message, as a refresh goes.
                let oldest = page.messages.iter().map(|m| m.timetoken).min();
                if let Some(oldest) = oldest.filter(|o| *o > tt) {
                    let op = app.begin(Op::JumpTo(tt));
                    commands.push(Command::RefreshHistory {
                        op,
                        channel: app.channel.clone(),
                        start: Some(oldest),
                        end: tt,
                    });
                } else if app.timeline.get(tt).is_some() {
                    app.selected = Some(tt);
                    app.follow = app.timeline.last().is_some_and(|m| m.timetoken == tt);
                    app.notice = None;
                } else {
                    app.info("The reported message is no longer in the channel (deleted?)");
                }
            }
            Err(e) => app.load_error(format!("Could not load the reported message: {e}")),
        },
        (Op::RefreshMessage(tt), ApiOutcome::History(result)) => {
            match result {
                Ok(page) => {
                    drop_deleted(app, &page, tt, tt);
                    let messages = convert(app, &page);
                    app.timeline
                        .merge(messages.into_iter().filter(|m| m.timetoken == tt).collect());
                    after_page(app, &[tt], commands);
                }
                Err(e) => app.error(format!("Could not re-read message {tt}: {e}")),
            }
            settle_orphans(app, tt);
            if let Screen::Details(mut view) = app.screen
                && view.message_tt == tt
            {
                view.refreshing = false;
                app.screen = Screen::Details(view);
            }
        }
        (Op::ActionsPage, ApiOutcome::Actions(result)) => {
            match result {
                Ok(page) => {
                    let rows: Vec<ActionOnMessage> = page
                        .actions
                        .iter()
                        .map(|a| ActionOnMessage::from_stored(a, &mut app.symbols))
                        .collect();
                    for row in &rows {
                        app.names.want(row.action.uuid);
                    }
                    names::request(app, commands);
                    let more = page.more.and_then(|m| m.start);
                    app.actions.merge_page(rows, more, &app.symbols);
                    app.loaded();
                    if app.actions.is_filtered() {
                        // A filter searches on, page after page, until it fills a screen.
                        app.actions.reselect();
                        prefetch_actions(app, commands);
                    }
                    // Texts only of the rows a filter lets through: a search through a
                    // million actions asks for no message it will not show.
                    let shown: Vec<StoredAction> = page
                        .actions
                        .into_iter()
                        .filter(|a| {
                            app.actions
                                .get(a.action_timetoken)
                                .is_some_and(|r| app.actions.matches(r))
                        })
                        .collect();
                    fetch_missing_texts(app, &shown, commands);
                }
                Err(e) => {
                    app.load_error(format!("Could not load actions: {e}"));
                    app.actions.page_failed(e.to_string());
                }
            }
        }
        (Op::MessageTexts, ApiOutcome::History(result)) => match result {
            Ok(page) => {
                for m in page.messages.iter().filter(|m| m.channel == app.channel) {
                    if app.timeline.get(m.timetoken).is_none() {
                        let text = super::timeline::shown_text(&m.message);
                        app.message_texts.insert(m.timetoken, text);
                    }
                }
            }
            Err(e) => tracing::warn!("could not read the texts of listed actions' messages: {e}"),
        },
        (op, outcome) => {
            tracing::warn!(?op, ?outcome, "result does not match its request");
            return false;
        }
    }
    true
}

/// A live event from the subscription: for the channel on screen, a channel below it (a
/// thread's parent), or (for moderators) the configured channel's reports.
pub(super) fn on_live(app: &mut App, event: LiveEvent, commands: &mut Vec<Command>) -> bool {
    let channel = match &event {
        LiveEvent::Message { channel, .. } | LiveEvent::Action { channel, .. } => channel,
    };
    if *channel == app.channel {
        return on_live_here(app, event, commands);
    }
    if app.parents.iter().any(|p| p.channel == *channel) {
        let channel = channel.clone();
        // The parent's state changes; what is on screen does not.
        threads::in_channel(app, &channel, |app| on_live_here(app, event, commands));
        return false;
    }
    // The moderation log: any moderator's records join the Audit screen's trail.
    if app.options.moderator && *channel == crate::moderation::LOG_CHANNEL {
        return match &event {
            LiveEvent::Message { message, .. } => {
                super::auditing::on_live_message(app, channel, message)
            }
            LiveEvent::Action { .. } => false,
        };
    }
    let is_message = matches!(event, LiveEvent::Message { .. });
    let elsewhere = channel.clone();
    if app.channels.watched.contains(&elsewhere) {
        return waiting::on_live_elsewhere(app, &elsewhere, is_message, |app| {
            on_live_here(app, event, commands)
        });
    }
    if app.options.moderator && *channel == reporting::reports_channel(app) {
        return match event {
            LiveEvent::Message {
                timetoken,
                publisher,
                message,
                ..
            } => reporting::on_live_report(app, timetoken, publisher.as_deref(), &message),
            LiveEvent::Action { kind, action, .. } => {
                reporting::on_live_resolution(app, kind == ActionEventKind::Added, &action)
            }
        };
    }
    false
}

/// A live event for the channel on screen.
fn on_live_here(app: &mut App, event: LiveEvent, commands: &mut Vec<Command>) -> bool {
    match event {
        LiveEvent::Message {
            timetoken,
            publisher,
            message,
            ..
        } => {
            let author = publisher.as_deref().map(|p| app.symbols.intern(p));
            if let Some(author) = author {
                app.names.want(author);
            }
            let inserted = app
                .timeline
                .insert(Message::new(timetoken, author, &message));
            if inserted && app.follow {
                app.selected = app.timeline.last().map(|m| m.timetoken);
            }
            if inserted && threads::in_thread(app) {
                app.replies.one_more(&app.channel.clone());
            }
            inserted
        }
        LiveEvent::Action { kind, action, .. } => match kind {
            ActionEventKind::Added => {
                let data = ActionData::from_stored(&action, &mut app.symbols);
                app.names.want(data.uuid);
                app.reaction_use.saw(&data);
                let message_tt = action.message_timetoken;
                let on_timeline = app.timeline.apply_added_data(message_tt, data);
                if on_timeline && data.kind == super::Sym::THREAD_ROOT {
                    threads::want_count(app, message_tt, commands);
                }
                let listed = app.actions.is_loaded()
                    && app.actions.insert(data.on(message_tt), &app.symbols);
                on_timeline || listed
            }
            ActionEventKind::Removed => {
                let on_timeline = app
                    .timeline
                    .apply_removed(action.message_timetoken, action.action_timetoken);
                let listed = app.actions.remove(action.action_timetoken);
                on_timeline || listed
            }
        },
    }
}

/// A change of the subscription's state.
pub(super) fn on_connection(
    app: &mut App,
    event: ConnectionEvent,
    commands: &mut Vec<Command>,
) -> bool {
    app.connection = match event {
        ConnectionEvent::Connected => {
            // Started while the service was unreachable: load what failed, now that it answers.
            if app.newest_page.is_failed() || app.actions.first_failed() {
                reload(app, commands);
            }
            Connection::Live
        }
        ConnectionEvent::Reconnecting {
            attempt,
            now,
            retry_at,
            error,
        } => {
            app.now = now;
            Connection::Reconnecting {
                attempt,
                retry_at,
                error,
            }
        }
        ConnectionEvent::Reconnected => {
            reload(app, commands);
            // The channels below a thread, and the others kept, are re-read when shown again.
            for parent in &mut app.parents {
                parent.stale = true;
            }
            waiting::on_reconnected(app, commands);
            Connection::Live
        }
        ConnectionEvent::Offline(reason) => Connection::Offline(reason),
        ConnectionEvent::Refused { refused, reason } => {
            match channels::stop_watching_refused(app, &refused, &reason, commands) {
                true => return true,
                false => Connection::Offline(reason),
            }
        }
        ConnectionEvent::ReportsStopped(reason) => {
            let reload = app
                .options
                .keymap
                .hints(&[(&[super::keymap::Action::Reload], "reads them again")]);
            app.info(format!("Reports are not live: {reason}. {reload}"));
            return true;
        }
    };
    true
}
