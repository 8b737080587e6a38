//! Shared by the integration tests: the embedded server on a free loopback port with a
//! temporary database, and plain HTTP helpers that return what a client would see.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use reactions::server::{self, AccessClock, RunningServer, ServerOptions};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

/// A running server, its database directory and an HTTP client.
pub struct TestServer {
    pub server: Option<RunningServer>,
    pub dir: TempDir,
    pub origin: String,
    pub http: reqwest::Client,
}

/// One answer as a client sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

pub fn options(db_path: PathBuf) -> ServerOptions {
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("loopback address");
    ServerOptions::new(listen, db_path)
}

impl TestServer {
    /// A server with default options on a fresh database.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// A server on a fresh database, with options changed by `tune`.
    pub async fn start_with(tune: impl FnOnce(&mut ServerOptions)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut opts = options(dir.path().join("test.sqlite3"));
        tune(&mut opts);
        Self::start_in(dir, opts).await
    }

    /// A server with Access Manager on: `secret` and `publish_key` are the keyset's, tokens
    /// are issued and expire by `clock` (which the test may move).
    pub async fn start_managed(secret: &str, publish_key: &str, clock: &AccessClock) -> TestServer {
        let (secret, publish_key, clock) =
            (secret.to_string(), publish_key.to_string(), clock.clone());
        Self::start_with(move |o| {
            o.secret_key = Some(secret);
            o.publish_key = Some(publish_key);
            o.access_clock = clock;
        })
        .await
    }

    /// A server with `opts` on the database in `dir`.
    pub async fn start_in(dir: TempDir, opts: ServerOptions) -> TestServer {
        let server = server::start(opts).await.expect("server starts");
        let origin = server.origin();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        TestServer {
            server: Some(server),
            dir,
            origin,
            http,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("test.sqlite3")
    }

    pub fn running(&self) -> &RunningServer {
        self.server.as_ref().expect("server running")
    }

    /// Returns once exactly `n` subscribe long polls are waiting on the server for an event,
    /// so that what the test does next happens while they wait; fails after 10 s.
    pub async fn polls_waiting(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let waiting = self.running().waiting_long_polls();
            if waiting == n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{n} long polls should be waiting; {waiting} are"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Stops the server gracefully and hands back its database directory.
    pub async fn stop(mut self) -> TempDir {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
        self.dir
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.origin, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(body) = body {
            req = req.body(body);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body read");
        Answer {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &str) -> Answer {
        self.send(
            Method::POST,
            path,
            Some(body.as_bytes().to_vec()),
            &[("content-type", "application/json")],
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: &str) -> Answer {
        self.send(
            Method::PATCH,
            path,
            Some(body.as_bytes().to_vec()),
            &[("content-type", "application/json")],
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, &[]).await
    }

    /// Publishes `message` (JSON text) by GET; returns the timetoken.
    pub async fn publish(&self, sub_key: &str, channel: &str, message: &str, query: &str) -> u64 {
        let path = format!(
            "/publish/pub/{sub_key}/0/{channel}/0/{}?uuid=publisher&{query}",
            percent_encoding::utf8_percent_encode(message, percent_encoding::NON_ALPHANUMERIC)
        );
        let a = self.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "publish failed: {}", a.text);
        tt(&a.json()[2])
    }

    /// Adds an action; returns the add answer's `data`.
    pub async fn add_action(
        &self,
        sub_key: &str,
        channel: &str,
        message_tt: u64,
        kind: &str,
        value: &str,
        uuid: &str,
    ) -> Value {
        let body = serde_json::json!({"type": kind, "value": value}).to_string();
        let a = self
            .post(&format!("/v1/message-actions/{sub_key}/channel/{channel}/message/{message_tt}?uuid={uuid}"), &body)
            .await;
        assert_eq!(a.status, StatusCode::OK, "add failed: {}", a.text);
        a.json()["data"].clone()
    }
}

/// A timetoken from a JSON string (panics on anything else: the wire wants strings).
pub fn tt(v: &Value) -> u64 {
    v.as_str()
        .unwrap_or_else(|| panic!("timetoken is not a string: {v}"))
        .parse()
        .unwrap_or_else(|_| panic!("timetoken is not a number: {v}"))
}

/// Asserts the headers every answer of the service carries.
pub fn assert_service_headers(a: &Answer) {
    let h = |name: &str| {
        a.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(h("content-type"), "text/javascript; charset=\"UTF-8\"");
    assert_eq!(h("access-control-allow-origin"), "*");
    assert_eq!(
        h("access-control-allow-methods"),
        "GET, POST, DELETE, OPTIONS"
    );
}
