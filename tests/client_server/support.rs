//! What the client-against-server tests share: clients pointed at a [`TestServer`], seeding
//! through the client, waiting with a deadline, and the checks every reported error must pass.

use std::future::Future;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use reactions::pubnub::{
    Client, Config, Error, HistoryPage, MessageAction, StoredAction, Subscription,
    SubscriptionEvent, SubscriptionStatus, Timetoken,
};
use reactions::server::{self, ServerError};
use serde_json::json;

use crate::common::{TestServer, options};

pub const PUB: &str = "pub-c-test";
pub const SUB: &str = "sub-c-test";
pub const SECRET: &str = "sec-c-test";
/// How long anything that should happen promptly may take before a test gives up. Only a
/// failing test waits this long.
pub const DEADLINE: Duration = Duration::from_secs(10);
/// Requests in flight at once when seeding.
pub const SEED_CONCURRENCY: usize = 32;

pub fn config(origin: &str, user: &str) -> Config {
    Config::new(PUB, SUB, user).with_origin(origin)
}

/// A client for `user` on `s`, unsigned.
pub fn client(s: &TestServer, user: &str) -> Client {
    Client::new(config(&s.origin, user)).expect("the test configuration is valid")
}

/// A client for `user` on `s` that signs with `secret`.
pub fn signing_client(s: &TestServer, user: &str, secret: &str) -> Client {
    Client::new(config(&s.origin, user).with_secret_key(secret))
        .expect("the test configuration is valid")
}

/// A server that requires signatures with [`SECRET`] for the keyset [`PUB`].
pub async fn signed_server() -> TestServer {
    TestServer::start_with(|o| {
        o.secret_key = Some(SECRET.into());
        o.publish_key = Some(PUB.into());
    })
    .await
}

pub fn reaction(message_timetoken: Timetoken, value: &str) -> MessageAction {
    MessageAction {
        action_type: "reaction".into(),
        value: value.into(),
        message_timetoken,
    }
}

/// Publishes `{"text": text}`; returns its timetoken.
pub async fn say(c: &Client, channel: &str, text: &str) -> Timetoken {
    c.publish()
        .channel(channel)
        .message(json!({ "text": text }))
        .execute()
        .await
        .expect("publish succeeds")
}

/// Adds a reaction; returns the action as stored.
pub async fn react(c: &Client, channel: &str, message: Timetoken, value: &str) -> StoredAction {
    c.add_message_action()
        .channel(channel)
        .message_action(reaction(message, value))
        .execute()
        .await
        .expect("add succeeds")
        .action
}

/// A channel's newest messages with their actions and meta.
pub async fn history_with_actions(c: &Client, channel: &str) -> HistoryPage {
    c.fetch_messages()
        .channel(channel)
        .include_actions(true)
        .include_meta(true)
        .execute()
        .await
        .expect("fetch with actions")
}

/// Publishes `count` messages `{"text": "<prefix><i>"}` concurrently; returns them with their
/// timetokens, oldest first.
pub async fn seed_messages(
    c: &Client,
    channel: &str,
    prefix: &str,
    count: usize,
) -> Vec<(Timetoken, String)> {
    let mut sent: Vec<(Timetoken, String)> = futures::stream::iter(0..count)
        .map(|i| async move {
            let text = format!("{prefix}{i}");
            let tt = c
                .publish()
                .channel(channel)
                .message(json!({ "text": text }))
                .execute()
                .await?;
            Ok::<_, Error>((tt, text))
        })
        .buffer_unordered(SEED_CONCURRENCY)
        .try_collect()
        .await
        .expect("seeding messages succeeds");
    sent.sort();
    sent
}

/// Adds `count` distinct reactions spread over `messages`, concurrently; returns them as stored,
/// oldest first.
pub async fn seed_actions(
    c: &Client,
    channel: &str,
    messages: &[Timetoken],
    count: usize,
) -> Vec<StoredAction> {
    let mut added: Vec<StoredAction> = futures::stream::iter(0..count)
        .map(|i| async move {
            let added = c
                .add_message_action()
                .channel(channel)
                .message_action(reaction(messages[i % messages.len()], &format!("v{i}")))
                .execute()
                .await?;
            Ok::<_, Error>(added.action)
        })
        .buffer_unordered(SEED_CONCURRENCY)
        .try_collect()
        .await
        .expect("seeding actions succeeds");
    added.sort_by_key(|a| a.action_timetoken);
    added
}

/// `future`, or a failure naming `what` once [`DEADLINE`] has passed.
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within {DEADLINE:?}"))
}

/// The subscription's next event (it must not have ended).
pub async fn next_event(sub: &mut Subscription) -> SubscriptionEvent {
    within("the next subscription event", sub.next())
        .await
        .expect("the subscription is still running")
}

/// Asserts how an error from an answer reads: one line naming the HTTP status and the server's
/// text, and `status()` giving that status.
pub fn assert_reported(e: &Error, status: u16, text: &str) {
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "not one line: {shown:?}");
    assert!(
        shown.contains(&format!("(HTTP {status})")),
        "no status: {shown:?}"
    );
    assert!(shown.contains(text), "{text:?} missing from {shown:?}");
    assert_eq!(e.status(), Some(status), "{e:?}");
}

/// The action timetokens of `actions`, in their order.
pub fn action_tts(actions: &[StoredAction]) -> Vec<Timetoken> {
    actions.iter().map(|a| a.action_timetoken).collect()
}

/// Waits until `ready()` holds, checking every few milliseconds; fails naming `what` after
/// [`DEADLINE`].
pub async fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !ready() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Subscribes `c` to `channels`; returns once the subscription reports it is connected.
pub async fn watch(c: &Client, channels: &[&str]) -> Subscription {
    let mut sub = c
        .subscribe()
        .channels(channels.iter().copied())
        .execute()
        .expect("subscribe");
    assert_eq!(
        next_event(&mut sub).await,
        SubscriptionEvent::Status(SubscriptionStatus::Connected)
    );
    sub
}

/// Starts a server on `addr` (just freed by another) with the database in `dir`, retrying while
/// the port is still held; fails the test if it stays taken past [`DEADLINE`] (the scenario
/// needs that very port: clients keep their origin across the restart).
pub async fn restart_on(addr: std::net::SocketAddr, dir: tempfile::TempDir) -> TestServer {
    let db = dir.path().join("test.sqlite3");
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let mut opts = options(db.clone());
        opts.listen = addr;
        match server::start(opts).await {
            Ok(server) => {
                return TestServer {
                    origin: server.origin(),
                    server: Some(server),
                    dir,
                    http: reqwest::Client::new(),
                };
            }
            Err(ServerError::Bind { .. }) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => panic!("cannot restart the server on {addr}: {e}"),
        }
    }
}
