//! Paging: `start` exclusive, `end` inclusive, `limit`/`max`, `more` only while more remain, and
//! the pagers walking every page of 1,000+ actions and 250+ messages.

use std::collections::{BTreeMap, BTreeSet};

use reactions::pubnub::{
    ActionsPage, FetchMessages, GetMessageActions, MoreBounds, StoredAction, Timetoken,
};

use crate::common::TestServer;
use crate::support::{action_tts, client, react, say, seed_actions, seed_messages};

const ROOM: &str = "chats.room1";

/// One page as the client returns it.
async fn page(get: GetMessageActions) -> ActionsPage {
    get.execute().await.expect("get")
}

/// The timetokens of one history page (history without actions never says more).
async fn timetokens(fetch: FetchMessages) -> Vec<Timetoken> {
    let page = fetch.execute().await.expect("fetch");
    assert_eq!(page.more, None);
    page.messages.iter().map(|m| m.timetoken).collect()
}

fn more(start: Timetoken, end: Option<Timetoken>, limit: u32) -> Option<MoreBounds> {
    Some(MoreBounds {
        start: Some(start),
        end,
        limit: Some(limit),
    })
}

#[tokio::test]
async fn action_pages_respect_start_end_and_limit_and_say_more_only_when_more_remain() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let mt = say(&alice, ROOM, "hi").await;
    let mut a: Vec<StoredAction> = Vec::new();
    for i in 0..7 {
        a.push(react(&alice, ROOM, mt, &format!("r{i}")).await);
    }
    let t: Vec<Timetoken> = action_tts(&a);
    let get = || alice.get_message_actions().channel(ROOM);

    let p = page(get().limit(3)).await;
    assert_eq!(p.actions, a[4..7], "the newest 3, ascending");
    assert_eq!(p.more, more(t[4], None, 3));
    let p = page(get().start(t[4]).limit(3)).await;
    assert_eq!(p.actions, a[1..4], "start is exclusive");
    assert_eq!(p.more, more(t[1], None, 3));
    let p = page(get().start(t[1]).limit(3)).await;
    assert_eq!(p.actions, a[0..1]);
    assert_eq!(p.more, None, "nothing older remains");
    let p = page(get().start(t[3]).limit(3)).await;
    assert_eq!(p.actions, a[0..3]);
    assert_eq!(
        p.more, None,
        "a page that takes exactly the rest says no more"
    );
    let p = page(get().start(t[0])).await;
    assert_eq!(p, ActionsPage::default(), "nothing older than the oldest");

    let p = page(get().end(t[2])).await;
    assert_eq!(p.actions, a[2..7], "end is inclusive");
    assert_eq!(p.more, None);
    let p = page(get().end(t[2]).limit(2)).await;
    assert_eq!(p.actions, a[5..7]);
    assert_eq!(p.more, more(t[5], Some(t[2]), 2), "more keeps the end");
    let p = page(get().start(t[5]).end(t[2]).limit(2)).await;
    assert_eq!(p.actions, a[3..5]);
    assert_eq!(p.more, more(t[3], Some(t[2]), 2));
    let p = page(get().start(t[3]).end(t[2]).limit(2)).await;
    assert_eq!(p.actions, a[2..3]);
    assert_eq!(p.more, None);
    let p = page(get().start(t[6]).end(t[5])).await;
    assert_eq!(p.actions, a[5..6], "a range of one");

    // The smallest page walks too, with and without an end bound.
    let walk = |g: GetMessageActions| async move { g.pager().collect_all().await };
    assert_eq!(walk(get().limit(1)).await.expect("walk"), a);
    assert_eq!(
        walk(get().limit(1).end(t[2])).await.expect("walk to end"),
        a[2..7]
    );
    s.stop().await;
}

