//! `publish`: one message to a channel; text that is not JSON is sent as a JSON string.

use serde_json::{Value, json};

use super::error::{CommandError, api};
use super::output::write_line;
use crate::pubnub::Client;

/// Publishes `message` (with `meta`, if any) and prints its timetoken.
pub async fn run(
    client: &Client,
    channel: &str,
    message: String,
    meta: Option<Value>,
    json: bool,
) -> Result<(), CommandError> {
    let payload = serde_json::from_str::<Value>(&message).unwrap_or(Value::String(message));
    let mut request = client.publish().channel(channel).message(payload);
    if let Some(meta) = meta {
        request = request.meta(meta);
    }
    let tt = request.execute().await.map_err(api("publish"))?;
    if json {
        write_line(json!({ "timetoken": tt }))?;
    } else {
        write_line(format_args!("published {} ({})", tt, tt.local_string()))?;
    }
    Ok(())
}
