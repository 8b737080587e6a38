//! The subscribe loop driven by a scripted long-poll, and the backoff schedule.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;

use crate::pubnub::subscribe::{RetryNow, SubscribeAnswer, backoff_delay, jitter, run};
use crate::pubnub::wire::Cursor;
use crate::pubnub::{Error, LiveEvent, Result, SubscriptionEvent, SubscriptionStatus, Timetoken};

type Calls = Arc<Mutex<Vec<(u64, Option<u32>)>>>;

fn answer(t: u64, r: u32, events: Vec<LiveEvent>) -> Result<SubscribeAnswer> {
    Ok(SubscribeAnswer {
        cursor: Cursor { t: Timetoken(t), r },
        events,
    })
}

fn message(n: u64) -> LiveEvent {
    LiveEvent::Message {
        channel: "ch".into(),
        timetoken: Timetoken(n),
        publisher: Some("bob".into()),
        message: json!(format!("m{n}")),
        meta: None,
    }
}

fn status(s: SubscriptionStatus) -> SubscriptionEvent {
    SubscriptionEvent::Status(s)
}

/// Runs the loop over `script` (then a poll that never answers); returns the first `count`
/// events and the cursor of every poll.
async fn run_script(
    script: Vec<Result<SubscribeAnswer>>,
    timetoken: Option<u64>,
    count: usize,
) -> (Vec<SubscriptionEvent>, Vec<(u64, Option<u32>)>) {
    let polls = script.len() + 1;
    let script = Arc::new(Mutex::new(VecDeque::from(script)));
    let calls: Calls = Arc::default();
    let poll = {
        let calls = Arc::clone(&calls);
        move |tt: Timetoken, tr| {
            calls.lock().unwrap().push((tt.get(), tr));
            let next = script.lock().unwrap().pop_front();
            async move {
                match next {
                    Some(result) => result,
                    None => futures::future::pending().await,
                }
            }
        }
    };
    let (sender, mut events) = mpsc::channel(64);
    let delay = |attempt| Duration::from_millis(u64::from(attempt));
    let task = tokio::spawn(run(
        poll,
        timetoken.map(Timetoken),
        sender,
        delay,
        RetryNow::default(),
    ));
    let mut got = Vec::new();
    for _ in 0..count {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv());
        got.push(event.await.unwrap().unwrap());
    }
    for _ in 0..500 {
        if calls.lock().unwrap().len() >= polls {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    task.abort();
    let calls = calls.lock().unwrap().clone();
    (got, calls)
}

#[tokio::test]
async fn handshake_then_events_then_an_outage_resumed_from_the_same_cursor() {
    let action = LiveEvent::Action {
        channel: "ch".into(),
        kind: crate::pubnub::ActionEventKind::Added,
        action: crate::pubnub::StoredAction {
            action_timetoken: Timetoken(150),
            message_timetoken: Timetoken(140),
            action_type: "reaction".into(),
            uuid: "carol".into(),
            value: "👍".into(),
        },
    };
    let network = Error::Network {
        message: "connection reset".into(),
    };
    let timeout = Error::Timeout { seconds: 310 };
    let script = vec![
        answer(100, 7, vec![]),
        answer(200, 7, vec![message(140), action.clone()]),
        Err(network.clone()),
        // The retries are handshakes: answered at once when the service is back.
        Err(timeout.clone()),
        answer(900, 8, vec![]),
        // Then the long poll resumes from the cursor held before the outage.
        answer(300, 8, vec![message(250)]),
    ];
    let (events, calls) = run_script(script, None, 7).await;
    assert_eq!(
        events,
        vec![
            status(SubscriptionStatus::Connected),
            SubscriptionEvent::Live(message(140)),
            SubscriptionEvent::Live(action),
            status(SubscriptionStatus::Reconnecting {
                attempt: 1,
                retry_in: Duration::from_millis(1),
                error: network,
            }),
            status(SubscriptionStatus::Reconnecting {
                attempt: 2,
                retry_in: Duration::from_millis(2),
                error: timeout,
            }),
            status(SubscriptionStatus::Reconnected),
            SubscriptionEvent::Live(message(250)),
        ]
    );
    assert_eq!(
        calls,
        [
            (0, None),
            (100, Some(7)),
            (200, Some(7)),
            (0, None),
            (0, None),
            (200, Some(8)),
            (300, Some(8)),
        ]
    );
}

#[tokio::test]
async fn with_timetoken_continues_from_it_after_the_handshake() {
    let script = vec![answer(100, 7, vec![]), answer(120, 7, vec![message(60)])];
    let (events, calls) = run_script(script, Some(50), 2).await;
    assert_eq!(events[0], status(SubscriptionStatus::Connected));
    assert_eq!(calls, [(0, None), (50, Some(7)), (120, Some(7))]);
}

#[tokio::test]
async fn a_failed_handshake_is_retried_and_then_connects() {
    let script = vec![
        Err(Error::Server {
            status: 503,
            message: "busy".into(),
        }),
        answer(100, 3, vec![]),
    ];
    let (events, calls) = run_script(script, None, 2).await;
    assert!(matches!(
        events[0],
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting { attempt: 1, .. })
    ));
    assert_eq!(events[1], status(SubscriptionStatus::Connected));
    assert_eq!(calls, [(0, None), (0, None), (100, Some(3))]);
}

