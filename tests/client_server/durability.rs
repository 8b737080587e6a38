//! What the client wrote is what it reads back after the server restarts on the same database,
//! and a pager cut off by the restart goes on where it stopped.

use reactions::pubnub::{ActionsPage, Client, Error, HistoryPage, StoredAction, Timetoken};
use serde_json::json;

use crate::common::{TestServer, options};
use crate::support::{
    client, history_with_actions, react, restart_on, say, seed_actions, seed_messages,
};

const ROOM: &str = "chats.room1";

/// Everything the client can read of the two channels.
async fn read_all(c: &Client) -> (HistoryPage, HistoryPage, ActionsPage) {
    let room = history_with_actions(c, ROOM).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pager_cut_off_by_a_restart_goes_on_where_it_stopped() {
    let s = TestServer::start().await;
    let addr = s.running().addr();
    let alice = client(&s, "alice");
    let messages: Vec<Timetoken> = seed_messages(&alice, ROOM, "m", 10)
        .await
        .into_iter()
        .map(|(tt, _)| tt)
        .collect();
    let seeded = seed_actions(&alice, ROOM, &messages, 250).await;

    let mut pager = alice.get_message_actions().channel(ROOM).limit(100).pager();
    let mut pages = vec![
        pager
            .next_page()
            .await
            .expect("first page")
            .expect("a page"),
    ];
    let dir = s.stop().await;
    let e = pager.next_page().await.expect_err("the server is down");
    assert!(matches!(e, Error::Network { .. }), "{e:?}");
    assert!(e.is_transient());

    let s = restart_on(addr, dir).await;
    while let Some(page) = pager.next_page().await.expect("after the restart") {
        pages.push(page);
    }
    let walked: Vec<StoredAction> = pages.into_iter().rev().flatten().collect();
    assert_eq!(
        walked, seeded,
        "nothing lost or repeated across the failure"
    );
    s.stop().await;
}
