//! Access Manager tokens through the Rust client: the keyset's server (the client with the
//! secret key) grants and revokes; a user's client holding a token is served for what it
//! allows, refused for the rest, and learns why (expired, revoked) from the error.

use reactions::pubnub::{Client, Error, Permissions, parse_token};
use reactions::server::AccessClock;
use serde_json::{Map, json};

use crate::common::TestServer;
use crate::support::{PUB, SECRET, config, react, say, signing_client};

const ROOM: &str = "chats.room1";

async fn server(clock: &AccessClock) -> TestServer {
    TestServer::start_managed(SECRET, PUB, clock).await
}

fn holding(s: &TestServer, user: &str, token: &str) -> Client {
    Client::new(config(&s.origin, user).with_token(token)).expect("valid configuration")
}

#[tokio::test]
async fn the_server_grants_a_user_acts_within_it_and_revoking_ends_it() {
    let clock = AccessClock::default();
    let s = server(&clock).await;
    let admin = signing_client(&s, "admin", SECRET);
    let mut meta = Map::new();
    meta.insert("role".into(), json!("user"));
    let token = admin
        .grant_token(60)
        .channel(ROOM, Permissions::READ | Permissions::WRITE)
        .channel_pattern("^public\\.", Permissions::READ)
        .authorized_uuid("alice")
        .meta(meta)
        .execute()
        .await
        .expect("grant");
    let parsed = parse_token(&token).expect("parses");
    assert_eq!(parsed.authorized_uuid.as_deref(), Some("alice"));
    assert_eq!(parsed.ttl, 60);

    let alice = holding(&s, "alice", &token);
    let mt = say(&alice, ROOM, "hello").await;
    react(&alice, ROOM, mt, "👍").await;
    let e = alice
        .publish()
        .channel("elsewhere")
        .message(json!("x"))
        .execute()
        .await
        .expect_err("no write there");
    assert!(
        matches!(e, Error::AccessDenied { status: 403, .. }),
        "{e:?}"
    );
    assert!(!e.is_token_expired() && !e.is_token_revoked());

    // The same token under another uuid is refused.
    let mallory = holding(&s, "mallory", &token);
    assert!(matches!(
        say_err(&mallory).await,
        Error::AccessDenied { .. }
    ));

    // A token set on the running client replaces the one it was built with.
    let later = admin
        .grant_token(1)
        .channel(ROOM, Permissions::WRITE)
        .execute()
        .await
        .expect("grant");
    let anyone = holding(&s, "anyone", &later);
    say(&anyone, ROOM, "short-lived").await;
    clock.advance(61);
    assert!(say_err(&anyone).await.is_token_expired());
    anyone.set_token(Some(&token));
    assert!(
        matches!(say_err(&anyone).await, Error::AccessDenied { .. }),
        "bound to alice"
    );

    admin.revoke_token(&token).execute().await.expect("revoke");
    assert!(say_err(&alice).await.is_token_revoked());

    // Only the keyset's server grants and revokes.
    let e = alice
        .grant_token(60)
        .channel(ROOM, Permissions::DELETE)
        .execute()
        .await
        .expect_err("no secret");
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    let e = admin
        .grant_token(43_201)
        .channel(ROOM, Permissions::READ)
        .execute()
        .await
        .expect_err("bad ttl");
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    s.stop().await;
}

async fn say_err(c: &Client) -> Error {
    c.publish()
        .channel(ROOM)
        .message(json!("x"))
        .execute()
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn the_servers_refusals_of_a_grant_reach_the_caller_with_their_details() {
    let s = server(&AccessClock::default()).await;
    let admin = signing_client(&s, "admin", SECRET);
    let e = admin
        .grant_token(60)
        .channel_pattern("(capturing)", Permissions::READ)
        .execute()
        .await
        .expect_err("refused");
    let shown = e.to_string();
    assert!(
        shown.contains("Invalid RegExp") && shown.contains("non-capturing"),
        "{shown}"
    );
    s.stop().await;
}
