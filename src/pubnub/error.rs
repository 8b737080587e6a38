//! The one error type of the client, with variants a caller can act on.

use super::wire::ErrorDetail;

/// What went wrong with a request. Every variant that came from an answer carries the HTTP status
/// and the service's own text; `Display` is one line fit for a status bar or stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The request was refused before it was sent (empty channel, bad configuration, ...).
    #[error("invalid request: {0}")]
    InvalidInput(String),
    /// 400: the service rejected the input.
    #[error("bad request (HTTP {status}): {message}{}", format_details(details))]
    BadRequest {
        status: u16,
        message: String,
        details: Vec<ErrorDetail>,
    },
    /// 403: signature, auth key or permissions refused.
    #[error("access denied (HTTP {status}): {message}")]
    AccessDenied { status: u16, message: String },
    /// 409 "Action Already Added": this user already has this action on the message.
    #[error("conflict (HTTP {status}): {message}")]
    Conflict { status: u16, message: String },
    /// 400 "No matching message actions to delete".
    #[error("nothing to delete (HTTP {status}): {message}")]
    NothingToDelete { status: u16, message: String },
    /// 5xx, or any other status the API does not define.
    #[error("server error (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    /// The service could not be reached or the connection broke.
    #[error("network error: {message}")]
    Network { message: String },
    /// No answer within the configured timeout.
    #[error("timed out after {seconds} s")]
    Timeout { seconds: u64 },
    /// An answer arrived but is not what the API defines.
    #[error("malformed response (HTTP {status}): {reason}; body starts {excerpt:?}")]
    MalformedResponse {
        status: u16,
        reason: String,
        excerpt: String,
    },
}

/// The message the service sends with 400 when the remover is not the action's author.
pub const WRONG_UUID_MESSAGE: &str = "Not deleting message action: wrong uuid specified";
/// The message the service sends with 400 when no action matches a removal.
pub const NOTHING_TO_DELETE_MESSAGE: &str = "No matching message actions to delete";
/// The message the service sends with 409 on a duplicate add.
pub const ALREADY_ADDED_MESSAGE: &str = "Action Already Added";
/// The message of Access Manager's 403 for an expired token.
pub const TOKEN_EXPIRED_MESSAGE: &str = "Token is expired.";
/// The message of Access Manager's 403 for a revoked token.
pub const TOKEN_REVOKED_MESSAGE: &str = "Token is revoked";

fn format_details(details: &[ErrorDetail]) -> String {
    if details.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = details
        .iter()
        .map(
            |d| match (d.location.is_empty(), d.location_type.is_empty()) {
                (true, _) => d.message.clone(),
                (false, true) => format!("{} ({})", d.message, d.location),
                (false, false) => format!("{} ({} in {})", d.message, d.location, d.location_type),
            },
        )
        .collect();
    format!(": {}", parts.join("; "))
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::BadRequest { status, .. }
            | Error::AccessDenied { status, .. }
            | Error::Conflict { status, .. }
            | Error::NothingToDelete { status, .. }
            | Error::Server { status, .. }
            | Error::MalformedResponse { status, .. } => Some(*status),
            Error::InvalidInput(_) | Error::Network { .. } | Error::Timeout { .. } => None,
        }
    }

    /// Whether the removal was refused because the request's uuid is not the action's author.
    pub fn is_wrong_uuid(&self) -> bool {
        matches!(self, Error::BadRequest { message, .. } if message == WRONG_UUID_MESSAGE)
    }

    /// Whether Access Manager refused the request's token as expired.
    pub fn is_token_expired(&self) -> bool {
        matches!(self, Error::AccessDenied { message, .. } if message == TOKEN_EXPIRED_MESSAGE)
    }

    /// Whether Access Manager refused the request's token as revoked.
    pub fn is_token_revoked(&self) -> bool {
        matches!(self, Error::AccessDenied { message, .. } if message == TOKEN_REVOKED_MESSAGE)
    }

    /// Whether trying again later may succeed (network trouble, timeouts, 5xx, including a 5xx
    /// whose body was not the service's, such as a proxy's HTML page).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network { .. } | Error::Timeout { .. } | Error::Server { .. } => true,
            Error::MalformedResponse { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Builds the error for an answer with a non-success status, from the service's message.
    pub fn from_status(status: u16, message: String, details: Vec<ErrorDetail>) -> Self {
        match status {
            400 if message == NOTHING_TO_DELETE_MESSAGE => {
                Error::NothingToDelete { status, message }
            }
            400 | 413 | 414 => Error::BadRequest {
                status,
                message,
                details,
            },
            401 | 403 => Error::AccessDenied { status, message },
            409 => Error::Conflict { status, message },
            _ => Error::Server { status, message },
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // The URL's query carries the auth key and the signature: keep them out of the message.
        let e = e.without_url();
        if e.is_timeout() {
            return Error::Timeout { seconds: 0 };
        }
        // reqwest's Display hides the cause ("error sending request"): lead with the innermost
        // cause, which says what happened, and keep the outer text after it.
        let mut root = None;
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            root = Some(s.to_string());
            source = s.source();
        }
        let message = match root {
            Some(root) => format!("{root} ({e})"),
            None => e.to_string(),
        };
        Error::Network { message }
    }
}

/// Result of a client operation.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_variants_a_caller_can_act_on() {
        assert!(matches!(
            Error::from_status(409, ALREADY_ADDED_MESSAGE.into(), vec![]),
            Error::Conflict { status: 409, .. }
        ));
        assert!(matches!(
            Error::from_status(400, NOTHING_TO_DELETE_MESSAGE.into(), vec![]),
            Error::NothingToDelete { .. }
        ));
        let wrong = Error::from_status(400, WRONG_UUID_MESSAGE.into(), vec![]);
        assert!(wrong.is_wrong_uuid());
        assert!(matches!(
            Error::from_status(403, "Forbidden".into(), vec![]),
            Error::AccessDenied { .. }
        ));
        assert!(Error::from_status(502, "Bad Gateway".into(), vec![]).is_transient());
    }

    #[test]
    fn displays_as_one_line_with_status_and_details() {
        let e = Error::from_status(
            400,
            "Request payload contained invalid input.".into(),
            vec![ErrorDetail {
                message: "Missing field".into(),
                location: "value".into(),
                location_type: "body".into(),
            }],
        );
        assert_eq!(
            e.to_string(),
            "bad request (HTTP 400): Request payload contained invalid input.: Missing field (value in body)"
        );
        assert!(!e.to_string().contains('\n'));
    }
}
