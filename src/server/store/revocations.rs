//! Revoking Access Manager tokens: kept in SQLite (they survive a restart) and mirrored in
//! memory ([`super::revoked::Revoked`]), since every request with a token asks whether it is
//! revoked.
//! The signature is the token's identity here (it is bound to the subscribe key, so it names
//! one token of one keyset); what a token grants is not the store's business.

use super::handle::Store;
use super::write_ops::WriteOp;
use crate::server::sqlite::StoreError;

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
