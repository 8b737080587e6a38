//! Tests of the filter language: the filters the Chat SDK sends, precedence, types, times,
//! escapes, LIKE patterns, and malformed filters refused with where they went wrong.

use std::borrow::Cow;
use std::collections::HashMap;

use super::eval::like;
use super::*;

/// A record of dotted paths to values.
struct Rec(HashMap<&'static str, Value<'static>>);

impl Record for Rec {
    fn field(&self, path: &[String]) -> Value<'_> {
        self.0
            .get(path.join(".").as_str())
            .cloned()
            .unwrap_or(Value::Null)
    }
}

fn s(v: &'static str) -> Value<'static> {
    Value::Str(Cow::Borrowed(v))
}

fn membership(channel: &'static str) -> Rec {
    Rec(HashMap::from([
        ("channel.id", s(channel)),
        ("channel.name", s("Hello Channel 1")),
        ("status", s("pending")),
        ("custom.level", Value::Num(3.0)),
        ("custom.admin", Value::Bool(false)),
        (
            "updated",
            Value::Time {
                micros: 1_709_801_344_171_350,
                text: Cow::Borrowed("2024-03-07T08:49:04.17135Z"),
            },
        ),
    ]))
}

fn eval(filter: &str, r: &Rec) -> bool {
    parse(filter)
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .matches(r)
}

#[test]
fn the_filters_the_chat_sdk_sends_match_as_the_service_does() {
    let room = membership("chats.room1");
    let moderation = membership("PUBNUB_INTERNAL_MODERATION_chats.room1");
    for (filter, on_room, on_moderation) in [
        ("channel.id == 'chats.room1'", true, false),
        (
            "channel.id == 'x' || channel.id == 'chats.room1'",
            true,
            false,
        ),
        (
            "channel.id LIKE 'PUBNUB_INTERNAL_MODERATION_*'",
            false,
            true,
        ),
        (
            "!(channel.id LIKE 'PUBNUB_INTERNAL_MODERATION_*')",
            true,
            false,
        ),
        (
            "!(channel.id LIKE 'PUBNUB_INTERNAL_MODERATION_*') && (channel.id == 'chats.room1')",
            true,
            false,
        ),
        // Case-insensitive LIKE: js-chat tests find "Hello Channel 1" with 'hello*'.
        ("channel.name LIKE 'hello*'", true, true),
        ("channel.name == 'hello channel 1'", false, false),
        ("channel.name LIKE '*channel*'", true, true),
        ("channel.name LIKE '*1'", true, true),
        ("channel.name LIKE 'Hello'", false, false),
    ] {
        assert_eq!(eval(filter, &room), on_room, "{filter} on the room");
        assert_eq!(
            eval(filter, &moderation),
            on_moderation,
            "{filter} on moderation"
        );
    }
}

#[test]
fn precedence_negation_and_parentheses() {
    let r = membership("a");
    // && binds tighter than ||.
    assert!(eval(
        "status == 'x' && status == 'y' || channel.id == 'a'",
        &r
    ));
    assert!(!eval(
        "status == 'x' && (status == 'y' || channel.id == 'a')",
        &r
    ));
    assert!(eval("!!(channel.id == 'a')", &r));
    assert!(!eval("!channel.id == 'a'", &r));
    assert!(eval("((((channel.id == 'a'))))", &r));
}

#[test]
fn types_numbers_booleans_null_and_missing_fields() {
    let r = membership("a");
    assert!(eval("custom.level == 3", &r));
    assert!(eval("custom.level >= 3 && custom.level < 3.5", &r));
    assert!(eval("custom.level > -1e2", &r));
    assert!(
        !eval("custom.level == '3'", &r),
        "no string-number coercion"
    );
    assert!(eval("custom.level != '3'", &r));
    assert!(eval("custom.admin == false", &r));
    assert!(eval("custom['admin'] == false", &r));
    assert!(eval("custom.missing == null", &r));
    assert!(eval("custom.missing != 'x'", &r));
    assert!(!eval("custom.missing < 'x'", &r));
    assert!(!eval("custom.missing LIKE '*'", &r));
    assert!(eval("status != null", &r));
    assert!(eval("status > 'a' && status <= 'pending'", &r));
}

#[test]
fn updated_compares_as_a_time() {
    let r = membership("a");
    assert!(eval("updated == '2024-03-07T08:49:04.171350Z'", &r));
    assert!(eval("updated > '2024-03-07T08:49:04.1713Z'", &r));
    assert!(eval("updated < '2024-03-07T08:49:04.171351Z'", &r));
    assert!(eval("updated >= '2024-03-07T09:49:04.17135+01:00'", &r));
    assert!(eval("updated LIKE '2024-03-07*'", &r));
    assert!(!eval("updated < 'not a time'", &r));
}

#[test]
fn strings_take_both_quotes_and_backslash_escapes() {
    let r = Rec(HashMap::from([
        ("name", s("O'Brien \"Bob\" a\\b")),
        ("star", s("a*b")),
    ]));
    // kmp-chat escapeAppContextFilterValue: \' and \\ inside '...'.
    assert!(eval(r#"name LIKE 'o\'brien*'"#, &r));
    assert!(eval(r#"name == "O'Brien \"Bob\" a\\b""#, &r));
    assert!(eval(r#"star LIKE 'a\*b'"#, &r));
    assert!(!eval(r#"star LIKE 'a\*c'"#, &r));
    assert!(eval(r#"star LIKE 'a*'"#, &r));
}

#[test]
fn like_patterns() {
    for (text, p, hit) in [
        ("", "*", true),
        ("", "", true),
        ("abc", "", false),
        ("abc", "a*c", true),
        ("abc", "a**c", true),
        ("abcbc", "a*bc", true),
        ("abcbd", "a*bc", false),
        ("ÄBC", "äb*", true),
        ("a*b", r"a\*b", true),
        ("axb", r"a\*b", false),
        (r"a\b", r"a\\b", true),
        ("mississippi", "*sip*", true),
        ("mississippi", "m*ss*ppi", true),
        ("mississippi", "m*ss*ppx", false),
    ] {
        assert_eq!(like(text, p), hit, "{text:?} LIKE {p:?}");
    }
    // No exponential blow-up on many stars.
    let long = "a".repeat(5_000);
    assert!(!like(&long, &format!("{}b", "a*".repeat(50))));
}

#[test]
fn malformed_filters_say_what_and_where() {
    for (filter, at) in [
        ("", 0),
        ("   ", 0),
        ("name", 4),
        ("name ==", 7),
        ("name == bob", 8),
        ("== 'x'", 0),
        ("name = 'x'", 5),
        ("name == 'x", 8),
        ("(name == 'x'", 12),
        ("name == 'x')", 11),
        ("name == 'x' &&", 14),
        ("name == 'x' & id == 'y'", 12),
        ("name LIKE 3", 10),
        ("custom. == 1", 8),
        ("custom[1] == 1", 7),
        ("name == 1.", 8),
        ("name == -", 8),
        ("name == 'x' id == 'y'", 12),
        ("#", 0),
    ] {
        let e = parse(filter).expect_err(filter);
        assert_eq!(e.at, at, "{filter}: {e}");
        assert!(!e.message.is_empty());
    }
    let deep = format!("{}a == 1{}", "(".repeat(100), ")".repeat(100));
    assert!(parse(&deep).is_err(), "nesting is bounded");
    let nots = format!("{}a == 1", "!".repeat(100_000));
    assert!(parse(&nots).is_err());
    // A long flat chain is fine (one node, no recursion).
    let chain = vec!["a == 1"; 10_000].join(" || ");
    assert!(parse(&chain).is_ok());
}

#[test]
fn paths_lists_every_field_named() {
    let e = parse("a.b == 1 || !(c == 2 && custom['x y'] LIKE 'q')").unwrap();
    let paths: Vec<String> = e.paths().iter().map(|p| p.join(".")).collect();
    assert_eq!(paths, ["a.b", "c", "custom.x y"]);
}
