//! Moderator operations against the service, each recorded before it counts, shared by the UI's
//! worker and the CLI:
//!
//! - [`scan`]: a bulk removal's dry run, paging through every action of the channel within the
//!   filter's time bounds (not only what a screen has loaded);
//! - [`remove_recorded`]: records first (one log message per chunk), then removes each action as
//!   its author, a bounded number at once; what failed (or was gone already) is voided in the log;
//! - [`run_bulk`]: a whole bulk run, a few chunks at once ([`Pace`]), until done or stopped
//!   (the CLI's; the UI drives [`BulkRun`] from its update function instead);
//! - [`undo`]: puts a removed action back as its author, then records that; if the record cannot
//!   be written the action is removed again (rolled back).

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;

use super::audit::{AuditRecord, Operation};
use super::filter::{ActionFields, Filter};
use super::log::{AuditLog, LogError};
use super::run::{BulkRun, ChunkReport, DryRun, Pace, REMOVALS_IN_FLIGHT, Removal};
use crate::pubnub::{self, Client, MessageAction, StoredAction, Timetoken};
use crate::text::emoji;

/// The channel's actions in `window` (and any newer), every page: what Stats counts.
pub async fn window_actions(
    client: &Client,
    channel: &str,
    window: &super::stats::Window,
) -> pubnub::Result<Vec<StoredAction>> {
    client
        .get_message_actions()
        .channel(channel)
        .limit(100)
        .end(window.from)
        .pager()
        .collect_all()
        .await
}

/// Pages through the channel's actions (newest first, down to the oldest the filter allows)
/// and keeps those that match, with the start of each matching message's text.
pub async fn scan(
    client: &Client,
    channel: &str,
    filter: &Filter,
    reaction_type: &str,
) -> pubnub::Result<DryRun> {
    let mut request = client.get_message_actions().channel(channel).limit(100);
    if let Some(until) = filter.until {
        request = request.start(until);
    }
    if let Some(oldest) = filter.oldest_possible() {
        request = request.end(oldest);
    }
    let mut pager = request.pager();
    let (mut scanned, mut matches) = (0, Vec::new());
    while let Some(page) = pager.next_page().await? {
        scanned += page.len();
        matches.extend(page.into_iter().filter(|a| {
            let shown = emoji::shown(&a.value);
            filter.matches_action(&ActionFields {
                user: &a.uuid,
                user_name: "",
                action_type: &a.action_type,
                value: &a.value,
                shown_value: &shown,
                message_tt: a.message_timetoken,
                action_tt: a.action_timetoken,
            })
        }));
    }
    let messages: BTreeSet<Timetoken> = matches.iter().map(|a| a.message_timetoken).collect();
    let excerpts = excerpts(client, channel, &messages).await;
    Ok(DryRun::new(
        channel,
        &filter.text,
        scanned,
        matches,
        excerpts,
        reaction_type,
    ))
}

/// The text of each message in `wanted`, read from history between the oldest and the newest of
/// them. Best effort: a record names a message it has no text for by its timetoken.
async fn excerpts(
    client: &Client,
    channel: &str,
    wanted: &BTreeSet<Timetoken>,
) -> HashMap<Timetoken, String> {
    let (Some(&oldest), Some(&newest)) = (wanted.first(), wanted.last()) else {
        return HashMap::new();
    };
    let mut pager = client
        .fetch_messages()
        .channel(channel)
        .max(100)
        .bounds(
            Some(Timetoken(newest.get().saturating_add(1))),
            Some(oldest),
        )
        .pager();
    let mut texts = HashMap::new();
    loop {
        match pager.next_page().await {
            Ok(Some(page)) => texts.extend(
                page.into_iter()
                    .filter(|m| wanted.contains(&m.timetoken))
                    .map(|m| (m.timetoken, m.text())),
            ),
            Ok(None) => break,
            Err(e) => {
                tracing::warn!("could not read the texts of the messages to moderate: {e}");
                break;
            }
        }
    }
    texts
}

/// Writes the records (removals or restores), then removes each one's action as its author,
/// [`REMOVALS_IN_FLIGHT`] at a time. A removal that failed, or found nothing to remove, is
/// voided in the log. When the records cannot be written nothing is removed.
pub async fn remove_recorded(log: &AuditLog, mut records: Vec<AuditRecord>) -> ChunkReport {
    if let Err(e) = log.write(&mut records).await {
        let why = e.to_string();
        return ChunkReport {
            not_recorded: Some(why.clone()),
            results: records
                .iter()
                .map(|r| (r.action(), Removal::NotRecorded(why.clone())))
                .collect(),
            at: Timetoken::now(),
        };
    }
    let removals = futures::stream::iter(records.into_iter().map(|r| {
        let client = log.client().clone();
        remove_one(client, r)
    }))
    .buffered(REMOVALS_IN_FLIGHT)
    .collect::<Vec<_>>()
    .await;
    let mut voids: Vec<AuditRecord> = removals
        .iter()
        .filter_map(|(r, removal)| match removal {
            Removal::Removed => None,
            Removal::AlreadyGone => Some(r.void(log.moderator(), "already gone")),
            Removal::Failed(e) => Some(r.void(log.moderator(), &format!("failed: {e}"))),
            Removal::NotRecorded(_) => None,
        })
        .collect();
    if let Err(e) = log.write(&mut voids).await {
        tracing::warn!("could not void the removals that did not happen: {e}");
    }
    ChunkReport {
        not_recorded: None,
        results: removals
            .into_iter()
            .map(|(r, removal)| (r.action(), removal))
            .collect(),
        at: Timetoken::now(),
    }
}

