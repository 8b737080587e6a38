//! The filter syntax shared by the Actions and Audit screens, bulk removal and the CLI: terms
//! separated by spaces, `key:value` or a bare word, combined with AND; a key given twice
//! matches either value (`user:bob user:eve`).
//!
//! | key | matches |
//! |---|---|
//! | `user:bob` | the action's author (exactly) |
//! | `type:reaction` | the action type |
//! | `value:🍆` | the value: `value:eggplant` and `value:🍆` are the same reaction |
//! | `message:TT` | the message with that timetoken |
//! | `since:1h`, `until:10m` | the action's time: a while ago (`30s`, `15m`, `2h`, `1d`, `1w`), a local time today (`14:02`), a local date and time (`2026-12-06T14:02`), or a timetoken |
//! | a word | contained in the user, type or value (any case) |
//!
//! On the Audit screen `user:` is the author, `since`/`until` the record's time, and `moderator:`,
//! `channel:`, `run:` and `op:` (remove, restore, undo, resolve) match the record's fields.
//! A value with spaces is quoted: `user:"bob smith"`.
//!
//! Pure: times are resolved against a [`Clock`] given by the caller.

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};

use super::audit::{AuditRecord, Operation};
use crate::pubnub::Timetoken;
use crate::text::emoji;

/// What a filter is for: the keys it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Actions,
    Audit,
}

/// Now, and local time's offset from UTC, for `since:1h` and `14:02`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: Timetoken,
    pub utc_offset_secs: i32,
}

/// A parsed filter. Empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The text as typed (trimmed).
    pub text: String,
    pub users: Vec<String>,
    pub types: Vec<String>,
    /// Values as each is shown (`eggplant` -> 🍆), to compare reactions by what people see.
    pub values: Vec<String>,
    pub messages: Vec<Timetoken>,
    /// Inclusive lower bound of the time.
    pub since: Option<Timetoken>,
    /// Exclusive upper bound of the time.
    pub until: Option<Timetoken>,
    pub moderators: Vec<String>,
    pub channels: Vec<String>,
    pub runs: Vec<String>,
    pub operations: Vec<Operation>,
    /// Bare words, lower-cased.
    pub words: Vec<String>,
}

/// The fields of an action a filter looks at.
#[derive(Debug, Clone, Copy)]
pub struct ActionFields<'a> {
    pub user: &'a str,
    /// The user's display name, where one is known: a bare word finds it too.
    pub user_name: &'a str,
    pub action_type: &'a str,
    pub value: &'a str,
    /// The value as shown ([`emoji::shown`]).
    pub shown_value: &'a str,
    pub message_tt: Timetoken,
    pub action_tt: Timetoken,
}

const ACTION_KEYS: &str = "user, type, value, message, since, until";
const AUDIT_KEYS: &str = "user, type, value, message, since, until, moderator, channel, run, op";

