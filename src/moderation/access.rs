//! What the configured credentials allow on the channel, for the UI and the CLI alike. A keyset
//! with Access Manager is recognised by the credentials: a token (a user's or a moderator's) or
//! the secret key (the keyset's server, on a trusted host). Without either the keyset is open
//! and `--moderator` decides, as before; with one, moderation is what the token allows (delete
//! on the channel, no uuid binding, so that the author's uuid may be sent, and read and write on
//! the moderation log, where every operation is recorded first) or the secret.
//! It also says in a few words why Access Manager refused a request.
//!
//! Pure: no I/O, no clock (times come in as arguments).

use chrono::{DateTime, FixedOffset, Offset, Utc};
use regex::Regex;

use super::log::LOG_CHANNEL;
use crate::pubnub::Error;
use crate::pubnub::token::{Permissions, Resource, Token, parse_token};

/// The credentials' view of one channel.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    channel: String,
    user_id: String,
    secret: bool,
    token: Option<Token>,
}

/// What the token grants on `channel`: its exact entry, else the patterns that match.
pub fn token_permissions(token: &Token, kind: Resource, name: &str) -> Permissions {
    token.permissions_on(kind, name, |pattern, name| {
        Regex::new(pattern).is_ok_and(|r| r.is_match(name))
    })
}

impl ChannelAccess {
    /// Reads the token, if any; a token that cannot be read is an error naming why.
    pub fn new(
        channel: &str,
        user_id: &str,
        secret: bool,
        token: Option<&str>,
    ) -> Result<Self, String> {
        let token = token
            .map(|t| parse_token(t).map_err(|e| format!("the token cannot be read: {e}")))
            .transpose()?;
        Ok(ChannelAccess {
            channel: channel.to_string(),
            user_id: user_id.to_string(),
            secret,
            token,
        })
    }

    /// Whether the keyset has Access Manager, as far as the credentials tell.
    pub fn is_managed(&self) -> bool {
        self.secret || self.token.is_some()
    }

    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// What the token grants on the channel (nothing without a token).
    pub fn permissions(&self) -> Permissions {
        self.token.as_ref().map_or(Permissions::NONE, |t| {
            token_permissions(t, Resource::Channel, &self.channel)
        })
    }

    /// What these credentials lack to remove other users' actions on a managed keyset, if
    /// anything: `a token with delete on chats.room1, or the secret key`.
    pub fn moderation_missing(&self) -> Option<String> {
        if self.secret {
            return None;
        }
        let channel = &self.channel;
        let Some(token) = &self.token else {
            return Some(format!(
                "a token with delete on {channel}, or the secret key"
            ));
        };
        let has = self.permissions();
        if !has.contains(Permissions::DELETE) {
            return Some(format!(
                "delete on {channel}, which the token does not grant (it grants {has}); ask for a moderator token (reactions grant --as-moderator)"
            ));
        }
        if let Some(bound) = &token.authorized_uuid {
            return Some(format!(
                "a token bound to no user; this one is {bound}'s and removes only {bound}'s own actions (reactions grant --as-moderator)"
            ));
        }
        self.log_missing(true)
    }

    /// What these credentials lack to read (and, with `write`, to record in) the moderation
    /// log channel on a managed keyset, if anything.
    pub fn log_missing(&self, write: bool) -> Option<String> {
        let token = self.token.as_ref().filter(|_| !self.secret)?;
        let needed = if write {
            Permissions::READ | Permissions::WRITE
        } else {
            Permissions::READ
        };
        let has = token_permissions(token, Resource::Channel, LOG_CHANNEL);
        (!has.contains(needed)).then(|| {
            format!(
                "{needed} on {LOG_CHANNEL}, the moderation log every operation is recorded in, which the token does not grant; ask for a moderator token (reactions grant --as-moderator)"
            )
        })
    }

    /// What these credentials lack to undo a removal on the channel (putting the action back
    /// as its author), if anything: what moderating needs, and write on the channel. Nothing
    /// on an open keyset.
    pub fn undo_missing(&self) -> Option<String> {
        if !self.is_managed() {
            return None;
        }
        if let Some(missing) = self.moderation_missing() {
            return Some(missing);
        }
        let has = self.permissions();
        (self.token.is_some() && !self.secret && !has.contains(Permissions::WRITE)).then(|| {
            format!(
                "write on {}, to put the action back as its author, which the token does not grant (it grants {has})",
                self.channel
            )
        })
    }

