//! A finished answer ([`Reply`]) and the PubNub-shaped error bodies, one per endpoint family,
//! exactly as the reference records them: message actions
//! `{"status","error":{"source":"actions","message","details"?}}`, history
//! `{"status","error":true,"error_message","channels":{}}`, publish `[0,"<message>","<tt>"]`,
//! App Context `{"status","error":{"message","source":"objects","details"?}}` (pubnub/python's
//! recorded `objects_v2/uuid/if_matches_etag.json`, pubnub/swift's canned `objects_error_*.json`),
//! and the Access Manager / balancer shape `{"message","payload"?,"error":true,"service","status"}`;
//! Access Manager's own: a refused grant or revoke (`{"error":{..,"details"},"service","status"}`,
//! in the key order each was recorded in) and a refused token
//! (`{"error":true,"status":403,"service","message"}` with `X-Pn-Cause`).
//! [`Family::fail`] turns what a handler could not do into its family's answer.
//! It must not decide whether a request failed: handlers do, this only shapes the answer.

use axum::body::Bytes;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::json;

use crate::pubnub::Timetoken;
use crate::pubnub::error::{ALREADY_ADDED_MESSAGE, NOTHING_TO_DELETE_MESSAGE, WRONG_UUID_MESSAGE};
use crate::pubnub::wire::{ActionsEnvelope, ErrorDetail, ServiceError, ServiceNotice};
use crate::server::endpoints::Fail;
use crate::server::endpoints::access::{AccessFail, Source};
use crate::server::endpoints::params::InputError;
use crate::server::sqlite::ObjectKind;
use crate::server::store::StoreError;

/// A finished answer: status and JSON body. The router adds the headers every answer carries.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    /// Access Manager's `X-Pn-Cause` header, when it gives one.
    pub cause: Option<&'static str>,
}

impl Reply {
    /// 200 with a body already rendered.
    pub fn ok(body: impl Into<Bytes>) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: body.into(),
            cause: None,
        }
    }

    /// Any status with a serialisable body.
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Reply {
        match serde_json::to_vec(body) {
            Ok(body) => Reply {
                status,
                body: body.into(),
                cause: None,
            },
            Err(e) => {
                tracing::error!("cannot serialise an answer: {e}");
                Reply {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    body: Bytes::from_static(
                        br#"{"message":"Internal Server Error","error":true,"service":"Balancer","status":500}"#,
                    ),
                    cause: None,
                }
            }
        }
    }
}

/// The message of a 400 for an add-action body that is not `{"type","value"}`.
pub const INVALID_PAYLOAD_MESSAGE: &str = "Request payload contained invalid input.";

/// Which error shape an endpoint answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Actions,
    /// App Context, about users or channels (their memberships included).
    Objects(ObjectKind),
    History,
    Publish,
    Subscribe,
    Presence,
    Time,
    /// Access Manager's grant and revoke.
    Access,
    Other,
}

/// The message-actions error: `{"status":N,"error":{"source":"actions","message":..,"details"?}}`.
pub fn actions_error(status: StatusCode, message: &str, details: Vec<ErrorDetail>) -> Reply {
    let envelope: ActionsEnvelope<()> = ActionsEnvelope {
        status: status.as_u16(),
        data: None,
        more: None,
        error: Some(ServiceError {
            source: "actions".into(),
            message: message.into(),
            details,
        }),
    };
    Reply::json(status, &envelope)
}

/// The App Context error's inner object, in the service's member order.
#[derive(Serialize)]
struct ObjectsError<'a> {
    message: &'a str,
    source: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    details: &'a [ErrorDetail],
}

/// The App Context error: `{"status":N,"error":{"message":..,"source":"objects","details"?}}`.
pub fn objects_error(status: StatusCode, message: &str, details: &[ErrorDetail]) -> Reply {
    #[derive(Serialize)]
    struct Envelope<'a> {
        status: u16,
        error: ObjectsError<'a>,
    }
    Reply::json(
        status,
        &Envelope {
            status: status.as_u16(),
            error: ObjectsError {
                message,
                source: "objects",
                details,
            },
        },
    )
}

/// The v3 history error: `{"status":N,"error":true,"error_message":..,"channels":{}}`.
pub fn history_error(status: StatusCode, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"status": status.as_u16(), "error": true, "error_message": message, "channels": {}}),
    )
}

/// The publish error: `[0,"<message>","<tt>"]`, or `[0,"<message>"]` without a timetoken.
pub fn publish_error(status: StatusCode, message: &str, tt: Option<Timetoken>) -> Reply {
    match tt {
        Some(tt) => Reply::json(status, &json!([0, message, tt])),
        None => Reply::json(status, &json!([0, message])),
    }
}

/// The Access Manager / balancer shape.
pub fn notice(status: StatusCode, message: &str, service: &str) -> Reply {
    Reply::json(
        status,
        &ServiceNotice {
            message: message.into(),
            payload: None,
            error: true,
            service: service.into(),
            status: status.as_u16(),
        },
    )
}

