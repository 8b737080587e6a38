//! Looking up one action or one message by its timetoken, for commands that name what they
//! touch (a removal, a moderator's question) or warn about what is not there (an action added to
//! a timetoken no message has).

use super::error::{CommandError, api};
use crate::pubnub::{Client, HistoryMessage, StoredAction, Timetoken};

/// Bounds that hold exactly `tt`: `start` is exclusive, `end` inclusive.
fn exactly(tt: Timetoken) -> (Option<Timetoken>, Option<Timetoken>) {
    (Some(Timetoken(tt.get().saturating_add(1))), Some(tt))
}

/// The action with exactly timetoken `action_tt` on `channel` and message `message_tt`, or why
/// there is none. Errors are reported as `operation`'s.
pub async fn action(
    client: &Client,
    operation: &'static str,
    channel: &str,
    message_tt: Timetoken,
    action_tt: Timetoken,
) -> Result<Result<StoredAction, String>, CommandError> {
    let (start, end) = exactly(action_tt);
    let page = client
        .get_message_actions()
        .channel(channel)
        .bounds(start, end)
        .execute()
        .await
        .map_err(api(operation))?;
    let at_that_time: Vec<StoredAction> = page
        .actions
        .into_iter()
        .filter(|a| a.action_timetoken == action_tt)
        .collect();
    if let Some(action) = at_that_time
        .iter()
        .find(|a| a.message_timetoken == message_tt)
    {
        return Ok(Ok(action.clone()));
    }
    Ok(Err(match at_that_time.first() {
        Some(other) => format!(
            "action {action_tt} belongs to message {}, not to message {message_tt}",
            other.message_timetoken
        ),
        None => format!("no action {action_tt} on {channel}"),
    }))
}

/// The message with exactly timetoken `tt` on `channel`, if history has it. Errors are
/// reported as `operation`'s.
pub async fn message(
    client: &Client,
    operation: &'static str,
    channel: &str,
    tt: Timetoken,
) -> Result<Option<HistoryMessage>, CommandError> {
    let (start, end) = exactly(tt);
    let page = client
        .fetch_messages()
        .channel(channel)
        .max(1)
        .bounds(start, end)
        .execute()
        .await
        .map_err(api(operation))?;
    Ok(page.messages.into_iter().find(|m| m.timetoken == tt))
}
