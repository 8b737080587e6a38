//! Request input: the query string, percent-encoded path segments, channel-name rules
//! (reference section 0.9), numeric parameters and request-body decompression.
//!
//! Everything here is pure and rejects bad input with an [`InputError`] naming the field; it never
//! panics on what a client sent.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use percent_encoding::percent_decode_str;

use super::store::channel_name_problem;

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

fn decode_component(raw: &str) -> String {
    let spaced: Cow<str> = if raw.contains('+') {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

impl Query {
    /// Parses `a=1&b=x%20y` (`+` is a space); a key without `=` has an empty value.
    pub fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode_component(k), decode_component(v)),
                None => (decode_component(p), String::new()),
            })
            .collect();
        Query { pairs }
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

/// Why a request body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit, before or after inflating.
    TooLarge,
    /// Declared or recognisably compressed, but not valid compressed data.
    Corrupt,
}

fn is_zlib_header(b: &[u8]) -> bool {
    b.len() >= 2
        && b[0] & 0x0f == 8
        && b[0] >> 4 <= 7
        && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0
}

fn inflate_with<R: Read>(decoder: R, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| BodyError::Corrupt)?;
    if out.len() > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(out)
}

/// Inflates a request body that is gzip or zlib (deflate) compressed, whatever the
/// `Content-Encoding` header says: gzip is recognised by its magic bytes, zlib by its header
/// check. The output is bounded by `limit`, so a decompression bomb fails with
/// [`BodyError::TooLarge`] after at most `limit + 1` bytes.
pub fn inflate_body<'a>(
    raw: &'a [u8],
    content_encoding: Option<&str>,
    limit: usize,
) -> Result<Cow<'a, [u8]>, BodyError> {
    if raw.len() > limit {
        return Err(BodyError::TooLarge);
    }
    let declared = content_encoding
        .map(|e| e.trim().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "gzip" | "x-gzip" | "deflate"));
    if raw.starts_with(&[0x1f, 0x8b]) {
        return inflate_with(MultiGzDecoder::new(raw), limit).map(Cow::Owned);
    }
    if is_zlib_header(raw) {
        match inflate_with(ZlibDecoder::new(raw), limit) {
            Ok(out) => return Ok(Cow::Owned(out)),
            Err(BodyError::TooLarge) => return Err(BodyError::TooLarge),
            // A plain body that happens to look like a zlib header (`80`): use it as sent.
            Err(BodyError::Corrupt) if !declared => return Ok(Cow::Borrowed(raw)),
            Err(BodyError::Corrupt) => {}
        }
    }
    if declared && !raw.is_empty() {
        return match inflate_with(DeflateDecoder::new(raw), limit) {
            Ok(out) => Ok(Cow::Owned(out)),
            Err(BodyError::TooLarge) => Err(BodyError::TooLarge),
            // Mislabelled plain JSON: JSON cannot start like compressed data that fails here.
            Err(BodyError::Corrupt) if looks_like_json(raw) => Ok(Cow::Borrowed(raw)),
            Err(BodyError::Corrupt) => Err(BodyError::Corrupt),
        };
    }
    Ok(Cow::Borrowed(raw))
}

fn looks_like_json(raw: &[u8]) -> bool {
    raw.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| {
            matches!(
                b,
                b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use std::io::Write;

    fn compress<W: Write>(mut enc: W, data: &[u8]) -> W {
        enc.write_all(data).unwrap();
        enc
    }

    #[test]
    fn query_decodes_percent_and_plus_and_keeps_order() {
        let q = Query::parse(Some(
            "uuid=bob%20smith&meta=%7B%22a%22%3A1%7D&x=a+b&flag&uuid=2",
        ));
        assert_eq!(q.get("uuid"), Some("bob smith"));
        assert_eq!(q.get("meta"), Some("{\"a\":1}"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("flag"), Some(""));
        assert_eq!(q.pairs().count(), 5);
    }

    #[test]
    fn page_sizes_default_clamp_and_reject() {
        let q = Query::parse(Some("limit=500&max=7&bad=x&zero=0"));
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
        ));
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

    #[test]
    fn bodies_inflate_by_content_not_by_header() {
        let json = br#"{"type":"reaction","value":"x"}"#;
        let z = compress(ZlibEncoder::new(Vec::new(), Compression::default()), json)
            .finish()
            .unwrap();
        let g = compress(GzEncoder::new(Vec::new(), Compression::default()), json)
            .finish()
            .unwrap();
        let d = compress(
            DeflateEncoder::new(Vec::new(), Compression::default()),
            json,
        )
        .finish()
        .unwrap();
        assert_eq!(inflate_body(&z, None, 1024).unwrap().as_ref(), json);
        assert_eq!(inflate_body(&z, Some("gzip"), 1024).unwrap().as_ref(), json);
        assert_eq!(
            inflate_body(&g, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(
            inflate_body(&d, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(
            inflate_body(json, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(inflate_body(b"80", None, 1024).unwrap().as_ref(), b"80");
        assert_eq!(
            inflate_body(&[0x1f, 0x8b, 1, 2], None, 1024),
            Err(BodyError::Corrupt)
        );
    }

    #[test]
    fn a_decompression_bomb_hits_the_size_limit() {
        let zeros = vec![0u8; 10 * 1024 * 1024];
        let bomb = compress(ZlibEncoder::new(Vec::new(), Compression::best()), &zeros)
            .finish()
            .unwrap();
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            inflate_body(&bomb, None, 1024 * 1024),
            Err(BodyError::TooLarge)
        );
        assert_eq!(inflate_body(&zeros, None, 1024), Err(BodyError::TooLarge));
    }
}
