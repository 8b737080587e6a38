//! Who is present where, as PubNub Presence keeps it: a user is on a channel from a subscribe
//! or heartbeat naming it until its presence timeout passes without another (the request's
//! `heartbeat`, 300 s by default as the SDKs' `PRESENCE_TIMEOUT`), or until it leaves; with
//! the presence state it set per channel. Kept in memory only, as presence is not history.
//! Time is the presence clock: monotonic, and advanced by hand in tests so that timeouts are
//! tested without waiting. The store's presence methods are in [`super::presence`].
//! It must not touch SQLite, the hub or the store: it is a registry and nothing else.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::server::render::presence::Listing;

/// Sweep every keyset for timed-out users after this many heartbeats.
const SWEEP_EVERY: u64 = 1024;

/// One user on one channel.
#[derive(Debug, Clone)]
struct Here {
    /// On the presence clock.
    expires: Duration,
    /// Compact JSON, if the user set a state for the channel.
    state: Option<String>,
}

/// sub key -> channel -> uuid -> presence
type Keysets = HashMap<String, HashMap<String, BTreeMap<String, Here>>>;

/// Who is on a channel: `(uuid, state)` by uuid.
type Occupants = Vec<(String, Option<String>)>;

/// Presence of every keyset.
#[derive(Debug)]
pub struct Presence {
    keysets: Mutex<Keysets>,
    started: Instant,
    /// Added to the elapsed time, in milliseconds (tests).
    advanced_ms: AtomicU64,
    beats: AtomicU64,
}

impl Default for Presence {
    fn default() -> Self {
        Presence {
            keysets: Mutex::new(HashMap::new()),
            started: Instant::now(),
            advanced_ms: AtomicU64::new(0),
            beats: AtomicU64::new(0),
        }
    }
}

/// A user kept present: on `channels` of `sub_key` for `timeout` from now (a subscribe or a
/// heartbeat), with `(channel, compact JSON)` presence states to keep.
#[derive(Debug, Clone, Copy)]
pub struct Heartbeat<'a> {
    pub sub_key: &'a str,
    pub uuid: &'a str,
    pub channels: &'a [String],
    pub timeout: Duration,
    pub states: &'a [(String, String)],
}

/// A here-now request: the channels (`None`: every channel of the keyset), how occupants are
/// listed, and the page of them (`limit`, `offset`).
#[derive(Debug, Clone)]
pub struct HereNow {
    pub sub_key: String,
    pub channels: Option<Vec<String>>,
    pub listing: Listing,
    pub limit: usize,
    pub offset: usize,
}

