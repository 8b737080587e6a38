//! A server with a secret key: a client with the same key signs every operation and is served; a
//! client without it, or with another, is denied; a stale timestamp is denied even when signed
//! correctly.

use reactions::pubnub::sign::{SignInput, canonical_query, pam_encode, sign_v2};
use reactions::pubnub::{
    ActionEventKind, Client, Error, LiveEvent, SubscriptionEvent, SubscriptionStatus, Timetoken,
    actions,
};
use serde_json::json;

use crate::common::TestServer;
use crate::support::{
    PUB, SECRET, SUB, assert_reported, client, history_with_actions, next_event, reaction,
    signed_server, signing_client, watch,
};

const ROOM: &str = "chats.room#1";

#[tokio::test]
async fn a_client_with_the_secret_key_is_served_for_every_operation() {
    let s = signed_server().await;
    let (alice, bob) = (
        signing_client(&s, "alice smith*~+", SECRET),
        signing_client(&s, "bob", SECRET),
    );
    let mut sub = watch(&signing_client(&s, "watcher", SECRET), &[ROOM]).await;

    let now = alice.time().execute().await.expect("time");
    let small = alice
        .publish()
        .channel(ROOM)
        .message(json!({"text": "signed * ! ' ( ) ~"}))
        .meta(json!({"k": "v w"}))
        .execute()
        .await
        .expect("GET publish");
    assert!(small > now);
    let big_text = "🦀 ".repeat(600);
    let big = alice
        .publish()
        .channel(ROOM)
        .message(json!({ "text": big_text }))
        .meta(json!({"big": true}))
        .store(true)
        .execute()
        .await
        .expect("POST publish");
    let added = bob
        .add_message_action()
        .channel(ROOM)
        .message_action(reaction(small, "👍🏽"))
        .execute()
        .await
        .expect("add with an emoji body")
        .action;
    assert_eq!((added.value.as_str(), added.uuid.as_str()), ("👍🏽", "bob"));

    let page = alice
        .get_message_actions()
        .channel(ROOM)
        .limit(10)
        .execute()
        .await
        .expect("get");
    assert_eq!(page.actions, vec![added.clone()]);
    let history = history_with_actions(&alice, ROOM).await;
    assert_eq!(history.messages.len(), 2);
    assert_eq!(history.messages[0].meta, Some(json!({"k": "v w"})));
    assert_eq!(history.messages[0].stored_actions(), vec![added.clone()]);
    assert_eq!(history.messages[1].text(), big_text);
    assert_eq!(history.messages[1].meta, Some(json!({"big": true})));
    let both = alice
        .fetch_messages()
        .channels([ROOM, "other"])
        .start(Timetoken(big.get() + 1))
        .end(small)
        .execute()
        .await
        .expect("fetch two channels with a range");
    assert_eq!(both.messages.len(), 2);
    let walked = alice
        .get_message_actions()
        .channel(ROOM)
        .pager()
        .collect_all()
        .await
        .expect("pager");
    assert_eq!(walked, vec![added.clone()]);
    let with_auth = Client::new(
        crate::support::config(&s.origin, "carol")
            .with_secret_key(SECRET)
            .with_auth_key("t0k3n"),
    )
    .expect("client");
    let page = with_auth
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect("get with an auth key, signed too");
    assert_eq!(page.actions, vec![added.clone()]);
    alice
        .remove_message_action()
        .channel(ROOM)
        .message_timetoken(small)
        .action_timetoken(added.action_timetoken)
        .as_uuid("bob")
        .execute()
        .await
        .expect("remove as the author");

    for expected in [small, big] {
        match next_event(&mut sub).await {
            SubscriptionEvent::Live(LiveEvent::Message { timetoken, .. }) => {
                assert_eq!(timetoken, expected)
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }
    for kind in [ActionEventKind::Added, ActionEventKind::Removed] {
        assert_eq!(
            next_event(&mut sub).await,
            SubscriptionEvent::Live(LiveEvent::Action {
                channel: ROOM.into(),
                kind,
                action: added.clone(),
            })
        );
    }
    drop(sub);
    s.stop().await;
}

/// Every signed operation of `c`, each expected to be denied with `message`.
async fn assert_every_operation_denied(
    c: &Client,
    message: &str,
    actions_message: &str,
    mt: Timetoken,
) {
    let check = |what: &str, r: Result<(), Error>, message: &str| match r {
        Err(e @ Error::AccessDenied { status: 403, .. }) => assert_reported(&e, 403, message),
        other => panic!("{what}: expected access denied, got {other:?}"),
    };
    let denied = |what: &str, r| check(what, r, message);
    let actions_denied = |what: &str, r| check(what, r, actions_message);
    let publish = c.publish().channel(ROOM);
    denied(
        "GET publish",
        publish
            .clone()
            .message(json!("x"))
            .execute()
            .await
            .map(drop),
    );
    denied(
        "POST publish",
        publish
            .message(json!("y".repeat(3000)))
            .execute()
            .await
            .map(drop),
    );
    actions_denied(
        "add",
        c.add_message_action()
            .channel(ROOM)
            .message_action(reaction(mt, "👍"))
            .execute()
            .await
            .map(drop),
    );
    actions_denied(
        "remove",
        c.remove_message_action()
            .channel(ROOM)
            .message_timetoken(mt)
            .action_timetoken(Timetoken(mt.get() + 1))
            .execute()
            .await
            .map(drop),
    );
    actions_denied(
        "get",
        c.get_message_actions()
            .channel(ROOM)
            .execute()
            .await
            .map(drop),
    );
    denied(
        "fetch",
        c.fetch_messages()
            .channel(ROOM)
            .include_actions(true)
            .execute()
            .await
            .map(drop),
    );
    let mut sub = c.subscribe().channel(ROOM).execute().expect("subscribe");
    match next_event(&mut sub).await {
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting { error, .. }) => {
            denied("subscribe", Err(error))
        }
        other => panic!("subscribe: expected a refused handshake, got {other:?}"),
    }
    // /time/0 is never signed, so it is served whatever the key.
    c.time().execute().await.expect("time needs no signature");
}

#[tokio::test]
async fn without_the_key_or_with_another_every_operation_is_denied() {
    let s = signed_server().await;
    let mt = signing_client(&s, "alice", SECRET)
        .publish()
        .channel(ROOM)
        .message(json!("hi"))
        .execute()
        .await
        .expect("publish");
    // Without a signature (and with no token), each family answers its Access Manager 403.
    assert_every_operation_denied(
        &client(&s, "alice"),
        "Forbidden",
        "Supplied authorization key does not have the permissions",
        mt,
    )
    .await;
    assert_every_operation_denied(
        &signing_client(&s, "alice", "sec-c-other"),
        "Signature does not match",
        "Signature does not match",
        mt,
    )
    .await;
    s.stop().await;
}

/// A list-actions request signed correctly for `timestamp` (Unix seconds), as `path?query`.
fn list_signed_at(timestamp: i64) -> String {
    let path = format!("/v1/message-actions/{SUB}/channel/{}", pam_encode(ROOM));
    let timestamp = timestamp.to_string();
    let query = canonical_query([("uuid", "alice"), ("timestamp", timestamp.as_str())]);
    let signature = sign_v2(
        SECRET,
        &SignInput {
            method: "GET",
            publish_key: PUB,
            subscribe_key: SUB,
            path: &path,
            canonical_query: &query,
            body: b"",
        },
    );
    format!("{path}?{query}&signature={}", pam_encode(&signature))
}

/// What the client makes of the answer to `path_and_query`.
async fn as_the_client_reads_it(
    s: &TestServer,
    path_and_query: &str,
) -> reactions::pubnub::Result<reactions::pubnub::ActionsPage> {
    let a = s.get(path_and_query).await;
    actions::decode_get(a.status.as_u16(), a.text.as_bytes())
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_denied_even_when_signed_correctly() {
    let s = signed_server().await;
    let now = Timetoken::now().unix_seconds();
    let fresh = as_the_client_reads_it(&s, &list_signed_at(now)).await;
    assert_eq!(fresh.expect("a fresh signature passes").actions, vec![]);
    for skewed in [now - 120, now + 120] {
        let e = as_the_client_reads_it(&s, &list_signed_at(skewed))
            .await
            .expect_err("outside the window");
        assert_eq!(
            e,
            Error::AccessDenied {
                status: 403,
                message: "Request timestamp outside of allowed window".into(),
                refused: vec!["chats.room#1".into()],
            }
        );
        assert_reported(&e, 403, "Request timestamp outside of allowed window");
    }
    s.stop().await;
}
