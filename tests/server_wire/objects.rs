//! App Context (`/v2/objects/...`): users and channels set, read, listed and removed in the
//! shapes pubnub/python recorded from the service; PATCH merging what is sent; `If-Match`;
//! pages with `next`/`prev`; `count`, `sort` and `filter`; memberships and members; the errors;
//! and the `e: 2` events subscribers get.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Answer, TestServer, tt};

const USERS: &str = "/v2/objects/sk/uuids";
const CHANNELS: &str = "/v2/objects/sk/channels";

fn assert_objects_headers(a: &Answer) {
    let h = |name: &str| a.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(h("content-type"), Some("application/json"));
    assert_eq!(h("access-control-allow-origin"), Some("*"));
}

/// `data`'s `updated` and `eTag`, checked for shape, and `data` without them.
fn settle(a: &Answer) -> (Value, String, String) {
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_objects_headers(a);
    let mut v = a.json();
    assert_eq!(v["status"], 200);
    let data = v["data"].as_object_mut().expect("an object");
    let updated = data
        .remove("updated")
        .and_then(|u| u.as_str().map(String::from));
    let etag = data
        .remove("eTag")
        .and_then(|e| e.as_str().map(String::from));
    let (updated, etag) = (updated.expect("updated"), etag.expect("eTag"));
    assert!(
        updated.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(&updated).is_ok(),
        "{updated}"
    );
    assert!(!etag.is_empty());
    (v["data"].clone(), updated, etag)
}

