//! Access Manager v3 on the wire: grant and revoke with the service's bodies, every endpoint
//! checking the token it is given (signature, expiry, revocation, authorized uuid, then each
//! channel's permission, exact names before patterns), and the input limits the service
//! documents, each with its status and body.

use reactions::pubnub::token::{Permissions, parse_token};
use reactions::server::AccessClock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Answer, TestServer, assert_service_headers, options, tt};
use crate::signing::{PUB, SECRET, now, signed};

/// A signed grant of `permissions` for `ttl` minutes on sub key `sk`.
async fn grant(s: &TestServer, ttl: u64, permissions: Value) -> Answer {
    let body = json!({"ttl": ttl, "permissions": permissions}).to_string();
    let url = signed(
        "POST",
        "/v3/pam/sk/grant",
        &[("uuid", "admin")],
        body.as_bytes(),
        now(),
        false,
    );
    s.send(
        Method::POST,
        &url,
        Some(body.into_bytes()),
        &[("content-type", "application/json")],
    )
    .await
}

/// The token of a successful grant.
pub async fn token(s: &TestServer, ttl: u64, permissions: Value) -> String {
    let a = grant(s, ttl, permissions).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()["data"]["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

async fn revoke(s: &TestServer, token: &str) -> Answer {
    let path = format!("/v3/pam/sk/grant/{}", urlencode(token));
    let url = signed("DELETE", &path, &[("uuid", "admin")], b"", now(), false);
    s.delete(&url).await
}

pub fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `&auth=TOKEN&uuid=UUID`.
pub fn as_user(token: &str, uuid: &str) -> String {
    format!("uuid={}&auth={}", urlencode(uuid), urlencode(token))
}

pub async fn server_with_clock(clock: &AccessClock) -> TestServer {
    TestServer::start_managed(SECRET, PUB, clock).await
}

async fn publish(s: &TestServer, channel: &str, query: &str) -> Answer {
    s.get(&format!("/publish/{PUB}/sk/0/{channel}/0/%22hi%22?{query}"))
        .await
}

pub fn forbidden(channels: &[&str]) -> Value {
    json!({"message":"Forbidden","payload":{"channels":channels},"error":true,"service":"Access Manager","status":403})
}

fn actions_forbidden() -> Value {
    json!({"status":403,"error":{"source":"actions","message":"Supplied authorization key does not have the permissions required to perform this operation."}})
}

#[tokio::test]
async fn grant_mints_a_token_the_sdks_read_with_the_services_answers() {
    let clock = AccessClock::default();
    let s = server_with_clock(&clock).await;
    // The Python SDK's body: channels repeated as spaces, uuids as users.
    let a = grant(
        &s,
        60,
        json!({
            "resources": {"channels": {"chats.room1": 11}, "groups": {"g": 5}, "uuids": {"alice": 96},
                          "users": {"alice": 96}, "spaces": {"chats.room1": 11}},
            "patterns": {"channels": {"^chats\\.": 1}, "groups": {}, "uuids": {}, "users": {}, "spaces": {}},
            "meta": {"role": "user", "n": 1},
            "uuid": "alice"
        }),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_service_headers(&a);
    let body = a.json();
    assert_eq!(body["service"], "Access Manager");
    assert_eq!(body["status"], 200);
    assert_eq!(body["data"]["message"], "Success");
    let text = body["data"]["token"].as_str().expect("token");
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)),
        "URL-safe base64: {text}"
    );
    let t = parse_token(text).expect("the token parses");
    assert_eq!(t.version, 2);
    assert!(t.timestamp.abs_diff(clock.now()) <= 5);
    assert_eq!(t.ttl, 60);
    assert_eq!(t.authorized_uuid.as_deref(), Some("alice"));
    assert_eq!(
        t.resources.channels["chats.room1"],
        Permissions::READ | Permissions::WRITE | Permissions::DELETE
    );
    assert_eq!(t.resources.groups["g"].bits(), 5);
    assert_eq!(t.resources.uuids["alice"].bits(), 96);
    assert_eq!(t.patterns.channels["^chats\\."], Permissions::READ);
    assert_eq!(
        Value::Object(t.meta.clone()),
        json!({"role": "user", "n": 1})
    );
    assert_eq!(t.signature.len(), 32);

    // Refusals, byte for byte as recorded (ttl) and as the contract tests expect.
    let a = grant(&s, 43201, json!({"resources": {"channels": {"c": 1}}})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.text,
        r#"{"error":{"message":"Invalid ttl","source":"grant","details":[{"message":"Range should be 1 to 43200 minute(s).","location":"ttl","locationType":"body"}]},"service":"Access Manager","status":400}"#
    );
    let a = grant(&s, 60, json!({"resources": {"uuids": {"uuid-1": 0}}})).await;
    assert_eq!(
        a.json(),
        json!({"error":{"message":"Invalid permissions","source":"grant","details":[{"message":"Unexpected value: `permissions.resources.uuids.uuid-1` must be positive and non-zero.","location":"permissions.resources.uuids.uuid-1","locationType":"body"}]},"service":"Access Manager","status":400})
    );
    let a = grant(&s, 60, json!({"patterns": {"uuids": {"(!<[^>]+>)+": 32}}})).await;
    assert_eq!(a.json()["error"]["message"], "Invalid RegExp");
    assert_eq!(
        a.json()["error"]["details"][0]["message"],
        "Only non-capturing groups are allowed. Try replacing `(` with `(?:`."
    );
    let a = grant(&s, 60, json!({"patterns": {"uuids": {"!<[^>]+>++": 32}}})).await;
    assert_eq!(
        a.json()["error"]["details"][0]["message"],
        "Syntax error: multiple repeat."
    );

    // Only the keyset's server grants: unsigned, or signed with another secret, is refused.
    let a = s
        .post(
            "/v3/pam/sk/grant?uuid=mallory",
            r#"{"ttl":60,"permissions":{"resources":{"channels":{"c":255}}}}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    s.stop().await;

    // An open server has no Access Manager.
    let open = TestServer::start().await;
    let a = open
        .post(
            "/v3/pam/sk/grant?uuid=a",
            r#"{"ttl":60,"permissions":{"resources":{"channels":{"c":1}}}}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()["error"]["message"],
        "Access Manager is not enabled"
    );
    open.stop().await;
}

#[tokio::test]
async fn every_endpoint_checks_the_permission_it_needs_exact_names_before_patterns() {
    let s = server_with_clock(&AccessClock::default()).await;
    let alice = token(
        &s,
        60,
        json!({
            "resources": {"channels": {"chats.room1": 3, "chats.readonly": 1}},
            "patterns": {"channels": {"^chats\\.": 11}},
            "uuid": "alice"
        }),
    )
    .await;
    let q = as_user(&alice, "alice");

    // Exact entries decide for their names; the pattern gives the rest read+write+delete.
    assert_eq!(publish(&s, "chats.room1", &q).await.status, StatusCode::OK);
    let a = publish(&s, "chats.readonly", &q).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, forbidden(&["chats.readonly"]))
    );
    // As recorded from the service (pubnub/python's publish/not_permitted.json).
    assert_eq!(
        a.headers.get("x-pn-cause").and_then(|v| v.to_str().ok()),
        Some("9999")
    );
    assert_eq!(publish(&s, "chats.other", &q).await.status, StatusCode::OK);
    let a = publish(&s, "general", &q).await;
    assert_eq!(a.json(), forbidden(&["general"]));

    // History: every channel must pass, and the 403 names the ones that did not.
    let a = s
        .get(&format!(
            "/v3/history/sub-key/sk/channel/chats.room1,chats.readonly?{q}"
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = s
        .get(&format!(
            "/v3/history/sub-key/sk/channel/chats.room1,general,x?{q}"
        ))
        .await;
    assert_eq!(a.json(), forbidden(&["general", "x"]));

    // Actions: add needs write, remove delete, list read.
    let mt = tt(&publish(&s, "chats.room1", &q).await.json()[2]);
    let add = |ch: &str| format!("/v1/message-actions/sk/channel/{ch}/message/{mt}?{q}");
    let body = r#"{"type":"reaction","value":"👍"}"#;
    let a = s.post(&add("chats.room1"), body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let at = tt(&a.json()["data"]["actionTimetoken"]);
    let a = s.post(&add("chats.readonly"), body).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, actions_forbidden())
    );
    let remove = format!("/v1/message-actions/sk/channel/chats.room1/message/{mt}/action/{at}?{q}");
    let a = s.delete(&remove).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, actions_forbidden())
    );
    let list = |ch: &str| format!("/v1/message-actions/sk/channel/{ch}?{q}");
    assert_eq!(s.get(&list("chats.readonly")).await.status, StatusCode::OK);
    assert_eq!(s.get(&list("general")).await.status, StatusCode::FORBIDDEN);
    // Subscribe needs read on every channel.
    let a = s
        .get(&format!("/v2/subscribe/sk/chats.room1,general/0?tt=0&{q}"))
        .await;
    assert_eq!(a.json(), forbidden(&["general"]));
    let a = s
        .get(&format!("/v2/subscribe/sk/chats.room1/0?tt=0&{q}"))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    // A leave needs nothing, time neither.
    let a = s
        .get("/v2/presence/sub-key/sk/channel/general/leave?uuid=alice")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    s.stop().await;
}

