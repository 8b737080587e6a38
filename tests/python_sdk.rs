//! The official PubNub Python SDK (`pubnub==10.8.0` from PyPI) against the embedded server:
//! publish, add two actions, get them with limit/start/end, fetch history with actions, remove
//! one, and receive it all live on a subscription, with and without request signatures; and
//! Access Manager v3: grant_token, parse_token, set_token, what a token allows and refuses,
//! revoke_token, and a token expiring when the server's clock moves past it.
//!
//! The SDK lives in a virtualenv at `target/python-sdk-venv` (see `python_env`). The scenarios
//! are `tests/python/sdk_scenario.py` and `tests/python/am_scenario.py`.

mod common;
mod python_env;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{TestServer, tt};
use python_env::python_with_sdk;
use reactions::server::AccessClock;

const SUB: &str = "sub-c-local";
const PUB: &str = "pub-c-local";
const SECRET: &str = "sec-c-local";
/// `#` must travel percent-encoded in paths.
const CHANNEL: &str = "chats.py#1";
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the scenario against `origin`; returns its report lines by step.
fn run_scenario(origin: &str, secret: Option<&str>) -> Vec<Value> {
    let host = origin.trim_start_matches("http://");
    let mut args = vec![host, SUB, PUB, CHANNEL];
    args.extend(secret);
    run_script("sdk_scenario.py", &args)
}

/// Runs `tests/python/SCRIPT ARGS` with the SDK; returns its report lines.
fn run_script(script: &str, args: &[&str]) -> Vec<Value> {
    let python = python_with_sdk();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    let mut cmd = Command::new(python);
    cmd.arg(&script).args(args);
    let mut child = cmd
        .env("PYTHONUNBUFFERED", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the scenario starts");
    let started = Instant::now();
    while child.try_wait().expect("scenario status").is_none() {
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("scenario output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Python SDK scenario {} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a report line ({e}): {l}")))
        .collect()
}

fn step<'a>(reports: &'a [Value], name: &str) -> &'a Value {
    reports
        .iter()
        .find(|r| r["step"] == name)
        .unwrap_or_else(|| panic!("no {name} step in {reports:?}"))
}

async fn scenario(secret: Option<&'static str>) {
    let s = TestServer::start_with(|o| {
        o.long_poll = Duration::from_secs(5);
        if let Some(secret) = secret {
            o.secret_key = Some(secret.into());
            o.publish_key = Some(PUB.into());
        }
    })
    .await;
    let origin = s.origin.clone();
    let reports = tokio::task::spawn_blocking(move || run_scenario(&origin, secret))
        .await
        .expect("joined");
    eprintln!("{reports:#?}");
    let steps: Vec<&str> = reports.iter().filter_map(|r| r["step"].as_str()).collect();
    assert_eq!(
        steps,
        [
            "time",
            "connected",
            "publish",
            "add",
            "duplicate",
            "get",
            "history",
            "remove",
            "done"
        ]
    );

    let mt = step(&reports, "publish")["timetoken"]
        .as_u64()
        .expect("publish timetoken");
    let added: Vec<u64> =
        serde_json::from_value(step(&reports, "add")["action_timetokens"].clone()).expect("added");
    assert_eq!(step(&reports, "duplicate")["status"], 409);
    assert_eq!(step(&reports, "get")["limit_1"], json!([added[1]]));
    assert_eq!(step(&reports, "history")["timetoken"], mt);

    // What the SDK saw is what the server stored. (Reading needs a signature when signed, so
    // read through the store instead of HTTP.)
    let store = s.running().store().clone();
    assert!(!store.is_empty_channel(SUB, CHANNEL).await.expect("read"));
    if secret.is_none() {
        let v = s
            .get("/v1/message-actions/sub-c-local/channel/chats.py%231")
            .await
            .json();
        assert_eq!(v["data"].as_array().map(Vec::len), Some(1), "{v}");
        let a = &v["data"][0];
        assert_eq!(
            (tt(&a["actionTimetoken"]), tt(&a["messageTimetoken"])),
            (added[1], mt)
        );
        assert_eq!(
            (a["uuid"].clone(), a["value"].clone()),
            (json!("py-alice"), json!("🎉"))
        );
        let h = s
            .get("/v3/history/sub-key/sub-c-local/channel/chats.py%231?include_uuid=true")
            .await
            .json();
        assert_eq!(h["channels"][CHANNEL][0]["uuid"], "py-alice");
        assert_eq!(tt(&h["channels"][CHANNEL][0]["timetoken"]), mt);
    } else {
        let a = s
            .get("/v1/message-actions/sub-c-local/channel/chats.py%231?uuid=x")
            .await;
        assert_eq!(
            a.status,
            reqwest::StatusCode::FORBIDDEN,
            "the server really required signatures"
        );
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_scenario_against_an_open_server() {
    scenario(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_scenario_with_signed_requests() {
    scenario(Some(SECRET)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_access_manager_grant_parse_use_revoke_and_expire() {
    let clock = AccessClock::default();
    let s = TestServer::start_managed(SECRET, PUB, &clock).await;
    let host = s.origin.trim_start_matches("http://").to_string();
    let args = [host.clone(), SUB.into(), PUB.into(), SECRET.into()];
    let granted = {
        let mut args = args.to_vec();
        args.push("grant".into());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_script("am_scenario.py", &args)
        })
        .await
        .expect("joined")
    };
    eprintln!("{granted:#?}");
    let steps: Vec<&str> = granted.iter().filter_map(|r| r["step"].as_str()).collect();
    assert_eq!(
        steps,
        [
            "grant", "parse", "allowed", "refused", "revoked", "short", "done"
        ]
    );
    // What the SDK parsed is what the server minted.
    let token = step(&granted, "grant")["token"].as_str().expect("token");
    let minted = reactions::pubnub::parse_token(token).expect("parses");
    assert_eq!(step(&granted, "parse")["timestamp"], minted.timestamp);
    assert_eq!(minted.authorized_uuid.as_deref(), Some("py-alice"));
    let refused = step(&granted, "refused");
    for what in [
        "publish without write",
        "add without write",
        "remove without delete",
        "history without read",
        "another uuid",
        "another keyset",
    ] {
        assert_eq!(refused[what], 403, "{what}");
    }

    // Past the short token's minute, without waiting for it.
    clock.advance(61);
    let short = step(&granted, "short")["token"]
        .as_str()
        .expect("short token")
        .to_string();
    let expired = {
        let mut args = args.to_vec();
        args.extend(["expired".to_string(), short]);
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_script("am_scenario.py", &args)
        })
        .await
        .expect("joined")
    };
    assert_eq!(step(&expired, "expired")["message"], "Token is expired.");
    s.stop().await;
}
