//! Access Manager on the endpoints the Chat SDK adds: signals, message counts, history delete,
//! here-now and heartbeats, App Context users, channels, memberships and members. Each is let
//! through with a token granting exactly what the service's permission model asks for, and
//! refused with its family's 403 by a token that grants everything else on the same resources.
//! Where a request names no resource, what it asks for instead: where-now nothing, a page of
//! every user or channel any valid token, here-now of the whole keyset the secret. A user's
//! token never changes another user's App Context; and the input limits hold here too.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::access::{as_user, forbidden, server_with_clock, token, urlencode};
use crate::common::{Answer, TestServer};
use crate::signing::{PUB, now, signed};
use reactions::pubnub::token::Permissions;
use reactions::server::AccessClock;

const ROOM: &str = "chats.room1";
const READ: u8 = 1;
const UPDATE: u8 = 64;
const GET: u8 = 32;
const DELETE: u8 = 8;
const WRITE: u8 = 2;
const JOIN: u8 = 128;

/// Each request of the Chat SDK's endpoints, in an order where each finds what it reads, and
/// what it needs: `METHOD path [body] => kind:name:permission ...` (`PUB` is the publish key).
const CASES: &str = r#"
GET /signal/PUB/sk/0/chats.room1/0/%22typing%22 => channels:chats.room1:write
GET /v3/history/sub-key/sk/message-counts/chats.room1?timetoken=1 => channels:chats.room1:read
DELETE /v3/history/sub-key/sk/channel/chats.room1 => channels:chats.room1:delete
GET /v2/presence/sub-key/sk/channel/chats.room1/heartbeat => channels:chats.room1:read
GET /v2/presence/sub-key/sk/channel/chats.room1 => channels:chats.room1:read
PATCH /v2/objects/sk/uuids/alice {"name":"Alice"} => uuids:alice:update
GET /v2/objects/sk/uuids/alice => uuids:alice:get
PATCH /v2/objects/sk/channels/chats.room1 {"name":"Room"} => channels:chats.room1:update
GET /v2/objects/sk/channels/chats.room1 => channels:chats.room1:get
PATCH /v2/objects/sk/uuids/alice/channels {"set":[{"channel":{"id":"chats.room1"}}]} => uuids:alice:update channels:chats.room1:join
PATCH /v2/objects/sk/uuids/alice/channels {"delete":[{"channel":{"id":"chats.room1"}}]} => uuids:alice:update channels:chats.room1:join
GET /v2/objects/sk/uuids/alice/channels => uuids:alice:get
PATCH /v2/objects/sk/channels/chats.room1/uuids {"set":[{"uuid":{"id":"bob"}}]} => channels:chats.room1:manage
GET /v2/objects/sk/channels/chats.room1/uuids => channels:chats.room1:get
DELETE /v2/objects/sk/channels/chats.room1 => channels:chats.room1:delete
DELETE /v2/objects/sk/uuids/alice => uuids:alice:delete
"#;

/// App Context's 403 (pubnub/swift's canned `objects_error_403.json`).
fn objects_forbidden() -> Value {
    json!({"status":403,"error":{"message":"Supplied authorization key does not have the permissions required to perform this operation.","source":"objects"}})
}

/// One resource a request needs a permission on: `(kind, name, bits)`.
type Need = (String, String, u8);

/// A request of the Chat SDK and what Access Manager asks of it.
struct Case {
    method: Method,
    /// Path, with its own query when it has one.
    path: String,
    body: Option<String>,
    needs: Vec<Need>,
}

impl Case {
    /// One line of [`CASES`].
    fn parse(line: &str) -> Case {
        let (request, needs) = line.split_once(" => ").expect("a case line");
        let mut parts = request.splitn(3, ' ');
        let method = parts.next().and_then(|m| m.parse().ok()).expect("a method");
        let path = parts.next().expect("a path").replace("PUB", PUB);
        let needs = needs
            .split(' ')
            .map(|need| {
                let mut n = need.split(':');
                let (kind, name) = (n.next().expect("kind"), n.next().expect("name"));
                let permission = n.next().and_then(Permissions::named).expect("permission");
                (kind.to_string(), name.to_string(), permission.bits())
            })
            .collect();
        Case {
            method,
            path,
            body: parts.next().map(str::to_string),
            needs,
        }
    }

    /// The answer when refused: App Context's 403, or Access Manager's naming the room.
    fn refused(&self) -> Value {
        match self.path.starts_with("/v2/objects/") {
            true => objects_forbidden(),
            false => forbidden(&[ROOM]),
        }
    }

    /// What alice is granted: each need's bits, except `flip`'s, which gets every other
    /// permission.
    fn grants(&self, flip: Option<usize>) -> Value {
        let mut resources = json!({"channels": {}, "uuids": {}});
        for (i, (kind, name, bits)) in self.needs.iter().enumerate() {
            let bits = match flip == Some(i) {
                true => !bits,
                false => *bits,
            };
            resources[kind][name] = json!(bits);
        }
        resources
    }

