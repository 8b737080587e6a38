//! PubNub's official Chat SDK (`@pubnub/chat` 1.0.2 from npm, see `node_env`) against the
//! embedded server, checked as a user of the SDK would notice: what `Chat.init`, users, channels,
//! conversations, memberships, messages, reactions, edits, deletes, threads, reports, read
//! receipts, unread counts, typing, presence and moderation restrictions give back.
//!
//! The scenario (`tests/js/chat_scenario.mjs`) runs once per server and prints one JSON line per
//! step; each test below reads the steps of its area from that cached report, so a failure names
//! the area. Two servers: an open one for the chat flow, and one with a secret key (Access
//! Manager on) where the SDK acts as the keyset's server (signing every request), sets
//! restrictions and grants a user a token that user's SDK then runs with.
//!
//! Where an expected value is the service's (not the SDK's), the comment says where it comes
//! from: "kmp" is the Chat SDK's source (github.com/pubnub/kmp-chat at c52188d3, the commit that
//! released JS 1.0.2), "js-chat tests" its JS integration tests run against the real service.

mod common;
mod node_env;

#[cfg(feature = "app")]
#[path = "chat_sdk/browser.rs"]
mod browser;

use std::process::{Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use common::{TestServer, tt};

const SUB: &str = "sub-c-chat";
const PUB: &str = "pub-c-chat";
const SECRET: &str = "sec-c-chat";
const ROOM: &str = "chats.room1";
const GROUP: &str = "chats.group1";
/// The whole scenario; it normally takes a few seconds.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(90);

/// One scenario run: its steps, and the time window it ran in (timetokens, 100 ns units).
struct Run {
    steps: Vec<Value>,
    started_tt: u64,
    ended_tt: u64,
}

fn now_tt() -> u64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    d.as_secs() * 10_000_000 + u64::from(d.subsec_nanos()) / 100
}

impl Run {
    /// The step's line (panics naming the steps there are).
    fn step(&self, name: &str) -> &Value {
        self.steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| {
                let names: Vec<&str> = self
                    .steps
                    .iter()
                    .filter_map(|s| s["step"].as_str())
                    .collect();
                panic!("the scenario has no step {name}; it has {names:?}")
            })
    }

    /// The step's line when the SDK call succeeded; otherwise panics with the SDK's error and the
    /// requests the server refused during the step (following "blocked: needs step X" to X).
    fn ok(&self, name: &str) -> &Value {
        let s = self.step(name);
        if s["ok"] == true {
            return s;
        }
        let mut why = String::new();
        let mut cur = (name.to_string(), s);
        for _ in 0..6 {
            let (n, s) = &cur;
            let failed: String = s["failedRequests"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|r| format!("\n    {r}"))
                        .collect()
                })
                .unwrap_or_default();
            why += &format!(
                "\nstep {n} failed: {}\n  status: {}\n  requests the server refused:{}",
                s["error"],
                s["status"],
                if failed.is_empty() { " none" } else { &failed }
            );
            let blocker = s["error"]
                .as_str()
                .and_then(|e| e.strip_prefix("blocked: needs step "));
            match blocker {
                Some(b) => cur = (b.to_string(), self.step(b)),
                None => break,
            }
        }
        panic!("{}", why.trim_start());
    }

    /// A timetoken the SDK reported, checked to be a string from within this run.
    fn tt(&self, v: &Value) -> u64 {
        let t = tt(v);
        assert!(
            (self.started_tt..=self.ended_tt).contains(&t),
            "timetoken {t} is not from this run ({}..{})",
            self.started_tt,
            self.ended_tt
        );
        t
    }

    /// App Context's `updated`: ISO 8601 UTC with microseconds, as the service writes it
    /// ("2025-06-22T17:42:12.919343Z" in pubnub/dart's App Context test fixtures; REST docs
    /// `get-user-metadata`), from within this run. The service drops the fraction's trailing
    /// zeros: it recorded "2024-03-07T08:49:04.17135Z" and "2024-03-07T08:46:53.26682Z"
    /// (pubnub/python `tests/integrational/fixtures/native_sync/objects_v2/channel_members/
    /// get_channel_members_with_pagination.json`, `memberships/get_memberships.json`), so one
    /// to six digits, or none for a whole second.
    fn updated(&self, v: &Value) -> u64 {
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("updated is not a string: {v}"));
        let fraction = s
            .get(19..s.len().saturating_sub(1))
            .and_then(|f| f.strip_prefix('.'))
            .unwrap_or("0");
        let shape = (20..=27).contains(&s.len())
            && s.as_bytes()[10] == b'T'
            && s.ends_with('Z')
            && (s.len() == 20 || s.as_bytes()[19] == b'.')
            && (1..=6).contains(&fraction.len())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !(fraction.len() > 1 && fraction.ends_with('0'));
        assert!(
            shape,
            "updated {s:?} is not like 2025-06-22T17:42:12.919343Z or 2024-03-07T08:49:04.17135Z"
        );
        let t = chrono::DateTime::parse_from_rfc3339(s)
            .unwrap_or_else(|e| panic!("updated {s:?}: {e}"));
        let as_tt = u64::try_from(t.timestamp_micros()).expect("after 1970") * 10;
        // The server's clock is this machine's; allow for the microsecond truncation.
        assert!(
            (self.started_tt - 10..=self.ended_tt).contains(&as_tt),
            "updated {s} is not from this run"
        );
        as_tt
    }
}