#[tokio::test]
async fn history_ranges_take_the_newest_max_with_start_exclusive_and_end_inclusive() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let mut t = Vec::new();
    for i in 0..6 {
        t.push(say(&alice, ROOM, &format!("m{i}")).await);
    }
    let fetch = || alice.fetch_messages().channel(ROOM);
    assert_eq!(timetokens(fetch().max(2)).await, t[4..6]);
    assert_eq!(timetokens(fetch().start(t[4]).max(2)).await, t[2..4]);
    assert_eq!(timetokens(fetch().end(t[3])).await, t[3..6]);
    assert_eq!(
        timetokens(fetch().start(t[5]).end(t[1]).max(10)).await,
        t[1..5]
    );
    assert_eq!(
        timetokens(fetch().start(t[0])).await,
        Vec::<Timetoken>::new()
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_actions_pager_walks_every_page_of_1200_actions_once_in_order() {
    const ACTIONS: usize = 1_200;
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let messages: Vec<Timetoken> = seed_messages(&alice, ROOM, "m", 40)
        .await
        .into_iter()
        .map(|(tt, _)| tt)
        .collect();
    let seeded = seed_actions(&alice, ROOM, &messages, ACTIONS).await;
    assert_eq!(seeded.len(), ACTIONS);

    let mut pager = alice.get_message_actions().channel(ROOM).pager();
    let mut pages: Vec<Vec<StoredAction>> = Vec::new();
    while let Some(page) = pager.next_page().await.expect("next page") {
        pages.push(page);
    }
    // The pager asks again from just above the oldest action it has (in case others share its
    // timetoken) and drops that one, so a page after the first brings up to 99 new actions.
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert!(
        sizes.iter().all(|n| (1..=100).contains(n)) && sizes.len() <= 13,
        "pages of the default limit: {sizes:?}"
    );
    for pair in pages.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        assert!(
            older.last().map(|a| a.action_timetoken) < newer.first().map(|a| a.action_timetoken),
            "each page is older than the one before"
        );
    }
    for page in &pages {
        assert!(
            page.is_sorted_by_key(|a| a.action_timetoken),
            "a page is ascending"
        );
    }
    let walked: Vec<StoredAction> = pages.into_iter().rev().flatten().collect();
    assert_eq!(walked, seeded, "none missing, none repeated, ascending");
    assert_eq!(
        pager.next_page().await.expect("after the end"),
        None,
        "a finished pager stays finished"
    );

    let all = alice
        .get_message_actions()
        .channel(ROOM)
        .limit(37)
        .pager()
        .collect_all()
        .await
        .expect("collect all");
    assert_eq!(all, seeded, "any page size walks the same");

    let end = seeded[450].action_timetoken;
    let from_end = alice
        .get_message_actions()
        .channel(ROOM)
        .end(end)
        .limit(40)
        .pager()
        .collect_all()
        .await
        .expect("collect to end");
    assert_eq!(from_end, seeded[450..], "the pager stops at end, inclusive");

    let window = alice
        .get_message_actions()
        .channel(ROOM)
        .start(seeded[1_000].action_timetoken)
        .end(end)
        .pager()
        .collect_all()
        .await
        .expect("collect a window");
    assert_eq!(window, seeded[450..1_000]);

    // The same actions through history with actions, 25 messages a page.
    let history = alice
        .fetch_messages()
        .channel(ROOM)
        .include_actions(true)
        .pager()
        .collect_all()
        .await
        .expect("walk history with actions");
    assert_eq!(
        history.iter().map(|m| m.timetoken).collect::<Vec<_>>(),
        messages
    );
    let mut through_history: Vec<StoredAction> =
        history.iter().flat_map(|m| m.stored_actions()).collect();
    through_history.sort_by_key(|a| a.action_timetoken);
    assert_eq!(through_history, seeded);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_pager_walks_every_message_once_in_order() {
    let s = TestServer::start().await;
    let alice = client(&s, "alice");
    let (busy, quiet) = tokio::join!(
        seed_messages(&alice, "busy", "b", 260),
        seed_messages(&alice, "quiet", "q", 60)
    );

    let walked = alice
        .fetch_messages()
        .channel("busy")
        .pager()
        .collect_all()
        .await
        .expect("walk busy");
    let got: Vec<(Timetoken, String)> = walked.iter().map(|m| (m.timetoken, m.text())).collect();
    assert_eq!(got, busy, "none missing, none repeated, ascending");

    let mut pager = alice.fetch_messages().channel("busy").max(100).pager();
    let mut sizes = Vec::new();
    while let Some(page) = pager.next_page().await.expect("page") {
        sizes.push(page.len());
    }
    assert_eq!(sizes, vec![100, 100, 60]);

    let end = busy[123].0;
    let to_end = alice
        .fetch_messages()
        .channel("busy")
        .end(end)
        .max(30)
        .pager()
        .collect_all()
        .await
        .expect("walk to end");
    let got: Vec<(Timetoken, String)> = to_end.iter().map(|m| (m.timetoken, m.text())).collect();
    assert_eq!(got, busy[123..], "the pager stops at end, inclusive");

    // Two channels at 25 a channel per page: every message of each, once, in order.
    let both = alice
        .fetch_messages()
        .channels(["busy", "quiet"])
        .pager()
        .collect_all()
        .await
        .expect("walk both");
    let mut per_channel: BTreeMap<String, Vec<(Timetoken, String)>> = BTreeMap::new();
    for m in &both {
        per_channel
            .entry(m.channel.clone())
            .or_default()
            .push((m.timetoken, m.text()));
    }
    assert_eq!(per_channel.get("busy"), Some(&busy));
    assert_eq!(per_channel.get("quiet"), Some(&quiet));
    let distinct: BTreeSet<Timetoken> = both.iter().map(|m| m.timetoken).collect();
    assert_eq!(distinct.len(), busy.len() + quiet.len());
    s.stop().await;
}
