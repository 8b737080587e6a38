//! Presence calls clients make on their own (reference section 4.4): leave on unsubscribe and
//! heartbeat. The server keeps no presence state; it only answers as the service does.
//! It must not keep or read any state.

use axum::body::Bytes;

use super::Handled;
use super::params;
use super::touch::Permissions;

/// Access Manager: a heartbeat needs read on its channels (as here-now and state do); a leave
/// needs nothing.
pub const HEARTBEAT_NEEDS: Permissions = Permissions::READ;

/// `GET /v2/presence/sub-key/{sk}/channel/{chs}/leave` or `/heartbeat`.
pub fn presence(sub_key: &str, channels: &str, leave: bool) -> Handled {
    params::key(sub_key, "subscribe key")?;
    params::channel_list(channels)?;
    Ok(Bytes::from_static(match leave {
        true => br#"{"status": 200, "message": "OK", "action": "leave", "service": "Presence"}"#,
        false => br#"{"status": 200, "message": "OK", "service": "Presence"}"#,
    }))
}
