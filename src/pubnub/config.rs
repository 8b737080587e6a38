//! [`Config`]: where the service is, the keys, who is asking, and the timeouts; checked once by
//! [`Client::new`](super::Client::new).

use std::fmt;
use std::time::Duration;

use super::error::{Error, Result};

/// Where requests go unless configured otherwise.
pub const DEFAULT_ORIGIN: &str = "https://ps.pndsn.com";

/// How to reach the service and who is asking. Build with [`Config::new`] and the `with_*`
/// setters; [`Client::new`](super::Client::new) checks it.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `host[:port]` (HTTPS), or a full `http://host:port` / `https://host` origin.
    pub origin: String,
    /// Needed only to publish; may be empty for a read-only client.
    pub publish_key: String,
    pub subscribe_key: String,
    /// Sent as `uuid` on every request: the author of added actions. Must not be empty.
    pub user_id: String,
    /// When set, every request is signed (reference section 5).
    pub secret_key: Option<String>,
    /// Sent as `auth` on every request when set and no token is.
    pub auth_key: Option<String>,
    /// An Access Manager v3 token (from the keyset's server's grant): sent as `auth` on every
    /// request, in place of `auth_key` (as the official SDKs do). Read it with
    /// [`parse_token`](super::parse_token); change it on a running client with
    /// [`Client::set_token`](super::Client::set_token).
    pub token: Option<String>,
    /// Timeout of every request but the subscribe long-poll.
    pub request_timeout: Duration,
    /// Timeout of one subscribe long-poll.
    pub subscribe_timeout: Duration,
}

impl Config {
    /// A configuration for the default origin with the default timeouts (10 s, 310 s).
    pub fn new(
        publish_key: impl Into<String>,
        subscribe_key: impl Into<String>,
        user_id: impl Into<String>,
    ) -> Self {
        Config {
            origin: DEFAULT_ORIGIN.to_string(),
            publish_key: publish_key.into(),
            subscribe_key: subscribe_key.into(),
            user_id: user_id.into(),
            secret_key: None,
            auth_key: None,
            token: None,
            request_timeout: Duration::from_secs(10),
            subscribe_timeout: Duration::from_secs(310),
        }
    }

    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = origin.into();
        self
    }

    pub fn with_secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = Some(secret_key.into());
        self
    }

    pub fn with_auth_key(mut self, auth_key: impl Into<String>) -> Self {
        self.auth_key = Some(auth_key.into());
        self
    }

    /// Sets the Access Manager token sent as `auth` (taking precedence over the auth key).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.set_token(token);
        self
    }

    /// Sets the Access Manager token sent as `auth` (taking precedence over the auth key), as
    /// the SDKs' `set_token`; an empty token unsets it, as in the JavaScript SDK.
    pub fn set_token(&mut self, token: impl Into<String>) {
        let token = token.into();
        self.token = (!token.trim().is_empty()).then_some(token);
    }

    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn with_subscribe_timeout(mut self, timeout: Duration) -> Self {
        self.subscribe_timeout = timeout;
        self
    }

    /// The origin as `scheme://host[:port]`, or why it is not one.
    fn base_url(&self) -> Result<String> {
        let origin = self.origin.trim();
        let full = if origin.contains("://") {
            origin.to_string()
        } else {
            format!("https://{origin}")
        };
        let bad = |why: &str| Error::InvalidInput(format!("origin {:?} {why}", self.origin));
        let url = reqwest::Url::parse(&full).map_err(|e| bad(&format!("is not valid: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must use http or https"));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("has no host"))?;
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must be only scheme, host and port"));
        }
        Ok(match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        })
    }

    /// Checks every field; gives back the origin as `scheme://host[:port]`.
    pub(crate) fn validate(&self) -> Result<String> {
        let invalid = |what: &str| Err(Error::InvalidInput(what.to_string()));
        if self.subscribe_key.trim().is_empty() {
            return invalid("subscribe_key is empty");
        }
        if [&self.subscribe_key, &self.publish_key]
            .into_iter()
            .any(|key| super::client::is_dot_segment(key))
        {
            return invalid("keys cannot be \".\" or \"..\": URLs resolve them as relative paths");
        }
        if self.user_id.trim().is_empty() {
            return invalid("user_id is empty: every request needs the user's id");
        }
        if self.secret_key.as_deref().is_some_and(str::is_empty) {
            return invalid("secret_key is empty; leave it unset to send unsigned requests");
        }
        if self.auth_key.as_deref().is_some_and(str::is_empty) {
            return invalid("auth_key is empty; leave it unset to send no auth key");
        }
        if self.request_timeout.is_zero() || self.subscribe_timeout.is_zero() {
            return invalid("timeouts must be longer than zero");
        }
        self.base_url()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |s: &Option<String>| s.as_ref().map(|_| "<set>");
        f.debug_struct("Config")
            .field("origin", &self.origin)
            .field("publish_key", &self.publish_key)
            .field("subscribe_key", &self.subscribe_key)
            .field("user_id", &self.user_id)
            .field("secret_key", &redact(&self.secret_key))
            .field("auth_key", &redact(&self.auth_key))
            .field("token", &redact(&self.token))
            .field("request_timeout", &self.request_timeout)
            .field("subscribe_timeout", &self.subscribe_timeout)
            .finish()
    }
}