impl Filter {
    /// Parses `text` for `scope`; the error names the term and what would be right.
    pub fn parse(text: &str, scope: Scope, clock: Clock) -> Result<Filter, String> {
        let mut f = Filter {
            text: text.trim().to_string(),
            ..Filter::default()
        };
        for term in terms(text)? {
            let Some((key, value)) = term
                .split_once(':')
                .filter(|(k, v)| is_key(k) && !v.starts_with("//"))
            else {
                f.words.push(term.to_lowercase());
                continue;
            };
            if value.is_empty() {
                return Err(format!("`{key}:` needs a value"));
            }
            let audit_only = || -> Result<(), String> {
                match scope {
                    Scope::Audit => Ok(()),
                    Scope::Actions => Err(format!(
                        "`{key}:` is for the audit trail; an action's filter takes {ACTION_KEYS}"
                    )),
                }
            };
            match key.to_ascii_lowercase().as_str() {
                "user" | "author" => f.users.push(value.to_string()),
                "type" => f.types.push(value.to_string()),
                "value" => f.values.push(shown_value(value)),
                "message" | "msg" => f.messages.push(
                    value
                        .parse()
                        .map_err(|_| format!("`message:{value}` needs a message timetoken"))?,
                ),
                "since" => f.since = Some(time(value, clock).map_err(|e| format!("since: {e}"))?),
                "until" => f.until = Some(time(value, clock).map_err(|e| format!("until: {e}"))?),
                "moderator" | "mod" => {
                    audit_only()?;
                    f.moderators.push(value.to_string());
                }
                "channel" => {
                    audit_only()?;
                    f.channels.push(value.to_string());
                }
                "run" => {
                    audit_only()?;
                    f.runs.push(value.to_string());
                }
                "op" => {
                    audit_only()?;
                    f.operations.push(Operation::parse(value).ok_or_else(|| {
                        format!("`op:{value}`: remove, restore, undo, resolve or void")
                    })?);
                }
                other => {
                    let keys = match scope {
                        Scope::Actions => ACTION_KEYS,
                        Scope::Audit => AUDIT_KEYS,
                    };
                    return Err(format!("unknown filter key `{other}:` (keys: {keys})"));
                }
            }
        }
        if let (Some(since), Some(until)) = (f.since, f.until)
            && since >= until
        {
            return Err("since: must be before until:".into());
        }
        Ok(f)
    }

    /// Matches everything.
    pub fn is_empty(&self) -> bool {
        *self
            == Filter {
                text: self.text.clone(),
                ..Filter::default()
            }
    }

    /// Whether it says which actions, beyond a time window: what a bulk removal requires, so
    /// that a slip never empties a channel.
    pub fn picks_actions(&self) -> bool {
        !(self.users.is_empty()
            && self.types.is_empty()
            && self.values.is_empty()
            && self.messages.is_empty()
            && self.words.is_empty())
    }

    /// The oldest action timetoken that can match (actions come after their message), to
    /// bound paging through the channel.
    pub fn oldest_possible(&self) -> Option<Timetoken> {
        let message = (!self.messages.is_empty())
            .then(|| self.messages.iter().copied().min())
            .flatten();
        match (self.since, message) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    fn in_window(&self, at: Timetoken) -> bool {
        self.since.is_none_or(|s| at >= s) && self.until.is_none_or(|u| at < u)
    }

    fn words_in(&self, fields: &[&str]) -> bool {
        self.words.iter().all(|w| {
            fields
                .iter()
                .any(|f| !f.is_empty() && f.to_lowercase().contains(w.as_str()))
        })
    }

    pub fn matches_action(&self, a: &ActionFields) -> bool {
        any_or_empty(&self.users, |u| u == a.user)
            && any_or_empty(&self.types, |t| t == a.action_type)
            && any_or_empty(&self.values, |v| v == a.shown_value || v == a.value)
            && any_or_empty(&self.messages, |m| *m == a.message_tt)
            && self.in_window(a.action_tt)
            && self.words_in(&[a.user, a.user_name, a.action_type, a.value, a.shown_value])
    }

    /// Whether an audit record matches (its time is when it was written).
    pub fn matches_record(&self, r: &AuditRecord) -> bool {
        let shown = emoji::shown(&r.value);
        any_or_empty(&self.users, |u| *u == r.author)
            && any_or_empty(&self.types, |t| *t == r.action_type)
            && any_or_empty(&self.values, |v| *v == shown || *v == r.value)
            && any_or_empty(&self.messages, |m| *m == r.message_timetoken)
            && self.in_window(r.timetoken())
            && any_or_empty(&self.moderators, |m| *m == r.moderator)
            && any_or_empty(&self.channels, |c| *c == r.channel)
            && any_or_empty(&self.runs, |run| *run == r.run)
            && any_or_empty(&self.operations, |o| *o == r.operation)
            && self.words_in(&[
                &r.author,
                &r.moderator,
                &r.action_type,
                &r.value,
                &shown,
                &r.reason,
                &r.excerpt,
                &r.channel,
                &r.run,
            ])
    }
}

fn any_or_empty<T>(wanted: &[T], hit: impl Fn(&T) -> bool) -> bool {
    wanted.is_empty() || wanted.iter().any(hit)
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A value as shown: `:eggplant:` and `eggplant` as 🍆, an emoji as itself.
fn shown_value(value: &str) -> String {
    let bare = value
        .strip_prefix(':')
        .and_then(|v| v.strip_suffix(':'))
        .filter(|v| !v.is_empty())
        .unwrap_or(value);
    emoji::shown(bare)
}

/// Splits on spaces, keeping `"quoted text"` (the quotes dropped) together.
fn terms(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut current));
                }
                any = false;
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    if any {
        out.push(current);
    }
    Ok(out)
}

