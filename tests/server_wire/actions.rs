//! Message actions: add, duplicate, remove and its two errors, invalid input, and paging.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestServer, assert_service_headers, tt};

const PATH: &str = "/v1/message-actions/sk/channel/chats.room1";

#[tokio::test]
async fn add_returns_the_stored_action_and_a_duplicate_is_a_409() {
    let s = TestServer::start().await;
    let mt = s.publish("sk", "chats.room1", "\"hello\"", "").await;
    let body = r#"{"type":"reaction","value":"\ud83d\udc4d"}"#;
    let a = s
        .post(&format!("{PATH}/message/{mt}?uuid=alice&pnsdk=test"), body)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_service_headers(&a);
    let v = a.json();
    let at = tt(&v["data"]["actionTimetoken"]);
    assert!(at > mt);
    assert_eq!(
        v,
        json!({"status":200,"data":{"type":"reaction","value":"👍","uuid":"alice",
               "actionTimetoken":at.to_string(),"messageTimetoken":mt.to_string()}})
    );

    let a = s
        .post(
            &format!("{PATH}/message/{mt}?uuid=alice"),
            r#"{"type":"reaction","value":"👍"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":409,"error":{"source":"actions","message":"Action Already Added"}})
    );

    // Another author, or another value, is not a duplicate.
    s.add_action("sk", "chats.room1", mt, "reaction", "👍", "bob")
        .await;
    s.add_action("sk", "chats.room1", mt, "reaction", "🎉", "alice")
        .await;
    let list = s.get(PATH).await.json();
    assert_eq!(list["data"].as_array().map(Vec::len), Some(3));
    s.stop().await;
}

#[tokio::test]
async fn invalid_add_input_is_a_400_naming_the_field() {
    let s = TestServer::start().await;
    let invalid = |location: &str, message: &str| {
        json!({"status":400,"error":{"source":"actions","message":"Request payload contained invalid input.",
               "details":[{"message":message,"location":location,"locationType":"body"}]}})
    };
    let add = |body: &'static str| {
        let s = &s;
        async move {
            s.post(
                &format!("{PATH}/message/15610547826969050?uuid=alice"),
                body,
            )
            .await
        }
    };
    let a = add(r#"{"type":"reaction"}"#).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json(), invalid("value", "Missing field"));
    let a = add(r#"{"value":"x"}"#).await;
    assert_eq!(a.json(), invalid("type", "Missing field"));
    let a = add(r#"{"type":"reaction","value":""}"#).await;
    assert_eq!(a.json(), invalid("value", "Must be a non-empty string"));
    let a = add(r#"{"type":5,"value":"x"}"#).await;
    assert_eq!(a.json(), invalid("type", "Must be a non-empty string"));
    let a = add(r#"{"type":"reaction","#).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()["error"]["message"],
        "Request payload contained invalid input."
    );
    assert_eq!(a.json()["error"]["details"][0]["locationType"], "body");

    let a = s
        .post(&format!("{PATH}/message/1"), r#"{"type":"r","value":"v"}"#)
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "uuid is required");
    assert_eq!(a.json()["error"]["source"], "actions");
    assert_eq!(a.json()["error"]["details"][0]["location"], "uuid");
    let a = s
        .post(
            &format!("{PATH}/message/12ab?uuid=a"),
            r#"{"type":"r","value":"v"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()["error"]["details"][0]["location"],
        "messageTimetoken"
    );
    assert_eq!(s.get(PATH).await.json(), json!({"status":200,"data":[]}));
    s.stop().await;
}

#[tokio::test]
async fn only_the_author_removes_and_each_refusal_has_its_message() {
    let s = TestServer::start().await;
    let mt = s.publish("sk", "chats.room1", "\"hello\"", "").await;
    let added = s
        .add_action("sk", "chats.room1", mt, "reaction", "👍", "alice")
        .await;
    let at = tt(&added["actionTimetoken"]);

    let a = s
        .delete(&format!("{PATH}/message/{mt}/action/{at}?uuid=mallory"))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":400,"error":{"source":"actions","message":"Not deleting message action: wrong uuid specified"}})
    );
    let nothing = json!({"status":400,"error":{"source":"actions","message":"No matching message actions to delete"}});
    let a = s
        .delete(&format!("{PATH}/message/{mt}/action/{}?uuid=alice", at + 1))
        .await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::BAD_REQUEST, nothing.clone())
    );
    let a = s
        .delete(&format!("{PATH}/message/{}/action/{at}?uuid=alice", mt + 1))
        .await;
    assert_eq!(a.json(), nothing, "the message timetoken must match too");
    let a = s
        .delete(&format!(
            "/v1/message-actions/sk/channel/other/message/{mt}/action/{at}?uuid=alice"
        ))
        .await;
    assert_eq!(a.json(), nothing, "the channel must match too");

    let a = s
        .delete(&format!("{PATH}/message/{mt}/action/{at}?uuid=alice"))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json(), json!({"status":200,"data":{}}));
    assert_eq!(s.get(PATH).await.json(), json!({"status":200,"data":[]}));
    let a = s
        .delete(&format!("{PATH}/message/{mt}/action/{at}?uuid=alice"))
        .await;
    assert_eq!(a.json(), nothing, "removing twice finds nothing");
    s.stop().await;
}

