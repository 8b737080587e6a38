//! The moderation log channel: where every moderator operation is recorded for every moderator of
//! the keyset, stored in history and delivered live, on the embedded server and on the real
//! service alike.
//!
//! The channel is [`LOG_CHANNEL`] (`reactions.moderation-log`), one for the keyset. Each message
//! on it is `{"type": "reactions.audit", "records": [...]}` with one or more [`AuditRecord`]s
//! (a bulk run writes one message per chunk of removals, listing each removal). It is not the
//! Chat SDK's `PUBNUB_INTERNAL_MODERATION_{channel}` and never has the type `report`, so the
//! Chat SDK never reads a record as a report.
//!
//! [`AuditLog::write`] gives each record its id and time, appends it to the local
//! `moderation-audit.jsonl`, then publishes it; an operation goes ahead only once that
//! succeeded. [`read`] pages the channel's history back.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::audit::{AuditRecord, append_local};
use crate::pubnub::{self, Client, Timetoken};

/// The keyset's moderation log channel.
pub const LOG_CHANNEL: &str = "reactions.moderation-log";
/// The `type` of a log message.
pub const MESSAGE_TYPE: &str = "reactions.audit";
/// A log message's records stay under this many bytes of JSON, well within the service's
/// 32 KiB publish limit.
const MESSAGE_BYTES: usize = 24 * 1024;

/// Why records could not be written; the operation they record was then not done.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LogError {
    #[error("the local audit file could not be written: {0}")]
    Local(String),
    #[error("{}", channel_failure(.0))]
    Channel(pubnub::Error),
}

fn channel_failure(e: &pubnub::Error) -> String {
    match e {
        pubnub::Error::AccessDenied { .. } => format!(
            "the moderation log {LOG_CHANNEL} refused the record: the credentials do not grant \
             write on it (a moderator token from `reactions grant --as-moderator` does)"
        ),
        other => format!("the moderation log {LOG_CHANNEL} could not be written: {other}"),
    }
}

/// Writes records to the log channel and the local file, as `client`'s user.
#[derive(Debug, Clone)]
pub struct AuditLog {
    client: Client,
    local: PathBuf,
}

