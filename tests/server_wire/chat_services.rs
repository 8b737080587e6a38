//! The other services the Chat SDK uses: signals (live only, 64 bytes), message counts, history
//! delete with its start/end rules, and presence (here-now of one channel and of several,
//! where-now, heartbeats, leave and timeouts, driven by the presence clock, not by waiting).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestServer, assert_service_headers, tt};

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn signals_are_delivered_live_with_e_1_and_never_stored() {
    let s = TestServer::start().await;
    let hs = s
        .get("/v2/subscribe/sk/group/0?tt=0&uuid=alice")
        .await
        .json();
    let cursor = tt(&hs["t"]["t"]);
    let typing = r#"{"type":"typing","value":true}"#;
    let a = s
        .get(&format!("/signal/pk/sk/0/group/0/{}?uuid=bob", enc(typing)))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_service_headers(&a);
    let sent = a.json();
    assert_eq!((&sent[0], &sent[1]), (&json!(1), &json!("Sent")));
    let signal_tt = tt(&sent[2]);
    let v = s
        .get(&format!("/v2/subscribe/sk/group/0?tt={cursor}&uuid=alice"))
        .await
        .json();
    assert_eq!(
        v["m"],
        json!([{"a":"1","c":"group","d":{"type":"typing","value":true},"e":1,"f":0,"i":"bob","k":"sk",
                "p":{"t":signal_tt.to_string(),"r":1}}])
    );
    let history = s.get("/v3/history/sub-key/sk/channel/group").await.json();
    assert_eq!(history["channels"], json!({}), "signals are not history");

    // 64 bytes at most (pubnub/swift canned signal_message_too_large.json).
    let fits = format!("\"{}\"", "x".repeat(62));
    let a = s
        .get(&format!("/signal/pk/sk/0/group/0/{}", enc(&fits)))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let big = format!("\"{}\"", "x".repeat(63));
    let a = s
        .get(&format!("/signal/pk/sk/0/group/0/{}", enc(&big)))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let v = a.json();
    assert_eq!((&v[0], &v[1]), (&json!(0), &json!("Signal size too large")));
    tt(&v[2]);
    s.stop().await;
}

