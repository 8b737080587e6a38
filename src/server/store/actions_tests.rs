//! Tests of get-actions pages through a real store: views built and then kept by the writer
//! answer exactly as SQLite does, and so does the read policy.

use super::*;
use crate::pubnub::StoredAction;
use crate::server::render::actions::action as render;
use crate::server::store::testing::{open_store, remove_op};
use crate::server::views::{Rng, test_action as action};

/// Through a real store: views built and then kept by the writer answer exactly as SQLite does.
#[tokio::test]
async fn views_answer_as_sqlite_does() {
    let (_dir, store) = open_store();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut stored = Vec::new();
    let change = |store: Store, rng: &mut Rng, stored: &mut Vec<StoredAction>| {
        let a = action(1_000 + rng.below(100_000), &format!("u{}", rng.below(5)));
        let remove = (rng.below(4) == 0 && !stored.is_empty())
            .then(|| stored.swap_remove(rng.below(stored.len() as u64) as usize));
        async move {
            match remove {
                Some(r) => store.write(remove_op(&r)).await.map(|_| None),
                None => store.insert_action_at("sk", "c", &a).await.map(|_| Some(a)),
            }
        }
    };
    for round in 0..6 {
        for _ in 0..60 {
            if let Ok(Some(a)) = change(store.clone(), &mut rng, &mut stored).await {
                stored.push(a);
            }
        }
        let view = store
            .view(&store.caches().actions, "sk", "c")
            .unwrap()
            .expect("a view");
        for _ in 0..50 {
            let range = Range {
                start: (rng.below(3) > 0).then(|| 1_000 + rng.below(100_000)),
                end: (rng.below(2) > 0).then(|| 1_000 + rng.below(60_000)),
            };
            let limit = 1 + rng.below(101) as u32;
            let from_view: Vec<(u64, Vec<u8>)> = {
                let view = view.read().unwrap();
                let rows = view.newest(range, limit as usize);
                rows.map(|(tt, t)| (tt, t.to_vec())).collect()
            };
            let from_sql = store
                .read(|conn| {
                    let mut rows = Vec::new();
                    let page = Slice::newest("sk", "c", range, limit);
                    sqlite::visit_newest_actions(conn, page, |a| {
                        rows.push((a.action_tt, render(a).into_vec()))
                    })?;
                    Ok(rows)
                })
                .unwrap();
            assert_eq!(
                from_view, from_sql,
                "round {round}, {range:?}, limit {limit}"
            );
            let q = ActionsQuery {
                sub_key: "sk".into(),
                channel: "c".into(),
                range,
                limit,
            };
            let direct = store.read(|conn| q.render_sqlite(conn)).unwrap();
            assert_eq!(
                store.actions_page(&q).unwrap(),
                direct,
                "through the policy"
            );
        }
    }
    store.close().await;
}

fn newest_page(channel: &str) -> ActionsQuery {
    ActionsQuery {
        sub_key: "sk".into(),
        channel: channel.into(),
        range: Range {
            start: None,
            end: None,
        },
        limit: 100,
    }
}

fn has_view(store: &Store, channel: &str) -> bool {
    matches!(
        store.caches().actions.lookup("sk", channel),
        crate::server::views::Lookup::Ready(_)
    )
}

/// The first read of a channel is answered (from SQLite) and its view is built after, off the
/// reading thread; over the memory budget no view is built at all, and reads still answer.
#[tokio::test]
async fn views_are_built_after_the_first_read_and_only_within_the_memory_budget() {
    let (_dir, store) = open_store();
    for i in 0..50u64 {
        store
            .insert_action_at("sk", "c", &action(1_000 + i * 10, "u"))
            .await
            .unwrap();
        store
            .insert_action_at("sk", "d", &action(1_000 + i * 10, "u"))
            .await
            .unwrap();
    }
    let first = store.actions_page(&newest_page("c")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !has_view(&store, "c") {
        assert!(
            std::time::Instant::now() < deadline,
            "the view was never built"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    store.caches().answers.clear();
    assert_eq!(
        store.actions_page(&newest_page("c")).unwrap(),
        first,
        "the view answers the same"
    );

    store.set_memory_budget(1);
    let from_sqlite = store.actions_page(&newest_page("d")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!has_view(&store, "d"), "no view over the budget");
    store.caches().answers.clear();
    assert_eq!(store.actions_page(&newest_page("d")).unwrap(), from_sqlite);
    assert!(!has_view(&store, "d"), "and none asked for again");
}
