//! The chat browser's reads against the embedded server: users' names from App Context (set,
//! read one by one and in filtered pages, a missing user as none) and thread reply counts from
//! message counts, as the UI and the CLI use them.

use reactions::pubnub::chat::thread_channel;

use crate::common::TestServer;
use crate::support::{client, say};

#[tokio::test]
async fn names_are_set_and_read_back_one_by_one_and_in_a_filtered_page() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let stored = alice
        .set_user_metadata()
        .id("alice")
        .name("Alice Martin")
        .execute()
        .await
        .expect("set alice");
    assert_eq!(stored.display_name(), Some("Alice Martin"));
    client(&s, "bob")
        .set_user_metadata()
        .id("bob")
        .email("bob@example.com")
        .execute()
        .await
        .expect("set bob");
    let one = alice.get_user_metadata().id("alice").execute().await;
    assert_eq!(
        one.expect("read alice").and_then(|u| u.name),
        Some("Alice Martin".to_string())
    );
    assert_eq!(
        alice.get_user_metadata().id("nobody").execute().await,
        Ok(None),
        "a user App Context does not have is none, not an error"
    );
    let names = alice
        .user_names()
        .ids(["nobody", "bob", "alice"])
        .execute()
        .await
        .expect("names");
    assert_eq!(
        names,
        [
            ("alice".to_string(), Some("Alice Martin".to_string())),
            ("bob".to_string(), None),
            ("nobody".to_string(), None),
        ],
        "bob has no name; nobody does not exist"
    );
}

#[tokio::test]
async fn a_threads_replies_are_counted_after_its_root() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let root = say(&alice, "chats.room1", "lunch?").await;
    let thread = thread_channel("chats.room1", root);
    let mut replies = Vec::new();
    for text in ["12:30?", "works", "12:30 it is"] {
        replies.push(say(&alice, &thread, text).await);
    }
    let counts = alice
        .message_counts()
        .channel_timetokens([(thread.clone(), root), ("chats.room1".to_string(), root)])
        .execute()
        .await
        .expect("counts");
    assert_eq!(counts.channels.get(&thread), Some(&3));
    assert_eq!(
        counts.channels.get("chats.room1"),
        Some(&0),
        "nothing after the root"
    );
    let after_first = alice
        .message_counts()
        .channels([thread.clone()])
        .timetoken(replies[0])
        .execute()
        .await
        .expect("counts");
    assert_eq!(
        after_first.channels.get(&thread),
        Some(&2),
        "the timetoken is exclusive"
    );
}

/// Sets App Context metadata of channel `id` to the JSON `body`, as the Chat SDK does.
async fn set_channel(s: &TestServer, id: &str, body: &str) {
    let sub = client(s, "alice").config().subscribe_key.clone();
    let answer = s
        .http
        .patch(format!("{}/v2/objects/{sub}/channels/{id}", s.origin))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("set channel metadata");
    assert_eq!(
        answer.status(),
        200,
        "{}",
        answer.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn app_context_channels_are_listed_with_their_names() {
    let s = TestServer::start().await;
    set_channel(&s, "chats.support", r#"{"name":"Customer support"}"#).await;
    set_channel(&s, "chats.random", r#"{"description":"no name here"}"#).await;
    let page = client(&s, "alice")
        .channel_names()
        .execute()
        .await
        .expect("list channels");
    let mut listed = page.channels;
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    let pairs: Vec<(String, Option<String>)> = listed.into_iter().map(|c| (c.id, c.name)).collect();
    assert_eq!(
        pairs,
        [
            ("chats.random".to_string(), None),
            (
                "chats.support".to_string(),
                Some("Customer support".to_string())
            ),
        ]
    );
}

#[tokio::test]
async fn more_than_a_page_of_app_context_channels_is_read_page_by_page_up_to_a_bound() {
    let s = TestServer::start().await;
    for i in 0..150 {
        set_channel(
            &s,
            &format!("room.{i:03}"),
            &format!(r#"{{"name":"Room {i}"}}"#),
        )
        .await;
    }
    let alice = client(&s, "alice");
    // The service gives `next` on every page with items (pubnub/python's recorded
    // get_channel_members_with_pagination.json), and an empty page ends the list.
    let first = alice.channel_names().execute().await.expect("first page");
    assert_eq!(first.channels.len(), 100);
    assert!(first.next.is_some(), "a second page follows");
    let (all, more) = alice
        .channel_names()
        .collect_up_to(1_000)
        .await
        .expect("every page");
    let mut ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((ids.len(), more), (150, false), "each channel once");
    let (bounded, more) = alice
        .channel_names()
        .collect_up_to(120)
        .await
        .expect("pages up to the bound");
    assert_eq!((bounded.len(), more), (120, true));
}