/// Runs `run` to its end in chunks, as `pace` says, each recorded first. `progress` sees the
/// run after each chunk; once `stop` completes no new chunk starts (those in flight finish,
/// and stay removed and recorded).
pub async fn run_bulk(
    log: &AuditLog,
    mut run: BulkRun,
    pace: Pace,
    mut progress: impl FnMut(&BulkRun),
    stop: impl std::future::Future<Output = ()>,
) -> BulkRun {
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(stop);
    let mut stopping = false;
    loop {
        while tasks.len() < pace.chunks_in_flight.max(1) {
            let Some(records) = run.next_chunk(pace.chunk) else {
                break;
            };
            let log = log.clone();
            tasks.spawn(async move { remove_recorded(&log, records).await });
        }
        if tasks.is_empty() {
            break;
        }
        tokio::select! {
            Some(done) = tasks.join_next() => match done {
                Ok(report) => run.on_chunk(report),
                Err(e) => tracing::error!("a chunk of removals ended abnormally: {e}"),
            },
            () = &mut stop, if !stopping => {
                stopping = true;
                run.stop();
            }
        }
        progress(&run);
    }
    run
}

/// Removes a record's action as its author.
async fn remove_one(client: Client, r: AuditRecord) -> (AuditRecord, Removal) {
    let result = client
        .remove_message_action()
        .channel(&r.channel)
        .message_timetoken(r.message_timetoken)
        .action_timetoken(r.action_timetoken)
        .as_uuid(r.author.clone())
        .execute()
        .await;
    let removal = match result {
        Ok(_) => Removal::Removed,
        Err(pubnub::Error::NothingToDelete { .. }) => Removal::AlreadyGone,
        Err(e) => Removal::Failed(e),
    };
    (r, removal)
}

/// Why an undo did not happen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UndoError {
    /// The service answered 409: the author has that action on the message again.
    #[error("{author}'s {what} is back on the message already; nothing to undo")]
    AlreadyBack { author: String, what: String },
    /// The service refused to add it as its author.
    #[error("{0}")]
    Refused(pubnub::Error),
    /// Put back, but the undo could not be recorded: the action was removed again (or not,
    /// said in `rolled_back`).
    #[error("{}", not_recorded(.why, .rolled_back))]
    NotRecorded {
        why: LogError,
        rolled_back: Result<(), String>,
    },
}

fn not_recorded(why: &LogError, rolled_back: &Result<(), String>) -> String {
    match rolled_back {
        Ok(()) => format!("not undone: {why}; the action put back was removed again"),
        Err(e) => format!(
            "put back but not recorded: {why}; removing it again failed too ({e}): remove it by hand"
        ),
    }
}

/// Undoes `removal`: adds its action back as its author and records the undo with the new
/// action timetoken. The caller checks first that the record is an undoable removal
/// ([`super::trail::Trail::why_not_undoable`]).
pub async fn undo(
    log: &AuditLog,
    removal: &AuditRecord,
    reason: &str,
    what: &str,
) -> Result<AuditRecord, UndoError> {
    let client = log.client();
    let added = client
        .add_message_action()
        .channel(&removal.channel)
        .message_action(MessageAction {
            action_type: removal.action_type.clone(),
            value: removal.value.clone(),
            message_timetoken: removal.message_timetoken,
        })
        .as_uuid(removal.author.clone())
        .execute()
        .await
        .map_err(|e| match e {
            pubnub::Error::Conflict { .. } => UndoError::AlreadyBack {
                author: removal.author.clone(),
                what: what.to_string(),
            },
            other => UndoError::Refused(other),
        })?;
    let mut record = undo_record(log.moderator(), removal, &added.action, reason);
    match log.write(std::slice::from_mut(&mut record)).await {
        Ok(()) => Ok(record),
        Err(why) => {
            let rolled_back = remove_as_author(client, &removal.channel, &added.action)
                .await
                .map_err(|e| e.to_string());
            Err(UndoError::NotRecorded { why, rolled_back })
        }
    }
}

/// The record of an undo: the removal's fields, the new action timetoken, and what it undoes.
pub fn undo_record(
    moderator: &str,
    removal: &AuditRecord,
    restored: &StoredAction,
    reason: &str,
) -> AuditRecord {
    AuditRecord {
        id: String::new(),
        time: String::new(),
        moderator: moderator.to_string(),
        operation: Operation::Undo,
        action_timetoken: restored.action_timetoken,
        reason: reason.trim().to_string(),
        run: String::new(),
        refers_to: removal.id.clone(),
        ..removal.clone()
    }
}

async fn remove_as_author(
    client: &Client,
    channel: &str,
    action: &StoredAction,
) -> pubnub::Result<()> {
    client
        .remove_message_action()
        .channel(channel)
        .message_timetoken(action.message_timetoken)
        .action_timetoken(action.action_timetoken)
        .as_uuid(action.uuid.clone())
        .execute()
        .await
        .map(|_| ())
}
