//! Subscribe v2 long poll (reference section 4): the handshake answers with the current
//! cursor, a poll with the events after its cursor (waiting for them in the store).
//!
//! A subscribe keeps its user present on its channels, like a heartbeat (before and after the
//! poll). Not served (accepted and ignored): channel groups, `filter-expr` and presence events;
//! `tr` is ignored and every cursor has region 1.
//! Waiting is the store's ([`Store::poll`]); this file must not touch the hub or the clock.

use std::time::Duration;

use super::Handled;
use super::params::{self, Query};
use super::presence::Beat;
use super::touch::Permissions;
use crate::server::render;
use crate::server::store::{Polled, Store};

/// Access Manager: subscribing needs read on every channel and channel group.
pub const NEEDS: Permissions = Permissions::READ;

/// `GET /v2/subscribe/{sub_key}/{channels}/0?tt=..`: the handshake answers at once with the
/// current cursor; a poll answers as soon as there are events newer than `tt` on its channels,
/// or after the long-poll time with none.
pub async fn subscribe(
    store: &Store,
    long_poll: Duration,
    sub_key: &str,
    channels: &str,
    q: &Query,
) -> Handled {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let channels = params::channel_list(channels)?;
    let tt = q.timetoken("tt")?;
    let beat = Beat::of(q);
    if let Some(b) = &beat {
        b.keep(store, &sub_key, &channels);
    }
    let polled = match tt {
        None | Some(0) => Polled {
            cursor: store.cursor().get(),
            items: Vec::new(),
        },
        Some(after) => {
            tracing::debug!(sub_key, ?channels, after, "long poll");
            store.poll(&sub_key, &channels, after, long_poll).await
        }
    };
    if let Some(b) = &beat {
        b.keep(store, &sub_key, &channels);
    }
    Ok(render::subscribe::envelope(polled.cursor, &polled.items).into())
}
