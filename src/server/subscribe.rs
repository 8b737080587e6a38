//! Subscribe v2 long poll (reference section 4): the handshake, waiting on the hub, and the
//! envelope items for messages and message-action events (`e: 3`, acting uuid in `i`).
//!
//! Items are rendered once, on the writer thread, when their write commits; a poll only
//! concatenates them, so many subscribers cost little.
//!
//! Not served (accepted and ignored): channel groups, `filter-expr`, presence state and
//! presence events; `tr` is ignored and every cursor has region 1.

use tokio::time::Instant;

use super::App;
use super::errors::{Handled, Reply};
use super::hub::Woken;
use super::json::{into_text, push_key, push_str, push_tt, push_u64};
use super::params::{self, Query};
use super::writer::NewMessage;
use crate::pubnub::wire::EVENT_MESSAGE_ACTION;
use crate::pubnub::{ActionEventKind, StoredAction};

/// Region reported in every cursor and item.
pub const REGION: u32 = 1;
/// Most items in one answer; the cursor then stops at the last one returned.
pub const MAX_ITEMS: usize = 100;

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
pub fn message_item(m: &NewMessage, tt: u64) -> String {
    let mut out = Vec::with_capacity(96 + m.payload.len() + m.channel.len());
    push_item_head(&mut out, &m.channel);
    out.extend_from_slice(m.payload.as_bytes());
    push_item_tail(&mut out, &m.publisher, &m.sub_key, tt);
    if let Some(seqn) = m.seqn {
        out.extend_from_slice(b",\"s\":");
        push_u64(&mut out, seqn);
    }
    if let Some(meta) = &m.meta {
        out.extend_from_slice(b",\"u\":");
        out.extend_from_slice(meta.as_bytes());
    }
    if let Some(cmt) = &m.custom_message_type {
        out.extend_from_slice(b",\"cmt\":");
        push_str(&mut out, cmt);
    }
    out.push(b'}');
    into_text(out)
}

/// The envelope item of an action event; `i` is the acting uuid.
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

fn envelope(cursor: u64, items: &[String]) -> Reply {
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
    Reply::ok(out)
}

/// `GET /v2/subscribe/{sub_key}/{channels}/0?tt=..`: the handshake answers at once with the
/// current cursor; a poll answers as soon as there are events newer than `tt` on its channels,
/// or after the long-poll time with none.
pub async fn subscribe(app: &App, sub_key: &str, channels: &str, q: &Query) -> Handled {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let channels = params::channel_list(channels)?;
    let clock = app.store.clock();
    let after = match q.timetoken("tt")? {
        None | Some(0) => return Ok(envelope(clock.cursor().get(), &[])),
        Some(tt) => tt,
    };
    let hub = app.store.hub();
    let mut waiter = hub.waiter(&sub_key, &channels);
    let deadline = Instant::now() + app.long_poll;
    let mut last_look = false;
    loop {
        let upto = clock.cursor().get();
        let (items, last) = hub.collect(&sub_key, &channels, after, upto, MAX_ITEMS);
        if !items.is_empty() || last_look || hub.is_closing() {
            // A full answer stops at its last item, so the next poll picks up the rest.
            let next = match items.len() >= MAX_ITEMS {
                true => last.unwrap_or(upto),
                false => upto,
            };
            return Ok(envelope(next.max(after), &items));
        }
        // After a timeout or on shutdown, one last look, so an event that landed with the
        // deadline is not held back.
        last_look = waiter.wait(deadline).await != Woken::Event;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::Timetoken;
    use crate::pubnub::wire::{ActionEventPayload, SubscribeEnvelope};

    #[test]
    fn items_parse_as_the_wire_shapes_the_client_reads() {
        let m = NewMessage {
            sub_key: "sk".into(),
            channel: "chats.room1".into(),
            publisher: "alice".into(),
            payload: r#"{"text":"hi \"you\""}"#.into(),
            meta: Some(r#"{"k":1}"#.into()),
            custom_message_type: None,
            seqn: Some(3),
            store: true,
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
        let reply = envelope(21, &items);
        let env: SubscribeEnvelope = serde_json::from_slice(&reply.body).unwrap();
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
}
