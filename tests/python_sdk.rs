//! The official PubNub Python SDK (`pubnub==10.8.0` from PyPI) against the embedded server:
//! publish, add two actions, get them with limit/start/end, fetch history with actions, remove
//! one, and receive it all live on a subscription, with and without request signatures.
//!
//! The SDK lives in a virtualenv at `target/python-sdk-venv` (see `python_env`). The scenario
//! itself is `tests/python/sdk_scenario.py`.

mod common;
mod python_env;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{TestServer, tt};
use python_env::python_with_sdk;

const SUB: &str = "sub-c-local";
const PUB: &str = "pub-c-local";
const SECRET: &str = "sec-c-local";
/// `#` must travel percent-encoded in paths.
const CHANNEL: &str = "chats.py#1";
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the scenario against `origin`; returns its report lines by step.
fn run_scenario(origin: &str, secret: Option<&str>) -> Vec<Value> {
    let python = python_with_sdk();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/sdk_scenario.py");
    let host = origin.trim_start_matches("http://");
    let mut cmd = Command::new(python);
    cmd.arg(&script).args([host, SUB, PUB, CHANNEL]);
    if let Some(s) = secret {
        cmd.arg(s);
    }
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
        "the Python SDK scenario failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
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
