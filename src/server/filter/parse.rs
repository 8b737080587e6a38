//! The filter language's parser: tokens to an [`Expr`], `&&` binding tighter than `||`, `!`
//! and parentheses tightest; nesting is bounded so that no input can exhaust the stack.
//! It must not evaluate anything: [`super::eval`] does.

use super::FilterError;
pub use super::lex::Op;
use super::lex::{Spanned, Token, tokens};

/// Deepest nesting of `!` and parentheses accepted.
pub const MAX_DEPTH: usize = 64;

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// A parsed filter expression. A chain of `||` (or `&&`) is one node with every operand, so
/// only parentheses and `!` nest (at most [`MAX_DEPTH`] deep).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// At least two operands.
    Or(Vec<Expr>),
    /// At least two operands.
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `path op literal`, the path split at its dots (`custom.team` is `["custom", "team"]`).
    Compare {
        path: Vec<String>,
        op: Op,
        value: Literal,
    },
}

impl Expr {
    /// Every field path the expression names, each once per mention.
    pub fn paths(&self) -> Vec<&[String]> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Or(all) | Expr::And(all) => stack.extend(all.iter().rev()),
                Expr::Not(a) => stack.push(a),
                Expr::Compare { path, .. } => out.push(path.as_slice()),
            }
        }
        out
    }
}

/// Parses a whole filter expression.
pub fn parse(text: &str) -> Result<Expr, FilterError> {
    let tokens = tokens(text)?;
    if tokens.is_empty() {
        return Err(FilterError::new("Empty filter expression", 0));
    }
    let mut p = Parser {
        tokens,
        next: 0,
        end: text.chars().count(),
    };
    let e = p.or(0)?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(FilterError::new(
            "Unexpected input after the expression",
            t.at,
        )),
    }
}

/// The only operand of a chain of one, else the chain.
fn one_or(mut all: Vec<Expr>, chain: fn(Vec<Expr>) -> Expr) -> Expr {
    match all.len() {
        1 => all.remove(0),
        _ => chain(all),
    }
}

struct Parser {
    tokens: Vec<Spanned>,
    next: usize,
    /// Offset of the end of the text, for errors at the end.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.next)
    }

    fn at(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        let found = self.peek().is_some_and(|t| &t.token == token);
        self.next += usize::from(found);
        found
    }

    fn take(&mut self) -> Option<Spanned> {
        let t = self.tokens.get(self.next).cloned();
        self.next += usize::from(t.is_some());
        t
    }

    fn or(&mut self, depth: usize) -> Result<Expr, FilterError> {
        let mut all = vec![self.and(depth)?];
        while self.eat(&Token::Or) {
            all.push(self.and(depth)?);
        }
        Ok(one_or(all, Expr::Or))
    }

    fn and(&mut self, depth: usize) -> Result<Expr, FilterError> {
        let mut all = vec![self.unary(depth)?];
        while self.eat(&Token::And) {
            all.push(self.unary(depth)?);
        }
        Ok(one_or(all, Expr::And))
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, FilterError> {
        if depth >= MAX_DEPTH {
            return Err(FilterError::new("Expression nested too deeply", self.at()));
        }
        if self.eat(&Token::Not) {
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.eat(&Token::Open) {
            let e = self.or(depth + 1)?;
            if !self.eat(&Token::Close) {
                return Err(FilterError::new("Expected ')'", self.at()));
            }
            return Ok(e);
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<Expr, FilterError> {
        let path = self.path()?;
        let at = self.at();
        let op = match self.take().map(|t| t.token) {
            Some(Token::Compare(op)) => op,
            _ => return Err(FilterError::new("Expected a comparison operator", at)),
        };
        let at = self.at();
        let value = match self.take().map(|t| t.token) {
            Some(Token::Str(s)) => Literal::Str(s),
            Some(Token::Num(n)) => Literal::Num(n),
            Some(Token::True) => Literal::Bool(true),
            Some(Token::False) => Literal::Bool(false),
            Some(Token::Null) => Literal::Null,
            _ => return Err(FilterError::new("Expected a value", at)),
        };
        if op == Op::Like && !matches!(value, Literal::Str(_)) {
            return Err(FilterError::new("LIKE needs a string pattern", at));
        }
        Ok(Expr::Compare { path, op, value })
    }

    fn path(&mut self) -> Result<Vec<String>, FilterError> {
        let at = self.at();
        let mut path = match self.take().map(|t| t.token) {
            Some(Token::Name(n)) => vec![n],
            _ => return Err(FilterError::new("Expected a field name", at)),
        };
        loop {
            if self.eat(&Token::Dot) {
                let at = self.at();
                match self.take().map(|t| t.token) {
                    Some(Token::Name(n)) => path.push(n),
                    _ => return Err(FilterError::new("Expected a field name after '.'", at)),
                }
            } else if self.eat(&Token::OpenBracket) {
                let at = self.at();
                match self.take().map(|t| t.token) {
                    Some(Token::Str(n)) => path.push(n),
                    _ => return Err(FilterError::new("Expected a quoted field name", at)),
                }
                if !self.eat(&Token::CloseBracket) {
                    return Err(FilterError::new("Expected ']'", self.at()));
                }
            } else {
                return Ok(path);
            }
        }
    }
}
