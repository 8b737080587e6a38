//! App Context (Objects v2): users under `/v2/objects/{sub_key}/uuids[/{id}]`, channels under
//! `/v2/objects/{sub_key}/channels[/{id}]`, a user's memberships under
//! `/uuids/{id}/channels` and a channel's members under `/channels/{id}/uuids`: GET one or a
//! page, PATCH (create or update; memberships with `{"set","delete"}`), DELETE. Shapes and
//! errors as recorded from the service in pubnub/python's `objects_v2` fixtures.
//! Parsing and answering only: everything stored comes from the store's App Context methods.

use super::Handled;
use super::object_body::{memberships_patch, object_patch};
use super::object_params::{self as p, Listed};
use super::params::{self, InputError, Query};
use super::touch::Permissions;
use crate::server::sqlite::ObjectKind;
use crate::server::store::{
    MembershipList, ObjectList, ObjectQuery, SetMemberships, SetObject, Store,
};

/// Access Manager (docs `security/access-control/permission-model`): reading a user or a
/// channel, or listing its memberships or members, needs get on it; setting it update; removing
/// it delete.
pub const GET_NEEDS: Permissions = Permissions::GET;
pub const SET_NEEDS: Permissions = Permissions::UPDATE;
pub const REMOVE_NEEDS: Permissions = Permissions::DELETE;
/// Setting or removing a user's memberships needs update on the user ([`SET_NEEDS`]) and join on
/// each channel the body names ("join: set or remove channel memberships").
pub const JOIN_NEEDS: Permissions = Permissions::JOIN;
/// Setting or removing a channel's members needs manage on the channel ("manage: set or remove
/// channel members").
pub const SET_MEMBERS_NEEDS: Permissions = Permissions::MANAGE;

fn sub_key(raw: &str) -> Result<String, InputError> {
    params::key(raw, "subscribe key")
}

fn kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Uuid => "uuid",
        ObjectKind::Channel => "channel",
    }
}

/// The id of a user or channel from its path segment: decoded strictly, 1 to 92 characters
/// (as a request's `uuid`), no control characters.
pub fn object_id(kind: ObjectKind, raw: &str) -> Result<String, InputError> {
    p::id(raw, kind_name(kind))
}

fn query(
    sub_key_raw: &str,
    kind: ObjectKind,
    id: &str,
    q: &Query,
) -> Result<ObjectQuery, InputError> {
    Ok(ObjectQuery {
        sub_key: sub_key(sub_key_raw)?,
        kind,
        id: object_id(kind, id)?,
        include: p::include(q),
    })
}

/// `GET /v2/objects/{sk}/uuids/{id}` or `/channels/{id}`: 404 when it has no metadata.
pub fn get(store: &Store, sk: &str, kind: ObjectKind, id: &str, q: &Query) -> Handled {
    Ok(store.object(&query(sk, kind, id, q)?)?)
}

/// `GET /v2/objects/{sk}/uuids` or `/channels`: a page of the keyset's users or channels.
pub fn list(store: &Store, sk: &str, kind: ObjectKind, q: &Query) -> Handled {
    let page = ObjectList {
        sub_key: sub_key(sk)?,
        kind,
        include: p::include(q),
        cut: p::cut(q, Listed::Objects(kind))?,
    };
    Ok(store.objects_page(&page)?)
}

/// `PATCH /v2/objects/{sk}/uuids/{id}` or `/channels/{id}`: sets the fields sent, creating
/// the object when missing; 412 when `If-Match` names another eTag.
pub async fn set(
    store: &Store,
    sk: &str,
    kind: ObjectKind,
    id: &str,
    q: &Query,
    body: &[u8],
    if_match: Option<&str>,
) -> Handled {
    let target = query(sk, kind, id, q)?;
    let patch = object_patch(kind, body)?;
    let set = SetObject {
        target,
        patch,
        if_match: if_match.map(str::to_string),
    };
    Ok(store.set_object(set).await?)
}

/// `DELETE /v2/objects/{sk}/uuids/{id}` or `/channels/{id}`: `{"status":200,"data":null}`.
pub async fn remove(
    store: &Store,
    sk: &str,
    kind: ObjectKind,
    id: &str,
    if_match: Option<&str>,
) -> Handled {
    let sub_key = sub_key(sk)?;
    let id = object_id(kind, id)?;
    let if_match = if_match.map(str::to_string);
    Ok(store.remove_object(sub_key, kind, id, if_match).await?)
}

fn membership_list(
    sk: &str,
    of: ObjectKind,
    id: &str,
    q: &Query,
) -> Result<MembershipList, InputError> {
    Ok(MembershipList {
        sub_key: sub_key(sk)?,
        of,
        id: object_id(of, id)?,
        include: p::membership_include(q, of),
        cut: p::cut(q, Listed::Memberships(of))?,
    })
}

/// `GET /v2/objects/{sk}/uuids/{id}/channels` (a user's memberships) or
/// `/channels/{id}/uuids` (a channel's members).
pub fn memberships(store: &Store, sk: &str, of: ObjectKind, id: &str, q: &Query) -> Handled {
    Ok(store.memberships_page(&membership_list(sk, of, id, q)?)?)
}

/// The channels a user's memberships PATCH sets or deletes (each needs [`JOIN_NEEDS`]).
pub fn membership_channels(body: &[u8]) -> Result<Vec<String>, InputError> {
    let (set, delete) = memberships_patch(ObjectKind::Uuid, body)?;
    Ok(set.into_iter().map(|m| m.other).chain(delete).collect())
}

/// `PATCH` of the same paths with `{"set":[..],"delete":[..]}`: answers the page the query asks
/// for after the change (as recorded: the whole list, filtered and paged).
pub async fn set_memberships(
    store: &Store,
    sk: &str,
    of: ObjectKind,
    id: &str,
    q: &Query,
    body: &[u8],
) -> Handled {
    let list = membership_list(sk, of, id, q)?;
    let (set, delete) = memberships_patch(of, body)?;
    Ok(store
        .set_memberships(SetMemberships { list, set, delete })
        .await?)
}
