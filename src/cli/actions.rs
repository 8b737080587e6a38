//! `actions list`, `actions add` and `actions remove` (with `--moderator`, through
//! [`super::moderate`]). Tables show users by their App Context names; `--json` by id.

use serde_json::json;

use super::args::ActionsCommand;
use super::error::{CommandError, api};
use super::lookup;
use super::moderate::{Moderator, describe};
use super::names::{Names, names_of};
use super::output::{Table, note, time_cells, warn, write, write_line};
use super::progress::Progress;
use super::stream::{Document, Format, Listing};
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
            jsonl,
        } => {
            let mut request = client
                .get_message_actions()
                .channel(&channel)
                .bounds(start, end);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            let mut listing = Listing::new(
                Format::of(json, jsonl),
                Document {
                    open: r#"{"actions":["#.to_string(),
                    close: "]}",
                    empty: r#"{"actions":[]}"#,
                },
                &ACTION_COLUMNS,
            );
            if all {
                // Pages come newest first; each is written newest first as it arrives.
                // A count on a terminal's stderr, cleared while a page is written.
                let (mut pager, mut progress, mut count) =
                    (request.pager(), Progress::new("actions"), 0);
                while let Some(page) = pager.next_page().await.map_err(api("actions list"))? {
                    progress.clear();
                    write_actions(&mut listing, client, page.iter().rev()).await?;
                    count += page.len();
                    progress.show(count);
                }
            } else {
                let page = request.execute().await.map_err(api("actions list"))?;
                if let (Some(more), Some(oldest)) = (&page.more, page.actions.first()) {
                    let next = more.start.unwrap_or(oldest.action_timetoken);
                    note(&format!(
                        "showing the newest {} actions; older ones exist: --all lists every \
                         one (--start {next} the next page)",
                        page.actions.len()
                    ));
                }
                write_actions(&mut listing, client, page.actions.iter()).await?;
            }
            listing.finish()?;
        }
        ActionsCommand::Add {
            channel,
            message_tt,
            action_type,
            value,
            json,
        } => {
            let add = client
                .add_message_action()
                .channel(&channel)
                .message_action(MessageAction {
                    action_type,
                    value,
                    message_timetoken: message_tt,
                })
                .execute();
            // The service does not check that the message exists, so the CLI looks.
            let parent = lookup::message(client, "actions add", &channel, message_tt);
            let (added, parent) = tokio::join!(add, parent);
            let added = added.map_err(api("actions add"))?;
            warn(added.warning.as_deref());
            if let Ok(None) = parent {
                warn(Some(&format!(
                    "no message in {channel}'s history has timetoken {message_tt}; the action \
                     was added anyway (the service does not check; `reactions history \
                     {channel}` lists the messages)"
                )));
            }
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
            wheres,
            since,
            until,
            dry_run,
            yes,
            reason,
            json,
            moderator: _,
        } => {
            if wheres.is_empty() && (dry_run || since.is_some() || until.is_some()) {
                return Err(CommandError::Usage(
                    "--dry-run, --since and --until are for a bulk removal with --where".into(),
                ));
            }
            let (Some(message_tt), Some(action_tt)) = (message_tt, action_tt) else {
                let asked = super::bulk::Asked {
                    channel,
                    wheres,
                    since,
                    until,
                    dry_run,
                    yes,
                    reason: reason.unwrap_or_default(),
                    json,
                };
                return super::bulk::run(asked, client, moderator, reaction_type).await;
            };
            let (removed, warning) = match moderator {
                Some(moderator) => {
                    let reason = reason.as_deref().unwrap_or_default();
                    let done = moderator
                        .remove(client, &channel, (message_tt, action_tt), yes, reason)
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
    let found = match lookup::action(client, "actions remove", channel, message_tt, action_tt).await
    {
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

/// The columns of `actions list`.
const ACTION_COLUMNS: [&str; 6] = [
    "ACTION_TIMETOKEN",
    "LOCAL_TIME",
    "MESSAGE_TIMETOKEN",
    "UUID",
    "TYPE",
    "VALUE",
];

/// Writes one page of actions in the listing's format (columns show users by name: one
/// App Context request a page).
async fn write_actions<'a>(
    listing: &mut Listing,
    client: &Client,
    actions: impl Iterator<Item = &'a StoredAction>,
) -> std::io::Result<()> {
    if !listing.is_table() {
        return listing.json_page(actions);
    }
    let actions: Vec<&StoredAction> = actions.collect();
    let names = names_of(client, actions.iter().map(|a| a.uuid.clone())).await;
    listing.table_page(actions.into_iter().map(|a| action_row(a, &names)).collect())
}

/// An action's cells under [`ACTION_COLUMNS`].
fn action_row(a: &StoredAction, names: &Names) -> Vec<String> {
    let [tt, local] = time_cells(a.action_timetoken);
    vec![
        tt,
        local,
        a.message_timetoken.to_string(),
        names.user(&a.uuid),
        a.action_type.clone(),
        a.value.clone(),
    ]
}

pub(super) fn actions_table(actions: &[StoredAction], names: &Names) -> String {
    let mut table = Table::new(&ACTION_COLUMNS);
    for a in actions {
        table.row(action_row(a, names));
    }
    table.render()
}