#[tokio::test]
async fn the_loop_ends_when_nobody_listens() {
    let (sender, events) = mpsc::channel(1);
    drop(events);
    let poll = |_: Timetoken, _| async { answer(100, 1, vec![]) };
    let task = tokio::spawn(run(
        poll,
        None,
        sender,
        |_| Duration::ZERO,
        RetryNow::default(),
    ));
    assert!(
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .is_ok()
    );
}

#[test]
fn backoff_doubles_to_thirty_seconds_with_bounded_jitter() {
    let secs = |jitter: f64| -> Vec<f64> {
        (1..=8)
            .map(|attempt| backoff_delay(attempt, jitter).as_secs_f64())
            .collect()
    };
    assert_eq!(secs(0.5), [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]);
    assert_eq!(secs(0.0), [0.75, 1.5, 3.0, 6.0, 12.0, 24.0, 30.0, 30.0]);
    assert_eq!(secs(1.0), [1.25, 2.5, 5.0, 10.0, 20.0, 30.0, 30.0, 30.0]);
    assert_eq!(backoff_delay(0, 0.5), Duration::from_secs(1));
    assert_eq!(backoff_delay(u32::MAX, 1.0), Duration::from_secs(30));
    let draws: Vec<f64> = (0..200).map(|_| jitter()).collect();
    assert!(draws.iter().all(|j| (0.0..1.0).contains(j)));
    assert!(draws.iter().any(|j| *j < 0.5) && draws.iter().any(|j| *j >= 0.5));
}

#[tokio::test]
async fn a_retry_asked_for_cuts_the_wait_before_reconnecting_short() {
    let script = Arc::new(Mutex::new(VecDeque::from(vec![
        answer(100, 7, vec![]),
        Err(Error::Network {
            message: "connection refused".into(),
        }),
        answer(900, 7, vec![]),
    ])));
    let poll = move |_: Timetoken, _| {
        let next = script.lock().unwrap().pop_front();
        async move {
            match next {
                Some(result) => result,
                None => futures::future::pending().await,
            }
        }
    };
    let (sender, mut events) = mpsc::channel(8);
    let retry = RetryNow::default();
    let long_wait = |_| Duration::from_secs(600);
    let task = tokio::spawn(run(poll, None, sender, long_wait, retry.clone()));
    let within = Duration::from_secs(5);
    assert_eq!(
        tokio::time::timeout(within, events.recv()).await.unwrap(),
        Some(status(SubscriptionStatus::Connected))
    );
    assert!(matches!(
        tokio::time::timeout(within, events.recv()).await.unwrap(),
        Some(SubscriptionEvent::Status(
            SubscriptionStatus::Reconnecting { .. }
        ))
    ));
    // Without the trigger the next attempt would come in ten minutes.
    let retried = async {
        loop {
            retry.trigger();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let reconnected = tokio::select! {
        event = tokio::time::timeout(within, events.recv()) => event.unwrap(),
        _ = retried => unreachable!(),
    };
    assert_eq!(reconnected, Some(status(SubscriptionStatus::Reconnected)));
    task.abort();
}