impl Presence {
    /// Moves the presence clock on by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.advanced_ms.fetch_add(ms, Ordering::Relaxed);
    }

    fn now(&self) -> Duration {
        self.started.elapsed() + Duration::from_millis(self.advanced_ms.load(Ordering::Relaxed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Keysets> {
        self.keysets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user is on the channels for the timeout more, with the states given.
    pub fn heartbeat(&self, h: &Heartbeat<'_>) {
        let Heartbeat {
            sub_key,
            uuid,
            channels,
            timeout,
            states,
        } = *h;
        let now = self.now();
        let mut keysets = self.lock();
        if self.beats.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            sweep(&mut keysets, now);
        }
        let keyset = keysets.entry(sub_key.to_string()).or_default();
        for channel in channels {
            let here = keyset
                .entry(channel.clone())
                .or_default()
                .entry(uuid.to_string())
                .or_insert(Here {
                    expires: now,
                    state: None,
                });
            here.expires = now + timeout;
            if let Some((_, s)) = states.iter().find(|(c, _)| c == channel) {
                here.state = Some(s.clone());
            }
        }
    }

    pub fn leave(&self, sub_key: &str, uuid: &str, channels: &[String]) {
        let mut keysets = self.lock();
        let Some(keyset) = keysets.get_mut(sub_key) else {
            return;
        };
        for channel in channels {
            if let Some(users) = keyset.get_mut(channel) {
                users.remove(uuid);
                if users.is_empty() {
                    keyset.remove(channel);
                }
            }
        }
    }

    /// Who is on each channel now (every channel of the keyset when `None`), by channel name.
    pub fn here(&self, sub_key: &str, channels: Option<&[String]>) -> Vec<(String, Occupants)> {
        let now = self.now();
        let keysets = self.lock();
        let keyset = keysets.get(sub_key);
        let present = |channel: &str| -> Occupants {
            keyset
                .and_then(|k| k.get(channel))
                .map(|users| {
                    users
                        .iter()
                        .filter(|(_, h)| h.expires > now)
                        .map(|(u, h)| (u.clone(), h.state.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let names: Vec<String> = match channels {
            Some(list) => list.to_vec(),
            None => {
                let mut all: Vec<String> = keyset
                    .map(|k| k.keys().cloned().collect())
                    .unwrap_or_default();
                all.sort();
                all
            }
        };
        names
            .into_iter()
            .map(|c| {
                let users = present(&c);
                (c, users)
            })
            .collect()
    }

    pub fn where_now(&self, sub_key: &str, uuid: &str) -> Vec<String> {
        let now = self.now();
        let keysets = self.lock();
        let mut channels: Vec<String> = keysets
            .get(sub_key)
            .into_iter()
            .flat_map(|k| k.iter())
            .filter(|(_, users)| users.get(uuid).is_some_and(|h| h.expires > now))
            .map(|(c, _)| c.clone())
            .collect();
        channels.sort();
        channels
    }
}

/// Drops every timed-out user, and channels and keysets left empty.
fn sweep(keysets: &mut Keysets, now: Duration) {
    keysets.retain(|_, channels| {
        channels.retain(|_, users| {
            users.retain(|_, h| h.expires > now);
            !users.is_empty()
        });
        !channels.is_empty()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chans(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// `(sub key, uuid)` beats on `channels` for `seconds`, with `states`.
    fn beat(
        p: &Presence,
        (sub_key, uuid): (&str, &str),
        channels: &[&str],
        seconds: u64,
        states: &[(String, String)],
    ) {
        p.heartbeat(&Heartbeat {
            sub_key,
            uuid,
            channels: &chans(channels),
            timeout: Duration::from_secs(seconds),
            states,
        });
    }

    fn who(p: &Presence, channel: &str) -> Vec<String> {
        p.here("sk", Some(&chans(&[channel])))
            .remove(0)
            .1
            .into_iter()
            .map(|(u, _)| u)
            .collect()
    }

    #[test]
    fn heartbeats_expire_after_their_timeout_and_leave_removes_at_once() {
        let p = Presence::default();
        beat(&p, ("sk", "bob"), &["a", "b"], 60, &[]);
        beat(&p, ("sk", "alice"), &["a"], 300, &[]);
        beat(&p, ("other", "carol"), &["a"], 60, &[]);
        assert_eq!(who(&p, "a"), ["alice", "bob"]);
        assert_eq!(p.where_now("sk", "bob"), ["a", "b"]);
        p.advanced_ms.fetch_add(59_000, Ordering::Relaxed);
        beat(&p, ("sk", "bob"), &["b"], 60, &[]);
        p.advanced_ms.fetch_add(2_000, Ordering::Relaxed);
        assert_eq!(who(&p, "a"), ["alice"], "bob timed out on a");
        assert_eq!(p.where_now("sk", "bob"), ["b"], "and kept b by beating");
        p.leave("sk", "bob", &chans(&["b"]));
        assert!(p.where_now("sk", "bob").is_empty());
        let all: Vec<String> = p.here("sk", None).into_iter().map(|(c, _)| c).collect();
        assert_eq!(all, ["a"]);
    }

    #[test]
    fn states_are_kept_per_channel_until_replaced() {
        let p = Presence::default();
        let state = [("a".to_string(), r#"{"mood":"ok"}"#.to_string())];
        beat(&p, ("sk", "bob"), &["a", "b"], 60, &state);
        beat(&p, ("sk", "bob"), &["a"], 60, &[]);
        let here = p.here("sk", Some(&chans(&["a", "b"])));
        assert_eq!(
            here[0].1,
            [("bob".to_string(), Some(r#"{"mood":"ok"}"#.to_string()))]
        );
        assert_eq!(here[1].1, [("bob".to_string(), None)]);
    }

    #[test]
    fn sweeping_forgets_timed_out_users_and_empty_channels() {
        let p = Presence::default();
        beat(&p, ("sk", "bob"), &["a"], 1, &[]);
        p.advanced_ms.fetch_add(5_000, Ordering::Relaxed);
        let mut keysets = p.lock();
        sweep(&mut keysets, p.now());
        assert!(keysets.is_empty());
    }
}
