//! The bodies of App Context PATCHes: a user's or channel's fields (`name`, `externalId`,
//! `profileUrl`, `email`, `description`, `status`, `type`: a string or `null`; `custom`: an
//! object of scalars or `null`; other members ignored) and a memberships/members
//! `{"set":[..],"delete":[..]}` whose entries name the other side as `{"channel":{"id"}}` or
//! `{"uuid":{"id"}}`. A bad member is refused naming it, in the service's body-error terms.
//! Pure: it must not touch the store.

use serde_json::{Map, Value};

use super::object_params::check_id;
use super::params::InputError;
use crate::server::sqlite::ObjectKind;
use crate::server::store::{MembershipPatch, ObjectPatch};

fn body_error(message: impl Into<String>, location: &str) -> InputError {
    InputError::new(message, location, "body")
}

fn object(body: &[u8]) -> Result<Map<String, Value>, InputError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(body_error("Expected a JSON object", "")),
        Err(_) => Err(body_error("Invalid JSON", "")),
    }
}

/// A text member: absent (`None`), `null` (`Some(None)`) or a string.
fn text(m: &Map<String, Value>, key: &str) -> Result<Option<Option<String>>, InputError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(_) => Err(body_error("Must be a string or null", key)),
    }
}

/// `custom`: absent, `null`, or an object whose values are strings, numbers, booleans or null
/// (docs: "custom: key-value pairs ... values must be scalar"), kept as compact JSON.
fn custom(m: &Map<String, Value>, at: &str) -> Result<Option<Option<String>>, InputError> {
    match m.get("custom") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::Object(c)) => {
            if let Some((k, _)) = c.iter().find(|(_, v)| v.is_object() || v.is_array()) {
                return Err(body_error(
                    "Custom values must be strings, numbers or booleans",
                    &format!("{at}custom.{k}"),
                ));
            }
            let text =
                serde_json::to_string(c).map_err(|_| body_error("Invalid JSON", "custom"))?;
            Ok(Some(Some(text)))
        }
        Some(_) => Err(body_error(
            "Must be an object or null",
            &format!("{at}custom"),
        )),
    }
}

/// The fields a PATCH of a user or channel sets.
pub fn object_patch(kind: ObjectKind, body: &[u8]) -> Result<ObjectPatch, InputError> {
    let m = object(body)?;
    let user = kind == ObjectKind::Uuid;
    let only = |key: &str, here: bool| match here {
        true => text(&m, key),
        false => Ok(None),
    };
    Ok(ObjectPatch {
        name: text(&m, "name")?,
        description: only("description", !user)?,
        external_id: only("externalId", user)?,
        profile_url: only("profileUrl", user)?,
        email: only("email", user)?,
        status: text(&m, "status")?,
        object_type: text(&m, "type")?,
        custom: custom(&m, "")?,
    })
}

/// The `{"<side>":{"id":..}}` of an entry.
fn entry_id(entry: &Map<String, Value>, side: &str, at: &str) -> Result<String, InputError> {
    let location = format!("{at}{side}.id");
    let id = entry
        .get(side)
        .and_then(|o| o.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| body_error("Missing field", &location))?;
    check_id(id, &location, "body")?;
    Ok(id.to_string())
}

fn entries<'a>(m: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], InputError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(body_error("Must be an array", key)),
    }
}

/// A memberships (`of` a user) or members (`of` a channel) PATCH: what to set, and the ids
/// of the other side to delete.
pub fn memberships_patch(
    of: ObjectKind,
    body: &[u8],
) -> Result<(Vec<MembershipPatch>, Vec<String>), InputError> {
    let m = object(body)?;
    let side = of.other().as_str();
    let mut set = Vec::new();
    for (i, e) in entries(&m, "set")?.iter().enumerate() {
        let at = format!("set[{i}].");
        let Value::Object(e) = e else {
            return Err(body_error("Must be an object", &format!("set[{i}]")));
        };
        let field =
            |key: &str| text(e, key).map_err(|err| body_error(err.message, &format!("{at}{key}")));
        set.push(MembershipPatch {
            other: entry_id(e, side, &at)?,
            status: field("status")?,
            object_type: field("type")?,
            custom: custom(e, &at)?,
        });
    }
    let mut delete = Vec::new();
    for (i, e) in entries(&m, "delete")?.iter().enumerate() {
        let Value::Object(e) = e else {
            return Err(body_error("Must be an object", &format!("delete[{i}]")));
        };
        delete.push(entry_id(e, side, &format!("delete[{i}]."))?);
    }
    Ok((set, delete))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_patches_keep_what_is_not_sent() {
        let p = object_patch(
            ObjectKind::Uuid,
            br#"{"name":"Bob","status":"away","type":"admin","custom":{"team":"red"},"description":"ignored"}"#,
        )
        .unwrap();
        assert_eq!(p.name, Some(Some("Bob".into())));
        assert_eq!(p.email, None);
        assert_eq!(p.description, None, "users have no description");
        assert_eq!(p.custom, Some(Some(r#"{"team":"red"}"#.into())));
        let p = object_patch(
            ObjectKind::Channel,
            br#"{"description":null,"custom":null}"#,
        )
        .unwrap();
        assert_eq!((p.description, p.custom), (Some(None), Some(None)));
        for (body, location) in [
            (&br#"{"name":1}"#[..], "name"),
            (br#"{"custom":[1]}"#, "custom"),
            (br#"{"custom":{"a":{"b":1}}}"#, "custom.a"),
            (b"[]", ""),
            (b"{nope", ""),
        ] {
            let e = object_patch(ObjectKind::Uuid, body).unwrap_err();
            assert_eq!((e.location.as_str(), e.location_type), (location, "body"));
        }
    }

    #[test]
    fn membership_patches_as_the_chat_sdk_sends_them() {
        let (set, delete) = memberships_patch(
            ObjectKind::Uuid,
            br#"{"set":[{"channel":{"id":"chats.room1"},"status":"","custom":{"role":"host"}}]}"#,
        )
        .unwrap();
        assert!(delete.is_empty());
        assert_eq!(
            set,
            [MembershipPatch {
                other: "chats.room1".into(),
                status: Some(Some(String::new())),
                object_type: None,
                custom: Some(Some(r#"{"role":"host"}"#.into())),
            }]
        );
        let (set, delete) = memberships_patch(
            ObjectKind::Channel,
            br#"{"set":[{"uuid":{"id":"bob"},"custom":{"ban":false,"mute":true,"reason":null}}],"delete":[{"uuid":{"id":"carol"}}]}"#,
        )
        .unwrap();
        assert_eq!(
            set[0].custom,
            Some(Some(r#"{"ban":false,"mute":true,"reason":null}"#.into()))
        );
        assert_eq!(delete, ["carol"]);
        let e =
            memberships_patch(ObjectKind::Uuid, br#"{"set":[{"uuid":{"id":"x"}}]}"#).unwrap_err();
        assert_eq!(e.location, "set[0].channel.id");
        let e = memberships_patch(
            ObjectKind::Uuid,
            br#"{"set":[{"channel":{"id":"x"},"status":3}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.location, "set[0].status");
        assert!(memberships_patch(ObjectKind::Uuid, br#"{"delete":{}}"#).is_err());
    }
}
