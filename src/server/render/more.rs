//! The `more` object of a paged answer: where the next page starts, as a URL and as bounds.
//! Pure: which page comes next is decided by the caller.

use super::json::{push_key, push_str, push_tt, push_u64};

/// Appends `{"url":"<path>?start=..&end=..&<size>=..","start":..,"end"?:..,"<size>":..}`,
/// `size` being `("limit", n)` for actions and `("max", n)` for history.
pub fn push_more(out: &mut Vec<u8>, path: &str, start: u64, end: Option<u64>, size: (&str, u32)) {
    let (size_name, size) = size;
    let mut url = format!("{path}?start={start}");
    if let Some(end) = end {
        url.push_str(&format!("&end={end}"));
    }
    url.push_str(&format!("&{size_name}={size}"));
    out.extend_from_slice(b"{\"url\":");
    push_str(out, &url);
    out.extend_from_slice(b",\"start\":");
    push_tt(out, start);
    if let Some(end) = end {
        out.extend_from_slice(b",\"end\":");
        push_tt(out, end);
    }
    out.push(b',');
    push_key(out, size_name);
    push_u64(out, u64::from(size));
    out.push(b'}');
}
