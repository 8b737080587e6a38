//! The [`Client`] handle and the one request path every endpoint goes through: encoded path +
//! parameters -> common parameters and signature -> HTTP with the right timeout -> status and
//! body -> [`Answer`](super::answer::Answer) -> a value or an [`Error`]. Endpoint files only build
//! a [`Request`] and decode an answer; they never touch HTTP, signing or error shapes themselves.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;

use super::Timetoken;
use super::config::Config;
use super::error::{Error, Result};
use super::sign::{self, SignInput};

/// The `pnsdk` parameter every request carries.
pub const PNSDK: &str = concat!("reactions/", env!("CARGO_PKG_VERSION"));

/// A handle on the service. Cheap to clone (one shared connection pool); `Send + Sync`.
///
/// Every operation is a builder ending in `.execute().await`, or `.execute_blocking()` for code
/// that is not async. `execute_blocking` runs the request on an internal runtime and must not be
/// called from inside an async runtime: there it returns [`Error::InvalidInput`] instead.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    base_url: String,
    http: reqwest::Client,
    /// The token sent as `auth`: the configured one until [`Client::set_token`] changes it.
    token: RwLock<Option<Arc<str>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.inner.base_url)
            .field("user_id", &self.inner.config.user_id)
            .finish()
    }
}

/// One request as an endpoint describes it: the path already percent-encoded, parameters decoded.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// Use the subscribe timeout instead of the request timeout.
    pub long_poll: bool,
    /// Send this `uuid` instead of the configured user id.
    pub uuid: Option<String>,
    /// Send `auth` (the token or auth key); Access Manager's own requests do not.
    pub send_auth: bool,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            body: None,
            long_poll: false,
            uuid: None,
            send_auth: true,
        }
    }

    pub fn param(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn param_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.param(key, v),
            None => self,
        }
    }

    pub fn json_body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }
}

/// A request ready to send: what actually goes on the wire.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub method: Method,
    pub url: String,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
}

/// An operation: how to build its request and read its answer. `call` runs it.
pub(crate) trait Endpoint: Sync {
    type Output;
    fn request(&self) -> Result<Request>;
    fn decode(&self, status: u16, body: &[u8]) -> Result<Self::Output>;
}

