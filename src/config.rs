//! Settings from the config file, the environment and flags (flags win over the environment,
//! which wins over the file), and the paths the app uses (from `directories`).
//!
//! This module only reads and resolves; it starts nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::pubnub;

/// Public PubNub origin used when keys are given without `--origin`.
pub const PUBNUB_ORIGIN: &str = "https://ps.pndsn.com";
/// Keys the embedded server is addressed with when none are configured.
pub const EMBEDDED_KEY: &str = "demo";
/// Channel opened by default.
pub const DEFAULT_CHANNEL: &str = "chats.room1";

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}, {message}")]
    Parse { path: PathBuf, message: String },
    #[error("no home directory found to keep the config and data in; set $HOME")]
    NoHome,
    #[error("{0}")]
    Invalid(String),
}

/// A channel as people write it: `#chats.room1`, as chat apps show channels, is `chats.room1`.
pub fn channel_name(written: &str) -> &str {
    written.strip_prefix('#').unwrap_or(written)
}

/// The channels the UI watches, the one it opens first: every `--channel` given (`flags`),
/// then the config's `channel` and `channels`, each once; the default channel when none is
/// given.
pub fn ui_channels(flags: &[String], file: &FileConfig) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    let from_file = file.channel.iter().chain(&file.channels);
    for channel in flags.iter().chain(from_file) {
        let channel = channel_name(channel.trim()).to_string();
        if !all.contains(&channel) {
            all.push(channel);
        }
    }
    if all.is_empty() {
        all.push(DEFAULT_CHANNEL.to_string());
    }
    all
}

/// Where the config file, the database, the audit trail and the log live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The platform's config and data directories for `reactions`
    /// (on Linux `$XDG_CONFIG_HOME/reactions` and `$XDG_DATA_HOME/reactions`).
    pub fn discover() -> Result<Self, ConfigError> {
        let dirs =
            directories::ProjectDirs::from("", "", "reactions").ok_or(ConfigError::NoHome)?;
        Ok(Self {
            config_file: dirs.config_dir().join("config.toml"),
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }

    /// The embedded server's SQLite database.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("reactions.sqlite3")
    }

    /// JSON lines, one per moderator removal.
    pub fn audit_log(&self) -> PathBuf {
        self.data_dir.join("moderation-audit.jsonl")
    }

    /// The app's log file (never the screen).
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("reactions.log")
    }
}

/// How reaction values are written: the emoji itself, or its shortcode name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ReactionValueStyle {
    #[default]
    Emoji,
    Shortcode,
}

/// The UI's palette (`theme` in the config, `--theme`, `REACTIONS_THEME`). `NO_COLOR` set to
/// anything but an empty string makes it `mono` whatever is configured (<https://no-color.org>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light text on a dark terminal background.
    #[default]
    Dark,
    /// Dark text on a light terminal background.
    Light,
    /// No colours at all: what stands out does so by bold, reverse video and markers.
    Mono,
}

impl Theme {
    /// The theme to use: `NO_COLOR` (its value, when set) wins over the one chosen.
    pub fn resolve(chosen: Option<Theme>, no_color: Option<&str>) -> Theme {
        match no_color {
            Some(value) if !value.is_empty() => Theme::Mono,
            _ => chosen.unwrap_or_default(),
        }
    }
}

/// One or several key specs for an action in the `[keys]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySpecs {
    One(String),
    Many(Vec<String>),
}

/// What a `[keys]` entry may be, as errors say it.
const KEY_SPECS_EXPECTED: &str =
    "a key such as \"?\", \"ctrl-x\" or \"F1\", or a list of them such as [\"?\", \"F1\"]";

impl<'de> Deserialize<'de> for KeySpecs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Specs;

        impl<'de> serde::de::Visitor<'de> for Specs {
            type Value = KeySpecs;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(KEY_SPECS_EXPECTED)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeySpecs, E> {
                Ok(KeySpecs::One(v.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeySpecs, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<KeyString>()? {
                    keys.push(key.0);
                }
                Ok(KeySpecs::Many(keys))
            }
        }

        deserializer.deserialize_any(Specs)
    }
}

