//! Publish by GET and POST, compressed bodies, and publish errors.

use std::io::Write;

use flate2::Compression;
use flate2::write::{GzEncoder, ZlibEncoder};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_service_headers, tt};

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("compress");
    e.finish().expect("compress")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("compress");
    e.finish().expect("compress")
}

async fn history(s: &TestServer, channel: &str) -> Vec<serde_json::Value> {
    let a = s
        .get(&format!(
            "/v3/history/sub-key/sk/channel/{channel}?include_meta=true&include_uuid=true"
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()["channels"][channel]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn get_and_post_publish_answer_sent_with_increasing_timetokens_and_store() {
    let s = TestServer::start().await;
    let a = s.get("/publish/pk/sk/0/chats.room1/0/%7B%22text%22%3A%22hi%22%7D?uuid=alice&meta=%7B%22m%22%3A1%7D").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_service_headers(&a);
    let body = a.json();
    assert_eq!(
        (body[0].clone(), body[1].clone()),
        (json!(1), json!("Sent"))
    );
    let t1 = tt(&body[2]);
    let a = s
        .post("/publish/pk/sk/0/chats.room1/0?uuid=bob", "\"second\"")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let t2 = tt(&a.json()[2]);
    assert!(t2 > t1);
    let a = s
        .post(
            "/v2/publish/pk/sk/0/chats.room1/0?uuid=bob",
            &format!("\"{}\"", "x".repeat(40_000)),
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "v2 publish takes messages over 32 KiB"
    );
    let t3 = tt(&a.json()[2]);
    // store=0 is delivered live only.
    s.publish("sk", "chats.room1", "\"not stored\"", "store=0")
        .await;

    let items = history(&s, "chats.room1").await;
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0],
        json!({"message":{"text":"hi"},"timetoken":t1.to_string(),"meta":{"m":1},"uuid":"alice"})
    );
    assert_eq!(
        items[1],
        json!({"message":"second","timetoken":t2.to_string(),"meta":"","uuid":"bob"})
    );
    assert_eq!(tt(&items[2]["timetoken"]), t3);
    s.stop().await;
}

#[tokio::test]
async fn compressed_bodies_are_inflated_whatever_the_header_says() {
    let s = TestServer::start().await;
    let path = "/publish/pk/sk/0/zipped/0?uuid=u";
    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        (
            "zlib-deflate",
            zlib(br#"{"n":"zlib-deflate"}"#),
            Some("deflate"),
        ),
        ("gzip-gzip", gzip(br#"{"n":"gzip-gzip"}"#), Some("gzip")),
        (
            "zlib-labelled-gzip",
            zlib(br#"{"n":"zlib-labelled-gzip"}"#),
            Some("gzip"),
        ),
        ("gzip-unlabelled", gzip(br#"{"n":"gzip-unlabelled"}"#), None),
    ];
    for (name, body, encoding) in &cases {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(e) = encoding {
            headers.push(("content-encoding", e));
        }
        let a = s
            .send(Method::POST, path, Some(body.clone()), &headers)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{name}: {}", a.text);
    }
    let names: Vec<String> = history(&s, "zipped")
        .await
        .iter()
        .map(|i| i["message"]["n"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        cases.iter().map(|c| c.0.to_string()).collect::<Vec<_>>()
    );

    // An add-action body compressed the way Python does it (zlib data, gzip header).
    let a = s
        .send(
            Method::POST,
            "/v1/message-actions/sk/channel/zipped/message/1?uuid=u",
            Some(zlib(
                r#"{"type":"reaction","value":"\ud83d\udc4d"}"#.as_bytes(),
            )),
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["data"]["value"], "👍");
    s.stop().await;
}

#[tokio::test]
async fn publish_errors_have_the_service_shapes() {
    let s = TestServer::start_with(|o| o.max_body_bytes = 64 * 1024).await;
    let a = s.get("/publish/pk/sk/0/ch/0/%7Bnope?uuid=u").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_service_headers(&a);
    let body = a.json();
    assert_eq!(
        (body[0].clone(), body[1].clone()),
        (json!(0), json!("Invalid JSON"))
    );
    tt(&body[2]);

    let a = s.post("/publish/pk/sk/0/ch/0?uuid=u", "not json").await;
    assert_eq!(a.json()[1], "Invalid JSON");

    let big = format!("\"{}\"", "x".repeat(33 * 1024));
    let a = s.post("/publish/pk/sk/0/ch/0?uuid=u", &big).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[1], "Message Too Large");
    tt(&a.json()[2]);

    let huge = format!("\"{}\"", "x".repeat(65 * 1024));
    let a = s.post("/publish/pk/sk/0/ch/0?uuid=u", &huge).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_service_headers(&a);
    assert_eq!(a.json(), json!([0, "Request Entity Too Large"]));

    // A small compressed body that inflates past the limit is refused the same way.
    let bomb = zlib(&vec![b' '; 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    let a = s
        .send(
            Method::POST,
            "/publish/pk/sk/0/ch/0?uuid=u",
            Some(bomb),
            &[("content-encoding", "deflate")],
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json(), json!([0, "Request Entity Too Large"]));

    let a = s
        .get("/publish/pk/sk/0/ch/0/%22hi%22?uuid=u&meta=%7Bbad")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0], 0);

    let a = s
        .get("/publish/pk/sk/0/ch/0/%22hi%22?custom_message_type=a")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    let a = s.get("/v3/history/sub-key/sk/channel/ch").await;
    assert_eq!(
        a.json()["channels"],
        json!({}),
        "nothing refused was stored"
    );
    s.stop().await;
}
