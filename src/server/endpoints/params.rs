//! Request input: the query string, percent-encoded path segments, channel names (the rules
//! of reference section 0.9), keys and numeric parameters.
//!
//! Everything here is pure and rejects bad input with an [`InputError`] naming the field; it never
//! panics on what a client sent.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use crate::server::store::channel_name_problem;

/// One rejected input: what is wrong, which field and where it was (`path`, `query`, `body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub message: String,
    pub location: String,
    pub location_type: &'static str,
}

impl InputError {
    pub fn new(message: impl Into<String>, location: &str, location_type: &'static str) -> Self {
        InputError {
            message: message.into(),
            location: location.to_string(),
            location_type,
        }
    }

    fn query(message: impl Into<String>, field: &str) -> Self {
        Self::new(message, field, "query")
    }

    fn path(message: impl Into<String>, field: &str) -> Self {
        Self::new(message, field, "path")
    }
}

/// The decoded query string, in the order sent (duplicates kept, for the signature).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

/// Longest `uuid` the service accepts, in characters.
pub const MAX_UUID_CHARS: usize = 92;

/// One query component, percent-decoded; `None` when the bytes are not UTF-8 (never replaced:
/// two different uuids must not decode to the same text).
fn decode_component(raw: &str) -> Option<String> {
    let spaced: Cow<str> = if raw.contains('+') {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

impl Query {
    /// Parses `a=1&b=x%20y` (`+` is a space); a key without `=` has an empty value. A key or
    /// value whose percent-encoding is not UTF-8 is refused, naming the parameter.
    pub fn parse(raw: Option<&str>) -> Result<Query, InputError> {
        let not_utf8 = |key: &str| {
            let shown = decode_component(key).unwrap_or_else(|| "query".into());
            InputError::query(format!("Invalid {shown}: not UTF-8"), &shown)
        };
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                match (decode_component(k), decode_component(v)) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err(not_utf8(k)),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Query { pairs })
    }

    /// The request's `uuid`, refused when longer than the service allows.
    pub fn uuid(&self) -> Result<Option<&str>, InputError> {
        match self.get("uuid") {
            Some(u) if u.chars().count() > MAX_UUID_CHARS => Err(InputError::query(
                format!("Invalid uuid: longer than {MAX_UUID_CHARS} characters"),
                "uuid",
            )),
            other => Ok(other),
        }
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is `true` or `1`.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// Every pair, decoded.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A timetoken parameter (`start`, `end`, `tt`): absent, or decimal digits.
    pub fn timetoken(&self, key: &str) -> Result<Option<u64>, InputError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => parse_timetoken(v)
                .map(Some)
                .ok_or_else(|| InputError::query(format!("Invalid {key}"), key)),
        }
    }

    /// A page size (`limit`, `max`): absent gives `default`, larger than `cap` is clamped, zero
    /// or non-numeric is an error.
    pub fn page_size(&self, key: &str, default: u32, cap: u32) -> Result<u32, InputError> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some(v) => match v.parse::<u64>() {
                Ok(0) | Err(_) => Err(InputError::query(format!("Invalid {key}"), key)),
                Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX).min(cap)),
            },
        }
    }
}

/// Parses a timetoken as stored: decimal digits that fit SQLite's signed 64-bit integers.
pub fn parse_timetoken(v: &str) -> Option<u64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<u64>().ok().filter(|n| *n <= i64::MAX as u64)
}

/// Percent-decodes one path segment; it must be UTF-8.
pub fn decode_segment(raw: &str, field: &str) -> Result<String, InputError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| InputError::path(format!("Invalid {field}: not UTF-8"), field))
}

/// Decodes and checks one channel-name segment.
pub fn channel(raw: &str) -> Result<String, InputError> {
    let name = decode_segment(raw, "channel")?;
    match channel_name_problem(&name) {
        None => Ok(name),
        Some(why) => Err(InputError::path(
            format!("Invalid channel: {why}"),
            "channel",
        )),
    }
}

