//! `reactions audit list | export | undo`: the keyset's moderation log
//! ([`crate::moderation::LOG_CHANNEL`]) read back from history, listed newest first with what
//! became of each operation, exported as CSV or JSON, and a removal undone (the action put back
//! as its author, then the undo recorded).

use serde_json::json;

use super::args::{AuditCommand, ExportFormat};
use super::error::{CommandError, api};
use super::moderate::Moderator;
use super::output::{Table, write, write_line};
use super::progress::Progress;
use crate::moderation::execute::{UndoError, undo};
use crate::moderation::export::{self, row};
use crate::moderation::run::describe;
use crate::moderation::{ChannelAccess, Clock, Filter, LOG_CHANNEL, Scope, Trail, filter, log};
use crate::pubnub::token::Permissions;
use crate::pubnub::{Client, Timetoken};

/// Who is asking, to check what the credentials allow on a record's channel.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: String,
    pub secret: bool,
    pub token: Option<String>,
    /// `--moderator` (what decides on an open keyset).
    pub moderator_flag: bool,
}

impl Credentials {
    fn access(&self, channel: &str) -> Result<ChannelAccess, CommandError> {
        ChannelAccess::new(channel, &self.user_id, self.secret, self.token.as_deref())
            .map_err(CommandError::Usage)
    }
}

fn clock() -> Clock {
    Clock {
        now: Timetoken::now(),
        utc_offset_secs: chrono::Local::now().offset().local_minus_utc(),
    }
}

fn since(text: Option<&str>) -> Result<Option<Timetoken>, CommandError> {
    text.map(|t| filter::time(t, clock()).map_err(|e| CommandError::Usage(format!("--since: {e}"))))
        .transpose()
}

/// Runs one `audit` subcommand. `channel` is the global `--channel`, if given.
pub async fn run(
    command: AuditCommand,
    client: &Client,
    credentials: &Credentials,
    moderator: &Moderator,
    channel: Option<&str>,
) -> Result<(), CommandError> {
    let read_only = !matches!(command, AuditCommand::Undo { .. });
    if let Some(missing) = credentials.access(LOG_CHANNEL)?.log_missing(!read_only) {
        return Err(CommandError::Usage(format!(
            "the moderation log is for moderators: it needs {missing}"
        )));
    }
    match command {
        AuditCommand::List {
            since: from,
            moderator: by,
            filter,
            json,
        } => {
            let from = since(from.as_deref())?;
            let mut text = filter.unwrap_or_default();
            if let Some(by) = by {
                text.push_str(&format!(" moderator:\"{by}\""));
            }
            if let Some(channel) = channel {
                text.push_str(&format!(" channel:\"{channel}\""));
            }
            let filter =
                Filter::parse(&text, Scope::Audit, clock()).map_err(CommandError::Usage)?;
            let trail = read(client, from).await?;
            let rows: Vec<_> = trail
                .newest_first()
                .filter(|r| filter.matches_record(r))
                .collect();
            if json {
                let rows: Vec<_> = rows.into_iter().map(|r| row(&trail, r)).collect();
                write_line(json!({ "records": rows }))?;
            } else {
                write(&table(&trail, &rows))?;
            }
        }
        AuditCommand::Export {
            format,
            since: from,
        } => {
            let trail = read(client, since(from.as_deref())?).await?;
            match format {
                ExportFormat::Csv => write(&export::csv(&trail).map_err(CommandError::Other)?)?,
                ExportFormat::Json => write_line(export::json(&trail))?,
            }
        }
        AuditCommand::Undo {
            record,
            reason,
            json,
            moderator: _,
        } => {
            let trail = read(client, None).await?;
            let removal = trail.find(&record).map_err(CommandError::Other)?.clone();
            if let Some(why) = trail.why_not_undoable(&removal) {
                return Err(CommandError::Other(format!("audit undo: {why}")));
            }
            let access = credentials.access(&removal.channel)?;
            let missing = match access.is_managed() {
                true => access.undo_missing(),
                false => (!credentials.moderator_flag)
                    .then(|| "moderator mode (--moderator)".to_string()),
            };
            if let Some(missing) = missing {
                return Err(CommandError::Usage(format!(
                    "undoing puts the action back as its author, {}: it needs {missing}",
                    removal.author
                )));
            }
            let what = describe(&removal.action(), &moderator.reaction_type);
            let reason = reason.unwrap_or_default();
            let done = undo(&moderator.log(client), &removal, &reason, &what)
                .await
                .map_err(|e| undo_failed(e, &access, &removal.author))?;
            if json {
                write_line(json!(done))?;
            } else {
                write_line(format_args!(
                    "undid {}: {}'s {what} is back on '{}' (action {}), recorded as {}",
                    removal.id, removal.author, removal.excerpt, done.action_timetoken, done.id
                ))?;
            }
        }
    }
    Ok(())
}

fn undo_failed(e: UndoError, access: &ChannelAccess, author: &str) -> CommandError {
    match &e {
        UndoError::Refused(source) => {
            let offset = chrono::Local::now().offset().local_minus_utc();
            match access.explain(source, Permissions::WRITE, Some(author), offset) {
                Some(why) => CommandError::Other(format!("audit undo failed: {why}")),
                None => api("audit undo")(source.clone()),
            }
        }
        _ => CommandError::Other(format!("audit undo: {e}")),
    }
}

/// The trail from the log channel's history (since `from`).
async fn read(client: &Client, from: Option<Timetoken>) -> Result<Trail, CommandError> {
    let mut progress = Progress::new("moderation log records");
    let records = log::read_counting(client, from, |n| progress.show(n))
        .await
        .map_err(api("reading the moderation log"))?;
    Ok(Trail::new(records))
}

fn table(trail: &Trail, rows: &[&crate::moderation::AuditRecord]) -> String {
    let mut t = Table::new(&[
        "ID",
        "TIME",
        "MODERATOR",
        "OP",
        "STATUS",
        "CHANNEL",
        "AUTHOR",
        "TYPE",
        "VALUE",
        "MESSAGE",
        "REASON",
        "RUN",
    ]);
    for r in rows {
        t.row(vec![
            r.id.clone(),
            r.timetoken().local_string(),
            r.moderator.clone(),
            r.operation.name().into(),
            trail.status(r).word().into(),
            r.channel.clone(),
            r.author.clone(),
            r.action_type.clone(),
            r.value.clone(),
            crate::text::truncate(&r.excerpt, 30),
            r.reason.clone(),
            r.run.clone(),
        ]);
    }
    t.render()
}
