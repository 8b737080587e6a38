//! The scriptable subcommands: publish, history, actions list/add/remove, demo seed, config path.
//! Each prints aligned columns, or with `--json` the field names of PubNub's SDK documentation,
//! and fails with a [`CommandError`] that says which exit status it deserves.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::cli::{ActionsCommand, Command, ConfigCommand, DemoCommand};
use crate::config::{Backend, Connection, Paths};
use crate::moderation::Moderator;
use crate::output::{Table, truncate_cells};
use crate::pubnub::{self, Client, HistoryMessage, MessageAction, StoredAction, Timetoken};
use crate::server::{self, RunningServer, ServerOptions};
use crate::stdout::{self, write, write_line};
use crate::{demo, text};

/// A failed command: which operation, and why. Displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{operation} failed: {source}")]
    Api {
        operation: &'static str,
        source: pubnub::Error,
    },
    /// The command line asks for something that cannot be done as given.
    #[error("{0}")]
    Usage(String),
    /// Stdout could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

impl CommandError {
    /// The exit status: 2 for usage errors, including requests the client refuses before
    /// sending them (bad channel, empty value, empty range); 0 when stdout's reader went away
    /// (the output is not wanted, which is no failure); 1 for every other failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Usage(_)
            | CommandError::Api {
                source: pubnub::Error::InvalidInput(_),
                ..
            } => 2,
            CommandError::Output(e) if stdout::reader_gone(e) => 0,
            _ => 1,
        }
    }

    /// Whether the command should end without a word: stdout's reader went away.
    pub fn is_quiet(&self) -> bool {
        matches!(self, CommandError::Output(e) if stdout::reader_gone(e))
    }
}

pub(crate) fn api(operation: &'static str) -> impl FnOnce(pubnub::Error) -> CommandError {
    move |source| CommandError::Api { operation, source }
}

/// Refuses a channel name the service would refuse, as a usage error that names the problem
/// (the same line for every command and for the UI).
pub fn check_channel(name: &str) -> Result<(), CommandError> {
    pubnub::validate_channel(name).map_err(|e| match e {
        pubnub::Error::InvalidInput(why) => CommandError::Usage(why),
        other => CommandError::Usage(other.to_string()),
    })
}

/// Settings of a command besides the connection (shared with the UI).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Moderator mode (`--moderator` or the config's `moderator = true`).
    pub moderator: bool,
    /// The configured reaction type.
    pub reaction_type: String,
}

/// The server the command talks to: a remote origin, or an embedded one started for the command.
pub struct Target {
    pub origin: String,
    embedded: Option<RunningServer>,
}

impl Target {
    /// Starts the embedded server on a loopback port when the connection asks for it.
    pub async fn open(connection: &Connection, paths: &Paths) -> Result<Self, CommandError> {
        match &connection.backend {
            Backend::Remote { origin } => Ok(Self {
                origin: origin.clone(),
                embedded: None,
            }),
            Backend::Embedded => {
                let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
                let server = server::start(ServerOptions::new(listen, paths.database()))
                    .await
                    .map_err(|e| CommandError::Other(format!("embedded server: {e}")))?;
                Ok(Self {
                    origin: server.origin(),
                    embedded: Some(server),
                })
            }
        }
    }

    pub async fn close(self) {
        if let Some(server) = self.embedded {
            server.shutdown().await;
        }
    }
}

/// Runs one subcommand (not `serve`) and prints its result on stdout.
pub async fn run(
    command: Command,
    connection: &Connection,
    paths: &Paths,
    settings: &Settings,
) -> Result<(), CommandError> {
    if let Command::Config(ConfigCommand::Path) = command {
        write_line(paths.config_file.display())?;
        return Ok(());
    }
    if let Some(channel) = command.channel() {
        check_channel(channel)?;
    }
    let moderator = settings.moderator.then(|| Moderator {
        user_id: connection.user_id.clone(),
        audit_log: paths.audit_log(),
        reaction_type: settings.reaction_type.clone(),
    });
    let target = Target::open(connection, paths).await?;
    let config = connection.client_config(&target.origin);
    let result = match Client::new(config.clone()) {
        Ok(client) => run_with_client(command, &client, &config, moderator.as_ref()).await,
        Err(e) => Err(CommandError::Api {
            operation: "connect",
            source: e,
        }),
    };
    target.close().await;
    result
}

