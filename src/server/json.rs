//! Building JSON answers by hand where stored payloads (already compact JSON text) must be
//! embedded as they are, without parsing them again: history items and subscribe envelopes.

/// Appends `s` as a JSON string literal (quotes and escapes included).
pub fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut plain_from = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x00..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[plain_from..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        plain_from = i + 1;
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `"key":` to an object being built.
pub fn push_key(out: &mut String, key: &str) {
    push_str(out, key);
    out.push(':');
}

/// Appends a timetoken as the JSON string the wire wants: `"15610547826970050"`.
pub fn push_tt(out: &mut String, tt: u64) {
    out.push('"');
    push_u64(out, tt);
    out.push('"');
}

/// Two decimal digits of 0..=99, back to back.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends a bare number (two digits at a time: timetokens are written by the hundred).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while n >= 100 {
        let pair = usize::try_from(n % 100).unwrap_or(0) * 2;
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = usize::try_from(n).unwrap_or(0) * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// Pieces of JSON rendered one after another into one buffer, each tagged with a key, to be
/// put together in another order (rows come newest first, answers go oldest first) without an
/// allocation per piece.
#[derive(Debug, Default)]
pub struct Pieces {
    buf: String,
    spans: Vec<(u64, usize, usize)>,
}

impl Pieces {
    pub fn with_capacity(pieces: usize, bytes_each: usize) -> Self {
        Pieces {
            buf: String::with_capacity(pieces * bytes_each),
            spans: Vec::with_capacity(pieces),
        }
    }

    /// Starts a piece; write it into [`Pieces::buf`], then call [`Pieces::end`].
    pub fn begin(&mut self, key: u64) {
        let at = self.buf.len();
        self.spans.push((key, at, at));
    }

    /// The buffer the current piece is written into.
    pub fn buf(&mut self) -> &mut String {
        &mut self.buf
    }

    /// Ends the current piece.
    pub fn end(&mut self) {
        let len = self.buf.len();
        if let Some(last) = self.spans.last_mut() {
            last.2 = len;
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Total bytes of all pieces.
    pub fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// Key and text of piece `i`.
    pub fn get(&self, i: usize) -> Option<(u64, &str)> {
        let (key, from, to) = *self.spans.get(i)?;
        self.buf.get(from..to).map(|text| (key, text))
    }

    /// The text of the piece with `key`, when keys were added in ascending order.
    pub fn find_sorted(&self, key: u64) -> Option<&str> {
        let i = self.spans.partition_point(|(k, _, _)| *k < key);
        self.get(i).filter(|(k, _)| *k == key).map(|(_, text)| text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_serde_json() {
        for s in [
            "plain",
            "quote\" back\\slash",
            "nl\n tab\t cr\r",
            "\u{1}\u{1f}",
            "👍 é",
            "",
        ] {
            let mut out = String::new();
            push_str(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
        let mut out = String::new();
        push_tt(&mut out, 15610547826970050);
        assert_eq!(out, "\"15610547826970050\"");
        for n in [
            0,
            7,
            10,
            99,
            100,
            101,
            1_000_000,
            15610547826970050,
            u64::MAX,
        ] {
            let mut out = String::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn pieces_come_back_by_position_and_by_key() {
        let mut p = Pieces::default();
        for (k, text) in [(3, "three"), (5, "five"), (9, "")] {
            p.begin(k);
            p.buf().push_str(text);
            p.end();
        }
        assert_eq!((p.len(), p.bytes()), (3, 9));
        assert_eq!(p.get(1), Some((5, "five")));
        assert_eq!(p.find_sorted(3), Some("three"));
        assert_eq!(p.find_sorted(9), Some(""));
        assert_eq!(p.find_sorted(4), None);
        assert_eq!(p.get(3), None);
    }
}
