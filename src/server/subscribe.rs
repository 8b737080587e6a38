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
use super::params::{self, Query};
use super::render;

/// Most items in one answer; the cursor then stops at the last one returned.
pub const MAX_ITEMS: usize = 100;

fn envelope(cursor: u64, items: &[String]) -> Reply {
    Reply::ok(render::subscribe::envelope(cursor, items))
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
