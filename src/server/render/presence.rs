//! Presence answers, spaced as the service writes them (recorded in pubnub/python's fixtures
//! `tests/integrational/fixtures/asyncio/here_now/*.yaml` and `where_now/*.yaml`): here-now of
//! one channel `{"status": 200, "message": "OK", "service": "Presence", "uuids": [..],
//! "occupancy": n}`, of several `{"status": 200, "message": "OK", "payload": {"channels":
//! {..}, "total_channels": n, "total_occupancy": n}, "service": "Presence"}`, and where-now
//! `{"status": 200, "message": "OK", "payload": {"channels": [..]}, "service": "Presence"}`.
//! With `state=1` each uuid is `{"uuid"[, "state"]}`; with `disable_uuids=1` there are none.
//! Pure: who is present is the store's business.

use super::json::{push_key, push_str};

/// One user present on a channel, with its presence state (compact JSON) if it set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupant<'a> {
    pub uuid: &'a str,
    pub state: Option<&'a str>,
}

/// Who is present on one channel: everyone counted, the page of them listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupancy<'a> {
    pub channel: &'a str,
    pub occupancy: usize,
    pub occupants: Vec<Occupant<'a>>,
}

/// How occupants are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listing {
    /// `disable_uuids` not set.
    pub uuids: bool,
    /// `state=1`.
    pub state: bool,
}

fn push_uuids(out: &mut Vec<u8>, o: &Occupancy<'_>, listing: Listing) {
    out.extend_from_slice(b"\"uuids\": [");
    for (i, u) in o.occupants.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        if !listing.state {
            push_str(out, u.uuid);
            continue;
        }
        out.extend_from_slice(b"{\"uuid\": ");
        push_str(out, u.uuid);
        if let Some(state) = u.state {
            out.extend_from_slice(b", \"state\": ");
            out.extend_from_slice(state.as_bytes());
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"], ");
}

/// Here-now of one channel.
pub fn here_now_one(o: &Occupancy<'_>, listing: Listing) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + o.occupants.len() * 32);
    out.extend_from_slice(b"{\"status\": 200, \"message\": \"OK\", \"service\": \"Presence\", ");
    if listing.uuids {
        push_uuids(&mut out, o, listing);
    }
    out.extend_from_slice(format!("\"occupancy\": {}}}", o.occupancy).as_bytes());
    out
}

/// Here-now of several channels (or of the whole keyset): channels nobody is on are left out.
pub fn here_now_many(all: &[Occupancy<'_>], listing: Listing) -> Vec<u8> {
    let mut out = Vec::with_capacity(160 + all.len() * 64);
    out.extend_from_slice(b"{\"status\": 200, \"message\": \"OK\", \"payload\": {\"channels\": {");
    let present: Vec<&Occupancy<'_>> = all.iter().filter(|o| o.occupancy > 0).collect();
    for (i, o) in present.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        push_key(&mut out, o.channel);
        out.extend_from_slice(b" {");
        if listing.uuids {
            push_uuids(&mut out, o, listing);
        }
        out.extend_from_slice(format!("\"occupancy\": {}}}", o.occupancy).as_bytes());
    }
    let total: usize = present.iter().map(|o| o.occupancy).sum();
    out.extend_from_slice(
        format!(
            "}}, \"total_channels\": {}, \"total_occupancy\": {total}}}, \"service\": \"Presence\"}}",
            present.len()
        )
        .as_bytes(),
    );
    out
}

/// Where-now: the channels a user is present on.
pub fn where_now(channels: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + channels.len() * 24);
    out.extend_from_slice(b"{\"status\": 200, \"message\": \"OK\", \"payload\": {\"channels\": [");
    for (i, c) in channels.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        push_str(&mut out, c);
    }
    out.extend_from_slice(b"]}, \"service\": \"Presence\"}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    fn one(uuid: &'static str) -> Occupancy<'static> {
        Occupancy {
            channel: "test-here-now-asyncio-ch",
            occupancy: 1,
            occupants: vec![Occupant { uuid, state: None }],
        }
    }

    #[test]
    fn answers_are_byte_for_byte_the_recorded_ones() {
        let listed = Listing {
            uuids: true,
            state: false,
        };
        // asyncio/here_now/single_channel.yaml
        assert_eq!(
            text(here_now_one(&one("test-here-now-asyncio-uuid1"), listed)),
            r#"{"status": 200, "message": "OK", "service": "Presence", "uuids": ["test-here-now-asyncio-uuid1"], "occupancy": 1}"#
        );
        assert_eq!(
            text(here_now_one(
                &one("test-here-now-asyncio-uuid1"),
                Listing {
                    uuids: true,
                    state: true
                }
            )),
            r#"{"status": 200, "message": "OK", "service": "Presence", "uuids": [{"uuid": "test-here-now-asyncio-uuid1"}], "occupancy": 1}"#
        );
        // asyncio/here_now/multiple_channels.yaml
        let mut two = one("test-here-now-asyncio-uuid1");
        two.channel = "test-here-now-asyncio-ch2";
        let none = Occupancy {
            channel: "empty",
            occupancy: 0,
            occupants: vec![],
        };
        assert_eq!(
            text(here_now_many(&[two, none], listed)),
            r#"{"status": 200, "message": "OK", "payload": {"channels": {"test-here-now-asyncio-ch2": {"uuids": ["test-here-now-asyncio-uuid1"], "occupancy": 1}}, "total_channels": 1, "total_occupancy": 1}, "service": "Presence"}"#
        );
        // asyncio/where_now/single_channel.yaml
        assert_eq!(
            text(where_now(&["test-where-now-asyncio-ch".into()])),
            r#"{"status": 200, "message": "OK", "payload": {"channels": ["test-where-now-asyncio-ch"]}, "service": "Presence"}"#
        );
    }

    #[test]
    fn state_and_disabled_uuids() {
        let o = Occupancy {
            channel: "c",
            occupancy: 2,
            occupants: vec![
                Occupant {
                    uuid: "a",
                    state: Some(r#"{"mood":"ok"}"#),
                },
                Occupant {
                    uuid: "b",
                    state: None,
                },
            ],
        };
        let v: serde_json::Value = serde_json::from_slice(&here_now_one(
            &o,
            Listing {
                uuids: true,
                state: true,
            },
        ))
        .unwrap();
        assert_eq!(
            v["uuids"],
            serde_json::json!([{"uuid":"a","state":{"mood":"ok"}},{"uuid":"b"}])
        );
        let v: serde_json::Value =
            serde_json::from_slice(&here_now_many(&[o], Listing::default())).unwrap();
        assert_eq!(
            v["payload"]["channels"]["c"],
            serde_json::json!({"occupancy": 2})
        );
    }
}