/// One key of a list in `[keys]`, refused with the same explanation when it is no string.
struct KeyString(String);

impl<'de> Deserialize<'de> for KeyString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct One;

        impl serde::de::Visitor<'_> for One {
            type Value = KeyString;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(KEY_SPECS_EXPECTED)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyString, E> {
                Ok(KeyString(v.to_string()))
            }
        }

        deserializer.deserialize_any(One)
    }
}

impl KeySpecs {
    pub fn as_slice(&self) -> &[String] {
        match self {
            KeySpecs::One(s) => std::slice::from_ref(s),
            KeySpecs::Many(v) => v,
        }
    }
}

/// The config file `config.toml`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub origin: Option<String>,
    pub publish_key: Option<String>,
    pub subscribe_key: Option<String>,
    pub user_id: Option<String>,
    pub secret_key: Option<String>,
    pub auth_key: Option<String>,
    /// An Access Manager token, sent as `auth` in place of the auth key.
    pub token: Option<String>,
    pub channel: Option<String>,
    /// Channels watched for new messages and listed first in the switcher.
    #[serde(default)]
    pub channels: Vec<String>,
    pub moderator: Option<bool>,
    pub reaction_type: Option<String>,
    pub reaction_value: Option<ReactionValueStyle>,
    /// The UI's palette.
    pub theme: Option<Theme>,
    /// Action name -> key(s), overriding the default keymap.
    #[serde(default)]
    pub keys: BTreeMap<String, KeySpecs>,
}

impl FileConfig {
    /// Reads `path`; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the TOML text of a config file. An error is one line that starts with where the
    /// problem is (`line 2, column 11: ...`).
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => {
                    let (line, column) = line_and_column(text, span.start);
                    format!("line {line}, column {column}: {message}")
                }
                None => message,
            }
        })
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The keys `reactions serve` takes from flags, the environment or the file: the secret that
/// makes it require signatures, and the publish key signatures are made with. It serves every
/// keyset, so it needs no subscribe key.
pub fn serve_keys(
    flags: &ConnectionOverrides,
    file: &FileConfig,
) -> (Option<String>, Option<String>) {
    (
        pick(&flags.secret_key, &file.secret_key),
        pick(&flags.publish_key, &file.publish_key),
    )
}

/// Connection settings given on the command line or in the environment (`None` = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionOverrides {
    pub origin: Option<String>,
    pub publish_key: Option<String>,
    pub subscribe_key: Option<String>,
    pub user_id: Option<String>,
    pub secret_key: Option<String>,
    pub auth_key: Option<String>,
    pub token: Option<String>,
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// No keys and no origin configured: an embedded server started in this process.
    Embedded,
    /// The real service, or the origin of a `reactions serve`.
    Remote { origin: String },
}

/// Resolved connection: backend, keys and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub backend: Backend,
    pub publish_key: String,
    pub subscribe_key: String,
    pub user_id: String,
    pub secret_key: Option<String>,
    pub auth_key: Option<String>,
    /// An Access Manager token (from the keyset's server's `reactions grant`).
    pub token: Option<String>,
}

fn non_empty(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The flag's (or environment's) value if given, else the file's.
fn pick(flag: &Option<String>, from_file: &Option<String>) -> Option<String> {
    non_empty(flag.as_ref()).or_else(|| non_empty(from_file.as_ref()))
}

/// An origin must say its scheme: the client would take `host:port` alone for HTTPS, which a
/// `reactions serve` does not speak, and fail with a TLS error that says nothing useful.
fn check_origin(origin: &str) -> Result<(), ConfigError> {
    if origin.contains("://") {
        return Ok(());
    }
    Err(ConfigError::Invalid(format!(
        "origin {origin:?} has no scheme: write http://{origin} for a `reactions serve`, or \
         https://{origin} for a server with TLS"
    )))
}

