//! Every operation of the client against the server, as a library user sees its results.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

use reactions::pubnub::publish::POST_ABOVE_BYTES;
use reactions::pubnub::{
    ActionEventKind, ActionRef, AddActionResult, Error, HistoryMessage, LiveEvent, MessageAction,
    RemoveActionResult, StoredAction, SubscriptionEvent, SubscriptionStatus, Timetoken,
};
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::support::{
    DEADLINE, client, history_with_actions, next_event, react, reaction, say, watch,
};

const ROOM: &str = "chats.room#1+%ü~!";

fn plain(channel: &str, timetoken: Timetoken, message: Value, uuid: &str) -> HistoryMessage {
    HistoryMessage {
        channel: channel.into(),
        timetoken,
        message,
        meta: None,
        uuid: Some(uuid.into()),
        custom_message_type: None,
        actions: BTreeMap::new(),
    }
}

#[tokio::test]
async fn publish_by_get_and_post_with_meta_and_unstored() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let publish = |message: &Value| alice.publish().channel(ROOM).message(message.clone());

    let small = json!({"text": "hi / & ? # % 👍"});
    let t_small = publish(&small)
        .meta(json!({"lang": "en", "n": 1}))
        .execute()
        .await
        .expect("small publish");
    let big = json!({"text": format!("{}é/?&", "long ".repeat(700))});
    assert!(
        serde_json::to_string(&big).expect("json").len() > POST_ABOVE_BYTES,
        "large enough to go by POST"
    );
    let t_big = publish(&big).execute().await.expect("large publish");
    let scalar = json!(["two", 2, null]);
    let t_scalar = publish(&scalar).execute().await.expect("array publish");
    let t_unstored = publish(&json!("not kept"))
        .store(false)
        .execute()
        .await
        .expect("unstored publish");
    assert!(t_small < t_big && t_big < t_scalar && t_scalar < t_unstored);
    let now = Timetoken::now().get();
    assert!(
        t_small.get().abs_diff(now) < 600_000_000,
        "timetokens are 100-ns units since the epoch: {t_small} vs {now}"
    );

    let page = alice
        .fetch_messages()
        .channel(ROOM)
        .include_meta(true)
        .execute()
        .await
        .expect("fetch");
    let expected = vec![
        HistoryMessage {
            meta: Some(json!({"lang": "en", "n": 1})),
            ..plain(ROOM, t_small, small, "alice")
        },
        plain(ROOM, t_big, big, "alice"),
        plain(ROOM, t_scalar, scalar, "alice"),
    ];
    assert_eq!(page.messages, expected, "store=false is not in history");
    assert_eq!(page.more, None);

    let without_meta = alice
        .fetch_messages()
        .channel(ROOM)
        .execute()
        .await
        .expect("fetch");
    assert_eq!(without_meta.messages[0].meta, None, "meta only when asked");
    s.stop().await;
}

#[tokio::test]
async fn time_is_now_and_never_behind_a_write() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let before = Timetoken::now();
    let t = alice.time().execute().await.expect("time");
    assert!(
        t.get().abs_diff(before.get()) < 50_000_000,
        "{t} is not within 5 s of {before}"
    );
    let published = say(&alice, ROOM, "x").await;
    let after = alice.time().execute().await.expect("time");
    assert!(after >= published, "{after} < {published}");
    s.stop().await;
}

#[tokio::test]
async fn add_returns_the_action_as_stored_by_the_configured_user() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice+bo&c=d é");
    let mt = say(&alice, ROOM, "hello").await;
    let added = alice
        .add_message_action()
        .channel(ROOM)
        .message_action(MessageAction {
            action_type: "reaction".into(),
            value: "👍🏽".into(),
            message_timetoken: mt,
        })
        .execute()
        .await
        .expect("add");
    let AddActionResult { action, warning } = added;
    assert_eq!(warning, None);
    assert!(action.action_timetoken > mt, "{action:?}");
    assert_eq!(
        action,
        StoredAction {
            action_timetoken: action.action_timetoken,
            message_timetoken: mt,
            action_type: "reaction".into(),
            uuid: "alice+bo&c=d é".into(),
            value: "👍🏽".into(),
        }
    );
    s.stop().await;
}

#[tokio::test]
async fn get_lists_a_page_ascending_and_remove_takes_the_author_or_as_uuid() {
    let s = TestServer::start().await;
    let (alice, bob, moderator) = (
        client(&s, "alice"),
        client(&s, "bob"),
        client(&s, "moderator"),
    );
    let m1 = say(&alice, ROOM, "one").await;
    let m2 = say(&bob, ROOM, "two").await;
    let a1 = react(&alice, ROOM, m1, "👍").await;
    let b1 = react(&bob, ROOM, m1, "👍").await;
    let b2 = react(&bob, ROOM, m2, "🎉").await;
    let a2 = react(&alice, ROOM, m2, "🎉").await;

    let list = || alice.get_message_actions().channel(ROOM).execute();
    let page = list().await.expect("get");
    assert_eq!(
        page.actions,
        vec![a1.clone(), b1.clone(), b2.clone(), a2.clone()]
    );
    assert_eq!(page.more, None);

    let removed = alice
        .remove_message_action()
        .channel(ROOM)
        .message_timetoken(m1)
        .action_timetoken(a1.action_timetoken)
        .execute()
        .await
        .expect("the author removes");
    assert_eq!(removed, RemoveActionResult { warning: None });
    let removed = moderator
        .remove_message_action()
        .channel(ROOM)
        .message_timetoken(m2)
        .action_timetoken(b2.action_timetoken)
        .as_uuid("bob")
        .execute()
        .await
        .expect("a moderator removes as the author");
    assert_eq!(removed.warning, None);
    assert_eq!(list().await.expect("get").actions, vec![b1, a2]);
    s.stop().await;
}

