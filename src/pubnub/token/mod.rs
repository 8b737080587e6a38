//! Access Manager v3 tokens (reference `access-manager-v3.md`): what a token grants, read with
//! [`parse_token`] exactly as the official SDKs read it, and written back by [`Token::encode`]
//! in the service's own layout, so that the embedded server can mint tokens the SDKs parse.
//!
//! A token is URL-safe base64 (`-`, `_`, `=` padding) of a CBOR map whose keys are byte strings:
//! `v` (2), `t` (issued, Unix seconds), `ttl` (minutes), `res` and `pat` (maps keyed `chan`,
//! `grp`, `spc`, `usr`, `uuid`, each mapping a resource name, or a regular expression for `pat`,
//! to a [`Permissions`] bitmask), `meta`, the optional authorized `uuid`, and `sig`. Clients only
//! read tokens; checking `sig` is the server's business.
//!
//! Pure and total: it never panics on any text, and knows nothing of HTTP or of the server.

mod cbor;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Longest token text accepted, in bytes (the request line of the service is bounded anyway).
pub const MAX_TOKEN_CHARS: usize = 32 * 1024;
/// The token layout version this module reads and writes.
pub const TOKEN_VERSION: u64 = 2;

/// A set of Access Manager permissions, as the token's bitmask.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Permissions(u8);

impl Permissions {
    pub const NONE: Permissions = Permissions(0);
    pub const READ: Permissions = Permissions(1);
    pub const WRITE: Permissions = Permissions(2);
    pub const MANAGE: Permissions = Permissions(4);
    pub const DELETE: Permissions = Permissions(8);
    pub const CREATE: Permissions = Permissions(16);
    pub const GET: Permissions = Permissions(32);
    pub const UPDATE: Permissions = Permissions(64);
    pub const JOIN: Permissions = Permissions(128);

    /// Every permission by name, in bit order.
    pub const NAMED: [(&'static str, Permissions); 8] = [
        ("read", Self::READ),
        ("write", Self::WRITE),
        ("manage", Self::MANAGE),
        ("delete", Self::DELETE),
        ("create", Self::CREATE),
        ("get", Self::GET),
        ("update", Self::UPDATE),
        ("join", Self::JOIN),
    ];

    pub const fn from_bits(bits: u8) -> Self {
        Permissions(bits)
    }

    pub const fn bits(self) -> u8 {
        self.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every permission of `other` is in `self`.
    pub const fn contains(self, other: Permissions) -> bool {
        self.0 & other.0 == other.0
    }

    pub const fn union(self, other: Permissions) -> Self {
        Permissions(self.0 | other.0)
    }

    /// The permission called `name` (`read`, `write`, ...), if any.
    pub fn named(name: &str) -> Option<Permissions> {
        Self::NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| *p)
    }

    /// The names of the permissions in the set, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMED
            .into_iter()
            .filter(move |(_, p)| self.contains(*p) && !p.is_empty())
            .map(|(n, _)| n)
    }
}

impl std::ops::BitOr for Permissions {
    type Output = Permissions;
    fn bitor(self, rhs: Permissions) -> Permissions {
        self.union(rhs)
    }
}

/// `read+write+delete`, or `none`.
impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.names().collect();
        f.write_str(&names.join("+"))
    }
}

impl fmt::Debug for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Permissions({self})")
    }
}

/// The kinds of resource a token grants on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Channel,
    /// A channel group.
    Group,
    /// A uuid (user) object of App Context.
    Uuid,
}

impl Resource {
    /// As the SDKs name it in a parsed token: `channels`, `groups`, `uuids`.
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Channel => "channels",
            Resource::Group => "groups",
            Resource::Uuid => "uuids",
        }
    }
}

/// Permissions by resource name (or by regular expression, for patterns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    pub channels: BTreeMap<String, Permissions>,
    pub groups: BTreeMap<String, Permissions>,
    pub uuids: BTreeMap<String, Permissions>,
}

