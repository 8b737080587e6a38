//! The embedded server: PubNub's REST wire protocol for message actions, history, publish,
//! subscribe, presence and time, and what the Chat SDK needs besides (App Context, signals,
//! message counts, history delete, here-now and where-now), backed by SQLite, so that the
//! official SDKs cannot tell it from the real service for these endpoints (see
//! `reference/pubnub-wire-protocol.md` and `reference/chat-sdk-endpoints.md`).
//!
//! In layers, each importing only those below it: `http` (routes, bodies, signatures, error
//! shapes) → `endpoints` (parse, call the store, answer) → `store` (one typed method per query
//! or write) → `views` → `sqlite` beside `render` (the wire JSON) and `filter` (App Context's
//! filter language).
//!
//! [`start`] opens the database, binds and serves in the background; [`RunningServer::shutdown`]
//! stops gracefully (answers waiting long polls, finishes requests, flushes the database).
//! Without a secret key the server is open. With one it is an Access Manager (reference
//! `access-manager-v3.md`): the keyset is (publish key, any subscribe key); a request signed
//! with the secret and that publish key ([`DEFAULT_PUBLISH_KEY`] unless configured) is the
//! keyset's server, which may grant and revoke tokens and act for any uuid; every other request
//! but `/time/0` must carry a token (`auth`) that allows what it does.
//!
//! This module must not print to stdout: it logs through `tracing`.

mod endpoints;
mod filter;
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

pub use endpoints::access::AccessClock;
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
    /// The clock Access Manager tokens are issued and expire by (the system's; tests move it).
    pub access_clock: AccessClock,
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
            access_clock: AccessClock::default(),
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
    let access = opts.secret_key.as_deref().map(|secret| {
        let keys = endpoints::access::TokenKeys::new(secret);
        http::AccessGate::new(keys, opts.access_clock.clone())
    });
    let router = http::service(http::ServerState {
        store: store.clone(),
        long_poll: opts.long_poll,
        max_body_bytes: opts.max_body_bytes,
        auth,
        access,
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

/// Serves until Ctrl-C (SIGINT) or SIGTERM (what service managers, Docker and CI send), then
/// shuts down gracefully, the same way for both (see [`RunningServer::shutdown`]).
pub async fn run(opts: ServerOptions) -> Result<(), ServerError> {
    let stop = StopSignals::listen().map_err(ServerError::Signal)?;
    let server = start(opts).await?;
    let signal = stop.next().await;
    server.shutdown_on(signal).await;
    Ok(())
}

/// The signals that stop `reactions serve`, listened to before it starts serving.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<Self> {
        Ok(Self {
            #[cfg(unix)]
            terminate: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?,
        })
    }

    /// The name of the first of them to arrive.
    async fn next(mut self) -> &'static str {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
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
    /// grace period), then finishes the acknowledged writes and checkpoints and closes the
    /// database. Logs one line.
    pub async fn shutdown(self) {
        self.shutdown_on("asked to").await;
    }

    /// [`shutdown`](Self::shutdown), saying why in its one log line (`SIGTERM`, ...).
    async fn shutdown_on(mut self, why: &str) {
        let polls = self.store.waiting_polls();
        self.signal_stop();
        let mut requests = "open requests finished";
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                requests = "open requests cut off after the grace period";
                task.abort();
            }
        }
        self.store.close().await;
        tracing::info!(
            addr = %self.addr,
            "stopped ({why}): no longer taking requests, {polls} waiting long polls answered, \
             {requests}, acknowledged writes on disk, database checkpointed"
        );
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
