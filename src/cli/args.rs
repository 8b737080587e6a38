//! Command-line definitions (clap): the terminal UI by default, `serve`, and the scriptable
//! subcommands. Parsing only; `main.rs` and the command families act on the result.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{self, ConnectionOverrides};
use crate::pubnub::Timetoken;

/// Browse a chat channel's messages and their reactions (PubNub message actions).
///
/// With no keys configured, `reactions` starts an embedded server that speaks PubNub's wire
/// protocol and keeps its data in SQLite, so it works offline.
#[derive(Debug, Parser)]
#[command(name = "reactions", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Channel to open in the terminal UI (`#chats.room1` is `chats.room1`). Given several
    /// times, the first opens and the others are watched for new messages and listed first in
    /// the channel switcher.
    #[arg(long, global = true, env = "REACTIONS_CHANNEL", value_parser = channel)]
    pub channel: Vec<String>,

    /// The UI's colours: dark or light (for the terminal's background), or mono. `NO_COLOR`
    /// makes it mono whatever is chosen.
    #[arg(long, global = true, env = "REACTIONS_THEME", value_enum)]
    pub theme: Option<config::Theme>,

    /// Moderator mode: allow removing other users' actions (with a confirmation, recorded in
    /// the moderation log). Given before the subcommand; `actions remove` and `audit undo` also
    /// take it after theirs.
    #[arg(long)]
    pub moderator: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Connection settings shared by every command. Flags win over the environment, which wins over
/// the config file.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// Service origin: `https://ps.pndsn.com` (the default with keys) or the `http://host:port`
    /// of a `reactions serve`.
    #[arg(long, global = true, env = "PUBNUB_ORIGIN")]
    pub origin: Option<String>,
    /// Publish key.
    #[arg(long = "pub-key", global = true, env = "PUBNUB_PUBLISH_KEY")]
    pub pub_key: Option<String>,
    /// Subscribe key.
    #[arg(long = "sub-key", global = true, env = "PUBNUB_SUBSCRIBE_KEY")]
    pub sub_key: Option<String>,
    /// Your user id (default: the config's user_id, else $USER).
    #[arg(long, global = true, env = "PUBNUB_USER_ID")]
    pub user: Option<String>,
    /// Secret key: sign every request (and, for `serve`, require signatures).
    #[arg(
        long = "secret-key",
        global = true,
        env = "PUBNUB_SECRET_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// Auth key sent with every request (`auth`).
    #[arg(
        long = "auth-key",
        global = true,
        env = "PUBNUB_AUTH_KEY",
        hide_env_values = true
    )]
    pub auth_key: Option<String>,
    /// Access Manager token sent with every request (`auth`, in place of the auth key).
    #[arg(long, global = true, env = "PUBNUB_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

