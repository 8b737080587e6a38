//! Every error a library user can get: from the server's answers (each with its status and the
//! server's text on one line), from a refused connection, a timeout, an answer that is not the
//! API's (the only stand-in here: a raw TCP listener), and input the client refuses itself.
//! Access denied (403) is in `signed.rs`, with the signatures.

use std::time::{Duration, Instant};

use reactions::pubnub::error::{
    ALREADY_ADDED_MESSAGE, NOTHING_TO_DELETE_MESSAGE, WRONG_UUID_MESSAGE,
};
use reactions::pubnub::{Client, Error, SubscriptionEvent, SubscriptionStatus, Timetoken};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::TestServer;
use crate::support::{
    DEADLINE, SUB, assert_reported, client, config, next_event, react, reaction, say, watch,
};

const ROOM: &str = "chats.room1";

#[tokio::test]
async fn duplicate_add_is_a_conflict() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let mt = say(&alice, ROOM, "hi").await;
    react(&alice, ROOM, mt, "👍").await;
    let again = alice
        .add_message_action()
        .channel(ROOM)
        .message_action(reaction(mt, "👍"))
        .execute()
        .await
        .expect_err("the same action twice");
    assert_eq!(
        again,
        Error::Conflict {
            status: 409,
            message: ALREADY_ADDED_MESSAGE.into()
        }
    );
    assert_reported(&again, 409, "Action Already Added");
    assert!(!again.is_transient());
    // Another user may add the same reaction.
    react(&client(&s, "bob"), ROOM, mt, "👍").await;
    s.stop().await;
}

#[tokio::test]
async fn removals_that_match_nothing_or_another_author_are_refused() {
    let s = TestServer::start().await;
    let (alice, bob) = (client(&s, "alice"), client(&s, "bob"));
    let mt = say(&alice, ROOM, "hi").await;
    let action = react(&alice, ROOM, mt, "👍").await;
    let remove = |c: &Client, at: Timetoken| {
        c.remove_message_action()
            .channel(ROOM)
            .message_timetoken(mt)
            .action_timetoken(at)
    };

    let nothing = remove(&alice, Timetoken(action.action_timetoken.get() + 1))
        .execute()
        .await
        .expect_err("no such action");
    assert_eq!(
        nothing,
        Error::NothingToDelete {
            status: 400,
            message: NOTHING_TO_DELETE_MESSAGE.into()
        }
    );
    assert_reported(&nothing, 400, NOTHING_TO_DELETE_MESSAGE);
    assert!(!nothing.is_wrong_uuid());

    let wrong = remove(&bob, action.action_timetoken)
        .execute()
        .await
        .expect_err("bob is not the author");
    assert!(wrong.is_wrong_uuid(), "{wrong:?}");
    assert!(matches!(wrong, Error::BadRequest { status: 400, .. }));
    assert_reported(&wrong, 400, WRONG_UUID_MESSAGE);

    // Both refusals left the action in place; the author can still remove it, once.
    remove(&alice, action.action_timetoken)
        .execute()
        .await
        .expect("the author removes");
    let twice = remove(&alice, action.action_timetoken)
        .execute()
        .await
        .expect_err("already gone");
    assert!(matches!(twice, Error::NothingToDelete { .. }), "{twice:?}");
    s.stop().await;
}

#[tokio::test]
async fn input_the_client_lets_through_is_a_bad_request_from_the_server() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");

    // Above the 32 KiB a /publish message may have.
    let huge = json!("x".repeat(40 * 1024));
    let e = alice
        .publish()
        .channel(ROOM)
        .message(huge)
        .execute()
        .await
        .expect_err("too large");
    assert!(matches!(e, Error::BadRequest { status: 400, .. }), "{e:?}");
    assert_reported(&e, 400, "Message Too Large");

    // Past the 2 MiB a request body may have.
    let e = alice
        .add_message_action()
        .channel(ROOM)
        .message_action(reaction(Timetoken::now(), &"v".repeat(3 << 20)))
        .execute()
        .await
        .expect_err("body too large");
    assert!(matches!(e, Error::BadRequest { status: 413, .. }), "{e:?}");
    assert_reported(&e, 413, "Request Entity Too Large");

    // A timetoken past what the service stores (SQLite's signed 64 bits).
    let e = alice
        .add_message_action()
        .channel(ROOM)
        .message_action(reaction(Timetoken(u64::MAX), "👍"))
        .execute()
        .await
        .expect_err("timetoken out of range");
    assert!(matches!(e, Error::BadRequest { status: 400, .. }), "{e:?}");
    assert_reported(
        &e,
        400,
        "Invalid messageTimetoken (messageTimetoken in path)",
    );
    let e = alice
        .get_message_actions()
        .channel(ROOM)
        .start(Timetoken(u64::MAX))
        .execute()
        .await
        .expect_err("start out of range");
    assert_reported(&e, 400, "Invalid start");

    let e = alice
        .fetch_messages()
        .channel(ROOM)
        .start(Timetoken(u64::MAX))
        .execute()
        .await
        .expect_err("start out of range");
    assert!(matches!(e, Error::BadRequest { status: 400, .. }), "{e:?}");
    assert_reported(&e, 400, "Invalid start");
    s.stop().await;
}

