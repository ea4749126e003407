//! The safe expressions of `route` branches and option `when`s: variables, literals,
//! comparisons and `&&` / `||` / `!`. No calls, no loops, no side effects: an expression can
//! only read session variables, so a menu file can never do more than branch.
//!
//! ```text
//! expr   := or
//! or     := and ("||" and)*
//! and    := unary ("&&" unary)*
//! unary  := "!" unary | cmp
//! cmp    := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom)?
//! atom   := path | 'text' | "text" | number | true | false | null | "(" expr ")"
//! path   := name ("." name)*
//! ```

use serde_json::Value;

use super::vars::lookup;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A variable path, `eligibility.code`.
    Var(Vec<String>),
    /// A literal value.
    Lit(Value),
    /// Logical not.
    Not(Box<Expr>),
    /// Both hold.
    And(Box<Expr>, Box<Expr>),
    /// Either holds.
    Or(Box<Expr>, Box<Expr>),
    /// A comparison.
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Why an expression did not parse: the message and the character offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {offset}")]
pub struct ParseError {
    /// What was wrong.
    pub message: String,
    /// Where, in characters from the start.
    pub offset: usize,
}

impl Expr {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Expr, ParseError> {
        let tokens = tokenize(source)?;
        let mut parser = Parser { tokens, pos: 0 };
        let expr = parser.or()?;
        match parser.tokens.get(parser.pos) {
            None => Ok(expr),
            Some((offset, tok)) => Err(ParseError {
                message: format!("unexpected {tok:?}"),
                offset: *offset,
            }),
        }
    }

