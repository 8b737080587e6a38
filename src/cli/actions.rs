//! `actions list`, `actions add` and `actions remove` (with `--moderator`, through
//! [`super::moderate`]). Tables show users by their App Context names; `--json` by id.

use serde_json::json;

use super::args::ActionsCommand;
use super::error::{CommandError, api};
use super::moderate::Moderator;
use super::names::{Names, names_of};
use super::output::{Table, time_cells, warn, write, write_line};
use crate::pubnub::{Client, MessageAction, StoredAction};

/// Runs one `actions` subcommand and prints its result.
pub async fn run(
    command: ActionsCommand,
    client: &Client,
    moderator: Option<&Moderator>,
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
                let names = names_of(client, actions.iter().map(|a| a.uuid.clone())).await;
                write(&actions_table(&actions, &names))?;
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
                let names = names_of(client, [added.action.uuid.clone()]).await;
                write(&actions_table(std::slice::from_ref(&added.action), &names))?;
            }
        }
        ActionsCommand::Remove {
            channel,
            message_tt,
            action_tt,
            yes,
        } => {
            let removed = format!("removed action {action_tt} from message {message_tt}");
            if let Some(moderator) = moderator {
                let done = moderator
                    .remove(client, &channel, message_tt, action_tt, yes)
                    .await?;
                warn(done.warning.as_deref());
                write_line(format_args!(
                    "{removed}: {}",
                    moderator.describe(&done.action)
                ))?;
            } else {
                let done = client
                    .remove_message_action()
                    .channel(&channel)
                    .message_timetoken(message_tt)
                    .action_timetoken(action_tt)
                    .execute()
                    .await
                    .map_err(api("actions remove"))?;
                warn(done.warning.as_deref());
                write_line(removed)?;
            }
        }
    }
    Ok(())
}

fn actions_table(actions: &[StoredAction], names: &Names) -> String {
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
            names.user(&a.uuid),
            a.action_type.clone(),
            a.value.clone(),
        ]);
    }
    table.render()
}