impl Grants {
    pub fn of(&self, kind: Resource) -> &BTreeMap<String, Permissions> {
        match kind {
            Resource::Channel => &self.channels,
            Resource::Group => &self.groups,
            Resource::Uuid => &self.uuids,
        }
    }

    pub fn of_mut(&mut self, kind: Resource) -> &mut BTreeMap<String, Permissions> {
        match kind {
            Resource::Channel => &mut self.channels,
            Resource::Group => &mut self.groups,
            Resource::Uuid => &mut self.uuids,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.groups.is_empty() && self.uuids.is_empty()
    }
}

/// A parsed token: the fields the official SDKs' `parse_token` gives, under the same names.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The layout version, 2.
    pub version: u64,
    /// When it was issued, in Unix seconds.
    pub timestamp: u64,
    /// How long it is valid after `timestamp`, in minutes.
    pub ttl: u64,
    /// When set, only requests with this `uuid` may use the token.
    pub authorized_uuid: Option<String>,
    /// Permissions on resources by exact name.
    pub resources: Grants,
    /// Permissions on resources whose names match a regular expression.
    pub patterns: Grants,
    /// Whatever the granting server attached (a JSON object).
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// The signature (32 bytes from the service and from the embedded server).
    pub signature: Vec<u8>,
}

/// Why a text is not a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is empty")]
    Empty,
    #[error("the token is longer than {MAX_TOKEN_CHARS} characters")]
    TooLong,
    #[error("the token is not base64")]
    NotBase64,
    #[error("the token is not CBOR: {0}")]
    NotCbor(String),
    #[error("the token is not an Access Manager v3 token: {0}")]
    Layout(String),
}

impl Token {
    /// When the token stops being valid, in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.timestamp.saturating_add(self.ttl.saturating_mul(60))
    }

    /// Whether the token is expired at `now` (Unix seconds). It is valid through the second
    /// [`Token::expires_at`] names.
    pub fn is_expired_at(&self, now: u64) -> bool {
        now > self.expires_at()
    }

    /// The permissions on resource `name`: its exact entry when the token has one, else the
    /// union of every pattern for which `matches(pattern, name)` is true. The caller matches,
    /// so that the library needs no regular-expression engine (patterns are RE2 syntax).
    pub fn permissions_on(
        &self,
        kind: Resource,
        name: &str,
        mut matches: impl FnMut(&str, &str) -> bool,
    ) -> Permissions {
        if let Some(exact) = self.resources.of(kind).get(name) {
            return *exact;
        }
        self.patterns
            .of(kind)
            .iter()
            .filter(|(pattern, _)| matches(pattern, name))
            .fold(Permissions::NONE, |all, (_, p)| all | *p)
    }

    /// The CBOR of the token without its signature: what a signature is computed over.
    pub fn unsigned_cbor(&self) -> Vec<u8> {
        cbor::encode(self, false)
    }

    /// The token text: URL-safe base64 with padding of the whole map, signature included, in
    /// the service's layout (keys in its order, names sorted, `spc`/`usr` copies of
    /// `chan`/`uuid`).
    pub fn encode(&self) -> String {
        URL_SAFE.encode(cbor::encode(self, true))
    }
}

/// Reads base64 in either alphabet, padded or not, as the SDKs do (Python swaps `-_` for `+/`).
fn decode_base64(text: &str) -> Result<Vec<u8>, TokenError> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    LENIENT
        .decode(standard.as_bytes())
        .map_err(|_| TokenError::NotBase64)
}

/// Reads a token as the official SDKs' `parse_token` does. Entries a reader does not know
/// (such as `cat`) are ignored; `v`, `t`, `ttl`, `res`, `pat` and `sig` are required.
pub fn parse_token(text: &str) -> Result<Token, TokenError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TokenError::Empty);
    }
    if text.len() > MAX_TOKEN_CHARS {
        return Err(TokenError::TooLong);
    }
    cbor::decode(&decode_base64(text)?)
}
