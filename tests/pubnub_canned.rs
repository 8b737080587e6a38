//! The client's decoders on the Swift SDK's canned answers (written by its authors to mirror the
//! service), copied unchanged into `tests/fixtures/swift/`. Each test hands status and body to the
//! same `decode` function the client runs on an answer.

mod fixture_support;

use fixture_support::{assert_bad_request, swift, tt};
use reactions::pubnub::{
    ActionEventKind, Error, LiveEvent, MoreBounds, StoredAction, actions, history, publish,
    subscribe, time,
};
use serde_json::json;

const ACCESS_DENIED_TEXT: &str =
    "Supplied authorization key does not have the permissions required to perform this operation.";

fn swift_action() -> StoredAction {
    StoredAction {
        action_timetoken: tt(15610547826970050),
        message_timetoken: tt(15610547826969050),
        action_type: "reaction".into(),
        uuid: "testUser".into(),
        value: "smiley_face".into(),
    }
}

fn assert_access_denied(result: Result<impl std::fmt::Debug, Error>, text: &str) {
    match result {
        Err(Error::AccessDenied {
            status: 403,
            message,
            ..
        }) => assert_eq!(message, text),
        other => panic!("expected AccessDenied, got {other:?}"),
    }
}

#[test]
fn add_action_success_and_207_warning() {
    let (status, body) = swift("addMessageAction_success");
    let added = actions::decode_add(status, &body).unwrap();
    assert_eq!(added.action, swift_action());
    assert_eq!(added.warning, None);

    let (status, body) = swift("addMessageAction_success_207");
    assert_eq!(status, 207);
    let added = actions::decode_add(status, &body).unwrap();
    assert_eq!(added.action, swift_action());
    assert_eq!(
        added.warning.as_deref(),
        Some("Stored but failed to publish message action.")
    );
}

