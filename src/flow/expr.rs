//! The expression language of conditions (`if:`) and `set:` values: small and safe.
//!
//! `{name}` reads a variable; numbers, quoted text, bare words (text), `yes`/`no`
//! (also `true`/`false`), `==` `!=` `<` `<=` `>` `>=`, `and` `or` `not`, `+ - * /` and
//! `visited(step)`. There are no loops, calls or side effects, so evaluating one can
//! neither hang nor fail: a mistake is found before play, by `mvx check`.

mod parse;
mod types;

pub use parse::ParseError;
pub use types::{Problem, Type, Types};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Pos;

/// The most characters a text value holds: joining with `+` or a typed answer keeps
/// the first `MAX_TEXT`, so a flow that doubles its text at every move stays bounded.
pub const MAX_TEXT: usize = 10_000;

/// `text` cut to its first `MAX_TEXT` characters.
pub fn capped(mut text: String) -> String {
    if text.len() > MAX_TEXT
        && let Some((cut, _)) = text.char_indices().nth(MAX_TEXT)
    {
        text.truncate(cut);
        // A joined text was built at up to twice the limit; a search keeps many.
        text.shrink_to_fit();
    }
    text
}

/// A variable's value. Written to sessions as a JSON string, number or boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    #[serde(serialize_with = "number")]
    Number(f64),
    Text(String),
}

/// Whole numbers are written without a fraction, so `2` stays `2` in a session file.
fn number<S: serde::Serializer>(n: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serializer.serialize_i64(*n as i64)
    } else {
        serializer.serialize_f64(*n)
    }
}

impl Value {
    pub fn kind(&self) -> Type {
        match self {
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::Text(_) => Type::Text,
        }
    }

    /// As shown on a participant's screen: `yes`/`no`, `2`, `2.5`, the text.
    pub fn shown(&self) -> String {
        match self {
            Value::Bool(true) => "yes".into(),
            Value::Bool(false) => "no".into(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => format!("{}", *n as i64),
            Value::Number(n) => format!("{n}"),
            Value::Text(t) => t.clone(),
        }
    }

    /// Whether this is text of `MAX_TEXT` characters: what a cut text looks like.
    pub fn at_text_limit(&self) -> bool {
        matches!(self, Value::Text(t) if t.len() >= MAX_TEXT && t.chars().count() == MAX_TEXT)
    }

    fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

/// An expression as written in the flow, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// The text as the designer wrote it.
    pub source: String,
    /// Where its first character sits in the file.
    pub at: Pos,
    pub node: Node,
}

/// A part of an expression, at a character offset into its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub offset: usize,
    pub len: usize,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Literal(Value),
    /// A bare word (or words): text. Kept apart from quoted text to catch `size` meant as `{size}`.
    Word(String),
    Var(String),
    Visited(String),
    Not(Box<Node>),
    Neg(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Or => "or",
            Op::And => "and",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }
}

/// What an expression can read while it is evaluated.
pub trait Env {
    fn var(&self, name: &str) -> Option<&Value>;
    fn visited(&self, step: &str) -> bool;
}

impl Expr {
    /// Parses `source`, written at `at` in the file.
    pub fn parse(source: &str, at: Pos) -> Result<Expr, ParseError> {
        let node = parse::parse(source)?;
        Ok(Expr {
            source: source.to_owned(),
            at,
            node,
        })
    }

    /// Where the part `node` of this expression sits in the file.
    pub fn pos_of(&self, offset: usize, len: usize) -> Pos {
        self.at.shifted(offset, len.max(1))
    }

    pub fn eval(&self, env: &dyn Env) -> Value {
        eval(&self.node, env)
    }

    /// The expression as a condition: anything but `yes` is false.
    pub fn test(&self, env: &dyn Env) -> bool {
        self.eval(env).truthy()
    }

    /// The variables it reads, and whether it asks what was visited.
    pub fn reads(&self) -> (Vec<&str>, bool) {
        let mut vars = Vec::new();
        let mut visited = false;
        reads(&self.node, &mut vars, &mut visited);
        (vars, visited)
    }
}

fn reads<'n>(node: &'n Node, vars: &mut Vec<&'n str>, visited: &mut bool) {
    match &node.kind {
        NodeKind::Var(name) if !vars.contains(&name.as_str()) => vars.push(name),
        NodeKind::Visited(_) => *visited = true,
        NodeKind::Not(inner) | NodeKind::Neg(inner) => reads(inner, vars, visited),
        NodeKind::Binary(_, a, b) => {
            reads(a, vars, visited);
            reads(b, vars, visited);
        }
        _ => {}
    }
}

/// Evaluation never fails: on a flow that did not pass `mvx check`, an unknown variable
/// reads as empty text and a mismatched operation gives `no`.
fn eval(node: &Node, env: &dyn Env) -> Value {
    match &node.kind {
        NodeKind::Literal(v) => v.clone(),
        NodeKind::Word(w) => Value::Text(w.clone()),
        NodeKind::Var(name) => env.var(name).cloned().unwrap_or(Value::Text(String::new())),
        NodeKind::Visited(step) => Value::Bool(env.visited(step)),
        NodeKind::Not(inner) => Value::Bool(!eval(inner, env).truthy()),
        NodeKind::Neg(inner) => match eval(inner, env) {
            Value::Number(n) => Value::Number(saturated(-n)),
            _ => Value::Bool(false),
        },
        NodeKind::Binary(Op::And, a, b) => {
            Value::Bool(eval(a, env).truthy() && eval(b, env).truthy())
        }
        NodeKind::Binary(Op::Or, a, b) => {
            Value::Bool(eval(a, env).truthy() || eval(b, env).truthy())
        }
        NodeKind::Binary(op, a, b) => binary(*op, eval(a, env), eval(b, env)),
    }
}

fn binary(op: Op, a: Value, b: Value) -> Value {
    use Value::{Bool, Number, Text};
    match (op, a, b) {
        (Op::Eq, a, b) => Bool(a == b),
        (Op::Ne, a, b) => Bool(a != b),
        (Op::Lt, Number(a), Number(b)) => Bool(a < b),
        (Op::Le, Number(a), Number(b)) => Bool(a <= b),
        (Op::Gt, Number(a), Number(b)) => Bool(a > b),
        (Op::Ge, Number(a), Number(b)) => Bool(a >= b),
        (Op::Add, Number(a), Number(b)) => Number(saturated(a + b)),
        (Op::Add, Text(a), b) => Text(capped(a + &b.shown())),
        (Op::Sub, Number(a), Number(b)) => Number(saturated(a - b)),
        (Op::Mul, Number(a), Number(b)) => Number(saturated(a * b)),
        // Dividing by zero gives zero rather than infinity on a participant's screen.
        (Op::Div, Number(_), Number(0.0)) => Number(0.0),
        (Op::Div, Number(a), Number(b)) => Number(saturated(a / b)),
        _ => Bool(false),
    }
}

/// A number every reader takes back: JSON has no infinity or NaN (serde writes them as
/// `null`), so a result too large is held at the largest number of its sign, and NaN,
/// which finite values cannot produce, reads as zero.
fn saturated(n: f64) -> f64 {
    if n.is_nan() {
        0.0
    } else {
        n.clamp(f64::MIN, f64::MAX)
    }
}

#[cfg(test)]
mod tests;
