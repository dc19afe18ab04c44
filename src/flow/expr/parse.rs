//! Expression text to a tree, with the offset and a hint for every mistake.

use super::{Node, NodeKind, Op, Value};

/// A syntax mistake at a character offset into the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: Option<String>,
}

/// Deeper nesting than this is not a condition anyone writes by hand; refusing it keeps
/// the parser's stack bounded.
const MAX_DEPTH: usize = 48;

/// The most parts (values, variables, signs, brackets) one expression may hold. A tree
/// has at most one node per part, so this also bounds how deep evaluation, type checks
/// and dropping the tree recurse: a flat `1 + 1 + ...` chain has no brackets to count.
pub const MAX_PARTS: usize = 1_000;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Word(String),
    Var(String),
    Visited(String),
    Op(Op),
    Not,
    Bool(bool),
    Open,
    Close,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    offset: usize,
    len: usize,
}

pub(super) fn parse(source: &str) -> Result<Node, ParseError> {
    let tokens = lex(source)?;
    if tokens.is_empty() {
        return Err(error(
            0,
            1,
            "the expression is empty",
            Some("write a value, such as `{cups} + 1` or `yes`"),
        ));
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
        end: source.chars().count(),
    };
    let node = parser.or()?;
    if let Some(extra) = parser.tokens.get(parser.next) {
        let help = "join parts with `and`, `or`, `==` or an arithmetic sign; quote text that has punctuation";
        return Err(error(
            extra.offset,
            extra.len,
            "unexpected text after the expression",
            Some(help),
        ));
    }
    Ok(node)
}

fn error(offset: usize, len: usize, message: &str, help: Option<&str>) -> ParseError {
    ParseError {
        offset,
        len,
        message: message.to_owned(),
        help: help.map(str::to_owned),
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn lex(source: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if tokens.len() == MAX_PARTS {
            return Err(error(
                start,
                1,
                "the expression has more than 1,000 parts (values, variables, signs)",
                Some("split it: set a variable step by step, or write simpler conditions"),
            ));
        }
        let tok = match c {
            '{' => {
                let close = chars[i..].iter().position(|&c| c == '}').map(|p| i + p);
                let Some(close) = close else {
                    return Err(error(
                        i,
                        1,
                        "`{` is not closed",
                        Some("write a variable as `{name}`"),
                    ));
                };
                let name: String = chars[i + 1..close].iter().collect();
                let name = name.trim().to_owned();
                if name.is_empty() || !name.chars().all(is_name_char) {
                    return Err(error(
                        i,
                        close - i + 1,
                        "a variable name holds only letters, digits, `-` and `_`",
                        Some("write a variable as `{name}`"),
                    ));
                }
                i = close + 1;
                Tok::Var(name)
            }
            '"' | '\'' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&q| q == c)
                    .map(|p| i + 1 + p);
                let Some(close) = close else {
                    return Err(error(
                        i,
                        1,
                        "this quote is not closed",
                        Some("end the text with the same quote"),
                    ));
                };
                let text: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                Tok::Str(text)
            }
            '(' => {
                i += 1;
                Tok::Open
            }
            ')' => {
                i += 1;
                Tok::Close
            }
            _ if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let Ok(n) = text.parse::<f64>() else {
                    return Err(error(
                        start,
                        i - start,
                        &format!("`{text}` is not a number"),
                        None,
                    ));
                };
                if !n.is_finite() {
                    return Err(error(
                        start,
                        i - start,
                        "this number is too large",
                        Some("a number has at most 308 digits before its point"),
                    ));
                }
                Tok::Num(n)
            }
            _ if c.is_alphabetic() || c == '_' => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric()
                        || chars[i] == '_'
                        || (chars[i] == '-'
                            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "and" => Tok::Op(Op::And),
                    "or" => Tok::Op(Op::Or),
                    "not" => Tok::Not,
                    "yes" | "true" => Tok::Bool(true),
                    "no" | "false" => Tok::Bool(false),
                    "visited" => visited(&chars, &mut i)?,
                    _ => Tok::Word(word),
                }
            }
            _ => {
                let (op, len) = symbol(&chars, i)?;
                i += len;
                Tok::Op(op)
            }
        };
        tokens.push(Token {
            tok,
            offset: start,
            len: i - start,
        });
    }
    Ok(tokens)
}

/// `visited(step id)`: a step id may hold any character but `)`, so it is read raw.
fn visited(chars: &[char], i: &mut usize) -> Result<Tok, ParseError> {
    let start = *i - "visited".len();
    let mut j = *i;
    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    let help = Some("write `visited(step-id)`");
    if chars.get(j) != Some(&'(') {
        return Err(error(
            start,
            7,
            "`visited` needs a step id in brackets",
            help,
        ));
    }
    let Some(close) = chars[j..].iter().position(|&c| c == ')').map(|p| j + p) else {
        return Err(error(j, 1, "this bracket is not closed", help));
    };
    let id: String = chars[j + 1..close].iter().collect();
    let id = id.trim().trim_matches(['"', '\'']).to_owned();
    if id.is_empty() {
        return Err(error(
            start,
            close + 1 - start,
            "`visited()` names no step",
            help,
        ));
    }
    *i = close + 1;
    Ok(Tok::Visited(id))
}