/// `v` without the given keys (for comparing objects whose other fields are checked apart).
fn without(v: &Value, keys: &[&str]) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        for k in keys {
            o.remove(*k);
        }
    }
    v
}

fn wait_with_timeout(mut child: std::process::Child) -> Result<Output, String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > SCENARIO_TIMEOUT => {
                let _ = child.kill();
                let out = child.wait_with_output().map_err(|e| e.to_string())?;
                return Err(format!(
                    "the Chat SDK scenario did not finish within {SCENARIO_TIMEOUT:?}\n--- stdout\n{}\n--- stderr\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("scenario status: {e}")),
        }
    }
    child.wait_with_output().map_err(|e| e.to_string())
}

/// Starts a server, runs the scenario against it with node, stops the server.
fn run_scenario(secret: Option<&'static str>) -> Result<Run, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let server = rt.block_on(TestServer::start_with(|o| {
        o.long_poll = Duration::from_secs(5);
        if let Some(secret) = secret {
            o.secret_key = Some(secret.into());
            o.publish_key = Some(PUB.into());
        }
    }));
    let started_tt = now_tt();
    let steps = run_node(&server.origin, secret, &[]);
    let ended_tt = now_tt();
    rt.block_on(server.stop());
    let steps = steps?;
    eprintln!(
        "Chat SDK scenario ({}): {} steps, {} failed",
        if secret.is_some() { "signed" } else { "open" },
        steps.len() - 1,
        steps.iter().filter(|s| s["ok"] == false).count()
    );
    Ok(Run {
        steps,
        started_tt,
        ended_tt,
    })
}

/// Runs `chat_scenario.mjs` with node against the server at `origin` (with `env` set); its report
/// lines, ending with `done`.
fn run_node(
    origin: &str,
    secret: Option<&str>,
    env: &[(&str, &str)],
) -> Result<Vec<Value>, String> {
    let host = origin.trim_start_matches("http://").to_string();
    let mut cmd = node_env::node_command("chat_scenario.mjs");
    cmd.args([host.as_str(), SUB, PUB]);
    if let Some(s) = secret {
        cmd.arg(s);
    }
    cmd.envs(env.iter().copied());
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start node: {e}"))?;
    let out = wait_with_timeout(child)?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let whole = || format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    if !out.status.success() {
        return Err(format!(
            "the Chat SDK scenario failed ({})\n{}",
            out.status,
            whole()
        ));
    }
    let mut steps = Vec::new();
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("not a report line ({e}): {line}\n{}", whole()))?;
        steps.push(v);
    }
    if let Some(c) = steps.iter().find(|s| s["step"] == "crashed") {
        return Err(format!("the Chat SDK scenario crashed: {c}\n{}", whole()));
    }
    if steps.last().map(|s| &s["step"]) != Some(&json!("done")) {
        return Err(format!("the Chat SDK scenario stopped early\n{}", whole()));
    }
    Ok(steps)
}

/// The chat flow against an open server, run once for all tests.
fn open_run() -> &'static Run {
    static RUN: OnceLock<Result<Run, String>> = OnceLock::new();
    match RUN.get_or_init(|| run_scenario(None)) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// The keyset's server (secret key) against a server that requires signatures, run once.
