//! How App Context lists are cut: each stored row seen as a filter [`Record`] (its fields by
//! the names the filter language and `sort` use), sorting by `sort` keys, and paging with the
//! service's cursors. A cursor is the base64 of a decimal offset, unpadded, as the service's
//! are (`"MTA"` for 10 and `"MQ"` for 1 in pubnub/python's recorded
//! `channel_members/get_channel_members_with_pagination.json`): `next` is where the page ends
//! (on every page with items), `prev` where it starts (unless that is the first item); `start`
//! asks for the page from a cursor, `end` for the page before it.
//! It must not read or write: it orders what the store read.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use crate::server::filter::{Expr, Record, Value};
use crate::server::render::objects::updated;
use crate::server::sqlite::{JoinedMembership, ObjectRow};

/// One `sort` key: a field path (`name`, `channel.updated`) and its direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    pub path: Vec<String>,
    pub descending: bool,
}

/// How a list is cut: which items (`filter`), in which order (`sort`, else by id), which page
/// of them, and whether to count them all (`totalCount`).
#[derive(Debug, Clone)]
pub struct Cut {
    pub filter: Option<Expr>,
    pub sort: Vec<SortKey>,
    pub page: PageRequest,
    pub count: bool,
}

/// A page of a list: its items, the count of all when asked for, and the cursors.
pub struct Paged<'a, T> {
    pub items: Vec<&'a T>,
    pub total: Option<usize>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl Cut {
    /// The page of `rows` (each seen as a record) this cut asks for; by `by_default` when it
    /// names no sort.
    pub fn apply<'a, T, R: Record + 'a>(
        &self,
        rows: &'a [T],
        record: impl Fn(&'a T) -> R,
        by_default: &[SortKey],
    ) -> Paged<'a, T> {
        let kept = cut(rows, record, self.filter.as_ref(), &self.sort, by_default);
        let total = self.count.then_some(kept.len());
        let (items, next, prev) = page(kept, self.page);
        Paged {
            items,
            total,
            next,
            prev,
        }
    }
}

/// Which page of a list: at most `limit` items, from the offset of `start` or before the
/// offset of `end` (both decoded cursors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub limit: usize,
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// A cursor for an offset.
pub fn cursor(offset: usize) -> String {
    STANDARD_NO_PAD.encode(offset.to_string())
}

/// The offset of a cursor, padded or not; `None` when it is not one of ours.
pub fn offset_of(cursor: &str) -> Option<usize> {
    let bytes = STANDARD_NO_PAD
        .decode(cursor)
        .or_else(|_| STANDARD.decode(cursor))
        .ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The page of `items` asked for, with its `next` and `prev` cursors.
pub fn page<T>(mut items: Vec<T>, p: PageRequest) -> (Vec<T>, Option<String>, Option<String>) {
    let len = items.len();
    let (from, to) = match (p.start, p.end) {
        (Some(s), _) => (s.min(len), s.saturating_add(p.limit).min(len)),
        (None, Some(e)) => (e.min(len).saturating_sub(p.limit), e.min(len)),
        (None, None) => (0, p.limit.min(len)),
    };
    items.truncate(to);
    let page: Vec<T> = items.drain(from..).collect();
    if page.is_empty() {
        return (page, None, None);
    }
    let prev = (from > 0).then(|| cursor(from));
    (page, Some(cursor(to)), prev)
}

/// The value of a JSON member for a filter.
fn json_value(v: &serde_json::Value) -> Value<'_> {
    match v {
        serde_json::Value::String(s) => Value::Str(Cow::Borrowed(s)),
        serde_json::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Num),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

fn text(v: &Option<String>) -> Value<'_> {
    v.as_deref()
        .map_or(Value::Null, |s| Value::Str(Cow::Borrowed(s)))
}

fn time(micros: i64) -> Value<'static> {
    Value::Time {
        micros,
        text: Cow::Owned(updated(micros)),
    }
}

/// `custom.a.b`: a member of the custom object (parsed once per record).
fn custom_field<'a>(
    parsed: &'a OnceCell<Option<serde_json::Value>>,
    raw: &Option<String>,
    rest: &[String],
) -> Value<'a> {
    let custom = parsed.get_or_init(|| {
        raw.as_deref()
            .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
    });
    let mut at = match custom {
        Some(v) => v,
        None => return Value::Null,
    };
    for key in rest {
        match at.get(key) {
            Some(v) => at = v,
            None => return Value::Null,
        }
    }
    json_value(at)
}

/// A user or channel as a filter sees it.
pub struct ObjectRecord<'a> {
    pub row: &'a ObjectRow,
    custom: OnceCell<Option<serde_json::Value>>,
}

impl<'a> ObjectRecord<'a> {
    pub fn new(row: &'a ObjectRow) -> Self {
        ObjectRecord {
            row,
            custom: OnceCell::new(),
        }
    }
}

