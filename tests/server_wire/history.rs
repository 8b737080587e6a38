//! v3 history and history-with-actions: ranges, ordering, include flags, grouping, the action
//! cap and `more`.

use reactions::pubnub::{StoredAction, Timetoken};
use reactions::server;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestServer, assert_service_headers, options, tt};

fn timetokens(v: &Value, channel: &str) -> Vec<u64> {
    v["channels"][channel]
        .as_array()
        .unwrap_or_else(|| panic!("no {channel} in {v}"))
        .iter()
        .map(|m| tt(&m["timetoken"]))
        .collect()
}

#[tokio::test]
async fn history_returns_the_newest_max_ascending_within_the_range() {
    let s = TestServer::start().await;
    let mut tts = Vec::new();
    for i in 0..6 {
        tts.push(s.publish("sk", "room", &format!("\"m{i}\""), "").await);
    }
    let base = "/v3/history/sub-key/sk/channel/room";
    let a = s.get(base).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    let v = a.json();
    assert_eq!(
        (
            v["status"].clone(),
            v["error"].clone(),
            v["error_message"].clone()
        ),
        (json!(200), json!(false), json!(""))
    );
    assert_eq!(timetokens(&v, "room"), tts);
    assert_eq!(
        v["channels"]["room"][0],
        json!({"message":"m0","timetoken":tts[0].to_string()}),
        "no extras unless asked"
    );

    assert_eq!(
        timetokens(&s.get(&format!("{base}?max=2")).await.json(), "room"),
        tts[4..6]
    );
    assert_eq!(
        timetokens(
            &s.get(&format!("{base}?start={}", tts[3])).await.json(),
            "room"
        ),
        tts[0..3],
        "start is exclusive"
    );
    assert_eq!(
        timetokens(
            &s.get(&format!("{base}?end={}", tts[3])).await.json(),
            "room"
        ),
        tts[3..6],
        "end is inclusive"
    );
    let v = s
        .get(&format!("{base}?start={}&end={}&max=1", tts[4], tts[1]))
        .await
        .json();
    assert_eq!(timetokens(&v, "room"), tts[3..4]);
    let v = s.get(&format!("{base}?max=1000")).await.json();
    assert_eq!(
        timetokens(&v, "room").len(),
        6,
        "max is clamped, not refused"
    );
    for bad in ["max=0", "max=x", "start=abc"] {
        let a = s.get(&format!("{base}?{bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(a.json()["error"], true);
    }

    let empty = s.get("/v3/history/sub-key/sk/channel/nothing").await;
    assert_eq!(
        empty.json(),
        json!({"status":200,"error":false,"error_message":"","channels":{}})
    );
    s.stop().await;
}

#[tokio::test]
async fn several_channels_include_flags_and_custom_types() {
    let s = TestServer::start().await;
    let a1 = s
        .publish(
            "sk",
            "a%231",
            "{\"t\":1}",
            "meta=%7B%22k%22%3A%22v%22%7D&custom_message_type=text-msg",
        )
        .await;
    let b1 = s.publish("sk", "b", "\"b1\"", "").await;
    for i in 0..30 {
        s.publish("sk", "b", &format!("{i}"), "").await;
    }
    let v = s
        .get("/v3/history/sub-key/sk/channel/a%231,b?include_meta=true&include_uuid=true&include_message_type=true&include_custom_message_type=true")
        .await
        .json();
    assert_eq!(
        v["channels"]["a#1"],
        json!([{"message":{"t":1},"timetoken":a1.to_string(),"meta":{"k":"v"},"uuid":"publisher",
                "message_type":null,"custom_message_type":"text-msg"}]),
        "channel names come back decoded"
    );
    let b = v["channels"]["b"].as_array().expect("b");
    assert_eq!(b.len(), 25, "several channels: 25 each at most");
    assert_eq!(b[24]["message"], 29);
    assert_eq!(
        b[0]["meta"], "",
        "meta asked for but absent is an empty string"
    );
    assert!(timetokens(&v, "b").iter().all(|t| *t > b1));
    s.stop().await;
}

#[tokio::test]
async fn with_actions_groups_by_type_and_value_and_refuses_several_channels() {
    let s = TestServer::start().await;
    let m1 = s.publish("sk", "room", "\"first\"", "").await;
    let m2 = s.publish("sk", "room", "\"second\"", "").await;
    let x1 = tt(&s
        .add_action("sk", "room", m1, "reaction", "smiley_face", "otheruser")
        .await["actionTimetoken"]);
    let x2 = tt(&s
        .add_action("sk", "room", m1, "reaction", "smiley_face", "me")
        .await["actionTimetoken"]);
    let x3 = tt(&s
        .add_action("sk", "room", m1, "other", "someValue", "otheruser")
        .await["actionTimetoken"]);
    let a = s
        .get("/v3/history-with-actions/sub-key/sk/channel/room?include_meta=true")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":200,"error":false,"error_message":"","channels":{"room":[
            {"message":"first","timetoken":m1.to_string(),"meta":"","actions":{
                "reaction":{"smiley_face":[{"uuid":"me","actionTimetoken":x2.to_string()},
                                           {"uuid":"otheruser","actionTimetoken":x1.to_string()}]},
                "other":{"someValue":[{"uuid":"otheruser","actionTimetoken":x3.to_string()}]}}},
            {"message":"second","timetoken":m2.to_string(),"meta":""}]}})
    );
    let a = s
        .get("/v3/history-with-actions/sub-key/sk/channel/room,other")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["error"], true);
    assert_eq!(a.json()["status"], 400);

    for _ in 0..30 {
        s.publish("sk", "room", "\"more\"", "").await;
    }
    let v = s
        .get("/v3/history-with-actions/sub-key/sk/channel/room")
        .await
        .json();
    assert_eq!(timetokens(&v, "room").len(), 25, "with actions: 25 at most");
    assert!(v.get("more").is_none(), "max alone does not make `more`");
    s.stop().await;
}

