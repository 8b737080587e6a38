//! Presence through the store: heartbeats and leaves, and the here-now and where-now answers,
//! over the in-memory registry of [`super::occupancy`].
//! It knows nothing of HTTP: it answers bytes.

use std::time::Duration;

use axum::body::Bytes;

use super::handle::Store;
pub use super::occupancy::{Heartbeat, HereNow};
use crate::server::render::presence::{
    Occupancy, Occupant, here_now_many, here_now_one, where_now,
};

impl Store {
    /// A subscribe or heartbeat keeps its user present.
    pub fn heartbeat(&self, h: &Heartbeat<'_>) {
        self.presence().heartbeat(h);
    }

    /// `uuid` left `channels`.
    pub fn leave(&self, sub_key: &str, uuid: &str, channels: &[String]) {
        self.presence().leave(sub_key, uuid, channels);
    }

    /// The here-now answer: the one-channel shape for one channel, else the several-channels
    /// shape (also for the whole keyset).
    pub fn here_now(&self, q: &HereNow) -> Bytes {
        let here = self.presence().here(&q.sub_key, q.channels.as_deref());
        let occupancies: Vec<Occupancy<'_>> = here
            .iter()
            .map(|(channel, users)| Occupancy {
                channel,
                occupancy: users.len(),
                occupants: users
                    .iter()
                    .skip(q.offset)
                    .take(q.limit)
                    .map(|(uuid, state)| Occupant {
                        uuid,
                        state: state.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        match (&q.channels, occupancies.as_slice()) {
            (Some(list), [one]) if list.len() == 1 => here_now_one(one, q.listing).into(),
            _ => here_now_many(&occupancies, q.listing).into(),
        }
    }

    /// The where-now answer: the channels `uuid` is present on.
    pub fn where_now(&self, sub_key: &str, uuid: &str) -> Bytes {
        where_now(&self.presence().where_now(sub_key, uuid)).into()
    }

    /// Moves the presence clock on, as if `by` had passed (tests of timeouts).
    #[doc(hidden)]
    pub fn advance_presence_clock(&self, by: Duration) {
        self.presence().advance(by);
    }
}