    /// Moderator mode: on an open keyset what was asked (`--moderator`); on a managed one what
    /// the credentials allow, and asking for it without them is an error saying what is missing.
    pub fn moderator_mode(&self, asked: bool) -> Result<bool, String> {
        if !self.is_managed() {
            return Ok(asked);
        }
        match (self.moderation_missing(), asked) {
            (None, _) => Ok(true),
            (Some(_), false) => Ok(false),
            (Some(missing), true) => Err(format!(
                "--moderator refused: moderating {} needs {missing}",
                self.channel
            )),
        }
    }

    /// Why Access Manager refused a request that needed `needed` on the channel, in a few words
    /// for a status bar or stderr (`token expired at 14:02; ask for a new one`, `no delete
    /// permission on chats.room1`); `None` when `e` is no such refusal or there is no token to
    /// explain it by (the client's message then says what the server requires). Times are shown at
    /// `utc_offset_secs` from UTC. `acting_for` is the uuid the request was sent as, when not
    /// the user's own (a moderator's removal).
    pub fn explain(
        &self,
        e: &Error,
        needed: Permissions,
        acting_for: Option<&str>,
        utc_offset_secs: i32,
    ) -> Option<String> {
        if !matches!(e, Error::AccessDenied { .. }) {
            return None;
        }
        if e.is_token_expired() {
            let at = self
                .token
                .as_ref()
                .map(|t| format!(" at {}", clock_time(t.expires_at(), utc_offset_secs)))
                .unwrap_or_default();
            return Some(format!("token expired{at}; ask for a new one"));
        }
        if e.is_token_revoked() {
            return Some("token revoked; ask for a new one".into());
        }
        // Without a token the client's own message says what the server requires.
        let token = self.token.as_ref()?;
        let sent_as = acting_for.unwrap_or(&self.user_id);
        if let Some(bound) = token.authorized_uuid.as_deref()
            && bound != sent_as
        {
            return Some(format!("the token is for {bound}, not {sent_as}"));
        }
        Some(format!("no {needed} permission on {}", self.channel))
    }
}

