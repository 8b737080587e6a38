//! The audit record of a moderator's operation (removing another user's action, restoring a
//! message another user soft-deleted, resolving a report) and the local audit log it is appended
//! to (`moderation-audit.jsonl` in the data directory: one JSON line per operation, synced to
//! disk before the operation counts as recorded).

use serde_json::json;

use crate::pubnub::{StoredAction, Timetoken};

/// A moderator removal as written to the audit log (the time is added when it is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub moderator: String,
    pub channel: String,
    pub message_timetoken: Timetoken,
    pub action: StoredAction,
}

/// What a moderator did, as the audit log's `operation` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditOperation {
    /// Removed another user's action (the record's action).
    Remove,
    /// Restored a soft-deleted message by removing a deletion (the record's action).
    Restore,
    /// Marked a report resolved; the record's action is the stored resolution.
    Resolve { note: String },
}

impl AuditOperation {
    pub fn name(&self) -> &'static str {
        match self {
            AuditOperation::Remove => "remove",
            AuditOperation::Restore => "restore",
            AuditOperation::Resolve { .. } => "resolve",
        }
    }
}

/// One line of the audit log: the operation and what it was done to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub operation: AuditOperation,
    pub record: AuditRecord,
}

/// Appends one JSON line: time, operation `remove`, moderator, channel, message timetoken,
/// the removed action.
pub fn append_audit(path: &std::path::Path, record: &AuditRecord) -> Result<(), String> {
    append_entry(
        path,
        &AuditEntry {
            operation: AuditOperation::Remove,
            record: record.clone(),
        },
    )
}

/// Appends one JSON line: time, operation, moderator, channel, message timetoken, the action
/// (removed, or stored for a resolution) and, for a resolution, its note.
pub fn append_entry(path: &std::path::Path, entry: &AuditEntry) -> Result<(), String> {
    use std::io::Write;
    let record = &entry.record;
    let mut line = json!({
        "time": chrono::Utc::now().to_rfc3339(),
        "operation": entry.operation.name(),
        "moderator": record.moderator,
        "channel": record.channel,
        "message_timetoken": record.message_timetoken,
        "action": record.action,
    });
    if let AuditOperation::Resolve { note } = &entry.operation {
        line["note"] = json!(note);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writeln!(file, "{line}")
        .and_then(|_| file.sync_data())
        .map_err(|e| format!("{}: {e}", path.display()))
}
