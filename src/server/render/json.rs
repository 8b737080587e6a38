//! Building JSON answers by hand where stored payloads (already compact JSON text) must be
//! embedded as they are, without parsing them again: history items and subscribe envelopes.
//! Generic JSON pieces only: nothing PubNub-specific belongs here.

/// Appends `s` as a JSON string literal (quotes and escapes included). Takes bytes, as
/// stored text is read without checking it again; text that is not UTF-8 goes out as it is.
pub fn push_str(out: &mut Vec<u8>, s: impl AsRef<[u8]>) {
    let s = s.as_ref();
    out.reserve(s.len() + 2);
    out.push(b'"');
    // Fast path: most text needs no escape at all.
    if !s.iter().any(|&b| needs_escape(b)) {
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
    let mut plain_from = 0;
    for (i, &b) in s.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&s[plain_from..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        plain_from = i + 1;
    }
    out.extend_from_slice(&s[plain_from..]);
    out.push(b'"');
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `"key":` to an object being built.
pub fn push_key(out: &mut Vec<u8>, key: impl AsRef<[u8]>) {
    push_str(out, key);
    out.push(b':');
}

/// Appends a timetoken as the JSON string the wire wants: `"15610547826970050"`.
pub fn push_tt(out: &mut Vec<u8>, tt: u64) {
    out.push(b'"');
    push_u64(out, tt);
    out.push(b'"');
}

/// Two decimal digits of 0..=99, back to back.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends a bare number (two digits at a time: timetokens are written by the hundred).
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    out.extend_from_slice(&digits[at..]);
}

/// The text of JSON rendered from text only (as subscribe items are).
pub fn into_text(json: Vec<u8>) -> String {
    String::from_utf8(json).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Pieces of JSON rendered one after another into one buffer, each tagged with a key, to be
/// put together in another order (rows come newest first, answers go oldest first) without an
/// allocation per piece.
#[derive(Debug, Default)]
pub struct Pieces {
    buf: Vec<u8>,
    spans: Vec<(u64, usize, usize)>,
}

impl Pieces {
    pub fn with_capacity(pieces: usize, bytes_each: usize) -> Self {
        Pieces {
            buf: Vec::with_capacity(pieces * bytes_each),
            spans: Vec::with_capacity(pieces),
        }
    }

    /// Starts a piece; write it into [`Pieces::buf`], then call [`Pieces::end`].
    pub fn begin(&mut self, key: u64) {
        let at = self.buf.len();
        self.spans.push((key, at, at));
    }

    /// The buffer the current piece is written into.
    pub fn buf(&mut self) -> &mut Vec<u8> {
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
    pub fn get(&self, i: usize) -> Option<(u64, &[u8])> {
        let (key, from, to) = *self.spans.get(i)?;
        self.buf.get(from..to).map(|text| (key, text))
    }

    /// The text of the piece with `key`, when keys were added in ascending order.
    pub fn find_sorted(&self, key: u64) -> Option<&[u8]> {
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
            let mut out = Vec::new();
            push_str(&mut out, s);
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
        let mut out = Vec::new();
        push_tt(&mut out, 15610547826970050);
        assert_eq!(out, b"\"15610547826970050\"");
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
            let mut out = Vec::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    #[test]
    fn pieces_come_back_by_position_and_by_key() {
        let mut p = Pieces::default();
        for (k, text) in [(3, "three"), (5, "five"), (9, "")] {
            p.begin(k);
            p.buf().extend_from_slice(text.as_bytes());
            p.end();
        }
        assert_eq!((p.len(), p.bytes()), (3, 9));
        assert_eq!(p.get(1), Some((5, &b"five"[..])));
        assert_eq!(p.find_sorted(3), Some(&b"three"[..]));
        assert_eq!(p.find_sorted(9), Some(&b""[..]));
        assert_eq!(p.find_sorted(4), None);
        assert_eq!(p.get(3), None);
    }
}
