//! `actions remove --moderator`: removing another user's action from the command line as the UI
//! does it. The action is looked up first; someone else's is removed with its owner's uuid (the
//! service removes an action only for its author) after a question on a terminal, or `--yes`
//! elsewhere, and only once its record is in the moderation log (and the local audit file the
//! UI writes). One's own action is removed plainly.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use super::error::{CommandError, api};
use super::lookup;
use crate::moderation::execute::remove_recorded;
use crate::moderation::run::Removal;
use crate::moderation::{self, AuditLog, AuditRecord, Operation, PROMPT_EXCERPT_CHARS};
use crate::pubnub::{Client, StoredAction, Timetoken};
use crate::text::{excerpt, single_line};

/// The operation named in errors.
const OPERATION: &str = "actions remove";

/// Who moderates, and with what settings.
#[derive(Debug, Clone)]
pub struct Moderator {
    pub user_id: String,
    /// The audit log (JSON lines) in the data directory.
    pub audit_log: PathBuf,
    /// The configured reaction type, so that its actions are named by their emoji.
    pub reaction_type: String,
}

impl Moderator {
    /// Where this moderator's records are written, through `client`.
    pub fn log(&self, client: &Client) -> AuditLog {
        AuditLog::new(client.clone(), self.audit_log.clone())
    }
}

/// An action that was removed, and the service's warning (207), if any.
#[derive(Debug, Clone)]
pub struct Removed {
    pub action: StoredAction,
    pub warning: Option<String>,
}

/// `gina's 👍`: an action named with its owner as the UI names it, safe to show.
pub fn describe(action: &StoredAction, reaction_type: &str) -> String {
    format!(
        "{}'s {}",
        single_line(&action.uuid),
        what(action, reaction_type)
    )
}

/// `👍`, or `receipt:read`: an action named as the UI names it.
fn what(action: &StoredAction, reaction_type: &str) -> String {
    let is_reaction = moderation::is_reaction_type(&action.action_type, reaction_type);
    moderation::describe_action(is_reaction, &action.action_type, &action.value)
}

impl Moderator {
    /// `gina's 👍`: an action named with its owner, safe to show.
    pub fn describe(&self, action: &StoredAction) -> String {
        describe(action, &self.reaction_type)
    }

    fn what(&self, action: &StoredAction) -> String {
        what(action, &self.reaction_type)
    }

    /// Removes action `action_tt` of message `message_tt` on `channel`; another user's only
    /// when confirmed (`assume_yes`, or `y` at the prompt), and then recorded first: in the
    /// moderation log and the local audit file, with the reason.
    pub async fn remove(
        &self,
        client: &Client,
        channel: &str,
        (message_tt, action_tt): (Timetoken, Timetoken),
        assume_yes: bool,
        reason: &str,
    ) -> Result<Removed, CommandError> {
        let action = look_up(client, channel, message_tt, action_tt).await?;
        if action.uuid == self.user_id {
            let removed = client
                .remove_message_action()
                .channel(channel)
                .message_timetoken(message_tt)
                .action_timetoken(action_tt)
                .execute()
                .await
                .map_err(api(OPERATION))?;
            return Ok(Removed {
                action,
                warning: removed.warning,
            });
        }
        let quoted = message_excerpt(client, channel, message_tt).await?;
        if !assume_yes {
            self.confirm(&quoted, &action).await?;
        }
        let record = AuditRecord::new(&self.user_id, Operation::Remove, channel, &action, &quoted)
            .with_reason(reason);
        let report = remove_recorded(&self.log(client), vec![record]).await;
        if let Some(why) = report.not_recorded {
            return Err(CommandError::Other(format!(
                "{OPERATION} failed: {} was not removed: {why}",
                self.describe(&action)
            )));
        }
        match report.results.into_iter().next().map(|(_, r)| r) {
            Some(Removal::Removed) => Ok(Removed {
                action,
                warning: None,
            }),
            Some(Removal::AlreadyGone) => Err(CommandError::Other(format!(
                "{OPERATION}: {} was already gone; nothing removed",
                self.describe(&action)
            ))),
            Some(Removal::Failed(e)) => Err(api(OPERATION)(e)),
            Some(Removal::NotRecorded(why)) => Err(CommandError::Other(format!(
                "{OPERATION} failed: {} was not removed: {why}",
                self.describe(&action)
            ))),
            None => Err(CommandError::Other(format!(
                "{OPERATION} failed: no result"
            ))),
        }
    }

    /// Asks on the terminal; refuses (a usage error) when there is no terminal to ask on.
    async fn confirm(&self, quoted: &str, action: &StoredAction) -> Result<(), CommandError> {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(CommandError::Usage(format!(
                "removing {} needs a confirmation and there is no terminal to ask on: add --yes",
                self.describe(action)
            )));
        }
        let prompt =
            moderation::removal_prompt(&single_line(&action.uuid), &self.what(action), quoted, "y");
        ask_yes(prompt).await
    }
}

/// The action with exactly that timetoken on `channel`, which must be one of message
/// `message_tt`'s.
async fn look_up(
    client: &Client,
    channel: &str,
    message_tt: Timetoken,
    action_tt: Timetoken,
) -> Result<StoredAction, CommandError> {
    lookup::action(client, OPERATION, channel, message_tt, action_tt)
        .await?
        .map_err(CommandError::Other)
}

/// The message's text as a prompt quotes it, or `message TT` when history no longer has it.
async fn message_excerpt(
    client: &Client,
    channel: &str,
    message_tt: Timetoken,
) -> Result<String, CommandError> {
    Ok(
        match lookup::message(client, OPERATION, channel, message_tt).await? {
            Some(message) => excerpt(&message.text(), PROMPT_EXCERPT_CHARS),
            None => format!("message {message_tt}"),
        },
    )
}

/// Asks `prompt` ending in `[y/N]` on the terminal: `y` goes ahead, anything else is "not
/// removed".
pub(super) async fn ask_yes(prompt: String) -> Result<(), CommandError> {
    let answer = tokio::task::spawn_blocking(move || ask(&prompt))
        .await
        .map_err(|e| CommandError::Other(format!("the question ended abnormally: {e}")))?
        .map_err(|e| CommandError::Other(format!("cannot ask on the terminal: {e}")))?;
    match answer.trim() {
        "y" | "Y" => Ok(()),
        _ => Err(CommandError::Other("not removed".into())),
    }
}

/// Writes `prompt` on stderr and reads one line of answer from stdin (empty at its end).
fn ask(prompt: &str) -> std::io::Result<String> {
    let mut err = std::io::stderr().lock();
    write!(err, "{prompt} ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer)
}
