//! The codec against tokens the real service issued (recorded in the official Python SDK's
//! test fixtures, `tests/integrational/fixtures/native_sync/pam/*.json` of pubnub/python at
//! 7ac96cdaf71b), decoded field by field and re-encoded byte for byte.

use serde_json::json;

use super::*;

/// `revoke_token_verify_operations.json`: ttl 1, `test_channel` with 207, authorized uuid.
const VERIFY_OPERATIONS: &str = "qEF2AkF0GmgwSytDdHRsAUNyZXOlRGNoYW6hbHRlc3RfY2hhbm5lbBjPQ2dycKBDc3BjoWx0ZXN0X2NoYW5uZWwYz0N1c3KgRHV1aWSgQ3BhdKVEY2hhbqBDZ3JwoENzcGOgQ3VzcqBEdXVpZKBEbWV0YaBEdXVpZHJ0ZXN0X3Jldm9rZV92ZXJpZnlDc2lnWCCpIDaBECABP5cv5d8p0nsiMqgtR1uB4oUMKVMAJa_EQQ==";
/// `grant_token_mixed_resources.json`: a channel, a group and a uuid, authorized uuid.
const MIXED_RESOURCES: &str = "qEF2AkF0GmgvH7BDdHRsGDxDcmVzpURjaGFuoWZzcGFjZTEDQ2dycKFmZ3JvdXAxBUNzcGOhZnNwYWNlMQNDdXNyoWV1c2VyMRhgRHV1aWShZXVzZXIxGGBDcGF0pURjaGFuoENncnCgQ3NwY6BDdXNyoER1dWlkoERtZXRhoER1dWlkaXRlc3RfdXNlckNzaWdYIF1550Kt5Czss5WshrUO2affV3DP3h_9zPcDZxnb5lv3";
/// `grant_token_regex_patterns.json`: patterns only, no authorized uuid (a 7-entry map).
const REGEX_PATTERNS: &str = "p0F2AkF0GmgvIEBDdHRsGDxDcmVzpURjaGFuoENncnCgQ3NwY6BDdXNyoER1dWlkoENwYXSlRGNoYW6hcV5zcGFjZS1bYS16QS1aXSskA0NncnCgQ3NwY6FxXnNwYWNlLVthLXpBLVpdKyQDQ3VzcqFtXnVzZXItWzAtOV0rJBggRHV1aWShbV51c2VyLVswLTldKyQYIERtZXRhoENzaWdYIP7H9aQ3sJRM4JcJiu712_4MBeGIpUfz9Tb32tsC4zzs";
/// `grant_token_metadata.json`: meta with three keys (sent unsorted, stored sorted).
const METADATA: &str = "p0F2AkF0GmgvIEBDdHRsGDxDcmVzpURjaGFuoWx0ZXN0LWNoYW5uZWwBQ2dycKBDc3BjoWx0ZXN0LWNoYW5uZWwBQ3VzcqBEdXVpZKBDcGF0pURjaGFuoENncnCgQ3NwY6BDdXNyoER1dWlkoERtZXRho2ZhcHBfaWRmbXktYXBwbGN1c3RvbV9maWVsZGV2YWx1ZWl1c2VyX3R5cGVlYWRtaW5Dc2lnWCDDmvAjoWoz6uYOB0oa9rTtzvwwdQtSLlsk4nyXcoKpXQ==";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn names(grants: &BTreeMap<String, Permissions>) -> Vec<(&str, u8)> {
    grants.iter().map(|(n, p)| (n.as_str(), p.bits())).collect()
}

#[test]
fn a_real_token_with_an_authorized_uuid_decodes_field_by_field() {
    let t = parse_token(VERIFY_OPERATIONS).unwrap();
    assert_eq!(t.version, 2);
    assert_eq!(t.timestamp, 1_747_995_435);
    assert_eq!(t.ttl, 1);
    assert_eq!(t.expires_at(), 1_747_995_435 + 60);
    assert_eq!(t.authorized_uuid.as_deref(), Some("test_revoke_verify"));
    assert_eq!(names(&t.resources.channels), [("test_channel", 207)]);
    assert!(t.resources.groups.is_empty() && t.resources.uuids.is_empty());
    assert!(t.patterns.is_empty());
    assert!(t.meta.is_empty());
    assert_eq!(
        hex(&t.signature),
        "a92036811020013f972fe5df29d27b2232a82d475b81e2850c29530025afc441"
    );
    let p = t.resources.channels["test_channel"];
    assert_eq!(p.to_string(), "read+write+manage+delete+update+join");
    assert!(p.contains(Permissions::DELETE | Permissions::WRITE));
    assert!(!p.contains(Permissions::GET));
}

#[test]
fn a_real_token_with_every_resource_kind_decodes_field_by_field() {
    let t = parse_token(MIXED_RESOURCES).unwrap();
    assert_eq!((t.version, t.timestamp, t.ttl), (2, 1_747_918_768, 60));
    assert_eq!(t.authorized_uuid.as_deref(), Some("test_user"));
    assert_eq!(names(&t.resources.channels), [("space1", 3)]);
    assert_eq!(names(&t.resources.groups), [("group1", 5)]);
    assert_eq!(names(&t.resources.uuids), [("user1", 96)]);
    assert_eq!(t.resources.uuids["user1"].to_string(), "get+update");
    assert_eq!(
        hex(&t.signature),
        "5d79e742ade42cecb395ac86b50ed9a7df5770cfde1ffdccf7036719dbe65bf7"
    );
}