#[tokio::test]
async fn message_counts_count_strictly_after_each_timetoken() {
    let s = TestServer::start().await;
    let a1 = s.publish("sk", "a", "1", "").await;
    let a2 = s.publish("sk", "a", "2", "").await;
    let b1 = s.publish("sk", "b%231", "1", "").await;
    let base = "/v3/history/sub-key/sk/message-counts";
    let a = s.get(&format!("{base}/a?timetoken={a1}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    // Spaced as recorded (pubnub/python native_sync/message_count/single.yaml).
    assert_eq!(
        a.text,
        r#"{"status": 200, "error": false, "error_message": "", "channels": {"a":1}}"#
    );
    let v = s
        .get(&format!("{base}/a,b%231?channelsTimetoken={},{b1}", a1 - 1))
        .await
        .json();
    assert_eq!(v["channels"], json!({"a": 2, "b#1": 0}));
    let v = s
        .get(&format!("{base}/a,b%231?timetoken={a2}"))
        .await
        .json();
    assert_eq!(v["channels"], json!({"a": 0, "b#1": 1}));
    // Mismatched, both or neither: the canned 400 (message_counts_error_invalid_arguments.json).
    for q in [
        format!("channelsTimetoken={a1}"),
        format!("channelsTimetoken={a1},{a1},{a1}"),
        format!("timetoken={a1}&channelsTimetoken={a1},{a1}"),
        String::new(),
        "timetoken=x".into(),
    ] {
        let a = s.get(&format!("{base}/a,b?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(
            a.json(),
            json!({"status":400,"error":true,"error_message":"Invalid Arguments","channels":{}})
        );
    }
    s.stop().await;
}

fn timetokens(v: &Value) -> Vec<u64> {
    v["channels"]["room"]
        .as_array()
        .map(|a| a.iter().map(|m| tt(&m["timetoken"])).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn history_delete_takes_start_exclusive_end_inclusive_and_the_actions_along() {
    let s = TestServer::start().await;
    let mut t = Vec::new();
    for i in 0..6 {
        t.push(s.publish("sk", "room", &i.to_string(), "").await);
    }
    s.add_action("sk", "room", t[2], "reaction", "👍", "bob")
        .await;
    let with_actions = "/v3/history-with-actions/sub-key/sk/channel/room";
    // Read first, so that the views and answer caches hold the channel.
    assert_eq!(timetokens(&s.get(with_actions).await.json()), t);
    let actions = "/v1/message-actions/sk/channel/room";
    assert_eq!(
        s.get(actions).await.json()["data"].as_array().map(Vec::len),
        Some(1)
    );

    // The Chat SDK's hard delete: start = tt - 1, end = tt deletes exactly tt.
    let del = |start: u64, end: u64| {
        format!("/v3/history/sub-key/sk/channel/room?start={start}&end={end}")
    };
    let a = s.delete(&del(t[2] - 1, t[2])).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    // pubnub/python asyncio/history/delete_success.yaml
    assert_eq!(
        a.text,
        r#"{"status": 200, "error": false, "error_message": ""}"#
    );
    assert_eq!(
        timetokens(&s.get(with_actions).await.json()),
        [t[0], t[1], t[3], t[4], t[5]]
    );
    assert_eq!(
        s.get(actions).await.json(),
        json!({"status":200,"data":[]}),
        "its actions went with it"
    );
    // The REST docs' single message: end = tt, start = tt + 1; equal bounds delete nothing.
    s.delete(&del(t[4] + 1, t[4])).await;
    s.delete(&del(t[0], t[0])).await;
    let v = s.get("/v3/history/sub-key/sk/channel/room").await.json();
    assert_eq!(timetokens(&v), [t[0], t[1], t[3], t[5]]);
    // start alone: everything before it; then no bounds: everything.
    s.delete(&format!(
        "/v3/history/sub-key/sk/channel/room?start={}",
        t[3]
    ))
    .await;
    assert_eq!(timetokens(&s.get(with_actions).await.json()), [t[3], t[5]]);
    s.delete("/v3/history/sub-key/sk/channel/room").await;
    assert_eq!(s.get(with_actions).await.json()["channels"], json!({}));
    let a = s
        .delete("/v3/history/sub-key/sk/channel/room?start=x")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    s.stop().await;
}

async fn here(s: &TestServer, path: &str) -> Value {
    let a = s.get(&format!("/v2/presence/sub-key/sk{path}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_service_headers(&a);
    a.json()
}

#[tokio::test]
async fn presence_follows_subscribes_heartbeats_leaves_and_timeouts() {
    let s = TestServer::start().await;
    s.get("/v2/subscribe/sk/room,room-pnpres/0?tt=0&uuid=alice")
        .await;
    let state = enc(r#"{"room":{"mood":"ok"}}"#);
    s.get(&format!(
        "/v2/presence/sub-key/sk/channel/room,lobby/heartbeat?uuid=bob&heartbeat=60&state={state}"
    ))
    .await;

    // One channel: {occupancy, uuids} at the top (asyncio/here_now/single_channel.yaml).
    let v = here(&s, "/channel/room").await;
    assert_eq!(
        v,
        json!({"status":200,"message":"OK","service":"Presence","uuids":["alice","bob"],"occupancy":2})
    );
    let v = here(&s, "/channel/room?state=1").await;
    assert_eq!(
        v["uuids"],
        json!([{"uuid":"alice"},{"uuid":"bob","state":{"mood":"ok"}}])
    );
    let v = here(&s, "/channel/room?disable_uuids=1").await;
    assert_eq!(v.get("uuids"), None);
    assert_eq!(v["occupancy"], 2);
    let v = here(&s, "/channel/room?limit=1&offset=1").await;
    assert_eq!((&v["uuids"], &v["occupancy"]), (&json!(["bob"]), &json!(2)));

    // Several channels: the payload shape; nobody is on a presence channel or an empty one.
    let v = here(&s, "/channel/room,lobby,empty").await;
    assert_eq!(
        v,
        json!({"status":200,"message":"OK","payload":{"channels":{
                 "room":{"uuids":["alice","bob"],"occupancy":2},
                 "lobby":{"uuids":["bob"],"occupancy":1}},
               "total_channels":2,"total_occupancy":3},"service":"Presence"})
    );
    let v = here(&s, "").await;
    assert_eq!(v["payload"]["total_channels"], 2, "{v}");
    let v = here(&s, "/uuid/bob").await;
    assert_eq!(
        v,
        json!({"status":200,"message":"OK","payload":{"channels":["lobby","room"]},"service":"Presence"})
    );

    // bob's 60 s pass; alice's default 300 s do not.
    s.running()
        .store()
        .advance_presence_clock(Duration::from_secs(61));
    assert_eq!(here(&s, "/channel/room").await["uuids"], json!(["alice"]));
    assert_eq!(
        here(&s, "/uuid/bob").await["payload"]["channels"],
        json!([])
    );
    // Leaving takes effect at once.
    let a = s
        .get("/v2/presence/sub-key/sk/channel/room/leave?uuid=alice")
        .await;
    assert_eq!(a.json()["action"], "leave");
    assert_eq!(here(&s, "/channel/room").await["occupancy"], 0);
    // Keysets are namespaces.
    s.get("/v2/presence/sub-key/other/channel/room/heartbeat?uuid=carol")
        .await;
    assert_eq!(here(&s, "/channel/room").await["occupancy"], 0);
    let a = s.get("/v2/presence/sub-key/sk/channel/a%20b").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    s.stop().await;
}