impl AuditLog {
    pub fn new(client: Client, local: PathBuf) -> Self {
        AuditLog { client, local }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Who writes: the client's user id.
    pub fn moderator(&self) -> &str {
        &self.client.config().user_id
    }

    /// Gives each record an id and the time, appends them to the local file and publishes them.
    /// On a failure nothing counts as recorded: what was written already is voided (as far as
    /// that can be done) and the error says why.
    pub async fn write(&self, records: &mut [AuditRecord]) -> Result<(), LogError> {
        if records.is_empty() {
            return Ok(());
        }
        stamp(records);
        let path = self.local.clone();
        let lines = records.to_vec();
        spawn_blocking(move || append_local(&path, &lines))
            .await
            .map_err(LogError::Local)?;
        let mut published = 0;
        for batch in batches(records) {
            if let Err(e) = self.publish(batch).await {
                self.void_written(records, published, &e.to_string()).await;
                return Err(LogError::Channel(e));
            }
            published += batch.len();
        }
        Ok(())
    }

    async fn publish(&self, records: &[AuditRecord]) -> pubnub::Result<Timetoken> {
        self.client
            .publish()
            .channel(LOG_CHANNEL)
            .message(message(records))
            .execute()
            .await
    }

    /// After a failed write: voids every record in the local file and the first `published`
    /// on the channel. Best effort: the failure being reported already says what went wrong.
    async fn void_written(&self, records: &[AuditRecord], published: usize, why: &str) {
        let why = format!("not done: the record could not be written ({why})");
        let mut voids: Vec<AuditRecord> = records
            .iter()
            .map(|r| r.void(self.moderator(), &why))
            .collect();
        stamp(&mut voids);
        let path = self.local.clone();
        let lines = voids.clone();
        if let Err(e) = spawn_blocking(move || append_local(&path, &lines)).await {
            tracing::warn!("could not void audit records locally: {e}");
        }
        for batch in batches(&voids[..published]) {
            if let Err(e) = self.publish(batch).await {
                tracing::warn!("could not void audit records on {LOG_CHANNEL}: {e}");
            }
        }
    }
}

async fn spawn_blocking(
    work: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> Result<(), String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
        .and_then(|written| written)
}

/// Gives each record a fresh id and the current time.
pub fn stamp(records: &mut [AuditRecord]) {
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for r in records {
        r.id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        r.time = time.clone();
    }
}

/// The records split into log messages of at most [`MESSAGE_BYTES`] of JSON each (a record
/// larger than that alone in its message).
pub fn batches(records: &[AuditRecord]) -> Vec<&[AuditRecord]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, r) in records.iter().enumerate() {
        let size = serde_json::to_vec(r).map_or(0, |v| v.len()) + 1;
        if i > start && bytes + size > MESSAGE_BYTES {
            out.push(&records[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < records.len() {
        out.push(&records[start..]);
    }
    out
}

/// The log message carrying `records`.
pub fn message(records: &[AuditRecord]) -> Value {
    json!({ "type": MESSAGE_TYPE, "records": records })
}

/// The records a message of the log channel carries; none when it is not a log message (or
/// what does not read as a record).
pub fn records_of(payload: &Value) -> Vec<AuditRecord> {
    if payload.get("type").and_then(Value::as_str) != Some(MESSAGE_TYPE) {
        return Vec::new();
    }
    payload
        .get("records")
        .and_then(Value::as_array)
        .map(|records| {
            records
                .iter()
                .filter_map(|r| serde_json::from_value::<AuditRecord>(r.clone()).ok())
                .filter(|r| !r.id.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Every record on the log channel written since `since` (all of them without it), oldest
/// first.
pub async fn read(client: &Client, since: Option<Timetoken>) -> pubnub::Result<Vec<AuditRecord>> {
    read_counting(client, since, |_| {}).await
}

/// [`read`], telling `counted` how many records have been read after each page (for a
/// progress line).
pub async fn read_counting(
    client: &Client,
    since: Option<Timetoken>,
    mut counted: impl FnMut(usize),
) -> pubnub::Result<Vec<AuditRecord>> {
    let mut request = client.fetch_messages().channel(LOG_CHANNEL).max(100);
    if let Some(since) = since {
        request = request.end(since);
    }
    let mut pager = request.pager();
    let mut records = Vec::new();
    while let Some(page) = pager.next_page().await? {
        for m in page {
            records.extend(records_of(&m.message));
        }
        counted(records.len());
    }
    records.retain(|r| since.is_none_or(|s| r.timetoken() >= s));
    // History pages come newest first; a message's records stay in the order written.
    records.sort_by_key(AuditRecord::timetoken);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::audit::Operation;
    use crate::pubnub::StoredAction;

    fn record(value: &str) -> AuditRecord {
        let action = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: value.into(),
        };
        AuditRecord::new("mo", Operation::Remove, "chats.room1", &action, "hello")
    }

    #[test]
    fn records_travel_in_log_messages_and_nothing_else_reads_as_one() {
        let mut records = vec![record("🍆"), record("👍")];
        stamp(&mut records);
        assert_ne!(records[0].id, records[1].id);
        assert_eq!(records[0].id.len(), 12);
        let m = message(&records);
        assert_eq!(records_of(&m), records);
        assert!(records_of(&json!({"type": "report", "records": []})).is_empty());
        assert!(records_of(&json!("hello")).is_empty());
        let unstamped = message(&[record("x")]);
        assert!(records_of(&unstamped).is_empty(), "a record has an id");
    }

    #[test]
    fn batches_stay_under_the_publish_limit() {
        let mut records: Vec<AuditRecord> = (0..200).map(|_| record("🍆")).collect();
        stamp(&mut records);
        let split = batches(&records);
        assert!(split.len() > 1);
        assert_eq!(split.iter().map(|b| b.len()).sum::<usize>(), 200);
        for b in &split {
            assert!(serde_json::to_vec(&message(b)).unwrap().len() < 28 * 1024);
        }
        let huge = [record(&"x".repeat(40_000))];
        assert_eq!(batches(&huge).len(), 1, "alone in its message");
        assert!(batches(&[]).is_empty());
    }
}
