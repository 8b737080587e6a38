//! The embedded server: PubNub's REST wire protocol for message actions, history, publish,
//! subscribe, presence and time, backed by SQLite, so that the official SDKs cannot tell it from
//! the real service for these endpoints (see `reference/pubnub-wire-protocol.md`).
//!
//! [`start`] opens the database, binds and serves in the background; [`RunningServer::shutdown`]
//! stops gracefully (answers waiting long polls, finishes requests, flushes the database).
//! Without a secret key the server is open. With one, the keyset is (publish key, any
//! subscribe key) and every request but `/time/0` must be signed with that publish key
//! ([`DEFAULT_PUBLISH_KEY`] unless configured).
//!
//! This module must not print to stdout: it logs through `tracing`.

mod endpoints;
mod http;
mod render;
mod sqlite;
mod store;
mod views;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use store::{Store, StoreError};

/// The publish key signatures are checked against when a secret key is set and none is given.
pub const DEFAULT_PUBLISH_KEY: &str = "demo";
/// Default time an idle subscribe long poll waits before answering with no messages.
pub const DEFAULT_LONG_POLL: Duration = Duration::from_secs(180);
/// Default largest request body (before and after inflating); larger gets a 413.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How long [`RunningServer::shutdown`] waits for open requests before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The SQLite database file (created with its directory when missing).
    pub db_path: PathBuf,
    /// When set, every request but `/time/0` and `OPTIONS` must be signed.
    pub secret_key: Option<String>,
    /// The keyset's publish key for signatures; [`DEFAULT_PUBLISH_KEY`] when `None`.
    pub publish_key: Option<String>,
    /// An idle subscribe answers with no messages after this.
    pub long_poll: Duration,
    /// Largest request body; larger gets a 413.
    pub max_body_bytes: usize,
}

impl ServerOptions {
    /// Options with defaults: open (no secret key), 180 s long poll, 2 MiB bodies.
    pub fn new(listen: SocketAddr, db_path: PathBuf) -> Self {
        ServerOptions {
            listen,
            db_path,
            secret_key: None,
            publish_key: None,
            long_poll: DEFAULT_LONG_POLL,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open database {}: {reason}", path.display())]
    OpenDatabase { path: PathBuf, reason: String },
    #[error("cannot wait for the stop signal: {0}")]
    Signal(std::io::Error),
}

/// A server serving in the background. Dropping it stops serving without waiting; prefer
/// [`RunningServer::shutdown`].
pub struct RunningServer {
    addr: SocketAddr,
    store: Store,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Opens the database, binds `opts.listen` and starts serving; returns once listening.
pub async fn start(opts: ServerOptions) -> Result<RunningServer, ServerError> {
    let path = opts.db_path.clone();
    let opened = tokio::task::spawn_blocking(move || Store::open(&path)).await;
    let store = match opened {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => return Err(open_error(&opts, e.to_string())),
        Err(e) => return Err(open_error(&opts, e.to_string())),
    };
    let listener = match TcpListener::bind(opts.listen).await {
        Ok(l) => l,
        Err(source) => {
            store.close().await;
            return Err(ServerError::Bind {
                addr: opts.listen,
                source,
            });
        }
    };
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: opts.listen,
        source,
    })?;
    let auth = opts.secret_key.clone().map(|secret| {
        let publish_key = opts
            .publish_key
            .clone()
            .unwrap_or_else(|| DEFAULT_PUBLISH_KEY.to_string());
        http::Verifier::new(secret, publish_key)
    });
    let router = http::service(http::ServerState {
        store: store.clone(),
        long_poll: opts.long_poll,
        max_body_bytes: opts.max_body_bytes,
        auth,
    });
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::trace!("cannot set TCP_NODELAY: {e}");
        }
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move {
        if let Err(e) = serve.await {
            tracing::error!("server stopped: {e}");
        }
    });
    tracing::info!(%addr, db = %opts.db_path.display(), signed = opts.secret_key.is_some(), "serving");
    Ok(RunningServer {
        addr,
        store,
        stop: Some(stop),
        task: Some(task),
    })
}

fn open_error(opts: &ServerOptions, reason: String) -> ServerError {
    ServerError::OpenDatabase {
        path: opts.db_path.clone(),
        reason,
    }
}

/// Serves until Ctrl-C, then shuts down gracefully.
pub async fn run(opts: ServerOptions) -> Result<(), ServerError> {
    let server = start(opts).await?;
    let waited = tokio::signal::ctrl_c().await;
    tracing::info!("stopping");
    server.shutdown().await;
    waited.map_err(ServerError::Signal)
}

impl RunningServer {
    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` for clients; a wildcard listen address becomes loopback.
    pub fn origin(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The server's storage (for seeding a demo conversation).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many subscribe long polls are waiting for an event right now. For tests that must
    /// know a poll is already waiting before they write or stop the server.
    #[doc(hidden)]
    pub fn waiting_long_polls(&self) -> usize {
        self.store.waiting_polls()
    }

    /// Stops accepting, answers waiting long polls at once, lets open requests finish (up to a
    /// grace period), then flushes and closes the database.
    pub async fn shutdown(mut self) {
        self.signal_stop();
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                tracing::warn!("open requests did not finish in time; cutting them off");
                task.abort();
            }
        }
        self.store.close().await;
        tracing::info!(addr = %self.addr, "stopped");
    }

    fn signal_stop(&mut self) {
        self.store.close_polls();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// Where the database lives by default: `reactions.sqlite3` in the platform's data directory.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "reactions")
        .map(|d| d.data_dir().join("reactions.sqlite3"))
}
