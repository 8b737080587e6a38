//! [`Revoked`]: the signatures of revoked Access Manager tokens, in memory, as loaded when the
//! store opens and added to by each revocation once it is durable.
//! It must not touch SQLite: the store loads and writes.

use std::collections::HashSet;
use std::sync::RwLock;

/// The revoked signatures, as loaded at start and added to since.
#[derive(Debug, Default)]
pub struct Revoked {
    set: RwLock<HashSet<Vec<u8>>>,
}

impl Revoked {
    /// From `(sub key, signature)` rows.
    pub fn new(loaded: Vec<(String, Vec<u8>)>) -> Self {
        Revoked {
            set: RwLock::new(loaded.into_iter().map(|(_, sig)| sig).collect()),
        }
    }

    pub fn contains(&self, signature: &[u8]) -> bool {
        let set = self.set.read().unwrap_or_else(|p| p.into_inner());
        set.contains(signature)
    }

    pub fn insert(&self, signature: &[u8]) {
        self.set
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(signature.to_vec());
    }
}
