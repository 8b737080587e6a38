//! App Context users and message counts: what goes on the wire, and the service's answers
//! (bodies in the shapes PubNub's JavaScript SDK and REST reference document) read back,
//! through the loopback stub.

use super::stub::{Stub, param};
use super::{Sent, client, client_with, config, prepared};
use crate::pubnub::client::Endpoint;
use crate::pubnub::objects::{decode_user, is_plain_filter_value};
use crate::pubnub::{Error, Timetoken, users_with_ids};

const ALICE: &str = r#"{"status":200,"data":{"id":"alice","name":"Alice Liddell","externalId":null,"profileUrl":null,"email":"alice@example.com","updated":"2026-12-01T10:00:00.000000Z","eTag":"AbC123"}}"#;
const NOT_FOUND: &str =
    r#"{"status":404,"error":{"message":"Requested object was not found.","source":"objects"}}"#;
const BALANCER_404: &str =
    r#"{"message":"Not Found","error":true,"service":"Balancer","status":404}"#;
const PAGE: &str = r#"{"status":200,"data":[{"id":"alice","name":"Alice Liddell","updated":"2026-12-01T10:00:00.000000Z","eTag":"AbC123"},{"id":"bob","name":null,"updated":"2026-12-01T10:00:00.000000Z","eTag":"Def456"}],"next":"MUIwQTAwMUItQkRBRC00NDkyLTgyMEMtODg2OUU1N0REMTNBCg","totalCount":2}"#;
const COUNTS: &str = r#"{"status":200,"error":false,"error_message":"","channels":{"PUBNUB_INTERNAL_THREAD_chats.room1_17000000000000000":3,"chats.room1":0},"more":{}}"#;

#[tokio::test]
async fn one_user_is_read_and_a_missing_one_is_none() {
    let stub = Stub::answering(vec![(200, ALICE), (404, NOT_FOUND)]);
    let c = client_with(config().with_origin(&stub.origin));
    let alice = c.get_user_metadata().id("alice").execute().await.unwrap();
    let alice = alice.expect("alice exists");
    assert_eq!(alice.display_name(), Some("Alice Liddell"));
    assert_eq!(alice.email.as_deref(), Some("alice@example.com"));
    assert_eq!(alice.e_tag.as_deref(), Some("AbC123"));
    assert_eq!(alice.external_id, None, "null is absent");
    let nobody = c.get_user_metadata().id("nobody").execute().await;
    assert_eq!(nobody, Ok(None));
    let first = stub.next_request();
    assert_eq!(first.path(), "/v2/objects/sub-c-1/uuids/alice");
    assert_eq!(param(&first, "uuid").as_deref(), Some("alice"));
    assert_eq!(
        stub.next_request().path(),
        "/v2/objects/sub-c-1/uuids/nobody"
    );
}

#[test]
fn a_404_from_a_server_without_app_context_stays_an_error() {
    assert!(matches!(
        decode_user(404, BALANCER_404.as_bytes()),
        Err(Error::Server { status: 404, .. })
    ));
    assert_eq!(decode_user(404, NOT_FOUND.as_bytes()), Ok(None));
}

