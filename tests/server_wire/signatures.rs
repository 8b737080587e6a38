//! With a secret key: signed requests pass; unsigned, badly signed and stale ones get the
//! Access Manager 403; `/time/0` needs no signature.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::assert_service_headers;
use crate::signing::{now, signed, signed_server};

#[tokio::test]
async fn signed_requests_pass_and_everything_else_is_forbidden() {
    let s = signed_server().await;
    let a = s.get("/time/0").await;
    assert_eq!(a.status, StatusCode::OK, "/time/0 is never signed");

    let params = [("uuid", "alice smith"), ("pnsdk", "PubNub-Python/10.8.0")];
    let publish_path = "/publish/pub-c-test/sk/0/a%231/0/%22hi%22";
    let a = s
        .get(&signed("GET", publish_path, &params, b"", now(), false))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    let body = br#"{"type":"reaction","value":"\ud83d\udc4d"}"#;
    let add = "/v1/message-actions/sk/channel/a%231/message/15610547826969050";
    let url = signed("POST", add, &params, body, now(), false);
    let a = s
        .send(
            Method::POST,
            &url,
            Some(body.to_vec()),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = s
        .get(&signed(
            "GET",
            "/v1/message-actions/sk/channel/a%231",
            &params,
            b"",
            now(),
            false,
        ))
        .await;
    assert_eq!(a.json()["data"][0]["value"], "👍");

    let forbidden = |message: &str| json!({"message":message,"payload":{"channels":["a#1"]},"error":true,"service":"Access Manager","status":403});
    let list = "/v1/message-actions/sk/channel/a%231";
    // Neither signed nor with a token: message actions answer their recorded 403, the
    // other families the Access Manager one.
    let a = s.get(&format!("{list}?uuid=alice")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":403,"error":{"source":"actions","message":"Supplied authorization key does not have the permissions required to perform this operation."}})
    );
    let a = s
        .get("/v3/history/sub-key/sk/channel/a%231?uuid=alice")
        .await;
    assert_eq!(a.json(), forbidden("Forbidden"));

    let good = signed("GET", list, &params, b"", now(), false);
    let tampered = good.replace("alice%20smith", "mallory");
    let a = s.get(&tampered).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, forbidden("Signature does not match"))
    );
    let other_path = signed(
        "GET",
        "/v1/message-actions/sk/channel/b",
        &params,
        b"",
        now(),
        false,
    );
    let a = s
        .get(&other_path.replacen("/channel/b", "/channel/a%231", 1))
        .await;
    assert_eq!(a.json(), forbidden("Signature does not match"));

    let stale = signed("GET", list, &params, b"", now() - 120, false);
    let a = s.get(&stale).await;
    assert_eq!(
        (a.status, a.json()),
        (
            StatusCode::FORBIDDEN,
            forbidden("Request timestamp outside of allowed window")
        )
    );

    // The body is signed too.
    let url = signed("POST", add, &params, body, now(), false);
    let a = s
        .send(
            Method::POST,
            &url,
            Some(br#"{"type":"reaction","value":"x"}"#.to_vec()),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    s.stop().await;
}

#[tokio::test]
async fn post_publish_takes_v1_v2_and_v2_signed_as_get() {
    let s = signed_server().await;
    let path = "/publish/pub-c-test/sk/0/room/0";
    let body = br#"{"text":"hi"}"#;
    let params = [("uuid", "u")];
    for (name, url) in [
        ("v1", signed("POST", path, &params, body, now(), true)),
        ("v2 POST", signed("POST", path, &params, body, now(), false)),
        ("v2 as GET", signed("GET", path, &params, b"", now(), false)),
    ] {
        let a = s.send(Method::POST, &url, Some(body.to_vec()), &[]).await;
        assert_eq!(a.status, StatusCode::OK, "{name}: {}", a.text);
        assert_eq!(a.json()[1], "Sent");
    }
    let elsewhere =
        signed("POST", path, &params, body, now(), true).replace("/room/", "/elsewhere/");
    let a = s
        .send(Method::POST, &elsewhere, Some(body.to_vec()), &[])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "signed for another path");
    // A validly signed publish under another publish key is not this keyset's.
    let other_key = signed(
        "POST",
        "/publish/other/sk/0/room/0",
        &params,
        body,
        now(),
        true,
    );
    let a = s
        .send(Method::POST, &other_key, Some(body.to_vec()), &[])
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[1], "Invalid Key");
    s.stop().await;
}

#[tokio::test]
async fn the_chat_sdk_endpoints_are_signed_like_the_others() {
    let s = signed_server().await;
    let params = [("uuid", "admin")];
    // Each endpoint: unsigned it is refused, signed (body included) it is served.
    let body = br#"{"name":"Bob","custom":{"team":"red"}}"#;
    let members = br#"{"set":[{"uuid":{"id":"bob"},"custom":{"ban":true}}]}"#;
    let cases: [(Method, &str, &[u8]); 9] = [
        (Method::PATCH, "/v2/objects/sk/uuids/bob", body),
        (Method::GET, "/v2/objects/sk/uuids/bob", b""),
        (Method::GET, "/v2/objects/sk/uuids", b""),
        (
            Method::PATCH,
            "/v2/objects/sk/channels/PUBNUB_INTERNAL_MODERATION_a/uuids",
            members,
        ),
        (Method::DELETE, "/v2/objects/sk/uuids/bob", b""),
        (
            Method::GET,
            "/signal/pub-c-test/sk/0/g/0/%7B%22type%22%3A%22typing%22%7D",
            b"",
        ),
        (
            Method::GET,
            "/v3/history/sub-key/sk/message-counts/g?timetoken=1",
            b"",
        ),
        (Method::DELETE, "/v3/history/sub-key/sk/channel/g", b""),
        (Method::GET, "/v2/presence/sub-key/sk/channel/g", b""),
    ];
    for (method, target, body) in cases {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut all: Vec<(&str, &str)> = params.to_vec();
        all.extend(query.split('&').filter_map(|kv| kv.split_once('=')));
        let send_body = (!body.is_empty()).then(|| body.to_vec());
        let unsigned = s
            .send(
                method.clone(),
                &format!("{path}?uuid=admin"),
                send_body.clone(),
                &[],
            )
            .await;
        assert_eq!(unsigned.status, StatusCode::FORBIDDEN, "{method} {path}");
        let url = signed(method.as_str(), path, &all, body, now(), false);
        let a = s.send(method.clone(), &url, send_body.clone(), &[]).await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.text);
        if !body.is_empty() {
            let tampered = s
                .send(method.clone(), &url, Some(b"{}".to_vec()), &[])
                .await;
            assert_eq!(tampered.status, StatusCode::FORBIDDEN, "the body is signed");
        }
    }
    s.stop().await;
}
