//! The client's [`Subscription`] against the server's long poll: what arrives and in what order,
//! what dropping it does, and how it rides out a server restart.

use reactions::pubnub::{
    ActionEventKind, Error, LiveEvent, StoredAction, Subscription, SubscriptionEvent,
    SubscriptionStatus, Timetoken,
};
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::support::{
    client, next_event, react, restart_on, say, seed_messages, wait_until, watch,
};

const ROOM: &str = "chats.room1";

/// The next event, which must be a live one.
async fn next_live(sub: &mut Subscription) -> LiveEvent {
    match next_event(sub).await {
        SubscriptionEvent::Live(event) => event,
        other => panic!("expected a live event, got {other:?}"),
    }
}

fn message(timetoken: Timetoken, publisher: &str, body: Value, meta: Option<Value>) -> LiveEvent {
    LiveEvent::Message {
        channel: ROOM.into(),
        timetoken,
        publisher: Some(publisher.into()),
        message: body,
        meta,
    }
}

fn action(kind: ActionEventKind, action: &StoredAction) -> LiveEvent {
    LiveEvent::Action {
        channel: ROOM.into(),
        kind,
        action: action.clone(),
    }
}

#[tokio::test]
async fn connected_then_messages_and_action_events_in_order() {
    let s = TestServer::start().await;
    let (alice, bob, moderator) = (
        client(&s, "alice"),
        client(&s, "bob"),
        client(&s, "moderator"),
    );
    let earlier = say(&alice, ROOM, "before the subscription").await;
    let mut sub = watch(&client(&s, "watcher"), &[ROOM, "side"]).await;

    say(&alice, "elsewhere", "not subscribed").await;
    let mt = alice
        .publish()
        .channel(ROOM)
        .message(json!({"text": "hi"}))
        .meta(json!({"lang": "en"}))
        .execute()
        .await
        .expect("publish");
    let unstored = bob
        .publish()
        .channel(ROOM)
        .message(json!("live only"))
        .store(false)
        .execute()
        .await
        .expect("publish");
    let added = react(&bob, ROOM, mt, "👍").await;
    let by_alice = react(&alice, ROOM, mt, "🎉").await;
    let side = say(&bob, "side", "on the other channel").await;
    bob.remove_message_action()
        .channel(ROOM)
        .message_timetoken(mt)
        .action_timetoken(added.action_timetoken)
        .execute()
        .await
        .expect("remove own");
    moderator
        .remove_message_action()
        .channel(ROOM)
        .message_timetoken(mt)
        .action_timetoken(by_alice.action_timetoken)
        .as_uuid("alice")
        .execute()
        .await
        .expect("remove as the author");

    assert_eq!(
        next_live(&mut sub).await,
        message(
            mt,
            "alice",
            json!({"text": "hi"}),
            Some(json!({"lang": "en"}))
        ),
        "the first event is the first message on a subscribed channel, not an earlier one"
    );
    assert!(mt > earlier);
    assert_eq!(
        next_live(&mut sub).await,
        message(unstored, "bob", json!("live only"), None)
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Added, &added)
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Added, &by_alice)
    );
    assert_eq!(
        next_live(&mut sub).await,
        LiveEvent::Message {
            channel: "side".into(),
            timetoken: side,
            publisher: Some("bob".into()),
            message: json!({"text": "on the other channel"}),
            meta: None,
        }
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Removed, &added),
        "removed by its author: uuid is bob"
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Removed, &by_alice),
        "removed as alice: the actor on the wire is alice"
    );
    drop(sub);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_larger_than_one_answer_arrives_whole_and_in_order() {
    let s = TestServer::start().await;
    let mut sub = watch(&client(&s, "watcher"), &[ROOM]).await;
    // More than the 100 items one long-poll answer carries.
    let sent = seed_messages(&client(&s, "alice"), ROOM, "burst", 250).await;
    let mut got = Vec::new();
    while got.len() < sent.len() {
        match next_live(&mut sub).await {
            LiveEvent::Message {
                timetoken, message, ..
            } => got.push((
                timetoken,
                message["text"].as_str().unwrap_or("").to_string(),
            )),
            other => panic!("expected only messages, got {other:?}"),
        }
    }
    assert_eq!(got, sent, "none missing, none repeated, in timetoken order");
    drop(sub);
    s.stop().await;
}