    /// Every variable path the expression reads, for the "used before set" check.
    pub fn vars(&self, out: &mut Vec<Vec<String>>) {
        match self {
            Expr::Var(path) => out.push(path.clone()),
            Expr::Lit(_) => {}
            Expr::Not(e) => e.vars(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(a, _, b) => {
                a.vars(out);
                b.vars(out);
            }
        }
    }

    /// Evaluates to a truth value against `vars`; a missing variable is `null`.
    pub fn holds(&self, vars: &serde_json::Map<String, Value>) -> bool {
        truthy(&self.value(vars))
    }

    fn value(&self, vars: &serde_json::Map<String, Value>) -> Value {
        match self {
            Expr::Var(path) => lookup(vars, path).cloned().unwrap_or(Value::Null),
            Expr::Lit(v) => v.clone(),
            Expr::Not(e) => Value::Bool(!e.holds(vars)),
            Expr::And(a, b) => Value::Bool(a.holds(vars) && b.holds(vars)),
            Expr::Or(a, b) => Value::Bool(a.holds(vars) || b.holds(vars)),
            Expr::Cmp(a, op, b) => Value::Bool(compare(&a.value(vars), *op, &b.value(vars))),
        }
    }
}

/// `null`, `false`, `0`, `""` and empty lists and maps are false; the rest is true.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn compare(a: &Value, op: CmpOp, b: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        // A number typed by a caller arrives as text: compare it as a number.
        (Value::String(s), Value::Number(n)) => s.parse::<f64>().ok().partial_cmp(&n.as_f64()),
        (Value::Number(n), Value::String(s)) => n.as_f64().partial_cmp(&s.parse::<f64>().ok()),
        _ => {
            return match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                _ => false,
            }
        }
    };
    match (op, ordering) {
        (CmpOp::Eq, o) => o == Some(Ordering::Equal),
        (CmpOp::Ne, o) => o != Some(Ordering::Equal),
        (_, None) => false,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Lit(Value),
    Op(&'static str),
}

fn tokenize(source: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let quote = c;
            i += 1;
            let mut text = String::new();
            while i < chars.len() && chars[i] != quote {
                text.push(chars[i]);
                i += 1;
            }
            if i == chars.len() {
                return Err(ParseError {
                    message: "unterminated text literal".into(),
                    offset: start,
                });
            }
            i += 1;
            out.push((start, Token::Lit(Value::String(text))));
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let number = text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<f64>().map(Value::from))
                .map_err(|_| ParseError {
                    message: format!("bad number `{text}`"),
                    offset: start,
                })?;
            out.push((start, Token::Lit(number)));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || "_.".contains(chars[i])) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = match word.as_str() {
                "true" => Token::Lit(Value::Bool(true)),
                "false" => Token::Lit(Value::Bool(false)),
                "null" => Token::Lit(Value::Null),
                _ => Token::Name(word),
            };
            out.push((start, token));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op = ["==", "!=", "<=", ">=", "&&", "||"]
            .into_iter()
            .find(|op| *op == two)
            .or_else(|| {
                ["<", ">", "!", "(", ")"]
                    .into_iter()
                    .find(|op| op.starts_with(c))
            });
        match op {
            Some(op) => {
                i += op.chars().count();
                out.push((start, Token::Op(op)));
            }
            None => {
                return Err(ParseError {
                    message: format!("unexpected character `{c}`"),
                    offset: start,
                })
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
}

impl Parser {
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some((_, Token::Op(o))) if *o == op)
    }

    fn end_offset(&self) -> usize {
        self.tokens.last().map_or(0, |(o, _)| o + 1)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.peek_op("||") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.peek_op("&&") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek_op("!") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let left = self.atom()?;
        let op = match self.tokens.get(self.pos) {
            Some((_, Token::Op("=="))) => CmpOp::Eq,
            Some((_, Token::Op("!="))) => CmpOp::Ne,
            Some((_, Token::Op("<"))) => CmpOp::Lt,
            Some((_, Token::Op("<="))) => CmpOp::Le,
            Some((_, Token::Op(">"))) => CmpOp::Gt,
            Some((_, Token::Op(">="))) => CmpOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.atom()?;
        Ok(Expr::Cmp(Box::new(left), op, Box::new(right)))
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some((offset, token)) = self.tokens.get(self.pos).cloned() else {
            return Err(ParseError {
                message: "the expression ends too early".into(),
                offset: self.end_offset(),
            });
        };
        self.pos += 1;
        match token {
            Token::Name(name) => {
                let path: Vec<String> = name.split('.').map(str::to_owned).collect();
                if path.iter().any(String::is_empty) {
                    return Err(ParseError {
                        message: format!("bad variable name `{name}`"),
                        offset,
                    });
                }
                Ok(Expr::Var(path))
            }
            Token::Lit(v) => Ok(Expr::Lit(v)),
            Token::Op("(") => {
                let inner = self.or()?;
                if !self.peek_op(")") {
                    return Err(ParseError {
                        message: "missing `)`".into(),
                        offset: self.end_offset(),
                    });
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Op(op) => Err(ParseError {
                message: format!("unexpected `{op}`"),
                offset,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> serde_json::Map<String, Value> {
        json!({"e": {"code": "eligible", "n": 3}, "lang": "fa", "empty": ""})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn evaluates_comparisons_and_logic() {
        let v = vars();
        let holds = |s: &str| Expr::parse(s).map(|e| e.holds(&v));
        assert_eq!(holds("e.code == 'eligible'"), Ok(true));
        assert_eq!(holds("e.n >= 3 && lang != \"en\""), Ok(true));
        assert_eq!(holds("!(e.n < 2) || missing"), Ok(true));
        assert_eq!(holds("empty"), Ok(false));
        assert_eq!(holds("missing == null"), Ok(true));
        assert_eq!(holds("'3' == 3"), Ok(true));
    }

    #[test]
    fn rejects_bad_syntax_with_an_offset() {
        assert_eq!(Expr::parse("a ==").map_err(|e| e.offset), Err(3));
        assert!(Expr::parse("a = b").is_err());
        assert!(Expr::parse("'open").is_err());
        assert!(Expr::parse("(a").is_err());
        assert!(Expr::parse("a b").is_err());
    }
}
