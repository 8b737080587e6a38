//! Subscribe v2 answers (reference section 4): the envelope `{"t":{"t","r"},"m":[..]}` and its
//! items, for a published message, a signal (`e: 1`, as pubnub/swift's canned
//! `subscription_signal_success.json`), an App Context event (`e: 2`, no `i`, as
//! `subscription_uuidSet_success.json`) and a message-action event (`e: 3`, acting uuid in `i`).
//! Items are rendered once, when their write commits, and a poll only concatenates them.
//! Pure: what is delivered to whom is the store's business.

use super::json::{into_text, push_key, push_str, push_tt, push_u64};
use crate::pubnub::wire::EVENT_MESSAGE_ACTION;
use crate::pubnub::{ActionEventKind, StoredAction};

/// Region reported in every cursor and item.
pub const REGION: u32 = 1;

/// A published message, as its envelope item shows it.
#[derive(Debug, Clone, Copy)]
pub struct Published<'a> {
    pub sub_key: &'a str,
    pub channel: &'a str,
    pub publisher: &'a str,
    /// Compact JSON text.
    pub payload: &'a str,
    /// Compact JSON text.
    pub meta: Option<&'a str>,
    pub custom_message_type: Option<&'a str>,
    pub seqn: Option<u64>,
}

fn push_cursor(out: &mut Vec<u8>, tt: u64) {
    out.extend_from_slice(b"{\"t\":");
    push_tt(out, tt);
    out.extend_from_slice(b",\"r\":");
    push_u64(out, u64::from(REGION));
    out.push(b'}');
}

/// The common head of an item: `{"a":"1","c":<channel>,"d":` (the payload follows).
fn push_item_head(out: &mut Vec<u8>, channel: &str) {
    out.extend_from_slice(b"{\"a\":\"1\",\"c\":");
    push_str(out, channel);
    out.extend_from_slice(b",\"d\":");
}

/// The common tail: `,"f":0,"i":<uuid>,"k":<sub key>,"p":{..}` (the object stays open).
fn push_item_tail(out: &mut Vec<u8>, uuid: &str, sub_key: &str, tt: u64) {
    out.extend_from_slice(b",\"f\":0");
    if !uuid.is_empty() {
        out.extend_from_slice(b",\"i\":");
        push_str(out, uuid);
    }
    out.extend_from_slice(b",\"k\":");
    push_str(out, sub_key);
    out.extend_from_slice(b",\"p\":");
    push_cursor(out, tt);
}

/// The envelope item of a published message (no `e`: a regular message).
pub fn message_item(m: &Published<'_>, tt: u64) -> String {
    published_item(m, tt, None)
}

/// The envelope item of a signal: a message with `"e":1` (never stored).
pub fn signal_item(m: &Published<'_>, tt: u64) -> String {
    published_item(m, tt, Some(EVENT_SIGNAL))
}

/// `e` of a signal.
pub const EVENT_SIGNAL: u8 = 1;
/// `e` of an App Context (objects) event.
pub const EVENT_OBJECTS: u8 = 2;

fn published_item(m: &Published<'_>, tt: u64, event: Option<u8>) -> String {
    let mut out = Vec::with_capacity(96 + m.payload.len() + m.channel.len());
    push_item_head(&mut out, m.channel);
    out.extend_from_slice(m.payload.as_bytes());
    if let Some(e) = event {
        out.extend_from_slice(b",\"e\":");
        push_u64(&mut out, u64::from(e));
    }
    push_item_tail(&mut out, m.publisher, m.sub_key, tt);
    if let Some(seqn) = m.seqn {
        out.extend_from_slice(b",\"s\":");
        push_u64(&mut out, seqn);
    }
    if let Some(meta) = m.meta {
        out.extend_from_slice(b",\"u\":");
        out.extend_from_slice(meta.as_bytes());
    }
    if let Some(cmt) = m.custom_message_type {
        out.extend_from_slice(b",\"cmt\":");
        push_str(&mut out, cmt);
    }
    out.push(b'}');
    into_text(out)
}

/// The envelope item of an action event at `tt`; `i` is the acting uuid.
pub fn action_item(
    sub_key: &str,
    channel: &str,
    tt: u64,
    a: &StoredAction,
    kind: ActionEventKind,
) -> String {
    let mut out = Vec::with_capacity(256);
    push_item_head(&mut out, channel);
    out.extend_from_slice(b"{\"source\":\"actions\",\"version\":\"1.0\",\"data\":{");
    push_key(&mut out, "messageTimetoken");
    push_tt(&mut out, a.message_timetoken.get());
    out.push(b',');
    push_key(&mut out, "type");
    push_str(&mut out, &a.action_type);
    out.push(b',');
    push_key(&mut out, "value");
    push_str(&mut out, &a.value);
    out.push(b',');
    push_key(&mut out, "actionTimetoken");
    push_tt(&mut out, a.action_timetoken.get());
    out.extend_from_slice(b"},\"event\":");
    push_str(
        &mut out,
        match kind {
            ActionEventKind::Added => "added",
            ActionEventKind::Removed => "removed",
        },
    );
    out.extend_from_slice(b"},\"e\":");
    push_u64(&mut out, u64::from(EVENT_MESSAGE_ACTION));
    push_item_tail(&mut out, &a.uuid, sub_key, tt);
    out.push(b'}');
    into_text(out)
}

