//! Filling a channel with a synthetic [`Shape`] (`reactions demo synth`, the benchmarks):
//! straight into a [`Store`] in bulk writes of many rows each ([`fill_store`], quick: about a
//! second per hundred thousand actions), or through the API with one client per author
//! ([`fill_via_client`], for a remote service, where timetokens are the service's).
//! What is generated is [`crate::synthetic`]'s; this module only writes it.

use futures::StreamExt;
use futures::stream::{FuturesOrdered, FuturesUnordered};

use crate::pubnub::{self, Client, MessageAction};
use crate::server::{SeedMessage, Store, StoreError};
use crate::synthetic::{self, NEEDLE_USER, Shape};

/// Rows (messages and actions) in one bulk write.
const CHUNK_ROWS: usize = 20_000;
/// Requests in flight at once through the API.
const IN_FLIGHT: usize = 32;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filled {
    pub messages: usize,
    pub actions: usize,
}

/// Writes `shape` into `channel` of `store`, oldest first, in bulk writes of about
/// [`CHUNK_ROWS`] rows; `progress` is told how many messages are written so far after each.
/// Rows already stored are kept (so a second run adds nothing).
pub async fn fill_store(
    store: &Store,
    sub_key: &str,
    channel: &str,
    shape: Shape,
    mut progress: impl FnMut(usize),
) -> Result<Filled, StoreError> {
    let mut filled = Filled {
        messages: 0,
        actions: 0,
    };
    let mut n = 0;
    while n < shape.messages {
        let (mut messages, mut actions) = (Vec::new(), Vec::new());
        while n < shape.messages && messages.len() + actions.len() < CHUNK_ROWS {
            messages.push(SeedMessage {
                timetoken: synthetic::message_tt(n).get(),
                publisher: synthetic::author(n, shape.users),
                payload: synthetic::payload(n).to_string(),
            });
            actions.extend(shape.actions_on(n));
            n += 1;
        }
        filled.messages += messages.len();
        filled.actions += actions.len();
        store
            .insert_many(sub_key, channel, messages, actions)
            .await?;
        progress(n);
    }
    Ok(filled)
}

/// Writes `shape` into `channel` through the API: each message published by its author, then
/// each action added by its author (`config` with each author's user id), [`IN_FLIGHT`]
/// requests at a time; `progress` is told how many actions are added so far, now and then.
/// The service gives the timetokens, so only the shape is the same as [`fill_store`]'s.
pub async fn fill_via_client(
    config: &pubnub::Config,
    channel: &str,
    shape: Shape,
    mut progress: impl FnMut(usize),
) -> pubnub::Result<Filled> {
    let names: Vec<String> = (0..shape.users)
        .map(|u| synthetic::author(u, shape.users))
        .collect();
    let mut authors = Vec::with_capacity(shape.users);
    for name in &names {
        let mut c = config.clone();
        c.user_id = name.clone();
        authors.push(Client::new(c)?);
    }
    let needle = {
        let mut c = config.clone();
        c.user_id = NEEDLE_USER.to_string();
        Client::new(c)?
    };
    let mut tts = Vec::with_capacity(shape.messages);
    let mut running = FuturesOrdered::new();
    for n in 0..shape.messages {
        if running.len() >= IN_FLIGHT
            && let Some(tt) = running.next().await
        {
            tts.push(tt?);
        }
        let author = &authors[n % authors.len().max(1)];
        running.push_back(
            author
                .publish()
                .channel(channel)
                .message(synthetic::payload(n))
                .execute(),
        );
    }
    while let Some(tt) = running.next().await {
        tts.push(tt?);
    }
    let mut actions = 0usize;
    let mut running = FuturesUnordered::new();
    for (n, tt) in tts.iter().enumerate() {
        for a in shape.actions_on(n) {
            if running.len() >= IN_FLIGHT
                && let Some(done) = running.next().await
            {
                done?;
                actions += 1;
                if actions % 10_000 == 0 {
                    progress(actions);
                }
            }
            let author = names
                .iter()
                .position(|name| *name == a.uuid)
                .and_then(|u| authors.get(u))
                .unwrap_or(&needle);
            running.push(
                author
                    .add_message_action()
                    .channel(channel)
                    .message_action(MessageAction {
                        action_type: a.action_type,
                        value: a.value,
                        message_timetoken: *tt,
                    })
                    .execute(),
            );
        }
    }
    while let Some(done) = running.next().await {
        done?;
        actions += 1;
    }
    Ok(Filled {
        messages: tts.len(),
        actions,
    })
}
