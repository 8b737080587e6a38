//! Subscribe (reference section 4): a long-poll loop in a background task that turns answers into
//! [`SubscriptionEvent`]s, keeps the `tt`/`tr` cursor, and after a failure retries from that same
//! cursor with exponential backoff, so nothing published meanwhile is missed. Dropping the
//! [`Subscription`] stops the task and the long-poll in flight.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::answer::Answer;
use super::client::{
    Client, Endpoint, Request, blocking_runtime, channel_list, channels_setters, ensure_not_async,
};
use super::wire::{ActionEventPayload, Cursor, EVENT_MESSAGE_ACTION, SubscribeItem};
use super::{ActionEventKind, Error, LiveEvent, Result, StoredAction, Timetoken};

/// Longest wait between reconnect attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Events buffered for a consumer that is slower than the service.
const EVENT_BUFFER: usize = 256;

/// What a [`Subscription`] yields.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionEvent {
    Live(LiveEvent),
    Status(SubscriptionStatus),
}

/// The connection's state changes.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionStatus {
    /// The first long-poll (the handshake) succeeded: events flow from here on.
    Connected,
    /// A long-poll failed; the next attempt follows in `retry_in`.
    Reconnecting {
        attempt: u32,
        retry_in: Duration,
        error: Error,
    },
    /// A long-poll succeeded after an outage. Events published meanwhile were delivered from the
    /// kept cursor as far as the service still had them; consumers refresh their views here.
    Reconnected,
}

/// One long-poll answer: the next cursor and the events it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscribeAnswer {
    pub cursor: Cursor,
    pub events: Vec<LiveEvent>,
}

impl Client {
    /// Subscribes to channels for live messages and action events.
    pub fn subscribe(&self) -> Subscribe {
        Subscribe {
            client: self.clone(),
            channels: Vec::new(),
            timetoken: None,
        }
    }
}

/// Builder of [`Client::subscribe`].
#[derive(Debug, Clone)]
pub struct Subscribe {
    client: Client,
    channels: Vec<String>,
    timetoken: Option<Timetoken>,
}

impl Subscribe {
    channels_setters!();

    /// Deliver what was published after this timetoken (as far as the service keeps it), instead
    /// of only what is published from now on.
    pub fn with_timetoken(mut self, timetoken: impl Into<Timetoken>) -> Self {
        self.timetoken = Some(timetoken.into());
        self
    }

    /// Starts the subscription as a task on the current tokio runtime and returns at once; the
    /// first event is [`SubscriptionStatus::Connected`] or `Reconnecting`. Outside a runtime this
    /// returns [`Error::InvalidInput`]: use [`execute_blocking`](Self::execute_blocking) there.
    pub fn execute(self) -> Result<Subscription> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::InvalidInput(
                "subscribe().execute() needs a tokio runtime; use execute_blocking outside one"
                    .into(),
            )
        })?;
        self.spawn(&runtime)
    }

    /// Starts the subscription on the internal runtime, for code that is not async: read it with
    /// [`Subscription::next_blocking`]. Returns [`Error::InvalidInput`] inside an async runtime.
    pub fn execute_blocking(self) -> Result<Subscription> {
        ensure_not_async("subscribe().execute_blocking()")?;
        self.spawn(blocking_runtime()?.handle())
    }

    fn spawn(self, runtime: &tokio::runtime::Handle) -> Result<Subscription> {
        let channels = channel_list(&self.channels)?;
        let client = self.client;
        let poll = move |tt, tr| {
            let poll = LongPoll {
                client: client.clone(),
                channels: channels.clone(),
                tt,
                tr,
            };
            async move { poll.client.call(&poll).await }
        };
        let (sender, events) = mpsc::channel(EVENT_BUFFER);
        let retry = RetryNow::default();
        let task = runtime.spawn(run(
            poll,
            self.timetoken,
            sender,
            |attempt| backoff_delay(attempt, jitter()),
            retry.clone(),
        ));
        Ok(Subscription {
            events,
            task: task.abort_handle(),
            retry,
        })
    }
}

