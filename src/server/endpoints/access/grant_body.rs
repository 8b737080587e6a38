//! The body of a grant request, as the official SDKs send it (reference `access-manager-v3.md`):
//! `{"ttl":<minutes>,"permissions":{"resources":{..},"patterns":{..},"meta":{..},"uuid":".."}}`,
//! where resources and patterns map `channels`, `groups`, `uuids` and the older names `spaces`
//! (channels) and `users` (uuids) to `{name: bitmask}`. Each refusal is the service's (the
//! recorded "Invalid ttl", the contract tests' "Invalid permissions" and "Invalid RegExp").
//! Pure: it must not mint or sign.

use serde_json::{Map, Value};

use super::keys::{PatternError, compile_pattern};
use super::{AccessFail, MAX_TTL_MINUTES};
use crate::pubnub::token::{Grants, Permissions, Resource};
use crate::server::endpoints::params::MAX_UUID_CHARS;

/// What a valid grant request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRequest {
    pub ttl: u64,
    pub resources: Grants,
    pub patterns: Grants,
    pub meta: Map<String, Value>,
    pub authorized_uuid: Option<String>,
}

/// The request's kinds of resource, by their names in the body.
const KINDS: [(&str, Resource); 5] = [
    ("channels", Resource::Channel),
    ("spaces", Resource::Channel),
    ("groups", Resource::Group),
    ("uuids", Resource::Uuid),
    ("users", Resource::Uuid),
];

fn fail(message: &str, detail: impl Into<String>, location: &str) -> AccessFail {
    AccessFail::new(message, detail, location, "body")
}

fn invalid_ttl() -> AccessFail {
    let detail = format!("Range should be 1 to {MAX_TTL_MINUTES} minute(s).");
    fail("Invalid ttl", detail, "ttl")
}

fn read_ttl(body: &Map<String, Value>) -> Result<u64, AccessFail> {
    match body.get("ttl").and_then(Value::as_u64) {
        Some(ttl) if (1..=MAX_TTL_MINUTES).contains(&ttl) => Ok(ttl),
        _ => Err(invalid_ttl()),
    }
}

/// One `{name: bitmask}` map into `into`, checking every bitmask (and, for patterns, every
/// regular expression).
fn read_names(
    names: &Value,
    at: &str,
    patterns: bool,
    into: &mut std::collections::BTreeMap<String, Permissions>,
) -> Result<(), AccessFail> {
    let Some(names) = names.as_object() else {
        return Err(fail(
            "Invalid permissions",
            format!("`{at}` must be an object."),
            at,
        ));
    };
    for (name, bits) in names {
        let location = format!("{at}.{name}");
        let bits = match bits.as_u64() {
            Some(b @ 1..=255) => b as u8,
            _ => {
                let why = format!("Unexpected value: `{location}` must be positive and non-zero.");
                return Err(fail("Invalid permissions", why, &location));
            }
        };
        if patterns {
            match compile_pattern(name) {
                Ok(_) => {}
                Err(PatternError::Capturing) => {
                    let why =
                        "Only non-capturing groups are allowed. Try replacing `(` with `(?:`.";
                    return Err(fail("Invalid RegExp", why, &location));
                }
                Err(PatternError::Syntax(why)) => {
                    return Err(fail(
                        "Invalid RegExp",
                        format!("Syntax error: {why}."),
                        &location,
                    ));
                }
            }
        }
        let entry = into.entry(name.clone()).or_default();
        *entry = *entry | Permissions::from_bits(bits);
    }
    Ok(())
}

fn read_grants(permissions: &Map<String, Value>, section: &str) -> Result<Grants, AccessFail> {
    let mut grants = Grants::default();
    let at = format!("permissions.{section}");
    let Some(value) = permissions.get(section) else {
        return Ok(grants);
    };
    let Some(kinds) = value.as_object() else {
        return Err(fail(
            "Invalid permissions",
            format!("`{at}` must be an object."),
            &at,
        ));
    };
    for (name, kind) in KINDS {
        if let Some(names) = kinds.get(name) {
            let patterns = section == "patterns";
            read_names(
                names,
                &format!("{at}.{name}"),
                patterns,
                grants.of_mut(kind),
            )?;
        }
    }
    Ok(grants)
}

