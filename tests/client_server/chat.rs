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
