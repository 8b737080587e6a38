//! What the store's tests share: a store on a temporary file, and the writes they make.

use super::handle::Store;
use super::write_ops::WriteOp;
use crate::pubnub::StoredAction;

/// A store on a new file in a temporary folder (kept while the folder is).
pub(crate) fn open_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db")).unwrap();
    (dir, store)
}

/// Removing `a` from channel `c` of keyset `sk`, as its author.
pub(crate) fn remove_op(a: &StoredAction) -> WriteOp {
    WriteOp::RemoveAction {
        sub_key: "sk".into(),
        channel: "c".into(),
        message_tt: a.message_timetoken.get(),
        action_tt: a.action_timetoken.get(),
        uuid: a.uuid.clone(),
    }
}