fn action_tts(v: &Value) -> Vec<u64> {
    v["data"]
        .as_array()
        .expect("data is a list")
        .iter()
        .map(|a| tt(&a["actionTimetoken"]))
        .collect()
}

#[tokio::test]
async fn get_pages_newest_first_with_exclusive_start_and_inclusive_end() {
    let s = TestServer::start().await;
    let mt = s.publish("sk", "chats.room1", "\"m\"", "").await;
    let mut all = Vec::new();
    for i in 0..5 {
        all.push(tt(&s
            .add_action(
                "sk",
                "chats.room1",
                mt,
                "reaction",
                &format!("v{i}"),
                "alice",
            )
            .await["actionTimetoken"]));
    }
    let v = s.get(PATH).await.json();
    assert_eq!(action_tts(&v), all, "ascending by action timetoken");
    assert!(v.get("more").is_none(), "no more when everything fits: {v}");
    assert_eq!(v["data"][0]["value"], "v0");

    let v = s.get(&format!("{PATH}?limit=2")).await.json();
    assert_eq!(action_tts(&v), all[3..5]);
    assert_eq!(
        v["more"],
        json!({"url": format!("{PATH}?start={}&limit=2", all[3]), "start": all[3].to_string(), "limit": 2})
    );
    let v = s
        .get(&format!("{PATH}?limit=2&start={}", all[3]))
        .await
        .json();
    assert_eq!(action_tts(&v), all[1..3], "start is exclusive");
    assert_eq!(tt(&v["more"]["start"]), all[1]);
    let v = s
        .get(&format!("{PATH}?limit=2&start={}", all[1]))
        .await
        .json();
    assert_eq!(action_tts(&v), all[0..1]);
    assert!(v.get("more").is_none());

    let v = s.get(&format!("{PATH}?end={}", all[2])).await.json();
    assert_eq!(action_tts(&v), all[2..5], "end is inclusive");
    let v = s
        .get(&format!("{PATH}?start={}&end={}&limit=1", all[4], all[2]))
        .await
        .json();
    assert_eq!(action_tts(&v), all[3..4]);
    assert_eq!(v["more"]["end"], all[2].to_string());
    assert_eq!(v["more"]["start"], all[3].to_string());
    let v = s
        .get(&format!("{PATH}?start={}&end={}&limit=1", all[3], all[2]))
        .await
        .json();
    assert_eq!(action_tts(&v), all[2..3]);
    assert!(
        v.get("more").is_none(),
        "nothing older remains within end: {v}"
    );

    for bad in ["limit=0", "limit=abc", "limit=-1", "start=x", "end=1.5"] {
        let a = s.get(&format!("{PATH}?{bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(a.json()["status"], 400);
        assert_eq!(a.json()["error"]["source"], "actions");
    }
    s.stop().await;
}

#[tokio::test]
async fn limit_is_clamped_to_100() {
    let s = TestServer::start().await;
    let users: Vec<String> = (0..105).map(|i| format!("user{i}")).collect();
    let adds = users
        .iter()
        .map(|u| s.add_action("sk", "busy", 1, "receipt", "read", u));
    futures::future::join_all(adds).await;
    let v = s
        .get("/v1/message-actions/sk/channel/busy?limit=500")
        .await
        .json();
    assert_eq!(v["data"].as_array().map(Vec::len), Some(100));
    assert_eq!(v["more"]["limit"], 100);
    let v = s.get("/v1/message-actions/sk/channel/busy").await.json();
    assert_eq!(
        v["data"].as_array().map(Vec::len),
        Some(100),
        "default limit is 100"
    );
    let tts = action_tts(&v);
    assert!(tts.windows(2).all(|w| w[0] < w[1]));
    s.stop().await;
}

#[tokio::test]
async fn keysets_are_namespaces() {
    let s = TestServer::start().await;
    let mt = s.publish("sk-a", "room", "\"a\"", "").await;
    s.add_action("sk-a", "room", mt, "reaction", "x", "alice")
        .await;
    assert_eq!(
        s.get("/v1/message-actions/sk-b/channel/room").await.json(),
        json!({"status":200,"data":[]})
    );
    let v = s
        .get("/v3/history-with-actions/sub-key/sk-b/channel/room")
        .await
        .json();
    assert_eq!(v["channels"], json!({}));
    // The same action under another keyset is not a duplicate.
    s.add_action("sk-b", "room", mt, "reaction", "x", "alice")
        .await;
    assert_eq!(
        s.get("/v1/message-actions/sk-a/channel/room").await.json()["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    s.stop().await;
}

#[tokio::test]
async fn an_add_body_over_the_limit_is_a_413_in_the_actions_shape() {
    let s = TestServer::start_with(|o| o.max_body_bytes = 1024).await;
    let body = format!(r#"{{"type":"reaction","value":"{}"}}"#, "x".repeat(2048));
    let a = s.post(&format!("{PATH}/message/1?uuid=alice"), &body).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_service_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":413,"error":{"source":"actions","message":"Request Entity Too Large"}})
    );
    assert_eq!(s.get(PATH).await.json(), json!({"status":200,"data":[]}));
    s.stop().await;
}

/// What a page must be: the newest `limit` of `all` (ascending) with `end <= tt < start`,
/// ascending, and the start of `more` when older ones remain.
fn model_page(
    all: &[u64],
    start: Option<u64>,
    end: Option<u64>,
    limit: usize,
) -> (Vec<u64>, Option<u64>) {
    let within: Vec<u64> = all
        .iter()
        .copied()
        .filter(|&t| start.is_none_or(|s| t < s) && end.is_none_or(|e| t >= e))
        .collect();
    let shown = within[within.len().saturating_sub(limit)..].to_vec();
    let more = (within.len() > limit).then(|| shown[0]);
    (shown, more)
}

#[tokio::test]
async fn every_read_sees_every_acknowledged_add_and_remove() {
    // The first read builds the channel's view; from then on each acknowledged write must show
    // in the very next read, at any start, end and limit.
    let s = TestServer::start().await;
    let mt = s.publish("sk", "chats.room1", "\"m\"", "").await;
    let mut all: Vec<(u64, String)> = Vec::new();
    let mut seed = 0x853c_49e6_748f_ea9b_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for step in 0..120 {
        if next(4) == 0 && !all.is_empty() {
            let (at, author) = all.remove(next(all.len() as u64) as usize);
            let a = s
                .delete(&format!("{PATH}/message/{mt}/action/{at}?uuid={author}"))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        } else {
            let author = format!("u{step}");
            let added = s
                .add_action("sk", "chats.room1", mt, "reaction", "x", &author)
                .await;
            all.push((tt(&added["actionTimetoken"]), author));
        }
        let tts: Vec<u64> = all.iter().map(|(t, _)| *t).collect();
        let pick = |i: u64| tts.get(i as usize).copied();
        let start = if next(3) == 0 {
            None
        } else {
            pick(next(tts.len() as u64 + 1))
        };
        let end = if next(2) == 0 {
            None
        } else {
            pick(next(tts.len() as u64 + 1))
        };
        let limit = 1 + next(12) as usize;
        let mut query = format!("?limit={limit}");
        query.extend(start.map(|t| format!("&start={t}")));
        query.extend(end.map(|t| format!("&end={t}")));
        let v = s.get(&format!("{PATH}{query}")).await.json();
        let (want, more) = model_page(&tts, start, end, limit);
        assert_eq!(action_tts(&v), want, "step {step}: {query}");
        assert_eq!(
            v.get("more").map(|m| tt(&m["start"])),
            more,
            "step {step}: {query}"
        );
        assert_eq!(
            action_tts(&s.get(PATH).await.json()),
            model_page(&tts, None, None, 100).0
        );
    }
    s.stop().await;
}
