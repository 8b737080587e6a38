//! Access Manager v3 (reference `access-manager-v3.md`): `POST /v3/pam/{sub_key}/grant` mints a
//! token in the service's format, `DELETE /v3/pam/{sub_key}/grant/{token}` revokes one. Both
//! answer with the service's bodies. The HTTP layer lets only requests signed with the secret
//! key reach them, and checks every other request's token ([`keys`] verifies, [`AccessClock`]
//! says when).
//! Parsing, minting and answering only: it must not check a request's own signature.

mod grant_body;
mod keys;

use axum::body::Bytes;
use serde_json::json;

use super::params::{self, InputError};
use super::{Fail, Handled};
use crate::pubnub::error::TOKEN_EXPIRED_MESSAGE;
use crate::pubnub::token::{MAX_TOKEN_CHARS, TOKEN_VERSION, Token, parse_token};
use crate::server::store::Store;
use grant_body::parse_grant;

pub use keys::{AccessClock, TokenKeys, compile_pattern};

pub use crate::pubnub::access::MAX_TTL_MINUTES;

/// A refused grant or revoke: the service's `{"error":{"message",..,"details":[..]}}` with one
/// detail (the HTTP layer shapes it with the endpoint's `source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessFail {
    pub message: String,
    pub detail: InputError,
}

impl AccessFail {
    pub fn new(
        message: &str,
        detail: impl Into<String>,
        location: &str,
        location_type: &'static str,
    ) -> Self {
        AccessFail {
            message: message.into(),
            detail: InputError::new(detail, location, location_type),
        }
    }
}

/// Where a refusal comes from, as the service names it in `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Grant,
    Revoke,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Grant => "grant",
            Source::Revoke => "revoke",
        }
    }
}

fn sub_key(raw: &str) -> Result<String, InputError> {
    params::key(raw, "subscribe key")
        .map_err(|_| InputError::new("Invalid Subscribe Key", "subscribeKey", "path"))
}

/// `POST /v3/pam/{sub_key}/grant`: a token for what the body asks, issued now.
pub fn grant(keys: &TokenKeys, clock: &AccessClock, raw_sub_key: &str, body: &[u8]) -> Handled {
    let sub_key = sub_key(raw_sub_key)?;
    let asked = parse_grant(body).map_err(|f| Fail::Access(Source::Grant, f))?;
    let mut token = Token {
        version: TOKEN_VERSION,
        timestamp: clock.now(),
        ttl: asked.ttl,
        authorized_uuid: asked.authorized_uuid,
        resources: asked.resources,
        patterns: asked.patterns,
        meta: asked.meta,
        signature: Vec::new(),
    };
    token.signature = keys.sign(&sub_key, &token);
    let text = token.encode();
    if text.len() > MAX_TOKEN_CHARS {
        let why = format!("The token would be longer than {MAX_TOKEN_CHARS} characters.");
        let fail = AccessFail::new("Invalid permissions", why, "permissions", "body");
        return Err(Fail::Access(Source::Grant, fail));
    }
    let answer = json!({
        "data": {"message": "Success", "token": text},
        "service": "Access Manager",
        "status": 200,
    });
    Ok(answer.to_string().into())
}

/// The token in `text` when this keyset's secret signed it for `sub_key` (expired or not).
pub fn verified_token(keys: &TokenKeys, sub_key: &str, text: &str) -> Option<Token> {
    parse_token(text)
        .ok()
        .filter(|token| keys.verify(sub_key, token))
}

/// `DELETE /v3/pam/{sub_key}/grant/{token}`: the token is refused from now on, after a restart
/// too. An expired or unknown token is the service's 400 "Invalid token".
pub async fn revoke(
    store: &Store,
    keys: &TokenKeys,
    clock: &AccessClock,
    raw_sub_key: &str,
    raw_token: &str,
) -> Handled {
    let sub_key = sub_key(raw_sub_key)?;
    let invalid = |why: &str| {
        let fail = AccessFail::new("Invalid token", why, "token", "path");
        Fail::Access(Source::Revoke, fail)
    };
    let text =
        params::decode_segment(raw_token, "token").map_err(|_| invalid("Token is invalid."))?;
    let Some(token) = verified_token(keys, &sub_key, &text) else {
        return Err(invalid("Token is invalid."));
    };
    if token.is_expired_at(clock.now()) {
        return Err(invalid(TOKEN_EXPIRED_MESSAGE));
    }
    store
        .revoke_token(&sub_key, &token.signature, token.expires_at())
        .await?;
    Ok(Bytes::from_static(
        br#"{"data":{"message":"Success"},"service":"Access Manager","status":200}"#,
    ))
}
