//! Message counts (`GET /v3/history/sub-key/{sub}/message-counts/{channels}`): how many stored
//! messages each channel has after a timetoken, for up to 100 channels at once. Chat apps use it
//! for unread counts and for the number of replies in a thread.
//!
//! The service's rules, from the REST reference (`docs/sdks/rest-api/get-message-count`) and
//! PubNub's JavaScript SDK (`pubnub/javascript`, `src/core/endpoints/history/message_counts.ts`):
//! either one `timetoken` for every channel or `channelsTimetoken`, one per channel in the
//! order of the path, never both; a timetoken is an exclusive bound (messages *after* it are
//! counted); a count stops at 10,000. The answer is
//! `{"status": 200, "error": false, "error_message": "", "channels": {"ch1": 3},
//! "more": {"ch1": {"url": ..., "is_more": bool}}}`.

use std::collections::{BTreeMap, BTreeSet};

use percent_encoding::percent_decode_str;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::answer::{ReportsError, parse_success};
use super::client::{Client, Endpoint, Request, encode_segment, executable, validate_channel};
use super::{Error, Result, Timetoken};

/// Most channels one request may count.
pub const MAX_COUNT_CHANNELS: usize = 100;

/// Counts per channel.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MessageCounts {
    /// Channel (as requested) -> messages after its timetoken (at most 10,000).
    pub channels: BTreeMap<String, u64>,
    /// Channels the service says have more than it counted.
    pub more: BTreeSet<String>,
}

/// The answer exactly as it crosses the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageCountsEnvelope {
    pub status: u16,
    #[serde(default)]
    pub error: bool,
    #[serde(default)]
    pub error_message: String,
    #[serde(default)]
    pub channels: BTreeMap<String, u64>,
    #[serde(default)]
    pub more: BTreeMap<String, WireMoreCount>,
}

/// One channel's entry in `more`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireMoreCount {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub is_more: bool,
}

impl ReportsError for MessageCountsEnvelope {
    fn reports_error(&self) -> bool {
        self.error || self.status >= 400
    }
}

impl Client {
    /// Counts the messages of channels after a timetoken: one for all
    /// ([`MessageCountsRequest::timetoken`]) or one each
    /// ([`MessageCountsRequest::channel_timetokens`]).
    pub fn message_counts(&self) -> MessageCountsRequest {
        MessageCountsRequest {
            client: self.clone(),
            channels: Vec::new(),
            timetoken: None,
            per_channel: Vec::new(),
        }
    }
}

/// Builder of [`Client::message_counts`].
#[derive(Debug, Clone)]
pub struct MessageCountsRequest {
    client: Client,
    channels: Vec<String>,
    timetoken: Option<Timetoken>,
    per_channel: Vec<Timetoken>,
}

impl MessageCountsRequest {
    /// The channels, all counted after [`timetoken`](Self::timetoken).
    pub fn channels<I, S>(mut self, channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.channels = channels.into_iter().map(Into::into).collect();
        self.per_channel.clear();
        self
    }

    /// One timetoken for every channel (exclusive: later messages are counted).
    pub fn timetoken(mut self, timetoken: impl Into<Timetoken>) -> Self {
        self.timetoken = Some(timetoken.into());
        self
    }

    /// Each channel with its own timetoken (replaces the channels and the single timetoken).
    pub fn channel_timetokens<I, S>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (S, Timetoken)>,
        S: Into<String>,
    {
        let (channels, timetokens): (Vec<String>, Vec<Timetoken>) =
            pairs.into_iter().map(|(c, t)| (c.into(), t)).unzip();
        self.channels = channels;
        self.per_channel = timetokens;
        self.timetoken = None;
        self
    }
}

impl Endpoint for MessageCountsRequest {
    type Output = MessageCounts;

    fn request(&self) -> Result<Request> {
        if self.channels.is_empty() {
            return Err(Error::InvalidInput(
                "at least one channel is required".into(),
            ));
        }
        if self.channels.len() > MAX_COUNT_CHANNELS {
            return Err(Error::InvalidInput(format!(
                "{} channels: message counts take at most {MAX_COUNT_CHANNELS}",
                self.channels.len()
            )));
        }
        let mut seen = BTreeSet::new();
        let mut segments = Vec::with_capacity(self.channels.len());
        // In the caller's order: `channelsTimetoken` pairs with it.
        for channel in &self.channels {
            validate_channel(channel)?;
            if !seen.insert(channel.as_str()) {
                return Err(Error::InvalidInput(format!(
                    "channel {channel:?} is listed twice"
                )));
            }
            segments.push(encode_segment(channel));
        }
        let path = format!(
            "/v3/history/sub-key/{}/message-counts/{}",
            self.client.sub_key_segment(),
            segments.join(",")
        );
        let request = Request::new(Method::GET, path);
        match (self.timetoken, self.per_channel.is_empty()) {
            (Some(tt), true) => Ok(request.param("timetoken", tt)),
            (None, false) => {
                let list: Vec<String> = self.per_channel.iter().map(Timetoken::to_string).collect();
                Ok(request.param("channelsTimetoken", list.join(",")))
            }
            _ => Err(Error::InvalidInput(
                "give either one timetoken or one per channel".into(),
            )),
        }
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<MessageCounts> {
        let mut counts = decode(status, body)?;
        counts.channels = restore_names(std::mem::take(&mut counts.channels), &self.channels);
        counts.more = restore_names(
            std::mem::take(&mut counts.more)
                .into_iter()
                .map(|c| (c, ()))
                .collect(),
            &self.channels,
        )
        .into_keys()
        .collect();
        Ok(counts)
    }
}
executable!(MessageCountsRequest => MessageCounts);

/// Reads a message-counts answer.
pub fn decode(status: u16, body: &[u8]) -> Result<MessageCounts> {
    let envelope: MessageCountsEnvelope = parse_success(status, body)?;
    if envelope.error {
        return Err(Error::from_status(
            envelope.status,
            envelope.error_message,
            Vec::new(),
        ));
    }
    Ok(MessageCounts {
        channels: envelope.channels,
        more: envelope
            .more
            .into_iter()
            .filter(|(_, m)| m.is_more)
            .map(|(c, _)| c)
            .collect(),
    })
}

/// The service may answer with channel names percent-encoded: give back the names as asked.
fn restore_names<T>(map: BTreeMap<String, T>, requested: &[String]) -> BTreeMap<String, T> {
    map.into_iter()
        .map(|(channel, v)| {
            if requested.contains(&channel) {
                return (channel, v);
            }
            match percent_decode_str(&channel).decode_utf8() {
                Ok(decoded) if requested.iter().any(|r| *r == decoded) => (decoded.into_owned(), v),
                _ => (channel, v),
            }
        })
        .collect()
}
