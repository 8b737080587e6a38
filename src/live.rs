//! Bridges the client's subscription to app events: live messages and actions (of every channel
//! the app asked for: the one on screen, the ones below it, the reports), and the connection
//! state (live, reconnecting in N s, back after an outage).

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::app::{ConnectionEvent, Event};
use crate::pubnub::{Client, RetryNow, SubscriptionEvent, SubscriptionStatus, Timetoken};

/// The running bridge: its task, and a way to make a waiting reconnect try at once.
pub struct Live {
    pub task: JoinHandle<()>,
    pub retry: Option<RetryNow>,
}

/// Subscribes to `channels` and forwards everything as [`Event`]s until the receiver is gone.
/// Must be called inside the tokio runtime.
pub fn spawn(client: Client, channels: Vec<String>, events: mpsc::UnboundedSender<Event>) -> Live {
    let subscription = client.subscribe().channels(channels).execute();
    let retry = subscription.as_ref().ok().map(|s| s.retry_now());
    let task = tokio::spawn(async move {
        let mut subscription = match subscription {
            Ok(subscription) => subscription,
            Err(e) => {
                let _ = events.send(Event::Connection(ConnectionEvent::Offline(e.to_string())));
                return;
            }
        };
        while let Some(event) = subscription.next().await {
            let event = match event {
                SubscriptionEvent::Live(live) => Event::Live(live),
                SubscriptionEvent::Status(status) => Event::Connection(connection_event(status)),
            };
            if events.send(event).is_err() {
                break;
            }
        }
        let _ = events.send(Event::Connection(ConnectionEvent::Offline(
            "subscription ended".into(),
        )));
    });
    Live { task, retry }
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