#[tokio::test]
async fn fetch_with_and_without_actions_uuids_and_several_channels() {
    let s = TestServer::start().await;
    let (alice, bob, carol) = (client(&s, "alice"), client(&s, "bob"), client(&s, "carol"));
    let m1 = say(&alice, ROOM, "first").await;
    let m2 = say(&bob, ROOM, "second").await;
    let other = say(&bob, "other", "elsewhere").await;
    // Added with types and values interleaved; history groups them.
    let a_up = react(&alice, ROOM, m1, "👍").await;
    let c_read = carol
        .add_message_action()
        .channel(ROOM)
        .message_action(MessageAction {
            action_type: "receipt".into(),
            ..reaction(m1, "read")
        })
        .execute()
        .await
        .expect("add")
        .action;
    let b_party = react(&bob, ROOM, m1, "🎉").await;
    let b_up = react(&bob, ROOM, m1, "👍").await;

    let with = carol
        .fetch_messages()
        .channel(ROOM)
        .include_actions(true)
        .execute()
        .await
        .expect("fetch with actions");
    let r = |a: &StoredAction| ActionRef {
        uuid: a.uuid.clone(),
        action_timetoken: a.action_timetoken,
    };
    let grouped = BTreeMap::from([
        (
            "reaction".to_string(),
            BTreeMap::from([
                ("👍".to_string(), vec![r(&a_up), r(&b_up)]),
                ("🎉".to_string(), vec![r(&b_party)]),
            ]),
        ),
        (
            "receipt".to_string(),
            BTreeMap::from([("read".to_string(), vec![r(&c_read)])]),
        ),
    ]);
    assert_eq!(
        with.messages,
        vec![
            HistoryMessage {
                actions: grouped,
                ..plain(ROOM, m1, json!({"text": "first"}), "alice")
            },
            plain(ROOM, m2, json!({"text": "second"}), "bob"),
        ]
    );
    assert_eq!(
        with.messages[0].stored_actions(),
        vec![a_up, c_read, b_party, b_up]
    );

    let without = carol
        .fetch_messages()
        .channel(ROOM)
        .execute()
        .await
        .expect("fetch");
    assert!(without.messages.iter().all(|m| m.actions.is_empty()));
    let no_uuid = carol
        .fetch_messages()
        .channel(ROOM)
        .include_uuid(false)
        .execute()
        .await
        .expect("fetch");
    assert!(no_uuid.messages.iter().all(|m| m.uuid.is_none()));

    let both = carol
        .fetch_messages()
        .channels([ROOM, "other"])
        .execute()
        .await
        .expect("fetch two channels");
    let mut seen: Vec<(String, Timetoken, Option<String>)> = both
        .messages
        .iter()
        .map(|m| (m.channel.clone(), m.timetoken, m.uuid.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            (ROOM.to_string(), m1, Some("alice".into())),
            (ROOM.to_string(), m2, Some("bob".into())),
            ("other".to_string(), other, Some("bob".into())),
        ]
    );
    s.stop().await;
}

#[tokio::test]
async fn awkward_text_comes_back_the_same_through_every_read() {
    let s = TestServer::start().await;
    let user = "o'neil \"q\" \\ ü\t";
    let c = client(&s, user);
    let mut sub = watch(&client(&s, "watcher"), &[ROOM]).await;
    let text =
        json!({"text": "line\nbreak \"quoted\" \\ \u{1} \u{2028} 👍", "k": {"a\"b": [1.5, null]}});
    let mt = c
        .publish()
        .channel(ROOM)
        .message(text.clone())
        .meta(json!({"m": "x\ny"}))
        .execute()
        .await
        .expect("publish");
    let added = c
        .add_message_action()
        .channel(ROOM)
        .message_action(MessageAction {
            action_type: "type \"with\" quotes".into(),
            value: "v\\a\nl\u{7}ue".into(),
            message_timetoken: mt,
        })
        .execute()
        .await
        .expect("add")
        .action;
    assert_eq!(
        (
            added.action_type.as_str(),
            added.value.as_str(),
            added.uuid.as_str()
        ),
        ("type \"with\" quotes", "v\\a\nl\u{7}ue", user)
    );
    let page = c
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect("get");
    assert_eq!(page.actions, vec![added.clone()]);
    let history = history_with_actions(&c, ROOM).await;
    assert_eq!(history.messages.len(), 1);
    let m = &history.messages[0];
    assert_eq!(
        (&m.message, &m.meta, m.uuid.as_deref()),
        (&text, &Some(json!({"m": "x\ny"})), Some(user))
    );
    assert_eq!(m.stored_actions(), vec![added.clone()]);
    assert_eq!(
        next_event(&mut sub).await,
        SubscriptionEvent::Live(LiveEvent::Message {
            channel: ROOM.into(),
            timetoken: mt,
            publisher: Some(user.into()),
            message: text,
            meta: Some(json!({"m": "x\ny"})),
        })
    );
    assert_eq!(
        next_event(&mut sub).await,
        SubscriptionEvent::Live(LiveEvent::Action {
            channel: ROOM.into(),
            kind: ActionEventKind::Added,
            action: added,
        })
    );
    drop(sub);
    s.stop().await;
}

