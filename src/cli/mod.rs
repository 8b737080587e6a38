//! The scriptable command line: its definitions ([`args`], parsed by clap), one file per command
//! family (publish, history, actions, demo), their output and their errors. Each command prints
//! aligned columns, or with `--json` the field names of PubNub's SDK documentation, and fails
//! with a [`CommandError`] that says which exit status it deserves.
//!
//! The CLI uses the client ([`crate::pubnub`]), the embedded server (to start one for a command)
//! and the moderation vocabulary ([`crate::moderation`]); nothing of the terminal UI.

mod actions;
pub mod args;
mod demo;
mod error;
mod history;
mod moderate;
mod names;
mod output;
mod publish;
mod target;

pub use args::{ActionsCommand, Cli, Command, ConfigCommand, ConnectionArgs, DemoCommand};
pub use error::{CommandError, check_channel};
pub use output::write_line;
pub use target::Target;

use crate::config::{Connection, Paths};
use crate::pubnub::{self, Client};
use moderate::Moderator;

/// Settings of a command besides the connection (shared with the UI).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Moderator mode (`--moderator` or the config's `moderator = true`).
    pub moderator: bool,
    /// The configured reaction type.
    pub reaction_type: String,
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
        } => publish::run(client, &channel, message, meta, json).await,
        Command::History {
            channel,
            max,
            start,
            end,
            actions,
            json,
        } => {
            let asked = history::HistoryRequest {
                channel,
                max,
                start,
                end,
                actions,
                json,
            };
            history::run(client, asked).await
        }
        Command::Actions(sub) => actions::run(sub, client, moderator).await,
        Command::Demo(DemoCommand::Seed { channel, force }) => {
            demo::seed(client, config, &channel, force).await
        }
        Command::Serve { .. } | Command::Config(_) => Err(CommandError::Other(
            "internal: serve and config are handled before connecting".into(),
        )),
    }
}
