//! Noticing commits by other processes (a CLI command, a second UI) to the database file, so
//! that the read cache and the action views, which only this process's writer keeps current,
//! are dropped when someone else wrote.
//!
//! SQLite's `PRAGMA data_version` changes on a connection whenever another connection
//! committed since it last looked. The probe's own connection sees every commit, ours included;
//! the writer's connection sees only the others'. So the writer, right after each commit (its
//! views and cache updated by itself), looks at both under the probe's lock: the probe's value
//! absorbs its own commit, and a change on the writer's connection means another process
//! committed. A reader that sees the probe change while the writer is between its commit and
//! that look cannot tell whose commit it was: it reads around the caches ([`Seen::Unsure`]).
//! It must not touch the caches itself: it is given what to run when they must go.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;

use crate::server::sqlite::{StoreError, open_reader};

/// What a reader may do after looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The caches hold every commit: use them.
    Current,
    /// The writer is committing: read from SQLite, bypassing the caches.
    Unsure,
}

struct State {
    probe: Connection,
    /// The probe's `data_version` last seen.
    probe_seen: i64,
    /// The writer's `data_version` last seen.
    writer_seen: i64,
}

/// See the module documentation.
pub struct ChangeProbe {
    state: Mutex<State>,
    /// The writer is between the start of a commit and its look at the versions.
    committing: AtomicBool,
}

pub fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("PRAGMA data_version")?
        .query_row([], |r| r.get(0))?)
}

impl ChangeProbe {
    /// A probe on `probe` (a connection of its own), given the writer's connection.
    pub fn new(probe: Connection, writer: &Connection) -> Result<ChangeProbe, StoreError> {
        let probe_seen = data_version(&probe)?;
        let writer_seen = data_version(writer)?;
        Ok(ChangeProbe {
            state: Mutex::new(State {
                probe,
                probe_seen,
                writer_seen,
            }),
            committing: AtomicBool::new(false),
        })
    }

    /// Opens the probe's connection on `path`.
    pub fn open(path: &Path, writer: &Connection) -> Result<ChangeProbe, StoreError> {
        ChangeProbe::new(open_reader(path)?, writer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// For readers, before using the caches: when another process committed since the last
    /// look, `drop_caches` runs (under the probe's lock, so no reader uses them meanwhile).
    /// An error counts as another process's commit.
    pub fn check(&self, drop_caches: impl FnOnce()) -> Seen {
        let mut state = self.lock();
        let now = match data_version(&state.probe) {
            Ok(now) => now,
            Err(e) => {
                tracing::warn!("cannot read the database's data version: {e}");
                drop_caches();
                return Seen::Unsure;
            }
        };
        if now == state.probe_seen {
            return Seen::Current;
        }
        // Read after the version: if not committing now, it was not when the version was read
        // (the writer clears the flag only under this lock).
        if self.committing.load(Ordering::SeqCst) {
            return Seen::Unsure;
        }
        state.probe_seen = now;
        drop_caches();
        Seen::Current
    }

    /// For the writer, right before COMMIT.
    pub fn committing(&self) {
        self.committing.store(true, Ordering::SeqCst);
    }

    /// For the writer, after its commit returned and its own changes reached the caches:
    /// absorbs its commit; `drop_caches` runs when another process committed meanwhile.
    pub fn committed(&self, writer: &Connection, drop_caches: impl FnOnce()) {
        let mut state = self.lock();
        // The probe first: a commit by another process after this look is the probe's next
        // change; one before it shows on the writer's connection, looked at next.
        let probe = data_version(&state.probe);
        let writer = data_version(writer);
        match (probe, writer) {
            (Ok(probe), Ok(writer)) => {
                state.probe_seen = probe;
                if std::mem::replace(&mut state.writer_seen, writer) != writer {
                    drop_caches();
                }
            }
            (probe, writer) => {
                tracing::warn!(
                    "cannot read the database's data version: {:?}",
                    probe.err().or(writer.err())
                );
                drop_caches();
            }
        }
        self.committing.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &Path) -> Connection {
        let c = Connection::open(path).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (x);")
            .unwrap();
        c
    }

    #[test]
    fn own_commits_keep_the_caches_and_others_drop_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let writer = open(&path);
        let other = open(&path);
        let probe = ChangeProbe::new(Connection::open(&path).unwrap(), &writer).unwrap();
        let dropped = std::cell::Cell::new(0);
        let drop = || dropped.set(dropped.get() + 1);

        probe.committing();
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert_eq!(probe.check(drop), Seen::Unsure, "mid-commit: cannot tell");
        probe.committed(&writer, drop);
        assert_eq!((probe.check(drop), dropped.get()), (Seen::Current, 0));

        other.execute("INSERT INTO t VALUES (2)", []).unwrap();
        assert_eq!((probe.check(drop), dropped.get()), (Seen::Current, 1));
        assert_eq!((probe.check(drop), dropped.get()), (Seen::Current, 1));

        // Another process commits while the writer commits: the writer notices.
        probe.committing();
        other.execute("INSERT INTO t VALUES (3)", []).unwrap();
        writer.execute("INSERT INTO t VALUES (4)", []).unwrap();
        probe.committed(&writer, drop);
        assert_eq!(dropped.get(), 2);
        assert_eq!(probe.check(drop), Seen::Current);
        assert_eq!(dropped.get(), 2);
    }
}
