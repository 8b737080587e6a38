//! Fetch messages (history v3, reference section 2): one or several channels, optionally with
//! each message's actions (`/v3/history-with-actions`, one channel only), and a pager that walks
//! back in time. [`decode`] reads an answer exactly as the client does.

use std::collections::{BTreeMap, BTreeSet};

use percent_encoding::percent_decode_str;
use reqwest::Method;
use serde_json::Value;

use super::answer::parse_success;
use super::client::{
    Client, Endpoint, Request, channel_list, channels_setters, check_range, executable,
    range_setters,
};
use super::pager::{Cursor, Pager};
use super::wire::HistoryEnvelope;
use super::{Error, HistoryMessage, HistoryPage, Result, Timetoken};

/// Most messages one request returns for a single channel without actions.
pub const MAX_ONE_CHANNEL: u32 = 100;
/// Most messages per channel for several channels, or for one channel with actions.
pub const MAX_SEVERAL_OR_WITH_ACTIONS: u32 = 25;

/// Walks history back in time; see [`FetchMessages::pager`].
pub type HistoryPager = Pager<HistoryMessage>;

impl Client {
    /// Fetches stored messages: the newest `max` per channel older than `start` and not older
    /// than `end`, oldest first. Publisher uuids are included unless turned off.
    pub fn fetch_messages(&self) -> FetchMessages {
        FetchMessages {
            client: self.clone(),
            channels: Vec::new(),
            include_actions: false,
            start: None,
            end: None,
            max: None,
            include_meta: false,
            include_uuid: true,
        }
    }
}

/// Builder of [`Client::fetch_messages`].
#[derive(Debug, Clone)]
pub struct FetchMessages {
    client: Client,
    channels: Vec<String>,
    include_actions: bool,
    start: Option<Timetoken>,
    end: Option<Timetoken>,
    max: Option<u32>,
    include_meta: bool,
    include_uuid: bool,
}

impl FetchMessages {
    channels_setters!();

    /// Include each message's actions (one channel only: more is refused).
    pub fn include_actions(mut self, include: bool) -> Self {
        self.include_actions = include;
        self
    }

    range_setters!("messages");

    /// Messages per channel. Clamped as the SDKs do: out of 1..=100 for one channel, or 1..=25 for
    /// several channels or with actions, it becomes that maximum.
    pub fn max(mut self, max: u32) -> Self {
        self.max = Some(max);
        self
    }

    pub fn include_meta(mut self, include: bool) -> Self {
        self.include_meta = include;
        self
    }

    pub fn include_uuid(mut self, include: bool) -> Self {
        self.include_uuid = include;
        self
    }

    fn distinct_channels(&self) -> BTreeSet<String> {
        self.channels.iter().cloned().collect()
    }

    /// The `max` that is sent.
    pub fn effective_max(&self) -> u32 {
        let cap = if self.include_actions || self.distinct_channels().len() > 1 {
            MAX_SEVERAL_OR_WITH_ACTIONS
        } else {
            MAX_ONE_CHANNEL
        };
        match self.max {
            Some(max) if (1..=cap).contains(&max) => max,
            _ => cap,
        }
    }

    /// A pager that walks back in time from `start` (or now) to `end` (or the beginning), each
    /// request starting below the messages already delivered, until nothing older comes back.
    pub fn pager(self) -> HistoryPager {
        let cursor = HistoryCursor::new(self.start, self.end, self.distinct_channels());
        let client = self.client.clone();
        Pager::over(cursor, client, move |start| FetchMessages {
            start,
            ..self.clone()
        })
    }
}

impl Endpoint for FetchMessages {
    type Output = HistoryPage;

