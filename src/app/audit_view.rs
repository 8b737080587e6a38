//! The Audit screen's data: the keyset's moderation log as a [`Trail`] (read from history,
//! kept current by its live messages), the rows shown (newest first, voids folded into what
//! they void, filtered with the Actions screen's syntax), the selection and the filter being
//! typed. Pure data; `auditing` changes it.

use crate::moderation::{AuditRecord, Clock, Filter, Scope, Trail};

use super::load::Load;

/// The Audit screen's state.
#[derive(Debug, Default)]
pub struct AuditView {
    pub trail: Trail,
    /// The log's history: asked for when the screen first opens, and on a reload.
    pub load: Load,
    /// Whether the history has been read once.
    pub loaded: bool,
    /// Indices into `trail.all()` of the rows shown, newest first.
    rows: Vec<usize>,
    /// The selected row's record id (kept when rows move above it).
    pub selected: Option<String>,
    /// The filter as typed.
    pub filter_text: String,
    pub filter: Filter,
    /// Why the filter as typed does not read (the last one that did still applies).
    pub filter_error: Option<String>,
    pub editing_filter: bool,
    /// Records with an undo in flight.
    pub undoing: Vec<String>,
}

impl AuditView {
    /// Takes in records (history or live); returns how many were new.
    /// The selection follows the newest row while it is there (as the Timeline follows its
    /// newest message), else stays on its record.
    pub fn add(&mut self, records: Vec<AuditRecord>) -> usize {
        let on_newest = self.selected_index().is_none_or(|i| i == 0);
        let added = self.trail.extend(records);
        if added > 0 {
            self.refresh();
            if on_newest {
                self.first();
            }
        }
        added
    }

    /// Recomputes the rows after the records or the filter changed; the selection stays on its
    /// record, or goes to the newest row.
    pub fn refresh(&mut self) {
        let all = self.trail.all();
        self.rows = (0..all.len())
            .rev()
            .filter(|&i| {
                let r = &all[i];
                r.operation != crate::moderation::Operation::Void && self.filter.matches_record(r)
            })
            .collect();
        let still = self
            .selected
            .as_ref()
            .is_some_and(|id| self.rows.iter().any(|&i| all[i].id == *id));
        if !still {
            self.selected = self.rows.first().map(|&i| all[i].id.clone());
        }
    }

    /// Reads the filter as typed, at `clock`; keeps the last good one on a mistake.
    pub fn set_filter(&mut self, text: String, clock: Clock) {
        match Filter::parse(&text, Scope::Audit, clock) {
            Ok(f) => {
                self.filter = f;
                self.filter_error = None;
            }
            Err(e) => self.filter_error = Some(e),
        }
        self.filter_text = text;
        self.refresh();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i` (0 = newest).
    pub fn row(&self, i: usize) -> Option<&AuditRecord> {
        self.rows.get(i).map(|&r| &self.trail.all()[r])
    }

    /// The selected row's position.
    pub fn selected_index(&self) -> Option<usize> {
        let id = self.selected.as_ref()?;
        self.rows
            .iter()
            .position(|&i| self.trail.all()[i].id == *id)
    }

    pub fn selected_record(&self) -> Option<&AuditRecord> {
        self.selected_index().and_then(|i| self.row(i))
    }

    /// Moves the selection by `delta` rows (positive = older), clamped to the ends.
    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let at = self.selected_index().unwrap_or(0) as isize;
        let to = (at + delta).clamp(0, self.rows.len() as isize - 1) as usize;
        self.selected = self.row(to).map(|r| r.id.clone());
    }

    pub fn first(&mut self) {
        self.selected = self.row(0).map(|r| r.id.clone());
    }

    pub fn last(&mut self) {
        self.selected = self
            .rows
            .len()
            .checked_sub(1)
            .and_then(|i| self.row(i))
            .map(|r| r.id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::Operation;
    use crate::pubnub::{StoredAction, Timetoken};

    fn rec(id: &str, op: Operation, author: &str, second: u32) -> AuditRecord {
        let action = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: author.into(),
            value: "🍆".into(),
        };
        let mut r = AuditRecord::new("mo", op, "c", &action, "");
        r.id = id.into();
        r.time = format!("2026-12-06T14:00:{second:02}.000Z");
        r
    }

    #[test]
    fn rows_are_newest_first_without_voids_and_filtered() {
        let mut v = AuditView::default();
        v.add(vec![
            rec("a", Operation::Remove, "bob", 1),
            rec("b", Operation::Remove, "eve", 2),
        ]);
        assert_eq!(v.selected.as_deref(), Some("b"), "the newest is selected");
        v.move_by(1);
        v.add(vec![rec("a0", Operation::Remove, "eve", 0)]);
        assert_eq!(
            v.selected.as_deref(),
            Some("a"),
            "away from the top, it stays"
        );
        v.first();
        let mut void = rec("v", Operation::Void, "eve", 3);
        void.refers_to = "b".into();
        v.add(vec![void, rec("c", Operation::Remove, "bob", 4)]);
        let ids: Vec<&str> = (0..v.len())
            .map(|i| v.row(i).unwrap().id.as_str())
            .collect();
        assert_eq!(ids, ["c", "b", "a", "a0"]);
        assert_eq!(
            v.selected.as_deref(),
            Some("c"),
            "on the newest, the selection follows the newest"
        );
        v.move_by(2);
        assert_eq!(v.selected.as_deref(), Some("a"));
        let clock = Clock {
            now: Timetoken(0),
            utc_offset_secs: 0,
        };
        v.set_filter("user:bob".into(), clock);
        assert_eq!(v.len(), 2);
        assert_eq!(v.selected.as_deref(), Some("a"));
        v.set_filter("user:".into(), clock);
        assert!(v.filter_error.is_some());
        assert_eq!(v.len(), 2, "the last good filter still applies");
        v.first();
        assert_eq!(v.selected.as_deref(), Some("c"));
    }
}
