//! The client's decoders on answers recorded from the real service: the python-vcr cassettes,
//! copied unchanged into `tests/fixtures/python-vcr/`. Each test hands status and body to the same
//! `decode` function the client runs on an answer.

mod fixture_support;

use fixture_support::{Interaction, assert_bad_request, cassette, tt};
use reactions::pubnub::{LiveEvent, SubscribeAnswer, Timetoken, history, publish, subscribe};
use serde_json::json;

/// Decodes one recorded interaction with the decoder of its endpoint, if it is one of ours.
fn decode_recorded(i: &Interaction) -> Option<String> {
    let path = i.path();
    let out = if path.starts_with("/publish/") {
        format!("{:?}", publish::decode(i.status, &i.body))
    } else if path.starts_with("/v3/history") {
        format!("{:?}", history::decode(i.status, &i.body))
    } else if path.starts_with("/v2/subscribe/") {
        format!("{:?}", subscribe::decode(i.status, &i.body))
    } else {
        return None;
    };
    Some(out)
}

#[test]
fn every_recorded_answer_of_our_endpoints_decodes_without_malformed() {
    let mut decoded = 0;
    for name in fixture_support::cassette_names() {
        for i in cassette(&name) {
            if let Some(out) = decode_recorded(&i) {
                decoded += 1;
                let ok = out.starts_with("Ok(") || (i.status >= 400 && out.starts_with("Err("));
                assert!(ok && !out.contains("Malformed"), "{name} {}: {out}", i.uri);
            }
        }
    }
    assert!(decoded > 130, "only {decoded} interactions decoded");
}

#[test]
fn recorded_publish_get_post_and_invalid_key() {
    let post = cassette("native_sync__publish__publish_object_post");
    assert_eq!(post[0].method, "POST");
    assert_eq!(post[0].request_body, r#"{"online": true, "name": "Alex"}"#);
    assert_eq!(
        publish::decode(post[0].status, &post[0].body),
        Ok(tt(14820999389689577))
    );

    let invalid = cassette("native_sync__publish__invalid_key");
    assert_eq!(invalid[0].path(), "/publish/fake/demo/0/ch1/0/%22hey%22");
    let invalid_key = publish::decode(invalid[0].status, &invalid[0].body);
    assert_bad_request(invalid_key, 400, "Invalid Key");
}

#[test]
fn recorded_fetch_messages_with_meta_uuid_and_message_type() {
    let fetch = |name: &str| {
        let recorded = cassette(name);
        let last = recorded.last().unwrap();
        assert!(last.path().starts_with("/v3/history-with-actions/"));
        history::decode(last.status, &last.body).unwrap()
    };

    let page = fetch("native_sync__fetch_messages__include_meta");
    let metas: Vec<_> = page.messages.iter().map(|m| m.meta.clone()).collect();
    assert_eq!(
        metas,
        vec![
            Some(json!({"is-this": "krusty-krab"})),
            Some(json!({"this-is": "patrick"}))
        ]
    );
    assert!(
        page.messages
            .iter()
            .all(|m| m.channel == "fetch-messages-actions-meta-1")
    );

    let page = fetch("native_sync__fetch_messages__include_uuid");
    let uuids: Vec<_> = page.messages.iter().map(|m| m.uuid.as_deref()).collect();
    assert_eq!(
        uuids,
        vec![Some("fetch-messages-uuid-1"), Some("fetch-messages-uuid-2")]
    );

    let page = fetch("native_sync__fetch_messages__include_message_type");
    assert_eq!(page.messages.len(), 1);
    assert_eq!(page.messages[0].text(), "hey-type");
    assert_eq!(page.messages[0].timetoken, tt(16485843895487893));
}

#[test]
fn recorded_gzip_history_with_actions_is_the_newest_25_ascending() {
    let recorded = cassette("native_sync__fetch_messages__max_25_with_actions");
    let fetch = recorded
        .iter()
        .find(|i| i.path().starts_with("/v3/history-with-actions/"))
        .unwrap();
    assert!(fetch.uri.contains("max=25"));
    let page = history::decode(fetch.status, &fetch.body).unwrap();
    let texts: Vec<String> = page.messages.iter().map(|m| m.text()).collect();
    let expected: Vec<String> = (95..120).map(|n| format!("hey-{n}")).collect();
    assert_eq!(texts, expected);
    assert!(
        page.messages
            .windows(2)
            .all(|w| w[0].timetoken < w[1].timetoken)
    );
    assert_eq!(page.more, None);

    // Every publish of the recording came back as its own timetoken.
    let published: Vec<Timetoken> = recorded
        .iter()
        .filter(|i| i.path().starts_with("/publish/"))
        .map(|i| publish::decode(i.status, &i.body).unwrap())
        .collect();
    assert_eq!(published.len(), 120);
    assert_eq!(published[0], tt(16075190358030554));
}

#[test]
fn recorded_subscribe_handshake_then_message() {
    let recorded = cassette("asyncio__subscription__sub_pub_unsub");
    let polls: Vec<SubscribeAnswer> = recorded
        .iter()
        .filter(|i| i.path().starts_with("/v2/subscribe/"))
        .map(|i| subscribe::decode(i.status, &i.body).unwrap())
        .collect();
    assert_eq!(polls.len(), 2);
    assert_eq!(
        (polls[0].cursor.t, polls[0].cursor.r),
        (tt(14818963571353315), 12)
    );
    assert!(polls[0].events.is_empty());
    assert_eq!(polls[1].cursor.t, tt(14818963573055360));
    assert_eq!(
        polls[1].events,
        vec![LiveEvent::Message {
            channel: "test-subscribe-asyncio-ch".into(),
            timetoken: tt(14818963573025400),
            publisher: Some("test-subscribe-asyncio-uuid-pub".into()),
            message: json!("hey"),
            meta: None,
        }]
    );
    // The recorded second poll continued from the handshake's cursor, as the client does.
    let second = recorded
        .iter()
        .filter(|i| i.path().starts_with("/v2/subscribe/"))
        .nth(1)
        .unwrap();
    assert!(second.uri.contains("tr=12&tt=14818963571353315"));
}