impl ConnectionArgs {
    pub fn overrides(&self) -> ConnectionOverrides {
        ConnectionOverrides {
            origin: self.origin.clone(),
            publish_key: self.pub_key.clone(),
            subscribe_key: self.sub_key.clone(),
            user_id: self.user.clone(),
            secret_key: self.secret_key.clone(),
            auth_key: self.auth_key.clone(),
            token: self.token.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded server (PubNub wire protocol, SQLite storage).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// Database file (default: reactions.sqlite3 in the data directory).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Memory budget in MiB: the server builds in-memory views of channels only while
        /// its resident memory is under this, and drops them to stay there.
        #[arg(long, default_value_t = crate::server::DEFAULT_CACHE_MB)]
        cache_mb: usize,
    },
    /// Publish a message (JSON if it parses as JSON, else a string).
    Publish {
        #[arg(value_parser = channel)]
        channel: String,
        message: String,
        /// Metadata as JSON.
        #[arg(long, value_parser = parse_json)]
        meta: Option<serde_json::Value>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a channel's history: the newest page, newest last, or with --all every page, newest
    /// first.
    History {
        #[arg(value_parser = channel)]
        channel: String,
        /// Number of messages (1-100; 25 with --actions).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        max: Option<u32>,
        /// Only messages older than this timetoken (exclusive).
        #[arg(long)]
        start: Option<Timetoken>,
        /// Only messages from this timetoken on (inclusive).
        #[arg(long)]
        end: Option<Timetoken>,
        /// Include each message's actions.
        #[arg(long)]
        actions: bool,
        /// Follow every page back to the first message (or to --end), writing each page as it
        /// arrives, newest first; --max is then the page size.
        #[arg(long)]
        all: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Print one JSON object a line (each message with its channel).
        #[arg(long, conflicts_with = "json")]
        jsonl: bool,
    },
    /// Message actions: list, add, remove.
    #[command(subcommand)]
    Actions(ActionsCommand),
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Grant an Access Manager token (needs the secret key): print it, or JSON with --json.
    Grant(GrantArgs),
    /// Access Manager tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Revoke an Access Manager token (needs the secret key).
    Revoke { token: String },
    /// The moderation log: list, export, undo.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// A channel's reactions over time: per minute, the top values and users, and spikes (a
    /// user or a value far above its usual rate), with the filter that removes each.
    Stats {
        #[arg(value_parser = channel)]
        channel: String,
        /// The window: 15m, 1h, 6h, 1d (whole minutes up to now).
        #[arg(long, default_value = "1h")]
        since: String,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script for SHELL on stdout (see the README for where it goes).
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `reactions man | man -l -`.
    Man,
}

/// `reactions grant`: what the token allows, for how long, and for whom.
#[derive(Debug, Clone, Args)]
pub struct GrantArgs {
    /// Channels the permissions apply to (with the global --channel, if given).
    pub channels: Vec<String>,
    /// Regular expressions (RE2, `^...$` for whole names) of channels the permissions apply to.
    #[arg(long = "pattern")]
    pub patterns: Vec<String>,
    #[arg(long)]
    pub read: bool,
    #[arg(long)]
    pub write: bool,
    #[arg(long)]
    pub delete: bool,
    #[arg(long)]
    pub manage: bool,
    #[arg(long)]
    pub get: bool,
    #[arg(long)]
    pub update: bool,
    #[arg(long)]
    pub join: bool,
    /// Minutes the token is valid (1 to 43200).
    #[arg(long, default_value_t = 1440, value_parser = clap::value_parser!(u64).range(1..=43_200))]
    pub ttl: u64,
    /// Only this user id may use the token.
    #[arg(long = "authorized-user", value_name = "USER")]
    pub authorized_user: Option<String>,
    /// A user's token: read, write and delete on the channels, bound to USER (who then removes
    /// only their own actions).
    #[arg(long = "as-user", value_name = "USER", conflicts_with_all = ["as_moderator", "authorized_user"])]
    pub as_user: Option<String>,
    /// A moderator's token: read, write and delete on the channels and bound to no user, so
    /// that it may remove anyone's action (sent with its author's id).
    #[arg(long = "as-moderator")]
    pub as_moderator: bool,
    /// Print the token and what it allows as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Show what a token allows and when it expires (no connection needed).
    Parse {
        token: String,
        /// Print it as JSON, with the field names of the SDKs' parse_token.
        #[arg(long)]
        json: bool,
    },
}

impl Command {
    /// Whether `--moderator` was given after the subcommand.
    pub fn moderator_flag(&self) -> bool {
        matches!(
            self,
            Command::Actions(ActionsCommand::Remove {
                moderator: true,
                ..
            }) | Command::Audit(AuditCommand::Undo {
                moderator: true,
                ..
            })
        )
    }

    /// The channel the command works on, when it takes one.
    pub fn channel(&self) -> Option<&str> {
        match self {
            Command::Publish { channel, .. }
            | Command::History { channel, .. }
            | Command::Actions(
                ActionsCommand::List { channel, .. }
                | ActionsCommand::Add { channel, .. }
                | ActionsCommand::Remove { channel, .. },
            )
            | Command::Demo(
                DemoCommand::Seed { channel, .. } | DemoCommand::Synth { channel, .. },
            )
            | Command::Stats { channel, .. } => Some(channel),
            Command::Serve { .. }
            | Command::Audit(_)
            | Command::Config(_)
            | Command::Grant(_)
            | Command::Token(_)
            | Command::Revoke { .. }
            | Command::Completions { .. }
            | Command::Man => None,
        }
    }
}

/// A channel name as people write it: a leading `#` is dropped (see [`config::channel_name`]).
fn channel(text: &str) -> Result<String, String> {
    Ok(config::channel_name(text).to_string())
}

/// A JSON argument, checked while parsing so that bad JSON is a usage error.
fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// List a channel's actions: the newest page, oldest first, or with --all every page,
    /// newest first.
    List {
        #[arg(value_parser = channel)]
        channel: String,
        /// Only actions older than this action timetoken (exclusive).
        #[arg(long)]
        start: Option<Timetoken>,
        /// Only actions from this action timetoken on (inclusive).
        #[arg(long)]
        end: Option<Timetoken>,
        /// Page size (1-100).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        limit: Option<u32>,
        /// Follow every page back to the first action (or to --end), writing each page as it
        /// arrives, newest first.
        #[arg(long)]
        all: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Print one JSON object a line.
        #[arg(long, conflicts_with = "json")]
        jsonl: bool,
    },
    /// Add an action to a message.
    Add {
        #[arg(value_parser = channel)]
        channel: String,
        message_tt: Timetoken,
        /// Action type, such as `reaction` or `receipt`.
        #[arg(long = "type")]
        action_type: String,
        /// Action value, such as 👍 or `read`.
        #[arg(long)]
        value: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove an action: yours, or with --moderator anyone's (asked first, recorded in the
    /// moderation log); or, with --where, every action of the channel a filter matches (a
    /// moderator's bulk removal: try it with --dry-run first).
    Remove {
        #[arg(value_parser = channel)]
        channel: String,
        /// The message the action is on (not with --where).
        #[arg(required_unless_present = "wheres", conflicts_with = "wheres")]
        message_tt: Option<Timetoken>,
        /// The action (not with --where).
        #[arg(required_unless_present = "wheres", conflicts_with = "wheres")]
        action_tt: Option<Timetoken>,
        /// Bulk: remove every action matching all of these: user=ID, type=TYPE, value=VALUE
        /// (an emoji or its name: value=eggplant is 🍆), message=TT; a key given twice
        /// matches either value.
        #[arg(long = "where", value_name = "KEY=VALUE")]
        wheres: Vec<String>,
        /// Bulk: only actions since then: 30m, 2h, 1d (ago), 14:02 (today), 2026-12-06T14:02
        /// (local time) or a timetoken.
        #[arg(long, requires = "wheres")]
        since: Option<String>,
        /// Bulk: only actions before then (same forms as --since).
        #[arg(long, requires = "wheres")]
        until: Option<String>,
        /// Bulk: only say what would be removed: how many, by user and by value, and a sample.
        #[arg(long = "dry-run", requires = "wheres", conflicts_with = "yes")]
        dry_run: bool,
        /// With --moderator: remove without asking (needed when stdin or stderr is not a
        /// terminal).
        #[arg(long)]
        yes: bool,
        /// Why, recorded in the moderation log with each removal.
        #[arg(long)]
        reason: Option<String>,
        /// Print the removed action (bulk: a summary) as JSON.
        #[arg(long)]
        json: bool,
        /// Moderator mode, as before the subcommand.
        #[arg(long)]
        moderator: bool,
    },
}

/// `reactions audit`: the moderation log of the keyset.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Moderator operations, newest first, with what became of each (done, undone, void).
    List {
        /// Only records since then: 30m, 2h, 1d (ago), 14:02 (today), 2026-12-06T14:02 or a
        /// timetoken.
        #[arg(long)]
        since: Option<String>,
        /// Only this moderator's records.
        #[arg(long, value_name = "USER")]
        moderator: Option<String>,
        /// Only records this filter matches (the Audit screen's syntax: user:bob run:… op:undo).
        #[arg(long)]
        filter: Option<String>,
        /// Print the records as JSON (`{"records": [...]}`).
        #[arg(long)]
        json: bool,
    },
    /// Every record, oldest first, voids included, for other tools.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Only records since then (as for `audit list`).
        #[arg(long)]
        since: Option<String>,
    },
    /// Undo a removal: put the action back as its author (needs the secret key or a token bound
    /// to no user) and record the undo.
    Undo {
        /// The removal's record id (or the start of it), as `audit list` shows it.
        record: String,
        /// Why, recorded with the undo.
        #[arg(long)]
        reason: Option<String>,
        /// Print the undo's record as JSON.
        #[arg(long)]
        json: bool,
        /// Moderator mode, as before the subcommand.
        #[arg(long)]
        moderator: bool,
    },
}

/// The formats of `audit export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write the demo conversation (about 40 messages from five users, with reactions,
    /// receipts and a custom action type) to the server.
    Seed {
        #[arg(default_value = crate::config::DEFAULT_CHANNEL)]
        #[arg(value_parser = channel)]
        channel: String,
        /// Seed even when the channel already has messages (adds another copy).
        #[arg(long)]
        force: bool,
    },
    /// Fill a channel with a large synthetic history, the same every time: MESSAGES messages
    /// ten seconds apart from 2025-01-01 with ACTIONS reactions and read receipts spread over
    /// them by USERS users, three of them 🦄 by `needle-finder` (something rare to search
    /// for). With the embedded server (no --origin) or --db it writes the database directly,
    /// in bulk (a million actions in about ten seconds); otherwise through the API, one
    /// request per message and per action.
    Synth {
        #[arg(value_parser = channel)]
        channel: String,
        /// Number of messages.
        #[arg(long, default_value_t = 1_000)]
        messages: usize,
        /// Number of actions, spread evenly over the messages.
        #[arg(long, default_value_t = 10_000)]
        actions: usize,
        /// Number of distinct authors (user00, user01, ...).
        #[arg(long, default_value_t = crate::synthetic::USERS)]
        users: usize,
        /// Write into this database file directly (a `reactions serve --db` file; a running
        /// server notices and reads the new rows).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Fill even when the channel already has messages or actions.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file is.
    Path,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn connection_flags_work_after_a_subcommand() {
        let cli = Cli::try_parse_from([
            "reactions",
            "actions",
            "list",
            "chats.room1",
            "--sub-key",
            "sub-x",
            "--limit",
            "5",
        ])
        .unwrap();
        assert_eq!(cli.connection.sub_key.as_deref(), Some("sub-x"));
        assert!(matches!(
            cli.command,
            Some(Command::Actions(ActionsCommand::List {
                limit: Some(5),
                ..
            }))
        ));
    }

    #[test]
    fn bad_timetokens_and_limits_are_usage_errors() {
        let bad_tt = Cli::try_parse_from(["reactions", "actions", "remove", "c", "12x", "3"]);
        assert!(bad_tt.is_err());
        let bad_limit =
            Cli::try_parse_from(["reactions", "actions", "list", "c", "--limit", "500"]);
        assert_eq!(
            bad_limit.unwrap_err().exit_code(),
            2,
            "usage errors exit with 2"
        );
        let bad_meta =
            Cli::try_parse_from(["reactions", "publish", "c", "m", "--meta", "{not json"]);
        assert_eq!(bad_meta.unwrap_err().exit_code(), 2);
    }
}

#[cfg(test)]
mod moderation_tests {
    use super::*;