#[tokio::test]
async fn a_subscribe_key_the_service_refuses_is_reported_in_every_answer_shape() {
    let s = TestServer::start().await;
    let odd = Client::new(
        reactions::pubnub::Config::new("pub", "sub\u{7}", "alice").with_origin(&s.origin),
    )
    .expect("the client accepts any non-empty key");
    // Message actions: {"status":400,"error":{"message","details"}}.
    let e = odd
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect_err("bad subscribe key");
    assert_reported(
        &e,
        400,
        "Invalid Subkey: Invalid Subkey (subscribeKey in path)",
    );
    // History: {"status":400,"error":true,"error_message"}.
    let e = odd
        .fetch_messages()
        .channel(ROOM)
        .execute()
        .await
        .expect_err("bad subscribe key");
    assert_reported(&e, 400, "Invalid subscribe key");
    // Publish: [0,"Invalid Key","<tt>"].
    let e = odd
        .publish()
        .channel(ROOM)
        .message(json!("x"))
        .execute()
        .await
        .expect_err("bad subscribe key");
    assert_eq!(
        e,
        Error::BadRequest {
            status: 400,
            message: "Invalid Key".into(),
            details: vec![]
        }
    );
    // Subscribe: the balancer's {"message","error":true,"service","status"}.
    let mut sub = odd.subscribe().channel(ROOM).execute().expect("subscribe");
    match next_event(&mut sub).await {
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting { error, .. }) => {
            assert_reported(&error, 400, "Invalid subscribe key")
        }
        other => panic!("expected a refused handshake, got {other:?}"),
    }
    s.stop().await;
}

/// Asserts that the client refused a request itself, saying `why`.
fn refused<T: std::fmt::Debug>(r: Result<T, Error>, why: &str) {
    match r {
        Err(e @ Error::InvalidInput(_)) => {
            assert!(e.to_string().contains(why), "{why:?} missing from {e}");
            assert_eq!(e.status(), None, "never sent, so no HTTP status");
        }
        other => panic!("expected InvalidInput({why:?}), got {other:?}"),
    }
}

#[tokio::test]
async fn input_the_client_refuses_never_reaches_the_server() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let mt = say(&alice, ROOM, "hi").await;
    for bad in ["a b", "a,b", "a:b", "a*", "a/b", "a\\b", "a\u{0}b"] {
        let r = alice
            .publish()
            .channel(bad)
            .message(json!("x"))
            .execute()
            .await;
        refused(r, "which channel names may not");
    }
    // Legal names, but URL parsing would resolve them out of the path (a 404 or another
    // endpoint), so the client refuses them.
    for dots in [".", ".."] {
        refused(
            alice.get_message_actions().channel(dots).execute().await,
            "relative path",
        );
        refused(
            alice.subscribe().channel(dots).execute().map(drop),
            "relative path",
        );
    }
    refused(
        Client::new(reactions::pubnub::Config::new("pub", "..", "u").with_origin(&s.origin)),
        "relative paths",
    );
    let too_long = "a".repeat(93);
    refused(
        alice.fetch_messages().channel(&too_long).execute().await,
        "longer than 92",
    );
    refused(
        alice.get_message_actions().channel("").execute().await,
        "channel is required",
    );
    refused(
        alice
            .get_message_actions()
            .channel(ROOM)
            .limit(101)
            .execute()
            .await,
        "out of range",
    );
    refused(
        alice
            .get_message_actions()
            .channel(ROOM)
            .start(mt)
            .end(mt)
            .execute()
            .await,
        "empty range",
    );
    refused(
        alice
            .fetch_messages()
            .channels([ROOM, "other"])
            .include_actions(true)
            .execute()
            .await,
        "exactly one channel",
    );
    refused(
        alice
            .add_message_action()
            .channel(ROOM)
            .message_action(reaction(mt, " "))
            .execute()
            .await,
        "value is empty",
    );
    refused(
        alice
            .remove_message_action()
            .channel(ROOM)
            .message_timetoken(mt)
            .execute()
            .await,
        "action timetoken is required",
    );
    let reader = client(&s, "reader");
    let no_pub =
        Client::new(reactions::pubnub::Config::new("", SUB, "reader").with_origin(&s.origin))
            .expect("a read-only client");
    refused(
        no_pub
            .publish()
            .channel(ROOM)
            .message(json!("x"))
            .execute()
            .await,
        "publish_key is not configured",
    );
    // The refusals changed nothing.
    let history = reader
        .fetch_messages()
        .channel(ROOM)
        .execute()
        .await
        .expect("fetch");
    assert_eq!(history.messages.len(), 1);
    s.stop().await;
}