fn signed_run() -> &'static Run {
    static RUN: OnceLock<Result<Run, String>> = OnceLock::new();
    match RUN.get_or_init(|| run_scenario(Some(SECRET))) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------

/// A user nobody gave anything but an id and name: what App Context gives back for unset fields
/// (the SDK turns the service's `null`s and missing keys alike into `null` here).
fn bare_user(id: &str) -> Value {
    json!({
        "id": id, "name": id, "externalId": null, "profileUrl": null, "email": null,
        "custom": null, "status": null, "type": null,
    })
}

#[test]
fn chat_init_creates_the_current_user() {
    // Chat.init reads the current user and, when there is none, creates it with its id as its
    // name (kmp ChatImpl: `currentUser = UserImpl(id, name = id)`, `initialize()` ->
    // `createUser(currentUser)`; the request body is {"name":"alice"}).
    for (run, users) in [
        (open_run(), ["alice", "bob"]),
        (signed_run(), ["admin", "bob"]),
    ] {
        for id in users {
            let u = &run.ok(&format!("init.{id}"))["currentUser"];
            assert_eq!(without(u, &["updated"]), bare_user(id), "{id}");
            run.updated(&u["updated"]);
        }
        let bootstrap = run.steps.iter().find(|s| s["step"] == "bootstrap");
        assert!(
            bootstrap.is_none(),
            "the scenario needed the App Context stand-in: {bootstrap:?}"
        );
    }
}

#[test]
fn users() {
    let run = open_run();
    let carol = json!({
        "id": "carol", "name": "Carol", "externalId": "ext-carol",
        "profileUrl": "https://example.com/carol.png", "email": "carol@example.com",
        "custom": {"team": "blue", "level": 3, "admin": false},
        "status": "active", "type": "member",
    });
    let created = &run.ok("users.create")["user"];
    assert_eq!(without(created, &["updated"]), carol);
    let created_at = run.updated(&created["updated"]);

    // createUser reads first and refuses an existing id itself (kmp ChatImpl.createUser).
    let again = run.ok("users.create_existing");
    assert_eq!(again["rejected"], true);
    assert_eq!(again["error"], "User with this ID already exists");

    let got = &run.ok("users.get")["user"];
    assert_eq!(got, created, "getUser gives back what createUser stored");
    // A missing user is a 404, which the SDK turns into null (kmp `nullOn404`).
    assert_eq!(run.ok("users.get_missing")["user"], Value::Null);

    // updateUser sends name, custom, status and type; the fields it does not send stay (the
    // service's PATCH replaces the fields given, `custom` as a whole: REST docs
    // `set-user-metadata`).
    let update = run.ok("users.update");
    let bob = json!({
        "id": "bob", "name": "Bob", "externalId": null, "profileUrl": null, "email": null,
        "custom": {"team": "red"}, "status": "away", "type": "admin",
    });
    assert_eq!(without(&update["user"], &["updated"]), bob);
    assert_eq!(update["reread"], update["user"]);
    assert!(run.updated(&update["user"]["updated"]) >= created_at);

    // getUsers asks for the total count (kmp ChatImpl.getUsers: includeCount = true).
    let list = run.ok("users.list");
    assert_eq!(list["ids"], json!(["alice", "bob", "carol"]));
    assert_eq!(list["total"], 3);
    // App Context filter language: `name LIKE 'Car*'` is a prefix match (docs
    // `general/metadata/filtering`), `id == 'bob'` an exact one.
    assert_eq!(list["filteredIds"], json!(["carol"]));
    assert_eq!(list["filteredTotal"], 1);
    assert_eq!(list["filteredUsers"], json!([created]));
    assert_eq!(list["idFilterIds"], json!(["bob"]));

    // deleteUser removes the user (1.0.2 has no soft delete for users): gone for getUser and
    // getUsers.
    let deleted = run.ok("users.delete");
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["after"], Value::Null);
    assert_eq!(deleted["ids"], json!(["alice", "bob", "carol"]));
}

