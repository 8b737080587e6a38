//! The keyset's side of Access Manager tokens: the clock tokens are issued and expire by, the
//! signature the server puts in a token, and compiling a token's patterns.
//!
//! The service does not publish how it computes `sig`, and clients never check it; this server
//! signs with `HMAC-SHA256(secret key, "reactions-am-v1" 0x00 sub_key 0x00 CBOR)`, where CBOR
//! is the token's map without `sig` in the service's layout. The subscribe key in the input
//! binds a token to its keyset: one minted for another keyset, or with another secret, never
//! verifies. Pure, apart from reading the system time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use regex::{Regex, RegexBuilder};
use sha2::Sha256;

use crate::pubnub::token::Token;

/// What separates this server's token signatures from any other use of the secret.
const SIGNATURE_DOMAIN: &[u8] = b"reactions-am-v1";
/// Largest compiled pattern (the regex engine's own bound on memory).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The clock tokens are issued and expire by, in Unix seconds: the system's, moved by an
/// offset that tests change to expire a token without waiting for it. Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct AccessClock {
    offset_seconds: Arc<AtomicI64>,
}

impl AccessClock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> u64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let offset = self.offset_seconds.load(Ordering::Relaxed);
        system.saturating_add_signed(offset)
    }

    /// Moves this clock (and every clone of it) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// Signs and verifies the tokens of one keyset's secret.
#[derive(Clone)]
pub struct TokenKeys {
    secret: Arc<str>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<secret>)")
    }
}

impl TokenKeys {
    pub fn new(secret: &str) -> Self {
        TokenKeys {
            secret: Arc::from(secret),
        }
    }

    fn mac(&self, sub_key: &str, token: &Token) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(SIGNATURE_DOMAIN);
        mac.update(&[0]);
        mac.update(sub_key.as_bytes());
        mac.update(&[0]);
        mac.update(&token.unsigned_cbor());
        mac
    }

    /// The signature of `token` on `sub_key` (its `signature` field is ignored).
    pub fn sign(&self, sub_key: &str, token: &Token) -> Vec<u8> {
        self.mac(sub_key, token).finalize().into_bytes().to_vec()
    }

    /// Whether `token` was signed by this secret for `sub_key` (in constant time).
    pub fn verify(&self, sub_key: &str, token: &Token) -> bool {
        self.mac(sub_key, token)
            .verify_slice(&token.signature)
            .is_ok()
    }
}

/// Why a pattern cannot be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// The service allows only non-capturing groups.
    Capturing,
    Syntax(String),
}

/// Whether a repetition operator follows another (`a++`, `a*{2}`), which the service refuses
/// ("multiple repeat") and RE2 too; a `?` after one makes it lazy and is allowed once.
fn has_multiple_repeat(pattern: &str) -> bool {
    let mut chars = pattern.chars().peekable();
    let mut after_repeat = false;
    while let Some(c) = chars.next() {
        let repeat = match c {
            '\\' => {
                chars.next();
                false
            }
            '[' => {
                // A class ends at the first `]` that is not its first member.
                let _ = chars.next_if_eq(&'^');
                let _ = chars.next_if_eq(&']');
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        ']' => break,
                        _ => {}
                    }
                }
                false
            }
            '*' | '+' | '?' => true,
            '{' => {
                let rest: String = chars.clone().take_while(|c| *c != '}').collect();
                let counted = !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_digit() || c == ',')
                    && rest.starts_with(|c: char| c.is_ascii_digit());
                if counted {
                    for _ in 0..=rest.chars().count() {
                        chars.next();
                    }
                }
                counted
            }
            _ => false,
        };
        if repeat && after_repeat {
            return true;
        }
        after_repeat = repeat;
        if repeat {
            let _ = chars.next_if_eq(&'?');
        }
    }
    false
}

/// Compiles a token pattern: RE2 syntax (the `regex` crate: linear time, no backtracking),
/// searched anywhere in a name unless anchored (`^...$`), as the service's examples anchor.
pub fn compile_pattern(pattern: &str) -> Result<Regex, PatternError> {
    if has_multiple_repeat(pattern) {
        return Err(PatternError::Syntax("multiple repeat".into()));
    }
    let regex = RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let why = text
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or(text.lines().next().unwrap_or("invalid"));
            PatternError::Syntax(why.to_string())
        })?;
    if regex.captures_len() > 1 {
        return Err(PatternError::Capturing);
    }
    Ok(regex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::token::parse_token;

    #[test]
    fn a_signature_binds_the_secret_the_keyset_and_every_field() {
        let real = "p0F2AkF0GmgvIEBDdHRsGDxDcmVzpURjaGFuoWx0ZXN0LWNoYW5uZWwBQ2dycKBDc3BjoWx0ZXN0LWNoYW5uZWwBQ3VzcqBEdXVpZKBDcGF0pURjaGFuoENncnCgQ3NwY6BDdXNyoER1dWlkoERtZXRho2ZhcHBfaWRmbXktYXBwbGN1c3RvbV9maWVsZGV2YWx1ZWl1c2VyX3R5cGVlYWRtaW5Dc2lnWCDDmvAjoWoz6uYOB0oa9rTtzvwwdQtSLlsk4nyXcoKpXQ==";
        let mut t = parse_token(real).unwrap();
        let keys = TokenKeys::new("sec");
        assert!(
            !keys.verify("sub", &t),
            "the service's own signature is not ours"
        );
        t.signature = keys.sign("sub", &t);
        assert_eq!(t.signature.len(), 32);
        assert!(keys.verify("sub", &t));
        assert!(!keys.verify("other-sub", &t));
        assert!(!TokenKeys::new("other").verify("sub", &t));
        let reread = parse_token(&t.encode()).unwrap();
        assert!(keys.verify("sub", &reread));
        let mut changed = reread.clone();
        changed.ttl += 1;
        assert!(!keys.verify("sub", &changed));
        let mut changed = reread;
        changed.authorized_uuid = Some("mallory".into());
        assert!(!keys.verify("sub", &changed));
    }

    #[test]
    fn patterns_are_re2_without_capturing_groups() {
        assert!(
            compile_pattern("^chats\\.[a-z0-9]+$")
                .unwrap()
                .is_match("chats.room1")
        );
        assert!(matches!(
            compile_pattern("(!<[^>]+>)+"),
            Err(PatternError::Capturing)
        ));
        assert!(compile_pattern("(?:a|b)+").is_ok());
        assert_eq!(
            compile_pattern("!<[^>]+>++").err(),
            Some(PatternError::Syntax("multiple repeat".into()))
        );
        for fine in [
            "a+?b*?c??",
            "[+*]+",
            "a{2}b{1,3}?",
            "\\++",
            "^-\\S*$",
            "[]+]+",
        ] {
            assert!(compile_pattern(fine).is_ok(), "{fine}");
        }
        for bad in ["a**", "a+*", "a{2}+", "a??+", "(?:a)+{2}"] {
            assert!(compile_pattern(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            compile_pattern("a{1000}{1000}"),
            Err(PatternError::Syntax(_))
        ));
    }

    #[test]
    fn the_clock_moves_for_every_clone() {
        let c = AccessClock::default();
        let before = c.now();
        c.clone().advance(3600);
        assert!(c.now() >= before + 3600);
    }
}
