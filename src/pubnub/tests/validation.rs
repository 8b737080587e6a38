//! What the client refuses before sending: bad configuration, bad builder input, blocking calls
//! where they would stall a runtime; and that its handles can cross threads.

use std::time::Duration;

use serde_json::json;

use super::{client, client_with, config, prepared, reaction};
use crate::pubnub::client::{Endpoint, Request};
use crate::pubnub::{Client, Config, Error, Result, Timetoken};

#[test]
fn origins_accepted_and_refused() {
    let base = |origin: &str| {
        let c = client_with(config().with_origin(origin));
        prepared(&c, &c.time()).url
    };
    assert!(base("ps.pndsn.com").starts_with("https://ps.pndsn.com/time/0?"));
    assert!(base("localhost:8090").starts_with("https://localhost:8090/time/0?"));
    assert!(base("http://127.0.0.1:8080/").starts_with("http://127.0.0.1:8080/time/0?"));
    assert!(Config::new("p", "s", "u").origin.starts_with("https://"));
    for bad in [
        "",
        "ftp://host",
        "http://host/path",
        "http://host?x=1",
        "http://",
    ] {
        let e = Client::new(config().with_origin(bad)).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput(m) if m.contains("origin")),
            "{bad:?}: {e:?}"
        );
    }
}

#[test]
fn configuration_errors_say_what_is_wrong() {
    let cases = [
        (config().with_origin("localhost"), None),
        (Config::new("p", "s", ""), Some("user_id")),
        (Config::new("p", "s", "  "), Some("user_id")),
        (Config::new("p", "", "u"), Some("subscribe_key")),
        (Config::new("p", "..", "u"), Some("relative paths")),
        (Config::new(".", "s", "u"), Some("relative paths")),
        (config().with_secret_key(""), Some("secret_key")),
        (config().with_auth_key(""), Some("auth_key")),
        (
            config().with_request_timeout(Duration::ZERO),
            Some("timeout"),
        ),
    ];
    for (cfg, problem) in cases {
        match (Client::new(cfg), problem) {
            (Ok(_), None) => {}
            (Err(Error::InvalidInput(m)), Some(p)) => assert!(m.contains(p), "{m}"),
            (other, _) => panic!("{problem:?}: {other:?}"),
        }
    }
    // Keys do not leak through Debug.
    let shown = format!(
        "{:?}",
        config().with_secret_key("s3cr3t").with_auth_key("t0k3n")
    );
    assert!(
        !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
        "{shown}"
    );
}

fn refused(request: Result<Request>, text: &str) {
    match request {
        Err(Error::InvalidInput(m)) => assert!(m.contains(text), "{m:?} lacks {text:?}"),
        other => panic!("expected InvalidInput({text}), got {other:?}"),
    }
}

#[test]
fn builders_refuse_bad_input_before_sending() {
    let c = client();
    let add = || c.add_message_action().channel("ch");
    refused(c.add_message_action().request(), "channel is required");
    refused(add().request(), "message_action is required");
    refused(
        add().message_action(reaction(" ")).request(),
        "value is empty",
    );
    let mut no_type = reaction("👍");
    no_type.action_type.clear();
    refused(add().message_action(no_type).request(), "type is empty");
    let mut no_message = reaction("👍");
    no_message.message_timetoken = Timetoken(0);
    refused(
        add().message_action(no_message).request(),
        "message timetoken",
    );
    for bad in ["a,b", "a b", "a/b", "a:b", "a*", "a\\b", "a\u{7}b"] {
        refused(
            add().channel(bad).message_action(reaction("x")).request(),
            "may not",
        );
    }
    for dots in [".", ".."] {
        refused(
            add().channel(dots).message_action(reaction("x")).request(),
            "relative path",
        );
    }
    refused(
        add()
            .channel("x".repeat(93))
            .message_action(reaction("x"))
            .request(),
        "92",
    );
    assert!(
        add()
            .channel("é".repeat(92))
            .message_action(reaction("x"))
            .request()
            .is_ok()
    );

    let remove = || c.remove_message_action().channel("ch");
    refused(remove().action_timetoken(1).request(), "message timetoken");
    refused(remove().message_timetoken(1).request(), "action timetoken");
    refused(
        remove()
            .message_timetoken(1)
            .action_timetoken(2)
            .as_uuid("")
            .request(),
        "as_uuid",
    );

    let get = || c.get_message_actions().channel("ch");
    refused(get().limit(0).request(), "limit 0");
    refused(get().limit(101).request(), "limit 101");
    refused(get().start(5).end(5).request(), "empty range");

    refused(c.fetch_messages().request(), "at least one channel");
    refused(
        c.fetch_messages()
            .channels(["a", "b"])
            .include_actions(true)
            .request(),
        "exactly one channel",
    );
    refused(
        c.fetch_messages().channel("a").start(1).end(2).request(),
        "empty range",
    );

    refused(c.publish().channel("ch").request(), "message is required");
    refused(
        c.publish().message(json!(1)).request(),
        "channel is required",
    );
    let no_pub = client_with(Config::new("", "sub-c-1", "alice"));
    refused(
        no_pub.publish().channel("ch").message(json!(1)).request(),
        "publish_key",
    );
}

#[tokio::test]
async fn blocking_calls_refuse_to_run_inside_a_runtime() {
    let c = client();
    match c.time().execute_blocking() {
        Err(Error::InvalidInput(m)) => assert!(m.contains("async runtime"), "{m}"),
        other => panic!("{other:?}"),
    }
    let pager = c.get_message_actions().channel("ch").pager();
    assert!(matches!(
        pager.collect_all_blocking(),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        c.subscribe().channel("ch").execute_blocking(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn subscribe_execute_needs_a_runtime_and_valid_channels() {
    let c = client();
    match c.subscribe().channel("ch").execute() {
        Err(Error::InvalidInput(m)) => assert!(m.contains("tokio runtime"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        c.subscribe()
            .channels(Vec::<String>::new())
            .execute_blocking(),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn handles_futures_and_streams_can_move_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let c = client();
    send_sync(&c);
    send(&c.time().execute());
    send(&c.add_message_action().execute());
    send(&c.remove_message_action().execute());
    send(&c.get_message_actions().execute());
    send(&c.fetch_messages().execute());
    send(&c.publish().execute());
    let mut pager = c.get_message_actions().pager();
    send(&pager.next_page());
    send(&pager);
    send(&c.fetch_messages().pager());
    fn send_sync_type<T: Send + Sync>() {}
    send_sync_type::<crate::pubnub::Subscription>();
    send_sync_type::<Error>();
}
