//! `--all` listings written page by page: the first page is out while later ones are still
//! being fetched, as one valid JSON document or as JSON lines.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use super::harness::{Env, Fixture};
use super::{listed, published};

/// Reads one HTTP request's head from `stream`; its request line.
fn request_line(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn answer(stream: &mut TcpStream, body: &Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn action(tt: u64) -> Value {
    json!({
        "type": "reaction", "value": "👍", "uuid": "u",
        "actionTimetoken": tt.to_string(), "messageTimetoken": "1000",
    })
}

/// A service whose first actions page (two actions, `more` to follow) is answered at once and
/// whose second (one older action, the last) only after `release` is sent.
fn held_back_service(release: mpsc::Receiver<()>) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let line = request_line(&mut stream);
            if !line.contains("/v1/message-actions/") {
                answer(&mut stream, &json!({"status": 404, "error": true}));
            } else if !line.contains("start=") {
                let more = json!({"url": "", "start": "3000", "end": "", "limit": 2});
                let page =
                    json!({"status": 200, "data": [action(3000), action(4000)], "more": more});
                answer(&mut stream, &page);
            } else {
                let _ = release.recv_timeout(Duration::from_secs(30));
                answer(&mut stream, &json!({"status": 200, "data": [action(2000)]}));
            }
        }
    });
    port
}

#[test]
fn list_all_writes_the_first_page_before_the_next_is_answered() {
    for (format, first, rest) in [
        ("--jsonl", r#"{"action_timetoken":"4000""#, "\n"),
        (
            "--json",
            r#"{"actions":[{"action_timetoken":"4000""#,
            "]}\n",
        ),
    ] {
        let (release, held) = mpsc::channel();
        let port = held_back_service(held);
        let origin = format!("http://127.0.0.1:{port}");
        let env = Env::new();
        let args = [
            "--origin", &origin, "actions", "list", "c", "--all", "--limit", "2", format,
        ];
        let (_child, stdout) = env.spawn(&args);
        let (chunks_tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = stdout;
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                let _ = chunks_tx.send(buf[..n].to_vec());
            }
        });
        // Everything written up to the first action's end, while the second page is held.
        let mut before = Vec::new();
        while !before.contains(&b'}') {
            let chunk = chunks
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| {
                    panic!("{format}: the first page was not written while the second waited")
                });
            before.extend(chunk);
        }
        let before = String::from_utf8(before).expect("UTF-8");
        assert!(before.starts_with(first), "{format}: {before}");
        assert!(!before.contains("2000"), "{format}: {before}");
        release.send(()).expect("release the second page");
        let mut whole = before.into_bytes();
        while let Ok(chunk) = chunks.recv_timeout(Duration::from_secs(30)) {
            whole.extend(chunk);
        }
        let whole = String::from_utf8(whole).expect("UTF-8");
        assert!(whole.ends_with(rest), "{format}: {whole}");
        let values: Vec<u64> = if format == "--json" {
            let doc: Value = serde_json::from_str(&whole).expect("one JSON document");
            doc["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .map(|a| a["action_timetoken"].as_str().unwrap().parse().unwrap())
                .collect()
        } else {
            whole
                .lines()
                .map(|l| {
                    let a: Value = serde_json::from_str(l).expect("a JSON line");
                    a["action_timetoken"].as_str().unwrap().parse().unwrap()
                })
                .collect()
        };
        assert_eq!(values, [4000, 3000, 2000], "{format}: newest first");
    }
}

#[test]
fn jsonl_and_json_list_the_same_actions_and_messages() {
    let f = Fixture::new();
    let ch = "cli.stream";
    for i in 0..7 {
        let m = published(f.cli(&["publish", ch, &format!("m{i}"), "--json"]));
        for v in ["👍", "🎉"] {
            f.cli(&["actions", "add", ch, &m, "--type", "reaction", "--value", v])
                .ok();
        }
    }
    let doc = listed(f.cli(&["actions", "list", ch, "--all", "--limit", "3", "--json"]));
    assert_eq!(doc.len(), 14);
    let lines = f
        .cli(&["actions", "list", ch, "--all", "--limit", "3", "--jsonl"])
        .ok();
    let lines: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines, doc);

    let doc = f
        .cli(&["history", ch, "--all", "--max", "3", "--actions", "--json"])
        .ok()
        .json();
    let messages = doc["channels"][ch].as_array().expect("messages").clone();
    assert_eq!(messages.len(), 7);
    let lines = f
        .cli(&["history", ch, "--all", "--max", "3", "--actions", "--jsonl"])
        .ok();
    let lines: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 7);
    for (line, message) in lines.iter().zip(&messages) {
        assert_eq!(line["channel"], ch);
        let mut without = line.clone();
        without.as_object_mut().unwrap().remove("channel");
        assert_eq!(&without, message);
    }
    // An empty channel: still one valid document.
    let empty = f
        .cli(&["history", "cli.none", "--all", "--json"])
        .ok()
        .json();
    assert_eq!(empty, json!({"channels": {}}));
    let empty = f
        .cli(&["actions", "list", "cli.none", "--all", "--json"])
        .ok()
        .json();
    assert_eq!(empty, json!({"actions": []}));
}
