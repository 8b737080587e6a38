//! Bridges the client's subscriptions to app events: live messages and actions (of the channel
//! on screen and the ones below it; on a second subscription, a moderator's reports), and the
//! connection state (live, reconnecting in N s, back after an outage). A subscription the server
//! refuses (403: it requires signing or a token) is not retried: trying again cannot help, and
//! the reason is what the user needs to see, with the channels the refusal names (the app then
//! leaves refused watched channels out and subscribes again).

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::{ConnectionEvent, Event};
use crate::pubnub::{Client, Error, RetryNow, SubscriptionEvent, SubscriptionStatus, Timetoken};

/// The running bridge: its task, and a way to make a waiting reconnect try at once.
pub struct Live {
    pub task: JoinHandle<()>,
    pub retry: Option<RetryNow>,
}

/// What a subscription is for, which decides what its state changes mean to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The channels on screen: its state is the connection the status bar shows.
    Screen,
    /// A moderator's reports: live if it can be, never what the status bar shows; a refusal
    /// (a token without that channel) is said once and stops only it.
    Reports,
}

/// Subscribes to `channels` and forwards everything as [`Event`]s until the receiver is gone.
/// Must be called inside the tokio runtime.
pub fn spawn(client: Client, channels: Vec<String>, events: mpsc::UnboundedSender<Event>) -> Live {
    spawn_as(Role::Screen, client, channels, events)
}

/// Subscribes to a moderator's channels (the reports, the moderation log) on a subscription of
/// their own, so that a refusal of them never stops the live updates of the channels on screen.
pub fn spawn_reports(
    client: Client,
    channels: Vec<String>,
    events: mpsc::UnboundedSender<Event>,
) -> Live {
    spawn_as(Role::Reports, client, channels, events)
}

fn spawn_as(
    role: Role,
    client: Client,
    channels: Vec<String>,
    events: mpsc::UnboundedSender<Event>,
) -> Live {
    let subscription = client.subscribe().channels(channels).execute();
    let retry = subscription.as_ref().ok().map(|s| s.retry_now());
    let stopped = move |reason: String| match role {
        Role::Screen => Event::Connection(ConnectionEvent::Offline(reason)),
        Role::Reports => Event::Connection(ConnectionEvent::ReportsStopped(reason)),
    };
    let task = tokio::spawn(async move {
        let mut subscription = match subscription {
            Ok(subscription) => subscription,
            Err(e) => {
                let _ = events.send(stopped(e.to_string()));
                return;
            }
        };
        let reason = loop {
            let event = match subscription.next().await {
                None => break stopped("subscription ended".to_string()),
                Some(SubscriptionEvent::Status(SubscriptionStatus::Reconnecting {
                    error: error @ Error::AccessDenied { .. },
                    ..
                })) => break refusal(role, &error),
                Some(SubscriptionEvent::Live(live)) => Event::Live(live),
                Some(SubscriptionEvent::Status(status)) if role == Role::Screen => {
                    Event::Connection(connection_event(status))
                }
                // The reports' own reconnects are not the status bar's business.
                Some(SubscriptionEvent::Status(_)) => continue,
            };
            if events.send(event).is_err() {
                return;
            }
        };
        // Dropping the subscription stops its retries.
        drop(subscription);
        let _ = events.send(reason);
    });
    Live { task, retry }
}

/// What a refusal (HTTP 403) of a subscription tells the app: for the channels on screen, which
/// channels were refused, so the app can leave out watched ones and stay live; for the
/// reports, that they stopped.
fn refusal(role: Role, error: &Error) -> Event {
    let reason = format!("live updates stopped: {error}");
    match (role, error) {
        (Role::Screen, Error::AccessDenied { refused, .. }) => {
            Event::Connection(ConnectionEvent::Refused {
                refused: refused.clone(),
                reason,
            })
        }
        (Role::Screen, _) => Event::Connection(ConnectionEvent::Offline(reason)),
        (Role::Reports, _) => Event::Connection(ConnectionEvent::ReportsStopped(reason)),
    }
}

fn connection_event(status: SubscriptionStatus) -> ConnectionEvent {
    match status {
        SubscriptionStatus::Connected => ConnectionEvent::Connected,
        SubscriptionStatus::Reconnected => ConnectionEvent::Reconnected,
        SubscriptionStatus::Reconnecting {
            attempt,
            retry_in,
            error,
        } => {
            let units = retry_in.as_nanos() / 100;
            let now = Timetoken::now();
            ConnectionEvent::Reconnecting {
                attempt,
                now,
                retry_at: Timetoken(now.get().saturating_add(units as u64)),
                error: error.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{self, ServerOptions};

    /// An embedded server with Access Manager on (secret key `s3cret`), and its data folder.
    async fn managed_server() -> (server::RunningServer, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut options = ServerOptions::new(([127, 0, 0, 1], 0).into(), dir.path().join("db"));
        options.secret_key = Some("s3cret".into());
        (server::start(options).await.expect("server"), dir)
    }

    #[tokio::test]
    async fn a_server_that_requires_signing_stops_the_subscription_and_says_why() {
        let (server, _dir) = managed_server().await;
        let client = Client::new(
            crate::pubnub::Config::new("demo", "demo", "alice").with_origin(server.origin()),
        )
        .expect("client");
        let (tx, mut rx) = mpsc::unbounded_channel();
        let live = spawn(client, vec!["chats.room1".into()], tx);
        let first = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
            .await
            .expect("an event in time");
        match first {
            Some(Event::Connection(ConnectionEvent::Refused { refused, reason })) => {
                assert!(
                    reason.contains("requires signed requests or a token"),
                    "{reason}"
                );
                assert_eq!(refused, ["chats.room1"], "the refusal names the channel");
            }
            other => panic!("{other:?}"),
        }
        // Nothing more: no retry, no "reconnecting".
        assert!(rx.recv().await.is_none());
        assert!(live.task.await.is_ok());
        server.shutdown().await;
    }

    #[tokio::test]
    async fn a_refusal_names_the_channels_the_token_may_not_read() {
        let (server, _dir) = managed_server().await;
        let admin = Client::new(
            crate::pubnub::Config::new("demo", "demo", "admin")
                .with_origin(server.origin())
                .with_secret_key("s3cret"),
        )
        .expect("admin client");
        let token = admin
            .grant_token(60)
            .authorized_uuid("rita")
            .channel("chats.room1", crate::pubnub::token::Permissions::READ)
            .execute()
            .await
            .expect("token");
        let client = Client::new(
            crate::pubnub::Config::new("demo", "demo", "rita")
                .with_origin(server.origin())
                .with_token(&token),
        )
        .expect("client");
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _live = spawn(
            client,
            vec!["chats.room1".into(), "chats.secret".into()],
            tx,
        );
        let first = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
            .await
            .expect("an event in time");
        match first {
            Some(Event::Connection(ConnectionEvent::Refused { refused, .. })) => {
                assert_eq!(refused, ["chats.secret"]);
            }
            other => panic!("{other:?}"),
        }
        server.shutdown().await;
    }
}
