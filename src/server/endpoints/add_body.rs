//! The body of an add-action request, read straight into what the handler needs: no JSON tree
//! is built, and strings without escapes are borrowed from the body. It answers exactly as
//! reading the body as a [`serde_json::Value`] did: any JSON that is not an object is refused
//! as such, other members are ignored, and of repeated members the last counts.
//! Pure: it must not panic on any body, and knows nothing of the store.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::params::InputError;

/// The parsed body.
pub enum AddBody<'a> {
    Object {
        action_type: Field<'a>,
        value: Field<'a>,
    },
    /// Valid JSON, not an object.
    NotObject,
}

/// One member of the object.
#[derive(Default)]
pub enum Field<'a> {
    /// Absent or `null`.
    #[default]
    Missing,
    Text(Cow<'a, str>),
    /// Any other JSON value.
    Other,
}

impl Field<'_> {
    /// The member as a non-empty string, or the error naming it.
    pub fn text(self, name: &str) -> Result<String, InputError> {
        match self {
            Field::Missing => Err(InputError::new("Missing field", name, "body")),
            Field::Text(s) if !s.is_empty() => Ok(s.into_owned()),
            _ => Err(InputError::new("Must be a non-empty string", name, "body")),
        }
    }
}

/// The visitor methods of the JSON values a visitor answers `$other` to whatever they hold:
/// booleans, numbers and arrays (whose elements are skipped).
macro_rules! answer_other {
    ($t:ty, $other:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$t, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($other)
        }
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
    };
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;
    answer_other!(Field<'de>, Field::Other);
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Field<'de>, E> {
        Ok(Field::Text(Cow::Owned(s.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Missing)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

/// A member's name: one of the two wanted, or another.
enum Key {
    Type,
    Value,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "type" => Key::Type,
                    "value" => Key::Value,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = AddBody<'de>;
    answer_other!(AddBody<'de>, AddBody::NotObject);
    fn visit_str<E: de::Error>(self, _: &str) -> Result<AddBody<'de>, E> {
        Ok(AddBody::NotObject)
    }
    fn visit_unit<E: de::Error>(self) -> Result<AddBody<'de>, E> {
        Ok(AddBody::NotObject)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AddBody<'de>, A::Error> {
        let (mut action_type, mut value) = (Field::Missing, Field::Missing);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type => action_type = map.next_value()?,
                Key::Value => value = map.next_value()?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(AddBody::Object { action_type, value })
    }
}

impl<'de> Deserialize<'de> for AddBody<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BodyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading the body as a `Value` answered.
    fn old(body: &[u8]) -> Result<(String, String), (String, String)> {
        fn e<T>(m: &str, l: &str) -> Result<T, (String, String)> {
            Err((m.to_string(), l.to_string()))
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return e("Invalid JSON", "");
        };
        let Some(map) = v.as_object() else {
            return e("Expected a JSON object", "");
        };
        let field = |name: &str| match map.get(name) {
            None | Some(serde_json::Value::Null) => e("Missing field", name),
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => e("Must be a non-empty string", name),
        };
        Ok((field("type")?, field("value")?))
    }

    fn new(body: &[u8]) -> Result<(String, String), (String, String)> {
        let parsed = serde_json::from_slice::<AddBody<'_>>(body);
        let wrap = |e: InputError| (e.message, e.location);
        match parsed {
            Err(_) => Err(("Invalid JSON".into(), String::new())),
            Ok(AddBody::NotObject) => Err(("Expected a JSON object".into(), String::new())),
            Ok(AddBody::Object { action_type, value }) => Ok((
                action_type.text("type").map_err(wrap)?,
                value.text("value").map_err(wrap)?,
            )),
        }
    }

    #[test]
    fn answers_as_reading_a_value_did() {
        for body in [
            r#"{"type":"reaction","value":"\ud83d\udc4d"}"#,
            r#"{"value":"x","type":"r","extra":{"a":[1,{"b":null}]},"n":1.5}"#,
            r#"{"type":"a","type":"b","value":"v"}"#,
            r#"{"type":"a","value":"v","value":null}"#,
            r#"{"ty\u0070e":"esc","value":"v"}"#,
            r#"{"type":"","value":"x"}"#,
            r#"{"type":1,"value":"x"}"#,
            r#"{"type":"x","value":[]}"#,
            r#"{"type":"x","value":{}}"#,
            r#"{"type":"x","value":true}"#,
            r#"{"type":null,"value":"x"}"#,
            r#"{"type":"x"}"#,
            r#"{}"#,
            r#"[]"#,
            r#"[1,2]"#,
            r#""str""#,
            r#"null"#,
            r#"12"#,
            r#"{nope"#,
            r#"{"type":"x","value":"y"} trailing"#,
            r#"{"type":"x","value":"y"}  "#,
            "",
        ] {
            assert_eq!(new(body.as_bytes()), old(body.as_bytes()), "{body}");
        }
    }
}