#[test]
fn add_action_errors_carry_the_service_text() {
    let (status, body) = swift("addMessageAction_error_400");
    match actions::decode_add(status, &body) {
        Err(Error::BadRequest {
            status: 400,
            message,
            details,
        }) => {
            assert_eq!(message, "Request payload contained invalid input.");
            assert_eq!(details.len(), 1);
            assert_eq!(details[0].message, "Missing field");
            assert_eq!(details[0].location, "value");
            assert_eq!(details[0].location_type, "body");
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }

    let (status, body) = swift("addMessageAction_error_403");
    assert_access_denied(actions::decode_add(status, &body), ACCESS_DENIED_TEXT);

    let (status, body) = swift("addMessageAction_error_409");
    assert_eq!(
        actions::decode_add(status, &body),
        Err(Error::Conflict {
            status: 409,
            message: "Action Already Added".into()
        })
    );
}

#[test]
fn remove_action_success_207_and_errors() {
    let (status, body) = swift("removeMessageAction_success");
    assert_eq!(actions::decode_remove(status, &body).unwrap().warning, None);

    let (status, body) = swift("removeMessageAction_success_207");
    assert_eq!(
        actions::decode_remove(status, &body)
            .unwrap()
            .warning
            .as_deref(),
        Some("Deleted but failed to publish removed events.")
    );

    let (status, body) = swift("removeMessageAction_error_400");
    let wrong_uuid = actions::decode_remove(status, &body).unwrap_err();
    assert!(wrong_uuid.is_wrong_uuid(), "{wrong_uuid:?}");

    let (status, body) = swift("removeMessageAction_error_400_noMessage");
    assert_eq!(
        actions::decode_remove(status, &body),
        Err(Error::NothingToDelete {
            status: 400,
            message: "No matching message actions to delete".into()
        })
    );

    let (status, body) = swift("removeMessageAction_error_403");
    assert_access_denied(actions::decode_remove(status, &body), ACCESS_DENIED_TEXT);
}

#[test]
fn get_actions_page_with_more_and_empty_page() {
    let (status, body) = swift("fetchMessageAction_success");
    let page = actions::decode_get(status, &body).unwrap();
    assert_eq!(page.actions, vec![swift_action()]);
    assert_eq!(
        page.more,
        Some(MoreBounds {
            start: Some(tt(15610547826970050)),
            end: Some(tt(15645905639093361)),
            limit: Some(2),
        })
    );

    let (status, body) = swift("fetchMessageAction_success_empty");
    let page = actions::decode_get(status, &body).unwrap();
    assert!(page.actions.is_empty());
    assert_eq!(page.more, None);
}

#[test]
fn get_actions_errors() {
    let (status, body) = swift("fetchMessageAction_error_400");
    assert_bad_request(actions::decode_get(status, &body), 400, "Invalid Subkey");
    let (status, body) = swift("fetchMessageAction_error_403");
    assert_access_denied(actions::decode_get(status, &body), ACCESS_DENIED_TEXT);
}

#[test]
fn access_manager_and_balancer_errors_on_every_endpoint() {
    type Decode = fn(u16, &[u8]) -> Result<(), Error>;
    let decoders: [(&str, Decode); 6] = [
        ("get actions", |s, b| actions::decode_get(s, b).map(drop)),
        ("add action", |s, b| actions::decode_add(s, b).map(drop)),
        ("history", |s, b| history::decode(s, b).map(drop)),
        ("publish", |s, b| publish::decode(s, b).map(drop)),
        ("subscribe", |s, b| subscribe::decode(s, b).map(drop)),
        ("time", |s, b| time::decode(s, b).map(drop)),
    ];
    for (name, decode) in decoders {
        let (status, body) = swift("forbidden_Message");
        assert_eq!(
            decode(status, &body),
            Err(Error::AccessDenied {
                status: 403,
                message: "Forbidden".into(),
                refused: vec!["channelSwift".into()],
            }),
            "{name}"
        );
        let (status, body) = swift("invalidSubscribeKey");
        assert_bad_request(decode(status, &body), 400, "Invalid Subscribe Key");
        let (status, body) = swift("requestURITooLong_Message");
        assert_bad_request(decode(status, &body), 414, "Request URI Too Long");
    }
}

#[test]
fn history_messages_ascending_with_meta_and_actions() {
    let (status, body) = swift("messageHistory_Fetch_success");
    let page = history::decode(status, &body).unwrap();
    let got: Vec<(&str, u64, String)> = page
        .messages
        .iter()
        .map(|m| (m.channel.as_str(), m.timetoken.get(), m.text()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("TestChannel", 15653750239963666, "Hello".to_string()),
            ("TestChannel", 15654070724737575, "Hello".to_string()),
        ]
    );

    let (status, body) = swift("messageHistory_Fetch_success_withMeta");
    let page = history::decode(status, &body).unwrap();
    assert_eq!(page.messages[0].meta, None, "meta \"\" means none");
    assert_eq!(page.messages[1].meta, Some(json!({"metaKey": "Value"})));

    let (status, body) = swift("messageHistoryWithActions_Fetch_success");
    let page = history::decode(status, &body).unwrap();
    assert_eq!(page.messages.len(), 2);
    let first = &page.messages[0];
    assert_eq!(first.timetoken, tt(15724676552283948));
    assert_eq!(first.meta, None);
    assert_eq!(
        first.message,
        json!({"senderId": "user123", "title": "Hello!"})
    );
    let flat: Vec<(String, String, String, u64)> = first
        .stored_actions()
        .into_iter()
        .map(|a| (a.action_type, a.value, a.uuid, a.action_timetoken.get()))
        .collect();
    assert_eq!(
        flat,
        vec![
            (
                "reaction".into(),
                "smiley_face".into(),
                "db9c5e39-7c95-40f5-8d71-125765b6f561".into(),
                15724676661630010
            ),
            (
                "reaction".into(),
                "smiley_face".into(),
                "otheruser".into(),
                15724677187827310
            ),
            (
                "other".into(),
                "someValue".into(),
                "otheruser".into(),
                15724677602835700
            ),
        ]
    );
    assert!(page.messages[1].actions.is_empty());
    assert_eq!(page.more.unwrap().start, Some(tt(15724676552283948)));

    let (status, body) = swift("messageHistoryWithActions_success_empty");
    let page = history::decode(status, &body).unwrap();
    assert!(page.messages.is_empty());
    assert_eq!(page.more, None);
}

#[test]
fn subscribe_handshake_message_and_action_events() {
    let (status, body) = swift("subscription_handshake_success");
    let answer = subscribe::decode(status, &body).unwrap();
    assert_eq!(
        (answer.cursor.t, answer.cursor.r),
        (tt(16873352451141050), 42)
    );
    assert!(answer.events.is_empty());

    let (status, body) = swift("subscription_message_success");
    let answer = subscribe::decode(status, &body).unwrap();
    assert_eq!(
        (answer.cursor.t, answer.cursor.r),
        (tt(15614817397807903), 2)
    );
    assert_eq!(
        answer.events,
        vec![LiveEvent::Message {
            channel: "TestChannel".into(),
            timetoken: tt(15614814456537442),
            publisher: Some("db9c5e39-7c95-40f5-8d71-125765b6f561".into()),
            message: json!("Test Message"),
            meta: None,
        }]
    );

    for (name, kind) in [
        (
            "subscription_addMessageAction_success",
            ActionEventKind::Added,
        ),
        (
            "subscription_removeMessageAction_success",
            ActionEventKind::Removed,
        ),
    ] {
        let (status, body) = swift(name);
        let answer = subscribe::decode(status, &body).unwrap();
        assert_eq!(
            answer.events,
            vec![LiveEvent::Action {
                channel: "TestChannel".into(),
                kind,
                action: StoredAction {
                    action_timetoken: tt(15725459793173220),
                    message_timetoken: tt(15725459448096144),
                    action_type: "reaction".into(),
                    uuid: "SomeUser".into(),
                    value: "winky_face".into(),
                },
            }],
            "{name}"
        );
    }
}

#[test]
fn publish_success_and_failures() {
    let (status, body) = swift("publish_success");
    assert_eq!(publish::decode(status, &body), Ok(tt(15644265196692560)));
    for (name, text) in [
        ("publish_invalid_key", "Invalid Key"),
        ("publish_invalid_json", "Invalid JSON"),
        ("publish_message_too_large", "Message Too Large"),
    ] {
        let (status, body) = swift(name);
        assert_bad_request(publish::decode(status, &body), 400, text);
    }
}
