//! `actions list`, `actions add` and `actions remove` (with `--moderator`, through
//! [`super::moderate`]).

use serde_json::json;

use super::args::ActionsCommand;
use super::error::{CommandError, api};
use super::moderate::{Moderator, describe, find};
use super::output::{Table, time_cells, warn, write, write_line};
use crate::pubnub::{Client, MessageAction, StoredAction, Timetoken};

/// Runs one `actions` subcommand and prints its result.
pub async fn run(
    command: ActionsCommand,
    client: &Client,
    moderator: Option<&Moderator>,
    reaction_type: &str,
) -> Result<(), CommandError> {
    match command {
        ActionsCommand::List {
            channel,
            start,
            end,
            limit,
            all,
            json,
        } => {
            let mut request = client
                .get_message_actions()
                .channel(&channel)
                .bounds(start, end);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            let actions = if all {
                let mut all = request
                    .pager()
                    .collect_all()
                    .await
                    .map_err(api("actions list"))?;
                all.sort_by_key(|a| a.action_timetoken);
                all
            } else {
                request
                    .execute()
                    .await
                    .map_err(api("actions list"))?
                    .actions
            };
            if json {
                write_line(json!({ "actions": actions }))?;
            } else {
                write(&actions_table(&actions))?;
            }
        }
        ActionsCommand::Add {
            channel,
            message_tt,
            action_type,
            value,
            json,
        } => {
            let added = client
                .add_message_action()
                .channel(&channel)
                .message_action(MessageAction {
                    action_type,
                    value,
                    message_timetoken: message_tt,
                })
                .execute()
                .await
                .map_err(api("actions add"))?;
            warn(added.warning.as_deref());
            if json {
                write_line(json!(added.action))?;
            } else {
                write(&actions_table(std::slice::from_ref(&added.action)))?;
            }
        }
        ActionsCommand::Remove {
            channel,
            message_tt,
            action_tt,
            yes,
            json,
        } => {
            let (removed, warning) = match moderator {
                Some(moderator) => {
                    let done = moderator
                        .remove(client, &channel, message_tt, action_tt, yes)
                        .await?;
                    (Some(done.action), done.warning)
                }
                None => remove_own(client, &channel, message_tt, action_tt, reaction_type).await?,
            };
            warn(warning.as_deref());
            let what = format!("action {action_tt} from message {message_tt}");
            match (json, removed) {
                (true, Some(action)) => write_line(json!(action))?,
                (true, None) => write_line(json!({
                    "message_timetoken": message_tt,
                    "action_timetoken": action_tt,
                }))?,
                (false, Some(action)) => write_line(format_args!(
                    "removed {what}: {}",
                    describe(&action, reaction_type)
                ))?,
                (false, None) => write_line(format_args!("removed {what}"))?,
            }
        }
    }
    Ok(())
}

/// Removes an action as its author; gives back the action (when it could be looked up) and the
/// service's warning. Looked up first, so that the output names it and a refusal because it is
/// someone else's says whose, and how a moderator removes it.
async fn remove_own(
    client: &Client,
    channel: &str,
    message_tt: Timetoken,
    action_tt: Timetoken,
    reaction_type: &str,
) -> Result<(Option<StoredAction>, Option<String>), CommandError> {
    // Not found, or not looked up (a timetoken the client refuses, the network): the removal's
    // own answer says why.
    let found = match find(client, channel, message_tt, action_tt).await {
        Ok(Ok(action)) => Some(action),
        Ok(Err(_)) | Err(_) => None,
    };
    let done = client
        .remove_message_action()
        .channel(channel)
        .message_timetoken(message_tt)
        .action_timetoken(action_tt)
        .execute()
        .await
        .map_err(|e| match &found {
            Some(action) if e.is_wrong_uuid() => CommandError::Other(format!(
                "actions remove failed: that is {}, and only its author can remove it; \
                 a moderator removes it with --moderator",
                describe(action, reaction_type)
            )),
            _ => api("actions remove")(e),
        })?;
    Ok((found, done.warning))
}

fn actions_table(actions: &[StoredAction]) -> String {
    let mut table = Table::new(&[
        "ACTION_TIMETOKEN",
        "LOCAL_TIME",
        "MESSAGE_TIMETOKEN",
        "UUID",
        "TYPE",
        "VALUE",
    ]);
    for a in actions {
        let [tt, local] = time_cells(a.action_timetoken);
        table.row(vec![
            tt,
            local,
            a.message_timetoken.to_string(),
            a.uuid.clone(),
            a.action_type.clone(),
            a.value.clone(),
        ]);
    }
    table.render()
}