/// `HH:MM` of a Unix time at an offset from UTC.
fn clock_time(unix: u64, utc_offset_secs: i32) -> String {
    let offset = FixedOffset::east_opt(utc_offset_secs).unwrap_or(Utc.fix());
    i64::try_from(unix)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .map_or_else(
            || "an unknown time".into(),
            |t| t.with_timezone(&offset).format("%H:%M").to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubnub::token::Grants;

    fn token(
        channels: &[(&str, Permissions)],
        patterns: &[(&str, Permissions)],
        uuid: Option<&str>,
    ) -> String {
        let mut resources = Grants::default();
        for (n, p) in channels {
            resources.channels.insert(n.to_string(), *p);
        }
        let mut pats = Grants::default();
        for (n, p) in patterns {
            pats.channels.insert(n.to_string(), *p);
        }
        Token {
            version: 2,
            timestamp: 1_700_000_000,
            ttl: 60,
            authorized_uuid: uuid.map(str::to_string),
            resources,
            patterns: pats,
            meta: Default::default(),
            signature: vec![0; 32],
        }
        .encode()
    }

    const RW: Permissions = Permissions::READ.union(Permissions::WRITE);
    const RWD: Permissions = RW.union(Permissions::DELETE);

    #[test]
    fn an_open_keyset_moderates_by_the_flag() {
        let open = ChannelAccess::new("chats.room1", "mo", false, None).unwrap();
        assert!(!open.is_managed());
        assert_eq!(open.moderator_mode(true), Ok(true));
        assert_eq!(open.moderator_mode(false), Ok(false));
    }

    #[test]
    fn a_managed_keyset_moderates_by_what_the_credentials_allow() {
        let secret = ChannelAccess::new("chats.room1", "admin", true, None).unwrap();
        assert_eq!(secret.moderator_mode(false), Ok(true));

        let moderator = token(&[(LOG_CHANNEL, RW)], &[("^chats\\.", RWD)], None);
        let mo = ChannelAccess::new("chats.room1", "mo", false, Some(&moderator)).unwrap();
        assert_eq!(
            mo.moderator_mode(false),
            Ok(true),
            "offered without the flag"
        );

        let user = token(&[("chats.room1", RWD)], &[], Some("alice"));
        let alice = ChannelAccess::new("chats.room1", "alice", false, Some(&user)).unwrap();
        assert_eq!(alice.moderator_mode(false), Ok(false));
        let e = alice.moderator_mode(true).unwrap_err();
        assert!(
            e.contains("alice's own actions") && !e.contains('\n'),
            "{e}"
        );

        let reader = token(
            &[("chats.room1", RW), (LOG_CHANNEL, RW)],
            &[("^chats\\.", RWD)],
            None,
        );
        let r = ChannelAccess::new("chats.room1", "r", false, Some(&reader)).unwrap();
        let e = r.moderator_mode(true).unwrap_err();
        assert!(
            e.contains("needs delete") && e.contains("grants read+write"),
            "exact name first: {e}"
        );

        assert!(ChannelAccess::new("c", "u", false, Some("garbage!")).is_err());
    }

    #[test]
    fn moderating_needs_the_moderation_log_and_undoing_needs_write() {
        let no_log = token(&[("chats.room1", RWD)], &[], None);
        let m = ChannelAccess::new("chats.room1", "mo", false, Some(&no_log)).unwrap();
        let e = m.moderator_mode(true).unwrap_err();
        assert!(e.contains(LOG_CHANNEL) && e.contains("read+write"), "{e}");
        let read_only_log = token(
            &[("chats.room1", RWD), (LOG_CHANNEL, Permissions::READ)],
            &[],
            None,
        );
        let r = ChannelAccess::new("chats.room1", "mo", false, Some(&read_only_log)).unwrap();
        assert!(r.log_missing(false).is_none());
        assert!(r.log_missing(true).is_some());

        let delete_only = token(
            &[("chats.room1", Permissions::DELETE), (LOG_CHANNEL, RW)],
            &[],
            None,
        );
        let d = ChannelAccess::new("chats.room1", "mo", false, Some(&delete_only)).unwrap();
        assert_eq!(d.moderator_mode(false), Ok(true));
        assert!(d.undo_missing().unwrap().contains("write on chats.room1"));

        let full = token(&[("chats.room1", RWD), (LOG_CHANNEL, RW)], &[], None);
        let f = ChannelAccess::new("chats.room1", "mo", false, Some(&full)).unwrap();
        assert!(f.undo_missing().is_none());
        let secret = ChannelAccess::new("chats.room1", "admin", true, None).unwrap();
        assert!(secret.undo_missing().is_none() && secret.log_missing(true).is_none());
        let open = ChannelAccess::new("chats.room1", "anyone", false, None).unwrap();
        assert!(open.log_missing(true).is_none() && open.undo_missing().is_none());
    }

    #[test]
    fn refusals_are_explained_in_a_few_words() {
        let user = token(&[("chats.room1", RW)], &[], Some("alice"));
        let a = ChannelAccess::new("chats.room1", "alice", false, Some(&user)).unwrap();
        let denied = |m: &str| Error::AccessDenied {
            status: 403,
            message: m.into(),
            refused: Vec::new(),
        };
        let expires = 1_700_000_000 + 3600;
        assert_eq!(
            a.explain(&denied("Token is expired."), Permissions::WRITE, None, 0),
            Some(format!(
                "token expired at {}; ask for a new one",
                clock_time(expires, 0)
            ))
        );
        assert_eq!(clock_time(expires, 0), "23:13");
        assert_eq!(clock_time(expires, 5 * 3600 + 1800), "04:43");
        assert_eq!(
            a.explain(&denied("Token is revoked"), Permissions::WRITE, None, 0)
                .as_deref(),
            Some("token revoked; ask for a new one")
        );
        assert_eq!(
            a.explain(&denied("Forbidden"), Permissions::DELETE, None, 0)
                .as_deref(),
            Some("no delete permission on chats.room1")
        );
        assert_eq!(
            a.explain(&denied("Forbidden"), Permissions::DELETE, Some("bob"), 0)
                .as_deref(),
            Some("the token is for alice, not bob")
        );
        let other = Error::Conflict {
            status: 409,
            message: "Action Already Added".into(),
        };
        assert_eq!(a.explain(&other, Permissions::WRITE, None, 0), None);
    }
}