/// One long-poll request.
pub(crate) struct LongPoll {
    pub client: Client,
    /// The channel list as a path segment.
    pub channels: String,
    pub tt: Timetoken,
    pub tr: Option<u32>,
}

impl Endpoint for LongPoll {
    type Output = SubscribeAnswer;

    fn request(&self) -> Result<Request> {
        let path = format!(
            "/v2/subscribe/{}/{}/0",
            self.client.sub_key_segment(),
            self.channels
        );
        let mut request = Request::new(Method::GET, path)
            .param("tt", self.tt)
            .param_opt("tr", self.tr);
        request.long_poll = true;
        Ok(request)
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<SubscribeAnswer> {
        decode(status, body)
    }
}

/// A running subscription: read it with [`next`](Subscription::next) or as a [`Stream`].
/// Dropping it stops the background task and its long-poll.
#[derive(Debug)]
pub struct Subscription {
    events: mpsc::Receiver<SubscriptionEvent>,
    task: AbortHandle,
    retry: RetryNow,
}

/// Cuts a subscription's wait before its next reconnect attempt short (a user asking to retry
/// now); does nothing while it is connected.
#[derive(Debug, Clone, Default)]
pub struct RetryNow(std::sync::Arc<tokio::sync::Notify>);

impl RetryNow {
    /// Makes a subscription waiting to reconnect try at once.
    pub fn trigger(&self) {
        self.0.notify_waiters();
    }

    async fn wait(&self) {
        self.0.notified().await;
    }
}

impl Subscription {
    /// A handle that makes this subscription, while waiting to reconnect, try at once.
    pub fn retry_now(&self) -> RetryNow {
        self.retry.clone()
    }

    /// The next event; `None` only once the task has stopped.
    pub async fn next(&mut self) -> Option<SubscriptionEvent> {
        self.events.recv().await
    }

