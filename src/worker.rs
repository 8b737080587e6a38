//! The API worker task: receives [`Command`]s from the app, runs them concurrently (bounded),
//! and sends each result back as an [`Event::Api`] tagged with the command's id. It owns the
//! client and does the app's file writes (recent reactions, the channels opened and seen);
//! moderator operations run through [`crate::moderation`], which records each on the moderation
//! log (and the local audit file) before it is done, or, for a report's resolution, once it is
//! stored (taken back when its record can't be written). It never touches state. Each command
//! names its channel (or its records do).

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};

use crate::app::channels::ChannelMemory;
use crate::app::{ApiOutcome, ChannelDirectory, Command, Event};
use crate::moderation::execute::{remove_recorded, scan, undo, window_actions};
use crate::moderation::stats::Window;
use crate::moderation::{AuditLog, log};
use crate::pubnub::{Client, MessageAction, Timetoken};

/// Most App Context channels the switcher lists (ten pages); others open by typing their name.
const DIRECTORY_MOST: usize = 1_000;

/// Requests run at the same time at most.
const CONCURRENCY: usize = 8;

/// Where the worker writes files.
#[derive(Debug, Clone)]
pub struct WorkerFiles {
    pub audit_log: PathBuf,
    pub recent_reactions: PathBuf,
    /// Recently opened channels and what was last seen in each (`channels.json`).
    pub channels: PathBuf,
}

/// Starts the worker on the current runtime; returns where to send commands.
pub fn spawn(
    client: Client,
    files: WorkerFiles,
    events: mpsc::UnboundedSender<Event>,
) -> mpsc::UnboundedSender<Command> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        let limit = Arc::new(Semaphore::new(CONCURRENCY));
        while let Some(command) = rx.recv().await {
            if command == Command::Quit {
                break;
            }
            let Ok(permit) = limit.clone().acquire_owned().await else {
                break;
            };
            let (client, files, events) = (client.clone(), files.clone(), events.clone());
            tokio::spawn(async move {
                if let Some((op, outcome)) = execute(&client, &files, command).await {
                    // The app may be gone when quitting; nothing to do then.
                    let _ = events.send(Event::Api(op, outcome));
                }
                drop(permit);
            });
        }
    });
    tx
}

