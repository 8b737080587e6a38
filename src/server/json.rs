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

/// Appends a bare number.
pub fn push_u64(out: &mut String, n: u64) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{n}");
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
    }
}
