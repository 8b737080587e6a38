//! The input of the App Context endpoints: ids in the path, and the list parameters `include`,
//! `limit` (default and most 100: kmp-chat and every SDK document "The default (and maximum)
//! value is 100"), `start`/`end` cursors, `count`, `sort` and `filter` (only fields the entity
//! has: docs `general/metadata/filtering`, "Data fields"), each refused with an
//! [`InputError`] naming it.
//! Pure: it must not touch the store, and knows nothing of how an error is shown.

use super::params::{self, InputError, Query};
use crate::server::filter::{self, Expr};
use crate::server::render::objects::{Include, MembershipInclude};
use crate::server::sqlite::ObjectKind;
use crate::server::store::{Cut, PageRequest, SortKey, offset_of};

/// Default and largest page of a list.
pub const MAX_LIMIT: u32 = 100;
/// Longest id of a user or channel, in characters: as a request's `uuid` (and a channel name).
pub const MAX_ID_CHARS: usize = params::MAX_UUID_CHARS;

/// The fields of a user or of a channel, as filters and `sort` name them.
fn own_fields(kind: ObjectKind) -> &'static [&'static str] {
    match kind {
        ObjectKind::Uuid => &[
            "id",
            "name",
            "externalId",
            "profileUrl",
            "email",
            "status",
            "type",
            "updated",
        ],
        ObjectKind::Channel => &["id", "name", "description", "status", "type", "updated"],
    }
}

/// The fields of a membership itself.
const MEMBERSHIP_FIELDS: &[&str] = &["status", "type", "updated"];

/// What a list is of: the users or channels of a keyset, or the memberships of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    Objects(ObjectKind),
    /// Memberships of a user (`Uuid`) or members of a channel (`Channel`).
    Memberships(ObjectKind),
}

impl Listed {
    /// Whether `path` names a field a filter may compare: an own field, `custom.<x>`, and for
    /// memberships the other side's fields under its name (`channel.name`, `uuid.custom.x`).
    fn filterable(self, path: &[String]) -> bool {
        let is = |fields: &[&str], path: &[String]| match path {
            [one] => fields.contains(&one.as_str()),
            [custom, _, ..] => custom == "custom",
            [] => false,
        };
        match self {
            Listed::Objects(kind) => is(own_fields(kind), path),
            Listed::Memberships(of) => {
                let other = of.other();
                match path.split_first() {
                    Some((side, rest)) if side == other.as_str() => is(own_fields(other), rest),
                    _ => is(MEMBERSHIP_FIELDS, path),
                }
            }
        }
    }

    /// Whether `path` may be sorted on (docs: id, name, updated, and the other side's).
    fn sortable(self, path: &[String]) -> bool {
        const OWN: &[&str] = &["id", "name", "updated", "status", "type"];
        match (self, path) {
            (Listed::Objects(_), [one]) => OWN.contains(&one.as_str()),
            (Listed::Memberships(of), [side, one]) if side == of.other().as_str() => {
                OWN.contains(&one.as_str())
            }
            (Listed::Memberships(_), [one]) => MEMBERSHIP_FIELDS.contains(&one.as_str()),
            _ => false,
        }
    }
}

/// The id of a user or channel from a path segment.
pub fn id(raw: &str, field: &str) -> Result<String, InputError> {
    let id = params::decode_segment(raw, field)?;
    check_id(&id, field, "path")?;
    Ok(id)
}

/// An id is non-empty, at most [`MAX_ID_CHARS`] characters, without control characters.
pub fn check_id(id: &str, field: &str, location_type: &'static str) -> Result<(), InputError> {
    if id.is_empty() || id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) {
        return Err(InputError::new(
            format!("Invalid {field}: 1 to {MAX_ID_CHARS} characters, no control characters"),
            field,
            location_type,
        ));
    }
    Ok(())
}

