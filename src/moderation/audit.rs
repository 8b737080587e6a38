//! The audit record of a moderator's operation, and the local copy of the audit trail
//! (`moderation-audit.jsonl` in the data directory: one JSON object a line, the same fields as on
//! the moderation log channel, synced to disk before the operation goes ahead).
//!
//! A record is flat (every field a string or a timetoken), so that JSON lines, the log channel's
//! messages and a CSV export all carry the same columns.

use serde::{Deserialize, Serialize};

use crate::pubnub::{StoredAction, Timetoken};

/// What a moderator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Removed another user's action (alone, or as one removal of a bulk run).
    Remove,
    /// Restored a soft-deleted message by removing a deletion (the record's action).
    Restore,
    /// Re-added an action a removal took away, as its author: `refers_to` is the removal, the
    /// action timetoken the new one.
    Undo,
    /// Marked a report resolved; the action is the stored resolution, the reason its note.
    Resolve,
    /// A recorded operation that did not happen after all (it failed, or the action was already
    /// gone): `refers_to` is that record, the reason says why.
    Void,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Remove => "remove",
            Operation::Restore => "restore",
            Operation::Undo => "undo",
            Operation::Resolve => "resolve",
            Operation::Void => "void",
        }
    }

    /// Reads a name as [`Operation::name`] writes it.
    pub fn parse(name: &str) -> Option<Operation> {
        [
            Operation::Remove,
            Operation::Restore,
            Operation::Undo,
            Operation::Resolve,
            Operation::Void,
        ]
        .into_iter()
        .find(|o| o.name() == name)
    }

    /// Whether the operation took an action away (and so can be undone).
    pub fn removes(self) -> bool {
        matches!(self, Operation::Remove | Operation::Restore)
    }
}

/// One moderator operation, as written to the moderation log channel and the local file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Unique in the log; given by the writer ([`super::log::AuditLog`]) when it is written.
    #[serde(default)]
    pub id: String,
    /// When it was written, RFC 3339 in UTC; given by the writer.
    #[serde(default)]
    pub time: String,
    /// Who did it (their user id).
    pub moderator: String,
    pub operation: Operation,
    pub channel: String,
    pub message_timetoken: Timetoken,
    /// The start of the message's text, on one line (for people reading the log).
    #[serde(default)]
    pub excerpt: String,
    #[serde(rename = "type")]
    pub action_type: String,
    pub value: String,
    /// The action's author (the uuid it was removed, or re-added, as).
    pub author: String,
    pub action_timetoken: Timetoken,
    /// Why, as the moderator typed it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The bulk run the operation belongs to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run: String,
    /// For an undo, the removal it undoes; for a void, the record that did not happen.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub refers_to: String,
}

/// How much of a message a record quotes, in terminal cells.
pub const RECORD_EXCERPT_CELLS: usize = 60;

impl AuditRecord {
    /// A record of `operation` on `action` (in `channel`), not yet written: no id or time.
    pub fn new(
        moderator: &str,
        operation: Operation,
        channel: &str,
        action: &StoredAction,
        excerpt: &str,
    ) -> Self {
        AuditRecord {
            id: String::new(),
            time: String::new(),
            moderator: moderator.to_string(),
            operation,
            channel: channel.to_string(),
            message_timetoken: action.message_timetoken,
            excerpt: crate::text::excerpt(excerpt, RECORD_EXCERPT_CELLS),
            action_type: action.action_type.clone(),
            value: action.value.clone(),
            author: action.uuid.clone(),
            action_timetoken: action.action_timetoken,
            reason: String::new(),
            run: String::new(),
            refers_to: String::new(),
        }
    }

    pub fn with_reason(mut self, reason: &str) -> Self {
        self.reason = reason.trim().to_string();
        self
    }

    pub fn in_run(mut self, run: &str) -> Self {
        self.run = run.to_string();
        self
    }

    /// The action the record is about, as the service stores it.
    pub fn action(&self) -> StoredAction {
        StoredAction {
            action_timetoken: self.action_timetoken,
            message_timetoken: self.message_timetoken,
            action_type: self.action_type.clone(),
            uuid: self.author.clone(),
            value: self.value.clone(),
        }
    }

    /// The record saying that this one did not happen, and why.
    pub fn void(&self, moderator: &str, why: &str) -> AuditRecord {
        AuditRecord {
            id: String::new(),
            time: String::new(),
            moderator: moderator.to_string(),
            operation: Operation::Void,
            reason: why.to_string(),
            refers_to: self.id.clone(),
            ..self.clone()
        }
    }

    /// When it was written, as a timetoken (0 when the time cannot be read).
    pub fn timetoken(&self) -> Timetoken {
        chrono::DateTime::parse_from_rfc3339(&self.time)
            .map(|t| Timetoken::from_datetime(t.to_utc()))
            .unwrap_or_default()
    }
}

/// Appends records to the local audit file, one JSON line each, synced to disk.
pub fn append_local(path: &std::path::Path, records: &[AuditRecord]) -> Result<(), String> {
    use std::io::Write;
    let mut text = String::new();
    for record in records {
        let line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        text.push_str(&line);
        text.push('\n');
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.sync_data())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action() -> StoredAction {
        StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: "🍆".into(),
        }
    }

    #[test]
    fn a_record_is_flat_json_and_reads_back() {
        let mut r = AuditRecord::new(
            "mo",
            Operation::Remove,
            "chats.room1",
            &action(),
            "hi\nthere",
        )
        .with_reason(" raid ")
        .in_run("r1");
        r.id = "abc".into();
        r.time = "2026-12-06T14:02:00.000Z".into();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["operation"], "remove");
        assert_eq!(json["type"], "reaction");
        assert_eq!(json["author"], "bob");
        assert_eq!(json["action_timetoken"], "20");
        assert_eq!(json["excerpt"], "hi there");
        assert_eq!(json["reason"], "raid");
        assert!(json.get("refers_to").is_none(), "empty fields are left out");
        let back: AuditRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.action(), action());
        assert_eq!(
            back.timetoken(),
            Timetoken(17_965_657_200_000_000),
            "2026-12-06T14:02Z"
        );
    }

    #[test]
    fn a_void_refers_to_what_did_not_happen() {
        let mut r = AuditRecord::new("mo", Operation::Remove, "c", &action(), "");
        r.id = "x1".into();
        let v = r.void("mo", "already gone");
        assert_eq!(v.operation, Operation::Void);
        assert_eq!(v.refers_to, "x1");
        assert_eq!(v.reason, "already gone");
        assert_eq!(v.author, "bob");
    }

    #[test]
    fn local_lines_are_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("audit.jsonl");
        let r = AuditRecord::new("mo", Operation::Remove, "c", &action(), "");
        append_local(&path, &[r.clone(), r.clone()]).unwrap();
        append_local(&path, std::slice::from_ref(&r)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        let bad = dir.path().join("audit.jsonl").join("not-a-dir");
        std::fs::write(dir.path().join("audit.jsonl"), "").unwrap();
        assert!(append_local(&bad, &[r]).is_err());
    }
}
