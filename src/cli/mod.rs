//! The scriptable command line: its definitions ([`args`], parsed by clap), one file per command
//! family (publish, history, actions, demo, Access Manager tokens), their output and their
//! errors. Each command prints
//! aligned columns, or with `--json` the field names of PubNub's SDK documentation, and fails
//! with a [`CommandError`] that says which exit status it deserves.
//!
//! The CLI uses the client ([`crate::pubnub`]), the embedded server (to start one for a command)
//! and the moderation vocabulary ([`crate::moderation`]); nothing of the terminal UI.

mod actions;
pub mod args;
mod audit;
mod bulk;
mod demo;
mod error;
mod history;
mod lookup;
mod manual;
mod moderate;
mod names;
mod output;
mod progress;
mod publish;
mod stats;
mod stream;
mod target;
mod token;

pub use args::{
    ActionsCommand, AuditCommand, Cli, Command, ConfigCommand, ConnectionArgs, DemoCommand,
    ExportFormat, GrantArgs, TokenCommand,
};
pub use bulk::progress_line;
pub use error::{CommandError, check_channel};
pub use manual::{completions, man_page};
pub use output::write_line;
pub use target::Target;

use crate::config::{Connection, Paths};
use crate::moderation::ChannelAccess;
use crate::pubnub::token::Permissions;
use crate::pubnub::{self, Client};
use moderate::Moderator;

/// Settings of a command besides the connection (shared with the UI).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Moderator mode (`--moderator` or the config's `moderator = true`).
    pub moderator: bool,
    /// The configured reaction type.
    pub reaction_type: String,
    /// The channel of the global `--channel` (or `REACTIONS_CHANNEL`), if given.
    pub channel: Option<String>,
    /// The configured channel (or the default): what `grant --as-user` is for when no channel
    /// is named.
    pub default_channel: String,
}