/// 403 from Access Manager, naming the request's channels as the service does.
pub fn forbidden(message: &str, channels: &[String]) -> Reply {
    forbidden_with(message, json!({ "channels": channels }))
}

/// 403 from Access Manager with a payload naming what was refused.
pub fn forbidden_with(message: &str, payload: serde_json::Value) -> Reply {
    Reply::json(
        StatusCode::FORBIDDEN,
        &ServiceNotice {
            message: message.into(),
            payload: Some(payload),
            error: true,
            service: "Access Manager".into(),
            status: 403,
        },
    )
}

/// The message of the actions and App Context families' 403 (recorded for adding, removing
/// and getting actions; pubnub/swift's canned `objects_error_403.json` for App Context).
pub const KEY_FORBIDDEN_MESSAGE: &str =
    "Supplied authorization key does not have the permissions required to perform this operation.";

/// A refused token, as recorded for a revoked one:
/// `{"error":true,"status":403,"service":"Access Manager","message":..}`.
#[derive(Serialize)]
struct TokenRefused<'a> {
    error: bool,
    status: u16,
    service: &'a str,
    message: &'a str,
}

/// 403 for a token that is revoked or expired, whatever the endpoint, with `X-Pn-Cause` when
/// the service's cause is known.
pub fn token_refused(message: &str, cause: Option<&'static str>) -> Reply {
    let body = TokenRefused {
        error: true,
        status: 403,
        service: "Access Manager",
        message,
    };
    Reply {
        cause,
        ..Reply::json(StatusCode::FORBIDDEN, &body)
    }
}

/// A refused grant, in its recorded key order: `{"error":{"message","source","details"},..}`.
#[derive(Serialize)]
struct GrantRefused<'a> {
    error: GrantError<'a>,
    service: &'a str,
    status: u16,
}

#[derive(Serialize)]
struct GrantError<'a> {
    message: &'a str,
    source: &'a str,
    details: [ErrorDetail; 1],
}

/// 400 for a refused grant or revoke; a revoke's keys come sorted, as recorded.
pub fn access_error(source: Source, fail: &AccessFail) -> Reply {
    let detail = &fail.detail;
    match source {
        Source::Grant => Reply::json(
            StatusCode::BAD_REQUEST,
            &GrantRefused {
                error: GrantError {
                    message: &fail.message,
                    source: source.name(),
                    details: [ErrorDetail {
                        message: detail.message.clone(),
                        location: detail.location.clone(),
                        location_type: detail.location_type.into(),
                    }],
                },
                service: "Access Manager",
                status: 400,
            },
        ),
        Source::Revoke => Reply::json(
            StatusCode::BAD_REQUEST,
            &json!({
                "error": {
                    "details": [{
                        "location": detail.location,
                        "locationType": detail.location_type,
                        "message": detail.message,
                    }],
                    "message": fail.message,
                    "source": source.name(),
                },
                "service": "Access Manager",
                "status": 400,
            }),
        ),
    }
}

/// 404 for a path no endpoint serves.
pub fn not_found() -> Reply {
    notice(StatusCode::NOT_FOUND, "Not Found", "Balancer")
}

impl Family {
    /// An error with just a message, in this family's shape (`now` stamps publish errors).
    pub fn error(self, status: StatusCode, message: &str, now: Timetoken) -> Reply {
        match self {
            Family::Actions => actions_error(status, message, Vec::new()),
            Family::Objects(_) => objects_error(status, message, &[]),
            Family::History => history_error(status, message),
            Family::Publish => publish_error(status, message, Some(now)),
            Family::Presence => notice(status, message, "Presence"),
            Family::Access => notice(status, message, "Access Manager"),
            Family::Subscribe | Family::Time | Family::Other => notice(status, message, "Balancer"),
        }
    }

    /// 413 for a body over the limit.
    pub fn too_large(self, now: Timetoken) -> Reply {
        const MESSAGE: &str = "Request Entity Too Large";
        match self {
            Family::Publish => publish_error(StatusCode::PAYLOAD_TOO_LARGE, MESSAGE, None),
            other => other.error(StatusCode::PAYLOAD_TOO_LARGE, MESSAGE, now),
        }
    }

    /// 400 for one bad input; the actions and App Context shapes name it in `details`.
    pub fn bad_input(self, e: &InputError, now: Timetoken) -> Reply {
        let details = || {
            vec![ErrorDetail {
                message: e.message.clone(),
                location: e.location.clone(),
                location_type: e.location_type.into(),
            }]
        };
        let message = match e.location_type {
            "body" => INVALID_PAYLOAD_MESSAGE,
            _ => &e.message,
        };
        match self {
            Family::Actions => actions_error(StatusCode::BAD_REQUEST, message, details()),
            Family::Objects(_) => objects_error(StatusCode::BAD_REQUEST, message, &details()),
            other => other.error(StatusCode::BAD_REQUEST, &e.message, now),
        }
    }

