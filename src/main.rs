//! The `reactions` binary: parses the command line and runs the terminal UI (default), the
//! embedded server (`serve`) or one scriptable command.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use reactions::app::{self, App};
use reactions::cli::{self, Cli, Command, CommandError, ConfigCommand};
use reactions::config::{self, Backend, Connection, FileConfig, Paths};
use reactions::server::{self, ServerOptions};
use reactions::{embedded, moderation, pubnub, tui, worker};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_quiet() => ExitCode::from(e.exit_code()),
        Err(e) => {
            eprintln!("reactions: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// A failure that is neither a usage error nor a command's own.
fn failure(e: impl std::fmt::Display) -> CommandError {
    CommandError::Other(e.to_string())
}

/// Settings that cannot be used as given: exit status 2, like a usage error.
fn configuration(e: impl std::fmt::Display) -> CommandError {
    CommandError::Usage(e.to_string())
}

fn run(cli: Cli) -> Result<(), CommandError> {
    // Generated from the command-line definition alone: no config, data or connection, so
    // they work on a machine where nothing is set up yet.
    match cli.command {
        Some(Command::Completions { shell }) => return cli::completions(shell),
        Some(Command::Man) => return cli::man_page(),
        _ => {}
    }
    let paths = Paths::discover().map_err(configuration)?;
    if let Some(Command::Config(ConfigCommand::Path)) = cli.command {
        cli::write_line(paths.config_file.display())?;
        return Ok(());
    }
    let file = FileConfig::load(&paths.config_file).map_err(configuration)?;
    let overrides = cli.connection.overrides();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failure(format!("cannot start the async runtime: {e}")))?;
    if let Some(Command::Serve {
        listen,
        db,
        cache_mb,
    }) = cli.command
    {
        init_stderr_logging("info");
        let mut options = ServerOptions::new(listen, db.unwrap_or_else(|| paths.database()));
        options.cache_mb = cache_mb;
        (options.secret_key, options.publish_key) = config::serve_keys(&overrides, &file);
        return runtime.block_on(server::run(options)).map_err(failure);
    }
    let connection = Connection::resolve(&overrides, &file).map_err(configuration)?;
    let settings = cli::Settings {
        moderator: cli.moderator
            || cli.command.as_ref().is_some_and(Command::moderator_flag)
            || file.moderator.unwrap_or(false),
        reaction_type: file
            .reaction_type
            .clone()
            .unwrap_or_else(|| "reaction".into()),
        channel: cli.channel.first().cloned(),
        default_channel: file
            .channel
            .clone()
            .unwrap_or_else(|| config::DEFAULT_CHANNEL.to_string()),
    };
    match cli.command {
        None => {
            let channels = config::ui_channels(&cli.channel, &file);
            // Before the embedded server starts and the terminal is taken: a bad channel is a
            // usage error, not a failure to load messages later.
            for channel in &channels {
                cli::check_channel(channel)?;
            }
            let channel = channels.first().cloned().unwrap_or_default();
            // So is a bad [keys] table, such as a key given to two actions.
            let keymap = app::keymap::Keymap::with_overrides(&file.keys).map_err(|e| {
                CommandError::Usage(format!("{}: {e}", paths.config_file.display()))
            })?;
            // So is --moderator on a keyset with Access Manager without the token (or the
            // secret) that allows it: one line saying what is missing.
            let access = moderation::ChannelAccess::new(
                &channel,
                &connection.user_id,
                connection.secret_key.is_some(),
                connection.token.as_deref(),
            )
            .map_err(CommandError::Usage)?;
            let settings = cli::Settings {
                moderator: access
                    .moderator_mode(settings.moderator)
                    .map_err(CommandError::Usage)?,
                ..settings
            };
            // And a terminal that cannot show the UI.
            tui::check_terminal().map_err(CommandError::Usage)?;
            let ended = runtime.block_on(run_tui(
                channels,
                keymap,
                (&settings, access),
                (&file, cli.theme),
                &connection,
                &paths,
            ))?;
            if let tui::Ending::Signal(signal) = ended {
                // The terminal is restored, the database closed and the log flushed: end as the
                // signal would have.
                tui::exit_by_signal(signal);
            }
            Ok(())
        }
        Some(Command::Serve { .. }) => Err(failure("internal: serve is handled above")),
        Some(command) => {
            // Only warnings: a command's stderr is its one-line error, not the embedded
            // server's start and stop notices.
            init_stderr_logging("warn");
            // Run the command as a task on the runtime, next to the HTTP connection it drives:
            // polled from this thread instead, every request would cross threads twice.
            let task = runtime
                .spawn(async move { cli::run(command, &connection, &paths, &settings).await });
            match runtime.block_on(task) {
                Ok(result) => result,
                Err(e) => Err(failure(format!("the command ended abnormally: {e}"))),
            }
        }
    }
}

/// The logs of `serve` and the CLI go to stderr (no screen to protect there), from
/// `default_level` up unless `REACTIONS_LOG` says otherwise.
fn init_stderr_logging(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REACTIONS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// The UI logs to a file in the data directory, never to the screen.
fn init_file_logging(paths: &Paths) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(&paths.data_dir).ok()?;
    let appender = tracing_appender::rolling::never(&paths.data_dir, "reactions.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("REACTIONS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Opens the UI on the first of `channels` with `keymap` (all checked already); says how it
/// ended.
async fn run_tui(
    channels: Vec<String>,
    keymap: app::keymap::Keymap,
    (settings, access): (&cli::Settings, moderation::ChannelAccess),
    (file, theme): (&FileConfig, Option<config::Theme>),
    connection: &Connection,
    paths: &Paths,
) -> Result<tui::Ending, CommandError> {
    let _log_guard = init_file_logging(paths);
    let embedded = match connection.backend {
        Backend::Embedded => Some(
            embedded::start(paths, &connection.subscribe_key)
                .await
                .map_err(|e| failure(format!("embedded server: {e}")))?,
        ),
        Backend::Remote { .. } => None,
    };
    let origin = match (&connection.backend, &embedded) {
        (Backend::Remote { origin }, _) => origin.clone(),
        (Backend::Embedded, Some(server)) => server.origin(),
        (Backend::Embedded, None) => return Err(failure("internal: embedded server missing")),
    };
    // A configuration the client refuses is a usage error, as it is for every command.
    let client =
        pubnub::Client::new(connection.client_config(&origin)).map_err(|e| CommandError::Api {
            operation: "connect",
            source: e,
        })?;
    let recent_path = paths.data_dir.join("recent-reactions.json");
    let channels_path = paths.data_dir.join("channels.json");
    let options = app::Options {
        channel: channels.first().cloned().unwrap_or_default(),
        channel_memory: worker::load_channels(&channels_path),
        channels,
        user_id: connection.user_id.clone(),
        moderator: settings.moderator,
        reaction_type: file.reaction_type.clone(),
        reaction_value: file.reaction_value.unwrap_or_default(),
        keymap,
        utc_offset_secs: chrono::Local::now().offset().local_minus_utc(),
        audit_log_path: paths.audit_log().display().to_string(),
        recent_reactions: worker::load_recent(&recent_path),
        access: Some(access),
        theme: config::Theme::resolve(
            theme.or(file.theme),
            std::env::var("NO_COLOR").ok().as_deref(),
        ),
    };
    let files = worker::WorkerFiles {
        audit_log: paths.audit_log(),
        recent_reactions: recent_path,
        channels: channels_path,
    };
    let result = tui::run(App::new(options), client, files).await;
    if let Some(server) = embedded {
        server.shutdown().await;
    }
    result.map_err(|e| failure(format!("terminal: {e}")))
}