#[test]
fn channels() {
    let run = open_run();
    let created = &run.ok("channels.create_public")["channel"];
    // createPublicConversation stores type "public" (kmp ChatImpl.createPublicConversation).
    assert_eq!(
        without(created, &["updated"]),
        json!({
            "id": ROOM, "name": "Room 1", "description": "General talk",
            "custom": {"topic": "general", "pinned": false}, "status": null, "type": "public",
        })
    );
    let created_at = run.updated(&created["updated"]);
    assert_eq!(&run.ok("channels.get")["channel"], created);
    assert_eq!(run.ok("channels.get_missing")["channel"], Value::Null);

    // updateChannel does not send the type: it stays "public".
    let update = run.ok("channels.update");
    assert_eq!(
        without(&update["channel"], &["updated"]),
        json!({
            "id": ROOM, "name": "Room One", "description": "News and general talk",
            "custom": {"topic": "news"}, "status": "open", "type": "public",
        })
    );
    assert_eq!(update["reread"], update["channel"]);
    assert!(run.updated(&update["channel"]["updated"]) >= created_at);

    // All channels so far: the public room, the group and the direct conversation.
    let direct_id = run.ok("conversations.direct")["channel"]["id"].clone();
    let list = run.ok("channels.list");
    assert_eq!(list["ids"], json!([GROUP, ROOM, direct_id]));
    assert_eq!(list["total"], 3);
    assert_eq!(list["groupIds"], json!([GROUP]));
    assert_eq!(list["groupTotal"], 1);
}

#[test]
fn conversations() {
    let run = open_run();
    run.ok("conversations.users");
    let group = run.ok("conversations.group");
    assert_eq!(
        without(&group["channel"], &["updated"]),
        json!({
            "id": GROUP, "name": "Group 1", "description": "Alice, Bob and Carol",
            "custom": null, "status": null, "type": "group",
        })
    );
    // The host's membership: channel and user, no custom data (none was given); the response
    // was asked without status and type (kmp ChatImpl.createGroupConversation includes).
    let host = &group["hostMembership"];
    assert_eq!(
        (
            &host["channelId"],
            &host["channelType"],
            &host["userId"],
            &host["custom"]
        ),
        (
            &json!(GROUP),
            &json!("group"),
            &json!("alice"),
            &Value::Null
        )
    );
    assert_eq!(host["lastReadMessageTimetoken"], Value::Null);
    // Invitees are "pending" members whose last read message is the invitation time (kmp
    // BaseChannel.inviteMultiple: status "pending", then setLastReadMessageTimetoken(time())).
    let invitees = group["inviteesMemberships"].as_array().expect("invitees");
    assert_eq!(invitees.len(), 2, "{invitees:?}");
    for (m, id) in invitees.iter().zip(["bob", "carol"]) {
        assert_eq!((&m["channelId"], &m["userId"]), (&json!(GROUP), &json!(id)));
        assert_eq!(m["status"], "pending", "{id}");
        let last_read = &m["lastReadMessageTimetoken"];
        run.tt(last_read);
        // Stored as a string in custom (kmp MembershipImpl: "toString is required because
        // server for odd numbers larger than 9007199254740991 ... returns values that differ").
        assert_eq!(
            m["custom"],
            json!({"lastReadMessageTimetoken": last_read}),
            "{id}"
        );
        assert!(m["eTag"].as_str().is_some_and(|e| !e.is_empty()), "{m}");
        run.updated(&m["updated"]);
    }

    // A direct conversation's id is derived from both user ids (kmp: "direct." + cyrb53a hash).
    let direct = run.ok("conversations.direct");
    let id = direct["channel"]["id"].as_str().expect("direct channel id");
    assert!(
        id.starts_with("direct.") && id.len() > "direct.".len(),
        "{id}"
    );
    assert_eq!(
        without(&direct["channel"], &["updated", "id"]),
        json!({
            "name": "Alice and Bob", "description": null, "custom": null, "status": null,
            "type": "direct",
        })
    );
    let host = &direct["hostMembership"];
    assert_eq!(
        (&host["channelId"], &host["userId"]),
        (&json!(id), &json!("alice"))
    );
    let invitee = &direct["inviteeMembership"];
    assert_eq!(
        (&invitee["channelId"], &invitee["userId"]),
        (&json!(id), &json!("bob"))
    );
    assert_eq!(invitee["status"], "pending");
    run.tt(&invitee["lastReadMessageTimetoken"]);
}