#[tokio::test]
async fn a_subscription_from_a_timetoken_catches_up_first() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let first = say(&alice, ROOM, "first").await;
    let second = say(&alice, ROOM, "second").await;
    let reacted = react(&alice, ROOM, first, "👍").await;
    let mut sub = client(&s, "watcher")
        .subscribe()
        .channel(ROOM)
        .with_timetoken(first)
        .execute()
        .expect("subscribe");
    assert_eq!(
        next_event(&mut sub).await,
        SubscriptionEvent::Status(SubscriptionStatus::Connected)
    );
    assert_eq!(
        next_live(&mut sub).await,
        message(second, "alice", json!({"text": "second"}), None),
        "what came after the timetoken, not the message at it"
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Added, &reacted)
    );
    let third = say(&alice, ROOM, "third").await;
    assert_eq!(
        next_live(&mut sub).await,
        message(third, "alice", json!({"text": "third"}), None)
    );
    drop(sub);
    s.stop().await;
}

/// Connections the server side holds open on `port` (ESTABLISHED or CLOSE_WAIT), from the
/// kernel's table (Linux only).
fn server_side_connections(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("Linux has /proc/net/tcp");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields
                .get(1)
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            local_port == Some(port) && matches!(fields.get(3), Some(&"01" | &"08"))
        })
        .count()
}

#[tokio::test]
async fn dropping_a_subscription_ends_its_long_poll() {
    let s = TestServer::start().await;
    let port = s.running().addr().port();
    // The kernel's table of connections is Linux's; elsewhere the server's own count of
    // waiting polls says the same about the long poll, if not about its socket.
    let sockets = cfg!(target_os = "linux");
    let mut sub = watch(&client(&s, "watcher"), &[ROOM]).await;
    let mt = say(&client(&s, "alice"), ROOM, "hi").await;
    assert!(matches!(
        next_live(&mut sub).await,
        LiveEvent::Message { timetoken, .. } if timetoken == mt
    ));
    s.polls_waiting(1).await;
    if sockets {
        wait_until("the long poll holds one connection", || {
            server_side_connections(port) == 1
        })
        .await;
    }
    drop(sub);
    wait_until("the server ends the long poll", || {
        s.running().waiting_long_polls() == 0
    })
    .await;
    if sockets {
        wait_until("the server lets the connection go", || {
            server_side_connections(port) == 0
        })
        .await;
    }
    s.stop().await;
}

#[tokio::test]
async fn after_a_restart_on_the_same_port_the_subscription_reconnects_and_goes_on() {
    let s = TestServer::start().await;
    let addr = s.running().addr();
    let alice = client(&s, "alice");
    let mut sub = watch(&client(&s, "watcher"), &[ROOM]).await;
    let before = say(&alice, ROOM, "before").await;
    assert!(matches!(
        next_live(&mut sub).await,
        LiveEvent::Message { timetoken, .. } if timetoken == before
    ));

    let dir = s.stop().await;
    match next_event(&mut sub).await {
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting {
            attempt: 1,
            retry_in,
            error,
        }) => {
            assert!(matches!(error, Error::Network { .. }), "{error:?}");
            assert!(retry_in.as_secs_f64() <= 1.25, "{retry_in:?}");
        }
        other => panic!("expected Reconnecting after the stop, got {other:?}"),
    }

    let s = restart_on(addr, dir).await;
    // Back is reported as soon as the server answers, though nothing is published (a long
    // poll on a quiet channel would only end after minutes).
    let mut attempts = 1;
    loop {
        match next_event(&mut sub).await {
            SubscriptionEvent::Status(SubscriptionStatus::Reconnecting { attempt, .. }) => {
                attempts += 1;
                assert_eq!(attempt, attempts, "attempts count up");
            }
            SubscriptionEvent::Status(SubscriptionStatus::Reconnected) => break,
            other => panic!("expected Reconnected before any event, got {other:?}"),
        }
    }
    // The same client, unchanged, reaches the new server, and the subscription goes on.
    let after = say(&alice, ROOM, "after").await;
    assert!(after > before, "new timetokens are larger");
    let reacted = react(&alice, ROOM, before, "👍").await;
    assert_eq!(
        next_live(&mut sub).await,
        message(after, "alice", json!({"text": "after"}), None)
    );
    assert_eq!(
        next_live(&mut sub).await,
        action(ActionEventKind::Added, &reacted)
    );
    drop(sub);
    s.stop().await;
}
