//! Publish (reference section 3): `GET /publish/{pk}/{sk}/0/{ch}/0/{json}`, `POST` of the same
//! path without the message, and Kotlin's `POST /v2/publish/...` for large messages; and
//! signals, `GET /signal/{pk}/{sk}/0/{ch}/0/{json}` (or `POST` without the message): at most
//! 64 bytes (REST docs "Signal introduction": "signals are limited to a message payload size
//! of 64 bytes"; error `[0,"Signal size too large","<tt>"]` in pubnub/swift's canned
//! `signal_message_too_large.json`), delivered live with `e: 1`, never stored. Answers
//! `[1,"Sent","<tt>"]`, or `[0,"<why>","<tt>"]` with 400 (the HTTP layer's publish shape of a
//! refused input).
//! It must not build an error body itself; what it refuses goes back as a [`Fail`].

use serde_json::Value;

use super::params::{self, InputError, Query};
use super::touch::Permissions;
use super::{Fail, Handled};
use crate::server::store::{NewMessage, Store};

/// Access Manager: publishing needs write on the channel.
pub const NEEDS: Permissions = Permissions::WRITE;
/// Access Manager: so does a signal (permission model: "write: publish and signal").
pub const SIGNAL_NEEDS: Permissions = Permissions::WRITE;

/// Largest message on `/publish` (the v2 path allows up to the body limit).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// Largest signal payload.
pub const MAX_SIGNAL_BYTES: usize = 64;

/// Where the message comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// GET: the remaining raw path segments (a message may hold an unencoded `/`).
    Path(&'a [&'a str]),
    /// POST `/publish`: the body, at most [`MAX_MESSAGE_BYTES`].
    Body,
    /// POST `/v2/publish`: the body, up to the request limit.
    LargeBody,
}

/// The raw path parts of a publish request.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub pub_key: &'a str,
    pub sub_key: &'a str,
    pub channel: &'a str,
    pub source: Source<'a>,
}

/// A refused input: publish answers only its message, `[0,"<message>","<tt>"]`.
fn refuse(message: &str, field: &str, location_type: &'static str) -> Fail {
    Fail::Input(InputError::new(message, field, location_type))
}

/// `3..=50` characters of `A-Z a-z 0-9 - _`.
fn valid_custom_message_type(s: &str) -> bool {
    (3..=50).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn compact_json(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string(&v).ok())
}

/// Which kind of message a request sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/publish`: stored unless `store=0`, sent live.
    Message,
    /// `/signal`: live only, at most [`MAX_SIGNAL_BYTES`].
    Signal,
}

/// Publishes one message or signal. With signatures on, the keyset has one publish key,
/// `keyset`.
pub async fn publish(
    store: &Store,
    keyset: Option<&str>,
    t: Target<'_>,
    q: &Query,
    body: &[u8],
    kind: Kind,
) -> Handled {
    let limit = match (kind, t.source) {
        (Kind::Signal, _) => Some((MAX_SIGNAL_BYTES, "Signal size too large")),
        (Kind::Message, Source::LargeBody) => None,
        (Kind::Message, _) => Some((MAX_MESSAGE_BYTES, "Message Too Large")),
    };
    let message = message(keyset, t, q, body, limit)?;
    let tt = match kind {
        Kind::Message => store.publish(message).await?,
        Kind::Signal => {
            store
                .signal(NewMessage {
                    store: false,
                    ..message
                })
                .await?
        }
    };
    Ok(format!("[1,\"Sent\",\"{tt}\"]").into())
}

/// The message of a publish or signal request, refused when over `limit` (with its message).
fn message(
    keyset: Option<&str>,
    t: Target<'_>,
    q: &Query,
    body: &[u8],
    limit: Option<(usize, &str)>,
) -> Result<NewMessage, Fail> {
    let (Ok(pub_key), Ok(sub_key)) = (
        params::key(t.pub_key, "publish key"),
        params::key(t.sub_key, "subscribe key"),
    ) else {
        return Err(refuse("Invalid Key", "key", "path"));
    };
    if keyset.is_some_and(|k| k != pub_key) {
        return Err(refuse("Invalid Key", "publish key", "path"));
    }
    let channel = params::channel(t.channel)?;
    let text = match t.source {
        Source::Path(segments) => params::decode_segment(&segments.join("/"), "message").ok(),
        Source::Body | Source::LargeBody => std::str::from_utf8(body).ok().map(str::to_string),
    };
    let Some(text) = text else {
        return Err(refuse("Invalid JSON", "message", "body"));
    };
    if let Some((_, too_large)) = limit.filter(|(max, _)| text.len() > *max) {
        return Err(refuse(too_large, "message", "body"));
    }
    let Some(payload) = compact_json(&text) else {
        return Err(refuse("Invalid JSON", "message", "body"));
    };
    let meta = match q.get("meta") {
        None | Some("") => None,
        Some(m) => {
            let meta = compact_json(m).ok_or_else(|| refuse("Invalid meta JSON", "meta", "query"));
            Some(meta?)
        }
    };
    let custom_message_type = match q.get("custom_message_type") {
        None | Some("") => None,
        Some(c) if valid_custom_message_type(c) => Some(c.to_string()),
        Some(_) => {
            let field = "custom_message_type";
            return Err(refuse("Invalid custom_message_type", field, "query"));
        }
    };
    Ok(NewMessage {
        sub_key,
        channel,
        publisher: q.get("uuid").unwrap_or_default().to_string(),
        payload,
        meta,
        custom_message_type,
        seqn: q.get("seqn").and_then(|s| s.parse().ok()),
        store: q.get("store") != Some("0"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_message_types_follow_the_documented_rule() {
        assert!(valid_custom_message_type("text-message_1"));
        assert!(!valid_custom_message_type("ab"));
        assert!(!valid_custom_message_type(&"a".repeat(51)));
        assert!(!valid_custom_message_type("with space"));
    }

    #[test]
    fn messages_are_stored_compact() {
        assert_eq!(
            compact_json(" { \"a\" : [1, 2] } ").as_deref(),
            Some(r#"{"a":[1,2]}"#)
        );
        assert_eq!(
            compact_json("\"\\ud83d\\udc4d\"").as_deref(),
            Some("\"👍\"")
        );
        assert_eq!(compact_json("{nope"), None);
    }
}