async fn run_with_client(
    command: Command,
    client: &Client,
    config: &pubnub::Config,
    moderator: Option<&Moderator>,
) -> Result<(), CommandError> {
    match command {
        Command::Publish {
            channel,
            message,
            meta,
            json,
        } => {
            let payload = serde_json::from_str::<Value>(&message).unwrap_or(Value::String(message));
            let mut request = client.publish().channel(&channel).message(payload);
            if let Some(meta) = meta {
                request = request.meta(meta);
            }
            let tt = request.execute().await.map_err(api("publish"))?;
            if json {
                write_line(json!({ "timetoken": tt }))?;
            } else {
                write_line(format_args!("published {} ({})", tt, tt.local_string()))?;
            }
        }
        Command::History {
            channel,
            max,
            start,
            end,
            actions,
            json,
        } => {
            let mut request = client
                .fetch_messages()
                .channel(&channel)
                .include_actions(actions)
                .include_uuid(true)
                .include_meta(true);
            if let Some(max) = max {
                request = request.max(max);
            }
            let page = request
                .bounds(start, end)
                .execute()
                .await
                .map_err(api("history"))?;
            if json {
                write_line(history_json(&page.messages))?;
            } else {
                write(&history_table(&page.messages, actions))?;
            }
        }
        Command::Actions(sub) => run_actions(sub, client, moderator).await?,
        Command::Demo(DemoCommand::Seed { channel, force }) => {
            if !force && has_messages(client, &channel).await? {
                return Err(CommandError::Other(format!(
                    "{channel} already has messages; use --force to seed again"
                )));
            }
            let report = demo::seed_via_client(config, &channel)
                .await
                .map_err(api("demo seed"))?;
            write_line(format_args!(
                "seeded {}: {} messages, {} actions",
                channel, report.messages, report.actions
            ))?;
        }
        Command::Serve { .. } | Command::Config(_) => {
            return Err(CommandError::Other(
                "internal: serve and config are handled before connecting".into(),
            ));
        }
    }
    Ok(())
}

/// Whether `channel`'s history holds any message.
async fn has_messages(client: &Client, channel: &str) -> Result<bool, CommandError> {
    let newest = client
        .fetch_messages()
        .channel(channel)
        .max(1)
        .execute()
        .await
        .map_err(api("demo seed"))?;
    Ok(!newest.messages.is_empty())
}

/// Prints the service's warning (a 207 answer) on stderr.
fn warn(warning: Option<&str>) {
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
}

async fn run_actions(
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

fn time_cells(tt: Timetoken) -> [String; 2] {
    [tt.to_string(), tt.local_string()]
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

fn history_table(messages: &[HistoryMessage], with_actions: bool) -> String {
    let mut headers = vec!["TIMETOKEN", "LOCAL_TIME", "UUID", "MESSAGE"];
    if with_actions {
        headers.push("ACTIONS");
    }
    let mut table = Table::new(&headers);
    for m in messages {
        let [tt, local] = time_cells(m.timetoken);
        let mut row = vec![
            tt,
            local,
            m.uuid.clone().unwrap_or_default(),
            truncate_cells(&text::single_line(&m.text()), 60),
        ];
        if with_actions {
            row.push(action_summary(m));
        }
        table.row(row);
    }
    table.render()
}

/// `reaction:👍×3 receipt:read×4` for one message.
fn action_summary(message: &HistoryMessage) -> String {
    let mut parts = Vec::new();
    for (action_type, values) in &message.actions {
        for (value, refs) in values {
            parts.push(format!("{action_type}:{value}×{}", refs.len()));
        }
    }
    parts.join(" ")
}

/// `{"channels": {ch: [{message, timetoken, uuid, meta, actions}]}}`, as the SDKs name them.
fn history_json(messages: &[HistoryMessage]) -> Value {
    let mut channels: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for m in messages {
        let mut item = json!({ "message": m.message, "timetoken": m.timetoken });
        if let Some(uuid) = &m.uuid {
            item["uuid"] = json!(uuid);
        }
        if let Some(meta) = &m.meta {
            item["meta"] = meta.clone();
        }
        if !m.actions.is_empty() {
            item["actions"] = json!(m.actions);
        }
        channels.entry(&m.channel).or_default().push(item);
    }
    json!({ "channels": channels })
}