/// Everything a program without an async runtime does, each call with `execute_blocking` (or
/// the pager's and subscription's blocking forms) on a plain thread.
fn blocking_session(origin: &str) -> Result<(), Error> {
    let c = reactions::pubnub::Client::new(crate::support::config(origin, "plain"))?;
    let now = c.time().execute_blocking()?;
    let mut sub = c.subscribe().channel(ROOM).execute_blocking()?;
    assert_eq!(
        sub.next_blocking()?,
        Some(SubscriptionEvent::Status(SubscriptionStatus::Connected))
    );
    let mt = c
        .publish()
        .channel(ROOM)
        .message(json!("from a thread"))
        .execute_blocking()?;
    assert!(mt > now);
    match sub.next_blocking()? {
        Some(SubscriptionEvent::Live(LiveEvent::Message {
            timetoken, message, ..
        })) => assert_eq!((timetoken, message), (mt, json!("from a thread"))),
        other => panic!("expected the message, got {other:?}"),
    }
    drop(sub);
    let added = c
        .add_message_action()
        .channel(ROOM)
        .message_action(reaction(mt, "🧵"))
        .execute_blocking()?;
    let page = c.get_message_actions().channel(ROOM).execute_blocking()?;
    assert_eq!(page.actions, vec![added.action.clone()]);
    let history = c
        .fetch_messages()
        .channel(ROOM)
        .include_actions(true)
        .execute_blocking()?;
    assert_eq!(
        history.messages[0].stored_actions(),
        vec![added.action.clone()]
    );
    let mut pager = c.get_message_actions().channel(ROOM).pager();
    assert_eq!(
        pager.next_page_blocking()?,
        Some(vec![added.action.clone()])
    );
    assert_eq!(pager.next_page_blocking()?, None);
    let all = c
        .fetch_messages()
        .channel(ROOM)
        .pager()
        .collect_all_blocking()?;
    assert_eq!(all.len(), 1);
    c.remove_message_action()
        .channel(ROOM)
        .message_timetoken(mt)
        .action_timetoken(added.action.action_timetoken)
        .execute_blocking()?;

    // Several plain threads sharing one client block at the same time.
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || {
                (0..5)
                    .map(|j| {
                        c.publish()
                            .channel("threads")
                            .message(json!(format!("{i}.{j}")))
                            .execute_blocking()
                    })
                    .collect::<Result<Vec<Timetoken>, Error>>()
            })
        })
        .collect();
    let mut sent = Vec::new();
    for t in threads {
        sent.extend(t.join().expect("thread finished")?);
    }
    sent.sort();
    let stored: Vec<Timetoken> = c
        .fetch_messages()
        .channel("threads")
        .execute_blocking()?
        .messages
        .iter()
        .map(|m| m.timetoken)
        .collect();
    assert_eq!(stored, sent);
    Ok(())
}

#[test]
fn execute_blocking_works_from_a_plain_thread_and_refuses_inside_a_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime for the server");
    let s = runtime.block_on(TestServer::start());
    let origin = s.origin.clone();
    // A thread of its own, so that a hang fails the test instead of stalling it.
    let (done, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(blocking_session(&origin));
    });
    let result = outcome
        .recv_timeout(DEADLINE * 2)
        .expect("the blocking session finished in time");
    result.expect("every blocking call succeeds");

    let c = client(&s, "plain");
    let inside = runtime.block_on(async { c.time().execute_blocking() });
    match inside {
        Err(Error::InvalidInput(why)) => assert!(why.contains("async"), "{why}"),
        other => panic!("blocking inside a runtime must be refused, got {other:?}"),
    }
    let inside = runtime.block_on(async { c.subscribe().channel(ROOM).execute_blocking() });
    assert!(matches!(inside, Err(Error::InvalidInput(_))), "{inside:?}");
    let outside = c.subscribe().channel(ROOM).execute();
    assert!(
        matches!(outside, Err(Error::InvalidInput(_))),
        "execute needs a runtime: {outside:?}"
    );
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(15), s.stop())
            .await
            .expect("server stops")
    });
}
