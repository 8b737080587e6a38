//! The Access Manager gate: with a secret key, every request that asks for a token
//! ([`super::routes::Credential::Token`]) carries one as `auth` (or is signed with the secret,
//! and is then the keyset's server). The token must be this keyset's (its signature),
//! unexpired, not revoked, used by its authorized uuid when it names one, and grant each touched
//! resource the permission its endpoint declares: its exact name first, then any pattern that
//! matches it. A request that touches nothing (a page of every user or channel) needs only the
//! valid token.
//!
//! Verified tokens are cached by their text (parsed, signature checked, patterns compiled), so
//! a request pays one map lookup, the expiry and revocation checks and the permission lookups.
//! It must not parse a request's path or render a successful answer.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use regex::Regex;
use serde_json::{Value, json};

use super::errors::{
    Family, KEY_FORBIDDEN_MESSAGE, Reply, actions_error, forbidden_with, objects_error,
    token_refused,
};
use crate::pubnub::error::{TOKEN_EXPIRED_MESSAGE, TOKEN_REVOKED_MESSAGE};
use crate::pubnub::token::{Permissions, Resource, Token};
use crate::server::endpoints::access::{AccessClock, TokenKeys, compile_pattern, verified_token};
use crate::server::endpoints::touch::Touch;
use crate::server::store::Store;

/// Most verified tokens kept; the cache starts over when it is full.
const MAX_CACHED_TOKENS: usize = 4096;
/// `X-Pn-Cause` of a revoked token, as recorded from the service.
const CAUSE_REVOKED: &str = "4001";
/// `X-Pn-Cause` of Access Manager's 403 refusing a resource (`"Forbidden"` naming the
/// channels), as recorded from the service for a publish without permission (pubnub/python
/// `tests/integrational/fixtures/asyncio/publish/not_permitted.json`).
const CAUSE_NOT_PERMITTED: &str = "9999";

/// A token this keyset signed, ready to answer permission questions.
#[derive(Debug)]
struct Verified {
    sub_key: String,
    token: Token,
    patterns: HashMap<String, Regex>,
}

impl Verified {
    fn new(sub_key: &str, token: Token) -> Self {
        let patterns = [Resource::Channel, Resource::Group, Resource::Uuid]
            .into_iter()
            .flat_map(|kind| token.patterns.of(kind).keys())
            .filter_map(|p| Some((p.clone(), compile_pattern(p).ok()?)))
            .collect();
        Verified {
            sub_key: sub_key.to_string(),
            token,
            patterns,
        }
    }

    fn permissions_on(&self, touch: &Touch) -> Permissions {
        self.token
            .permissions_on(touch.resource, &touch.name, |pattern, name| {
                self.patterns.get(pattern).is_some_and(|r| r.is_match(name))
            })
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `auth`.
    NoToken,
    /// Not a token, or not this keyset's.
    Invalid,
    Expired,
    Revoked,
    /// The token is bound to another uuid than the request's.
    OtherUuid,
    /// The token lacks these permissions.
    Missing(Vec<Touch>),
}

/// The request as the gate sees it.
#[derive(Debug, Clone, Copy)]
pub struct Asking<'a> {
    pub sub_key: &'a str,
    pub auth: Option<&'a str>,
    pub uuid: Option<&'a str>,
    pub touches: &'a [Touch],
}

/// Checks tokens for one keyset's secret.
#[derive(Debug)]
pub struct AccessGate {
    keys: TokenKeys,
    clock: AccessClock,
    cache: RwLock<HashMap<String, Arc<Verified>>>,
}

impl AccessGate {
    pub fn new(keys: TokenKeys, clock: AccessClock) -> Self {
        AccessGate {
            keys,
            clock,
            cache: RwLock::new(HashMap::new()),
        }
    }

    pub fn keys(&self) -> &TokenKeys {
        &self.keys
    }

    pub fn clock(&self) -> &AccessClock {
        &self.clock
    }

    /// The token verified for `sub_key`, from the cache or checked now (expired ones too:
    /// expiry is checked on every request). A token is signed for one keyset only, so one
    /// cached for another keyset is not this one's.
    fn verified(&self, sub_key: &str, text: &str) -> Option<Arc<Verified>> {
        let cached = self
            .cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(text)
            .cloned();
        if let Some(v) = cached {
            return (v.sub_key == sub_key).then_some(v);
        }
        let token = verified_token(&self.keys, sub_key, text)?;
        let verified = Arc::new(Verified::new(sub_key, token));
        let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED_TOKENS {
            cache.clear();
        }
        cache.insert(text.to_string(), Arc::clone(&verified));
        Some(verified)
    }

    /// Whether a request asking for a token may go on.
    pub fn check(&self, store: &Store, r: &Asking<'_>) -> Result<(), Refusal> {
        let Some(text) = r.auth.filter(|a| !a.is_empty()) else {
            return Err(Refusal::NoToken);
        };
        let Some(v) = self.verified(r.sub_key, text) else {
            return Err(Refusal::Invalid);
        };
        if v.token.is_expired_at(self.clock.now()) {
            return Err(Refusal::Expired);
        }
        if store.is_revoked(&v.token.signature) {
            return Err(Refusal::Revoked);
        }
        if let Some(bound) = &v.token.authorized_uuid
            && r.uuid != Some(bound.as_str())
        {
            return Err(Refusal::OtherUuid);
        }
        let missing: Vec<Touch> = r
            .touches
            .iter()
            .filter(|t| !v.permissions_on(t).contains(t.needs))
            .cloned()
            .collect();
        match missing.is_empty() {
            true => Ok(()),
            false => Err(Refusal::Missing(missing)),
        }
    }
}

/// The payload of a 403 naming the refused resources, by kind.
fn payload(touches: &[Touch]) -> Value {
    let names = |kind: Resource| -> Vec<&str> {
        touches
            .iter()
            .filter(|t| t.resource == kind)
            .map(|t| t.name.as_str())
            .collect()
    };
    let mut payload = json!({ "channels": names(Resource::Channel) });
    for (key, kind) in [
        ("channel-groups", Resource::Group),
        ("uuids", Resource::Uuid),
    ] {
        let listed = names(kind);
        if !listed.is_empty() {
            payload[key] = json!(listed);
        }
    }
    payload
}

/// The answer to a refused request. A revoked or expired token is refused in Access Manager's
/// own shape whatever the endpoint (recorded for a revoked one on publish); otherwise message
/// actions and App Context answer their recorded 403 (pubnub/swift's canned
/// `removeMessageAction_error_403.json`, `objects_error_403.json`) and the rest the Access
/// Manager 403 naming what was refused: the missing permissions, or everything the request
/// touches.
pub fn refused(family: Family, refusal: &Refusal, touches: &[Touch]) -> Reply {
    let status = axum::http::StatusCode::FORBIDDEN;
    match refusal {
        Refusal::Revoked => token_refused(TOKEN_REVOKED_MESSAGE, Some(CAUSE_REVOKED)),
        Refusal::Expired => token_refused(TOKEN_EXPIRED_MESSAGE, None),
        _ if family == Family::Actions => actions_error(status, KEY_FORBIDDEN_MESSAGE, Vec::new()),
        _ if matches!(family, Family::Objects(_)) => {
            objects_error(status, KEY_FORBIDDEN_MESSAGE, &[])
        }
        other => {
            let named = match other {
                Refusal::Missing(missing) => payload(missing),
                _ => payload(touches),
            };
            Reply {
                cause: Some(CAUSE_NOT_PERMITTED),
                ..forbidden_with("Forbidden", named)
            }
        }
    }
}
