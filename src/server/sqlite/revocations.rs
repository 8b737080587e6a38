//! Revoked Access Manager tokens: a table beside the messages and actions, kept by signature
//! per subscribe key until the token would have expired anyway, so that a revocation survives a
//! restart and the table does not grow without end.
//! Plain statements over a `&Connection`; what a revocation means is the server's business.

use rusqlite::{Connection, params};

use super::error::StoreError;
use super::rows::to_i64;

/// Created when missing by the writer at every start. It is not part of the versioned schema:
/// a program that does not know it leaves it alone, and the schema version stays the one the
/// messages and actions are stored in.
pub const REVOCATIONS_TABLE: &str = "
CREATE TABLE IF NOT EXISTS revoked_tokens (
    sub_key TEXT NOT NULL,
    signature BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (sub_key, signature)
) WITHOUT ROWID;
";

/// Records that the token signed `signature` on `sub_key` is revoked until `expires_at` (Unix
/// seconds). Revoking twice is no error.
pub fn insert_revocation(
    conn: &Connection,
    sub_key: &str,
    signature: &[u8],
    expires_at: u64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO revoked_tokens (sub_key, signature, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (sub_key, signature) DO NOTHING",
    )?
    .execute(params![sub_key, signature, to_i64(expires_at)])?;
    Ok(())
}

/// Forgets revocations of tokens expired before `now`, and returns the others as
/// `(sub key, signature)`.
pub fn live_revocations(conn: &Connection, now: u64) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    conn.prepare_cached("DELETE FROM revoked_tokens WHERE expires_at < ?1")?
        .execute(params![to_i64(now)])?;
    let mut stmt = conn.prepare_cached("SELECT sub_key, signature FROM revoked_tokens")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
