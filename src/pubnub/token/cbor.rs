//! The token's CBOR: reading any CBOR into a [`Token`] (byte-string or text keys, unknown
//! entries ignored) and writing a [`Token`] in the service's layout: top-level keys in the
//! order `v t ttl res pat meta uuid sig`, resource kinds `chan grp spc usr uuid`, names and
//! meta keys sorted, integers in their shortest form.
//! Pure: no I/O; hostile bytes give an error, never a panic.

use std::collections::BTreeMap;

use ciborium::value::Value;
use serde_json::Value as Json;

use super::{Grants, Permissions, Resource, Token, TokenError};

/// The resource maps of `res` and `pat`, in the service's order: `spc` and `usr` are the
/// service's copies of `chan` and `uuid` (its older names, spaces and users).
const KINDS: [(&str, Resource); 5] = [
    ("chan", Resource::Channel),
    ("grp", Resource::Group),
    ("spc", Resource::Channel),
    ("usr", Resource::Uuid),
    ("uuid", Resource::Uuid),
];

fn key(name: &str) -> Value {
    Value::Bytes(name.as_bytes().to_vec())
}

fn grants_value(grants: &Grants) -> Value {
    Value::Map(
        KINDS
            .iter()
            .map(|(name, kind)| {
                let entries = grants
                    .of(*kind)
                    .iter()
                    .map(|(n, p)| (Value::Text(n.clone()), Value::from(p.bits())))
                    .collect();
                (key(name), Value::Map(entries))
            })
            .collect(),
    )
}

fn json_to_cbor(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::from(u),
            (None, Some(i), _) => Value::from(i),
            (None, None, Some(f)) => Value::Float(f),
            (None, None, None) => Value::Null,
        },
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(json_to_cbor).collect()),
        Json::Object(map) => meta_value(map),
    }
}

/// A JSON object as a CBOR map with its keys sorted.
fn meta_value(map: &serde_json::Map<String, Json>) -> Value {
    let sorted: BTreeMap<&String, &Json> = map.iter().collect();
    Value::Map(
        sorted
            .into_iter()
            .map(|(k, v)| (Value::Text(k.clone()), json_to_cbor(v)))
            .collect(),
    )
}

/// The token as CBOR, with or without its `sig` entry.
pub fn encode(token: &Token, with_signature: bool) -> Vec<u8> {
    let mut entries = vec![
        (key("v"), Value::from(token.version)),
        (key("t"), Value::from(token.timestamp)),
        (key("ttl"), Value::from(token.ttl)),
        (key("res"), grants_value(&token.resources)),
        (key("pat"), grants_value(&token.patterns)),
        (key("meta"), meta_value(&token.meta)),
    ];
    if let Some(uuid) = &token.authorized_uuid {
        entries.push((key("uuid"), Value::Text(uuid.clone())));
    }
    if with_signature {
        entries.push((key("sig"), Value::Bytes(token.signature.clone())));
    }
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every value here is serialisable.
    if let Err(e) = ciborium::ser::into_writer(&Value::Map(entries), &mut out) {
        tracing::error!("cannot encode a token: {e}");
    }
    out
}

fn layout(why: impl Into<String>) -> TokenError {
    TokenError::Layout(why.into())
}

/// A map key as text: byte strings (the service's keys) and text strings alike.
fn key_text(k: &Value) -> Option<&str> {
    match k {
        Value::Bytes(b) => std::str::from_utf8(b).ok(),
        Value::Text(t) => Some(t),
        _ => None,
    }
}

fn entries<'a>(v: &'a Value, what: &str) -> Result<&'a [(Value, Value)], TokenError> {
    match v {
        Value::Map(m) => Ok(m),
        _ => Err(layout(format!("`{what}` is not a map"))),
    }
}

fn unsigned(v: &Value, what: &str) -> Result<u64, TokenError> {
    match v {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| layout(format!("`{what}` is negative"))),
        _ => Err(layout(format!("`{what}` is not an integer"))),
    }
}

fn read_grants(v: &Value, what: &str) -> Result<Grants, TokenError> {
    let mut grants = Grants::default();
    for (k, names) in entries(v, what)? {
        // `spc` and `usr` repeat `chan` and `uuid`; the SDKs read only these three.
        let kind = match key_text(k) {
            Some("chan") => Resource::Channel,
            Some("grp") => Resource::Group,
            Some("uuid") => Resource::Uuid,
            _ => continue,
        };
        for (name, bits) in entries(names, what)? {
            let name =
                key_text(name).ok_or_else(|| layout(format!("a name in `{what}` is not text")))?;
            let bits = unsigned(bits, what)?;
            let bits = u8::try_from(bits)
                .map_err(|_| layout(format!("permissions {bits} in `{what}` are out of range")))?;
            grants
                .of_mut(kind)
                .insert(name.to_string(), Permissions::from_bits(bits));
        }
    }
    Ok(grants)
}

fn cbor_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Integer(i) => {
            let i = i128::from(*i);
            match (u64::try_from(i), i64::try_from(i)) {
                (Ok(u), _) => Json::from(u),
                (_, Ok(s)) => Json::from(s),
                _ => Json::String(i.to_string()),
            }
        }
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Text(t) => Json::String(t.clone()),
        Value::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        Value::Array(items) => Json::Array(items.iter().map(cbor_to_json).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let k = key_text(k).map_or_else(|| format!("{k:?}"), str::to_string);
                    (k, cbor_to_json(v))
                })
                .collect(),
        ),
        Value::Tag(_, inner) => cbor_to_json(inner),
        _ => Json::Null,
    }
}

/// Reads the CBOR of a token (the whole input must be one map).
pub fn decode(bytes: &[u8]) -> Result<Token, TokenError> {
    let mut rest = bytes;
    let value: Value =
        ciborium::de::from_reader(&mut rest).map_err(|e| TokenError::NotCbor(e.to_string()))?;
    if !rest.is_empty() {
        return Err(TokenError::NotCbor("bytes after the token".into()));
    }
    let (mut v, mut t, mut ttl, mut res, mut pat, mut sig) = (None, None, None, None, None, None);
    let (mut meta, mut uuid) = (serde_json::Map::new(), None);
    for (k, value) in entries(&value, "token")? {
        match key_text(k) {
            Some("v") => v = Some(unsigned(value, "v")?),
            Some("t") => t = Some(unsigned(value, "t")?),
            Some("ttl") => ttl = Some(unsigned(value, "ttl")?),
            Some("res") => res = Some(read_grants(value, "res")?),
            Some("pat") => pat = Some(read_grants(value, "pat")?),
            Some("meta") => match cbor_to_json(value) {
                Json::Object(m) => meta = m,
                _ => return Err(layout("`meta` is not a map")),
            },
            Some("uuid") => match value {
                Value::Text(u) => uuid = Some(u.clone()),
                _ => return Err(layout("`uuid` is not text")),
            },
            Some("sig") => match value {
                Value::Bytes(b) => sig = Some(b.clone()),
                _ => return Err(layout("`sig` is not a byte string")),
            },
            _ => {}
        }
    }
    let missing = |name: &str| layout(format!("`{name}` is missing"));
    Ok(Token {
        version: v.ok_or_else(|| missing("v"))?,
        timestamp: t.ok_or_else(|| missing("t"))?,
        ttl: ttl.ok_or_else(|| missing("ttl"))?,
        authorized_uuid: uuid,
        resources: res.ok_or_else(|| missing("res"))?,
        patterns: pat.ok_or_else(|| missing("pat"))?,
        meta,
        signature: sig.ok_or_else(|| missing("sig"))?,
    })
}
