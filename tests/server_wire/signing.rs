//! Requests signed with the keyset's secret, as the keyset's server sends them (shared by the
//! signature and the Access Manager tests).

use reactions::pubnub::Timetoken;
use reactions::pubnub::sign::{SignInput, canonical_query, pam_encode, sign_v1, sign_v2};

use crate::common::TestServer;

pub const SECRET: &str = "sec-c-test";
pub const PUB: &str = "pub-c-test";

pub async fn signed_server() -> TestServer {
    TestServer::start_with(|o| {
        o.secret_key = Some(SECRET.into());
        o.publish_key = Some(PUB.into());
    })
    .await
}

/// `path?query` with `timestamp` and a v2 signature (or v1 when `v1` is set).
pub fn signed(
    method: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    timestamp: i64,
    v1: bool,
) -> String {
    let ts = timestamp.to_string();
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.push(("timestamp", &ts));
    let canonical = canonical_query(all.iter().copied());
    let input = SignInput {
        method,
        publish_key: PUB,
        subscribe_key: "sk",
        path,
        canonical_query: &canonical,
        body,
    };
    let sig = if v1 {
        sign_v1(SECRET, &input)
    } else {
        sign_v2(SECRET, &input)
    };
    format!("{path}?{canonical}&signature={}", pam_encode(&sig))
}

pub fn now() -> i64 {
    Timetoken::now().unix_seconds()
}