#[tokio::test]
async fn users_are_read_a_page_at_a_time_with_a_filter_on_their_ids() {
    let stub = Stub::answering(vec![(200, PAGE)]);
    let c = client_with(config().with_origin(&stub.origin));
    let filter = users_with_ids(&["alice", "bob"]).unwrap();
    let page = c
        .get_all_user_metadata()
        .filter(&filter)
        .limit(100)
        .include_total_count(true)
        .execute()
        .await
        .unwrap();
    let names: Vec<(&str, Option<&str>)> = page
        .users
        .iter()
        .map(|u| (u.id.as_str(), u.display_name()))
        .collect();
    assert_eq!(names, [("alice", Some("Alice Liddell")), ("bob", None)]);
    assert_eq!(page.total_count, Some(2));
    assert!(page.next.is_some());
    let sent = stub.next_request();
    assert_eq!(sent.path(), "/v2/objects/sub-c-1/uuids");
    assert_eq!(
        param(&sent, "filter").as_deref(),
        Some(r#"id == "alice" || id == "bob""#)
    );
    assert_eq!(param(&sent, "limit").as_deref(), Some("100"));
    assert_eq!(param(&sent, "count").as_deref(), Some("true"));
}

#[test]
fn filters_only_hold_ids_that_can_be_written_plainly() {
    assert_eq!(users_with_ids::<&str>(&[]), None);
    assert_eq!(
        users_with_ids(&["a"]).as_deref(),
        Some(r#"id == "a""#),
        "one id, no ||"
    );
    assert!(!is_plain_filter_value(r#"say "hi""#));
    assert!(!is_plain_filter_value(r"back\slash"));
    assert_eq!(users_with_ids(&["ok", "x\"y"]), None);
    let c = client();
    assert!(matches!(
        c.get_all_user_metadata().limit(101).request(),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.get_user_metadata().id("").request(),
        Err(Error::InvalidInput(_))
    ));
    // An id is a path segment: encoded, never a relative path.
    let sent = Sent::of(&prepared(&c, &c.get_user_metadata().id("a b#1")));
    assert_eq!(sent.path, "/v2/objects/sub-c-1/uuids/a%20b%231");
    assert!(c.get_user_metadata().id("..").request().is_err());
}

#[tokio::test]
async fn message_counts_pair_each_channel_with_its_timetoken_in_order() {
    let stub = Stub::answering(vec![(200, COUNTS)]);
    let c = client_with(config().with_origin(&stub.origin));
    let thread = "PUBNUB_INTERNAL_THREAD_chats.room1_17000000000000000";
    let counts = c
        .message_counts()
        .channel_timetokens([
            (thread, Timetoken(17000000000000000)),
            ("chats.room1", Timetoken(5)),
        ])
        .execute()
        .await
        .unwrap();
    assert_eq!(counts.channels.get(thread), Some(&3));
    assert_eq!(counts.channels.get("chats.room1"), Some(&0));
    assert!(counts.more.is_empty());
    let sent = stub.next_request();
    assert_eq!(
        sent.path(),
        format!("/v3/history/sub-key/sub-c-1/message-counts/{thread},chats.room1")
    );
    assert_eq!(
        param(&sent, "channelsTimetoken").as_deref(),
        Some("17000000000000000,5"),
        "not sorted: the timetokens follow the channels' order"
    );
    assert_eq!(param(&sent, "timetoken"), None);
}

#[test]
fn message_counts_refuse_what_the_service_would() {
    let c = client();
    let refused = |r: crate::pubnub::Result<_>| matches!(r, Err(Error::InvalidInput(_)));
    assert!(refused(c.message_counts().timetoken(1u64).request()));
    assert!(refused(c.message_counts().channels(["a"]).request()));
    assert!(refused(
        c.message_counts()
            .channels(["a", "a"])
            .timetoken(1u64)
            .request()
    ));
    let many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    assert!(refused(
        c.message_counts().channels(many).timetoken(1u64).request()
    ));
    let sent = Sent::of(&prepared(
        &c,
        &c.message_counts().channels(["b", "a"]).timetoken(7u64),
    ));
    assert_eq!(sent.path, "/v3/history/sub-key/sub-c-1/message-counts/b,a");
    assert_eq!(sent.param("timetoken"), Some("7"));
}

#[test]
fn a_count_answer_with_an_error_is_the_error_and_more_is_read() {
    let body = br#"{"status":400,"error":true,"error_message":"Invalid timetoken","channels":{}}"#;
    assert!(matches!(
        crate::pubnub::message_counts::decode(200, body),
        Err(Error::BadRequest { status: 400, .. })
    ));
    let body = br#"{"status":200,"error":false,"error_message":"","channels":{"a":10000},"more":{"a":{"url":"/v3/history/...","is_more":true}}}"#;
    let counts = crate::pubnub::message_counts::decode(200, body).unwrap();
    assert!(counts.more.contains("a"));
}

#[tokio::test]
async fn names_come_in_one_filtered_page_or_one_by_one_when_the_filter_is_refused() {
    let names_from = async |stub: &Stub, ids: &[&str]| {
        let c = client_with(config().with_origin(&stub.origin));
        c.user_names().ids(ids.to_vec()).execute().await.unwrap()
    };
    let alice = ("alice".to_string(), Some("Alice Liddell".to_string()));
    let stub = Stub::answering(vec![(200, PAGE)]);
    let names = names_from(&stub, &["bob", "alice", "bob"]).await;
    assert_eq!(names, [alice.clone(), ("bob".to_string(), None)]);
    assert_eq!(stub.next_request().path(), "/v2/objects/sub-c-1/uuids");

    let refused =
        r#"{"status":400,"error":{"message":"Invalid filter expression","source":"objects"}}"#;
    let stub = Stub::answering(vec![(400, refused), (200, ALICE), (404, NOT_FOUND)]);
    let names = names_from(&stub, &["alice", "nobody"]).await;
    assert_eq!(names, [alice, ("nobody".to_string(), None)]);
    let paths: Vec<String> = (0..3)
        .map(|_| stub.next_request().path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/v2/objects/sub-c-1/uuids",
            "/v2/objects/sub-c-1/uuids/alice",
            "/v2/objects/sub-c-1/uuids/nobody"
        ]
    );
}

#[tokio::test]
async fn a_users_name_is_set_with_a_patch_and_the_stored_user_comes_back() {
    let stub = Stub::answering(vec![(200, ALICE)]);
    let c = client_with(config().with_origin(&stub.origin));
    let set = c.set_user_metadata().id("alice").name("Alice Liddell");
    let p = prepared(&c, &set);
    assert_eq!(p.method, reqwest::Method::PATCH);
    let body: serde_json::Value = serde_json::from_slice(p.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"name": "Alice Liddell"}));
    assert_eq!(Sent::of(&p).param("include"), Some("status,type"));
    let stored = set.execute().await.unwrap();
    assert_eq!(stored.display_name(), Some("Alice Liddell"));
    assert_eq!(
        stub.next_request().path(),
        "/v2/objects/sub-c-1/uuids/alice"
    );
    assert!(matches!(
        c.set_user_metadata().id("alice").request(),
        Err(Error::InvalidInput(_))
    ));
}
