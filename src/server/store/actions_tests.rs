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
