//! Time, preflight, unknown paths, headers and channel-name rules.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_service_headers};

#[tokio::test]
async fn time_is_a_bare_number_near_now_with_the_service_headers() {
    let s = TestServer::start().await;
    let a = s.get("/time/0").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    let body = a.json();
    let t = body[0]
        .as_u64()
        .expect("time is a bare number, not a string");
    let now = reactions::pubnub::Timetoken::now().get();
    assert!(
        t.abs_diff(now) < 50_000_000,
        "time {t} is not within 5 s of now {now}"
    );
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    s.stop().await;
}

#[tokio::test]
async fn preflight_is_answered_with_the_services_cors_headers_only() {
    let s = TestServer::start().await;
    let a = s
        .send(
            Method::OPTIONS,
            "/v1/message-actions/sk/channel/c/message/1",
            None,
            &[
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "content-type, x-evil, authorization",
                ),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    // What the service allows (recorded), never what the preflight asked for.
    assert_eq!(
        a.headers
            .get("access-control-allow-headers")
            .and_then(|v| v.to_str().ok()),
        Some("Origin, X-Requested-With, Content-Type, Accept")
    );
    s.stop().await;
}

#[tokio::test]
async fn unknown_paths_and_methods_get_a_json_404() {
    let s = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/nothing/here"),
        (
            Method::GET,
            "/v1/message-actions/sk/channel/c/message/1/action/2",
        ),
        (Method::PUT, "/time/0"),
        (Method::GET, "/"),
    ] {
        let a = s.send(method.clone(), path, None, &[]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_service_headers(&a);
        assert_eq!(
            a.json(),
            json!({"message":"Not Found","error":true,"service":"Balancer","status":404})
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn channel_names_breaking_the_rules_get_a_400_in_each_endpoint_shape() {
    let s = TestServer::start().await;
    let long = "a".repeat(93);
    for bad in [
        "a%20b",
        "a%2Cb",
        "a:b",
        "a%2A",
        "a%5Cb",
        "a%2Fb",
        "a%00b",
        long.as_str(),
    ] {
        let a = s
            .get(&format!("/v1/message-actions/sk/channel/{bad}"))
            .await;
        assert_eq!(
            a.status,
            StatusCode::BAD_REQUEST,
            "actions {bad}: {}",
            a.text
        );
        assert_eq!(a.json()["error"]["source"], "actions");
        assert_eq!(a.json()["error"]["details"][0]["location"], "channel");

        let a = s
            .get(&format!("/v3/history/sub-key/sk/channel/{bad}"))
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "history {bad}");
        assert_eq!(a.json()["error"], true);
        assert_eq!(a.json()["channels"], json!({}));

        let a = s.get(&format!("/publish/pk/sk/0/{bad}/0/%22hi%22")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "publish {bad}");
        assert_eq!(a.json()[0], 0);

        let a = s.get(&format!("/v2/subscribe/sk/{bad}/0?tt=0")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "subscribe {bad}");
        assert_eq!(a.json()["status"], 400);
    }
    // The longest legal name, in characters, and legal punctuation.
    let ok = "é".repeat(92);
    let a = s.get(&format!("/v1/message-actions/sk/channel/{ok}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = s
        .get("/v1/message-actions/sk/channel/chats.room1%231")
        .await;
    assert_eq!(a.json(), json!({"status":200,"data":[]}));
    s.stop().await;
}

#[tokio::test]
async fn presence_leave_and_heartbeat_answer_like_the_service() {
    let s = TestServer::start().await;
    let a = s
        .get("/v2/presence/sub-key/sk/channel/a,b/leave?uuid=u")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status": 200, "message": "OK", "action": "leave", "service": "Presence"})
    );
    let a = s
        .get("/v2/presence/sub-key/sk/channel/a/heartbeat?uuid=u&heartbeat=300")
        .await;
    assert_eq!(
        a.json(),
        json!({"status": 200, "message": "OK", "service": "Presence"})
    );
    s.stop().await;
}