/// Runs one command; `None` when it has no result to report.
pub async fn execute(
    client: &Client,
    files: &WorkerFiles,
    command: Command,
) -> Option<(u32, ApiOutcome)> {
    match command {
        Command::FetchHistory {
            op,
            channel,
            start,
            end,
            max,
        } => {
            let request = client
                .fetch_messages()
                .channel(&channel)
                .include_actions(true)
                .include_uuid(true)
                .max(max)
                .bounds(start, end);
            Some((op, ApiOutcome::History(request.execute().await)))
        }
        Command::FetchMessageTexts {
            op,
            channel,
            start,
            end,
            max,
        } => {
            let request = client
                .fetch_messages()
                .channel(&channel)
                .max(max)
                .bounds(Some(start), Some(end));
            Some((op, ApiOutcome::History(request.execute().await)))
        }
        Command::RefreshHistory {
            op,
            channel,
            start,
            end,
        } => {
            let request = client
                .fetch_messages()
                .channel(&channel)
                .include_actions(true)
                .include_uuid(true)
                .bounds(start, Some(end));
            Some((op, ApiOutcome::History(request.execute().await)))
        }
        Command::FetchActions {
            op,
            channel,
            start,
            limit,
        } => {
            let request = client
                .get_message_actions()
                .channel(&channel)
                .limit(limit)
                .bounds(start, None);
            Some((op, ApiOutcome::Actions(request.execute().await)))
        }
        Command::AddAction {
            op,
            channel,
            message_tt,
            action_type,
            value,
        } => {
            let result = client
                .add_message_action()
                .channel(&channel)
                .message_action(MessageAction {
                    action_type,
                    value,
                    message_timetoken: message_tt,
                })
                .execute()
                .await
                .map(|added| (added.action, added.warning));
            Some((op, ApiOutcome::Added(result)))
        }
        Command::RemoveAction {
            op,
            channel,
            message_tt,
            action_tt,
            as_uuid,
        } => {
            let mut request = client
                .remove_message_action()
                .channel(&channel)
                .message_timetoken(message_tt)
                .action_timetoken(action_tt);
            if let Some(owner) = as_uuid {
                request = request.as_uuid(owner);
            }
            let result = request.execute().await.map(|removed| removed.warning);
            Some((op, ApiOutcome::Removed(result)))
        }
        Command::FetchNames { op, ids } => {
            let result = client.user_names().ids(ids).execute().await;
            Some((op, ApiOutcome::Names(result)))
        }
        Command::FetchCounts { op, channels } => {
            let result = client
                .message_counts()
                .channel_timetokens(channels)
                .execute()
                .await;
            Some((op, ApiOutcome::Counts(result)))
        }
        Command::Record { op, record } => {
            let log = AuditLog::new(client.clone(), files.audit_log.clone());
            let mut records = [*record];
            match log.write(&mut records).await {
                Ok(()) => None,
                Err(e) => Some((op, ApiOutcome::AuditFailed(e.to_string()))),
            }
        }
        Command::ScanActions {
            op,
            channel,
            filter,
            reaction_type,
        } => Some((
            op,
            ApiOutcome::Scanned(scan(client, &channel, &filter, &reaction_type).await),
        )),
        Command::RemoveRecorded { op, records } => {
            let log = AuditLog::new(client.clone(), files.audit_log.clone());
            Some((op, ApiOutcome::Chunk(remove_recorded(&log, records).await)))
        }
        Command::Undo {
            op,
            record,
            reason,
            what,
        } => {
            let log = AuditLog::new(client.clone(), files.audit_log.clone());
            Some((
                op,
                ApiOutcome::Undone(undo(&log, &record, &reason, &what).await),
            ))
        }
        Command::FetchAuditLog { op } => {
            Some((op, ApiOutcome::AuditLog(log::read(client, None).await)))
        }
        Command::FetchWindow {
            op,
            channel,
            minutes,
        } => {
            let window = Window::ending(Timetoken::now(), minutes);
            let actions = window_actions(client, &channel, &window).await;
            Some((op, ApiOutcome::Window(window, actions)))
        }
        Command::FetchChannels { op } => {
            let result = client
                .channel_names()
                .collect_up_to(DIRECTORY_MOST)
                .await
                .map(|(channels, more)| ChannelDirectory {
                    channels: channels.into_iter().map(|c| (c.id, c.name)).collect(),
                    more,
                });
            Some((op, ApiOutcome::Channels(result)))
        }
        Command::SaveChannels(memory) => {
            let path = files.channels.clone();
            let _ = tokio::task::spawn_blocking(move || save_channels(&path, &memory)).await;
            None
        }
        Command::SaveRecent(recent) => {
            let path = files.recent_reactions.clone();
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = save_recent(&path, &recent) {
                    tracing::warn!("could not save recent reactions to {}: {e}", path.display());
                }
            })
            .await;
            None
        }
        Command::Subscribe(_)
        | Command::SubscribeReports(_)
        | Command::RetryConnection
        | Command::Quit => None,
    }
}

/// Every message from the newest down to `end`, all pages, oldest first.
/// Recently used reactions, most recent first (a JSON array).
pub fn load_recent(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_recent(path: &std::path::Path, recent: &[String]) -> std::io::Result<()> {
    save_json(path, recent)
}

/// Recently opened channels and what was last seen in each (a JSON object); nothing kept
/// when the file is missing or unreadable.
pub fn load_channels(path: &std::path::Path) -> ChannelMemory {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Writes the channels' memory (a failure is logged: the next session counts from older
/// last-seen timetokens, nothing else is lost).
pub fn save_channels(path: &std::path::Path, memory: &ChannelMemory) {
    if let Err(e) = save_json(path, memory) {
        tracing::warn!("could not save the channels to {}: {e}", path.display());
    }
}

/// Writes `value` as JSON to `path` whole (through a temporary file renamed over it).
fn save_json<T: serde::Serialize + ?Sized>(
    path: &std::path::Path,
    value: &T,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(value)?)?;
    std::fs::rename(tmp, path)
}