impl Record for ObjectRecord<'_> {
    fn field(&self, path: &[String]) -> Value<'_> {
        let o = self.row;
        let Some((first, rest)) = path.split_first() else {
            return Value::Null;
        };
        match (first.as_str(), rest.is_empty()) {
            ("custom", false) => custom_field(&self.custom, &o.custom, rest),
            (_, false) => Value::Null,
            ("id", _) => Value::Str(Cow::Borrowed(&o.id)),
            ("name", _) => text(&o.name),
            ("description", _) => text(&o.description),
            ("externalId", _) => text(&o.external_id),
            ("profileUrl", _) => text(&o.profile_url),
            ("email", _) => text(&o.email),
            ("status", _) => text(&o.status),
            ("type", _) => text(&o.object_type),
            ("updated", _) => time(o.updated),
            _ => Value::Null,
        }
    }
}

/// A membership as a filter sees it: its own fields, and the object on the other side under
/// `side` (`channel` for a user's memberships, `uuid` for a channel's members).
pub struct MembershipRecord<'a> {
    pub joined: &'a JoinedMembership,
    side: &'static str,
    other_id: &'a str,
    custom: OnceCell<Option<serde_json::Value>>,
    other: Option<ObjectRecord<'a>>,
}

impl<'a> MembershipRecord<'a> {
    /// `side` names the other object: `"channel"` or `"uuid"`.
    pub fn new(joined: &'a JoinedMembership, side: &'static str) -> Self {
        let m = &joined.membership;
        MembershipRecord {
            joined,
            side,
            other_id: if side == "uuid" { &m.uuid } else { &m.channel },
            custom: OnceCell::new(),
            other: joined.other.as_ref().map(ObjectRecord::new),
        }
    }
}

impl Record for MembershipRecord<'_> {
    fn field(&self, path: &[String]) -> Value<'_> {
        let m = &self.joined.membership;
        let Some((first, rest)) = path.split_first() else {
            return Value::Null;
        };
        if first == self.side {
            return match (&self.other, rest) {
                (_, [id]) if id == "id" => Value::Str(Cow::Borrowed(self.other_id)),
                (Some(o), _) => o.field(rest),
                (None, _) => Value::Null,
            };
        }
        match (first.as_str(), rest.is_empty()) {
            ("custom", false) => custom_field(&self.custom, &m.custom, rest),
            (_, false) => Value::Null,
            ("status", _) => text(&m.status),
            ("type", _) => text(&m.object_type),
            ("updated", _) => time(m.updated),
            _ => Value::Null,
        }
    }
}

/// How the service orders text: letters and digits first, ignoring case and punctuation, then
/// as written. Recorded: with `sort=id:asc` it lists `somechannel`, `somechannelid`,
/// `somechannel_with_custom` (pubnub/python `objects_v2/channel/get_all_channel.json`), as a
/// locale collation does, where a byte order would put `_` before `i`.
fn text_order(a: &str, b: &str) -> Ordering {
    let primary = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    primary(a).cmp(&primary(b)).then_with(|| a.cmp(b))
}