/// Every value of `key`, split at commas, trimmed.
fn listed_values<'q>(q: &'q Query, key: &'q str) -> impl Iterator<Item = &'q str> {
    q.pairs()
        .filter(move |(k, _)| *k == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// How a list of `listed` is cut: `filter`, `sort`, the page and `count`.
pub fn cut(q: &Query, listed: Listed) -> Result<Cut, InputError> {
    Ok(Cut {
        filter: filter(q, listed)?,
        sort: sort(q, listed)?,
        page: page(q)?,
        count: count(q),
    })
}

/// `include` for one object: `custom`, `status`, `type` (anything else is not about it).
pub fn include(q: &Query) -> Include {
    let mut i = Include::default();
    for v in listed_values(q, "include") {
        match v {
            "custom" => i.custom = true,
            "status" => i.status = true,
            "type" => i.object_type = true,
            _ => {}
        }
    }
    i
}

/// `include` for memberships of `of`: the membership's own `custom`/`status`/`type`, and the
/// other side (`channel` or `uuid`), expanded when it or any of its fields is named (recorded:
/// `include=custom,channel.custom` expands the channel, pubnub/python
/// `memberships/get_memberships.json`).
pub fn membership_include(q: &Query, of: ObjectKind) -> MembershipInclude {
    let side = of.other().as_str();
    let mut other: Option<Include> = None;
    for v in listed_values(q, "include") {
        let field = match v.split_once('.') {
            Some((s, f)) if s == side => Some(f),
            None if v == side => None,
            _ => continue,
        };
        let o = other.get_or_insert_with(Include::default);
        match field {
            Some("custom") => o.custom = true,
            Some("status") => o.status = true,
            Some("type") => o.object_type = true,
            _ => {}
        }
    }
    MembershipInclude {
        own: include(q),
        other,
    }
}

/// `count=true` (Python sends `True`).
pub fn count(q: &Query) -> bool {
    q.get("count")
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// `limit`, `start` and `end`.
pub fn page(q: &Query) -> Result<PageRequest, InputError> {
    let cursor = |key: &str| match q.get(key) {
        None | Some("") => Ok(None),
        Some(c) => offset_of(c)
            .map(Some)
            .ok_or_else(|| InputError::new(format!("Invalid {key} cursor"), key, "query")),
    };
    Ok(PageRequest {
        limit: q.page_size("limit", MAX_LIMIT, MAX_LIMIT)? as usize,
        start: cursor("start")?,
        end: cursor("end")?,
    })
}

/// `sort`: `field`, `field:asc` or `field:desc`, repeated or comma-separated, in order.
pub fn sort(q: &Query, listed: Listed) -> Result<Vec<SortKey>, InputError> {
    let bad = |v: &str| InputError::new(format!("Invalid sort: {v}"), "sort", "query");
    listed_values(q, "sort")
        .map(|v| {
            let (field, direction) = v.split_once(':').unwrap_or((v, "asc"));
            let descending = match direction.to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                _ => return Err(bad(v)),
            };
            let path: Vec<String> = field.split('.').map(String::from).collect();
            match listed.sortable(&path) {
                true => Ok(SortKey { path, descending }),
                false => Err(bad(v)),
            }
        })
        .collect()
}

/// `filter`, parsed, naming only fields the listed entity has.
pub fn filter(q: &Query, listed: Listed) -> Result<Option<Expr>, InputError> {
    let raw = match q.get("filter") {
        None | Some("") => return Ok(None),
        Some(f) => f,
    };
    let bad = |why: String| {
        InputError::new(
            format!("Invalid filter expression: {why}"),
            "filter",
            "query",
        )
    };
    let expr = filter::parse(raw).map_err(|e| bad(e.to_string()))?;
    if let Some(unknown) = expr.paths().into_iter().find(|p| !listed.filterable(p)) {
        return Err(bad(format!("unknown field {}", unknown.join("."))));
    }
    Ok(Some(expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Query {
        Query::parse(Some(s)).unwrap()
    }

    #[test]
    fn includes_as_the_chat_sdk_sends_them() {
        // memberships.join, with the SDK's repeated values.
        let m = membership_include(
            &q(
                "include=channel.status,channel.type,status,status,type,custom,channel,channel.status,channel.type,channel.custom",
            ),
            ObjectKind::Uuid,
        );
        let all = Include {
            custom: true,
            status: true,
            object_type: true,
        };
        assert_eq!(
            m,
            MembershipInclude {
                own: all,
                other: Some(all)
            }
        );
        let m = membership_include(&q("include=custom%2Cchannel.custom"), ObjectKind::Uuid);
        assert_eq!(
            m.other,
            Some(Include {
                custom: true,
                ..Include::default()
            })
        );
        assert!(m.own.custom);
        let members = membership_include(&q("include=uuid,custom"), ObjectKind::Channel);
        assert_eq!(members.other, Some(Include::default()));
        assert_eq!(
            membership_include(&q("include=uuid"), ObjectKind::Uuid).other,
            None
        );
        assert!(!include(&q("include=status,type")).custom);
    }

    #[test]
    fn pages_counts_and_sorts() {
        let p = page(&q("limit=10&start=MTA")).unwrap();
        assert_eq!((p.limit, p.start, p.end), (10, Some(10), None));
        assert_eq!(page(&q("")).unwrap().limit, 100);
        assert_eq!(page(&q("limit=500")).unwrap().limit, 100);
        assert_eq!(page(&q("start=%21%21")).unwrap_err().location, "start");
        assert!(page(&q("limit=0")).is_err());
        assert!(count(&q("count=True")) && count(&q("count=true")) && !count(&q("count=false")));
        let users = Listed::Objects(ObjectKind::Uuid);
        let s = sort(&q("sort=updated:desc&sort=name"), users).unwrap();
        assert_eq!(
            s.iter()
                .map(|k| (k.path.join("."), k.descending))
                .collect::<Vec<_>>(),
            [("updated".into(), true), ("name".into(), false)]
        );
        assert!(sort(&q("sort=id%3Aasc%2Cupdated%3Adesc"), users).is_ok());
        assert!(sort(&q("sort=email"), users).is_err());
        assert!(sort(&q("sort=name:up"), users).is_err());
        let memberships = Listed::Memberships(ObjectKind::Uuid);
        assert!(sort(&q("sort=channel.name:desc"), memberships).is_ok());
        assert!(sort(&q("sort=uuid.name"), memberships).is_err());
    }

    #[test]
    fn filters_name_only_fields_the_entity_has() {
        let memberships = Listed::Memberships(ObjectKind::Uuid);
        let members = Listed::Memberships(ObjectKind::Channel);
        let users = Listed::Objects(ObjectKind::Uuid);
        let channels = Listed::Objects(ObjectKind::Channel);
        let f = |s: &str, l: Listed| filter(&q(&format!("filter={s}")), l);
        assert!(
            f(
                "!(channel.id LIKE 'PUBNUB_INTERNAL_MODERATION_*') && (channel.id == 'x')",
                memberships
            )
            .unwrap()
            .is_some()
        );
        assert!(f("uuid.id == 'bob' || uuid.custom.ban == true", members).is_ok());
        assert!(f("name LIKE 'Car*'", users).is_ok());
        assert!(f("email == 'x'", channels).is_err());
        assert!(f("description == 'x'", users).is_err());
        assert!(f("uuid.id == 'bob'", memberships).is_err());
        assert!(f("custom == 1", users).is_err());
        let e = f("name ==", users).unwrap_err();
        assert_eq!((e.location.as_str(), e.location_type), ("filter", "query"));
        assert_eq!(filter(&q(""), users), Ok(None));
    }
}