/// Reads and checks a grant request body.
pub fn parse_grant(body: &[u8]) -> Result<GrantRequest, AccessFail> {
    let parsed: Value = serde_json::from_slice(body)
        .map_err(|_| fail("Invalid request", "Body must be a JSON object.", ""))?;
    let Some(body) = parsed.as_object() else {
        return Err(fail("Invalid request", "Body must be a JSON object.", ""));
    };
    let ttl = read_ttl(body)?;
    let Some(permissions) = body.get("permissions").and_then(Value::as_object) else {
        let why = "`permissions` must be an object.";
        return Err(fail("Invalid permissions", why, "permissions"));
    };
    let resources = read_grants(permissions, "resources")?;
    let patterns = read_grants(permissions, "patterns")?;
    if resources.is_empty() && patterns.is_empty() {
        let why = "Unexpected value: `permissions` must grant at least one resource or pattern.";
        return Err(fail("Invalid permissions", why, "permissions"));
    }
    let meta = match permissions.get("meta") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            let why = "`permissions.meta` must be an object.";
            return Err(fail("Invalid meta", why, "permissions.meta"));
        }
    };
    let authorized_uuid = match permissions.get("uuid") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) if !u.is_empty() && u.chars().count() <= MAX_UUID_CHARS => {
            Some(u.clone())
        }
        Some(_) => {
            let why =
                format!("`permissions.uuid` must be a string of 1 to {MAX_UUID_CHARS} characters.");
            return Err(fail("Invalid uuid", why, "permissions.uuid"));
        }
    };
    Ok(GrantRequest {
        ttl,
        resources,
        patterns,
        meta,
        authorized_uuid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> (String, String, String) {
        let e = parse_grant(body.as_bytes()).unwrap_err();
        (e.message, e.detail.message, e.detail.location)
    }

    #[test]
    fn the_python_sdks_body_reads_with_spaces_and_users_folded_in() {
        let body = r#"{"ttl": 60, "permissions": {"resources": {"channels": {"space1": 3}, "groups": {"group1": 5}, "uuids": {"user1": 96}, "users": {"user1": 96}, "spaces": {"space1": 3, "s2": 8}}, "patterns": {"channels": {"^chats\\.": 1}, "groups": {}, "uuids": {}, "users": {}, "spaces": {}}, "meta": {"b": 1, "a": "x"}, "uuid": "test_user"}}"#;
        let g = parse_grant(body.as_bytes()).unwrap();
        assert_eq!(g.ttl, 60);
        assert_eq!(g.resources.channels["space1"].bits(), 3);
        assert_eq!(g.resources.channels["s2"], Permissions::DELETE);
        assert_eq!(g.resources.groups["group1"].bits(), 5);
        assert_eq!(g.resources.uuids["user1"].bits(), 96);
        assert_eq!(g.patterns.channels["^chats\\."], Permissions::READ);
        assert_eq!(g.meta.len(), 2);
        assert_eq!(g.authorized_uuid.as_deref(), Some("test_user"));
    }

    #[test]
    fn refusals_are_the_services() {
        let ch = r#""resources":{"channels":{"c":1}}"#;
        assert_eq!(
            refused(&format!(r#"{{"ttl":43201,"permissions":{{{ch}}}}}"#)),
            (
                "Invalid ttl".into(),
                "Range should be 1 to 43200 minute(s).".into(),
                "ttl".into()
            )
        );
        for ttl in ["0", "-1", "1.5", "\"60\"", "null"] {
            let body = format!(r#"{{"ttl":{ttl},"permissions":{{{ch}}}}}"#);
            assert_eq!(refused(&body).0, "Invalid ttl", "{ttl}");
        }
        assert_eq!(
            refused(r#"{"ttl":60,"permissions":{"resources":{"uuids":{"uuid-1":0}}}}"#),
            (
                "Invalid permissions".into(),
                "Unexpected value: `permissions.resources.uuids.uuid-1` must be positive and non-zero.".into(),
                "permissions.resources.uuids.uuid-1".into()
            )
        );
        assert_eq!(
            refused(r#"{"ttl":60,"permissions":{"patterns":{"uuids":{"(!<[^>]+>)+":32}}}}"#),
            (
                "Invalid RegExp".into(),
                "Only non-capturing groups are allowed. Try replacing `(` with `(?:`.".into(),
                "permissions.patterns.uuids.(!<[^>]+>)+".into()
            )
        );
        let (message, detail, _) =
            refused(r#"{"ttl":60,"permissions":{"patterns":{"uuids":{"!<[^>]+>++":32}}}}"#);
        assert_eq!(message, "Invalid RegExp");
        assert!(detail.starts_with("Syntax error: "), "{detail}");
        assert_eq!(
            refused(r#"{"ttl":60,"permissions":{"resources":{}}}"#).0,
            "Invalid permissions"
        );
        assert_eq!(
            refused(r#"{"ttl":60,"permissions":{"resources":{"channels":{"c":256}}}}"#).0,
            "Invalid permissions"
        );
        assert_eq!(
            refused(&format!(
                r#"{{"ttl":60,"permissions":{{{ch},"meta":[1]}}}}"#
            ))
            .0,
            "Invalid meta"
        );
        let long = "u".repeat(93);
        assert_eq!(
            refused(&format!(
                r#"{{"ttl":60,"permissions":{{{ch},"uuid":"{long}"}}}}"#
            ))
            .0,
            "Invalid uuid"
        );
        assert_eq!(refused("[]").0, "Invalid request");
        assert_eq!(refused("{nope").0, "Invalid request");
    }
}