#[test]
fn a_real_token_with_patterns_and_no_uuid_decodes_field_by_field() {
    let t = parse_token(REGEX_PATTERNS).unwrap();
    assert_eq!((t.timestamp, t.ttl), (1_747_918_912, 60));
    assert_eq!(t.authorized_uuid, None);
    assert!(t.resources.is_empty());
    assert_eq!(names(&t.patterns.channels), [("^space-[a-zA-Z]+$", 3)]);
    assert_eq!(names(&t.patterns.uuids), [("^user-[0-9]+$", 32)]);
    // Exact names first, then patterns, matched by the caller.
    let prefix =
        |p: &str, n: &str| n.starts_with(p.trim_start_matches('^').split('[').next().unwrap_or(""));
    assert_eq!(
        t.permissions_on(Resource::Channel, "space-abc", prefix),
        Permissions::READ | Permissions::WRITE
    );
    assert_eq!(
        t.permissions_on(Resource::Channel, "room", prefix),
        Permissions::NONE
    );
}

#[test]
fn a_real_token_with_meta_decodes_field_by_field() {
    let t = parse_token(METADATA).unwrap();
    assert_eq!(
        serde_json::Value::Object(t.meta.clone()),
        json!({"app_id": "my-app", "custom_field": "value", "user_type": "admin"})
    );
    assert_eq!(names(&t.resources.channels), [("test-channel", 1)]);
}

#[test]
fn real_tokens_re_encode_byte_for_byte() {
    for token in [VERIFY_OPERATIONS, MIXED_RESOURCES, REGEX_PATTERNS, METADATA] {
        let parsed = parse_token(token).unwrap();
        assert_eq!(parsed.encode(), token);
        // The unsigned form is the same map less its last entry.
        let signed = parsed.encode();
        assert!(parse_token(&signed).is_ok());
        let unsigned = parsed.unsigned_cbor();
        assert_eq!(unsigned[0], 0xa0 | (signed_len(&parsed) - 1));
    }
}

fn signed_len(t: &Token) -> u8 {
    if t.authorized_uuid.is_some() { 8 } else { 7 }
}

#[test]
fn exact_names_win_over_patterns_and_patterns_add_up() {
    let mut t = parse_token(REGEX_PATTERNS).unwrap();
    t.resources
        .channels
        .insert("space-x".into(), Permissions::READ);
    t.patterns
        .channels
        .insert("space".into(), Permissions::DELETE);
    let contains = |p: &str, n: &str| n.contains(p);
    assert_eq!(
        t.permissions_on(Resource::Channel, "space-x", contains),
        Permissions::READ
    );
    assert_eq!(
        t.permissions_on(Resource::Channel, "my-space", contains),
        Permissions::DELETE
    );
}

#[test]
fn either_base64_alphabet_with_or_without_padding_parses() {
    let standard = VERIFY_OPERATIONS.replace('_', "/").replace('-', "+");
    assert_eq!(parse_token(&standard), parse_token(VERIFY_OPERATIONS));
    let unpadded = VERIFY_OPERATIONS.trim_end_matches('=');
    assert_eq!(parse_token(unpadded), parse_token(VERIFY_OPERATIONS));
}

#[test]
fn garbage_is_an_error_never_a_panic() {
    assert_eq!(parse_token(""), Err(TokenError::Empty));
    assert_eq!(parse_token("!!!"), Err(TokenError::NotBase64));
    assert!(matches!(
        parse_token("AAAA"),
        Err(TokenError::NotCbor(_) | TokenError::Layout(_))
    ));
    assert_eq!(
        parse_token(&"A".repeat(MAX_TOKEN_CHARS + 4)),
        Err(TokenError::TooLong)
    );
    // A map that declares far more entries, an array of 2^60 items, deep nesting, a byte
    // string longer than the input, trailing bytes: all refused quickly.
    let hostile: [&[u8]; 6] = [
        &[0xbb, 0, 0, 0, 0, 0, 0, 0, 0x10],
        &[0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0],
        &[0x81; 10_000],
        &[0x5b, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2],
        &[0xa0, 0x00],
        &[
            0xa1, 0x41, b'v', 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    ];
    for bytes in hostile {
        let text = URL_SAFE.encode(bytes);
        assert!(parse_token(&text).is_err(), "{bytes:?}");
    }
    // Every prefix of a real token is refused, and so is every single-byte change that
    // breaks the layout.
    let bytes = decode_base64(VERIFY_OPERATIONS).unwrap();
    for end in 0..bytes.len() {
        assert!(cbor::decode(&bytes[..end]).is_err());
    }
    for i in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[i] ^= 0xff;
        let _ = cbor::decode(&changed);
    }
}

#[test]
fn permissions_by_name_and_display() {
    assert_eq!(Permissions::named("Delete"), Some(Permissions::DELETE));
    assert_eq!(Permissions::named("fly"), None);
    assert_eq!(Permissions::NONE.to_string(), "none");
    let all = Permissions::NAMED
        .iter()
        .fold(Permissions::NONE, |a, (_, p)| a | *p);
    assert_eq!(all.bits(), 255);
}