/// The envelope item of an App Context event on `channel` (the user's or channel's own
/// name): `d` is the event (see [`super::objects::object_event`]), and there is no `i`.
pub fn objects_item(sub_key: &str, channel: &str, tt: u64, event: &[u8]) -> String {
    let mut out = Vec::with_capacity(96 + event.len() + channel.len());
    push_item_head(&mut out, channel);
    out.extend_from_slice(event);
    out.extend_from_slice(b",\"e\":");
    push_u64(&mut out, u64::from(EVENT_OBJECTS));
    push_item_tail(&mut out, "", sub_key, tt);
    out.push(b'}');
    into_text(out)
}

/// The answer to a poll: the next cursor and the items, in order.
pub fn envelope(cursor: u64, items: &[String]) -> Vec<u8> {
    let len: usize = items.iter().map(|i| i.len() + 1).sum();
    let mut out = Vec::with_capacity(48 + len);
    out.extend_from_slice(b"{\"t\":");
    push_cursor(&mut out, cursor);
    out.extend_from_slice(b",\"m\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.as_bytes());
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::Timetoken;
    use crate::pubnub::wire::{ActionEventPayload, SubscribeEnvelope};

    #[test]
    fn items_parse_as_the_wire_shapes_the_client_reads() {
        let m = Published {
            sub_key: "sk",
            channel: "chats.room1",
            publisher: "alice",
            payload: r#"{"text":"hi \"you\""}"#,
            meta: Some(r#"{"k":1}"#),
            custom_message_type: None,
            seqn: Some(3),
        };
        let a = StoredAction {
            action_timetoken: Timetoken(20),
            message_timetoken: Timetoken(10),
            action_type: "reaction".into(),
            uuid: "bob".into(),
            value: "👍".into(),
        };
        let items = vec![
            message_item(&m, 10),
            action_item("sk", "chats.room1", 21, &a, ActionEventKind::Removed),
        ];
        let body = envelope(21, &items);
        let env: SubscribeEnvelope = serde_json::from_slice(&body).unwrap();
        assert_eq!(env.t.t, Timetoken(21));
        let msg = &env.m[0];
        assert_eq!(
            (msg.e, msg.i.as_deref(), msg.s),
            (None, Some("alice"), Some(3))
        );
        assert_eq!(msg.d["text"], "hi \"you\"");
        assert_eq!(msg.u.as_ref().unwrap()["k"], 1);
        let ev = &env.m[1];
        assert_eq!(
            (ev.e, ev.i.as_deref(), ev.p.t),
            (Some(3), Some("bob"), Timetoken(21))
        );
        let d: ActionEventPayload = serde_json::from_value(ev.d.clone()).unwrap();
        assert_eq!(d.event, "removed");
        assert_eq!(d.data.value, "👍");
        assert_eq!(d.data.action_timetoken, Timetoken(20));
    }

    #[test]
    fn signals_and_objects_events_carry_their_event_type() {
        let m = Published {
            sub_key: "sk",
            channel: "chats.group1",
            publisher: "bob",
            payload: r#"{"type":"typing","value":true}"#,
            meta: None,
            custom_message_type: None,
            seqn: None,
        };
        let items = vec![
            signal_item(&m, 7),
            objects_item("sk", "bob", 8, br#"{"source":"objects","version":"2.0"}"#),
        ];
        let env: serde_json::Value = serde_json::from_slice(&envelope(8, &items)).unwrap();
        let (signal, objects) = (&env["m"][0], &env["m"][1]);
        assert_eq!(
            (&signal["e"], &signal["i"]),
            (&serde_json::json!(1), &serde_json::json!("bob"))
        );
        assert_eq!(signal["d"]["type"], "typing");
        assert_eq!(objects["e"], 2);
        assert_eq!(objects["c"], "bob");
        assert_eq!(objects.get("i"), None, "objects events name no publisher");
        assert_eq!(objects["d"]["source"], "objects");
        let parsed: SubscribeEnvelope = serde_json::from_value(env).unwrap();
        assert_eq!(parsed.m.len(), 2);
    }
}
