//! The audit trail as people read it: records newest first, each with what became of it (done,
//! undone by a later record, or void: recorded but not done). Built from the log channel's
//! history and kept current by its live messages; the Audit screen and `reactions audit` read it.
//!
//! Pure: records come in, nothing goes out.

use std::collections::HashMap;

use super::audit::{AuditRecord, Operation};

/// What became of a recorded operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Done,
    /// Undone by the record with this id.
    Undone(String),
    /// Recorded, but not done: why.
    Void(String),
}

impl Status {
    /// `done`, `undone`, `void`: the word `audit list` prints.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Undone(_) => "undone",
            Status::Void(_) => "void",
        }
    }
}

/// Every record seen, without repeats, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Trail {
    /// Oldest first (by time, then as written), voids and undos included.
    records: Vec<AuditRecord>,
    by_id: HashMap<String, usize>,
    voided: HashMap<String, String>,
    undone: HashMap<String, String>,
}

impl Trail {
    pub fn new(records: impl IntoIterator<Item = AuditRecord>) -> Self {
        let mut trail = Trail::default();
        for r in records {
            trail.insert(r);
        }
        trail
    }

    /// Takes in one record; false when it was known already.
    pub fn insert(&mut self, record: AuditRecord) -> bool {
        self.extend([record]) == 1
    }

    /// Takes in records (a page of history, a live message), sorting and indexing once;
    /// returns how many were new.
    pub fn extend(&mut self, records: impl IntoIterator<Item = AuditRecord>) -> usize {
        // By time; records of one time (a chunk's) keep the order they were written in.
        let key = |r: &AuditRecord| r.timetoken();
        let mut added = 0;
        let mut in_order = true;
        for record in records {
            if record.id.is_empty() || self.by_id.contains_key(&record.id) {
                continue;
            }
            match record.operation {
                Operation::Void => {
                    self.voided
                        .insert(record.refers_to.clone(), record.reason.clone());
                }
                Operation::Undo => {
                    self.undone
                        .insert(record.refers_to.clone(), record.id.clone());
                }
                _ => {}
            }
            in_order &= self
                .records
                .last()
                .is_none_or(|last| key(last) <= key(&record));
            self.by_id.insert(record.id.clone(), self.records.len());
            self.records.push(record);
            added += 1;
        }
        if !in_order {
            self.records.sort_by_key(key);
            self.by_id = self
                .records
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect();
        }
        added
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&AuditRecord> {
        self.by_id.get(id).map(|&i| &self.records[i])
    }

    /// What became of a record. An undo or a void that was itself voided did not happen.
    pub fn status(&self, record: &AuditRecord) -> Status {
        if let Some(why) = self.voided.get(&record.id) {
            return Status::Void(why.clone());
        }
        match self.undone.get(&record.id) {
            Some(undo) if !self.voided.contains_key(undo) => Status::Undone(undo.clone()),
            _ => Status::Done,
        }
    }

    /// The operations people look at, newest first: every record but the voids (which show as
    /// the status of what they void).
    pub fn newest_first(&self) -> impl Iterator<Item = &AuditRecord> {
        self.records
            .iter()
            .rev()
            .filter(|r| r.operation != Operation::Void)
    }

    /// Every record, voids included, oldest first (for an export).
    pub fn all(&self) -> &[AuditRecord] {
        &self.records
    }

    /// The record with this id, or the only one whose id starts with it.
    pub fn find(&self, id: &str) -> Result<&AuditRecord, String> {
        if let Some(r) = self.get(id) {
            return Ok(r);
        }
        let mut found = self.records.iter().filter(|r| r.id.starts_with(id));
        match (id.is_empty(), found.next(), found.next()) {
            (false, Some(r), None) => Ok(r),
            (false, Some(_), Some(_)) => Err(format!("more than one record starts with {id}")),
            _ => Err(format!(
                "no record {id} in the moderation log (`reactions audit list` shows them)"
            )),
        }
    }

    /// Why `record` cannot be undone, if it cannot: only a removal (or a restore) that was done
    /// and is not undone yet.
    pub fn why_not_undoable(&self, record: &AuditRecord) -> Option<String> {
        if !record.operation.removes() {
            return Some(format!(
                "record {} is a {}, not a removal: only a removal can be undone",
                record.id,
                record.operation.name()
            ));
        }
        match self.status(record) {
            Status::Done => None,
            Status::Undone(by) => Some(format!("record {} was undone already ({by})", record.id)),
            Status::Void(why) => Some(format!("record {} was never done: {why}", record.id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::{StoredAction, Timetoken};

    fn rec(id: &str, op: Operation, refers_to: &str, second: u32) -> AuditRecord {
        let action = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: "🍆".into(),
        };
        let mut r = AuditRecord::new("mo", op, "c", &action, "");
        r.id = id.into();
        r.time = format!("2026-12-06T14:00:{second:02}.000Z");
        r.refers_to = refers_to.into();
        r
    }

    #[test]
    fn records_fold_into_what_became_of_them() {
        let mut t = Trail::new([
            rec("a1", Operation::Remove, "", 1),
            rec("b2", Operation::Remove, "", 2),
            rec("c3", Operation::Remove, "", 3),
        ]);
        assert!(!t.insert(rec("a1", Operation::Remove, "", 1)), "no repeats");
        t.insert(rec("v4", Operation::Void, "b2", 4));
        t.insert(rec("u5", Operation::Undo, "c3", 5));
        let a1 = t.get("a1").unwrap().clone();
        assert_eq!(t.status(&a1), Status::Done);
        assert!(matches!(t.status(t.get("b2").unwrap()), Status::Void(_)));
        assert_eq!(t.status(t.get("c3").unwrap()), Status::Undone("u5".into()));
        let shown: Vec<&str> = t.newest_first().map(|r| r.id.as_str()).collect();
        assert_eq!(shown, ["u5", "c3", "b2", "a1"]);
        assert_eq!(t.all().len(), 5);

        // An undo that was itself voided (its record written, the re-add failed) undid nothing.
        t.insert(rec("v6", Operation::Void, "u5", 6));
        assert_eq!(t.status(t.get("c3").unwrap()), Status::Done);
    }

    #[test]
    fn records_arriving_out_of_order_are_sorted_and_found_by_prefix() {
        let t = Trail::new([
            rec("bb22", Operation::Remove, "", 2),
            rec("ab11", Operation::Remove, "", 1),
            rec("ac33", Operation::Undo, "ab11", 3),
        ]);
        assert_eq!(t.all()[0].id, "ab11");
        assert_eq!(t.find("bb").unwrap().id, "bb22");
        assert!(t.find("a").unwrap_err().contains("more than one"));
        assert!(t.find("zz").unwrap_err().contains("audit list"));
        assert!(t.why_not_undoable(t.get("bb22").unwrap()).is_none());
        assert!(
            t.why_not_undoable(t.get("ab11").unwrap())
                .unwrap()
                .contains("undone already")
        );
        assert!(
            t.why_not_undoable(t.get("ac33").unwrap())
                .unwrap()
                .contains("not a removal")
        );
    }
}
