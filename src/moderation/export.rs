//! The audit trail exported for other tools: CSV (RFC 4180: a field with a comma, a quote or a
//! line break is quoted, quotes doubled; UTF-8, so emoji stay emoji) or JSON, one row per record
//! with what became of it.

use serde::Serialize;

use super::audit::AuditRecord;
use super::trail::Trail;

/// The CSV header, in column order.
pub const COLUMNS: [&str; 16] = [
    "id",
    "time",
    "moderator",
    "operation",
    "status",
    "channel",
    "message_timetoken",
    "excerpt",
    "type",
    "value",
    "author",
    "action_timetoken",
    "reason",
    "run",
    "refers_to",
    "status_detail",
];

/// A record and what became of it, as exported and as `audit list --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    #[serde(flatten)]
    pub record: &'a AuditRecord,
    /// `done`, `undone` or `void` (`void` rows are also the records that void others).
    pub status: &'static str,
    /// The undo's record id, or why a void record's operation was not done.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status_detail: String,
}

/// The row of `record` in `trail`.
pub fn row<'a>(trail: &Trail, record: &'a AuditRecord) -> Row<'a> {
    let status = trail.status(record);
    let status_detail = match &status {
        super::trail::Status::Done => String::new(),
        super::trail::Status::Undone(by) => by.clone(),
        super::trail::Status::Void(why) => why.clone(),
    };
    Row {
        record,
        status: status.word(),
        status_detail,
    }
}

/// Every record, oldest first, as CSV with a header.
pub fn csv(trail: &Trail) -> Result<String, String> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for record in trail.all() {
        let r = row(trail, record);
        let rec = r.record;
        out.write_record([
            rec.id.as_str(),
            &rec.time,
            &rec.moderator,
            rec.operation.name(),
            r.status,
            &rec.channel,
            &rec.message_timetoken.to_string(),
            &rec.excerpt,
            &rec.action_type,
            &rec.value,
            &rec.author,
            &rec.action_timetoken.to_string(),
            &rec.reason,
            &rec.run,
            &rec.refers_to,
            &r.status_detail,
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Every record, oldest first, as one JSON document `{"records": [...]}`.
pub fn json(trail: &Trail) -> serde_json::Value {
    let rows: Vec<Row> = trail.all().iter().map(|r| row(trail, r)).collect();
    serde_json::json!({ "records": rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::audit::Operation;
    use crate::pubnub::{StoredAction, Timetoken};

    fn trail() -> Trail {
        let action = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob, the \"raider\"".into(),
            value: "🍆".into(),
        };
        let mut r = AuditRecord::new(
            "mo",
            Operation::Remove,
            "chats.room1",
            &action,
            "look, a \"quote\"",
        )
        .with_reason("raid,\nsecond line");
        r.id = "a1".into();
        r.time = "2026-12-06T14:00:00.000Z".into();
        let mut undo = r.clone();
        undo.id = "b2".into();
        undo.operation = Operation::Undo;
        undo.refers_to = "a1".into();
        undo.time = "2026-12-06T14:01:00.000Z".into();
        Trail::new([r, undo])
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks_and_reads_back() {
        let text = csv(&trail()).unwrap();
        assert!(text.starts_with("id,time,moderator,operation,status,"));
        assert!(text.contains("\"bob, the \"\"raider\"\"\""), "{text}");
        assert!(text.contains("\"raid,\nsecond line\""), "{text}");
        assert!(text.contains(",🍆,"), "emoji stay as they are: {text}");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][4], "undone");
        assert_eq!(&rows[0][10], "bob, the \"raider\"");
        assert_eq!(&rows[0][12], "raid,\nsecond line");
        assert_eq!(&rows[0][15], "b2");
        assert_eq!(rows[0].len(), COLUMNS.len());
    }

    #[test]
    fn json_carries_each_record_with_its_status() {
        let j = json(&trail());
        assert_eq!(j["records"][0]["status"], "undone");
        assert_eq!(j["records"][0]["author"], "bob, the \"raider\"");
        assert_eq!(j["records"][1]["operation"], "undo");
        assert_eq!(j["records"][1]["status"], "done");
    }
}
