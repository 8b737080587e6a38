//! The bottom layer, beside [`super::render`]: SQLite itself. Opening a connection (the schema
//! and its version, the settings every connection gets), every statement the server runs on
//! messages and actions ([`queries`]), on App Context ([`objects`]) and on revoked Access
//! Manager tokens ([`revocations`]), the row types they read into and write from, and
//! [`StoreError`], what storage fails with.
//!
//! Plain functions over a `&Connection`: no threads, no caches, no server state. It must not
//! import anything else of the server, and it never renders JSON.

mod error;
mod objects;
mod queries;
mod revocations;
mod rows;
mod schema;

pub use error::StoreError;
pub use objects::{
    JoinedMembership, MembershipRow, ObjectKind, ObjectRow, delete_membership, delete_object,
    get_membership, get_object, memberships_of, objects, put_membership, put_object,
};
pub use queries::{
    Slice, action_counts, count_messages_after, delete_action, delete_messages, find_action,
    insert_action, insert_message, is_empty_channel, visit_message_actions, visit_newest_actions,
    visit_newest_messages,
};
pub use revocations::{insert_revocation, live_revocations};
pub use rows::{ActionRow, MessageRecord, MessageRow, Range};
pub use schema::{max_stored_timetoken, open_reader, open_writer};
