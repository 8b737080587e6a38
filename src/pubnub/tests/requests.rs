//! What each operation sends: method, encoded path, parameters, body, signature; and what it
//! refuses to send.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::super::client::channel_list;
use super::super::sign::{SignInput, canonical_query, sign_v1, sign_v2};
use super::super::subscribe::LongPoll;
use super::{Sent, TIMESTAMP, client, client_with, config, prepared};
use crate::pubnub::client::Prepared;
use crate::pubnub::{Client, Config, Error, MessageAction, PNSDK, Timetoken};

fn reaction(value: &str) -> MessageAction {
    MessageAction {
        action_type: "reaction".into(),
        value: value.into(),
        message_timetoken: Timetoken(15610547826969050),
    }
}

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

#[test]
fn origins_accepted_and_refused() {
    let base = |origin: &str| {
        let c = client_with(config().with_origin(origin));
        prepared(&c, &c.time()).url
    };
    assert!(base("ps.pndsn.com").starts_with("https://ps.pndsn.com/time/0?"));
    assert!(base("localhost:8090").starts_with("https://localhost:8090/time/0?"));
    assert!(base("http://127.0.0.1:8080/").starts_with("http://127.0.0.1:8080/time/0?"));
    assert!(Config::new("p", "s", "u").origin.starts_with("https://"));
    for bad in [
        "",
        "ftp://host",
        "http://host/path",
        "http://host?x=1",
        "http://",
    ] {
        let e = Client::new(config().with_origin(bad)).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput(m) if m.contains("origin")),
            "{bad:?}: {e:?}"
        );
    }
}

#[test]
fn configuration_errors_say_what_is_wrong() {
    let cases = [
        (config().with_origin("localhost"), None),
        (Config::new("p", "s", ""), Some("user_id")),
        (Config::new("p", "s", "  "), Some("user_id")),
        (Config::new("p", "", "u"), Some("subscribe_key")),
        (config().with_secret_key(""), Some("secret_key")),
        (config().with_auth_key(""), Some("auth_key")),
        (
            config().with_request_timeout(Duration::ZERO),
            Some("timeout"),
        ),
    ];
    for (cfg, problem) in cases {
        match (Client::new(cfg), problem) {
            (Ok(_), None) => {}
            (Err(Error::InvalidInput(m)), Some(p)) => assert!(m.contains(p), "{m}"),
            (other, _) => panic!("{problem:?}: {other:?}"),
        }
    }
    // Keys do not leak through Debug.
    let shown = format!(
        "{:?}",
        config().with_secret_key("s3cr3t").with_auth_key("t0k3n")
    );
    assert!(
        !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
        "{shown}"
    );
}

fn refused(request: crate::pubnub::Result<crate::pubnub::client::Request>, text: &str) {
    match request {
        Err(Error::InvalidInput(m)) => assert!(m.contains(text), "{m:?} lacks {text:?}"),
        other => panic!("expected InvalidInput({text}), got {other:?}"),
    }
}

#[test]
fn builders_refuse_bad_input_before_sending() {
    use crate::pubnub::client::Endpoint;
    let c = client();
    let add = || c.add_message_action().channel("ch");
    refused(c.add_message_action().request(), "channel is required");
    refused(add().request(), "message_action is required");
    refused(
        add().message_action(reaction(" ")).request(),
        "value is empty",
    );
    let mut no_type = reaction("👍");
    no_type.action_type.clear();
    refused(add().message_action(no_type).request(), "type is empty");
    let mut no_message = reaction("👍");
    no_message.message_timetoken = Timetoken(0);
    refused(
        add().message_action(no_message).request(),
        "message timetoken",
    );
    for bad in ["a,b", "a b", "a/b", "a:b", "a*", "a\\b", "a\u{7}b"] {
        refused(
            add().channel(bad).message_action(reaction("x")).request(),
            "may not",
        );
    }
    refused(
        add()
            .channel("x".repeat(93))
            .message_action(reaction("x"))
            .request(),
        "92",
    );
    assert!(
        add()
            .channel("é".repeat(92))
            .message_action(reaction("x"))
            .request()
            .is_ok()
    );

    let remove = || c.remove_message_action().channel("ch");
    refused(remove().action_timetoken(1).request(), "message timetoken");
    refused(remove().message_timetoken(1).request(), "action timetoken");
    refused(
        remove()
            .message_timetoken(1)
            .action_timetoken(2)
            .as_uuid("")
            .request(),
        "as_uuid",
    );

    let get = || c.get_message_actions().channel("ch");
    refused(get().limit(0).request(), "limit 0");
    refused(get().limit(101).request(), "limit 101");
    refused(get().start(5).end(5).request(), "empty range");

    refused(c.fetch_messages().request(), "at least one channel");
    refused(
        c.fetch_messages()
            .channels(["a", "b"])
            .include_actions(true)
            .request(),
        "exactly one channel",
    );
    refused(
        c.fetch_messages().channel("a").start(1).end(2).request(),
        "empty range",
    );

    refused(c.publish().channel("ch").request(), "message is required");
    refused(
        c.publish().message(json!(1)).request(),
        "channel is required",
    );
    let no_pub = client_with(Config::new("", "sub-c-1", "alice"));
    refused(
        no_pub.publish().channel("ch").message(json!(1)).request(),
        "publish_key",
    );
}

#[tokio::test]
async fn blocking_calls_refuse_to_run_inside_a_runtime() {
    let c = client();
    match c.time().execute_blocking() {
        Err(Error::InvalidInput(m)) => assert!(m.contains("async runtime"), "{m}"),
        other => panic!("{other:?}"),
    }
    let pager = c.get_message_actions().channel("ch").pager();
    assert!(matches!(
        pager.collect_all_blocking(),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.subscribe().channel("ch").execute_blocking(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn subscribe_execute_needs_a_runtime_and_valid_channels() {
    let c = client();
    match c.subscribe().channel("ch").execute() {
        Err(Error::InvalidInput(m)) => assert!(m.contains("tokio runtime"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.subscribe()
            .channels(Vec::<String>::new())
            .execute_blocking(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn handles_futures_and_streams_can_move_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let c = client();
    send_sync(&c);
    send(&c.time().execute());
    send(&c.add_message_action().execute());
    send(&c.remove_message_action().execute());
    send(&c.get_message_actions().execute());
    send(&c.fetch_messages().execute());
    send(&c.publish().execute());
    let mut pager = c.get_message_actions().pager();
    send(&pager.next_page());
    send(&pager);
    send(&c.fetch_messages().pager());
    fn send_sync_type<T: Send + Sync>() {}
    send_sync_type::<crate::pubnub::Subscription>();
    send_sync_type::<Error>();
}