#[tokio::test]
async fn with_actions_keeps_whole_messages_under_the_action_cap_and_says_more() {
    let s = TestServer::start().await;
    let store = s.running().store().clone();
    let older = s.publish("sk", "busy", "\"older\"", "").await;
    let newest = s.publish("sk", "busy", "\"newest\"", "").await;
    let base = Timetoken::now().get();
    let seed = |mt: u64, i: u64| {
        let store = store.clone();
        async move {
            let a = StoredAction {
                action_timetoken: Timetoken(base + 10 + i),
                message_timetoken: Timetoken(mt),
                action_type: "receipt".into(),
                uuid: format!("user{i}"),
                value: "read".into(),
            };
            store.insert_action_at("sk", "busy", &a).await
        }
    };
    let mut futs = Vec::new();
    for i in 0..9_999 {
        futs.push(seed(newest, i));
    }
    futs.push(seed(older, 20_000));
    futs.push(seed(older, 20_001));
    for r in futures::future::join_all(futs).await {
        r.expect("seeded");
    }
    let v = s
        .get("/v3/history-with-actions/sub-key/sk/channel/busy?max=10")
        .await
        .json();
    assert_eq!(
        timetokens(&v, "busy"),
        vec![newest],
        "the older message would cross 10,000 actions"
    );
    let refs = &v["channels"]["busy"][0]["actions"]["receipt"]["read"];
    assert_eq!(
        refs.as_array().map(Vec::len),
        Some(9_999),
        "a message comes whole"
    );
    assert_eq!(
        v["more"],
        json!({"url": format!("/v3/history-with-actions/sub-key/sk/channel/busy?start={newest}&max=9"),
               "start": newest.to_string(), "max": 9})
    );
    let v = s
        .get(&format!(
            "/v3/history-with-actions/sub-key/sk/channel/busy?start={newest}&max=9"
        ))
        .await
        .json();
    assert_eq!(timetokens(&v, "busy"), vec![older]);
    assert_eq!(
        v["channels"]["busy"][0]["actions"]["receipt"]["read"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert!(v.get("more").is_none());
    s.stop().await;
}

#[tokio::test]
async fn repeated_reads_see_every_acknowledged_write() {
    let s = TestServer::start().await;
    let list = "/v1/message-actions/sk/channel/room?limit=100";
    let hwa = "/v3/history-with-actions/sub-key/sk/channel/room?max=25";
    let history = "/v3/history/sub-key/sk/channel/room";
    let count = |v: &Value, key: &str| v[key].as_array().map_or(0, Vec::len);
    for round in 1..=3u64 {
        // Read twice (the second may be served from the read cache), then write.
        for _ in 0..2 {
            let v = s.get(history).await.json();
            assert_eq!(
                v["channels"]["room"].as_array().map_or(0, Vec::len) as u64,
                round - 1
            );
            assert_eq!(count(&s.get(list).await.json(), "data") as u64, round - 1);
        }
        let mt = s.publish("sk", "room", &round.to_string(), "").await;
        s.add_action("sk", "room", mt, "reaction", "x", "alice")
            .await;
        let v = s.get(hwa).await.json();
        let last = &v["channels"]["room"][round as usize - 1];
        assert_eq!(tt(&last["timetoken"]), mt);
        assert!(last["actions"]["reaction"]["x"].is_array(), "{v}");
    }
    let v = s.get(list).await.json();
    let a = &v["data"][0];
    let (mt, at) = (tt(&a["messageTimetoken"]), tt(&a["actionTimetoken"]));
    s.delete(&format!(
        "/v1/message-actions/sk/channel/room/message/{mt}/action/{at}?uuid=alice"
    ))
    .await;
    assert_eq!(
        count(&s.get(list).await.json(), "data"),
        2,
        "a removal shows at once"
    );
    let v = s.get(hwa).await.json();
    assert!(v["channels"]["room"][0].get("actions").is_none(), "{v}");
    s.stop().await;
}

#[tokio::test]
async fn reads_see_writes_made_through_another_store_on_the_same_file() {
    // Another process writing to the same database (a command run without --origin next to a
    // running server) is a second store on the file: here a second server on it.
    let s = TestServer::start().await;
    let other = server::start(options(s.db_path()))
        .await
        .expect("a second server on the same file");
    let list = "/v1/message-actions/sk/channel/shared?limit=100";
    let hwa = "/v3/history-with-actions/sub-key/sk/channel/shared?max=25";
    let history = "/v3/history/sub-key/sk/channel/shared";
    let count = |v: &Value, key: &str| v[key].as_array().map_or(0, Vec::len);
    let mt = s.publish("sk", "shared", "\"here\"", "").await;
    for _ in 0..2 {
        // Twice: the second answer may come from the read cache.
        assert_eq!(timetokens(&s.get(history).await.json(), "shared"), [mt]);
        assert_eq!(count(&s.get(list).await.json(), "data"), 0);
        let v = s.get(hwa).await.json();
        assert!(v["channels"]["shared"][0].get("actions").is_none(), "{v}");
    }

    let past = Timetoken(mt - 1);
    other
        .store()
        .insert_message_at("sk", "shared", past, "bob", json!("there"), None)
        .await
        .expect("written by the other store");
    let action = StoredAction {
        action_timetoken: Timetoken(mt + 1),
        message_timetoken: Timetoken(mt),
        action_type: "reaction".into(),
        uuid: "bob".into(),
        value: "👍".into(),
    };
    other
        .store()
        .insert_action_at("sk", "shared", &action)
        .await
        .expect("written by the other store");

    assert_eq!(
        timetokens(&s.get(history).await.json(), "shared"),
        [past.get(), mt]
    );
    assert_eq!(count(&s.get(list).await.json(), "data"), 1);
    let v = s.get(hwa).await.json();
    assert_eq!(
        v["channels"]["shared"][1]["actions"],
        json!({"reaction":{"👍":[{"uuid":"bob","actionTimetoken":(mt + 1).to_string()}]}})
    );
    other.shutdown().await;
    s.stop().await;
}
