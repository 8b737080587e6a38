//! Answers the fixtures do not cover: bodies that are not JSON, success statuses with error
//! bodies or unexpected shapes, and the one-line display of every error.

use crate::pubnub::{Error, actions, history, publish, subscribe, time};

#[test]
fn a_proxy_html_page_is_malformed_with_a_short_one_line_excerpt() {
    let page = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "x".repeat(500)
    );
    let e = time::decode(502, page.as_bytes()).unwrap_err();
    match &e {
        Error::MalformedResponse {
            status: 502,
            reason,
            excerpt,
        } => {
            assert!(reason.starts_with("not JSON"), "{reason}");
            assert!(excerpt.starts_with("<html> <head>"), "{excerpt}");
            assert!(excerpt.chars().count() <= 120);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.is_transient(),
        "a 5xx page from a proxy is worth retrying"
    );
    assert!(!e.to_string().contains('\n'));

    let e = actions::decode_get(404, b"Not Found").unwrap_err();
    assert!(matches!(e, Error::MalformedResponse { status: 404, .. }));
    assert!(!e.is_transient());
}

#[test]
fn an_empty_body_is_malformed() {
    match publish::decode(200, b"") {
        Err(Error::MalformedResponse { reason, .. }) => assert_eq!(reason, "empty body"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_success_status_with_an_error_body_is_the_error() {
    let body = br#"{"message":"Forbidden","error":true,"service":"Access Manager","status":403}"#;
    assert_eq!(
        history::decode(200, body),
        Err(Error::AccessDenied {
            status: 403,
            message: "Forbidden".into(),
            refused: Vec::new(),
        })
    );
    let body = br#"{"status":400,"error":{"source":"actions","message":"Invalid Subkey"}}"#;
    assert!(matches!(
        actions::decode_get(200, body),
        Err(Error::BadRequest { status: 400, .. })
    ));
    // Publish reports failure in the array even when the status says 200.
    assert!(matches!(
        publish::decode(200, br#"[0,"Invalid JSON","15646801805496402"]"#),
        Err(Error::BadRequest { ref message, .. }) if message == "Invalid JSON"
    ));
}

#[test]
fn history_error_shape_and_unknown_error_json() {
    let body = br#"{"status":400,"error":true,"error_message":"Invalid start","channels":{}}"#;
    assert!(matches!(
        history::decode(400, body),
        Err(Error::BadRequest { ref message, .. }) if message == "Invalid start"
    ));
    assert_eq!(
        time::decode(500, br#"{"oops":1}"#),
        Err(Error::Server {
            status: 500,
            message: r#"{"oops":1}"#.into()
        })
    );
}

#[test]
fn an_error_object_without_a_message_falls_back_to_the_body() {
    let body = br#"{"status":400,"error":{"source":"actions"}}"#;
    match actions::decode_add(400, body) {
        Err(Error::BadRequest { message, .. }) => assert!(message.contains("actions"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unexpected_success_shapes_are_malformed() {
    let cases: Vec<(&str, Result<(), Error>)> = vec![
        ("time object", time::decode(200, br#"{"t":1}"#).map(drop)),
        ("time two", time::decode(200, b"[1,2]").map(drop)),
        (
            "get no data",
            actions::decode_get(200, br#"{"status":200}"#).map(drop),
        ),
        (
            "add bad data",
            actions::decode_add(200, br#"{"status":200,"data":{"type":"r"}}"#).map(drop),
        ),
        (
            "publish flag",
            publish::decode(200, br#"[2,"?","1"]"#).map(drop),
        ),
        (
            "publish no tt",
            publish::decode(200, br#"[1,"Sent"]"#).map(drop),
        ),
        ("history array", history::decode(200, b"[1,2]").map(drop)),
        (
            "subscribe no t",
            subscribe::decode(200, br#"{"m":[]}"#).map(drop),
        ),
    ];
    for (name, result) in cases {
        assert!(
            matches!(result, Err(Error::MalformedResponse { status: 200, .. })),
            "{name}: {result:?}"
        );
    }
}

#[test]
fn subscribe_skips_items_it_cannot_use_and_keeps_the_rest() {
    let body = br#"{"t":{"t":"20","r":1},"m":[
        {"a":"1","f":0,"e":1,"i":"u","p":{"t":"11","r":1},"k":"s","c":"ch","d":"signal"},
        {"a":"1","f":0,"e":"4","i":"u","p":{"t":"12","r":1},"k":"s","c":"ch","d":{}},
        {"a":"1","f":0,"e":3,"i":"u","p":{"t":"13","r":1},"k":"s","c":"ch","d":{"nonsense":1}},
        {"a":"1","f":0,"e":3,"i":"u","p":{"t":"14","r":1},"k":"s","c":"ch",
         "d":{"source":"actions","version":"1.0","event":"edited",
              "data":{"messageTimetoken":"1","type":"r","value":"v","actionTimetoken":"2"}}},
        {"a":"1","f":0,"e":0,"i":"u","p":{"t":"15","r":1},"k":"s","c":"ch","d":"kept","u":{"m":1}}
    ]}"#;
    let answer = subscribe::decode(200, body).unwrap();
    assert_eq!(answer.events.len(), 1, "{:?}", answer.events);
    match &answer.events[0] {
        crate::pubnub::LiveEvent::Message { message, meta, .. } => {
            assert_eq!(message, "kept");
            assert_eq!(meta, &Some(serde_json::json!({"m": 1})));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_error_displays_as_one_line() {
    let errors = [
        Error::InvalidInput("channel is required".into()),
        Error::Timeout { seconds: 10 },
        Error::Network {
            message: "connection refused".into(),
        },
        time::decode(502, b"<html>\r\nbad\r\n</html>").unwrap_err(),
        actions::decode_add(
            409,
            br#"{"status":409,"error":{"message":"Action Already Added"}}"#,
        )
        .unwrap_err(),
    ];
    for e in errors {
        let shown = e.to_string();
        assert!(!shown.contains('\n') && !shown.contains('\r'), "{shown:?}");
    }
}
