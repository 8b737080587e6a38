//! Evaluating an [`Expr`] against one record: the record gives each field path a [`Value`]
//! (`null` when it has no such field), and each comparison is decided by the types on both
//! sides. Strings compare exactly and by code point; numbers by value; a timestamp (`updated`)
//! by time against an ISO 8601 string; `LIKE` as a case-insensitive pattern with `*`.
//! A comparison of unlike types is false (`!=`: true), as is ordering against `null`.
//! It must not parse text: [`super::parse`] does.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::parse::{Expr, Literal, Op};

/// The value of a field of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    /// A timestamp: microseconds since the Unix epoch, and the text the answers show.
    Time {
        micros: i64,
        text: Cow<'a, str>,
    },
}

/// Something a filter can be evaluated on.
pub trait Record {
    /// The value at `path` (`["custom", "team"]`), [`Value::Null`] when there is none.
    fn field(&self, path: &[String]) -> Value<'_>;
}

impl Expr {
    /// Whether `record` satisfies the expression.
    pub fn matches(&self, record: &impl Record) -> bool {
        match self {
            Expr::Or(all) => all.iter().any(|e| e.matches(record)),
            Expr::And(all) => all.iter().all(|e| e.matches(record)),
            Expr::Not(e) => !e.matches(record),
            Expr::Compare { path, op, value } => compare(&record.field(path), *op, value),
        }
    }
}

fn compare(field: &Value<'_>, op: Op, literal: &Literal) -> bool {
    match op {
        Op::Eq => equal(field, literal),
        Op::Ne => !equal(field, literal),
        Op::Like => match (field, literal) {
            (Value::Str(s) | Value::Time { text: s, .. }, Literal::Str(p)) => like(s, p),
            _ => false,
        },
        Op::Lt => order(field, literal) == Some(Ordering::Less),
        Op::Gt => order(field, literal) == Some(Ordering::Greater),
        Op::Le => matches!(
            order(field, literal),
            Some(Ordering::Less | Ordering::Equal)
        ),
        Op::Ge => matches!(
            order(field, literal),
            Some(Ordering::Greater | Ordering::Equal)
        ),
    }
}

/// Microseconds since the epoch of an ISO 8601 (RFC 3339) time.
fn micros_of(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_micros())
}

fn equal(field: &Value<'_>, literal: &Literal) -> bool {
    match (field, literal) {
        (Value::Null, Literal::Null) => true,
        (Value::Str(a), Literal::Str(b)) => a == b,
        (Value::Num(a), Literal::Num(b)) => a == b,
        (Value::Bool(a), Literal::Bool(b)) => a == b,
        (Value::Time { micros, text }, Literal::Str(b)) => {
            micros_of(b).map_or(text == b, |t| t == *micros)
        }
        _ => false,
    }
}

fn order(field: &Value<'_>, literal: &Literal) -> Option<Ordering> {
    match (field, literal) {
        (Value::Str(a), Literal::Str(b)) => Some(a.as_ref().cmp(b.as_str())),
        (Value::Num(a), Literal::Num(b)) => a.partial_cmp(b),
        (Value::Time { micros, .. }, Literal::Str(b)) => micros_of(b).map(|t| micros.cmp(&t)),
        _ => None,
    }
}

/// One element of a `LIKE` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// `*`: any run of characters, also none.
    Any,
    One(char),
}

/// `*` is any run; `\*` and `\\` stand for `*` and `\`. Lower-cased for a match ignoring case.
fn pattern(p: &str) -> Vec<Piece> {
    let mut out = Vec::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Piece::Any),
            '\\' => match chars.next() {
                Some(e @ ('*' | '\\')) => out.push(Piece::One(e)),
                Some(e) => {
                    out.push(Piece::One('\\'));
                    out.extend(e.to_lowercase().map(Piece::One));
                }
                None => out.push(Piece::One('\\')),
            },
            c => out.extend(c.to_lowercase().map(Piece::One)),
        }
    }
    out
}

/// Whether `text` matches the `LIKE` pattern `p`, ignoring case.
pub(super) fn like(text: &str, p: &str) -> bool {
    let p = pattern(p);
    let s: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Greedy with backtracking to the last `*`: linear in practice, never exponential.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(Piece::One(c)) if *c == s[si] => {
                pi += 1;
                si += 1;
            }
            Some(Piece::Any) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((at, from)) => {
                    pi = at + 1;
                    si = from + 1;
                    star = Some((at, from + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|x| *x == Piece::Any)
}
