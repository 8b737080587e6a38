//! Request signatures (reference section 5): the canonical query, signature v2 for every request,
//! and the v1 form that Python and Kotlin use for POST publish. The embedded server verifies with
//! the same functions the client signs with.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

/// Every byte but `A-Z a-z 0-9 - _ .` is percent-encoded (uppercase hex).
const PAM_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Percent-encodes a query value the way the signature expects it.
pub fn pam_encode(value: &str) -> String {
    utf8_percent_encode(value, PAM_SET).to_string()
}

/// The canonical query: every parameter except `signature`, sorted by key, `k=v` joined by `&`,
/// values percent-encoded by [`pam_encode`]. Parameters are given decoded.
pub fn canonical_query<'a, I>(params: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut pairs: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(k, _)| *k != "signature")
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(&pam_encode(v));
    }
    out
}

/// What is signed, and how.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    pub method: &'a str,
    pub publish_key: &'a str,
    pub subscribe_key: &'a str,
    /// The raw, still percent-encoded path, as sent.
    pub path: &'a str,
    /// From [`canonical_query`].
    pub canonical_query: &'a str,
    /// The request body as sent (empty when there is none).
    pub body: &'a [u8],
}

fn hmac_base64(secret: &str, input: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(input);
    URL_SAFE.encode(mac.finalize().into_bytes())
}

/// Signature v2: `v2.` + unpadded base64url HMAC-SHA256 of
/// `METHOD\npub_key\npath\nquery\nbody`.
pub fn sign_v2(secret: &str, input: &SignInput) -> String {
    let mut text = Vec::with_capacity(64 + input.path.len() + input.body.len());
    text.extend_from_slice(input.method.to_ascii_uppercase().as_bytes());
    text.push(b'\n');
    text.extend_from_slice(input.publish_key.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(input.path.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(input.canonical_query.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(input.body);
    let sig = hmac_base64(secret, &text);
    format!("v2.{}", sig.trim_end_matches('='))
}

/// Signature v1 (POST publish from Python and Kotlin): padded base64url HMAC-SHA256 of
/// `sub_key\npub_key\npath\nquery`.
pub fn sign_v1(secret: &str, input: &SignInput) -> String {
    let text = format!(
        "{}\n{}\n{}\n{}",
        input.subscribe_key, input.publish_key, input.path, input.canonical_query
    );
    hmac_base64(secret, text.as_bytes())
}

/// Compares two signatures in time independent of where they first differ.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pam_encode_leaves_only_unreserved_characters() {
        assert_eq!(pam_encode("a b*!'()~[]"), "a%20b%2A%21%27%28%29%7E%5B%5D");
        assert_eq!(pam_encode("Az09-_."), "Az09-_.");
        assert_eq!(pam_encode("👍"), "%F0%9F%91%8D");
    }

    #[test]
    fn canonical_query_sorts_and_drops_the_signature() {
        let q = canonical_query([
            ("uuid", "bob smith"),
            ("signature", "v2.x"),
            ("auth", "k"),
            ("timestamp", "1700000000"),
        ]);
        assert_eq!(q, "auth=k&timestamp=1700000000&uuid=bob%20smith");
    }

    #[test]
    fn v2_matches_an_independent_hmac_computation() {
        // Expected value computed with Python's hmac/hashlib/base64 (urlsafe, '=' stripped) over
        // "GET\npub\n/time/0\nuuid=u\n" with secret "sec".
        let input = SignInput {
            method: "get",
            publish_key: "pub",
            subscribe_key: "sub",
            path: "/time/0",
            canonical_query: "uuid=u",
            body: b"",
        };
        let sig = sign_v2("sec", &input);
        assert_eq!(sig, "v2.PmQmu6j2H4YsmnYbvMyZg6B_TnZVjkpMjH_OJ_c3wKo");
        assert!(!sig.ends_with('='));
        assert_eq!(
            sig,
            sign_v2(
                "sec",
                &SignInput {
                    method: "GET",
                    ..input
                }
            )
        );
        assert_ne!(sig, sign_v2("other", &input));
        assert!(sign_v1("sec", &input).ends_with('='));
    }

    #[test]
    fn constant_time_compare() {
        assert!(signatures_equal("v2.abc", "v2.abc"));
        assert!(!signatures_equal("v2.abc", "v2.abd"));
        assert!(!signatures_equal("v2.abc", "v2.ab"));
    }
}
