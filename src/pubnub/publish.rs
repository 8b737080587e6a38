//! Publish (reference section 3): a small message goes as JSON in the GET path, a large one as
//! the POST body. [`decode`] reads `[1,"Sent","<tt>"]` and the `[0,"<why>",...]` failures.

use reqwest::Method;
use serde::Deserialize as _;
use serde_json::Value;

use super::answer::Answer;
use super::client::{Client, Endpoint, Request, encode_segment, executable, validate_channel};
use super::{Error, Result, Timetoken};

/// Encoded messages longer than this are sent by POST instead of in the URL.
pub const POST_ABOVE_BYTES: usize = 2048;

impl Client {
    /// Publishes a message (any JSON) to a channel; returns its timetoken.
    pub fn publish(&self) -> Publish {
        Publish {
            client: self.clone(),
            channel: String::new(),
            message: None,
            meta: None,
            store: None,
            ttl: None,
        }
    }
}

/// Builder of [`Client::publish`].
#[derive(Debug, Clone)]
pub struct Publish {
    client: Client,
    channel: String,
    message: Option<Value>,
    meta: Option<Value>,
    store: Option<bool>,
    ttl: Option<u32>,
}

impl Publish {
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    pub fn message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }

    /// Metadata stored with the message, for subscribe filters and history `include_meta`.
    pub fn meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }

    /// Whether history keeps the message (the key's setting when unset).
    pub fn store(mut self, store: bool) -> Self {
        self.store = Some(store);
        self
    }

    /// How many hours history keeps the message (ignored when not stored).
    pub fn ttl(mut self, hours: u32) -> Self {
        self.ttl = Some(hours);
        self
    }
}

impl Endpoint for Publish {
    type Output = Timetoken;

    fn request(&self) -> Result<Request> {
        validate_channel(&self.channel)?;
        let message = self
            .message
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("message is required".into()))?;
        let json = |v: &Value| {
            serde_json::to_string(v).map_err(|e| Error::InvalidInput(format!("bad JSON: {e}")))
        };
        let path = format!(
            "/publish/{}/{}/0/{}/0",
            self.client.pub_key_segment()?,
            self.client.sub_key_segment(),
            encode_segment(&self.channel)
        );
        let message = json(message)?;
        let encoded = encode_segment(&message);
        let request = if encoded.len() > POST_ABOVE_BYTES {
            Request::new(Method::POST, path).json_body(message.into_bytes())
        } else {
            Request::new(Method::GET, format!("{path}/{encoded}"))
        };
        Ok(request
            .param_opt("store", self.store.map(|s| if s { "1" } else { "0" }))
            .param_opt("ttl", self.ttl)
            .param_opt("meta", self.meta.as_ref().map(json).transpose()?))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<Timetoken> {
        decode(status, body)
    }
}
executable!(Publish => Timetoken);

/// Reads a publish answer: the timetoken of `[1,"Sent","<tt>"]`, or the service's text of a
/// `[0,"<why>",...]` failure as [`Error::BadRequest`] (whatever the HTTP status said).
pub fn decode(status: u16, body: &[u8]) -> Result<Timetoken> {
    let answer = Answer::read(status, body)?;
    let reply: Vec<Value> = answer.parse()?;
    match reply.first().and_then(Value::as_i64) {
        Some(1) => {
            let timetoken = reply
                .get(2)
                .ok_or_else(|| answer.malformed("no timetoken in the answer"))?;
            Timetoken::deserialize(timetoken)
                .map_err(|e| answer.malformed(format!("bad timetoken: {e}")))
        }
        Some(0) => Err(Error::BadRequest {
            status,
            message: reply
                .get(1)
                .and_then(Value::as_str)
                .unwrap_or("publish failed")
                .to_string(),
            details: Vec::new(),
        }),
        _ => Err(answer.malformed("expected [1, \"Sent\", timetoken]")),
    }
}