impl Connection {
    /// Flags/environment first, then the file, then defaults. The user defaults to `$USER`.
    pub fn resolve(flags: &ConnectionOverrides, file: &FileConfig) -> Result<Self, ConfigError> {
        let origin = pick(&flags.origin, &file.origin);
        let subscribe_key = pick(&flags.subscribe_key, &file.subscribe_key);
        let publish_key = pick(&flags.publish_key, &file.publish_key);
        let user_id = pick(&flags.user_id, &file.user_id)
            .or_else(|| non_empty(std::env::var("USER").ok().as_ref()))
            .unwrap_or_else(|| "anonymous".to_string());
        if let Some(origin) = &origin {
            check_origin(origin)?;
        }
        let backend = match (&origin, &subscribe_key) {
            (None, None) => Backend::Embedded,
            (Some(origin), _) => Backend::Remote {
                origin: origin.clone(),
            },
            (None, Some(_)) => Backend::Remote {
                origin: PUBNUB_ORIGIN.to_string(),
            },
        };
        if backend == Backend::Embedded && publish_key.is_some() {
            return Err(ConfigError::Invalid(
                "a publish key was given without a subscribe key; set both (or neither, for the embedded server)".into(),
            ));
        }
        Ok(Self {
            backend,
            publish_key: publish_key.unwrap_or_else(|| EMBEDDED_KEY.to_string()),
            subscribe_key: subscribe_key.unwrap_or_else(|| EMBEDDED_KEY.to_string()),
            user_id,
            secret_key: pick(&flags.secret_key, &file.secret_key),
            auth_key: pick(&flags.auth_key, &file.auth_key),
            token: pick(&flags.token, &file.token),
        })
    }