    /// 500 when storage failed; the details go to the log only.
    pub fn internal(self, now: Timetoken) -> Reply {
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            now,
        )
    }

    /// The answer for a failed handler.
    pub fn fail(self, fail: Fail, now: Timetoken) -> Reply {
        match fail {
            Fail::Input(e) => self.bad_input(&e, now),
            Fail::Store(e) => self.store_error(&e, now),
            Fail::Access(source, fail) => access_error(source, &fail),
        }
    }

    fn store_error(self, e: &StoreError, now: Timetoken) -> Reply {
        let (status, message) = match e {
            StoreError::Conflict => (StatusCode::CONFLICT, ALREADY_ADDED_MESSAGE),
            StoreError::NothingToDelete => (StatusCode::BAD_REQUEST, NOTHING_TO_DELETE_MESSAGE),
            StoreError::WrongUuid => (StatusCode::BAD_REQUEST, WRONG_UUID_MESSAGE),
            StoreError::Invalid(m) => (StatusCode::BAD_REQUEST, m.as_str()),
            // pubnub/swift canned `objects_error_404.json`.
            StoreError::NotFound => (StatusCode::NOT_FOUND, "Requested object was not found."),
            // Recorded: pubnub/python `objects_v2/{uuid,channel}/if_matches_etag.json`.
            StoreError::Modified => (
                StatusCode::PRECONDITION_FAILED,
                match self {
                    Family::Objects(ObjectKind::Channel) => {
                        "Channel to update has been modified after it was read."
                    }
                    _ => "User to update has been modified after it was read.",
                },
            ),
            StoreError::Database(_) | StoreError::Closed => {
                tracing::error!("storage failed: {e}");
                return self.internal(now);
            }
        };
        self.error(status, message, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: &Reply) -> serde_json::Value {
        serde_json::from_slice(&r.body).unwrap()
    }

    #[test]
    fn shapes_match_the_recorded_bodies() {
        let r = actions_error(StatusCode::CONFLICT, "Action Already Added", vec![]);
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            body(&r),
            json!({"status":409,"error":{"source":"actions","message":"Action Already Added"}})
        );
        let r = Family::Publish.too_large(Timetoken(1));
        assert_eq!(body(&r), json!([0, "Request Entity Too Large"]));
        let r = publish_error(
            StatusCode::BAD_REQUEST,
            "Invalid JSON",
            Some(Timetoken(15646801805496402)),
        );
        assert_eq!(&r.body[..], br#"[0,"Invalid JSON","15646801805496402"]"#);
        let r = forbidden("Forbidden", &["channelSwift".to_string()]);
        assert_eq!(
            body(&r),
            json!({"message":"Forbidden","payload":{"channels":["channelSwift"]},"error":true,"service":"Access Manager","status":403})
        );
        let r = Family::Objects(ObjectKind::Uuid).store_error(&StoreError::Modified, Timetoken(1));
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(
            &r.body[..],
            br#"{"status":412,"error":{"message":"User to update has been modified after it was read.","source":"objects"}}"#
        );
        let r =
            Family::Objects(ObjectKind::Channel).store_error(&StoreError::NotFound, Timetoken(1));
        assert_eq!(
            body(&r),
            json!({"status":404,"error":{"message":"Requested object was not found.","source":"objects"}})
        );
        let e = InputError::new("Must be a string or null", "name", "body");
        assert_eq!(
            body(&Family::Objects(ObjectKind::Uuid).bad_input(&e, Timetoken(1))),
            json!({"status":400,"error":{"message":"Request payload contained invalid input.","source":"objects",
                   "details":[{"message":"Must be a string or null","location":"name","locationType":"body"}]}})
        );
        assert_eq!(
            body(&history_error(StatusCode::BAD_REQUEST, "x")),
            json!({"status":400,"error":true,"error_message":"x","channels":{}})
        );
    }

    #[test]
    fn access_manager_bodies_are_byte_for_byte_the_recorded_ones() {
        let r = token_refused("Token is revoked", Some("4001"));
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.cause, Some("4001"));
        assert_eq!(
            &r.body[..],
            br#"{"error":true,"status":403,"service":"Access Manager","message":"Token is revoked"}"#
        );
        let ttl = AccessFail::new(
            "Invalid ttl",
            "Range should be 1 to 43200 minute(s).",
            "ttl",
            "body",
        );
        assert_eq!(
            std::str::from_utf8(&access_error(Source::Grant, &ttl).body).unwrap(),
            r#"{"error":{"message":"Invalid ttl","source":"grant","details":[{"message":"Range should be 1 to 43200 minute(s).","location":"ttl","locationType":"body"}]},"service":"Access Manager","status":400}"#
        );
        let expired = AccessFail::new("Invalid token", "Token is expired.", "token", "path");
        assert_eq!(
            std::str::from_utf8(&access_error(Source::Revoke, &expired).body).unwrap(),
            r#"{"error":{"details":[{"location":"token","locationType":"path","message":"Token is expired."}],"message":"Invalid token","source":"revoke"},"service":"Access Manager","status":400}"#
        );
    }
}
