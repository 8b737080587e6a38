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
    #[error(
        "access denied (HTTP {status}): {message}{}",
        denied_because(message, refused)
    )]
    AccessDenied {
        status: u16,
        message: String,
        /// The channels the refusal names: Access Manager's 403 lists in its payload the
        /// channels a request may not touch (for a subscribe to several, only the refused
        /// ones). Empty when it names none.
        refused: Vec<String>,
    },
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

/// What a 403 means and what to do, when the service's message does not say it: a signature
/// that does not match, or a bare "Forbidden" to a request that is neither signed nor carries a
/// token that grants it (naming the channels, when the refusal does). A message that explains
/// itself (missing permissions, an expired token) is left alone.
fn denied_because(message: &str, refused: &[String]) -> String {
    let lower = message.trim().to_ascii_lowercase();
    if lower.contains("signature") {
        ": the request was signed with another secret key than the server's, or the clock is \
         more than a minute off"
            .into()
    } else if lower.is_empty() || lower == "forbidden" {
        let refused: Vec<String> = refused.iter().map(|c| format!("#{c}")).collect();
        let on = match refused.is_empty() {
            true => String::new(),
            false => format!(": not granted on {}", refused.join(", ")),
        };
        format!(
            "{on}: the server requires signed requests or a token: sign with the keyset's secret \
             key, or send a token (or auth key) that grants this"
        )
    } else {
        String::new()
    }
}

/// Hosts of the PubNub service, which is always running.
const SERVICE_DOMAINS: &[&str] = &["pndsn.com", "pubnub.com", "pubnub.net"];

/// The message for a connection that could not be made to `url`'s origin: which origin, why,
/// and, when nothing listens at a server of one's own, what starts one.
fn cannot_connect(url: &reqwest::Url, why: &str) -> String {
    let host = url.host_str().unwrap_or("");
    let origin = match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    };
    let mut message = format!("cannot connect to {origin} ({why})");
    let service = SERVICE_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if why.to_ascii_lowercase().contains("refused") && !service {
        let port = url.port_or_known_default().unwrap_or(80);
        message.push_str(&format!(
            ": is the server running? `reactions serve --listen {host}:{port}` starts one there"
        ));
    }
    message
}

/// An I/O error's text without its ` (os error 111)` suffix.
fn without_os_error(text: &str) -> &str {
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    }
}

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
            401 | 403 => Error::AccessDenied {
                status,
                message,
                refused: Vec::new(),
            },
            409 => Error::Conflict { status, message },
            _ => Error::Server { status, message },
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // The URL's query carries the auth key and the signature: keep them out of the message,
        // all but the origin.
        let url = e.url().cloned();
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
        let message = match (root, url) {
            (Some(root), Some(url)) if e.is_connect() => {
                cannot_connect(&url, without_os_error(&root))
            }
            (Some(root), _) => format!("{root} ({e})"),
            (None, _) => e.to_string(),
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

    #[tokio::test]
    async fn nothing_listening_names_the_origin_and_what_to_start() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("its address").port()
        };
        let url = format!("http://127.0.0.1:{port}/time/0?auth=secret-token&signature=v2.x");
        let e: Error = reqwest::get(&url)
            .await
            .expect_err("nothing listens")
            .into();
        let shown = e.to_string();
        let origin = format!("http://127.0.0.1:{port}");
        assert!(
            shown.contains(&format!("cannot connect to {origin}")),
            "{shown}"
        );
        assert!(
            shown.contains(&format!("reactions serve --listen 127.0.0.1:{port}")),
            "{shown}"
        );
        assert!(!shown.contains("os error"), "{shown}");
        assert!(
            !shown.contains("secret-token"),
            "no query in messages: {shown}"
        );
        assert!(e.is_transient());
    }

    #[test]
    fn access_denied_says_what_the_server_requires() {
        let unsigned = Error::from_status(403, "Forbidden".into(), vec![]).to_string();
        assert!(
            unsigned.starts_with("access denied (HTTP 403): Forbidden: ")
                && unsigned.contains("requires signed requests or a token"),
            "{unsigned}"
        );
        let naming = Error::AccessDenied {
            status: 403,
            message: "Forbidden".into(),
            refused: vec!["chats.staff".into()],
        }
        .to_string();
        assert!(
            naming
                .starts_with("access denied (HTTP 403): Forbidden: not granted on #chats.staff: "),
            "{naming}"
        );
        let bad = Error::from_status(403, "Signature does not match".into(), vec![]).to_string();
        assert!(bad.contains("secret key") && bad.contains("clock"), "{bad}");
        let explained = "Supplied authorization key does not have the permissions required";
        let shown = Error::from_status(403, explained.into(), vec![]).to_string();
        assert_eq!(shown, format!("access denied (HTTP 403): {explained}"));
    }
}
