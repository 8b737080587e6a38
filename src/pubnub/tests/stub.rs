//! The real HTTP path against a tiny loopback stub: what goes on the wire, timeouts, refused
//! connections, blocking calls, and a subscription's long-poll ending with it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::{client_with, config};
use crate::pubnub::{Error, LiveEvent, SubscriptionEvent, SubscriptionStatus, Timetoken};

const TIME_BODY: &str = "[15643405135132358]";

/// What the stub saw of a connection.
#[derive(Debug, PartialEq)]
enum Seen {
    /// The request line.
    Request(String),
    /// The client closed the connection.
    Closed,
    /// The connection was still open after the wait.
    StillOpen,
}

pub(super) struct Stub {
    pub(super) origin: String,
    seen: mpsc::Receiver<Seen>,
}

impl Stub {
    /// Answers one connection per answer, in order, then stops listening.
    pub(super) fn answering(answers: Vec<(u16, &'static str)>) -> Stub {
        Stub::start(move |listener, seen| {
            for (status, body) in answers {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let _ = seen.send(Seen::Request(read_request_line(&mut stream)));
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/javascript; charset=\"UTF-8\"\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        })
    }

    /// Takes one request and never answers; reports whether the client hangs up.
    fn silent() -> Stub {
        Stub::start(|listener, seen| {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let _ = seen.send(Seen::Request(read_request_line(&mut stream)));
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut buf = [0u8; 256];
            let outcome = loop {
                match stream.read(&mut buf) {
                    Ok(0) => break Seen::Closed,
                    Ok(_) => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                        break Seen::Closed;
                    }
                    Err(_) => break Seen::StillOpen,
                }
            };
            let _ = seen.send(outcome);
        })
    }

    fn start(serve: impl FnOnce(TcpListener, mpsc::Sender<Seen>) + Send + 'static) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let (sender, seen) = mpsc::channel();
        thread::spawn(move || serve(listener, sender));
        Stub { origin, seen }
    }

    fn next(&self) -> Seen {
        self.seen.recv_timeout(Duration::from_secs(15)).unwrap()
    }

    pub(super) fn next_request(&self) -> reqwest::Url {
        match self.next() {
            Seen::Request(line) => {
                let target = line.split(' ').nth(1).unwrap_or_default();
                reqwest::Url::parse(&format!("{}{target}", self.origin)).unwrap()
            }
            other => panic!("expected a request, got {other:?}"),
        }
    }
}

fn read_request_line(stream: &mut TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head);
    head.lines().next().unwrap_or_default().to_string()
}

pub(super) fn param(url: &reqwest::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn requests_carry_a_fresh_v4_request_id_each_and_answers_decode() {
    let stub = Stub::answering(vec![(200, TIME_BODY), (200, TIME_BODY)]);
    let client = client_with(config().with_origin(&stub.origin));
    for _ in 0..2 {
        assert_eq!(
            client.time().execute().await,
            Ok(Timetoken(15643405135132358))
        );
    }
    let (first, second) = (stub.next_request(), stub.next_request());
    assert_eq!(first.path(), "/time/0");
    assert_eq!(param(&first, "uuid").as_deref(), Some("alice"));
    let ids: Vec<uuid::Uuid> = [&first, &second]
        .iter()
        .map(|u| uuid::Uuid::parse_str(&param(u, "requestid").unwrap()).unwrap())
        .collect();
    assert!(ids.iter().all(|id| id.get_version_num() == 4));
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn error_statuses_come_back_as_the_service_error() {
    let forbidden =
        r#"{"message":"Forbidden","error":true,"service":"Access Manager","status":403}"#;
    let stub = Stub::answering(vec![(403, forbidden)]);
    let client = client_with(config().with_origin(&stub.origin));
    let result = client.get_message_actions().channel("ch").execute().await;
    assert_eq!(
        result,
        Err(Error::AccessDenied {
            status: 403,
            message: "Forbidden".into(),
            refused: Vec::new(),
        })
    );
}

#[tokio::test]
async fn a_silent_service_times_out_after_the_configured_seconds() {
    let stub = Stub::silent();
    let client = client_with(
        config()
            .with_origin(&stub.origin)
            .with_request_timeout(Duration::from_secs(1)),
    );
    assert_eq!(
        client.time().execute().await,
        Err(Error::Timeout { seconds: 1 })
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error_with_its_cause() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_with(
        config()
            .with_origin(format!("http://127.0.0.1:{port}"))
            .with_auth_key("t0k3n"),
    );
    match client.time().execute().await {
        Err(Error::Network { message }) => {
            assert!(message.to_lowercase().contains("connect"), "{message}");
            assert!(!message.contains('\n'));
            assert!(!message.contains("t0k3n"), "the auth key leaked: {message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn blocking_calls_work_outside_a_runtime() {
    let stub = Stub::answering(vec![(200, TIME_BODY)]);
    let client = client_with(config().with_origin(&stub.origin));
    assert_eq!(
        client.time().execute_blocking(),
        Ok(Timetoken(15643405135132358))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_subscription_closes_its_long_poll() {
    let stub = Stub::silent();
    let client = client_with(config().with_origin(&stub.origin));
    let subscription = client.subscribe().channel("a#1").execute().unwrap();
    let request = stub.next_request();
    assert_eq!(request.path(), "/v2/subscribe/sub-c-1/a%231/0");
    assert_eq!(param(&request, "tt").as_deref(), Some("0"));
    drop(subscription);
    assert_eq!(stub.next(), Seen::Closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_over_http_connects_delivers_and_reports_an_outage() {
    let handshake = r#"{"t":{"t":"16873352451141050","r":42},"m":[]}"#;
    let message = r#"{"t":{"t":"16873352451141099","r":42},"m":[{"a":"1","f":0,"i":"bob","p":{"t":"16873352451141090","r":42},"k":"sub-c-1","c":"ch","d":"hi"}]}"#;
    // After these two answers the stub stops listening: the next poll is refused.
    let stub = Stub::answering(vec![(200, handshake), (200, message)]);
    let client = client_with(config().with_origin(&stub.origin));
    let mut subscription = client.subscribe().channel("ch").execute().unwrap();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        next().await,
        SubscriptionEvent::Status(SubscriptionStatus::Connected)
    );
    match next().await {
        SubscriptionEvent::Live(LiveEvent::Message {
            timetoken, message, ..
        }) => assert_eq!(
            (timetoken.get(), message),
            (16873352451141090, serde_json::json!("hi"))
        ),
        other => panic!("{other:?}"),
    }
    match next().await {
        SubscriptionEvent::Status(SubscriptionStatus::Reconnecting {
            attempt: 1,
            retry_in,
            error: Error::Network { .. },
        }) => assert!(retry_in <= Duration::from_secs(2)),
        other => panic!("{other:?}"),
    }
    let (first, second) = (stub.next_request(), stub.next_request());
    assert_eq!(param(&first, "tt").as_deref(), Some("0"));
    assert_eq!(param(&second, "tt").as_deref(), Some("16873352451141050"));
    assert_eq!(param(&second, "tr").as_deref(), Some("42"));
}