/// A point in time as a filter writes it (see the module's table).
pub fn time(text: &str, clock: Clock) -> Result<Timetoken, String> {
    let text = text.trim();
    if text.len() >= 15 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|e| format!("{e}"));
    }
    if let Some(ago) = duration(text) {
        let units = ago
            .num_microseconds()
            .and_then(|us| u64::try_from(us).ok())
            .map_or(u64::MAX, |us| us.saturating_mul(10));
        return Ok(Timetoken(clock.now.get().saturating_sub(units)));
    }
    let offset = FixedOffset::east_opt(clock.utc_offset_secs)
        .ok_or_else(|| "bad local time offset".to_string())?;
    let local = |at: NaiveDateTime| {
        offset
            .from_local_datetime(&at)
            .single()
            .map(|t| Timetoken::from_datetime(t.to_utc()))
            .ok_or_else(|| format!("`{text}` is no local time"))
    };
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return local(at);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return local(day.and_time(NaiveTime::MIN));
    }
    for format in ["%H:%M:%S", "%H:%M"] {
        if let Ok(at) = NaiveTime::parse_from_str(text, format) {
            let today = clock.now.to_utc().with_timezone(&offset).date_naive();
            return local(today.and_time(at));
        }
    }
    Err(format!(
        "`{text}` is no time: write 30m, 2h, 1d (ago), 14:02, 2026-12-06T14:02 or a timetoken"
    ))
}

/// `30s`, `15m`, `2h`, `1d`, `1w`.
pub fn duration(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    if n < 0 {
        return None;
    }
    match unit {
        's' => Duration::try_seconds(n),
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    }
}