#[tokio::test]
async fn nothing_listening_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let c = Client::new(
        config(&format!("http://127.0.0.1:{port}"), "alice")
            .with_auth_key("t0k3n")
            .with_secret_key("s3cr3t"),
    )
    .expect("client");
    let e = c
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect_err("nothing listens");
    match &e {
        Error::Network { message } => assert!(!message.is_empty()),
        other => panic!("expected a network error, got {other:?}"),
    }
    let shown = e.to_string();
    assert!(shown.starts_with("network error: "), "{shown}");
    assert!(shown.contains("onnect"), "names the cause: {shown}");
    assert!(
        !shown.contains("t0k3n") && !shown.contains("signature="),
        "the auth key and signature stay out of messages: {shown}"
    );
    assert!(!shown.contains('\n'), "{shown:?}");
    assert_eq!(e.status(), None);
    assert!(e.is_transient());
}

#[tokio::test]
async fn a_listener_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    // Accepts connections and keeps them open without a word.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    let c = Client::new(config(&origin, "alice").with_request_timeout(Duration::from_millis(300)))
        .expect("client");
    let started = Instant::now();
    let e = c.time().execute().await.expect_err("no answer");
    let waited = started.elapsed();
    assert_eq!(e, Error::Timeout { seconds: 1 });
    assert_eq!(e.to_string(), "timed out after 1 s");
    assert!(e.is_transient());
    assert!(
        waited >= Duration::from_millis(300) && waited < DEADLINE,
        "waited {waited:?}"
    );
    silent.abort();
}

#[tokio::test]
async fn a_long_poll_longer_than_the_subscribe_timeout_reports_reconnecting() {
    let s = TestServer::start().await;
    let c =
        Client::new(config(&s.origin, "alice").with_subscribe_timeout(Duration::from_millis(300)))
            .expect("client");
    let mut sub = watch(&c, &[ROOM]).await;
    match next_event(&mut sub).await {
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting {
            attempt: 1, error, ..
        }) => assert_eq!(error, Error::Timeout { seconds: 1 }),
        other => panic!("expected Reconnecting after a timeout, got {other:?}"),
    }
    drop(sub);
    s.stop().await;
}

/// Answers each connection with the next canned `(status, content type, body)`.
async fn canned(answers: Vec<(u16, &'static str, &'static str)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        for (status, content_type, body) in answers {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes()).await;
            let _ = conn.write_all(body.as_bytes()).await;
            let _ = conn.shutdown().await;
        }
    });
    origin
}

#[tokio::test]
async fn answers_that_are_not_the_apis_are_malformed_responses() {
    let origin = canned(vec![
        (
            200,
            "text/html",
            "<html><body>Gateway login\nplease</body></html>",
        ),
        (502, "text/html", "<html>Bad Gateway</html>"),
        (200, "text/javascript", r#"[1,"Sent"]"#),
        (200, "text/javascript", r#"{"status":200}"#),
    ])
    .await;
    let c = Client::new(config(&origin, "alice")).expect("client");

    let e = c.time().execute().await.expect_err("html");
    match &e {
        Error::MalformedResponse {
            status: 200,
            reason,
            excerpt,
        } => {
            assert!(reason.starts_with("not JSON"), "{reason}");
            assert_eq!(excerpt, "<html><body>Gateway login please</body></html>");
        }
        other => panic!("expected a malformed response, got {other:?}"),
    }
    assert_reported(&e, 200, "Gateway login please");
    assert!(!e.is_transient());

    let e = c.time().execute().await.expect_err("proxy error page");
    assert!(
        matches!(e, Error::MalformedResponse { status: 502, .. }),
        "{e:?}"
    );
    assert_reported(&e, 502, "Bad Gateway");
    assert!(e.is_transient(), "a 5xx page is worth retrying");

    let e = c
        .publish()
        .channel(ROOM)
        .message(json!("x"))
        .execute()
        .await
        .expect_err("no timetoken");
    assert!(
        matches!(e, Error::MalformedResponse { status: 200, .. }),
        "{e:?}"
    );
    assert_reported(&e, 200, "no timetoken in the answer");

    let e = c
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect_err("no data");
    assert_reported(&e, 200, "no `data` in the answer");
}