fn ids(v: &Value) -> Vec<String> {
    v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data in {v}"))
        .iter()
        .map(|o| {
            o.get("id")
                .or_else(|| o.get("channel").and_then(|c| c.get("id")))
                .or_else(|| o.get("uuid").and_then(|u| u.get("id")))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn users_are_set_read_merged_and_removed_as_recorded() {
    let s = TestServer::start().await;
    let url = format!("{USERS}/someuuid?include=custom%2Cstatus%2Ctype&uuid=me");
    // pubnub/python fixtures native_sync/objects_v2/uuid/set_uuid.json
    let body = r#"{"name": "Some name", "email": "test@example.com", "externalId": "1234", "profileUrl": "http://example.com", "custom": {"key1": "val1", "key2": "val2"}}"#;
    let (data, _, etag) = settle(&s.patch(&url, body).await);
    assert_eq!(
        data,
        json!({"id":"someuuid","name":"Some name","externalId":"1234","profileUrl":"http://example.com",
               "email":"test@example.com","type":null,"status":null,"custom":{"key1":"val1","key2":"val2"}})
    );
    assert_eq!(etag.len(), 32, "{etag}");
    let (again, _, same) = settle(&s.get(&url).await);
    assert_eq!((again, same), (data, etag.clone()));

    // Without include: no custom, no status or type.
    let (bare, _, _) = settle(&s.get(&format!("{USERS}/someuuid")).await);
    assert_eq!(
        bare,
        json!({"id":"someuuid","name":"Some name","externalId":"1234","profileUrl":"http://example.com","email":"test@example.com"})
    );

    // PATCH sets what is sent and keeps the rest; custom is replaced whole.
    let (merged, _, newer) = settle(
        &s.patch(
            &url,
            r#"{"name":"Bob","status":"away","custom":{"team":"red"}}"#,
        )
        .await,
    );
    assert_eq!(merged["email"], "test@example.com");
    assert_eq!(
        (&merged["name"], &merged["status"], &merged["custom"]),
        (&json!("Bob"), &json!("away"), &json!({"team":"red"}))
    );
    assert_ne!(newer, etag, "a change makes a new eTag");
    // Setting the same again changes nothing, not even the eTag.
    let (_, _, unchanged) = settle(&s.patch(&url, r#"{"name":"Bob"}"#).await);
    assert_eq!(unchanged, newer);
    let (nulled, _, _) = settle(&s.patch(&url, r#"{"email":null,"custom":null}"#).await);
    assert_eq!(
        (&nulled["email"], &nulled["custom"]),
        (&Value::Null, &Value::Null)
    );

    // DELETE answers data null, then the user is a 404 (recorded remove_uuid.json; the 404
    // body is pubnub/swift's canned objects_error_404.json).
    let a = s.delete(&format!("{USERS}/someuuid")).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::OK, json!({"status":200,"data":null}))
    );
    let a = s.get(&url).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_objects_headers(&a);
    assert_eq!(
        a.json(),
        json!({"status":404,"error":{"message":"Requested object was not found.","source":"objects"}})
    );
    let a = s.delete(&format!("{USERS}/someuuid")).await;
    assert_eq!(a.status, StatusCode::OK, "removing a missing user is fine");
    s.stop().await;
}

#[tokio::test]
async fn if_match_refuses_a_stale_etag_with_a_412() {
    let s = TestServer::start().await;
    for (base, what) in [(USERS, "User"), (CHANNELS, "Channel")] {
        let url = format!("{base}/someid?include=status%2Ctype");
        let (_, _, first) = settle(&s.patch(&url, r#"{"name":"Some name"}"#).await);
        let (_, _, second) = settle(&s.patch(&url, r#"{"name":"Some name-2"}"#).await);
        let with = |etag: &str| {
            let etag = etag.to_string();
            let url = url.clone();
            let s = &s;
            async move {
                s.send(
                    Method::PATCH,
                    &url,
                    Some(br#"{"name":"Some name-3"}"#.to_vec()),
                    &[("content-type", "application/json"), ("if-match", &etag)],
                )
                .await
            }
        };
        let (_, _, third) = settle(&with(&second).await);
        // objects_v2/{uuid,channel}/if_matches_etag.json
        let stale = with(&first).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(
            stale.json(),
            json!({"status":412,"error":{"message":format!("{what} to update has been modified after it was read."),"source":"objects"}})
        );
        let a = s
            .send(Method::DELETE, &url, None, &[("if-match", &second)])
            .await;
        assert_eq!(a.status, StatusCode::PRECONDITION_FAILED);
        let a = s
            .send(Method::DELETE, &url, None, &[("if-match", &third)])
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    s.stop().await;
}

#[tokio::test]
async fn channels_have_a_description_and_no_user_fields() {
    let s = TestServer::start().await;
    let url = format!("{CHANNELS}/somechannelid?include=custom%2Cstatus%2Ctype");
    // native_sync/objects_v2/channel/set_channel.json
    let body = r#"{"name": "Some name", "description": "Some description", "custom": {"key1": "val1", "key2": "val2"}, "email": "ignored"}"#;
    let (data, _, _) = settle(&s.patch(&url, body).await);
    assert_eq!(
        data,
        json!({"id":"somechannelid","name":"Some name","description":"Some description","type":null,
               "status":null,"custom":{"key1":"val1","key2":"val2"}})
    );
    s.stop().await;
}

#[tokio::test]
async fn lists_page_with_next_and_prev_count_sort_and_filter() {
    let s = TestServer::start().await;
    for i in 0..15 {
        let body = json!({"name": format!("user {i:02}"), "custom": {"n": i}}).to_string();
        settle(&s.patch(&format!("{USERS}/u{i:02}"), &body).await);
    }
    // A page of 10, then the rest; `prev` leads back (get_channel_members_with_pagination.json).
    let a = s.get(&format!("{USERS}?limit=10&count=true")).await;
    assert_objects_headers(&a);
    let first = a.json();
    assert_eq!(first["totalCount"], 15);
    assert_eq!(first["next"], "MTA");
    assert_eq!(first.get("prev"), None);
    assert_eq!(ids(&first).len(), 10);
    let second = s.get(&format!("{USERS}?limit=10&start=MTA")).await.json();
    assert_eq!(
        ids(&second),
        (10..15).map(|i| format!("u{i}")).collect::<Vec<_>>()
    );
    assert_eq!(
        (&second["next"], &second["prev"]),
        (&json!("MTU"), &json!("MTA"))
    );
    assert_eq!(second.get("totalCount"), None, "only with count=true");
    let back = s.get(&format!("{USERS}?limit=10&end=MTA")).await.json();
    assert_eq!(ids(&back), ids(&first));
    let past = s.get(&format!("{USERS}?start=MTAw")).await.json();
    assert_eq!(past, json!({"status":200,"data":[]}));

    // Sorting, and filters on fields, custom fields and LIKE.
    let v = s
        .get(&format!("{USERS}?sort=name:desc&limit=2"))
        .await
        .json();
    assert_eq!(ids(&v), ["u14", "u13"]);
    let q = |f: &str| {
        format!(
            "{USERS}?count=true&filter={}",
            percent_encoding::utf8_percent_encode(f, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    let v = s.get(&q("custom.n >= 12 && !(id == 'u13')")).await.json();
    assert_eq!(
        (ids(&v), &v["totalCount"]),
        (vec!["u12".to_string(), "u14".into()], &json!(2))
    );
    let v = s.get(&q("name LIKE 'USER 0*' || id == 'u10'")).await.json();
    assert_eq!(v["totalCount"], 11);
    let v = s.get(&q("updated > '2000-01-01T00:00:00Z'")).await.json();
    assert_eq!(v["totalCount"], 15);

    // Malformed input gets the objects 400 naming the parameter.
    for (query, location) in [
        (q("name == "), "filter"),
        (q("name = 'x'"), "filter"),
        (q("description == 'x'"), "filter"),
        (format!("{USERS}?sort=email"), "sort"),
        (format!("{USERS}?start=%21%21"), "start"),
        (format!("{USERS}?limit=0"), "limit"),
    ] {
        let a = s.get(&query).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}");
        assert_objects_headers(&a);
        let v = a.json();
        assert_eq!(
            (&v["status"], &v["error"]["source"]),
            (&json!(400), &json!("objects"))
        );
        assert_eq!(v["error"]["details"][0]["location"], location, "{v}");
        assert_eq!(v["error"]["details"][0]["locationType"], "query");
    }
    s.stop().await;
}

#[tokio::test]
async fn bad_bodies_and_ids_get_the_objects_400() {
    let s = TestServer::start().await;
    for (body, location) in [
        (r#"{"name":1}"#, "name"),
        (r#"{"custom":{"a":[1]}}"#, "custom.a"),
        ("[]", ""),
        ("{nope", ""),
    ] {
        let a = s.patch(&format!("{USERS}/bob"), body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}");
        let v = a.json();
        assert_eq!(
            v["error"]["message"], "Request payload contained invalid input.",
            "{v}"
        );
        let detail = &v["error"]["details"][0];
        // The whole body wrong: no location.
        let at = detail.get("location").and_then(Value::as_str).unwrap_or("");
        assert_eq!((at, &detail["locationType"]), (location, &json!("body")));
    }
    let long = "x".repeat(93);
    let a = s.get(&format!("{USERS}/{long}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = s
        .patch(
            &format!("{USERS}/bob/channels"),
            r#"{"set":[{"uuid":{"id":"c"}}]}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()["error"]["details"][0]["location"],
        "set[0].channel.id"
    );
    let a = s
        .send(Method::PUT, &format!("{USERS}/bob"), None, &[])
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test]
async fn memberships_and_members_are_two_sides_of_one_relation() {
    let s = TestServer::start().await;
    settle(
        &s.patch(
            &format!("{CHANNELS}/room?include=status"),
            r#"{"name":"Room","status":"open"}"#,
        )
        .await,
    );
    settle(
        &s.patch(&format!("{USERS}/alice"), r#"{"name":"Alice"}"#)
            .await,
    );
    // The Chat SDK's join: status "" must come back as "".
    let url = "/v2/objects/sk/uuids/alice/channels?count=true&include=status,type,custom,channel,channel.status&filter=channel.id%20%3D%3D%20%27room%27";
    let a = s
        .patch(
            url,
            r#"{"set":[{"channel":{"id":"room"},"status":"","custom":{"role":"host"}}]}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_objects_headers(&a);
    let v = a.json();
    assert_eq!(v["totalCount"], 1);
    let m = &v["data"][0];
    assert_eq!(m["channel"]["name"], "Room");
    assert_eq!(m["channel"]["status"], "open");
    assert_eq!(
        m["channel"].get("custom"),
        None,
        "channel.custom was not asked for"
    );
    assert_eq!(
        (&m["status"], &m["type"], &m["custom"]),
        (&json!(""), &Value::Null, &json!({"role":"host"}))
    );
    let etag = m["eTag"].as_str().expect("eTag").to_string();

    // Set again without status: status stays; a changed custom makes a new eTag.
    let v = s
        .patch(
            url,
            r#"{"set":[{"channel":{"id":"room"},"custom":{"role":"guest"}}]}"#,
        )
        .await
        .json();
    assert_eq!(v["data"][0]["status"], "");
    assert_ne!(v["data"][0]["eTag"], json!(etag));

    // bob joins too, with no user metadata; the channel's members list both, by id.
    s.patch(
        "/v2/objects/sk/channels/room/uuids",
        r#"{"set":[{"uuid":{"id":"bob"},"status":"pending"}]}"#,
    )
    .await;
    let v = s
        .get("/v2/objects/sk/channels/room/uuids?include=uuid,status&count=true")
        .await
        .json();
    assert_eq!(ids(&v), ["alice", "bob"]);
    assert_eq!(v["data"][0]["uuid"]["name"], "Alice");
    assert_eq!(
        v["data"][1]["uuid"],
        json!({"id":"bob"}),
        "no metadata: only the id"
    );
    assert_eq!(v["data"][1]["status"], "pending");
    // Without include: the other side as an id, no status (recorded members fixtures).
    let v = s.get("/v2/objects/sk/channels/room/uuids").await.json();
    assert_eq!(v["data"][0].as_object().map(|o| o.len()), Some(3), "{v}");

    // Deleting removes the membership from both sides; the answer is the rest of the list.
    let v = s
        .patch(
            "/v2/objects/sk/channels/room/uuids",
            r#"{"delete":[{"uuid":{"id":"alice"}}]}"#,
        )
        .await
        .json();
    assert_eq!(ids(&v), ["bob"]);
    let v = s.get("/v2/objects/sk/uuids/alice/channels").await.json();
    assert_eq!(v, json!({"status":200,"data":[]}));

    // Deleting a user keeps its memberships (they just lose the metadata).
    s.delete(&format!("{USERS}/alice")).await;
    let v = s
        .get("/v2/objects/sk/uuids/bob/channels?include=channel")
        .await
        .json();
    assert_eq!(ids(&v), ["room"]);
    s.stop().await;
}

#[tokio::test]
async fn keysets_are_namespaces() {
    let s = TestServer::start().await;
    settle(
        &s.patch("/v2/objects/one/uuids/bob", r#"{"name":"Bob"}"#)
            .await,
    );
    assert_eq!(
        s.get("/v2/objects/two/uuids/bob").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get("/v2/objects/two/uuids").await.json(),
        json!({"status":200,"data":[]})
    );
    s.stop().await;
}

#[tokio::test]
async fn changes_reach_subscribers_as_objects_events() {
    let s = TestServer::start().await;
    let hs = s
        .get("/v2/subscribe/sk/bob,room/0?tt=0&uuid=watcher")
        .await
        .json();
    let cursor = tt(&hs["t"]["t"]);
    settle(
        &s.patch(
            &format!("{USERS}/bob"),
            r#"{"name":"Bob","custom":{"a":1}}"#,
        )
        .await,
    );
    // Nothing changes, nothing is sent.
    settle(&s.patch(&format!("{USERS}/bob"), r#"{"name":"Bob"}"#).await);
    s.patch(
        "/v2/objects/sk/uuids/bob/channels",
        r#"{"set":[{"channel":{"id":"room"},"status":"joined"}]}"#,
    )
    .await;
    s.delete(&format!("{USERS}/bob")).await;
    let v = s
        .get(&format!(
            "/v2/subscribe/sk/bob,room/0?tt={cursor}&uuid=watcher"
        ))
        .await
        .json();
    let m = v["m"].as_array().expect("events");
    let events: Vec<(&str, &str, &str)> = m
        .iter()
        .map(|e| {
            assert_eq!(e["e"], 2, "{e}");
            assert_eq!(e.get("i"), None);
            (
                e["c"].as_str().unwrap_or_default(),
                e["d"]["type"].as_str().unwrap_or_default(),
                e["d"]["event"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("bob", "uuid", "set"),
            ("room", "membership", "set"),
            ("bob", "membership", "set"),
            ("bob", "uuid", "delete"),
        ]
    );
    let set = &m[0]["d"];
    assert_eq!(
        (&set["source"], &set["version"]),
        (&json!("objects"), &json!("2.0"))
    );
    assert_eq!(set["data"]["name"], "Bob");
    assert_eq!(set["data"]["custom"], json!({"a":1}));
    assert_eq!(set["data"].get("email"), None, "only what was set");
    assert_eq!(m[1]["d"]["data"]["channel"], json!({"id":"room"}));
    assert_eq!(m[1]["d"]["data"]["status"], "joined");
    assert_eq!(m[3]["d"]["data"], json!({"id":"bob"}));
    s.stop().await;
}

#[tokio::test]
async fn a_browser_may_patch_after_its_preflight() {
    let s = TestServer::start().await;
    let a = s
        .send(
            Method::OPTIONS,
            &format!("{USERS}/bob"),
            None,
            &[
                ("access-control-request-method", "PATCH"),
                ("access-control-request-headers", "content-type,if-match"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let h = |name: &str| a.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        h("access-control-allow-methods"),
        Some("GET, PATCH, DELETE, OPTIONS")
    );
    // The service's list, with the If-Match a conditional write sends.
    assert_eq!(
        h("access-control-allow-headers"),
        Some("Origin, X-Requested-With, Content-Type, Accept, If-Match")
    );
    s.stop().await;
}
