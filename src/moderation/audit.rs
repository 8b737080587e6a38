//! The audit record of a moderator removal and the local audit log it is appended to
//! (`moderation-audit.jsonl` in the data directory: one JSON line per removal, synced to disk
//! before the removal counts as recorded).

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

/// Appends one JSON line: time, moderator, channel, message timetoken, the removed action.
pub fn append_audit(path: &std::path::Path, record: &AuditRecord) -> Result<(), String> {
    use std::io::Write;
    let line = json!({
        "time": chrono::Utc::now().to_rfc3339(),
        "moderator": record.moderator,
        "channel": record.channel,
        "message_timetoken": record.message_timetoken,
        "action": record.action,
    });
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