#[test]
fn memberships() {
    let run = open_run();
    // join() without a status stores "" (kmp BaseChannel.join sends `status ?: ""`; js-chat
    // tests "join should clear pending membership status" expect "" back from the service).
    let joined = &run.ok("memberships.join")["membership"];
    assert_eq!(
        without(joined, &["updated", "eTag"]),
        json!({
            "channelId": ROOM, "channelType": "public", "userId": "alice", "status": "",
            "type": null, "custom": {"role": "host"}, "lastReadMessageTimetoken": null,
        })
    );
    assert!(joined["eTag"].as_str().is_some_and(|e| !e.is_empty()));
    run.updated(&joined["updated"]);

    // alice's memberships: the room she joined and the two conversations she created.
    let direct_id = run.ok("conversations.direct")["channel"]["id"].clone();
    let mine = run.ok("memberships.user");
    assert_eq!(mine["total"], 3);
    let summary: Vec<Value> = mine["memberships"]
        .as_array()
        .expect("memberships")
        .iter()
        .map(|m| json!([m["channelId"], m["channelType"], m["status"], m["custom"]]))
        .collect();
    assert_eq!(
        summary,
        [
            json!([GROUP, "group", null, null]),
            json!([ROOM, "public", "", {"role": "host"}]),
            json!([direct_id, "direct", null, null]),
        ]
    );
    assert_eq!(mine["memberships"][1], *joined);

    // The group's members: alice (host) and the two invitees, pending.
    let members = run.ok("memberships.members");
    assert_eq!(members["total"], 3);
    let summary: Vec<Value> = members["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| json!([m["userId"], m["channelId"], m["status"]]))
        .collect();
    assert_eq!(
        summary,
        [
            json!(["alice", GROUP, null]),
            json!(["bob", GROUP, "pending"]),
            json!(["carol", GROUP, "pending"]),
        ]
    );
    let has = run.ok("memberships.has_member");
    assert_eq!((&has["carol"], &has["dave"]), (&json!(true), &json!(false)));
}

/// A text message as the Chat SDK shows it, sent by alice on the room.
fn text_message(tt: &Value, text: &str) -> Value {
    json!({
        "timetoken": tt, "channelId": ROOM, "userId": "alice", "text": text,
        "content": {"type": "text", "text": text, "files": []},
        "deleted": false, "hasThread": false, "reactions": [],
    })
}

#[test]
fn messages() {
    let run = open_run();
    // Sent by alice, received live by alice and bob.
    let live = run.ok("messages.live");
    let hello = &live["timetoken"];
    run.tt(hello);
    let expected = text_message(hello, "Hello, room!");
    assert_eq!(live["alice"], expected);
    assert_eq!(live["bob"], expected);

    let sent = &run.ok("messages.send")["timetokens"];
    let order = ["edit", "soft", "hard", "report", "thread"];
    let mut previous = run.tt(hello);
    for k in order {
        let t = run.tt(&sent[k]);
        assert!(t > previous, "timetokens do not increase: {sent}");
        previous = t;
    }

    // History: oldest first, each message whole (kmp BaseChannel.getHistory, count 25).
    let history = run.ok("messages.history");
    assert_eq!(history["isMore"], false);
    let texts = [
        "Hello, room!",
        "Helo, wrold",
        "Delete me softly",
        "Delete me for good",
        "Buy cheap watches",
        "Start a thread here",
    ];
    let mut expected = vec![text_message(hello, texts[0])];
    for (k, text) in order.iter().zip(&texts[1..]) {
        expected.push(text_message(&sent[k], text));
    }
    assert_eq!(history["messages"], json!(expected));
}

#[test]
fn signed_messages() {
    // The keyset's server signs every request (signature v2 of pubnub-js 11.0.1); the server
    // requires signatures and serves them.
    let run = signed_run();
    let m = run.ok("messages.signed");
    run.tt(&m["timetoken"]);
    assert_eq!(m["texts"], json!(["Signed hello"]));
    assert_eq!(
        m["reactions"],
        json!([{"value": "👍", "isMine": true, "userIds": ["admin"]}])
    );
    // The server did check: the core SDK without the secret is refused.
    let unsigned = run.ok("messages.unsigned_refused");
    assert_eq!(
        (&unsigned["refused"], &unsigned["statusCode"]),
        (&json!(true), &json!(403))
    );
}

#[test]
fn tokens() {
    // Access Manager as a chat app uses it: the keyset's server grants dave a token bound to him
    // (his user: get, update; the room: read, write, get, join), and dave's Chat SDK, holding
    // only that token, creates his user at init, joins the room (a memberships PATCH, which
    // needs join on it), sends, and lists users (no per-user grant needed), but is refused
    // (403) when it writes another user's App Context.
    let run = signed_run();
    let t = run.ok("tokens.user");
    assert_eq!(without(&t["user"], &["updated"]), bare_user("dave"));
    run.updated(&t["user"]["updated"]);
    assert_eq!(t["joined"], ROOM);
    run.tt(&t["timetoken"]);
    assert_eq!(t["listedUsers"], true);
    assert_eq!(t["othersRefusedStatus"], 403);
}

#[test]
fn reactions() {
    // message.reactions is [{value, isMine, userIds}] built from the `reactions` actions, users
    // in the order the service lists them (kmp BaseMessage.reactions; 1.0.0 release note).
    let run = open_run();
    let r = run.ok("reactions.toggle");
    let thumbs =
        |mine: bool, users: &[&str]| json!([{"value": "👍", "isMine": mine, "userIds": users}]);
    assert_eq!(r["added"], thumbs(true, &["alice"]));
    assert_eq!(r["addedHasUserReaction"], true);
    assert_eq!(r["byBob"], thumbs(true, &["alice", "bob"]));
    assert_eq!(r["bothAlice"], thumbs(true, &["alice", "bob"]));
    // Toggling again removes alice's own action only.
    assert_eq!(r["removed"], thumbs(false, &["bob"]));
    assert_eq!(r["removedHasUserReaction"], false);
    assert_eq!(r["afterAlice"], thumbs(false, &["bob"]));
    assert_eq!(r["afterBob"], thumbs(true, &["bob"]));
}

#[test]
fn edit_soft_delete_restore() {
    let run = open_run();
    let sent = &run.ok("messages.send")["timetokens"];

    // The text is the newest `edited` action's value; the content keeps the original (kmp
    // BaseMessage.text).
    let e = run.ok("edit.text");
    let edited = |text: &str| {
        let mut m = text_message(&sent["edit"], "Helo, wrold");
        m["text"] = json!(text);
        m
    };
    assert_eq!(e["edited"], edited("Hello, world"));
    assert_eq!(e["again"], edited("Hello, world!"));
    assert_eq!(e["reread"], edited("Hello, world!"));

    // Soft delete adds a `deleted` action: the message stays, marked deleted, text intact.
    let d = run.ok("delete.soft");
    let mut deleted = text_message(&sent["soft"], "Delete me softly");
    deleted["deleted"] = json!(true);
    assert_eq!(d["returned"], deleted);
    assert_eq!(d["reread"], deleted);

    // Restore removes every `deleted` action.
    let r = run.ok("delete.restore");
    let restored = text_message(&sent["soft"], "Delete me softly");
    assert_eq!(r["returned"], restored);
    assert_eq!(r["reread"], restored);
}

#[test]
fn hard_delete() {
    // delete() without soft deletes the message from history (kmp BaseMessage.delete:
    // deleteMessages(channel, start = tt - 1, end = tt)) and answers true.
    let run = open_run();
    let sent = &run.ok("messages.send")["timetokens"];
    let h = run.ok("delete.hard");
    assert_eq!(h["returned"], true);
    assert_eq!(h["stillInHistory"], false);
    let hello = &run.ok("messages.live")["timetoken"];
    assert_eq!(
        h["historyTimetokens"],
        json!([
            hello,
            sent["edit"],
            sent["soft"],
            sent["report"],
            sent["thread"]
        ])
    );
}

#[test]
fn threads() {
    let run = open_run();
    let root = &run.ok("messages.send")["timetokens"]["thread"];
    let root_tt = run.tt(root);
    // Thread channel id and description (kmp ChatImpl.getThreadId, BaseMessage.createThread).
    let thread_id = format!("PUBNUB_INTERNAL_THREAD_{ROOM}_{root_tt}");
    let created = run.ok("threads.create");
    let channel = &created["threadChannel"];
    assert_eq!(channel["id"], thread_id);
    assert_eq!(channel["parentChannelId"], ROOM);
    assert_eq!(
        channel["description"],
        format!("Thread on channel {ROOM} with message timetoken {root_tt}")
    );
    // The parent, re-read after the first reply, has the thread.
    let mut parent = text_message(root, "Start a thread here");
    parent["hasThread"] = json!(true);
    assert_eq!(created["parentMessage"], parent);

    let reply = run.ok("threads.reply");
    run.tt(&reply["timetoken"]);

    let read = run.ok("threads.read");
    assert_eq!(read["parent"], parent);
    assert_eq!(read["threadChannelId"], thread_id);
    assert_eq!(read["parentChannelId"], ROOM);
    let replies = read["replies"].as_array().expect("replies");
    let texts: Vec<&Value> = replies.iter().map(|m| &m["text"]).collect();
    assert_eq!(texts, [&json!("First reply"), &json!("Second reply")]);
    for m in replies {
        assert_eq!(
            (&m["channelId"], &m["parentChannelId"], &m["userId"]),
            (&json!(thread_id), &json!(ROOM), &json!("alice"))
        );
    }
    assert_eq!(replies[1]["timetoken"], reply["timetoken"]);
}

#[test]
fn reports() {
    // bob reports alice's message; the report is an event on PUBNUB_INTERNAL_MODERATION_{channel}
    // with the reported message's text, channel, timetoken and author (kmp BaseMessage.report).
    let run = open_run();
    let reported = &run.ok("messages.send")["timetokens"]["report"];
    let report = run.ok("reports.report");
    run.tt(&report["timetoken"]);
    let history = run.ok("reports.history");
    assert_eq!(history["isMore"], false);
    assert_eq!(
        history["events"],
        json!([{
            "type": "report",
            "channelId": format!("PUBNUB_INTERNAL_MODERATION_{ROOM}"),
            "userId": "bob",
            "timetoken": report["timetoken"],
            "payload": {
                "text": "Buy cheap watches", "reason": "spam",
                "reportedMessageTimetoken": reported, "reportedMessageChannelId": ROOM,
                "reportedUserId": "alice", "autoModerationId": null,
            },
        }])
    );
}

#[test]
fn read_receipts_and_unread_counts() {
    let run = open_run();
    let group = run.ok("conversations.group");
    let invited = &group["inviteesMemberships"][0]["lastReadMessageTimetoken"];
    let setup = run.ok("unread.setup");
    let (g1, g2, dm) = (&setup["group"][0], &setup["group"][1], &setup["direct"]);
    let direct_id = run.ok("conversations.direct")["channel"]["id"].clone();

    // bob was invited before alice wrote two messages to the group and one to him: unread counts
    // are the messages after the last read timetoken (message-counts; js-chat tests "should get
    // unread messages count": last read = newest gives 0, so the count is strictly after).
    let counts = |step: &str| -> Value {
        let c = run.ok(step)["counts"].clone();
        json!(
            c.as_array()
                .expect("counts")
                .iter()
                .map(|x| json!([x["channelId"], x["count"]]))
                .collect::<Vec<_>>()
        )
    };
    assert_eq!(counts("unread.counts"), json!([[GROUP, 2], [direct_id, 1]]));
    let m = run.ok("unread.membership");
    assert_eq!(m["membership"]["lastReadMessageTimetoken"], *invited);
    assert_eq!(m["count"], 2);

    // Read receipts stream: the members' last read timetokens, grouped by timetoken. alice (the
    // host) has none; bob and carol were invited at the same time (kmp BaseChannel
    // .streamReadReceipts, generateReceipts).
    let initial = &run.ok("receipts.stream")["initial"];
    let initial = initial.as_object().expect("receipts map");
    assert_eq!(initial.len(), 1, "{initial:?}");
    let (at, users) = initial.iter().next().expect("one timetoken");
    assert_eq!(json!(at), *invited);
    let mut users: Vec<&str> = users
        .as_array()
        .expect("users")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    users.sort_unstable();
    assert_eq!(users, ["bob", "carol"]);

    // bob reads the first group message: his membership says so, one message stays unread, and
    // alice gets his receipt (a `receipt` signal, kmp MembershipImpl.setLastReadMessageTimetoken).
    let set = run.ok("receipts.set_last_read");
    assert_eq!(set["membership"]["lastReadMessageTimetoken"], *g1);
    assert_eq!(
        set["membership"]["custom"],
        json!({"lastReadMessageTimetoken": g1})
    );
    assert_eq!(set["count"], 1);
    // A changed membership has a new entity tag.
    assert_ne!(set["membership"]["eTag"], m["membership"]["eTag"]);
    assert_eq!(
        set["event"],
        json!({"userId": "bob", "lastReadTimetoken": g1})
    );

    let fetched = run.ok("receipts.fetch");
    assert_eq!(fetched["total"], 3);
    assert_eq!(
        fetched["receipts"],
        json!([
            {"userId": "bob", "lastReadTimetoken": g1},
            {"userId": "carol", "lastReadTimetoken": invited},
        ])
    );

    // Mark all as read: every membership's last read is its channel's newest message (kmp
    // ChatImpl.markAllMessagesAsRead), and alice's stream shows bob at the newest message.
    let all = run.ok("receipts.mark_all");
    assert_eq!(all["total"], 2);
    let marked: Vec<Value> = all["memberships"]
        .as_array()
        .expect("memberships")
        .iter()
        .map(|m| json!([m["channelId"], m["userId"], m["lastReadMessageTimetoken"]]))
        .collect();
    assert_eq!(
        marked,
        [json!([GROUP, "bob", g2]), json!([direct_id, "bob", dm])]
    );
    let stream = all["stream"].as_object().expect("receipts map");
    assert_eq!(stream.get(g2.as_str().expect("tt")), Some(&json!(["bob"])));
    assert_eq!(
        stream.get(invited.as_str().expect("tt")),
        Some(&json!(["carol"]))
    );
    assert_eq!(stream.len(), 2, "{stream:?}");

    // Nothing unread any more: channels with a count of 0 are left out (kmp
    // ChatImpl.fetchUnreadMessagesCounts; js-chat tests "should mark all messages as read").
    assert_eq!(counts("unread.counts_after"), json!([]));
}

#[test]
fn typing() {
    // bob types on the group; alice's getTyping callback lists him, then nobody once he stops
    // (`typing` signals, kmp BaseChannel.startTyping/stopTyping/onTypingChanged).
    let run = open_run();
    let t = run.ok("typing");
    run.tt(&t["startTimetoken"]);
    assert_eq!(t["typing"], json!(["bob"]));
    assert_eq!(t["stopped"], json!([]));
}

#[test]
fn presence() {
    // alice and bob subscribe to the room (messages.live); here-now lists both, where-now knows
    // where bob is (kmp ChatImpl.whoIsPresent: hereNow; isPresent and wherePresent: whereNow).
    let run = open_run();
    assert_eq!(run.ok("presence.who")["ids"], json!(["alice", "bob"]));
    let is = run.ok("presence.is_present");
    assert_eq!(
        (&is["bob"], &is["carol"], &is["chatAlice"]),
        (&json!(true), &json!(false), &json!(true))
    );
    assert_eq!(run.ok("presence.where")["channels"], json!([ROOM]));
}

#[test]
fn restrictions() {
    // Without the secret key the SDK refuses before sending anything.
    let open = open_run();
    let refused = open.ok("restrictions.without_secret");
    assert_eq!(refused["rejected"], true);
    assert_eq!(
        refused["error"],
        "Moderation restrictions can only be set by clients initialized with a Secret Key."
    );

    // The keyset's server bans bob on the room: a member of PUBNUB_INTERNAL_MODERATION_{room}
    // with custom {ban, mute, reason}, and a `moderation` event on bob's moderation channel
    // (kmp ChatImpl.setRestrictions, UserImpl.onRestrictionChanged, RestrictionImpl).
    let run = signed_run();
    let restriction = |ban: bool, mute: bool, reason: Value| json!({"userId": "bob", "channelId": ROOM, "ban": ban, "mute": mute, "reason": reason});
    let banned = restriction(true, false, json!("spam"));
    assert_eq!(run.ok("restrictions.ban")["event"], banned);
    let read = run.ok("restrictions.read");
    assert_eq!(read["userRestrictions"], banned);
    assert_eq!(read["channelRestrictions"], banned);
    assert_eq!(
        read["usersRestrictions"],
        json!({"total": 1, "restrictions": [banned]})
    );
    assert_eq!(
        read["channelsRestrictions"],
        json!({"total": 1, "restrictions": [banned]})
    );

    let mute = run.ok("restrictions.mute");
    let muted = restriction(false, true, Value::Null);
    assert_eq!(mute["userRestrictions"], muted);
    assert_eq!(mute["event"], muted);

    // Lifting removes the member: no restriction left.
    let lift = run.ok("restrictions.lift");
    let lifted = restriction(false, false, Value::Null);
    assert_eq!(lift["userRestrictions"], lifted);
    assert_eq!(lift["event"], lifted);
    assert_eq!(
        lift["usersRestrictions"],
        json!({"total": 0, "restrictions": []})
    );
}
