//! Unit tests of the client's private parts: request building and signing, answer reading,
//! paging, the subscribe loop, the HTTP path against a tiny loopback stub, and the chat
//! browser's reads (App Context users, message counts).

mod answers;
mod chat;
mod paging;
mod requests;
mod stub;
mod subscription;
mod validation;

use super::client::{Endpoint, Prepared};
use super::{Client, Config, MessageAction, Timetoken};

/// A fixed timestamp and request id, so prepared requests are reproducible.
const TIMESTAMP: u64 = 1_700_000_000;

fn config() -> Config {
    Config::new("pub-c-1", "sub-c-1", "alice").with_origin("http://127.0.0.1:9")
}

fn client_with(config: Config) -> Client {
    Client::new(config).unwrap()
}

fn client() -> Client {
    client_with(config())
}

/// The request an operation would send.
fn prepared(client: &Client, endpoint: &impl Endpoint) -> Prepared {
    let request = endpoint.request().unwrap();
    client.prepare(&request, TIMESTAMP, "req-1")
}

/// What the service would see of a sent URL: the raw path and the decoded parameters.
struct Sent {
    path: String,
    params: Vec<(String, String)>,
}

impl Sent {
    fn of(prepared: &Prepared) -> Sent {
        let url = reqwest::Url::parse(&prepared.url).unwrap();
        Sent {
            path: url.path().to_string(),
            params: url.query_pairs().into_owned().collect(),
        }
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.params.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys
    }
}

/// A reaction to the Swift fixtures' message.
fn reaction(value: &str) -> MessageAction {
    MessageAction {
        action_type: "reaction".into(),
        value: value.into(),
        message_timetoken: Timetoken(15610547826969050),
    }
}