#[tokio::test]
async fn a_token_is_refused_for_another_uuid_another_keyset_and_when_forged() {
    let s = server_with_clock(&AccessClock::default()).await;
    let all = json!({"resources": {"channels": {"c": 255}}, "uuid": "alice"});
    let alice = token(&s, 60, all.clone()).await;
    assert_eq!(
        publish(&s, "c", &as_user(&alice, "alice")).await.status,
        StatusCode::OK
    );
    for uuid in ["bob", "Alice", "alice "] {
        let a = publish(&s, "c", &as_user(&alice, uuid)).await;
        assert_eq!(
            (a.status, a.json()),
            (StatusCode::FORBIDDEN, forbidden(&["c"])),
            "{uuid}"
        );
    }
    let a = publish(&s, "c", &format!("auth={}", urlencode(&alice))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "no uuid at all");
    // No token, garbage, a token of the real service (another secret), one of another keyset.
    let service = "qEF2AkF0GmgwSytDdHRsAUNyZXOlRGNoYW6hbHRlc3RfY2hhbm5lbBjPQ2dycKBDc3BjoWx0ZXN0X2NoYW5uZWwYz0N1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaBEdXVpZHJ0ZXN0X3Jldm9rZV92ZXJpZnlDc2lnWCCpIDaBECABP5cv5d8p0nsiMqgtR1uB4oUMKVMAJa_EQQ==";
    for bad in ["", "garbage", "qEF2", service] {
        let a = publish(&s, "c", &as_user(bad, "test_revoke_verify")).await;
        assert_eq!(
            (a.status, a.json()),
            (StatusCode::FORBIDDEN, forbidden(&["c"])),
            "{bad}"
        );
    }
    let other_keyset = s
        .get(&format!(
            "/publish/{PUB}/other-sk/0/c/0/%22hi%22?{}",
            as_user(&alice, "alice")
        ))
        .await;
    assert_eq!(other_keyset.status, StatusCode::FORBIDDEN);
    // A token changed by its holder (more rights, another uuid) no longer verifies.
    let mut forged = parse_token(&alice).expect("parses");
    forged.authorized_uuid = Some("mallory".into());
    let a = publish(&s, "c", &as_user(&forged.encode(), "mallory")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let mut forged = parse_token(&alice).expect("parses");
    forged.ttl = 43_200;
    let a = publish(&s, "c", &as_user(&forged.encode(), "alice")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    s.stop().await;
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_the_services_answers_and_revocations_survive_a_restart() {
    let clock = AccessClock::default();
    let s = server_with_clock(&clock).await;
    let rights = json!({"resources": {"channels": {"c": 3}}});
    let short = token(&s, 1, rights.clone()).await;
    let q = as_user(&short, "anyone");
    assert_eq!(publish(&s, "c", &q).await.status, StatusCode::OK);
    clock.advance(59);
    assert_eq!(
        publish(&s, "c", &q).await.status,
        StatusCode::OK,
        "still valid"
    );
    clock.advance(2);
    let a = publish(&s, "c", &q).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.text,
        r#"{"error":true,"status":403,"service":"Access Manager","message":"Token is expired."}"#
    );
    let a = revoke(&s, &short).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.text,
        r#"{"error":{"details":[{"location":"token","locationType":"path","message":"Token is expired."}],"message":"Invalid token","source":"revoke"},"service":"Access Manager","status":400}"#
    );
    let a = revoke(&s, "not-a-token").await;
    assert_eq!(
        a.json()["error"]["details"][0]["message"],
        "Token is invalid."
    );

    let long = token(&s, 60, rights).await;
    let q = as_user(&long, "anyone");
    assert_eq!(publish(&s, "c", &q).await.status, StatusCode::OK);
    let a = revoke(&s, &long).await;
    assert_eq!(
        (a.status, a.text.as_str()),
        (
            StatusCode::OK,
            r#"{"data":{"message":"Success"},"service":"Access Manager","status":200}"#
        )
    );
    let revoked = |a: &Answer| {
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(
            a.text,
            r#"{"error":true,"status":403,"service":"Access Manager","message":"Token is revoked"}"#
        );
        assert_eq!(
            a.headers.get("x-pn-cause").and_then(|v| v.to_str().ok()),
            Some("4001")
        );
    };
    revoked(&publish(&s, "c", &q).await);
    revoked(
        &s.get(&format!("/v1/message-actions/sk/channel/c?{q}"))
            .await,
    );
    // Revoking twice is fine.
    assert_eq!(revoke(&s, &long).await.status, StatusCode::OK);

    let dir = s.stop().await;
    let mut opts = options(dir.path().join("test.sqlite3"));
    opts.secret_key = Some(SECRET.into());
    opts.publish_key = Some(PUB.into());
    opts.access_clock = clock.clone();
    let s = TestServer::start_in(dir, opts).await;
    revoked(&publish(&s, "c", &q).await);
    s.stop().await;
}

#[tokio::test]
async fn a_user_token_never_removes_anothers_action_and_a_moderator_token_does() {
    let s = server_with_clock(&AccessClock::default()).await;
    let room = json!({"chats.room1": 11});
    let alice = token(
        &s,
        60,
        json!({"resources": {"channels": room}, "uuid": "alice"}),
    )
    .await;
    let bob = token(
        &s,
        60,
        json!({"resources": {"channels": room}, "uuid": "bob"}),
    )
    .await;
    let moderator = token(&s, 60, json!({"resources": {"channels": room}})).await;
    let mt = tt(&publish(&s, "chats.room1", &as_user(&alice, "alice"))
        .await
        .json()[2]);
    let a = s
        .post(
            &format!(
                "/v1/message-actions/sk/channel/chats.room1/message/{mt}?{}",
                as_user(&alice, "alice")
            ),
            r#"{"type":"reaction","value":"👍"}"#,
        )
        .await;
    let at = tt(&a.json()["data"]["actionTimetoken"]);
    let remove = |q: String| {
        format!("/v1/message-actions/sk/channel/chats.room1/message/{mt}/action/{at}?{q}")
    };
    // Bob, as himself: the author rule; as alice: his token is not hers.
    let a = s.delete(&remove(as_user(&bob, "bob"))).await;
    assert_eq!(
        (a.status, a.json()),
        (
            StatusCode::BAD_REQUEST,
            json!({"status":400,"error":{"source":"actions","message":"Not deleting message action: wrong uuid specified"}})
        )
    );
    let a = s.delete(&remove(as_user(&bob, "alice"))).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, actions_forbidden())
    );
    // The moderator's token has delete and no uuid binding: it may send the author's uuid.
    let a = s.delete(&remove(as_user(&moderator, "alice"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    s.stop().await;
}

#[tokio::test]
async fn input_limits_are_the_services() {
    let s = TestServer::start().await;
    let mt = s.publish("sk", "c", "\"m\"", "").await;
    let add = |query: &str| format!("/v1/message-actions/sk/channel/c/message/{mt}?{query}");
    let body = r#"{"type":"reaction","value":"x"}"#;

    // A uuid of at most 92 characters.
    let ok = "é".repeat(92);
    let a = s
        .post(&add(&format!("uuid={}", urlencode(&ok))), body)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let long = "a".repeat(93);
    let a = s.post(&add(&format!("uuid={long}")), body).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":400,"error":{"source":"actions","message":"Invalid uuid: longer than 92 characters","details":[{"message":"Invalid uuid: longer than 92 characters","location":"uuid","locationType":"query"}]}})
    );
    let a = s
        .get(&format!(
            "/publish/pub/sk/0/c/0/%22m%22?uuid={}",
            "a".repeat(10_000)
        ))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0], 0);
    assert_eq!(a.json()[1], "Invalid uuid: longer than 92 characters");

    // Percent-encoding that is not UTF-8 is refused, never turned into U+FFFD.
    let a = s.post(&add("uuid=%FF"), body).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json(),
        json!({"status":400,"error":{"source":"actions","message":"Invalid uuid: not UTF-8","details":[{"message":"Invalid uuid: not UTF-8","location":"uuid","locationType":"query"}]}})
    );
    let a = s.get("/v3/history/sub-key/sk/channel/c?uuid=%C3%28").await;
    assert_eq!(
        (a.status, a.json()),
        (
            StatusCode::BAD_REQUEST,
            json!({"status":400,"error":true,"error_message":"Invalid uuid: not UTF-8","channels":{}})
        )
    );

    // An action request is bounded like a publish: 32 KiB.
    let near = format!(r#"{{"type":"r","value":"{}"}}"#, "v".repeat(32 * 1024 - 40));
    assert!(near.len() <= 32 * 1024);
    let a = s.post(&add("uuid=big"), &near).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let over = format!(r#"{{"type":"r","value":"{}"}}"#, "v".repeat(32 * 1024));
    let a = s.post(&add("uuid=bigger"), &over).await;
    assert_eq!(
        (a.status, a.json()),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"status":413,"error":{"source":"actions","message":"Request Entity Too Large"}})
        )
    );
    let listed = s.get("/v1/message-actions/sk/channel/c").await.json();
    let uuids: Vec<&str> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|a| a["uuid"].as_str())
        .collect();
    assert_eq!(uuids, [ok.as_str(), "big"]);
    s.stop().await;
}

