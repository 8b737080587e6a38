//! Access Manager v3 (reference `access-manager-v3.md`): granting a token
//! (`POST /v3/pam/{sub_key}/grant`) and revoking one (`DELETE /v3/pam/{sub_key}/grant/{token}`).
//! Both are the keyset's server's operations: the client must be configured with the secret key,
//! and the requests are signed and carry no `auth`, as in the official SDKs. Reading a token is
//! [`parse_token`](super::parse_token).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::answer::Answer;
use super::client::{Client, Endpoint, Request, encode_segment, executable};
use super::token::{Grants, MAX_TOKEN_CHARS, Permissions, Resource};
use super::{Error, Result};

/// The longest a token may live, in minutes (30 days), and the shortest.
pub const MAX_TTL_MINUTES: u64 = 43_200;
pub const MIN_TTL_MINUTES: u64 = 1;

impl Client {
    /// Grants a token: `ttl` minutes of the permissions added to the builder, optionally only
    /// for one uuid ([`GrantToken::authorized_uuid`]). Needs the secret key.
    pub fn grant_token(&self, ttl: u64) -> GrantToken {
        GrantToken {
            client: self.clone(),
            ttl,
            resources: Grants::default(),
            patterns: Grants::default(),
            authorized_uuid: None,
            meta: Map::new(),
        }
    }

    /// Revokes a token: the service refuses it from then on. Needs the secret key.
    pub fn revoke_token(&self, token: impl Into<String>) -> RevokeToken {
        RevokeToken {
            client: self.clone(),
            token: token.into(),
        }
    }
}

fn needs_secret(client: &Client, what: &str) -> Result<()> {
    match client.config().secret_key {
        Some(_) => Ok(()),
        None => Err(Error::InvalidInput(format!(
            "{what} needs the secret key: only the keyset's server grants and revokes tokens"
        ))),
    }
}

/// Builder of [`Client::grant_token`].
#[derive(Debug, Clone)]
pub struct GrantToken {
    client: Client,
    ttl: u64,
    resources: Grants,
    patterns: Grants,
    authorized_uuid: Option<String>,
    meta: Map<String, Value>,
}

impl GrantToken {
    fn add(mut self, pattern: bool, kind: Resource, name: &str, p: Permissions) -> Self {
        let grants = match pattern {
            true => &mut self.patterns,
            false => &mut self.resources,
        };
        let entry = grants.of_mut(kind).entry(name.to_string()).or_default();
        *entry = *entry | p;
        self
    }

    /// Permissions on a channel by name.
    pub fn channel(self, name: &str, p: Permissions) -> Self {
        self.add(false, Resource::Channel, name, p)
    }

    /// Permissions on every channel whose name matches a regular expression (RE2 syntax,
    /// non-capturing groups only; anchor it with `^...$` to match whole names).
    pub fn channel_pattern(self, regex: &str, p: Permissions) -> Self {
        self.add(true, Resource::Channel, regex, p)
    }

    /// Permissions on a channel group.
    pub fn group(self, name: &str, p: Permissions) -> Self {
        self.add(false, Resource::Group, name, p)
    }

    /// Permissions on a uuid (user) object of App Context.
    pub fn uuid(self, name: &str, p: Permissions) -> Self {
        self.add(false, Resource::Uuid, name, p)
    }

    /// Permissions on every uuid object whose id matches a regular expression.
    pub fn uuid_pattern(self, regex: &str, p: Permissions) -> Self {
        self.add(true, Resource::Uuid, regex, p)
    }

    /// Only requests with this `uuid` may use the token.
    pub fn authorized_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.authorized_uuid = Some(uuid.into());
        self
    }

    /// Data the token carries for whoever reads it (a JSON object).
    pub fn meta(mut self, meta: Map<String, Value>) -> Self {
        self.meta = meta;
        self
    }
}

/// `{"channels":{..},"groups":{..},"uuids":{..},"users":{},"spaces":{}}`, as the SDKs send.
fn grants_json(g: &Grants) -> Value {
    let names = |m: &BTreeMap<String, Permissions>| -> Map<String, Value> {
        m.iter()
            .map(|(n, p)| (n.clone(), json!(p.bits())))
            .collect()
    };
    json!({
        "channels": names(&g.channels),
        "groups": names(&g.groups),
        "uuids": names(&g.uuids),
        "users": {},
        "spaces": {},
    })
}

impl Endpoint for GrantToken {
    type Output = String;

    fn request(&self) -> Result<Request> {
        needs_secret(&self.client, "granting a token")?;
        if !(MIN_TTL_MINUTES..=MAX_TTL_MINUTES).contains(&self.ttl) {
            return Err(Error::InvalidInput(format!(
                "ttl {} is out of range: {MIN_TTL_MINUTES} to {MAX_TTL_MINUTES} minutes",
                self.ttl
            )));
        }
        if self.resources.is_empty() && self.patterns.is_empty() {
            return Err(Error::InvalidInput(
                "a token must grant something: add a channel, group, uuid or pattern".into(),
            ));
        }
        let mut permissions = json!({
            "resources": grants_json(&self.resources),
            "patterns": grants_json(&self.patterns),
            "meta": self.meta,
        });
        if let Some(uuid) = &self.authorized_uuid {
            permissions["uuid"] = json!(uuid);
        }
        let body = json!({"ttl": self.ttl, "permissions": permissions});
        let path = format!("/v3/pam/{}/grant", self.client.sub_key_segment());
        let mut request = Request::new(Method::POST, path).json_body(body.to_string().into_bytes());
        request.send_auth = false;
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<String> {
        decode_grant(status, body)
    }
}
executable!(GrantToken => String);

/// Reads a grant answer: `{"data":{"message":"Success","token":".."},..}`.
pub fn decode_grant(status: u16, body: &[u8]) -> Result<String> {
    let answer = Answer::read(status, body)?;
    match answer.json.pointer("/data/token").and_then(Value::as_str) {
        Some(token) if !token.is_empty() => Ok(token.to_string()),
        _ => Err(answer.malformed("no data.token")),
    }
}

/// Builder of [`Client::revoke_token`].
#[derive(Debug, Clone)]
pub struct RevokeToken {
    client: Client,
    token: String,
}

impl Endpoint for RevokeToken {
    type Output = ();

    fn request(&self) -> Result<Request> {
        needs_secret(&self.client, "revoking a token")?;
        let token = self.token.trim();
        if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
            return Err(Error::InvalidInput(
                "the token to revoke is empty or too long".into(),
            ));
        }
        let path = format!(
            "/v3/pam/{}/grant/{}",
            self.client.sub_key_segment(),
            encode_segment(token)
        );
        let mut request = Request::new(Method::DELETE, path);
        request.send_auth = false;
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<()> {
        decode_revoke(status, body)
    }
}
executable!(RevokeToken => ());

/// Reads a revoke answer: `{"data":{"message":"Success"},..}`.
pub fn decode_revoke(status: u16, body: &[u8]) -> Result<()> {
    Answer::read(status, body).map(drop)
}