    async fn send(&self, s: &TestServer, query: &str) -> Answer {
        let joiner = if self.path.contains('?') { '&' } else { '?' };
        let path = format!("{}{joiner}{query}", self.path);
        let body = self.body.as_ref().map(|b| b.as_bytes().to_vec());
        let json = [("content-type", "application/json")];
        s.send(self.method.clone(), &path, body, &json).await
    }
}

/// A token for alice, bound to her, granting `resources`.
async fn alices(s: &TestServer, resources: Value) -> String {
    token(s, 60, json!({"resources": resources, "uuid": "alice"})).await
}

/// `GET path` as the keyset's server (signed with the secret).
async fn admin_get(s: &TestServer, path: &str) -> Answer {
    s.get(&signed(
        "GET",
        path,
        &[("uuid", "admin")],
        b"",
        now(),
        false,
    ))
    .await
}

#[tokio::test]
async fn each_chat_sdk_endpoint_needs_exactly_the_permission_of_the_services_model() {
    let s = server_with_clock(&AccessClock::default()).await;
    for c in CASES.lines().filter(|l| !l.is_empty()).map(Case::parse) {
        let what = format!("{} {}", c.method, c.path);
        // Without one needed permission (everything else granted on that resource): refused.
        for flip in 0..c.needs.len() {
            let t = alices(&s, c.grants(Some(flip))).await;
            let a = c.send(&s, &as_user(&t, "alice")).await;
            let without = &c.needs[flip];
            let refused = (StatusCode::FORBIDDEN, c.refused());
            assert_eq!((a.status, a.json()), refused, "{what} without {without:?}");
        }
        // Without a token: refused alike.
        let a = c.send(&s, "uuid=alice").await;
        let refused = (StatusCode::FORBIDDEN, c.refused());
        assert_eq!((a.status, a.json()), refused, "{what} without a token");
        // With exactly what is needed: through.
        let t = alices(&s, c.grants(None)).await;
        let a = c.send(&s, &as_user(&t, "alice")).await;
        assert_eq!(a.status, StatusCode::OK, "{what}: {}", a.text);
    }
    // The refused writes changed nothing: bob is the room's one member, added once allowed,
    // and alice's metadata is gone only after its allowed removal.
    let members = admin_get(&s, "/v2/objects/sk/channels/chats.room1/uuids").await;
    assert_eq!(members.json()["data"].as_array().map(Vec::len), Some(1));
    let a = admin_get(&s, "/v2/objects/sk/uuids/alice").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text);
    s.stop().await;
}

#[tokio::test]
async fn requests_that_name_no_resource_ask_for_what_the_service_does() {
    let s = server_with_clock(&AccessClock::default()).await;
    let elsewhere = alices(&s, json!({"channels": {"elsewhere": READ}})).await;
    let q = as_user(&elsewhere, "alice");
    assert_eq!(
        s.get(&format!(
            "/v2/presence/sub-key/sk/channel/{ROOM}/heartbeat?{q}"
        ))
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Where-now needs nothing ("None required"), as a leave.
    let a = s.get("/v2/presence/sub-key/sk/uuid/alice").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    // A page of every user or channel: no per-resource permission, but a valid token.
    for list in ["/v2/objects/sk/uuids", "/v2/objects/sk/channels"] {
        let a = s.get(&format!("{list}?{q}")).await;
        assert_eq!(a.status, StatusCode::OK, "{list}: {}", a.text);
        for bad in ["uuid=alice".to_string(), as_user("garbage", "alice")] {
            let a = s.get(&format!("{list}?{bad}")).await;
            assert_eq!(
                (a.status, a.json()),
                (StatusCode::FORBIDDEN, objects_forbidden()),
                "{list}?{bad}"
            );
        }
        // The token is still bound to its user.
        let a = s
            .get(&format!("{list}?{}", as_user(&elsewhere, "bob")))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{list} as bob");
    }

    // Here-now of the whole keyset: every channel's occupants, so only the keyset's server.
    let a = s.get(&format!("/v2/presence/sub-key/sk?{q}")).await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, forbidden(&[])),
        "a token"
    );
    let a = admin_get(&s, "/v2/presence/sub-key/sk").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    s.stop().await;
    let open = TestServer::start().await;
    let a = open.get("/v2/presence/sub-key/sk?uuid=alice").await;
    assert_eq!(a.status, StatusCode::OK, "an open server: {}", a.text);
    open.stop().await;
}