/// Security: with each kind of token (a user's, bound to them; a moderator's, bound to no one
/// but only on its channel; a read-only one; an expired, a revoked and a forged one; none),
/// acting as another user beyond what the token grants fails, for every write.
#[tokio::test]
async fn no_kind_of_token_acts_as_another_user_beyond_what_it_grants() {
    let clock = AccessClock::default();
    let s = server_with_clock(&clock).await;
    let room = "chats.room1";
    let bobs = token(
        &s,
        60,
        json!({"resources": {"channels": {room: 11}}, "uuid": "bob"}),
    )
    .await;
    let mt = tt(&publish(&s, room, &as_user(&bobs, "bob")).await.json()[2]);
    let added = s
        .post(
            &format!(
                "/v1/message-actions/sk/channel/{room}/message/{mt}?{}",
                as_user(&bobs, "bob")
            ),
            r#"{"type":"reaction","value":"👍"}"#,
        )
        .await;
    let at = tt(&added.json()["data"]["actionTimetoken"]);

    let user = token(
        &s,
        60,
        json!({"resources": {"channels": {room: 11}}, "uuid": "mallory"}),
    )
    .await;
    let moderator = token(&s, 60, json!({"resources": {"channels": {room: 11}}})).await;
    let reader = token(&s, 60, json!({"patterns": {"channels": {".*": 1}}})).await;
    let expired = token(&s, 1, json!({"resources": {"channels": {room: 11}}})).await;
    let revoked = token(&s, 60, json!({"resources": {"channels": {room: 11}}})).await;
    assert_eq!(revoke(&s, &revoked).await.status, StatusCode::OK);
    let mut forged = parse_token(&user).expect("parses");
    forged.authorized_uuid = None;
    let forged = forged.encode();
    clock.advance(120);

    // Acting as bob: publishing, adding and removing his action.
    let attempts = |token: &str, channel: &str| {
        let q = as_user(token, "bob");
        [
            (
                Method::GET,
                format!("/publish/{PUB}/sk/0/{channel}/0/%22as%20bob%22?{q}"),
                None,
            ),
            (
                Method::POST,
                format!("/v1/message-actions/sk/channel/{channel}/message/{mt}?{q}"),
                Some(r#"{"type":"reaction","value":"🎭"}"#),
            ),
            (
                Method::DELETE,
                format!("/v1/message-actions/sk/channel/{channel}/message/{mt}/action/{at}?{q}"),
                None,
            ),
        ]
    };
    let kinds = [
        ("a user's token, bound to another user", user.as_str(), room),
        (
            "a moderator's token, off its channel",
            moderator.as_str(),
            "chats.other",
        ),
        ("a read-only token", reader.as_str(), room),
        ("an expired token", expired.as_str(), room),
        ("a revoked token", revoked.as_str(), room),
        ("a forged token", forged.as_str(), room),
        ("no token", "", room),
    ];
    for (kind, token, channel) in kinds {
        for (method, path, body) in attempts(token, channel) {
            let a = s
                .send(
                    method.clone(),
                    &path,
                    body.map(|b| b.as_bytes().to_vec()),
                    &[("content-type", "application/json")],
                )
                .await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{kind}: {method} {path}: {}",
                a.text
            );
        }
    }
    // Bob's action is still there, and nothing was published or added as him.
    let bob = as_user(&bobs, "bob");
    let listed = s
        .get(&format!("/v1/message-actions/sk/channel/{room}?{bob}"))
        .await
        .json();
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");
    let history = s
        .get(&format!("/v3/history/sub-key/sk/channel/{room}?{bob}"))
        .await
        .json();
    assert_eq!(
        history["channels"][room].as_array().map(Vec::len),
        Some(1),
        "{history}"
    );
    s.stop().await;
}
