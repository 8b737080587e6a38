//! What waits in the channels not on screen: how many messages arrived in each since it was
//! last looked at, and for moderators how many of its reports are unresolved ([`super::channels`]
//! lists the channels and switches between them).
//!
//! Counting without a poll per channel: the configured channels are watched on the one live
//! subscription the open channel already has (a subscribe names several channels), so a
//! message in another of them counts at once and its kept state stays current; and the
//! message counts endpoint, one request for every channel with a last-seen timetoken, gives
//! the exact numbers at start, after a reconnect and each time the switcher opens (recent and
//! App Context channels, which are not watched live, are counted then). No timer: an idle UI
//! sends nothing and draws nothing.

use super::channels::entries;
use super::reports::Report;
use super::threads::in_channel;
use super::{App, Command, Op};
use crate::pubnub::{self, HistoryPage, MessageCounts, Timetoken};

/// What the switcher shows is asked for afresh: new messages and, for moderators, reports.
pub(super) fn refresh(app: &mut App, commands: &mut Vec<Command>) {
    request_counts(app, commands);
    if app.options.moderator {
        request_reports(app, commands);
    }
}

/// Asks for how many messages arrived in every channel with a last-seen timetoken, other than
/// the one on screen: one request (per 100 channels).
pub(super) fn request_counts(app: &mut App, commands: &mut Vec<Command>) {
    let here = app.home().to_string();
    let mut channels: Vec<(String, Timetoken)> = entries(app)
        .into_iter()
        .filter(|e| e.id != here)
        .filter_map(|e| {
            let seen = app.channels.memory.last_seen.get(&e.id)?;
            Some((e.id, *seen))
        })
        .filter(|(c, _)| pubnub::validate_channel(c).is_ok())
        .collect();
    channels.sort();
    for chunk in channels.chunks(pubnub::message_counts::MAX_COUNT_CHANNELS) {
        let asked = chunk.iter().map(|(c, _)| c.clone()).collect();
        let op = app.begin(Op::Unseen(asked));
        commands.push(Command::FetchCounts {
            op,
            channels: chunk.to_vec(),
        });
    }
}

/// For a moderator: the newest page of reports of every configured and recent channel but the
/// open one (whose reports the Reports screen lists), one request each, to say how many are
/// unresolved.
fn request_reports(app: &mut App, commands: &mut Vec<Command>) {
    let channels: Vec<String> = entries(app)
        .into_iter()
        .filter(|e| e.id != app.home())
        .filter(|e| e.watched || app.channels.memory.recent.contains(&e.id))
        .map(|e| e.id)
        .collect();
    for channel in channels {
        let reports = pubnub::chat::moderation_channel(&channel);
        if pubnub::validate_channel(&reports).is_err() {
            continue;
        }
        let op = app.begin(Op::ChannelReports(channel));
        commands.push(Command::FetchHistory {
            op,
            channel: reports,
            start: None,
            end: None,
            max: super::HISTORY_PAGE,
        });
    }
}

/// A page of another channel's reports arrived: how many are not resolved.
pub(super) fn on_reports(app: &mut App, channel: String, result: pubnub::Result<HistoryPage>) {
    match result {
        Ok(page) => {
            let open = page
                .messages
                .iter()
                .filter_map(|m| Report::from_history(m, &mut app.symbols))
                .filter(|r| !r.is_resolved())
                .count();
            app.channels.open_reports.insert(channel, open);
        }
        // The line shows no reports marker; the channel itself still opens.
        Err(e) => tracing::info!("could not read the reports of {channel}: {e}"),
    }
}

/// Counts of messages since last seen arrived.
pub(super) fn on_counts(app: &mut App, asked: Vec<String>, result: pubnub::Result<MessageCounts>) {
    match result {
        Ok(counts) => {
            let here = app.home().to_string();
            for channel in asked.into_iter().filter(|c| *c != here) {
                let n = counts.channels.get(&channel).copied().unwrap_or(0);
                app.channels.unseen.insert(channel, n);
            }
        }
        Err(e) => {
            tracing::warn!("could not count new messages in other channels: {e}");
            if !app.channels.failure_said {
                app.channels.failure_said = true;
                app.info(format!(
                    "New messages in other channels could not be counted: {e}"
                ));
            }
        }
    }
}

/// A live event for a watched channel that is not on screen: its message counts as new, and
/// its kept state (if it was open before) takes it as it would on screen.
pub(super) fn on_live_elsewhere(
    app: &mut App,
    channel: &str,
    is_message: bool,
    apply: impl FnOnce(&mut App) -> bool,
) -> bool {
    if !app.channels.watched.iter().any(|c| c == channel) {
        return false;
    }
    if is_message {
        *app.channels.unseen.entry(channel.to_string()).or_insert(0) += 1;
    }
    if app.channels.is_kept(channel) {
        in_channel(app, channel, apply);
    }
    // The tab bar says how many messages wait elsewhere.
    is_message
}

/// After a reconnect: every kept channel missed events, and counts are asked again.
pub(super) fn on_reconnected(app: &mut App, commands: &mut Vec<Command>) {
    app.channels.all_stale();
    request_counts(app, commands);
}