    /// The client configuration for `origin` with these keys and this identity.
    pub fn client_config(&self, origin: &str) -> pubnub::Config {
        let mut config = pubnub::Config::new(
            self.publish_key.clone(),
            self.subscribe_key.clone(),
            self.user_id.clone(),
        );
        config.origin = origin.to_string();
        config.secret_key = self.secret_key.clone();
        config.auth_key = self.auth_key.clone();
        config.token = self.token.clone();
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> ConnectionOverrides {
        ConnectionOverrides::default()
    }

    #[test]
    fn nothing_configured_means_the_embedded_server() {
        let c = Connection::resolve(&flags(), &FileConfig::default()).unwrap();
        assert_eq!(c.backend, Backend::Embedded);
        assert_eq!(c.subscribe_key, EMBEDDED_KEY);
    }

    #[test]
    fn flags_win_over_the_file_and_keys_alone_mean_the_real_service() {
        let file = FileConfig::parse(
            "subscribe_key = \"sub-file\"\npublish_key = \"pub-file\"\nuser_id = \"file-user\"\n",
        )
        .unwrap();
        let mut f = flags();
        f.user_id = Some("flag-user".into());
        let c = Connection::resolve(&f, &file).unwrap();
        assert_eq!(c.user_id, "flag-user");
        assert_eq!(c.subscribe_key, "sub-file");
        assert_eq!(
            c.backend,
            Backend::Remote {
                origin: PUBNUB_ORIGIN.into()
            }
        );
    }

    #[test]
    fn an_origin_without_keys_talks_to_a_reactions_serve_with_the_demo_keys() {
        let mut f = flags();
        f.origin = Some("http://127.0.0.1:8090".into());
        let c = Connection::resolve(&f, &FileConfig::default()).unwrap();
        assert_eq!(
            c.backend,
            Backend::Remote {
                origin: "http://127.0.0.1:8090".into()
            }
        );
        assert_eq!(c.publish_key, EMBEDDED_KEY);
    }

    #[test]
    fn a_token_comes_from_the_flag_or_the_file() {
        let file = FileConfig::parse("token = \"from-file\"\n").unwrap();
        let c = Connection::resolve(&flags(), &file).unwrap();
        assert_eq!(c.token.as_deref(), Some("from-file"));
        assert_eq!(
            c.client_config("http://x").token.as_deref(),
            Some("from-file")
        );
        let mut f = flags();
        f.token = Some("from-flag".into());
        assert_eq!(
            Connection::resolve(&f, &file).unwrap().token.as_deref(),
            Some("from-flag")
        );
    }

    #[test]
    fn unknown_fields_and_bad_values_are_reported() {
        assert!(FileConfig::parse("subscribe_kee = \"x\"").is_err());
        assert!(FileConfig::parse("reaction_value = \"gif\"").is_err());
        let ok = FileConfig::parse(
            "reaction_value = \"shortcode\"\n[keys]\nquit = [\"q\", \"ctrl-q\"]\nhelp = \"F1\"\n",
        )
        .unwrap();
        assert_eq!(ok.reaction_value, Some(ReactionValueStyle::Shortcode));
        assert_eq!(ok.keys["quit"].as_slice().len(), 2);
        assert_eq!(ok.keys["help"].as_slice(), ["F1".to_string()]);
    }

    #[test]
    fn a_syntax_error_names_the_line_and_column() {
        let text = "user_id = \"alice\"\nchannel = \"chats.room1\n";
        let e = FileConfig::parse(text).unwrap_err();
        assert!(
            e.starts_with("line 2, column 23: "),
            "where the closing quote is missing: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e:?}");
    }

    #[test]
    fn a_key_that_is_not_a_string_says_what_is_accepted() {
        let e = FileConfig::parse("[keys]\nhelp = 5\n").unwrap_err();
        assert!(e.starts_with("line 2, column 8: "), "{e}");
        assert!(
            e.contains("integer") && e.contains("\"ctrl-x\"") && e.contains("list"),
            "{e}"
        );
        assert!(!e.contains("untagged"), "{e}");
    }

    #[test]
    fn no_color_makes_any_theme_mono() {
        let file = FileConfig::parse("theme = \"light\"\n").unwrap();
        assert_eq!(file.theme, Some(Theme::Light));
        assert_eq!(Theme::resolve(file.theme, None), Theme::Light);
        assert_eq!(Theme::resolve(file.theme, Some("1")), Theme::Mono);
        assert_eq!(
            Theme::resolve(file.theme, Some("")),
            Theme::Light,
            "empty means unset"
        );
        assert_eq!(Theme::resolve(None, None), Theme::Dark);
        assert!(FileConfig::parse("theme = \"solarized\"\n").is_err());
    }

    #[test]
    fn the_first_channel_given_opens_and_every_one_is_watched_once() {
        let file = FileConfig::parse(
            "channel = \"#chats.room1\"\nchannels = [\"chats.support\", \"chats.room1\"]\n",
        )
        .unwrap();
        assert_eq!(
            ui_channels(&[], &file),
            ["chats.room1", "chats.support"],
            "the config's channel first, then its list, each once"
        );
        assert_eq!(
            ui_channels(&["ops".into(), "chats.support".into()], &file),
            ["ops", "chats.support", "chats.room1"],
            "flags first, in their order"
        );
        assert_eq!(ui_channels(&[], &FileConfig::default()), [DEFAULT_CHANNEL]);
    }

    #[test]
    fn a_channel_may_be_written_with_a_hash() {
        assert_eq!(channel_name("#chats.room1"), "chats.room1");
        assert_eq!(channel_name("chats.room1"), "chats.room1");
        assert_eq!(channel_name("##x"), "#x", "only the one a person types");
    }

    #[test]
    fn serve_needs_no_subscribe_key() {
        let mut f = flags();
        f.secret_key = Some("s".into());
        f.publish_key = Some("p".into());
        assert!(Connection::resolve(&f, &FileConfig::default()).is_err());
        assert_eq!(
            serve_keys(&f, &FileConfig::default()),
            (Some("s".into()), Some("p".into()))
        );
    }

    #[test]
    fn an_origin_needs_a_scheme() {
        let mut f = flags();
        f.origin = Some("localhost:8090".into());
        let e = Connection::resolve(&f, &FileConfig::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"localhost:8090\"") && e.contains("http://localhost:8090"),
            "{e}"
        );
        f.origin = Some("https://ps.pndsn.com".into());
        assert!(Connection::resolve(&f, &FileConfig::default()).is_ok());
    }
}
