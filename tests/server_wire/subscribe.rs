//! Subscribe: handshake, message delivery, action events with the acting uuid, idle long polls,
//! keyset isolation and cursors that never skip.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestServer, assert_service_headers, tt};

async fn handshake(s: &TestServer, channels: &str) -> u64 {
    let a = s
        .get(&format!("/v2/subscribe/sk/{channels}/0?tt=0&uuid=sub"))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    let v = a.json();
    assert_eq!(v["m"], json!([]));
    assert_eq!(v["t"]["r"], 1);
    tt(&v["t"]["t"])
}

async fn poll(s: &TestServer, channels: &str, cursor: u64) -> Value {
    let a = s
        .get(&format!(
            "/v2/subscribe/sk/{channels}/0?tt={cursor}&tr=1&uuid=sub"
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
}

#[tokio::test]
async fn handshake_then_messages_and_action_events_arrive_in_order() {
    let s = TestServer::start().await;
    let t0 = handshake(&s, "room,other").await;
    let now = reactions::pubnub::Timetoken::now().get();
    assert!(
        t0.abs_diff(now) < 50_000_000,
        "the handshake cursor is the current time"
    );

    // A poll waiting before the publish is woken by it.
    let waiting = poll(&s, "room,other", t0);
    let publisher = async {
        s.polls_waiting(1).await;
        s.publish(
            "sk",
            "room",
            "{\"text\":\"hi\"}",
            "meta=%7B%22k%22%3A1%7D&seqn=7",
        )
        .await
    };
    let (v, mt) = tokio::join!(waiting, publisher);
    let cursor = tt(&v["t"]["t"]);
    assert_eq!(
        v["m"],
        json!([{"a":"1","c":"room","d":{"text":"hi"},"f":0,"i":"publisher","k":"sk",
                "p":{"t":mt.to_string(),"r":1},"s":7,"u":{"k":1}}])
    );
    assert!(cursor >= mt, "t.t {cursor} must not be behind p.t {mt}");

    let added = s
        .add_action("sk", "room", mt, "reaction", "👍", "bob")
        .await;
    let at = tt(&added["actionTimetoken"]);
    s.delete(&format!(
        "/v1/message-actions/sk/channel/room/message/{mt}/action/{at}?uuid=bob"
    ))
    .await;
    let v = poll(&s, "room", cursor).await;
    let m = v["m"].as_array().expect("m");
    assert_eq!(m.len(), 2, "{v}");
    let data = json!({"messageTimetoken":mt.to_string(),"type":"reaction","value":"👍","actionTimetoken":at.to_string()});
    assert_eq!(m[0]["e"], 3);
    assert_eq!(m[0]["i"], "bob", "i is the acting uuid");
    assert_eq!(m[0]["c"], "room");
    assert_eq!(m[0]["k"], "sk");
    assert_eq!(
        m[0]["d"],
        json!({"source":"actions","version":"1.0","data":data,"event":"added"})
    );
    assert_eq!(
        m[1]["d"],
        json!({"source":"actions","version":"1.0","data":data,"event":"removed"})
    );
    assert_eq!(m[1]["i"], "bob");
    assert!(m[0].get("b").is_none());
    let p0 = tt(&m[0]["p"]["t"]);
    let p1 = tt(&m[1]["p"]["t"]);
    assert!(p0 < p1 && tt(&v["t"]["t"]) >= p1);
    s.stop().await;
}

#[tokio::test]
async fn an_idle_poll_answers_empty_after_the_long_poll_time() {
    let s = TestServer::start_with(|o| o.long_poll = Duration::from_millis(300)).await;
    let t0 = handshake(&s, "quiet").await;
    // Events on other channels and other keysets, before it and while it waits, do not end it.
    s.publish("sk", "noisy", "1", "").await;
    s.publish("other-sk", "quiet", "1", "").await;
    let started = Instant::now();
    let noise = async {
        s.polls_waiting(1).await;
        s.publish("sk", "noisy", "2", "").await;
        s.publish("other-sk", "quiet", "2", "").await;
    };
    let (v, ()) = tokio::join!(poll(&s, "quiet", t0), noise);
    let waited = started.elapsed();
    assert_eq!(v["m"], json!([]));
    assert!(
        waited >= Duration::from_millis(250),
        "answered after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");
    assert!(tt(&v["t"]["t"]) >= t0, "the cursor never goes back");
    s.stop().await;
}

#[tokio::test]
async fn cursors_never_skip_events_under_concurrent_writes() {
    let s = TestServer::start_with(|o| o.long_poll = Duration::from_millis(500)).await;
    let mut cursor = handshake(&s, "busy").await;
    let writers = async {
        let messages: Vec<String> = (0..60).map(|i| i.to_string()).collect();
        let pubs = messages.iter().map(|m| s.publish("sk", "busy", m, ""));
        futures::future::join_all(pubs).await
    };
    let reader = async {
        let mut seen = Vec::new();
        while seen.len() < 60 {
            let v = poll(&s, "busy", cursor).await;
            for m in v["m"].as_array().expect("m") {
                let p = tt(&m["p"]["t"]);
                assert!(p > cursor, "delivered again or out of order");
                seen.push(p);
            }
            let next = tt(&v["t"]["t"]);
            assert!(next >= cursor);
            cursor = next;
        }
        seen
    };
    let (mut published, seen) = tokio::join!(writers, reader);
    published.sort_unstable();
    assert_eq!(seen, published, "every event once, in timetoken order");
    s.stop().await;
}

#[tokio::test]
async fn shutdown_answers_waiting_polls_at_once() {
    let s = TestServer::start().await;
    let t0 = handshake(&s, "room").await;
    let url = format!("{}/v2/subscribe/sk/room/0?tt={t0}", s.origin);
    let http = s.http.clone();
    let waiting = tokio::spawn(async move { http.get(url).send().await.map(|r| r.status()) });
    s.polls_waiting(1).await;
    let started = Instant::now();
    s.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown waited for the 180 s long poll"
    );
    let status = waiting.await.expect("joined").expect("answered");
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_idle_subscribers_are_all_woken_by_one_publish() {
    let s = TestServer::start_with(|o| o.long_poll = Duration::from_secs(60)).await;
    let t0 = handshake(&s, "crowd").await;
    let polls: Vec<_> = (0..300)
        .map(|i| {
            let channels = if i % 2 == 0 {
                "crowd"
            } else {
                "elsewhere,crowd"
            };
            let url = format!(
                "{}/v2/subscribe/sk/{channels}/0?tt={t0}&uuid=u{i}",
                s.origin
            );
            let http = reqwest::Client::new();
            tokio::spawn(async move { http.get(url).send().await?.json::<Value>().await })
        })
        .collect();
    s.polls_waiting(300).await;
    let started = Instant::now();
    let mt = s.publish("sk", "crowd", "\"hello, all\"", "").await;
    for poll in polls {
        let v = poll.await.expect("joined").expect("answered");
        assert_eq!(v["m"][0]["d"], "hello, all");
        assert_eq!(tt(&v["m"][0]["p"]["t"]), mt);
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    s.stop().await;
}
