//! How a command fails: [`CommandError`] says which operation failed and why in one line, and
//! which exit status that deserves.

use super::output::reader_gone;
use crate::pubnub;

/// A failed command: which operation, and why. Displays as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{operation} failed: {source}{}", flags_for(source))]
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
            CommandError::Output(e) if reader_gone(e) => 0,
            _ => 1,
        }
    }

    /// Whether the command should end without a word: stdout's reader went away.
    pub fn is_quiet(&self) -> bool {
        matches!(self, CommandError::Output(e) if reader_gone(e))
    }
}

/// The flags that answer an error, when the library's message names only what they set.
fn flags_for(error: &pubnub::Error) -> &'static str {
    match error {
        pubnub::Error::AccessDenied { .. } => " (--secret-key, --token, --auth-key)",
        _ => "",
    }
}

/// Wraps an API error with the operation that met it.
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