impl Client {
    /// Checks the configuration and sets up the connection pool (rustls with the webpki roots: no
    /// system TLS library is needed).
    pub fn new(config: Config) -> Result<Self> {
        let base_url = config.validate()?;
        let http = reqwest::Client::builder()
            .user_agent(PNSDK)
            .connect_timeout(config.request_timeout)
            .build()
            .map_err(|e| Error::Network {
                message: format!("cannot set up HTTP: {e}"),
            })?;
        let token = RwLock::new(config.token.as_deref().map(Arc::from));
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                base_url,
                http,
                token,
            }),
        })
    }

    /// Replaces the Access Manager token sent as `auth` from the next request on (every clone
    /// of this client shares it), as the SDKs' `set_token`; `None` or an empty token goes back
    /// to the configured auth key, if any.
    pub fn set_token(&self, token: Option<&str>) {
        let token = token.filter(|t| !t.trim().is_empty()).map(Arc::from);
        *self.inner.token.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// The token sent as `auth`, if any.
    pub fn token(&self) -> Option<Arc<str>> {
        self.inner
            .token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The subscribe key as a path segment.
    pub(crate) fn sub_key_segment(&self) -> String {
        encode_segment(&self.inner.config.subscribe_key)
    }

    /// The publish key as a path segment; refused when none is configured.
    pub(crate) fn pub_key_segment(&self) -> Result<String> {
        let key = &self.inner.config.publish_key;
        if key.trim().is_empty() {
            return Err(Error::InvalidInput(
                "publish_key is not configured: this client cannot publish".into(),
            ));
        }
        Ok(encode_segment(key))
    }

    /// Adds the common parameters (`uuid`, `pnsdk`, `requestid`, `auth`: the token, else the
    /// auth key) and, with a secret key,
    /// `timestamp` and `signature` computed over exactly the path and query that are sent.
    pub(crate) fn prepare(&self, req: &Request, timestamp: u64, request_id: &str) -> Prepared {
        let config = &self.inner.config;
        let uuid = req.uuid.as_deref().unwrap_or(&config.user_id);
        let timestamp = timestamp.to_string();
        let mut params: Vec<(&str, &str)> =
            req.query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        params.extend([("uuid", uuid), ("pnsdk", PNSDK), ("requestid", request_id)]);
        let token = self.token();
        let auth = token.as_deref().or(config.auth_key.as_deref());
        if let Some(auth) = auth.filter(|_| req.send_auth) {
            params.push(("auth", auth));
        }
        if config.secret_key.is_some() {
            params.push(("timestamp", &timestamp));
        }
        let mut query = sign::canonical_query(params);
        if let Some(secret) = &config.secret_key {
            let input = SignInput {
                method: req.method.as_str(),
                publish_key: &config.publish_key,
                subscribe_key: &config.subscribe_key,
                path: &req.path,
                canonical_query: &query,
                body: req.body.as_deref().unwrap_or_default(),
            };
            // Reference section 5: POST publish is signed with v1 (as Python and Kotlin do).
            let signature = if req.method == Method::POST && req.path.starts_with("/publish/") {
                sign::sign_v1(secret, &input)
            } else {
                sign::sign_v2(secret, &input)
            };
            query.push_str("&signature=");
            query.push_str(&sign::pam_encode(&signature));
        }
        Prepared {
            method: req.method.clone(),
            url: format!("{}{}?{}", self.inner.base_url, req.path, query),
            body: req.body.clone(),
            timeout: if req.long_poll {
                config.subscribe_timeout
            } else {
                config.request_timeout
            },
        }
    }

    /// Sends a request; any answer (whatever its status) comes back as status and body.
    async fn send(&self, req: &Request) -> Result<(u16, Vec<u8>)> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let prepared = self.prepare(req, unix_seconds(), &request_id);
        let seconds = prepared.timeout.as_millis().div_ceil(1000) as u64;
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                Error::Timeout { seconds }
            } else {
                Error::from(e)
            }
        };
        let mut builder = self
            .inner
            .http
            .request(prepared.method.clone(), &prepared.url)
            .timeout(prepared.timeout);
        if let Some(body) = prepared.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        // The path may hold a published message: log only its start.
        let path: String = req.path.chars().take(120).collect();
        tracing::debug!(method = %prepared.method, %path, %request_id, "pubnub request");
        let response = builder.send().await.map_err(network)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(network)?;
        tracing::debug!(status, bytes = body.len(), %request_id, "pubnub answer");
        Ok((status, body.to_vec()))
    }

    /// Runs an operation: validate and build, send, decode.
    pub(crate) async fn call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output> {
        let req = endpoint.request()?;
        let (status, body) = self.send(&req).await?;
        endpoint.decode(status, &body)
    }
}

/// `execute` and `execute_blocking` for an operation builder (the same two methods on every one).
macro_rules! executable {
    ($builder:ty => $output:ty) => {
        impl $builder {
            /// Sends the request and decodes the answer.
            pub async fn execute(self) -> $crate::pubnub::Result<$output> {
                self.client.call(&self).await
            }

            /// Like `execute`, for code that is not async. Returns
            /// [`Error::InvalidInput`](crate::pubnub::Error::InvalidInput) when called from inside
            /// an async runtime, where blocking would stall it.
            pub fn execute_blocking(self) -> $crate::pubnub::Result<$output> {
                $crate::pubnub::client::block_on_task(self.execute())
            }
        }
    };
}
pub(crate) use executable;

/// The `start`/`end` setters of a listing that is read back in time (the same range rules for
/// actions and history).
macro_rules! range_setters {
    ($items:literal) => {
        #[doc = concat!("Exclusive upper bound: only ", $items, " older than this.")]
        pub fn start(mut self, timetoken: impl Into<$crate::pubnub::Timetoken>) -> Self {
            self.start = Some(timetoken.into());
            self
        }

        #[doc = concat!("Inclusive lower bound: only ", $items, " at or after this.")]
        pub fn end(mut self, timetoken: impl Into<$crate::pubnub::Timetoken>) -> Self {
            self.end = Some(timetoken.into());
            self
        }

        /// Both bounds at once, for callers that hold them as options (`None` leaves that
        /// side open).
        pub fn bounds(
            mut self,
            start: Option<$crate::pubnub::Timetoken>,
            end: Option<$crate::pubnub::Timetoken>,
        ) -> Self {
            self.start = start;
            self.end = end;
            self
        }
    };
}
pub(crate) use range_setters;

