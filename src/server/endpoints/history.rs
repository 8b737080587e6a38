//! Fetch messages (reference section 2): `GET /v3/history/sub-key/{sk}/channel/{ch1,ch2,..}`
//! and `GET /v3/history-with-actions/sub-key/{sk}/channel/{ch}`: the newest `max` messages with
//! `end <= timetoken < start`, ascending, with the `include_*` fields asked for and, on the
//! second path, each message's actions grouped type -> value -> authors.
//! Parsing and answering only: the page itself comes from [`Store::history_page`].

use super::Handled;
use super::params::{self, InputError, Query};
use super::touch::Permissions;
use crate::server::render::history::Include;
use crate::server::sqlite::Range;
use crate::server::store::{HistoryQuery, Store};

/// Access Manager: fetching history needs read on every channel fetched.
pub const NEEDS: Permissions = Permissions::READ;

/// Default and largest `max` for one channel.
pub const MAX_ONE_CHANNEL: u32 = 100;
/// Default and largest `max` for several channels, and with actions.
pub const MAX_SEVERAL_OR_WITH_ACTIONS: u32 = 25;

fn parse(
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Result<HistoryQuery, InputError> {
    let sub_key = params::key(sub_key, "subscribe key")?;
    let mut list = params::channel_list(channels)?;
    list.dedup();
    if list.is_empty() {
        return Err(InputError::new(
            "Invalid channel: none given",
            "channel",
            "path",
        ));
    }
    if with_actions && list.len() > 1 {
        return Err(InputError::new(
            "Only one channel may be fetched with message actions",
            "channel",
            "path",
        ));
    }
    let cap = match (with_actions, list.len()) {
        (false, 1) => MAX_ONE_CHANNEL,
        _ => MAX_SEVERAL_OR_WITH_ACTIONS,
    };
    Ok(HistoryQuery {
        sub_key,
        channels: list,
        range: Range {
            start: q.timetoken("start")?,
            end: q.timetoken("end")?,
        },
        max: q.page_size("max", cap, cap)?,
        include: Include {
            meta: q.flag("include_meta"),
            uuid: q.flag("include_uuid"),
            message_type: q.flag("include_message_type"),
            custom_message_type: q.flag("include_custom_message_type"),
        },
        with_actions,
    })
}

/// `GET /v3/history/...` (`with_actions` false) or `/v3/history-with-actions/...`.
pub fn fetch(
    store: &Store,
    sub_key: &str,
    channels: &str,
    q: &Query,
    with_actions: bool,
) -> Handled {
    let page = parse(sub_key, channels, q, with_actions)?;
    Ok(store.history_page(&page)?)
}
