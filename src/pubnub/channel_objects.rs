//! App Context channels (formerly Objects v2 "channel metadata"): a page of the keyset's
//! channels with their names (`GET /v2/objects/{sub}/channels?limit=…&start=…`), and every
//! page up to a bound, which is what a channel switcher lists.
//!
//! The shape is the users' page's (see [`super::objects`]), read from PubNub's JavaScript SDK
//! (`pubnub/javascript`, `src/core/endpoints/objects/channel/get_all.ts`) and the REST
//! reference (`docs/sdks/rest-api/get-metadata-for-all-channels`): `{"status": 200, "data":
//! [{"id", "name"?, "description"?, ...}], "next"?, "prev"?}`.

use reqwest::Method;
use serde::Deserialize;

use super::answer::parse_success;
use super::client::{Client, Endpoint, Request, executable};
use super::objects::ObjectsEnvelope;
use super::{Error, Result};

/// Most channels one page may hold (the service's maximum and default).
pub const MAX_CHANNELS_LIMIT: u32 = 100;

/// A channel as App Context lists it: its id and, if set, its name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChannelName {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// A page of channels, and the cursor of the next one when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelNamesPage {
    pub channels: Vec<ChannelName>,
    /// `start=` of the next page's request.
    pub next: Option<String>,
}

impl Client {
    /// A page of the keyset's App Context channels with their names (`limit` of them, 100
    /// unless set; the first page unless `start` is set).
    pub fn channel_names(&self) -> ChannelNames {
        ChannelNames {
            client: self.clone(),
            limit: None,
            start: None,
        }
    }
}

/// Builder of [`Client::channel_names`].
#[derive(Debug, Clone)]
pub struct ChannelNames {
    client: Client,
    limit: Option<u32>,
    start: Option<String>,
}

impl ChannelNames {
    /// Channels a page, 1 to [`MAX_CHANNELS_LIMIT`].
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The page after this cursor (a previous page's `next`).
    pub fn start(mut self, next: impl Into<String>) -> Self {
        self.start = Some(next.into());
        self
    }

    /// Every page in turn, until there is no next page or `most` channels are read; the
    /// channels, and whether more were left unread.
    pub async fn collect_up_to(self, most: usize) -> Result<(Vec<ChannelName>, bool)> {
        let mut channels = Vec::new();
        let mut request = self;
        loop {
            let page = request.clone().execute().await?;
            channels.extend(page.channels);
            match page.next {
                Some(next) if channels.len() < most => request = request.start(next),
                Some(_) => {
                    channels.truncate(most);
                    return Ok((channels, true));
                }
                None => return Ok((channels, false)),
            }
        }
    }
}

impl Endpoint for ChannelNames {
    type Output = ChannelNamesPage;

    fn request(&self) -> Result<Request> {
        if let Some(limit) = self.limit
            && !(1..=MAX_CHANNELS_LIMIT).contains(&limit)
        {
            return Err(Error::InvalidInput(format!(
                "limit {limit} is out of range 1..={MAX_CHANNELS_LIMIT}"
            )));
        }
        let path = format!("/v2/objects/{}/channels", self.client.sub_key_segment());
        Ok(Request::new(Method::GET, path)
            .param_opt("limit", self.limit)
            .param_opt("start", self.start.as_ref()))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<ChannelNamesPage> {
        decode_channel_names(status, body)
    }
}
executable!(ChannelNames => ChannelNamesPage);

/// Reads a get-all-channels answer (fields other than the id and name are ignored).
pub fn decode_channel_names(status: u16, body: &[u8]) -> Result<ChannelNamesPage> {
    let envelope: ObjectsEnvelope<Vec<ChannelName>> = parse_success(status, body)?;
    let channels = envelope
        .data
        .ok_or_else(|| super::answer::malformed(status, "no `data` in the answer".into(), body))?;
    Ok(ChannelNamesPage {
        channels,
        next: envelope.next.filter(|n| !n.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_channels_gives_ids_and_names() {
        let body = br#"{"status":200,"data":[{"id":"chats.room1","name":"Room one","description":null,"updated":"2025-01-01T00:00:00.000Z","eTag":"x"},{"id":"chats.support"}],"next":"abc"}"#;
        let page = decode_channel_names(200, body).unwrap();
        assert_eq!(page.next.as_deref(), Some("abc"));
        assert_eq!(
            page.channels,
            vec![
                ChannelName {
                    id: "chats.room1".into(),
                    name: Some("Room one".into())
                },
                ChannelName {
                    id: "chats.support".into(),
                    name: None
                },
            ]
        );
        assert!(
            decode_channel_names(
                403,
                br#"{"status":403,"error":{"message":"Forbidden","source":"objects"}}"#
            )
            .is_err()
        );
    }
}
