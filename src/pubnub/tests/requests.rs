//! What each operation sends: method, encoded path, parameters, body, signature; and what it
//! refuses to send.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::super::client::channel_list;
use super::super::sign::{SignInput, canonical_query, sign_v1, sign_v2};
use super::super::subscribe::LongPoll;
use super::{Sent, TIMESTAMP, client, client_with, config, prepared, reaction};
use crate::pubnub::client::{Endpoint, Prepared};
use crate::pubnub::{Config, PNSDK, Timetoken};

#[test]
fn every_request_carries_uuid_pnsdk_and_requestid_and_nothing_unasked() {
    let sent = Sent::of(&prepared(&client(), &client().time()));
    assert_eq!(sent.path, "/time/0");
    assert_eq!(sent.keys(), ["pnsdk", "requestid", "uuid"]);
    assert_eq!(sent.param("uuid"), Some("alice"));
    assert_eq!(sent.param("pnsdk"), Some(PNSDK));
    assert_eq!(PNSDK, format!("reactions/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(sent.param("requestid"), Some("req-1"));

    let with_auth = client_with(config().with_auth_key("token-1"));
    let sent = Sent::of(&prepared(&with_auth, &with_auth.time()));
    assert_eq!(sent.param("auth"), Some("token-1"));
    assert_eq!(sent.param("signature"), None);
}

#[test]
fn a_token_is_sent_as_auth_in_place_of_the_auth_key_and_can_change_on_a_running_client() {
    let c = client_with(config().with_auth_key("legacy").with_token("tok-1"));
    let sent = Sent::of(&prepared(&c, &c.time()));
    assert_eq!(sent.param("auth"), Some("tok-1"));
    let shared = c.clone();
    shared.set_token(Some("tok-2"));
    assert_eq!(
        Sent::of(&prepared(&c, &c.time())).param("auth"),
        Some("tok-2")
    );
    c.set_token(None);
    assert_eq!(
        Sent::of(&prepared(&c, &c.time())).param("auth"),
        Some("legacy")
    );
    let mut cfg = config();
    cfg.set_token("");
    assert_eq!(cfg.token, None, "an empty token unsets it");
    let c = client_with(cfg);
    assert_eq!(Sent::of(&prepared(&c, &c.time())).param("auth"), None);
    c.set_token(Some("tok-3"));
    assert_eq!(
        Sent::of(&prepared(&c, &c.time())).param("auth"),
        Some("tok-3")
    );
}

#[test]
fn add_action_encodes_the_channel_and_sends_the_emoji_in_a_json_body() {
    let c = client();
    let p = prepared(
        &c,
        &c.add_message_action()
            .channel("a#1")
            .message_action(reaction("👍")),
    );
    assert_eq!(p.method, Method::POST);
    assert!(
        p.url.starts_with(
            "http://127.0.0.1:9/v1/message-actions/sub-c-1/channel/a%231/message/15610547826969050?"
        ),
        "{}",
        p.url
    );
    let body: serde_json::Value = serde_json::from_slice(p.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"type": "reaction", "value": "👍"}));
    assert_eq!(p.timeout, Duration::from_secs(10));
}

#[test]
fn remove_action_path_and_moderator_uuid() {
    let c = client();
    let remove = c
        .remove_message_action()
        .channel("chats.room1")
        .message_timetoken(15610547826969050)
        .action_timetoken(15610547826970050u64);
    let sent = Sent::of(&prepared(&c, &remove));
    assert_eq!(
        sent.path,
        "/v1/message-actions/sub-c-1/channel/chats.room1/message/15610547826969050/action/15610547826970050"
    );
    assert_eq!(sent.param("uuid"), Some("alice"));
    let p = prepared(&c, &remove.as_uuid("bob"));
    assert_eq!(p.method, Method::DELETE);
    assert_eq!(Sent::of(&p).param("uuid"), Some("bob"));
    assert!(p.body.is_none());
}

#[test]
fn add_action_as_its_author() {
    let c = client();
    let add = c
        .add_message_action()
        .channel("chats.room1")
        .message_action(reaction("👍"));
    assert_eq!(Sent::of(&prepared(&c, &add)).param("uuid"), Some("alice"));
    let p = prepared(&c, &add.clone().as_uuid("bob"));
    assert_eq!(p.method, Method::POST);
    assert_eq!(Sent::of(&p).param("uuid"), Some("bob"));
    let refused = add.as_uuid(" ").request().unwrap_err().to_string();
    assert!(refused.contains("as_uuid"), "{refused}");
}

