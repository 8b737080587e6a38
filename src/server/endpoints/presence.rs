//! Presence (reference section 4.4 and pubnub/python's recorded `here_now`/`where_now`
//! fixtures): heartbeat `GET /v2/presence/sub-key/{sk}/channel/{chs}/heartbeat` (present for
//! `heartbeat` seconds, with `state`), leave `.../channel/{chs}/leave`, here-now
//! `GET /v2/presence/sub-key/{sk}/channel/{chs}` (one channel and several answer in different
//! shapes; `disable_uuids`, `state`, `limit`, `offset`) and of the whole keyset
//! `GET /v2/presence/sub-key/{sk}`, and where-now `GET /v2/presence/sub-key/{sk}/uuid/{uuid}`.
//! Subscribes count as heartbeats too ([`Beat`], used by the subscribe endpoint).
//! Parsing and answering only: who is present is the store's.

use std::time::Duration;

use axum::body::Bytes;
use serde_json::Value;

use super::Handled;
use super::object_params;
use super::params::{self, InputError, Query};
use super::touch::Permissions;
use crate::server::render::presence::Listing;
use crate::server::store::{Heartbeat, HereNow, Store};

/// Access Manager: a heartbeat needs read on its channels (as here-now and state do); a leave
/// needs nothing.
pub const HEARTBEAT_NEEDS: Permissions = Permissions::READ;
/// Access Manager: here-now needs read on every channel asked about (operations mapping:
/// "Here Now: channel, read"). Where-now needs nothing ("None required"), and here-now of the
/// whole keyset only the secret (see `http::routes::Credential`).
pub const HERE_NOW_NEEDS: Permissions = Permissions::READ;

/// Presence timeout when a request names none (the SDKs' `PRESENCE_TIMEOUT`).
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 300;
/// Longest presence timeout (pubnub/javascript `PRESENCE_TIMEOUT_MAXIMUM`).
pub const MAX_TIMEOUT_SECONDS: u64 = 320;
/// Default and largest page of here-now occupants (pubnub/javascript `MAXIMUM_COUNT`).
pub const MAX_OCCUPANTS: u32 = 1000;
/// Channel names with this suffix carry presence events; being on them is not presence.
pub const PRESENCE_SUFFIX: &str = "-pnpres";

/// A request that keeps its user present: who, for how long, and with which states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beat {
    pub uuid: String,
    pub timeout: Duration,
    /// `(channel, compact JSON)`.
    pub states: Vec<(String, String)>,
}

impl Beat {
    /// The beat of a request, when it names its user (`uuid`). A `heartbeat` of 0 or that is
    /// not a number means the default; above the maximum, the maximum. `state` is a JSON object
    /// of channel to state; anything else in it is ignored.
    pub fn of(q: &Query) -> Option<Beat> {
        let uuid = q.get("uuid").filter(|u| !u.is_empty())?.to_string();
        let seconds = match q.get("heartbeat").and_then(|h| h.parse::<u64>().ok()) {
            Some(0) | None => DEFAULT_TIMEOUT_SECONDS,
            Some(s) => s.min(MAX_TIMEOUT_SECONDS),
        };
        let states = match q.get("state").map(serde_json::from_str::<Value>) {
            Some(Ok(Value::Object(m))) => m
                .into_iter()
                .filter(|(_, v)| v.is_object())
                .map(|(c, v)| (c, v.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        Some(Beat {
            uuid,
            timeout: Duration::from_secs(seconds),
            states,
        })
    }

    /// Marks the user present on `channels` (presence channels aside).
    pub fn keep(&self, store: &Store, sub_key: &str, channels: &[String]) {
        let real: Vec<String> = channels
            .iter()
            .filter(|c| !c.ends_with(PRESENCE_SUFFIX))
            .cloned()
            .collect();
        store.heartbeat(&Heartbeat {
            sub_key,
            uuid: &self.uuid,
            channels: &real,
            timeout: self.timeout,
            states: &self.states,
        });
    }
}

/// `GET /v2/presence/sub-key/{sk}/channel/{chs}/leave` or `/heartbeat`.
pub fn presence(store: &Store, sub_key: &str, channels: &str, leave: bool, q: &Query) -> Handled {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let channels = params::channel_list(channels)?;
    let beat = Beat::of(q);
    match (beat, leave) {
        (Some(b), true) => store.leave(&sub_key, &b.uuid, &channels),
        (Some(b), false) => b.keep(store, &sub_key, &channels),
        (None, _) => {}
    }
    Ok(Bytes::from_static(match leave {
        true => br#"{"status": 200, "message": "OK", "action": "leave", "service": "Presence"}"#,
        false => br#"{"status": 200, "message": "OK", "service": "Presence"}"#,
    }))
}

/// `GET /v2/presence/sub-key/{sk}/channel/{chs}` (`channels` given) or `/v2/presence/sub-key/{sk}`.
pub fn here_now(store: &Store, sub_key: &str, channels: Option<&str>, q: &Query) -> Handled {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let channels = channels.map(params::channel_list).transpose()?;
    let offset = match q.get("offset") {
        None | Some("") => 0,
        Some(o) => o
            .parse::<usize>()
            .map_err(|_| InputError::new("Invalid offset", "offset", "query"))?,
    };
    let request = HereNow {
        sub_key,
        channels: channels.filter(|c| !c.is_empty()),
        listing: Listing {
            uuids: !q.flag("disable_uuids"),
            state: q.flag("state"),
        },
        limit: q.page_size("limit", MAX_OCCUPANTS, MAX_OCCUPANTS)? as usize,
        offset,
    };
    Ok(store.here_now(&request))
}

/// `GET /v2/presence/sub-key/{sk}/uuid/{uuid}`.
pub fn where_now(store: &Store, sub_key: &str, uuid: &str) -> Handled {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let uuid = object_params::id(uuid, "uuid")?;
    Ok(store.where_now(&sub_key, &uuid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beats_read_uuid_timeout_and_state() {
        let b = Beat::of(
            &Query::parse(Some(
                "uuid=bob&heartbeat=60&state=%7B%22a%22%3A%7B%22mood%22%3A%22ok%22%7D%2C%22b%22%3A1%7D",
            ))
            .unwrap(),
        )
        .unwrap();
        assert_eq!(b.timeout, Duration::from_secs(60));
        assert_eq!(
            b.states,
            [("a".to_string(), r#"{"mood":"ok"}"#.to_string())]
        );
        let q = |s: &str| Beat::of(&Query::parse(Some(s)).unwrap()).map(|b| b.timeout.as_secs());
        assert_eq!(q("uuid=a"), Some(300));
        assert_eq!(q("uuid=a&heartbeat=0"), Some(300));
        assert_eq!(q("uuid=a&heartbeat=x"), Some(300));
        assert_eq!(q("uuid=a&heartbeat=9999"), Some(320));
        assert_eq!(q("heartbeat=60"), None);
    }
}
