//! Reading an answer: JSON or not, the service's error in whichever of its shapes
//! (message actions, Access Manager, history, publish arrays), and the excerpt of a body that is
//! not what the API defines. Every endpoint's `decode` starts here.

use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, Result};
use super::wire::{ActionsEnvelope, HistoryEnvelope, ServiceError};

/// Longest excerpt of an unreadable body kept in [`Error::MalformedResponse`].
const EXCERPT_CHARS: usize = 120;

/// An answer read as JSON, with what is needed to explain it if it is not what was expected.
pub(crate) struct Answer<'a> {
    pub status: u16,
    pub json: Value,
    body: &'a [u8],
}

impl<'a> Answer<'a> {
    /// Reads the body as JSON. A non-success status, or a success status whose body carries an
    /// error status (as some JS-facing answers do), becomes the service's error.
    pub fn read(status: u16, body: &'a [u8]) -> Result<Self> {
        let json: Value = serde_json::from_slice(body).map_err(|e| {
            let reason = if body.is_empty() {
                "empty body".to_string()
            } else {
                format!("not JSON ({e})")
            };
            malformed(status, reason, body)
        })?;
        let body_status = json
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| *s >= 400 && json.get("error").is_some_and(is_truthy));
        if !(200..300).contains(&status) {
            return Err(service_error(status, &json, body));
        }
        if let Some(body_status) = body_status {
            return Err(service_error(body_status, &json, body));
        }
        Ok(Answer { status, json, body })
    }

    /// Deserialises the whole body into a wire shape.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.json).map_err(|e| self.malformed(format!("unexpected shape: {e}")))
    }

    pub fn malformed(&self, reason: impl Into<String>) -> Error {
        malformed(self.status, reason.into(), self.body)
    }
}

/// Envelopes that can carry an error status inside a success answer.
pub(crate) trait ReportsError {
    fn reports_error(&self) -> bool;
}

// Which fields of an envelope say "error" is a rule for reading answers, so it lives here, next
// to the reading, and the wire shapes stay plain data below it.
impl<T> ReportsError for ActionsEnvelope<T> {
    fn reports_error(&self) -> bool {
        self.status >= 400 && self.error.is_some()
    }
}

impl ReportsError for HistoryEnvelope {
    fn reports_error(&self) -> bool {
        self.error || self.status >= 400
    }
}

/// Reads a success answer straight into `T`, in one pass over the bytes. Only when that fails,
/// or the status or the body says error, is the answer read again as generic JSON to explain
/// what went wrong (the service's error, or a malformed answer with an excerpt).
pub(crate) fn parse_success<T: DeserializeOwned + ReportsError>(
    status: u16,
    body: &[u8],
) -> Result<T> {
    if (200..300).contains(&status)
        && let Ok(value) = serde_json::from_slice::<T>(body)
        && !value.reports_error()
    {
        return Ok(value);
    }
    Answer::read(status, body)?.parse()
}

fn is_truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

pub(crate) fn malformed(status: u16, reason: String, body: &[u8]) -> Error {
    Error::MalformedResponse {
        status,
        reason,
        excerpt: excerpt(body),
    }
}

/// The start of a body as one short line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// An Access Manager refusal with the channels its payload names
/// (`{"message":"Forbidden","payload":{"channels":[...]},...}`, as recorded in
/// `wire-fixtures/swift/forbidden_Message.json`).
fn naming_refused(error: Error, json: &Value) -> Error {
    match error {
        Error::AccessDenied {
            status, message, ..
        } => {
            let refused = json
                .pointer("/payload/channels")
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            Error::AccessDenied {
                status,
                message,
                refused,
            }
        }
        other => other,
    }
}

/// The service's error from an error answer, whichever of its shapes the body has.
fn service_error(status: u16, json: &Value, body: &[u8]) -> Error {
    // Message actions: {"status", "error": {"message", "details"}}.
    if let Some(error) = json.get("error").filter(|e| e.is_object()) {
        let error = ServiceError::deserialize(error).unwrap_or_default();
        if !error.message.trim().is_empty() {
            return Error::from_status(status, error.message, error.details);
        }
    }
    // Access Manager / balancer: {"message", "error": true, "service", "status"};
    // history: {"error": true, "error_message"}.
    let text = |key: &str| {
        json.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(message) = text("message").or_else(|| text("error_message")) {
        return naming_refused(
            Error::from_status(status, message.to_string(), Vec::new()),
            json,
        );
    }
    // Publish and legacy endpoints: [0, "text", ...].
    if let Some(message) = json.get(1).and_then(Value::as_str) {
        return Error::from_status(status, message.to_string(), Vec::new());
    }
    Error::from_status(status, excerpt(body), Vec::new())
}
