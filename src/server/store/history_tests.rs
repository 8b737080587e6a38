//! Tests of history paging: the action cap, and pages from a channel's view against the same
//! pages from SQLite.

use super::*;

#[test]
fn pages_keep_whole_messages_within_the_action_cap() {
    assert_eq!(whole_messages_within(&[2, 0, 1], 5), 3, "everything fits");
    assert_eq!(
        whole_messages_within(&[2, 2, 2], 5),
        2,
        "the third would make 6"
    );
    assert_eq!(
        whole_messages_within(&[2, 3, 1], 5),
        2,
        "exactly the cap fits"
    );
    assert_eq!(
        whole_messages_within(&[9, 1], 5),
        1,
        "the newest comes whole even over the cap"
    );
    assert_eq!(whole_messages_within(&[], 5), 0);
}

mod from_views {
    use super::super::*;
    use crate::pubnub::{StoredAction, Timetoken};
    use crate::server::store::testing::{open_store, remove_op};
    use crate::server::store::write_ops::{NewMessage, WriteDone, WriteOp};
    use crate::server::views::Rng;

    fn fetch(rng: &mut Rng, tts: &[u64]) -> HistoryQuery {
        let pick = |rng: &mut Rng| match rng.below(3) {
            0 => None,
            1 => Some(1 + rng.below(5_000)),
            _ => tts.get(rng.below(tts.len() as u64 + 1) as usize).copied(),
        };
        HistoryQuery {
            sub_key: "sk".into(),
            channels: vec!["c".into()],
            range: Range {
                start: pick(rng),
                end: pick(rng),
            },
            max: 1 + rng.below(25) as u32,
            include: Include {
                meta: rng.below(2) == 0,
                uuid: rng.below(2) == 0,
                message_type: rng.below(2) == 0,
                custom_message_type: rng.below(2) == 0,
            },
            with_actions: true,
        }
    }

    fn action(message_tt: u64, action_tt: u64, rng: &mut Rng) -> StoredAction {
        StoredAction {
            action_timetoken: Timetoken(action_tt),
            message_timetoken: Timetoken(message_tt),
            action_type: ["reaction", "receipt", "\"q\""][rng.below(3) as usize].into(),
            uuid: format!("u{}", rng.below(4)),
            value: ["👍", "a", "b"][rng.below(3) as usize].into(),
        }
    }

    /// Compares the view's pages with SQLite's on `count` random fetches.
    fn compare(store: &Store, rng: &mut Rng, tts: &[u64], count: usize) {
        let view = store
            .view(&store.caches().history, "sk", "c")
            .unwrap()
            .expect("a view");
        for _ in 0..count {
            let f = fetch(rng, tts);
            let from_view = page_from_view(&view.read().unwrap(), &f, "c");
            let from_sql = store.read(|conn| page_with_actions(conn, &f)).unwrap();
            let answered = store.history_page(&f).unwrap();
            assert_eq!(answered, from_sql, "through the read policy");
            assert_eq!(
                String::from_utf8_lossy(&from_view),
                String::from_utf8_lossy(&from_sql),
                "{:?} max {} {:?}",
                f.range,
                f.max,
                f.include
            );
        }
    }

    #[tokio::test]
    async fn views_answer_as_sqlite_does() {
        let (_dir, store) = open_store();
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut tts = Vec::new();
        let mut actions: Vec<StoredAction> = Vec::new();
        for round in 0..5 {
            for i in 0..40u64 {
                let tt = 1 + rng.below(5_000);
                let meta = (rng.below(2) == 0).then(|| serde_json::json!({"i": i}));
                let text = serde_json::json!(format!("m{round}.{i}"));
                if store
                    .insert_message_at("sk", "c", Timetoken(tt), "pub", text, meta)
                    .await
                    .is_ok()
                {
                    tts.push(tt);
                }
                let a = action(1 + rng.below(5_000), 10_000 + rng.below(1 << 40), &mut rng);
                if store.insert_action_at("sk", "c", &a).await.is_ok() {
                    actions.push(a);
                }
                if rng.below(4) == 0 && !actions.is_empty() {
                    let r = actions.swap_remove(rng.below(actions.len() as u64) as usize);
                    store.write(remove_op(&r)).await.unwrap();
                }
            }
            let published = store
                .write(WriteOp::Publish(NewMessage {
                    sub_key: "sk".into(),
                    channel: "c".into(),
                    publisher: "p\"q".into(),
                    payload: "[1,2]".into(),
                    meta: Some("{}".into()),
                    custom_message_type: (round % 2 == 0).then(|| "cmt".into()),
                    seqn: None,
                    store: true,
                }))
                .await
                .unwrap();
            if let WriteDone::Published(tt) = published {
                tts.push(tt.get());
            }
            compare(&store, &mut rng, &tts, 60);
        }
        store.close().await;
    }

    #[tokio::test]
    async fn views_keep_whole_messages_within_the_action_cap() {
        let (_dir, store) = open_store();
        let mut rng = Rng(7);
        for tt in [100, 200, 300] {
            store
                .insert_message_at("sk", "c", Timetoken(tt), "p", serde_json::json!(tt), None)
                .await
                .unwrap();
        }
        store
            .view(&store.caches().history, "sk", "c")
            .unwrap()
            .expect("a view");
        let adds = (0..12_000u64).map(|i| {
            let mut a = action(100 * (1 + i % 3), 1_000 + i, &mut rng);
            a.uuid = format!("u{i}");
            let store = store.clone();
            async move { store.insert_action_at("sk", "c", &a).await }
        });
        for added in futures::future::join_all(adds.collect::<Vec<_>>()).await {
            added.unwrap();
        }
        compare(&store, &mut rng, &[100, 200, 300], 20);
        let mut f = fetch(&mut rng, &[]);
        f.range = Range::default();
        let view = store
            .view(&store.caches().history, "sk", "c")
            .unwrap()
            .expect("a view");
        let page: serde_json::Value =
            serde_json::from_slice(&page_from_view(&view.read().unwrap(), &f, "c")).unwrap();
        assert_eq!(page["channels"]["c"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            page["more"]["start"], "200",
            "the oldest message waits for the next page"
        );
        store.close().await;
    }
}