/// Decodes a comma-joined list of channels (each name encoded, commas bare). Empty entries (as
/// in `,`, which subscribes to groups only) are skipped.
pub fn channel_list(raw: &str) -> Result<Vec<String>, InputError> {
    raw.split(',')
        .filter(|c| !c.is_empty())
        .map(channel)
        .collect()
}

/// Decodes and checks a publish or subscribe key: non-empty, no control characters.
pub fn key(raw: &str, field: &str) -> Result<String, InputError> {
    let k = decode_segment(raw, field)?;
    if k.is_empty() || k.len() > 256 || k.chars().any(char::is_control) {
        return Err(InputError::path(format!("Invalid {field}"), field));
    }
    Ok(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decodes_percent_and_plus_and_keeps_order() {
        let q = Query::parse(Some(
            "uuid=bob%20smith&meta=%7B%22a%22%3A1%7D&x=a+b&flag&uuid=2",
        ))
        .unwrap();
        assert_eq!(q.get("uuid"), Some("bob smith"));
        assert_eq!(q.get("meta"), Some("{\"a\":1}"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.pairs().count(), 5);
    }

    #[test]
    fn percent_encoding_that_is_not_utf8_is_refused_not_replaced() {
        let e = Query::parse(Some("a=1&uuid=%FF")).unwrap_err();
        assert_eq!((e.location.as_str(), e.location_type), ("uuid", "query"));
        assert!(e.message.contains("not UTF-8"), "{e:?}");
        assert!(Query::parse(Some("%C3=1")).is_err());
        assert_eq!(
            Query::parse(Some("uuid=%C3%A9")).unwrap().get("uuid"),
            Some("é")
        );
    }

    #[test]
    fn a_uuid_is_at_most_92_characters() {
        let ok = format!("uuid={}", "é".repeat(92));
        assert!(Query::parse(Some(&ok)).unwrap().uuid().is_ok());
        let long = format!("uuid={}", "a".repeat(93));
        let e = Query::parse(Some(&long)).unwrap().uuid().unwrap_err();
        assert_eq!(e.location, "uuid");
    }

    #[test]
    fn page_sizes_default_clamp_and_reject() {
        let q = Query::parse(Some("limit=500&max=7&bad=x&zero=0")).unwrap();
        assert_eq!(q.page_size("limit", 100, 100), Ok(100));
        assert_eq!(q.page_size("max", 100, 100), Ok(7));
        assert_eq!(q.page_size("missing", 25, 25), Ok(25));
        assert!(q.page_size("bad", 100, 100).is_err());
        assert!(q.page_size("zero", 100, 100).is_err());
    }

    #[test]
    fn timetokens_must_be_digits_that_fit_sqlite() {
        let q = Query::parse(Some(
            "start=15610547826970050&end=-1&tt=99999999999999999999",
        ))
        .unwrap();
        assert_eq!(q.timetoken("start"), Ok(Some(15610547826970050)));
        assert!(q.timetoken("end").is_err());
        assert!(q.timetoken("tt").is_err());
        assert_eq!(q.timetoken("none"), Ok(None));
        assert_eq!(parse_timetoken(&(i64::MAX as u64 + 1).to_string()), None);
    }

    #[test]
    fn channel_names_follow_the_documented_rules() {
        assert_eq!(channel("chats.room1"), Ok("chats.room1".to_string()));
        assert_eq!(channel("a%231"), Ok("a#1".to_string()));
        assert_eq!(channel("%F0%9F%91%8D"), Ok("👍".to_string()));
        for bad in [
            "", "a%2Cb", "a:b", "a*", "a%2Fb", "a%5Cb", "a%20b", "a%00", "a%0A", "%FF",
        ] {
            assert!(channel(bad).is_err(), "{bad} should be rejected");
        }
        let longest = "é".repeat(92);
        assert!(channel_name_problem(&longest).is_none());
        assert!(channel_name_problem(&"a".repeat(93)).is_some());
    }

    #[test]
    fn channel_lists_split_on_bare_commas() {
        assert_eq!(channel_list("a,b%23c").unwrap(), vec!["a", "b#c"]);
        assert!(channel_list(",").unwrap().is_empty());
        assert!(channel_list("a,b%2Cc").is_err());
    }
}
