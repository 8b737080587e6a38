//! Revoked Access Manager tokens: kept in SQLite (they survive a restart) and mirrored in
//! memory, since every request with a token asks whether it is revoked.
//! The signature is the token's identity here (it is bound to the subscribe key, so it names
//! one token of one keyset); what a token grants is not the store's business.

use std::collections::HashSet;
use std::sync::RwLock;

use super::handle::Store;
use super::write_ops::WriteOp;
use crate::server::sqlite::StoreError;

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

    fn contains(&self, signature: &[u8]) -> bool {
        let set = self.set.read().unwrap_or_else(|p| p.into_inner());
        set.contains(signature)
    }

    fn insert(&self, signature: &[u8]) {
        self.set
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(signature.to_vec());
    }
}

impl Store {
    /// Revokes the token signed `signature` on `sub_key` for good (it is forgotten once
    /// `expires_at`, Unix seconds, has passed); returns once that is durable.
    pub async fn revoke_token(
        &self,
        sub_key: &str,
        signature: &[u8],
        expires_at: u64,
    ) -> Result<(), StoreError> {
        self.write(WriteOp::Revoke {
            sub_key: sub_key.to_string(),
            signature: signature.to_vec(),
            expires_at,
        })
        .await?;
        self.revoked().insert(signature);
        Ok(())
    }

    /// Whether the token signed `signature` was revoked.
    pub fn is_revoked(&self, signature: &[u8]) -> bool {
        self.revoked().contains(signature)
    }
}
