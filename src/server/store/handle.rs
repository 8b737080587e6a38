//! The [`Store`] handle: opening (the database, the clock, the hub, the caches, the reader
//! pool and the writer thread), writing through the writer's group commit, reading in place,
//! the seeding API of the embedded mode, and closing. The typed reads are in
//! [`super::actions`] and [`super::history`], the live events in [`super::live`].
//!
//! Reads run in place, on the thread that asks (a tokio worker), on a connection taken from the
//! pool ([`super::readers`]): every read is one bounded range scan (at most a page of rows, tens
//! of microseconds; the largest, a with-actions page of 10,000 actions, a few milliseconds),
//! cheaper than the hand-over to a reader thread and back that it replaced (a channel send, two
//! thread wake-ups and a task wake-up per request). WAL readers never wait for the writer. The
//! exception is the first read of a channel with a view ([`super::read`]): one scan of the
//! whole channel, up to 200,000 rows.
//!
//! Everything is keyed by subscribe key first: keysets are namespaces. No SQL is written here
//! (it is all in [`crate::server::sqlite`]), and nothing here renders.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::caches::Caches;
use super::changes::ChangeProbe;
use super::clock::Clock;
use super::hub::{Hub, RING_CAPACITY};
use super::occupancy::Presence;
use super::readers::Readers;
use super::revoked::Revoked;
use super::write_ops::{WriteDone, WriteOp};
use super::writer::{self, Job};
use crate::pubnub::Timetoken;
use crate::server::sqlite::{StoreError, live_revocations, max_stored_timetoken, open_writer};

struct Inner {
    path: PathBuf,
    writes: std::sync::mpsc::Sender<Job>,
    readers: Readers,
    changes: Arc<ChangeProbe>,
    clock: Arc<Clock>,
    hub: Arc<Hub>,
    caches: Arc<Caches>,
    presence: Presence,
    revoked: Revoked,
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

impl Store {
    /// Opens (or creates) the database, starts the writer thread.
    pub(crate) fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = open_writer(path)?;
        let floor = max_stored_timetoken(&conn)?.max(Timetoken::now().get());
        let now = u64::try_from(Timetoken::now().unix_seconds()).unwrap_or(0);
        let revoked = Revoked::new(live_revocations(&conn, now)?);
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
                presence: Presence::default(),
                revoked,
                writer_thread: Mutex::new(Some(writer_thread)),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub(super) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(super) fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    /// The current time, never below any timetoken handed out; takes none.
    pub fn now(&self) -> Timetoken {
        self.inner.clock.peek()
    }

    /// The read cache and the views.
    pub(super) fn caches(&self) -> &Caches {
        &self.inner.caches
    }

    /// Who is present where (in memory).
    pub(super) fn presence(&self) -> &Presence {
        &self.inner.presence
    }

    pub(super) fn revoked(&self) -> &Revoked {
        &self.inner.revoked
    }

    pub(super) fn changes(&self) -> &ChangeProbe {
        &self.inner.changes
    }

    /// Runs one write through the writer's group commit; returns once it is durable.
    pub(super) async fn write(&self, op: WriteOp) -> Result<WriteDone, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.inner
            .writes
            .send(Job::Write(op, tx))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `f` on a read-only connection of the pool, on this thread.
    pub(super) fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Connection) -> Result<R, StoreError>,
    {
        self.inner.readers.run(f)
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