    #[test]
    fn bulk_removal_takes_filters_instead_of_timetokens() {
        let cli = Cli::try_parse_from([
            "reactions",
            "actions",
            "remove",
            "c",
            "--where",
            "user=bob",
            "--where",
            "value=🍆",
            "--since",
            "1h",
            "--dry-run",
        ])
        .unwrap();
        let Some(Command::Actions(ActionsCommand::Remove {
            wheres,
            dry_run,
            message_tt,
            ..
        })) = cli.command
        else {
            panic!("remove");
        };
        assert_eq!(wheres, ["user=bob", "value=🍆"]);
        assert!(dry_run && message_tt.is_none());
        for bad in [
            vec!["reactions", "actions", "remove", "c"],
            vec![
                "reactions",
                "actions",
                "remove",
                "c",
                "1",
                "2",
                "--where",
                "user=b",
            ],
            vec![
                "reactions",
                "actions",
                "remove",
                "c",
                "--where",
                "u=b",
                "--dry-run",
                "--yes",
            ],
        ] {
            assert_eq!(
                Cli::try_parse_from(&bad).unwrap_err().exit_code(),
                2,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn audit_list_filters_by_moderator_and_the_global_flag_still_works() {
        let cli = Cli::try_parse_from(["reactions", "audit", "list", "--moderator", "mo"]).unwrap();
        assert!(!cli.moderator);
        assert!(matches!(
            cli.command,
            Some(Command::Audit(AuditCommand::List { moderator: Some(m), .. })) if m == "mo"
        ));
        let cli =
            Cli::try_parse_from(["reactions", "--moderator", "audit", "undo", "ab12"]).unwrap();
        assert!(cli.moderator);
        let cli = Cli::try_parse_from([
            "reactions",
            "actions",
            "remove",
            "c",
            "1",
            "2",
            "--moderator",
        ])
        .unwrap();
        assert!(cli.command.is_some_and(|c| c.moderator_flag()));
    }
}