/// Ascending order of two field values: `null` first, then booleans, numbers, text and
/// times, each by value.
fn value_order(a: &Value<'_>, b: &Value<'_>) -> Ordering {
    fn rank(v: &Value<'_>) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Num(_) => 2,
            Value::Str(_) => 3,
            Value::Time { .. } => 4,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Num(x), Value::Num(y)) => x.total_cmp(y),
        (Value::Str(x), Value::Str(y)) => text_order(x, y),
        (Value::Time { micros: x, .. }, Value::Time { micros: y, .. }) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Orders two records by `keys`.
pub fn order_by(a: &impl Record, b: &impl Record, keys: &[SortKey]) -> Ordering {
    for k in keys {
        let o = value_order(&a.field(&k.path), &b.field(&k.path));
        let o = if k.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Keeps the items whose record matches `filter`, sorted by `sort`, else by `by_default`. The
/// service's default order is by id (of the other side, for memberships), as recorded in every
/// `objects_v2` list of pubnub/python's fixtures (members of one PATCH come back by id, though
/// their `updated` times differ), whatever the Chat SDK docs say of "last updated".
pub fn cut<'a, T, R: Record + 'a>(
    rows: &'a [T],
    record: impl Fn(&'a T) -> R,
    filter: Option<&Expr>,
    sort: &[SortKey],
    by_default: &[SortKey],
) -> Vec<&'a T> {
    let mut kept: Vec<(R, &T)> = rows
        .iter()
        .map(|r| (record(r), r))
        .filter(|(rec, _)| filter.is_none_or(|f| f.matches(rec)))
        .collect();
    let keys = if sort.is_empty() { by_default } else { sort };
    kept.sort_by(|(a, _), (b, _)| order_by(a, b, keys));
    kept.into_iter().map(|(_, row)| row).collect()
}

/// Ascending by the field `path` (dotted).
pub fn ascending(path: &str) -> SortKey {
    SortKey {
        path: path.split('.').map(String::from).collect(),
        descending: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::filter::parse;
    use crate::server::sqlite::MembershipRow;

    #[test]
    fn cursors_are_base64_offsets_as_recorded() {
        assert_eq!(cursor(10), "MTA");
        assert_eq!(cursor(1), "MQ");
        assert_eq!(cursor(15), "MTU");
        assert_eq!(offset_of("MTA"), Some(10));
        assert_eq!(offset_of("MTA="), Some(10));
        for bad in ["", "!!", "YQ", "LTE"] {
            assert_eq!(offset_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_follow_the_recorded_cursors() {
        let all: Vec<u32> = (0..15).collect();
        let first = PageRequest {
            limit: 10,
            start: None,
            end: None,
        };
        // get_channel_members_with_pagination.json: 15 members, limit 10.
        let (items, next, prev) = page(all.clone(), first);
        assert_eq!(
            (items.len(), next.as_deref(), prev),
            (10, Some("MTA"), None)
        );
        let second = PageRequest {
            start: next.as_deref().and_then(offset_of),
            ..first
        };
        let (items, next, prev) = page(all.clone(), second);
        assert_eq!(items, (10..15).collect::<Vec<_>>());
        assert_eq!(
            (next.as_deref(), prev.as_deref()),
            (Some("MTU"), Some("MTA"))
        );
        let back = PageRequest {
            end: prev.as_deref().and_then(offset_of),
            ..first
        };
        let (items, _, prev) = page(all.clone(), back);
        assert_eq!((items, prev), ((0..10).collect(), None));
        let past = PageRequest {
            start: Some(99),
            ..first
        };
        assert_eq!(page(all, past), (vec![], None, None));
    }

    fn user(id: &str, name: Option<&str>, updated: i64) -> ObjectRow {
        ObjectRow {
            id: id.into(),
            name: name.map(Into::into),
            custom: Some(format!(r#"{{"level":{updated}}}"#)),
            updated,
            etag: "e".into(),
            ..ObjectRow::default()
        }
    }

    fn ids(rows: &[&ObjectRow]) -> Vec<String> {
        rows.iter().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn lists_filter_then_sort_by_keys_or_by_last_update() {
        let rows = vec![
            user("a", Some("Zed"), 30),
            user("b", None, 10),
            user("c", Some("Carol"), 20),
        ];
        let sort = |path: &str, descending| SortKey {
            descending,
            ..ascending(path)
        };
        let by_id = [ascending("id")];
        let f = parse("custom.level >= 20").unwrap();
        let cut =
            |filter, keys: &[SortKey]| ids(&cut(&rows, ObjectRecord::new, filter, keys, &by_id));
        assert_eq!(cut(None, &[]), ["a", "b", "c"]);
        assert_eq!(cut(Some(&f), &[]), ["a", "c"]);
        assert_eq!(
            cut(None, &[sort("name", false)]),
            ["b", "c", "a"],
            "null first"
        );
        assert_eq!(cut(None, &[sort("id", true)]), ["c", "b", "a"]);
        assert_eq!(cut(None, &[sort("updated", true)]), ["a", "c", "b"]);
    }

    #[test]
    fn text_sorts_as_the_services_collation() {
        let mut ids = vec![
            "somechannel_with_custom",
            "somechannelid",
            "somechannel",
            "B",
            "a",
        ];
        ids.sort_by(|a, b| text_order(a, b));
        assert_eq!(
            ids,
            [
                "a",
                "B",
                "somechannel",
                "somechannelid",
                "somechannel_with_custom"
            ]
        );
        let mut members: Vec<String> = (0..15).map(|i| format!("test-fix-118-{i}")).collect();
        members.sort_by(|a, b| text_order(a, b));
        assert_eq!(
            members[..4],
            [
                "test-fix-118-0",
                "test-fix-118-1",
                "test-fix-118-10",
                "test-fix-118-11"
            ]
        );
    }

    #[test]
    fn a_membership_shows_the_other_side_under_its_name() {
        let joined = JoinedMembership {
            membership: MembershipRow {
                uuid: "alice".into(),
                channel: "chats.room1".into(),
                status: Some(String::new()),
                custom: Some(r#"{"role":"host"}"#.into()),
                ..MembershipRow::default()
            },
            other: None,
        };
        let r = MembershipRecord::new(&joined, "channel");
        assert!(parse("channel.id == 'chats.room1'").unwrap().matches(&r));
        assert!(parse("channel.name == null").unwrap().matches(&r));
        assert!(
            parse("status == '' && custom.role == 'host'")
                .unwrap()
                .matches(&r)
        );
        assert!(!parse("uuid.id == 'alice'").unwrap().matches(&r));
    }
}
