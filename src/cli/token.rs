//! Access Manager from the command line: `grant` (the keyset's server, with the secret key,
//! mints a token: by permission flags, or the presets `--as-user` and `--as-moderator`),
//! `token parse` (what a token allows and when it expires, without a connection) and `revoke`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::args::GrantArgs;
use super::error::{CommandError, api};
use super::output::{Table, write, write_line};
use crate::moderation::LOG_CHANNEL;
use crate::pubnub::token::{Grants, Permissions, Token, parse_token};
use crate::pubnub::{Client, Timetoken};

/// What a user's and a moderator's token allow on their channels: a user removes only their
/// own actions (the token is bound to them), a moderator anyone's (bound to no one).
const PRESET: Permissions = Permissions::READ
    .union(Permissions::WRITE)
    .union(Permissions::DELETE);

/// The permissions the flags ask for.
fn flagged(a: &GrantArgs) -> Permissions {
    [
        (a.read, Permissions::READ),
        (a.write, Permissions::WRITE),
        (a.delete, Permissions::DELETE),
        (a.manage, Permissions::MANAGE),
        (a.get, Permissions::GET),
        (a.update, Permissions::UPDATE),
        (a.join, Permissions::JOIN),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .fold(Permissions::NONE, |all, (_, p)| all | p)
}

/// `reactions grant`: mints a token on the server and prints it. `channel` is the global
/// `--channel`, `default_channel` what a preset applies to when no channel is named.
pub async fn grant(
    client: &Client,
    args: GrantArgs,
    channel: Option<&str>,
    default_channel: &str,
) -> Result<(), CommandError> {
    let mut channels = args.channels.clone();
    channels.extend(channel.map(str::to_string));
    let preset = args.as_user.is_some() || args.as_moderator;
    if preset && channels.is_empty() && args.patterns.is_empty() {
        channels.push(default_channel.to_string());
    }
    if channels.is_empty() && args.patterns.is_empty() {
        return Err(CommandError::Usage(
            "say which channels the token is for: CHANNEL..., --channel or --pattern".into(),
        ));
    }
    for c in &channels {
        super::check_channel(c)?;
    }
    let mut permissions = flagged(&args);
    if preset {
        permissions = permissions | PRESET;
    }
    if permissions.is_empty() {
        return Err(CommandError::Usage(
            "say what the token allows: --read, --write, --delete (...), or --as-user USER / --as-moderator".into(),
        ));
    }
    let mut request = client.grant_token(args.ttl);
    for c in &channels {
        request = request.channel(c, permissions);
    }
    for p in &args.patterns {
        request = request.channel_pattern(p, permissions);
    }
    if args.as_moderator {
        // Every moderator operation is recorded there first.
        request = request.channel(LOG_CHANNEL, Permissions::READ | Permissions::WRITE);
    }
    if let Some(user) = args.as_user.as_ref().or(args.authorized_user.as_ref()) {
        request = request.authorized_uuid(user.clone());
    }
    let token = request.execute().await.map_err(api("grant"))?;
    if args.json {
        let parsed = parse_token(&token)
            .map(|t| token_json(&t))
            .unwrap_or(Value::Null);
        write_line(json!({"token": token, "parsed": parsed}))?;
    } else {
        write_line(&token)?;
    }
    Ok(())
}

/// `reactions revoke TOKEN`.
pub async fn revoke(client: &Client, token: &str) -> Result<(), CommandError> {
    client
        .revoke_token(token)
        .execute()
        .await
        .map_err(api("revoke"))?;
    write_line("revoked")?;
    Ok(())
}

/// `reactions token parse TOKEN`: what it allows and when it expires, at `now` (Unix seconds).
pub fn parse(token: &str, json: bool, now: u64) -> Result<(), CommandError> {
    let t = parse_token(token).map_err(|e| CommandError::Usage(format!("not a token: {e}")))?;
    if json {
        write_line(token_json(&t))?;
        return Ok(());
    }
    let local = |unix: u64| Timetoken(unix.saturating_mul(10_000_000)).local_string();
    let left = match t.expires_at().checked_sub(now) {
        Some(s) if !t.is_expired_at(now) => format!("in {} min", s.div_ceil(60)),
        _ => "expired".into(),
    };
    let mut table = Table::new(&["FIELD", "VALUE", "PERMISSIONS"]);
    table.row(vec!["issued".into(), local(t.timestamp), String::new()]);
    table.row(vec![
        "expires".into(),
        format!("{} ({left})", local(t.expires_at())),
        String::new(),
    ]);
    let bound = t
        .authorized_uuid
        .clone()
        .unwrap_or_else(|| "anyone (no user binding)".into());
    table.row(vec!["user".into(), bound, String::new()]);
    for (label, grants) in [("", &t.resources), ("pattern ", &t.patterns)] {
        for (kind, names) in [
            ("channel", &grants.channels),
            ("group", &grants.groups),
            ("uuid", &grants.uuids),
        ] {
            for (name, p) in names {
                table.row(vec![format!("{label}{kind}"), name.clone(), p.to_string()]);
            }
        }
    }
    if !t.meta.is_empty() {
        table.row(vec![
            "meta".into(),
            Value::Object(t.meta.clone()).to_string(),
            String::new(),
        ]);
    }
    write(&table.render())?;
    Ok(())
}

/// `{"read":true,...}` for each permission the SDKs' parse_token reports.
fn permissions_json(p: Permissions) -> Value {
    let names = ["read", "write", "manage", "delete", "get", "update", "join"];
    Value::Object(
        names
            .into_iter()
            .map(|n| {
                let has = Permissions::named(n).is_some_and(|q| p.contains(q));
                (n.to_string(), Value::Bool(has))
            })
            .collect(),
    )
}

fn grants_json(g: &Grants) -> Value {
    let names = |m: &BTreeMap<String, Permissions>| -> Map<String, Value> {
        m.iter()
            .map(|(n, p)| (n.clone(), permissions_json(*p)))
            .collect()
    };
    json!({"channels": names(&g.channels), "groups": names(&g.groups), "uuids": names(&g.uuids)})
}

/// A token with the field names of the SDKs' parse_token, plus `expires_at` (Unix seconds).
pub fn token_json(t: &Token) -> Value {
    json!({
        "version": t.version,
        "timestamp": t.timestamp,
        "ttl": t.ttl,
        "expires_at": t.expires_at(),
        "authorized_uuid": t.authorized_uuid,
        "resources": grants_json(&t.resources),
        "patterns": grants_json(&t.patterns),
        "meta": t.meta,
    })
}