/// The `channel`/`channels` setters of an operation on one or several channels.
macro_rules! channels_setters {
    () => {
        /// One channel (replaces any set before).
        pub fn channel(mut self, channel: impl Into<String>) -> Self {
            self.channels = vec![channel.into()];
            self
        }

        /// Several channels (replaces any set before).
        pub fn channels<I, S>(mut self, channels: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.channels = channels.into_iter().map(Into::into).collect();
            self
        }
    };
}
pub(crate) use channels_setters;

/// The runtime behind every `*_blocking` call: one worker thread, started on first use and kept
/// for the life of the process (a runtime dropped inside another would panic).
pub(crate) fn blocking_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> =
        OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("pubnub-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::Network {
            message: format!("cannot start the runtime for blocking calls: {e}"),
        })
}

/// Refuses to block on a thread that has a tokio runtime context (a task, or also a
/// `spawn_blocking` thread, where `Handle::current().block_on(op.execute())` is the way).
pub(crate) fn ensure_not_async(what: &str) -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::InvalidInput(format!(
            "{what} blocks and cannot run inside an async runtime; use the async form instead"
        )));
    }
    Ok(())
}

/// Runs a future to completion on the blocking runtime, polled from this thread (for futures
/// that borrow, such as a pager's next page).
pub(crate) fn block_on<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    ensure_not_async("a *_blocking call")?;
    blocking_runtime()?.block_on(future)
}

/// Runs a future as a task on the blocking runtime's worker and waits for it. The worker also
/// drives the HTTP connections, so each request avoids two thread hand-offs (about half the
/// time of a small request on loopback).
pub(crate) fn block_on_task<T: Send + 'static>(
    future: impl Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    ensure_not_async("a *_blocking call")?;
    let runtime = blocking_runtime()?;
    runtime
        .block_on(runtime.spawn(future))
        .map_err(|e| Error::Network {
            message: format!("the blocking call's task ended abnormally: {e}"),
        })?
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Percent-encodes one path segment (channel names, keys, GET-publish JSON).
pub(crate) fn encode_segment(raw: &str) -> String {
    sign::pam_encode(raw)
}

/// Longest channel name the service accepts (reference section 0.9).
pub const MAX_CHANNEL_CHARS: usize = 92;

/// Whether a path segment is `.` or `..`: URL parsing resolves those (even percent-encoded) and
/// the request would go to another path, so they cannot be sent as a channel or a key.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    matches!(segment, "." | "..")
}

/// Checks a channel name against the service's rules (reference section 0.9), and that it can
/// be sent as a path segment: [`Error::InvalidInput`] saying what is wrong when not. Every
/// operation checks its channels so; callers may check one earlier, before doing anything.
pub fn validate_channel(name: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::InvalidInput(format!("channel {name:?} {why}")));
    if name.is_empty() {
        return Err(Error::InvalidInput("channel is required".into()));
    }
    if is_dot_segment(name) {
        return bad("cannot be sent: URLs resolve it as a relative path");
    }
    if name.chars().count() > MAX_CHANNEL_CHARS {
        return bad("is longer than 92 characters");
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, ',' | ':' | '*' | '/' | '\\' | ' ') || c.is_control())
    {
        return bad(&format!("contains {c:?}, which channel names may not"));
    }
    Ok(())
}

/// A timetoken an operation cannot do without (0 is never a real one).
pub(crate) fn required_timetoken(value: Option<Timetoken>, what: &str) -> Result<Timetoken> {
    match value {
        Some(t) if t.get() > 0 => Ok(t),
        _ => Err(Error::InvalidInput(format!("{what} is required"))),
    }
}

/// Refuses a range that cannot hold anything: `end` (inclusive) must be older than `start`
/// (exclusive).
pub(crate) fn check_range(start: Option<Timetoken>, end: Option<Timetoken>) -> Result<()> {
    match (start, end) {
        (Some(start), Some(end)) if end >= start => Err(Error::InvalidInput(format!(
            "empty range: end {end} must be older than start {start}"
        ))),
        _ => Ok(()),
    }
}

/// Validated, sorted, de-duplicated channels as one path segment: each name encoded, commas bare.
pub(crate) fn channel_list(channels: &[String]) -> Result<String> {
    if channels.is_empty() {
        return Err(Error::InvalidInput(
            "at least one channel is required".into(),
        ));
    }
    let mut sorted: Vec<&str> = channels.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::with_capacity(sorted.len());
    for name in sorted {
        validate_channel(name)?;
        out.push(encode_segment(name));
    }
    Ok(out.join(","))
}