    /// [`next`](Self::next) for code that is not async; [`Error::InvalidInput`] inside a runtime.
    pub fn next_blocking(&mut self) -> Result<Option<SubscriptionEvent>> {
        ensure_not_async("Subscription::next_blocking()")?;
        Ok(self.events.blocking_recv())
    }
}

impl Stream for Subscription {
    type Item = SubscriptionEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The subscribe loop: handshake with `tt=0`, then long-poll from the returned cursor (or from
/// `timetoken` when given, with the handshake's region). A failure is reported with its delay;
/// the retry is a handshake, which the service answers at once, so being back is known (and
/// reported) right away rather than when the next long poll ends, up to minutes later on a quiet
/// channel; long polls then resume from the cursor held before the failure, so nothing published
/// meanwhile is skipped. Ends when the receiving side is gone.
pub(crate) async fn run<P, F>(
    mut poll: P,
    timetoken: Option<Timetoken>,
    events: mpsc::Sender<SubscriptionEvent>,
    delay: impl Fn(u32) -> Duration,
    retry: RetryNow,
) where
    P: FnMut(Timetoken, Option<u32>) -> F,
    F: Future<Output = Result<SubscribeAnswer>>,
{
    let (mut tt, mut tr) = (Timetoken(0), None);
    let mut handshake = true;
    let mut failures = 0u32;
    let send = |event| events.send(event);
    loop {
        let probing = !handshake && failures > 0;
        let cursor = match probing {
            true => (Timetoken(0), None),
            false => (tt, tr),
        };
        match poll(cursor.0, cursor.1).await {
            Ok(answer) => {
                let status = match (handshake, failures) {
                    (true, _) => Some(SubscriptionStatus::Connected),
                    (false, 0) => None,
                    (false, _) => Some(SubscriptionStatus::Reconnected),
                };
                tt = match (handshake, timetoken) {
                    (true, Some(from)) => from,
                    _ if probing => tt,
                    _ => answer.cursor.t,
                };
                tr = Some(answer.cursor.r);
                handshake = false;
                failures = 0;
                let statuses = status.map(SubscriptionEvent::Status).into_iter();
                for event in statuses.chain(answer.events.into_iter().map(SubscriptionEvent::Live))
                {
                    if send(event).await.is_err() {
                        return;
                    }
                }
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                let retry_in = delay(failures);
                tracing::warn!(%error, attempt = failures, ?retry_in, "subscribe failed; retrying");
                let status = SubscriptionStatus::Reconnecting {
                    attempt: failures,
                    retry_in,
                    error,
                };
                if send(SubscriptionEvent::Status(status)).await.is_err() {
                    return;
                }
                tokio::select! {
                    _ = tokio::time::sleep(retry_in) => {}
                    _ = retry.wait() => {}
                }
            }
        }
    }
}

/// Delay before reconnect attempt `attempt` (from 1): 1, 2, 4, 8, 16, then 30 seconds, each
/// scaled by `0.75 + jitter / 2` for `jitter` in 0..=1 and never above [`MAX_BACKOFF`].
pub fn backoff_delay(attempt: u32, jitter: f64) -> Duration {
    let base = 2f64.powi(attempt.clamp(1, 16) as i32 - 1);
    let scale = 0.75 + jitter.clamp(0.0, 1.0) / 2.0;
    Duration::from_secs_f64((base * scale).min(MAX_BACKOFF.as_secs_f64()))
}

/// A random number in 0..1, from the low 53 bits of a v4 uuid (all random: its version and
/// variant bits sit higher), so no random-number crate is needed.
pub(crate) fn jitter() -> f64 {
    const BITS: u32 = 53;
    let random = uuid::Uuid::new_v4().as_u128() & ((1u128 << BITS) - 1);
    random as f64 / (1u64 << BITS) as f64
}

#[derive(Deserialize)]
struct Envelope {
    t: Cursor,
    #[serde(default)]
    m: Vec<Value>,
}

/// Reads a long-poll answer. Items of unknown type, or that cannot be read, are skipped (logged
/// at debug) rather than failing the whole answer.
pub fn decode(status: u16, body: &[u8]) -> Result<SubscribeAnswer> {
    let answer = Answer::read(status, body)?;
    let envelope: Envelope = answer.parse()?;
    let events = envelope
        .m
        .iter()
        .filter_map(|raw| match SubscribeItem::deserialize(raw) {
            Ok(item) => live_event(item),
            Err(error) => {
                tracing::debug!(%error, "skipping a subscribe item that cannot be read");
                None
            }
        })
        .collect();
    Ok(SubscribeAnswer {
        cursor: envelope.t,
        events,
    })
}

fn live_event(item: SubscribeItem) -> Option<LiveEvent> {
    match item.e {
        None | Some(0) => Some(LiveEvent::Message {
            channel: item.c,
            timetoken: item.p.t,
            publisher: item.i,
            message: item.d,
            meta: item.u,
        }),
        Some(EVENT_MESSAGE_ACTION) => {
            let payload = ActionEventPayload::deserialize(&item.d)
                .map_err(|error| tracing::debug!(%error, "skipping an unreadable action event"))
                .ok()?;
            let kind = match payload.event.as_str() {
                "added" => ActionEventKind::Added,
                "removed" => ActionEventKind::Removed,
                other => {
                    tracing::debug!(event = other, "skipping an action event of unknown kind");
                    return None;
                }
            };
            let data = payload.data;
            Some(LiveEvent::Action {
                channel: item.c,
                kind,
                action: StoredAction {
                    action_timetoken: data.action_timetoken,
                    message_timetoken: data.message_timetoken,
                    action_type: data.action_type,
                    uuid: item.i.unwrap_or_default(),
                    value: data.value,
                },
            })
        }
        Some(other) => {
            tracing::debug!(e = other, channel = %item.c, "skipping a subscribe event of another type");
            None
        }
    }
}
