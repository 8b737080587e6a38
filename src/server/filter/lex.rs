//! The filter language's tokens: names, quoted strings (escapes decoded), numbers, keywords
//! and operators, each with the offset it starts at.
//! It must not build expressions: the parser does.

use super::FilterError;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
}

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Name(String),
    Str(String),
    Num(f64),
    True,
    False,
    Null,
    Compare(Op),
    And,
    Or,
    Not,
    Open,
    Close,
    Dot,
    OpenBracket,
    CloseBracket,
}

/// A token and the character offset it starts at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub at: usize,
}

fn starts_name(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn continues_name(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Splits `text` into tokens.
pub fn tokens(text: &str) -> Result<Vec<Spanned>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (token, len) = match (c, next) {
            ('=', Some('=')) => (Token::Compare(Op::Eq), 2),
            ('!', Some('=')) => (Token::Compare(Op::Ne), 2),
            ('<', Some('=')) => (Token::Compare(Op::Le), 2),
            ('>', Some('=')) => (Token::Compare(Op::Ge), 2),
            ('&', Some('&')) => (Token::And, 2),
            ('|', Some('|')) => (Token::Or, 2),
            ('<', _) => (Token::Compare(Op::Lt), 1),
            ('>', _) => (Token::Compare(Op::Gt), 1),
            ('!', _) => (Token::Not, 1),
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            ('.', _) => (Token::Dot, 1),
            ('[', _) => (Token::OpenBracket, 1),
            (']', _) => (Token::CloseBracket, 1),
            ('\'' | '"', _) => {
                let (s, len) = string(&chars, i)?;
                (Token::Str(s), len)
            }
            (c, _) if c.is_ascii_digit() || c == '-' || c == '+' => number(&chars, i)?,
            (c, _) if starts_name(c) => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| continues_name(**c))
                    .count();
                let word: String = chars[i..i + len].iter().collect();
                let token = match word.as_str() {
                    "true" => Token::True,
                    "false" => Token::False,
                    "null" => Token::Null,
                    w if w.eq_ignore_ascii_case("like") => Token::Compare(Op::Like),
                    _ => Token::Name(word),
                };
                (token, len)
            }
            (c, _) => return Err(FilterError::new(format!("Unexpected character '{c}'"), at)),
        };
        out.push(Spanned { token, at });
        i += len;
    }
    Ok(out)
}

/// A quoted string starting at `from` (its quote); returns the decoded text and the length
/// including both quotes. `\` escapes the next character: `\'`, `\"` and `\\` stand for the
/// character itself; any other escape is kept as written (so `\*` reaches `LIKE` as is).
fn string(chars: &[char], from: usize) -> Result<(String, usize), FilterError> {
    let quote = chars[from];
    let mut out = String::new();
    let mut i = from + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let Some(&escaped) = chars.get(i + 1) else {
                    break;
                };
                if !matches!(escaped, '\'' | '"' | '\\') {
                    out.push('\\');
                }
                out.push(escaped);
                i += 2;
            }
            c if c == quote => return Ok((out, i + 1 - from)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::new("Unterminated string", from))
}

/// A number starting at `from`: an optional sign, digits, an optional fraction and exponent.
fn number(chars: &[char], from: usize) -> Result<(Token, usize), FilterError> {
    let mut i = from;
    let digits = |i: &mut usize| {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if matches!(chars.get(i), Some('-' | '+')) {
        i += 1;
    }
    let mut ok = digits(&mut i);
    if chars.get(i) == Some(&'.') {
        i += 1;
        ok &= digits(&mut i);
    }
    if ok && matches!(chars.get(i), Some('e' | 'E')) {
        i += 1;
        if matches!(chars.get(i), Some('-' | '+')) {
            i += 1;
        }
        ok &= digits(&mut i);
    }
    let text: String = chars[from..i].iter().collect();
    match (ok, text.parse::<f64>()) {
        (true, Ok(n)) if n.is_finite() => Ok((Token::Num(n), i - from)),
        _ => Err(FilterError::new(format!("Invalid number '{text}'"), from)),
    }
}