/// A local time as a filter writes it: `2026-12-06T14:02`.
pub fn local_time_term(at: Timetoken, utc_offset_secs: i32) -> String {
    let offset = FixedOffset::east_opt(utc_offset_secs).unwrap_or(chrono::Utc.fix());
    at.to_utc()
        .with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60 * 10_000_000;
    /// 2026-12-06T14:00:00Z.
    const NOW: Timetoken = Timetoken(1_796_565_600 * 10_000_000);

    fn clock() -> Clock {
        Clock {
            now: NOW,
            utc_offset_secs: 3600,
        }
    }

    fn parse(text: &str) -> Filter {
        Filter::parse(text, Scope::Actions, clock()).unwrap()
    }

    fn fields<'a>(user: &'a str, value: &'a str, shown: &'a str, at: u64) -> ActionFields<'a> {
        ActionFields {
            user,
            user_name: "",
            action_type: "reaction",
            value,
            shown_value: shown,
            message_tt: Timetoken(5),
            action_tt: Timetoken(at),
        }
    }

    #[test]
    fn keys_combine_with_and_and_repeat_with_or() {
        let f = parse("user:bob user:eve value:🍆 since:1h");
        assert_eq!(f.users, ["bob", "eve"]);
        assert_eq!(f.since, Some(Timetoken(NOW.get() - 60 * MIN)));
        let recent = NOW.get() - MIN;
        assert!(f.matches_action(&fields("bob", "🍆", "🍆", recent)));
        assert!(f.matches_action(&fields("eve", "eggplant", "🍆", recent)));
        assert!(!f.matches_action(&fields("al", "🍆", "🍆", recent)));
        assert!(!f.matches_action(&fields("bob", "👍", "👍", recent)));
        assert!(!f.matches_action(&fields("bob", "🍆", "🍆", NOW.get() - 61 * MIN)));
        assert!(f.picks_actions());
        assert!(!parse("since:1h").picks_actions());
        assert!(parse("  ").is_empty());
    }

    #[test]
    fn values_match_by_what_is_shown() {
        for v in ["value:eggplant", "value::eggplant:", "value:🍆"] {
            let f = parse(v);
            assert!(f.matches_action(&fields("b", "🍆", "🍆", 1)), "{v}");
            assert!(f.matches_action(&fields("b", "eggplant", "🍆", 1)), "{v}");
        }
        let read = parse("value:read type:receipt");
        let shown = emoji::shown("read");
        let receipt = ActionFields {
            action_type: "receipt",
            ..fields("b", "read", &shown, 1)
        };
        assert!(read.matches_action(&receipt));
    }

    #[test]
    fn times_are_relative_local_or_timetokens() {
        let c = clock();
        assert_eq!(time("30m", c), Ok(Timetoken(NOW.get() - 30 * MIN)));
        // 14:00Z is 15:00 at UTC+1.
        assert_eq!(time("15:00", c), Ok(NOW));
        assert_eq!(
            time("2026-12-06T15:02", c),
            Ok(Timetoken(NOW.get() + 2 * MIN))
        );
        assert_eq!(
            time("2026-12-06", c),
            Ok(Timetoken(NOW.get() - 15 * 60 * MIN))
        );
        assert_eq!(
            time("17965656000000000", c),
            Ok(Timetoken(17_965_656_000_000_000))
        );
        assert!(time("yesterday", c).unwrap_err().contains("14:02"));
        assert_eq!(local_time_term(NOW, 3600), "2026-12-06T15:00");
        let f = parse("since:2h until:1h");
        assert!(f.matches_action(&fields("b", "x", "x", NOW.get() - 90 * MIN)));
        assert!(
            !f.matches_action(&fields("b", "x", "x", NOW.get() - 60 * MIN)),
            "until is exclusive"
        );
        assert!(Filter::parse("since:1h until:2h", Scope::Actions, c).is_err());
    }

    #[test]
    fn mistakes_say_what_is_right() {
        let e = Filter::parse("colour:red", Scope::Actions, clock()).unwrap_err();
        assert!(e.contains("user, type, value"), "{e}");
        let e = Filter::parse("moderator:mo", Scope::Actions, clock()).unwrap_err();
        assert!(e.contains("audit"), "{e}");
        assert!(Filter::parse("moderator:mo op:undo", Scope::Audit, clock()).is_ok());
        assert!(Filter::parse("op:dance", Scope::Audit, clock()).is_err());
        assert!(Filter::parse("user:", Scope::Actions, clock()).is_err());
        assert!(Filter::parse("user:\"bob", Scope::Actions, clock()).is_err());
        assert!(Filter::parse("message:abc", Scope::Actions, clock()).is_err());
    }

    #[test]
    fn words_and_quotes() {
        let f = parse("user:\"bob smith\" LOL http://x");
        assert_eq!(f.users, ["bob smith"]);
        assert_eq!(f.words, ["lol", "http://x"], "a URL is a word, not a key");
        assert!(
            Filter::parse("usr:bob", Scope::Actions, clock()).is_err(),
            "a typo is said"
        );
        assert!(f.matches_action(&ActionFields {
            action_type: "custom",
            value: "lol http://x",
            ..fields("bob smith", "", "lol http://x", 1)
        }));
    }

    #[test]
    fn paging_stops_at_the_oldest_possible_action() {
        assert_eq!(
            parse("message:17965656000000000 since:17965650000000000").oldest_possible(),
            Some(Timetoken(17_965_656_000_000_000))
        );
        assert_eq!(
            parse("message:100 message:70").oldest_possible(),
            Some(Timetoken(70))
        );
        assert_eq!(parse("user:bob").oldest_possible(), None);
    }
}
