//! The embedded mode: with no keys configured, start the wire-compatible server inside the
//! process on a loopback port, its database in the data directory, and on first run seed the
//! demo conversation into `chats.room1` (with its thread and its reports in their channels,
//! and its users' names in App Context) with its original spread over three days: once, even
//! when several processes start on a new data directory at the same moment.

use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use futures::future::try_join_all;

use crate::config::{DEFAULT_CHANNEL, Paths};
use crate::demo::Conversation;
use crate::pubnub::{self, StoredAction, Timetoken};
use crate::server::{self, RunningServer, ServerError, ServerOptions, Store, StoreError};

/// Why the embedded server could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error("cannot seed the demo conversation: {0}")]
    Seed(#[from] StoreError),
    #[error("cannot lock {path} to seed the demo conversation once: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Starts the embedded server and seeds the demo channel when it is empty.
pub async fn start(paths: &Paths, subscribe_key: &str) -> Result<RunningServer, EmbeddedError> {
    let listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = server::start(ServerOptions::new(listen, paths.database())).await?;
    // Another process looking at the same time would find the channel empty too.
    let _seeding = SeedLock::take(&paths.database().with_extension("seed-lock")).await?;
    if server
        .store()
        .is_empty_channel(subscribe_key, DEFAULT_CHANNEL)
        .await?
    {
        seed_store(
            server.store(),
            subscribe_key,
            DEFAULT_CHANNEL,
            Timetoken::now(),
        )
        .await?;
        // Names go through App Context's own endpoint: the store keeps no door for them.
        let template =
            pubnub::Config::new("demo", subscribe_key, "demo").with_origin(server.origin());
        if let Err(e) = crate::demo::seed_names(&template).await {
            tracing::warn!("the demo's names were not set, ids are shown instead: {e}");
        }
        tracing::info!("seeded the demo conversation into {DEFAULT_CHANNEL}");
    }
    Ok(server)
}

/// An exclusive lock on a file next to the database, held while the demo channel is looked at
/// and seeded, so that processes started together seed it once. Released when dropped (the
/// file is closed), or when the process ends whatever way.
struct SeedLock {
    _file: std::fs::File,
}

impl SeedLock {
    /// Waits for the lock on `path` (created when missing).
    async fn take(path: &Path) -> Result<SeedLock, EmbeddedError> {
        let failed = |source| EmbeddedError::Lock {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(failed)?;
        let locked = tokio::task::spawn_blocking(move || {
            // SAFETY: flock on a descriptor this process has open; it blocks until the lock is
            // free and has no other effect.
            match unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } {
                0 => Ok(file),
                _ => Err(std::io::Error::last_os_error()),
            }
        })
        .await
        .map_err(|e| failed(std::io::Error::other(e)))?;
        locked.map(|file| SeedLock { _file: file }).map_err(failed)
    }
}

/// Writes the demo conversation straight into the store, ending just before `end`: the
/// channel's messages, its thread's replies and its reports, each in its channel. All writes
/// are in flight at once, so the store commits them in a few batches.
pub async fn seed_store(
    store: &Store,
    subscribe_key: &str,
    channel: &str,
    end: Timetoken,
) -> Result<(), StoreError> {
    for (target, plan) in Conversation::bundled().plan_channels(channel, end) {
        let messages = plan.iter().map(|m| {
            store.insert_message_at(
                subscribe_key,
                &target,
                m.timetoken,
                &m.user,
                m.payload.clone(),
                None,
            )
        });
        try_join_all(messages).await?;
        let actions: Vec<StoredAction> = plan
            .iter()
            .flat_map(|m| {
                m.actions.iter().map(|a| StoredAction {
                    action_timetoken: a.timetoken,
                    message_timetoken: m.timetoken,
                    action_type: a.action_type.clone(),
                    uuid: a.user.clone(),
                    value: a.value.clone(),
                })
            })
            .collect();
        try_join_all(
            actions
                .iter()
                .map(|a| store.insert_action_at(subscribe_key, &target, a)),
        )
        .await?;
    }
    Ok(())
}
