//! Durable storage in SQLite: the [`Store`] handle, the schema and its version, and opening.
//! Writes go through the single writer thread in
//! [`super::writer`] (group commit); the statements are in [`super::queries`]. This file never
//! writes except to create the schema.
//!
//! Reads run in place, on the thread that asks (a tokio worker), on a connection taken from the
//! pool ([`super::readers`]): every read is one bounded range scan (at most a page of rows, tens
//! of microseconds; the largest, a with-actions page of 10,000 actions, a few milliseconds),
//! cheaper than the hand-over to a reader thread and back that it replaced (a channel send, two
//! thread wake-ups and a task wake-up per request). WAL readers never wait for the writer. The
//! exception is the first read of a channel with a view ([`super::source`]): one scan of the
//! whole channel, up to 200,000 rows.
//!
//! Everything is keyed by subscribe key first: keysets are namespaces.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use tokio::sync::oneshot;

use super::changes::ChangeProbe;
use super::clock::Clock;
use super::hub::{Hub, RING_CAPACITY};
use super::queries;
use super::readers::Readers;
use super::source::Caches;
use super::writer::{self, Job, WriteDone, WriteOp};
use crate::pubnub::{StoredAction, Timetoken};

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

/// What a storage operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The same message timetoken, or the same action, is already stored.
    #[error("already stored")]
    Conflict,
    /// No action matches the channel, message timetoken and action timetoken.
    #[error("no matching message action")]
    NothingToDelete,
    /// The action exists but belongs to another uuid.
    #[error("the action belongs to another uuid")]
    WrongUuid,
    /// Input that cannot be stored (a channel name that breaks the rules, a huge timetoken).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// SQLite failed.
    #[error("database error: {0}")]
    Database(String),
    /// The store was shut down.
    #[error("the store is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

struct Inner {
    path: PathBuf,
    writes: std::sync::mpsc::Sender<Job>,
    readers: Readers,
    changes: Arc<ChangeProbe>,
    clock: Arc<Clock>,
    hub: Arc<Hub>,
    caches: Arc<Caches>,
    writer_thread: Mutex<Option<JoinHandle<()>>>,
}

/// Handle to the server's storage: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(e.to_string()))?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(format!(
            "cannot switch to WAL mode (got {mode})"
        )));
    }
    // An acknowledged write must be on disk when the answer leaves.
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

fn max_stored_timetoken(conn: &Connection) -> Result<u64, StoreError> {
    let max: i64 = conn.query_row(
        "SELECT MAX(COALESCE((SELECT MAX(timetoken) FROM messages), 0),
                    COALESCE((SELECT MAX(action_tt) FROM actions), 0),
                    COALESCE((SELECT MAX(message_tt) FROM actions), 0))",
        [],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(max).unwrap_or(0))
}

pub(super) fn open_reader(path: &Path) -> Result<Connection, StoreError> {
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

impl Store {
    /// Opens (or creates) the database, starts the writer thread.
    pub(crate) fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = open_writer(path)?;
        let floor = max_stored_timetoken(&conn)?.max(Timetoken::now().get());
        let clock = Arc::new(Clock::new(floor));
        let hub = Arc::new(Hub::new(RING_CAPACITY));
        let caches = Arc::new(Caches::default());
        let readers = Readers::new(path)?;
        let changes = Arc::new(ChangeProbe::open(path, &conn)?);
        let (writes, writer_thread) = writer::spawn(
            conn,
            writer::Shared {
                clock: Arc::clone(&clock),
                hub: Arc::clone(&hub),
                caches: Arc::clone(&caches),
                changes: Arc::clone(&changes),
            },
        )?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writes,
                readers,
                changes,
                clock,
                hub,
                caches,
                writer_thread: Mutex::new(Some(writer_thread)),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    /// The read cache and the views.
    pub(super) fn caches(&self) -> &Caches {
        &self.inner.caches
    }

    pub(super) fn changes(&self) -> &ChangeProbe {
        &self.inner.changes
    }

    /// Runs one write through the writer's group commit; returns once it is durable.
    pub(crate) async fn write(&self, op: WriteOp) -> Result<WriteDone, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.inner
            .writes
            .send(Job::Write(op, tx))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `f` on a read-only connection of the pool, on this thread.
    pub(crate) fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Connection) -> Result<R, StoreError>,
    {
        self.inner.readers.run(f)
    }

    /// Stores a message with a given (for example back-dated) timetoken, for seeding a demo
    /// conversation. Fails with [`StoreError::Conflict`] if that timetoken is taken on the
    /// channel. No live event is sent. The clock stays ahead of `timetoken`.
    pub async fn insert_message_at(
        &self,
        sub_key: &str,
        channel: &str,
        timetoken: Timetoken,
        publisher_uuid: &str,
        message: Value,
        meta: Option<Value>,
    ) -> Result<(), StoreError> {
        check_seed(channel, &[timetoken])?;
        let payload =
            serde_json::to_string(&message).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let meta = meta
            .map(|m| serde_json::to_string(&m))
            .transpose()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.write(WriteOp::InsertMessage {
            sub_key: sub_key.to_string(),
            channel: channel.to_string(),
            timetoken: timetoken.get(),
            publisher: publisher_uuid.to_string(),
            payload,
            meta,
        })
        .await
        .map(|_| ())
    }

    /// Stores an action as given (timetokens and author included), for seeding. Fails with
    /// [`StoreError::Conflict`] on a duplicate. No live event is sent.
    pub async fn insert_action_at(
        &self,
        sub_key: &str,
        channel: &str,
        action: &StoredAction,
    ) -> Result<(), StoreError> {
        check_seed(
            channel,
            &[action.action_timetoken, action.message_timetoken],
        )?;
        self.write(WriteOp::InsertAction {
            sub_key: sub_key.to_string(),
            channel: channel.to_string(),
            action: action.clone(),
        })
        .await
        .map(|_| ())
    }

    /// Whether the channel has neither messages nor actions.
    pub async fn is_empty_channel(&self, sub_key: &str, channel: &str) -> Result<bool, StoreError> {
        self.read(|conn| Ok(queries::is_empty_channel(conn, sub_key, channel)?))
    }

    /// Finishes every queued write, checkpoints the log and stops the writer. Later writes fail
    /// with [`StoreError::Closed`].
    pub(crate) async fn close(&self) {
        // Readers first, so that the writer's connection is the last and removes the log.
        self.inner.readers.close();
        let (tx, rx) = oneshot::channel();
        if self.inner.writes.send(Job::Close(tx)).is_ok() {
            let _ = rx.await;
        }
        let handle = self
            .inner
            .writer_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(handle) = handle {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
    }
}

fn check_seed(channel: &str, tts: &[Timetoken]) -> Result<(), StoreError> {
    if let Some(why) = super::params::channel_name_problem(channel) {
        return Err(StoreError::Invalid(format!("channel name {why}")));
    }
    if tts.iter().any(|t| t.get() > i64::MAX as u64) {
        return Err(StoreError::Invalid("timetoken too large".into()));
    }
    Ok(())
}
