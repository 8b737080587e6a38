//! App Context through the store: one typed method per query or write of users, channels,
//! memberships and members. Reads run in place on a pooled connection and are cut with
//! [`super::listing`] (filter, sort, page); writes go through the writer's group commit
//! ([`super::object_ops`]) and answer with what the service answers after them.
//! It knows nothing of HTTP: it answers bytes or a [`StoreError`].

use axum::body::Bytes;

use super::handle::Store;
use super::listing::{Cut, MembershipRecord, ObjectRecord, Paged, ascending};
pub use super::object_ops::{MembershipPatch, ObjectPatch};
use super::write_ops::{WriteDone, WriteOp};
use crate::server::render::objects::{
    self as render, Fields, Include, MembershipInclude, Page, push_membership, push_object,
};
use crate::server::sqlite::{self, ObjectKind, StoreError};

/// One user or channel, with what to include.
#[derive(Debug, Clone)]
pub struct ObjectQuery {
    pub sub_key: String,
    pub kind: ObjectKind,
    pub id: String,
    pub include: Include,
}

/// A page of the users or channels of a keyset.
#[derive(Debug, Clone)]
pub struct ObjectList {
    pub sub_key: String,
    pub kind: ObjectKind,
    pub include: Include,
    pub cut: Cut,
}

/// A page of the memberships of a user (`of` [`ObjectKind::Uuid`]) or the members of a channel.
#[derive(Debug, Clone)]
pub struct MembershipList {
    pub sub_key: String,
    pub of: ObjectKind,
    pub id: String,
    pub include: MembershipInclude,
    pub cut: Cut,
}

/// A PATCH of a user or channel; `if_match` is the `If-Match` eTag, if sent.
#[derive(Debug, Clone)]
pub struct SetObject {
    pub target: ObjectQuery,
    pub patch: ObjectPatch,
    pub if_match: Option<String>,
}

/// A PATCH of memberships or members: `set` and `delete` by the other side's id, answered with
/// the page `list` asks for.
#[derive(Debug, Clone)]
pub struct SetMemberships {
    pub list: MembershipList,
    pub set: Vec<MembershipPatch>,
    pub delete: Vec<String>,
}

fn unexpected(done: WriteDone) -> StoreError {
    StoreError::Database(format!("unexpected write result {done:?}"))
}

impl Store {
    /// One user or channel: `{"status":200,"data":{..}}`, or [`StoreError::NotFound`].
    pub fn object(&self, q: &ObjectQuery) -> Result<Bytes, StoreError> {
        let row = self.read(|conn| Ok(sqlite::get_object(conn, &q.sub_key, q.kind, &q.id)?))?;
        let row = row.ok_or(StoreError::NotFound)?;
        Ok(render::object_answer(&row, Fields::answer(q.kind, q.include)).into())
    }

    /// A page of the keyset's users or channels.
    pub fn objects_page(&self, q: &ObjectList) -> Result<Bytes, StoreError> {
        let rows = self.read(|conn| Ok(sqlite::objects(conn, &q.sub_key, q.kind)?))?;
        let page = q.cut.apply(&rows, ObjectRecord::new, &[ascending("id")]);
        let fields = Fields::answer(q.kind, q.include);
        Ok(list(page, |out, o| push_object(out, o, fields)))
    }

    /// A page of a user's memberships or a channel's members.
    pub fn memberships_page(&self, q: &MembershipList) -> Result<Bytes, StoreError> {
        let rows = self.read(|conn| Ok(sqlite::memberships_of(conn, &q.sub_key, q.of, &q.id)?))?;
        let side = q.of.other().as_str();
        let by_id = [ascending(&format!("{side}.id"))];
        let page = q
            .cut
            .apply(&rows, |m| MembershipRecord::new(m, side), &by_id);
        Ok(list(page, |out, m| {
            push_membership(out, q.of, m, q.include)
        }))
    }

    /// Creates or updates a user or channel; answers it as stored. [`StoreError::Modified`]
    /// when `If-Match` names another eTag.
    pub async fn set_object(&self, s: SetObject) -> Result<Bytes, StoreError> {
        let (kind, include) = (s.target.kind, s.target.include);
        let op = WriteOp::Object(Box::new(super::object_ops::ObjectOp::Set {
            sub_key: s.target.sub_key,
            kind,
            id: s.target.id,
            patch: s.patch,
            if_match: s.if_match,
        }));
        match self.write(op).await? {
            WriteDone::Object(row) => {
                Ok(render::object_answer(&row, Fields::answer(kind, include)).into())
            }
            other => Err(unexpected(other)),
        }
    }

    /// Removes a user or channel (its memberships stay); answers `{"status":200,"data":null}`
    /// whether it existed or not.
    pub async fn remove_object(
        &self,
        sub_key: String,
        kind: ObjectKind,
        id: String,
        if_match: Option<String>,
    ) -> Result<Bytes, StoreError> {
        let op = WriteOp::Object(Box::new(super::object_ops::ObjectOp::Remove {
            sub_key,
            kind,
            id,
            if_match,
        }));
        self.write(op).await?;
        Ok(Bytes::from_static(render::REMOVED))
    }

    /// Sets and deletes memberships, then answers the page `s.list` asks for.
    pub async fn set_memberships(&self, s: SetMemberships) -> Result<Bytes, StoreError> {
        let op = WriteOp::Object(Box::new(super::object_ops::ObjectOp::Memberships {
            sub_key: s.list.sub_key.clone(),
            of: s.list.of,
            id: s.list.id.clone(),
            set: s.set,
            delete: s.delete,
        }));
        self.write(op).await?;
        self.memberships_page(&s.list)
    }
}

/// The list answer of a page, each item rendered by `push`.
fn list<T>(page: Paged<'_, T>, push: impl Fn(&mut Vec<u8>, &T)) -> Bytes {
    let items: Vec<Vec<u8>> = page
        .items
        .into_iter()
        .map(|item| {
            let mut out = Vec::with_capacity(256);
            push(&mut out, item);
            out
        })
        .collect();
    render::list_answer(&Page {
        items: &items,
        total: page.total,
        next: page.next.as_deref(),
        prev: page.prev.as_deref(),
    })
    .into()
}