    fn request(&self) -> Result<Request> {
        let list = channel_list(&self.channels)?;
        let sub_key = self.client.sub_key_segment();
        let path = if self.include_actions {
            if self.distinct_channels().len() != 1 {
                return Err(Error::InvalidInput(
                    "history with actions takes exactly one channel".into(),
                ));
            }
            format!("/v3/history-with-actions/sub-key/{sub_key}/channel/{list}")
        } else {
            format!("/v3/history/sub-key/{sub_key}/channel/{list}")
        };
        check_range(self.start, self.end)?;
        Ok(Request::new(Method::GET, path)
            .param("max", self.effective_max())
            .param_opt("start", self.start)
            .param_opt("end", self.end)
            .param("include_meta", self.include_meta)
            .param("include_uuid", self.include_uuid))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<HistoryPage> {
        let mut page = decode(status, body)?;
        restore_channel_names(&mut page, &self.channels);
        Ok(page)
    }
}
executable!(FetchMessages => HistoryPage);

/// Reads a history answer: every channel's messages flattened, each channel oldest first, a
/// requested-but-absent `meta` (sent as `""`) as `None`, actions empty when there are none.
pub fn decode(status: u16, body: &[u8]) -> Result<HistoryPage> {
    let envelope: HistoryEnvelope = parse_success(status, body)?;
    if envelope.error {
        return Err(Error::from_status(
            envelope.status,
            envelope.error_message,
            Vec::new(),
        ));
    }
    let mut messages = Vec::new();
    for (channel, mut items) in envelope.channels {
        items.sort_by_key(|item| item.timetoken);
        messages.extend(items.into_iter().map(|item| {
            HistoryMessage {
                channel: channel.clone(),
                timetoken: item.timetoken,
                message: item.message,
                meta: item
                    .meta
                    .filter(|m| !m.is_null() && *m != Value::String(String::new())),
                uuid: item.uuid,
                custom_message_type: item.custom_message_type,
                actions: item.actions.unwrap_or_default(),
            }
        }));
    }
    Ok(HistoryPage {
        messages,
        more: envelope.more.map(Into::into),
    })
}

/// The service may return channel names percent-encoded (`encode_channels`); give back the
/// names as requested.
fn restore_channel_names(page: &mut HistoryPage, requested: &[String]) {
    for message in &mut page.messages {
        if requested.contains(&message.channel) {
            continue;
        }
        if let Ok(decoded) = percent_decode_str(&message.channel).decode_utf8()
            && requested.iter().any(|r| *r == decoded)
        {
            message.channel = decoded.into_owned();
        }
    }
}

/// Paging over history. One `start` serves every channel, so the next request starts at the
/// newest of the channels' oldest delivered messages; what a channel returns again is dropped,
/// and a channel that returns nothing is done.
#[derive(Debug)]
pub(crate) struct HistoryCursor {
    start: Option<Timetoken>,
    end: Option<Timetoken>,
    /// Requested channels still returning messages.
    live: BTreeSet<String>,
    /// Oldest delivered message of every channel seen, requested or not.
    oldest: BTreeMap<String, Timetoken>,
    done: bool,
}

impl HistoryCursor {
    pub fn new(
        start: Option<Timetoken>,
        end: Option<Timetoken>,
        channels: BTreeSet<String>,
    ) -> Self {
        HistoryCursor {
            start,
            end,
            live: channels,
            oldest: BTreeMap::new(),
            done: false,
        }
    }
}

impl Cursor for HistoryCursor {
    type Next = Option<Timetoken>;
    type Page = HistoryPage;
    type Item = HistoryMessage;

    fn next(&self) -> Option<Option<Timetoken>> {
        (!self.done).then_some(self.start)
    }

    fn accept(&mut self, page: HistoryPage) -> Vec<HistoryMessage> {
        let answered: BTreeSet<String> = page.messages.iter().map(|m| m.channel.clone()).collect();
        let oldest = &self.oldest;
        let fresh: Vec<HistoryMessage> = page
            .messages
            .into_iter()
            .filter(|m| oldest.get(&m.channel).is_none_or(|o| m.timetoken < *o))
            .collect();
        for m in &fresh {
            let entry = self.oldest.entry(m.channel.clone()).or_insert(m.timetoken);
            *entry = (*entry).min(m.timetoken);
        }
        self.live.retain(|channel| answered.contains(channel));
        let next = self
            .live
            .iter()
            .filter_map(|c| self.oldest.get(c))
            .max()
            .copied();
        match next {
            Some(next) if self.end.is_none_or(|end| next > end) => self.start = Some(next),
            _ => self.done = true,
        }
        fresh
    }
}
