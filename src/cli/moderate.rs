//! `actions remove --moderator`: removing another user's action from the command line as the UI
//! does it. The action is looked up first; someone else's is removed with its owner's uuid (the
//! service removes an action only for its author) after a question on a terminal, or `--yes`
//! elsewhere, and is recorded in the audit log the UI writes. One's own action is removed
//! plainly.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use super::error::{CommandError, api};
use super::lookup;
use crate::moderation::{self, AuditRecord, PROMPT_EXCERPT_CHARS};
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
    /// when confirmed (`assume_yes`, or `y` at the prompt), and then recorded in the audit log.
    pub async fn remove(
        &self,
        client: &Client,
        channel: &str,
        message_tt: Timetoken,
        action_tt: Timetoken,
        assume_yes: bool,
    ) -> Result<Removed, CommandError> {
        let action = look_up(client, channel, message_tt, action_tt).await?;
        let owned_by_other = action.uuid != self.user_id;
        let mut request = client
            .remove_message_action()
            .channel(channel)
            .message_timetoken(message_tt)
            .action_timetoken(action_tt);
        if owned_by_other {
            if !assume_yes {
                self.confirm(client, channel, &action).await?;
            }
            request = request.as_uuid(action.uuid.clone());
        }
        let removed = request.execute().await.map_err(api(OPERATION))?;
        if owned_by_other {
            self.audit(channel, &action).await?;
        }
        Ok(Removed {
            action,
            warning: removed.warning,
        })
    }

    /// Asks on the terminal; refuses (a usage error) when there is no terminal to ask on.
    async fn confirm(
        &self,
        client: &Client,
        channel: &str,
        action: &StoredAction,
    ) -> Result<(), CommandError> {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(CommandError::Usage(format!(
                "removing {} needs a confirmation and there is no terminal to ask on: add --yes",
                self.describe(action)
            )));
        }
        let quoted = message_excerpt(client, channel, action.message_timetoken).await?;
        let prompt = moderation::removal_prompt(
            &single_line(&action.uuid),
            &self.what(action),
            &quoted,
            "y",
        );
        let answer = tokio::task::spawn_blocking(move || ask(&prompt))
            .await
            .map_err(|e| CommandError::Other(format!("the question ended abnormally: {e}")))?
            .map_err(|e| CommandError::Other(format!("cannot ask on the terminal: {e}")))?;
        match answer.trim() {
            "y" | "Y" => Ok(()),
            _ => Err(CommandError::Other("not removed".into())),
        }
    }

    /// Appends the removal to the audit log with the UI's writer.
    async fn audit(&self, channel: &str, action: &StoredAction) -> Result<(), CommandError> {
        let record = AuditRecord {
            moderator: self.user_id.clone(),
            channel: channel.to_string(),
            message_timetoken: action.message_timetoken,
            action: action.clone(),
        };
        let path = self.audit_log.clone();
        let written = tokio::task::spawn_blocking(move || moderation::append_audit(&path, &record))
            .await
            .map_err(|e| e.to_string())
            .and_then(|result| result);
        written.map_err(|e| {
            CommandError::Other(format!(
                "removed, but the audit log could not be written: {e}"
            ))
        })
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

/// Writes `prompt` on stderr and reads one line of answer from stdin (empty at its end).
fn ask(prompt: &str) -> std::io::Result<String> {
    let mut err = std::io::stderr().lock();
    write!(err, "{prompt} ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer)
}
