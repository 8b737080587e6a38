//! Message-action endpoints (reference section 1): add (POST), remove (DELETE) and list (GET)
//! under `/v1/message-actions/{sub_key}/channel/{channel}`. The author is the `uuid` query
//! parameter; bodies and errors are exactly the service's.
//! Parsing and answering only: the page itself comes from [`Store::actions_page`].

use axum::body::Bytes;

use super::Handled;
use super::add_body::AddBody;
use super::params::{self, InputError, Query};
use super::touch::Permissions;
use crate::server::render;
use crate::server::sqlite::Range;
use crate::server::store::{ActionsQuery, NewAction, Removal, Store};

/// Default and largest page of a list.
pub const MAX_LIMIT: u32 = 100;
/// Largest add request body: an action is bounded like a publish (32 KiB).
pub const MAX_ADD_BODY_BYTES: usize = 32 * 1024;

/// Access Manager: adding an action needs write on its channel, removing one delete (and the
/// author rule still holds), listing read.
pub const ADD_NEEDS: Permissions = Permissions::WRITE;
pub const REMOVE_NEEDS: Permissions = Permissions::DELETE;
pub const LIST_NEEDS: Permissions = Permissions::READ;

/// The sub key and channel of an actions path.
struct Target {
    sub_key: String,
    channel: String,
}

fn target(sub_key: &str, channel: &str) -> Result<Target, InputError> {
    let sub_key = params::key(sub_key, "subscribe key")
        .map_err(|_| InputError::new("Invalid Subkey", "subscribeKey", "path"))?;
    Ok(Target {
        sub_key,
        channel: params::channel(channel)?,
    })
}

fn author(q: &Query) -> Result<String, InputError> {
    match q.get("uuid") {
        Some(u) if !u.is_empty() => Ok(u.to_string()),
        _ => Err(InputError::new("Missing uuid", "uuid", "query")),
    }
}

fn path_timetoken(raw: &str, field: &str) -> Result<u64, InputError> {
    params::parse_timetoken(raw)
        .ok_or_else(|| InputError::new(format!("Invalid {field}"), field, "path"))
}

/// `{"type","value"}`, both non-empty strings (JSON escapes decoded).
fn parse_add_body(body: &[u8]) -> Result<(String, String), InputError> {
    let parsed: AddBody<'_> =
        serde_json::from_slice(body).map_err(|_| InputError::new("Invalid JSON", "", "body"))?;
    let AddBody::Object { action_type, value } = parsed else {
        return Err(InputError::new("Expected a JSON object", "", "body"));
    };
    Ok((action_type.text("type")?, value.text("value")?))
}

/// `POST .../message/{message_tt}` with `{"type","value"}`.
pub async fn add(
    store: &Store,
    sub_key: &str,
    channel: &str,
    message_tt: &str,
    q: &Query,
    body: &[u8],
) -> Handled {
    let t = target(sub_key, channel)?;
    let message_tt = path_timetoken(message_tt, "messageTimetoken")?;
    let uuid = author(q)?;
    let (action_type, value) = parse_add_body(body)?;
    let added = store
        .add_action(NewAction {
            sub_key: t.sub_key,
            channel: t.channel,
            message_tt,
            action_type,
            value,
            uuid,
        })
        .await?;
    Ok(render::actions::added(&added).into())
}

/// `DELETE .../message/{message_tt}/action/{action_tt}`: only the author may remove.
pub async fn remove(
    store: &Store,
    sub_key: &str,
    channel: &str,
    message_tt: &str,
    action_tt: &str,
    q: &Query,
) -> Handled {
    let t = target(sub_key, channel)?;
    let message_tt = path_timetoken(message_tt, "messageTimetoken")?;
    let action_tt = path_timetoken(action_tt, "actionTimetoken")?;
    let uuid = author(q)?;
    store
        .remove_action(Removal {
            sub_key: t.sub_key,
            channel: t.channel,
            message_tt,
            action_tt,
            uuid,
        })
        .await?;
    Ok(Bytes::from_static(br#"{"status":200,"data":{}}"#))
}

/// `GET /v1/message-actions/{sub_key}/channel/{channel}?start&end&limit`: the newest `limit`
/// actions older than `start` and not older than `end`, ascending; `more` when older ones remain.
pub fn list(store: &Store, sub_key: &str, channel: &str, q: &Query) -> Handled {
    let t = target(sub_key, channel)?;
    let page = ActionsQuery {
        sub_key: t.sub_key,
        channel: t.channel,
        range: Range {
            start: q.timetoken("start")?,
            end: q.timetoken("end")?,
        },
        limit: q.page_size("limit", MAX_LIMIT, MAX_LIMIT)?,
    };
    Ok(store.actions_page(&page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_bodies_name_the_bad_field() {
        assert_eq!(
            parse_add_body(br#"{"type":"reaction","value":"\ud83d\udc4d"}"#),
            Ok(("reaction".to_string(), "👍".to_string()))
        );
        let e = parse_add_body(br#"{"type":"reaction"}"#).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.location.as_str(), e.location_type),
            ("Missing field", "value", "body")
        );
        let e = parse_add_body(br#"{"type":"","value":"x"}"#).unwrap_err();
        assert_eq!(e.location, "type");
        let e = parse_add_body(br#"{"type":1,"value":"x"}"#).unwrap_err();
        assert_eq!(e.location, "type");
        assert!(parse_add_body(b"{nope").is_err());
        assert!(parse_add_body(b"[]").is_err());
    }
}
