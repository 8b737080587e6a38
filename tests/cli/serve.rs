//! `reactions serve` as a service manager runs it: SIGTERM (what systemd, Docker and CI send)
//! stops it exactly as Ctrl-C does: it stops taking requests, answers the long polls that are
//! waiting, finishes what it acknowledged, checkpoints the database and logs one line.

use std::process::Command;
use std::time::{Duration, Instant};

use super::harness::{Env, LoggedServe, http_get};
use super::{history, published};

/// The subscribe endpoint's debug lines show when a long poll is in the server's hands.
const LOG_FILTER: &str = "info,reactions::server::endpoints::subscribe=debug";

/// The cursor `t.t` of a subscribe answer (headers and JSON body).
fn cursor(answer: &str) -> String {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    v["t"]["t"].as_str().expect("a cursor").to_string()
}

#[test]
fn sigterm_and_ctrl_c_shut_serve_down_the_same_clean_way() {
    for signal in ["TERM", "INT"] {
        let env = Env::new();
        let mut serve = LoggedServe::start(&env, LOG_FILTER);
        let ch = "serve.stop";
        let origin = serve.origin();
        let m = published(env.run(&["--origin", &origin, "publish", ch, "kept", "--json"]));

        // A long poll waiting in the server when the signal comes.
        let handshake =
            http_get(serve.port, &format!("/v2/subscribe/demo/{ch}/0?tt=0")).expect("handshake");
        let tt = cursor(&handshake);
        let port = serve.port;
        let path = format!("/v2/subscribe/demo/{ch}/0?tt={tt}");
        let poll = std::thread::spawn(move || http_get(port, &path));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !serve.log_text().contains(&format!("after={tt}")) {
            assert!(
                Instant::now() < deadline,
                "no long poll: {}",
                serve.log_text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let before = serve.log_text().lines().count();

        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &serve.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
        let stopped_at = Instant::now();
        let answer = poll
            .join()
            .expect("the poll thread")
            .expect("the poll is answered");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "SIG{signal}: the waiting poll gets an answer: {answer:?}"
        );
        assert!(
            stopped_at.elapsed() < Duration::from_secs(10),
            "answered at once, not after the long poll"
        );
        let status = serve.wait_for_exit();
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");

        let log = serve.log_text();
        let after: Vec<&str> = log.lines().skip(before).collect();
        assert_eq!(after.len(), 1, "SIG{signal}: one line: {after:#?}");
        for needle in ["stopped", &format!("SIG{signal}"), "checkpointed"] {
            assert!(after[0].contains(needle), "{needle:?} in {:?}", after[0]);
        }
        // What it acknowledged is in the database, checkpointed into the file.
        let wal = env.embedded_database().with_extension("sqlite3-wal");
        assert!(
            std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
            "the write-ahead log was checkpointed"
        );
        let kept = history(env.run(&["history", ch, "--json"]), ch);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["timetoken"], m.as_str());
        assert!(
            http_get(port, "/time/0").is_err(),
            "no longer taking requests"
        );
    }
}