/// The permission a command needs on its channel, to explain Access Manager's refusals.
fn needed(command: &Command) -> Permissions {
    match command {
        Command::History { .. }
        | Command::Actions(ActionsCommand::List { .. })
        | Command::Stats { .. } => Permissions::READ,
        Command::Actions(ActionsCommand::Remove { .. }) => Permissions::DELETE,
        _ => Permissions::WRITE,
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
    if let Command::Token(TokenCommand::Parse { token, json }) = &command {
        let now = u64::try_from(pubnub::Timetoken::now().unix_seconds()).unwrap_or(0);
        return token::parse(token, *json, now);
    }
    if let Some(channel) = command.channel() {
        check_channel(channel)?;
    }
    if let Command::Demo(DemoCommand::Synth {
        channel,
        messages,
        actions,
        users,
        db,
        force,
    }) = command
    {
        let shape = crate::synthetic::Shape {
            messages,
            actions,
            users,
        };
        let asked = demo::SynthRequest {
            channel,
            shape,
            db,
            force,
        };
        return demo::synth(connection, paths, asked).await;
    }
    // With Access Manager, what the credentials allow decides moderation, and asking for it
    // without them is refused before anything is sent.
    let access = match command.channel() {
        Some(channel) => Some(
            ChannelAccess::new(
                channel,
                &connection.user_id,
                connection.secret_key.is_some(),
                connection.token.as_deref(),
            )
            .map_err(CommandError::Usage)?,
        ),
        None => None,
    };
    let moderating = match (&access, &command) {
        (Some(access), Command::Actions(ActionsCommand::Remove { .. })) => access
            .moderator_mode(settings.moderator)
            .map_err(CommandError::Usage)?,
        _ => settings.moderator,
    };
    // Stats are a moderator's view: on a keyset with Access Manager, refused up front to
    // credentials that cannot moderate the channel.
    if let (Some(access), Command::Stats { channel, .. }) = (&access, &command)
        && access.is_managed()
        && let Some(missing) = access.moderation_missing()
    {
        return Err(CommandError::Usage(format!(
            "reactions stats is a moderator's view of {channel}: it needs {missing}"
        )));
    }
    let needs = needed(&command);
    let as_moderator = Moderator {
        user_id: connection.user_id.clone(),
        audit_log: paths.audit_log(),
        reaction_type: settings.reaction_type.clone(),
    };
    let credentials = audit::Credentials {
        user_id: connection.user_id.clone(),
        secret: connection.secret_key.is_some(),
        token: connection.token.clone(),
        moderator_flag: settings.moderator,
    };
    let moderator = moderating.then_some(&as_moderator);
    // A bulk removal is a moderator's: said up front, with what is missing.
    if let (Some(access), Command::Actions(ActionsCommand::Remove { wheres, .. })) =
        (&access, &command)
        && !wheres.is_empty()
        && !moderating
    {
        let missing = match access.is_managed() {
            true => access.moderation_missing(),
            false => None,
        }
        .unwrap_or_else(|| "moderator mode (--moderator)".into());
        return Err(CommandError::Usage(format!(
            "a bulk removal (--where) removes other users' actions: it needs {missing}"
        )));
    }
    let roles = Roles {
        moderator,
        as_moderator: &as_moderator,
        credentials: &credentials,
    };
    let target = Target::open(connection, paths).await?;
    let config = connection.client_config(&target.origin);
    let result = match Client::new(config.clone()) {
        Ok(client) => run_with_client(command, &client, &config, &roles, settings).await,
        Err(e) => Err(CommandError::Api {
            operation: "connect",
            source: e,
        }),
    };
    target.close().await;
    result.map_err(|e| explained(e, access.as_ref(), needs))
}

/// An Access Manager refusal said in a few words (`no delete permission on chats.room1`,
/// `token expired at 14:02; ask for a new one`); any other error as it is.
fn explained(e: CommandError, access: Option<&ChannelAccess>, needs: Permissions) -> CommandError {
    let CommandError::Api { operation, source } = &e else {
        return e;
    };
    let offset = chrono::Local::now().offset().local_minus_utc();
    match access.and_then(|a| a.explain(source, needs, None, offset)) {
        Some(why) => CommandError::Other(format!("{operation} failed: {why}")),
        None => e,
    }
}

/// Who the command runs as: a moderator (when moderating the command's channel is allowed),
/// and the credentials to check a record's channel with.
struct Roles<'a> {
    moderator: Option<&'a Moderator>,
    /// The moderator the user would be, for commands that decide later (`audit undo`).
    as_moderator: &'a Moderator,
    credentials: &'a audit::Credentials,
}

async fn run_with_client(
    command: Command,
    client: &Client,
    config: &pubnub::Config,
    roles: &Roles<'_>,
    settings: &Settings,
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
            all,
            json,
            jsonl,
        } => {
            let asked = history::HistoryRequest {
                channel,
                max,
                start,
                end,
                actions,
                all,
                format: stream::Format::of(json, jsonl),
            };
            history::run(client, asked).await
        }
        Command::Actions(sub) => {
            actions::run(sub, client, roles.moderator, &settings.reaction_type).await
        }
        Command::Audit(sub) => {
            let channel = settings.channel.as_deref();
            audit::run(sub, client, roles.credentials, roles.as_moderator, channel).await
        }
        Command::Stats {
            channel,
            since,
            json,
        } => stats::run(client, &channel, &since, json, &settings.reaction_type).await,
        Command::Demo(DemoCommand::Seed { channel, force }) => {
            demo::seed(client, config, &channel, force).await
        }
        Command::Demo(DemoCommand::Synth { .. }) => Err(CommandError::Other(
            "internal: demo synth is handled before connecting".into(),
        )),
        Command::Grant(args) => {
            let channel = settings.channel.as_deref();
            token::grant(client, args, channel, &settings.default_channel).await
        }
        Command::Revoke { token } => token::revoke(client, &token).await,
        Command::Serve { .. }
        | Command::Config(_)
        | Command::Token(_)
        | Command::Completions { .. }
        | Command::Man => Err(CommandError::Other(
            "internal: serve, config, token parse, completions and man are handled before \
             connecting"
                .into(),
        )),
    }
}
