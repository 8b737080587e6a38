//! The server a command talks to: a remote origin, or the embedded server started on a
//! loopback port for the length of one command.

use super::error::CommandError;
use crate::config::{Backend, Connection, Paths};
use crate::server::{self, RunningServer, ServerOptions};

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