#[test]
fn get_actions_sends_its_bounds() {
    let c = client();
    let sent = Sent::of(&prepared(
        &c,
        &c.get_message_actions()
            .channel("ch")
            .start(200)
            .end(100)
            .limit(50),
    ));
    assert_eq!(sent.path, "/v1/message-actions/sub-c-1/channel/ch");
    assert_eq!(sent.param("start"), Some("200"));
    assert_eq!(sent.param("end"), Some("100"));
    assert_eq!(sent.param("limit"), Some("50"));
    let bare = Sent::of(&prepared(&c, &c.get_message_actions().channel("ch")));
    assert_eq!(bare.keys(), ["pnsdk", "requestid", "uuid"]);
}

#[test]
fn history_picks_the_endpoint_and_clamps_max_like_the_sdks() {
    let c = client();
    let one = Sent::of(&prepared(&c, &c.fetch_messages().channel("a#1")));
    assert_eq!(one.path, "/v3/history/sub-key/sub-c-1/channel/a%231");
    assert_eq!(one.param("max"), Some("100"));
    assert_eq!(one.param("include_uuid"), Some("true"));
    assert_eq!(one.param("include_meta"), Some("false"));

    let with_actions = c
        .fetch_messages()
        .channel("a#1")
        .include_actions(true)
        .include_meta(true)
        .include_uuid(false)
        .start(300)
        .end(100);
    let sent = Sent::of(&prepared(&c, &with_actions));
    assert_eq!(
        sent.path,
        "/v3/history-with-actions/sub-key/sub-c-1/channel/a%231"
    );
    assert_eq!(sent.param("max"), Some("25"));
    assert_eq!(sent.param("include_meta"), Some("true"));
    assert_eq!(sent.param("include_uuid"), Some("false"));
    assert_eq!(
        (sent.param("start"), sent.param("end")),
        (Some("300"), Some("100"))
    );
    assert!(sent.params.iter().all(|(k, _)| !k.contains("actions")));

    let several = Sent::of(&prepared(
        &c,
        &c.fetch_messages().channels(["b", "a#1", "b"]),
    ));
    assert_eq!(several.path, "/v3/history/sub-key/sub-c-1/channel/a%231,b");
    assert_eq!(several.param("max"), Some("25"));

    let max = |n| c.fetch_messages().channel("a").max(n).effective_max();
    assert_eq!((max(10), max(100), max(101), max(0)), (10, 100, 100, 100));
    let max_actions = |n| {
        c.fetch_messages()
            .channel("a")
            .include_actions(true)
            .max(n)
            .effective_max()
    };
    assert_eq!((max_actions(10), max_actions(26)), (10, 25));
}

