//! Request signatures (reference section 5), checked when the server has a secret key.
//!
//! The keyset is (publish key, any subscribe key): non-publish paths carry only the subscribe
//! key, so every signature is verified against the one configured publish key. A request must
//! carry `timestamp` within ±60 s of now and a `signature` over the raw, still percent-encoded
//! path, the canonical query of the decoded parameters and the raw body. POST publish also
//! accepts signature v1 (Python, Kotlin) and v2 signed as a GET without body (JavaScript).
//! Pure: it must not look at anything but the request and the keyset.

use crate::pubnub::sign::{SignInput, canonical_query, sign_v1, sign_v2, signatures_equal};
use crate::server::endpoints::params::Query;

/// Largest allowed distance between a request's `timestamp` and now, in seconds.
pub const MAX_SKEW_SECONDS: i64 = 60;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No `signature` or no `timestamp`.
    Unsigned,
    /// `timestamp` is not within the allowed window.
    Expired,
    /// The signature does not match.
    BadSignature,
}

impl Denied {
    /// The text of the 403 answer's `message`.
    pub fn message(self) -> &'static str {
        match self {
            Denied::Unsigned => "Forbidden",
            Denied::Expired => "Request timestamp outside of allowed window",
            Denied::BadSignature => "Signature does not match",
        }
    }
}

/// What of a request is signed.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub method: &'a str,
    /// Raw, still percent-encoded.
    pub path: &'a str,
    pub query: &'a Query,
    /// As received (before inflating).
    pub body: &'a [u8],
    /// The subscribe key from the path (signature v1 includes it).
    pub sub_key: &'a str,
    /// POST `/publish` or `/v2/publish`: also accept v1 and v2-as-GET.
    pub publish_post: bool,
}

/// Checks signatures for one keyset.
#[derive(Debug, Clone)]
pub struct Verifier {
    secret: String,
    publish_key: String,
}

impl Verifier {
    pub fn new(secret: String, publish_key: String) -> Self {
        Verifier {
            secret,
            publish_key,
        }
    }

    /// The keyset's publish key.
    pub fn publish_key(&self) -> &str {
        &self.publish_key
    }

    /// Accepts or refuses a request; `now` is Unix seconds.
    pub fn check(&self, r: &Signed<'_>, now: i64) -> Result<(), Denied> {
        let (Some(signature), Some(timestamp)) =
            (r.query.get("signature"), r.query.get("timestamp"))
        else {
            return Err(Denied::Unsigned);
        };
        match timestamp.parse::<i64>() {
            Ok(ts) if (ts - now).abs() <= MAX_SKEW_SECONDS => {}
            _ => return Err(Denied::Expired),
        }
        let query = canonical_query(r.query.pairs());
        let input = SignInput {
            method: r.method,
            publish_key: &self.publish_key,
            subscribe_key: r.sub_key,
            path: r.path,
            canonical_query: &query,
            body: r.body,
        };
        let matches = |expected: String| signatures_equal(&expected, signature);
        let ok = match r.publish_post {
            false => matches(sign_v2(&self.secret, &input)),
            true => {
                matches(sign_v2(&self.secret, &input))
                    || matches(sign_v1(&self.secret, &input))
                    || matches(sign_v2(
                        &self.secret,
                        &SignInput {
                            method: "GET",
                            body: b"",
                            ..input
                        },
                    ))
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Denied::BadSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn signed_query(v: &Verifier, method: &str, path: &str, body: &[u8], ts: i64) -> Query {
        let base = format!("uuid=alice%20b&timestamp={ts}");
        let q = Query::parse(Some(&base)).unwrap();
        let input = SignInput {
            method,
            publish_key: "demo",
            subscribe_key: "sk",
            path,
            canonical_query: &canonical_query(q.pairs()),
            body,
        };
        let sig = sign_v2(&v.secret, &input);
        Query::parse(Some(&format!("{base}&signature={sig}"))).unwrap()
    }

    fn req<'a>(q: &'a Query, method: &'a str, path: &'a str, body: &'a [u8]) -> Signed<'a> {
        Signed {
            method,
            path,
            query: q,
            body,
            sub_key: "sk",
            publish_post: path.starts_with("/publish"),
        }
    }

    #[test]
    fn accepts_good_signatures_and_refuses_the_rest() {
        let v = Verifier::new("sec".into(), "demo".into());
        let path = "/v1/message-actions/sk/channel/a%231/message/1";
        let body = br#"{"type":"r","value":"v"}"#;
        let q = signed_query(&v, "POST", path, body, NOW);
        assert_eq!(v.check(&req(&q, "POST", path, body), NOW + 30), Ok(()));
        assert_eq!(
            v.check(&req(&q, "POST", path, b"{}"), NOW),
            Err(Denied::BadSignature)
        );
        assert_eq!(
            v.check(
                &req(
                    &q,
                    "POST",
                    "/v1/message-actions/sk/channel/a%232/message/1",
                    body
                ),
                NOW
            ),
            Err(Denied::BadSignature)
        );
        assert_eq!(
            v.check(&req(&q, "POST", path, body), NOW + 61),
            Err(Denied::Expired)
        );
        let other = Verifier::new("other".into(), "demo".into());
        assert_eq!(
            other.check(&req(&q, "POST", path, body), NOW),
            Err(Denied::BadSignature)
        );
        let unsigned = Query::parse(Some("uuid=a")).unwrap();
        assert_eq!(
            v.check(&req(&unsigned, "GET", path, b""), NOW),
            Err(Denied::Unsigned)
        );
    }

    #[test]
    fn post_publish_also_takes_v1_and_v2_signed_as_get() {
        let v = Verifier::new("sec".into(), "demo".into());
        let path = "/publish/demo/sk/0/ch/0";
        let body = br#""hi""#;
        let as_get = signed_query(&v, "GET", path, b"", NOW);
        assert_eq!(v.check(&req(&as_get, "POST", path, body), NOW), Ok(()));
        let base = format!("timestamp={NOW}&uuid=alice%20b");
        let q = Query::parse(Some(&base)).unwrap();
        let input = SignInput {
            method: "POST",
            publish_key: "demo",
            subscribe_key: "sk",
            path,
            canonical_query: &canonical_query(q.pairs()),
            body,
        };
        let v1 = sign_v1("sec", &input);
        let q = Query::parse(Some(&format!("{base}&signature={v1}"))).unwrap();
        assert_eq!(v.check(&req(&q, "POST", path, body), NOW), Ok(()));
        // v1 is only for POST publish.
        let not_publish = Signed {
            publish_post: false,
            ..req(&q, "POST", path, body)
        };
        assert_eq!(v.check(&not_publish, NOW), Err(Denied::BadSignature));
    }
}
