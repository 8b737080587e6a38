//! Opening the database: the schema and its version (`PRAGMA user_version`), the writer's
//! connection (WAL, `synchronous=FULL`, created with its folder when missing) and read-only
//! connections, and the settings every connection gets.
//! Everything is keyed by subscribe key first: keysets are namespaces.
//! Only opening and migrating: no reads or writes of data.

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;

/// Pages of write-ahead log after which the writer checkpoints.
const WAL_CHECKPOINT_PAGES: i64 = 10_000;

/// The schema version this program writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

/// Messages are stored in channel order, actions in message order (so a message's actions are
/// one contiguous run, grouped by type and value) with an index in action-timetoken order for
/// listing. Both tables are clustered on their keys, and every read is a range scan of a key or
/// a covering index.
const SCHEMA_V1: &str = "
CREATE TABLE messages (
    sub_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    timetoken INTEGER NOT NULL,
    publisher TEXT NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT,
    custom_message_type TEXT,
    PRIMARY KEY (sub_key, channel, timetoken)
) WITHOUT ROWID;
CREATE TABLE actions (
    sub_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_tt INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    uuid TEXT NOT NULL,
    action_tt INTEGER NOT NULL,
    PRIMARY KEY (sub_key, channel, message_tt, type, value, uuid)
) WITHOUT ROWID;
CREATE UNIQUE INDEX actions_by_time ON actions (sub_key, channel, action_tt);
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
    // On Linux the log is synced with fdatasync ([`super::datasync`]).
    #[cfg(target_os = "linux")]
    let conn = Connection::open_with_flags_and_vfs(path, flags, super::datasync::writer_vfs()?)?;
    #[cfg(not(target_os = "linux"))]
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
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
    Ok(conn)
}

fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    match version {
        0 => {
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA_V1} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))?;
            Ok(())
        }
        SCHEMA_VERSION => Ok(()),
        newer => Err(StoreError::Database(format!(
            "schema version {newer} is newer than this program supports ({SCHEMA_VERSION})"
        ))),
    }
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
    conn.busy_timeout(Duration::from_secs(5))?;
    tune(&conn)?;
    Ok(conn)
}

/// Settings every connection gets: cached statements keep their plans. Without the query
/// planner stability guarantee, SQLite (built with STAT4) re-prepares a statement whenever a
/// parameter compared with an indexed column is bound again, that is on every request.
fn tune(conn: &Connection) -> Result<(), StoreError> {
    conn.set_prepared_statement_cache_capacity(32);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}