#[test]
fn small_publish_goes_in_the_path_large_one_by_post() {
    let c = client();
    // The same path the Python SDK sent in the recorded invalid_key cassette.
    let small = c.publish().channel("ch1").message(json!("hey"));
    let sent = Sent::of(&prepared(&c, &small));
    assert_eq!(sent.path, "/publish/pub-c-1/sub-c-1/0/ch1/0/%22hey%22");

    let with_options = small
        .clone()
        .message(json!({"text": "a b/😀"}))
        .meta(json!({"k": "v"}))
        .store(false)
        .ttl(2);
    let p = prepared(&c, &with_options);
    assert_eq!(p.method, Method::GET);
    let sent = Sent::of(&p);
    assert_eq!(
        sent.path,
        "/publish/pub-c-1/sub-c-1/0/ch1/0/%7B%22text%22%3A%22a%20b%2F%F0%9F%98%80%22%7D"
    );
    assert_eq!(sent.param("meta"), Some(r#"{"k":"v"}"#));
    assert_eq!(
        (sent.param("store"), sent.param("ttl")),
        (Some("0"), Some("2"))
    );

    let large = json!({"text": "x".repeat(3000)});
    let p = prepared(&c, &c.publish().channel("ch1").message(large.clone()));
    assert_eq!(p.method, Method::POST);
    assert_eq!(Sent::of(&p).path, "/publish/pub-c-1/sub-c-1/0/ch1/0");
    let body: serde_json::Value = serde_json::from_slice(p.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, large);
}

#[test]
fn subscribe_long_poll_path_cursor_and_timeout() {
    let c = client_with(config().with_subscribe_timeout(Duration::from_secs(42)));
    let poll = LongPoll {
        client: c.clone(),
        channels: channel_list(&["b".into(), "a#1".into()]).unwrap(),
        tt: Timetoken(0),
        tr: None,
    };
    let p = prepared(&c, &poll);
    let sent = Sent::of(&p);
    assert_eq!(sent.path, "/v2/subscribe/sub-c-1/a%231,b/0");
    assert_eq!((sent.param("tt"), sent.param("tr")), (Some("0"), None));
    assert_eq!(p.timeout, Duration::from_secs(42));
    let next = LongPoll {
        tt: Timetoken(14818963571353315),
        tr: Some(12),
        ..poll
    };
    let sent = Sent::of(&prepared(&c, &next));
    assert_eq!(sent.param("tt"), Some("14818963571353315"));
    assert_eq!(sent.param("tr"), Some("12"));
}

/// Checks a prepared request's signature the way the service does: from what was sent.
fn verifies(secret: &str, config: &Config, p: &Prepared, v1: bool) -> bool {
    let sent = Sent::of(p);
    let Some(signature) = sent.param("signature") else {
        return false;
    };
    let canonical = canonical_query(sent.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let input = SignInput {
        method: p.method.as_str(),
        publish_key: &config.publish_key,
        subscribe_key: &config.subscribe_key,
        path: &sent.path,
        canonical_query: &canonical,
        body: p.body.as_deref().unwrap_or_default(),
    };
    let expected = if v1 {
        sign_v1(secret, &input)
    } else {
        sign_v2(secret, &input)
    };
    expected == signature
}

#[test]
fn signed_requests_verify_with_v2_over_what_was_sent() {
    let cfg = config().with_secret_key("sec-key").with_auth_key("auth 1");
    let c = client_with(cfg.clone());
    let requests: Vec<Prepared> = vec![
        prepared(&c, &c.time()),
        prepared(
            &c,
            &c.add_message_action()
                .channel("a#1")
                .message_action(reaction("👍")),
        ),
        prepared(
            &c,
            &c.remove_message_action()
                .channel("a#1")
                .message_timetoken(1)
                .action_timetoken(2)
                .as_uuid("bob smith"),
        ),
        prepared(&c, &c.get_message_actions().channel("a#1").limit(5)),
        prepared(&c, &c.fetch_messages().channels(["a#1", "b"])),
        prepared(
            &c,
            &c.publish()
                .channel("a#1")
                .message(json!({"t": "é ~*'()"}))
                .meta(json!([1])),
        ),
    ];
    for p in &requests {
        let sent = Sent::of(p);
        assert_eq!(
            sent.param("timestamp"),
            Some(TIMESTAMP.to_string().as_str())
        );
        assert!(
            sent.param("signature").unwrap().starts_with("v2."),
            "{}",
            p.url
        );
        assert!(
            verifies("sec-key", &cfg, p, false),
            "{} {}",
            p.method,
            p.url
        );
        assert!(!verifies("other", &cfg, p, false));
    }
    // Tampering with anything sent breaks the signature.
    let mut tampered = requests[1].clone();
    tampered.url = tampered.url.replace("uuid=alice", "uuid=mallory");
    assert!(!verifies("sec-key", &cfg, &tampered, false));
    let mut tampered = requests[1].clone();
    tampered.body = Some(br#"{"type":"reaction","value":"x"}"#.to_vec());
    assert!(!verifies("sec-key", &cfg, &tampered, false));
}

#[test]
fn post_publish_is_signed_with_v1() {
    let cfg = config().with_secret_key("sec-key");
    let c = client_with(cfg.clone());
    let p = prepared(
        &c,
        &c.publish().channel("ch").message(json!("y".repeat(3000))),
    );
    assert_eq!(p.method, Method::POST);
    assert!(verifies("sec-key", &cfg, &p, true));
    assert!(!verifies("sec-key", &cfg, &p, false));
    assert!(!Sent::of(&p).param("signature").unwrap().starts_with("v2."));
}