fn symbol(chars: &[char], i: usize) -> Result<(Op, usize), ParseError> {
    let next = chars.get(i + 1).copied();
    let two = |op| Ok((op, 2));
    let one = |op| Ok((op, 1));
    match (chars[i], next) {
        ('=', Some('=')) => two(Op::Eq),
        ('!', Some('=')) => two(Op::Ne),
        ('<', Some('=')) => two(Op::Le),
        ('>', Some('=')) => two(Op::Ge),
        ('<', _) => one(Op::Lt),
        ('>', _) => one(Op::Gt),
        ('+', _) => one(Op::Add),
        ('-', _) => one(Op::Sub),
        ('*', _) => one(Op::Mul),
        ('/', _) => one(Op::Div),
        ('=', _) => Err(error(
            i,
            1,
            "`=` alone is not a comparison",
            Some("write `==` to compare; `set:` gives a variable a value"),
        )),
        ('&', Some('&')) => Err(error(i, 2, "`&&` is written `and` here", None)),
        ('|', Some('|')) => Err(error(i, 2, "`||` is written `or` here", None)),
        ('!', _) => Err(error(i, 1, "`!` is written `not` here", None)),
        (c, _) => Err(error(
            i,
            1,
            &format!("`{c}` has no meaning in an expression"),
            Some("quote text that holds punctuation: \"Hello, world!\""),
        )),
    }
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.next).map(|t| &t.tok)
    }

    fn binary(
        &mut self,
        ops: &[Op],
        operand: fn(&mut Self) -> Result<Node, ParseError>,
    ) -> Result<Node, ParseError> {
        let mut left = operand(self)?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            if !ops.contains(&op) {
                break;
            }
            self.next += 1;
            let right = operand(self)?;
            left = joined(op, left, right);
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.tokens.get(self.next).map_or(0, |t| t.offset);
            return Err(error(
                at,
                1,
                "the expression is nested too deeply",
                Some("split it into simpler conditions"),
            ));
        }
        let node = self.binary(&[Op::Or], Self::and);
        self.depth -= 1;
        node
    }

    fn and(&mut self) -> Result<Node, ParseError> {
        self.binary(&[Op::And], Self::not)
    }

    fn not(&mut self) -> Result<Node, ParseError> {
        let Some(Tok::Not) = self.peek() else {
            return self.comparison();
        };
        let offset = self.tokens[self.next].offset;
        self.next += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                offset,
                3,
                "the expression is nested too deeply",
                None,
            ));
        }
        let inner = self.not()?;
        self.depth -= 1;
        Ok(Node {
            offset,
            len: inner.offset + inner.len - offset,
            kind: NodeKind::Not(Box::new(inner)),
        })
    }

    fn comparison(&mut self) -> Result<Node, ParseError> {
        let left = self.sum()?;
        let Some(Tok::Op(op @ (Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge))) =
            self.peek().cloned()
        else {
            return Ok(left);
        };
        self.next += 1;
        let right = self.sum()?;
        if let Some(Tok::Op(Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge)) = self.peek() {
            let t = &self.tokens[self.next];
            return Err(error(
                t.offset,
                t.len,
                "comparisons do not chain",
                Some("join two comparisons with `and`"),
            ));
        }
        Ok(joined(op, left, right))
    }

    fn sum(&mut self) -> Result<Node, ParseError> {
        self.binary(&[Op::Add, Op::Sub], Self::product)
    }

    fn product(&mut self) -> Result<Node, ParseError> {
        self.binary(&[Op::Mul, Op::Div], Self::unary)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if let Some(Tok::Op(Op::Sub)) = self.peek() {
            let offset = self.tokens[self.next].offset;
            self.next += 1;
            let inner = self.atom()?;
            return Ok(Node {
                offset,
                len: inner.offset + inner.len - offset,
                kind: NodeKind::Neg(Box::new(inner)),
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Node, ParseError> {
        let Some(token) = self.tokens.get(self.next).cloned() else {
            return Err(error(
                self.end,
                1,
                "the expression ends too early",
                Some("something is missing after the last sign"),
            ));
        };
        self.next += 1;
        let leaf = |kind| {
            Ok(Node {
                offset: token.offset,
                len: token.len,
                kind,
            })
        };
        match token.tok {
            Tok::Num(n) => leaf(NodeKind::Literal(Value::Number(n))),
            Tok::Str(s) => leaf(NodeKind::Literal(Value::Text(s))),
            Tok::Bool(b) => leaf(NodeKind::Literal(Value::Bool(b))),
            Tok::Var(name) => leaf(NodeKind::Var(name)),
            Tok::Visited(step) => leaf(NodeKind::Visited(step)),
            Tok::Word(first) => Ok(self.words(first, token.offset, token.len)),
            Tok::Open => {
                let inner = self.or()?;
                match self.peek() {
                    Some(Tok::Close) => {
                        self.next += 1;
                        Ok(inner)
                    }
                    _ => Err(error(token.offset, 1, "this bracket is not closed", None)),
                }
            }
            Tok::Close => Err(error(token.offset, 1, "this bracket closes nothing", None)),
            Tok::Op(op) => Err(error(
                token.offset,
                token.len,
                &format!("`{}` needs a value before it", op.symbol()),
                None,
            )),
            Tok::Not => Err(error(
                token.offset,
                token.len,
                "`not` cannot stand here",
                None,
            )),
        }
    }

    /// Bare words next to each other are one text: `extra large`.
    fn words(&mut self, first: String, offset: usize, len: usize) -> Node {
        let mut text = first;
        let mut end = offset + len;
        while let Some(Token {
            tok: Tok::Word(w),
            offset: o,
            len: l,
        }) = self.tokens.get(self.next)
        {
            text.push(' ');
            text.push_str(w);
            end = o + l;
            self.next += 1;
        }
        Node {
            offset,
            len: end - offset,
            kind: NodeKind::Word(text),
        }
    }
}

fn joined(op: Op, left: Node, right: Node) -> Node {
    Node {
        offset: left.offset,
        len: (right.offset + right.len).saturating_sub(left.offset),
        kind: NodeKind::Binary(op, Box::new(left), Box::new(right)),
    }
}
