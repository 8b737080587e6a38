//! The request body: read whole but bounded, and inflated when it is gzip or zlib whatever the
//! `Content-Encoding` says, bounded again, so a decompression bomb is refused early.
//! It must not interpret the body: endpoints parse it.

use std::borrow::Cow;
use std::io::Read;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// The whole body, or `None` when it is over `limit` (by its declared length or as read).
pub async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Option<Bytes> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return None;
    }
    // An error here is a body over the limit or a client that went away; either way the
    // answer is a 413 (which nobody reads in the second case).
    axum::body::to_bytes(body, limit).await.ok()
}

/// Why a request body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit, before or after inflating.
    TooLarge,
    /// Declared or recognisably compressed, but not valid compressed data.
    Corrupt,
}

fn is_zlib_header(b: &[u8]) -> bool {
    b.len() >= 2
        && b[0] & 0x0f == 8
        && b[0] >> 4 <= 7
        && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0
}

fn inflate_with<R: Read>(decoder: R, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| BodyError::Corrupt)?;
    if out.len() > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(out)
}

/// Inflates a request body that is gzip or zlib (deflate) compressed, whatever the
/// `Content-Encoding` header says: gzip is recognised by its magic bytes, zlib by its header
/// check. The output is bounded by `limit`, so a decompression bomb fails with
/// [`BodyError::TooLarge`] after at most `limit + 1` bytes.
pub fn inflate_body<'a>(
    raw: &'a [u8],
    content_encoding: Option<&str>,
    limit: usize,
) -> Result<Cow<'a, [u8]>, BodyError> {
    if raw.len() > limit {
        return Err(BodyError::TooLarge);
    }
    let declared = content_encoding
        .map(|e| e.trim().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "gzip" | "x-gzip" | "deflate"));
    if raw.starts_with(&[0x1f, 0x8b]) {
        return inflate_with(MultiGzDecoder::new(raw), limit).map(Cow::Owned);
    }
    if is_zlib_header(raw) {
        match inflate_with(ZlibDecoder::new(raw), limit) {
            Ok(out) => return Ok(Cow::Owned(out)),
            Err(BodyError::TooLarge) => return Err(BodyError::TooLarge),
            // A plain body that happens to look like a zlib header (`80`): use it as sent.
            Err(BodyError::Corrupt) if !declared => return Ok(Cow::Borrowed(raw)),
            Err(BodyError::Corrupt) => {}
        }
    }
    if declared && !raw.is_empty() {
        return match inflate_with(DeflateDecoder::new(raw), limit) {
            Ok(out) => Ok(Cow::Owned(out)),
            Err(BodyError::TooLarge) => Err(BodyError::TooLarge),
            // Mislabelled plain JSON: JSON cannot start like compressed data that fails here.
            Err(BodyError::Corrupt) if looks_like_json(raw) => Ok(Cow::Borrowed(raw)),
            Err(BodyError::Corrupt) => Err(BodyError::Corrupt),
        };
    }
    Ok(Cow::Borrowed(raw))
}

fn looks_like_json(raw: &[u8]) -> bool {
    raw.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| {
            matches!(
                b,
                b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use std::io::Write;

    fn compress<W: Write>(mut enc: W, data: &[u8]) -> W {
        enc.write_all(data).unwrap();
        enc
    }

    #[test]
    fn bodies_inflate_by_content_not_by_header() {
        let json = br#"{"type":"reaction","value":"x"}"#;
        let z = compress(ZlibEncoder::new(Vec::new(), Compression::default()), json)
            .finish()
            .unwrap();
        let g = compress(GzEncoder::new(Vec::new(), Compression::default()), json)
            .finish()
            .unwrap();
        let d = compress(
            DeflateEncoder::new(Vec::new(), Compression::default()),
            json,
        )
        .finish()
        .unwrap();
        assert_eq!(inflate_body(&z, None, 1024).unwrap().as_ref(), json);
        assert_eq!(inflate_body(&z, Some("gzip"), 1024).unwrap().as_ref(), json);
        assert_eq!(
            inflate_body(&g, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(
            inflate_body(&d, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(
            inflate_body(json, Some("deflate"), 1024).unwrap().as_ref(),
            json
        );
        assert_eq!(inflate_body(b"80", None, 1024).unwrap().as_ref(), b"80");
        assert_eq!(
            inflate_body(&[0x1f, 0x8b, 1, 2], None, 1024),
            Err(BodyError::Corrupt)
        );
    }

    #[test]
    fn a_decompression_bomb_hits_the_size_limit() {
        let zeros = vec![0u8; 10 * 1024 * 1024];
        let bomb = compress(ZlibEncoder::new(Vec::new(), Compression::best()), &zeros)
            .finish()
            .unwrap();
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            inflate_body(&bomb, None, 1024 * 1024),
            Err(BodyError::TooLarge)
        );
        assert_eq!(inflate_body(&zeros, None, 1024), Err(BodyError::TooLarge));
    }
}
