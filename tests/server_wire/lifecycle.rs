//! Durability across restarts, and the seeding API used by the embedded mode.

use reactions::pubnub::{StoredAction, Timetoken};
use reactions::server::{self, ServerError, StoreError};
use serde_json::json;

use crate::common::{TestServer, options, tt};

#[tokio::test]
async fn data_survives_a_restart_and_new_timetokens_are_larger() {
    let s = TestServer::start().await;
    let mt = s.publish("sk", "room", "\"kept\"", "").await;
    let at = tt(&s
        .add_action("sk", "room", mt, "reaction", "👍", "alice")
        .await["actionTimetoken"]);
    let db = s.db_path();
    let dir = s.stop().await;

    let s = TestServer::start_in(dir, options(db)).await;
    let v = s
        .get("/v3/history-with-actions/sub-key/sk/channel/room")
        .await
        .json();
    assert_eq!(
        v["channels"]["room"],
        json!([{"message":"kept","timetoken":mt.to_string(),
                "actions":{"reaction":{"👍":[{"uuid":"alice","actionTimetoken":at.to_string()}]}}}])
    );
    let later = s.publish("sk", "room", "\"new\"", "").await;
    assert!(later > at && later > mt);
    s.stop().await;
}

#[tokio::test]
async fn seeding_back_dated_data_keeps_the_clock_ahead_and_refuses_duplicates() {
    let s = TestServer::start().await;
    let store = s.running().store().clone();
    assert!(store.is_empty_channel("sk", "demo").await.expect("read"));
    let past = Timetoken(15_000_000_000_000_000);
    store
        .insert_message_at(
            "sk",
            "demo",
            past,
            "carol",
            json!("from the past"),
            Some(json!({"seed": true})),
        )
        .await
        .expect("seeded");
    assert!(!store.is_empty_channel("sk", "demo").await.expect("read"));
    assert!(
        store.is_empty_channel("other", "demo").await.expect("read"),
        "keysets are namespaces"
    );
    let dup = store
        .insert_message_at("sk", "demo", past, "dave", json!("again"), None)
        .await;
    assert_eq!(dup, Err(StoreError::Conflict));

    let future = Timetoken(Timetoken::now().get() + 3_600 * 10_000_000);
    let action = StoredAction {
        action_timetoken: future,
        message_timetoken: past,
        action_type: "reaction".into(),
        uuid: "carol".into(),
        value: "🎉".into(),
    };
    store
        .insert_action_at("sk", "demo", &action)
        .await
        .expect("seeded");
    assert_eq!(
        store.insert_action_at("sk", "demo", &action).await,
        Err(StoreError::Conflict)
    );
    let bad = store.insert_action_at("sk", "bad name", &action).await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))));

    let v = s
        .get("/v3/history-with-actions/sub-key/sk/channel/demo?include_meta=true&include_uuid=true")
        .await
        .json();
    assert_eq!(
        v["channels"]["demo"],
        json!([{"message":"from the past","timetoken":past.get().to_string(),"meta":{"seed":true},"uuid":"carol",
                "actions":{"reaction":{"🎉":[{"uuid":"carol","actionTimetoken":future.get().to_string()}]}}}])
    );
    let next = s.publish("sk", "demo", "\"now\"", "").await;
    assert!(
        next > future.get(),
        "the clock stays ahead of stored timetokens"
    );
    s.stop().await;
}

#[tokio::test]
async fn start_errors_name_what_failed() {
    let s = TestServer::start().await;
    let taken = s.running().addr();
    let dir = tempfile::tempdir().expect("dir");
    let mut opts = options(dir.path().join("x.sqlite3"));
    opts.listen = taken;
    let err = server::start(opts).await.err().expect("port is taken");
    assert!(matches!(err, ServerError::Bind { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot bind {taken}: ")),
        "{err}"
    );

    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let err = server::start(options(file.join("db.sqlite3")))
        .await
        .err()
        .expect("cannot create");
    assert!(
        err.to_string().starts_with("cannot open database "),
        "{err}"
    );
    assert!(!err.to_string().contains('\n'));

    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, vec![b'z'; 4096]).expect("write");
    let err = server::start(options(garbage))
        .await
        .err()
        .expect("not a database");
    assert!(matches!(err, ServerError::OpenDatabase { .. }), "{err}");
    s.stop().await;
}

#[test]
fn the_default_database_lives_in_the_data_directory() {
    if let Some(p) = server::default_db_path() {
        assert_eq!(
            p.file_name().and_then(|n| n.to_str()),
            Some("reactions.sqlite3")
        );
        assert!(p.to_string_lossy().to_lowercase().contains("reactions"));
    }
}