/// Alice's user token: her own user, the room's channel object and joining the room.
#[tokio::test]
async fn a_user_token_never_changes_another_users_app_context() {
    let s = server_with_clock(&AccessClock::default()).await;
    let users = "/v2/objects/sk/uuids";
    let bobs = r#"{"name":"Bob"}"#;
    let url = signed(
        "PATCH",
        &format!("{users}/bob"),
        &[("uuid", "admin")],
        bobs.as_bytes(),
        now(),
        false,
    );
    assert_eq!(s.patch(&url, bobs).await.status, StatusCode::OK);
    let own = json!({"uuids": {"alice": GET | UPDATE | DELETE},
                     "channels": {ROOM: READ | WRITE | GET | JOIN}});
    let alice = alices(&s, own).await;
    let join = r#"{"set":[{"channel":{"id":"chats.room1"}}]}"#;
    // As herself on bob's user, and sending bob's uuid: refused, whatever the write.
    let writes = r#"
PATCH /v2/objects/sk/uuids/bob {"name":"Mallory"} => uuids:bob:update
DELETE /v2/objects/sk/uuids/bob => uuids:bob:delete
PATCH /v2/objects/sk/uuids/bob/channels {"set":[{"channel":{"id":"chats.room1"}}]} => uuids:bob:update
"#;
    for who in ["alice", "bob"] {
        for c in writes.lines().filter(|l| !l.is_empty()).map(Case::parse) {
            let a = c.send(&s, &as_user(&alice, who)).await;
            let refused = (StatusCode::FORBIDDEN, c.refused());
            assert_eq!(
                (a.status, a.json()),
                refused,
                "as {who}: {} {}",
                c.method,
                c.path
            );
        }
    }
    // Her own: allowed.
    let q = as_user(&alice, "alice");
    let a = s
        .patch(&format!("{users}/alice?{q}"), r#"{"name":"Alice"}"#)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = s.patch(&format!("{users}/alice/channels?{q}"), join).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // Bob is as the keyset's server left him, and in no channel.
    let bob = admin_get(&s, &format!("{users}/bob")).await.json();
    assert_eq!(bob["data"]["name"], "Bob", "{bob}");
    let memberships = admin_get(&s, &format!("{users}/bob/channels")).await.json();
    assert_eq!(memberships["data"], json!([]), "{memberships}");
    s.stop().await;
}

#[tokio::test]
async fn input_limits_hold_on_the_chat_sdk_endpoints() {
    let s = TestServer::start().await;
    let long = "a".repeat(93);
    // The request's uuid: at most 92 characters, and UTF-8, each in its family's 400.
    let too_long = "Invalid uuid: longer than 92 characters";
    let refusals = [
        (
            format!("/v2/objects/sk/uuids/bob?uuid={long}"),
            json!({"status":400,"error":{"message":too_long,"source":"objects",
                   "details":[{"message":too_long,"location":"uuid","locationType":"query"}]}}),
        ),
        (
            format!("/v2/presence/sub-key/sk/channel/{ROOM}?uuid=%FF"),
            json!({"message":"Invalid uuid: not UTF-8","error":true,"service":"Presence","status":400}),
        ),
    ];
    for (path, body) in refusals {
        let a = s.get(&path).await;
        assert_eq!(
            (a.status, a.json()),
            (StatusCode::BAD_REQUEST, body),
            "{path}"
        );
    }
    let a = s
        .get("/v2/objects/sk/channels?filter=name%20%3D%3D%20%27%FF%27")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    // A uuid in the path (where-now, a user) or in a members body: as long at most.
    let a = s.get(&format!("/v2/presence/sub-key/sk/uuid/{long}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    let ok = "é".repeat(92);
    let a = s
        .get(&format!("/v2/presence/sub-key/sk/uuid/{}", urlencode(&ok)))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = s.get("/v2/presence/sub-key/sk/uuid/%FF").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    let body = format!(r#"{{"set":[{{"uuid":{{"id":"{long}"}}}}]}}"#);
    let a = s
        .patch(&format!("/v2/objects/sk/channels/{ROOM}/uuids"), &body)
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert_eq!(
        a.json()["error"]["details"][0]["location"],
        "set[0].uuid.id"
    );
    s.stop().await;
}

/// With Access Manager on, what a memberships PATCH touches is read from its body before the
/// token is checked: a body that cannot be read is a 400, never a panic or a pass.
#[tokio::test]
async fn a_memberships_body_is_read_before_the_token_is_checked() {
    let s = server_with_clock(&AccessClock::default()).await;
    let alice = alices(&s, json!({"uuids": {"alice": UPDATE}})).await;
    let path = format!(
        "/v2/objects/sk/uuids/alice/channels?{}",
        as_user(&alice, "alice")
    );
    for body in [
        "{nope",
        "[]",
        r#"{"set":{}}"#,
        r#"{"set":[{"channel":{}}]}"#,
        "",
    ] {
        let a = s.patch(&path, body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}: {}", a.text);
        assert_eq!(a.json()["error"]["source"], "objects", "{body}");
    }
    // Nothing to join: update on the user is enough.
    let a = s.patch(&path, r#"{"set":[]}"#).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // A compressed body is read as the endpoint reads it.
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(br#"{"set":[{"channel":{"id":"chats.room1"}}]}"#)
            .expect("gzip");
        e.finish().expect("gzip")
    };
    let a = s
        .send(
            Method::PATCH,
            &path,
            Some(gz),
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await;
    assert_eq!(
        (a.status, a.json()),
        (StatusCode::FORBIDDEN, objects_forbidden()),
        "join on the room is missing"
    );
    s.stop().await;
}
