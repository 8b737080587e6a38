//! The pool of read-only connections on which reads run in place, on the thread that asks.
//! Reads only: a connection here must never write.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;

use crate::server::sqlite::{StoreError, open_reader};

/// Idle read-only connections; a read takes one (opening another when none is idle, so there
/// are as many as reads ever ran at once, about one per runtime worker) and puts it back.
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
}

impl Readers {
    pub fn new(path: &Path) -> Result<Readers, StoreError> {
        // Open one now, so that a database that cannot be read fails at start.
        let first = open_reader(path)?;
        Ok(Readers {
            path: path.to_path_buf(),
            idle: Mutex::new(vec![first]),
            closed: AtomicBool::new(false),
        })
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` here on an idle connection. A panic in `f` fails this read only (its connection
    /// is dropped, not reused).
    pub fn run<R>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        let taken = self.idle().pop();
        let conn = match taken {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&conn)));
        match ran {
            Ok(result) => {
                if !self.closed.load(Ordering::Acquire) {
                    self.idle().push(conn);
                }
                result
            }
            Err(_) => {
                tracing::error!("a read query panicked");
                Err(StoreError::Database("internal error".into()))
            }
        }
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.idle().clear();
    }
}
