//! What the client wrote is what it reads back after the server restarts on the same database.

use reactions::pubnub::{ActionsPage, Client, HistoryPage, Timetoken};
use serde_json::json;

use crate::common::{TestServer, options};
use crate::support::{client, react, say};

const ROOM: &str = "chats.room1";

/// Everything the client can read of the two channels.
async fn read_all(c: &Client) -> (HistoryPage, HistoryPage, ActionsPage) {
    let room = c
        .fetch_messages()
        .channel(ROOM)
        .include_actions(true)
        .include_meta(true)
        .execute()
        .await
        .expect("fetch room");
    let other = c
        .fetch_messages()
        .channel("other")
        .include_meta(true)
        .execute()
        .await
        .expect("fetch other");
    let actions = c
        .get_message_actions()
        .channel(ROOM)
        .execute()
        .await
        .expect("get");
    (room, other, actions)
}

#[tokio::test]
async fn data_written_before_a_restart_reads_back_the_same_and_time_moves_on() {
    let s = TestServer::start().await;
    let (alice, bob) = (client(&s, "alice"), client(&s, "bob"));
    let m1 = alice
        .publish()
        .channel(ROOM)
        .message(json!({"text": "kept", "n": [1, 2]}))
        .meta(json!({"lang": "en"}))
        .execute()
        .await
        .expect("publish");
    let m2 = say(&bob, ROOM, "second").await;
    say(&bob, "other", "elsewhere").await;
    let up = react(&alice, ROOM, m1, "👍").await;
    let party = react(&bob, ROOM, m2, "🎉").await;
    let gone = react(&bob, ROOM, m1, "😢").await;
    bob.remove_message_action()
        .channel(ROOM)
        .message_timetoken(m1)
        .action_timetoken(gone.action_timetoken)
        .execute()
        .await
        .expect("remove");
    let before = read_all(&alice).await;
    assert_eq!(before.0.messages.len(), 2);
    assert_eq!(before.1.messages.len(), 1);
    assert_eq!(before.2.actions, vec![up, party]);
    let newest_old: Timetoken = gone.action_timetoken;

    let db = s.db_path();
    let dir = s.stop().await;
    let s = TestServer::start_in(dir, options(db)).await;
    let alice = client(&s, "alice");
    let after = read_all(&alice).await;
    assert_eq!(after, before, "everything reads back the same");

    let later = say(&alice, ROOM, "after").await;
    assert!(later > newest_old, "{later} <= {newest_old}");
    let reacted = react(&alice, ROOM, later, "👍").await;
    assert!(reacted.action_timetoken > later);
    s.stop().await;
}
