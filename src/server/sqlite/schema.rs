//! Opening the database: the schema and its version (`PRAGMA user_version`), the writer's
//! connection (WAL, `synchronous=FULL`, created with its folder when missing) and read-only
//! connections, and the settings every connection gets.
//! Everything is keyed by subscribe key first: keysets are namespaces.
//! Only opening and migrating: no reads or writes of data.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;
use super::revocations::REVOCATIONS_TABLE;

/// How long a connection waits for another process's lock (creating the database, a write)
/// before it reports the database busy.
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// Pages of write-ahead log after which the writer checkpoints.
const WAL_CHECKPOINT_PAGES: i64 = 10_000;

/// The schema version this program writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

/// Messages are stored in channel order, actions in message order (so a message's actions are
/// one contiguous run, grouped by type and value) with an index in action-timetoken order for
/// listing. Both tables are clustered on their keys, and every read is a range scan of a key or
/// a covering index.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS messages (
    sub_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    timetoken INTEGER NOT NULL,
    publisher TEXT NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT,
    custom_message_type TEXT,
    PRIMARY KEY (sub_key, channel, timetoken)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
    sub_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_tt INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    uuid TEXT NOT NULL,
    action_tt INTEGER NOT NULL,
    PRIMARY KEY (sub_key, channel, message_tt, type, value, uuid)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS actions_by_time ON actions (sub_key, channel, action_tt);
";

/// Version 2 adds App Context: users and channels (`kind` 'uuid' or 'channel', one table since
/// they share most fields; `custom` is compact JSON, `updated` microseconds since the epoch),
/// and memberships keyed by user with an index by channel for the members of a channel.
const SCHEMA_V2: &str = "
CREATE TABLE IF NOT EXISTS objects (
    sub_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    description TEXT,
    external_id TEXT,
    profile_url TEXT,
    email TEXT,
    status TEXT,
    type TEXT,
    custom TEXT,
    updated INTEGER NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (sub_key, kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memberships (
    sub_key TEXT NOT NULL,
    uuid TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT,
    type TEXT,
    custom TEXT,
    updated INTEGER NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (sub_key, uuid, channel)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memberships_by_channel ON memberships (sub_key, channel, uuid);
";

/// Opens (creating when missing) the database for the one writer, and brings its schema up to
/// this version; refuses a newer schema.
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(e.to_string()))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // The log is synced with fdatasync: SQLite is built with HAVE_FDATASYNC
    // (`.cargo/config.toml`).
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_WAIT)?;
    let mode = switch_to_wal(&conn)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(format!(
            "cannot switch to WAL mode (got {mode})"
        )));
    }
    // An acknowledged write must be on disk when the answer leaves: every commit syncs the log
    // before it is visible.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Checkpoint after 10,000 pages of log rather than SQLite's 1,000: the checkpoint runs
    // inside the commit that crosses the mark, delaying its batch's answers, and a page that
    // many commits rewrote (a busy channel's leaf) is copied back once per checkpoint. The
    // log is at most about 40 MB and is emptied when the server stops.
    conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
    tune(&conn)?;
    migrate(&conn)?;
    conn.execute_batch(REVOCATIONS_TABLE)?;
    Ok(conn)
}

/// Switches the database to WAL and gives back the journal mode it is in. Another process
/// creating the same database holds a lock that this switch waits for: SQLite answers it busy
/// at once, without its busy handler, so it is tried again until [`BUSY_WAIT`] is up.
fn switch_to_wal(conn: &Connection) -> Result<String, StoreError> {
    let started = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < BUSY_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return Ok(other?),
        }
    }
}

/// Brings the schema up to [`SCHEMA_VERSION`]. Safe when several processes open a new database
/// at the same moment (two UIs, two commands): the version is read inside the write
/// transaction, which the others wait for, and every statement would be a no-op run twice.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let migrated = (|| {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        // From any older version, every step after it, in this one transaction.
        let steps = match version {
            0 => [SCHEMA_V1, SCHEMA_V2].concat(),
            1 => SCHEMA_V2.to_string(),
            SCHEMA_VERSION => return Ok(()),
            newer => {
                return Err(StoreError::Database(format!(
                    "schema version {newer} is newer than this program supports ({SCHEMA_VERSION})"
                )));
            }
        };
        conn.execute_batch(&format!("{steps} PRAGMA user_version = {SCHEMA_VERSION};"))?;
        Ok(())
    })();
    match migrated {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    migrated
}

/// The largest timetoken stored anywhere, so the clock starts above it.
pub fn max_stored_timetoken(conn: &Connection) -> Result<u64, StoreError> {
    let max: i64 = conn.query_row(
        "SELECT MAX(COALESCE((SELECT MAX(timetoken) FROM messages), 0),
                    COALESCE((SELECT MAX(action_tt) FROM actions), 0),
                    COALESCE((SELECT MAX(message_tt) FROM actions), 0))",
        [],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(max).unwrap_or(0))
}

/// A read-only connection (for the readers and for noticing other processes' commits).
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_WAIT)?;
    tune(&conn)?;
    Ok(conn)
}

/// Settings every connection gets: cached statements keep their plans. Without the query
/// planner stability guarantee, SQLite (built with STAT4) re-prepares a statement whenever a
/// parameter compared with an indexed column is bound again, that is on every request.
fn tune(conn: &Connection) -> Result<(), StoreError> {
    conn.set_prepared_statement_cache_capacity(64);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_database_is_brought_to_version_2_keeping_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(&format!(
                "PRAGMA journal_mode=WAL; BEGIN; {SCHEMA_V1} PRAGMA user_version = 1; COMMIT;
                 INSERT INTO messages VALUES ('sk', 'c', 5, 'alice', '\"hi\"', NULL, NULL);"
            ))
            .unwrap();
        }
        let conn = open_writer(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let kept: String = conn
            .query_row(
                "SELECT payload FROM messages WHERE timetoken = 5",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, "\"hi\"");
        conn.execute(
            "INSERT INTO memberships VALUES ('sk', 'alice', 'c', NULL, NULL, NULL, 1, 'e')",
            [],
        )
        .unwrap();
        drop(conn);
        // Opening again changes nothing.
        let again = open_writer(&path).unwrap();
        let n: i64 = again
            .query_row("SELECT COUNT(*) FROM memberships", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99")
            .unwrap();
        let e = open_writer(&path).unwrap_err();
        assert!(e.to_string().contains("newer"), "{e}");
    }

    #[test]
    fn writers_opening_a_new_database_at_the_same_moment_all_succeed() {
        for round in 0..10 {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("raced.sqlite3");
            let start = std::sync::Barrier::new(4);
            let opened: Vec<Result<(), String>> = std::thread::scope(|s| {
                let all: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            open_writer(&path).map(drop).map_err(|e| e.to_string())
                        })
                    })
                    .collect();
                all.into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err("panicked".into())))
                    .collect()
            });
            for result in opened {
                assert_eq!(result, Ok(()), "round {round}");
            }
            let conn = open_reader(&path).expect("reader");
            let version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version");
            assert_eq!(version, SCHEMA_VERSION);
        }
    }
}
