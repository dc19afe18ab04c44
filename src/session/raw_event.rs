//! An event line's fields, one struct of every field any kind has, strings borrowed
//! from the line where they need no unescaping: what the hand scanner
//! (`fast_scan.rs`) and serde_json both read a line into, and `fast_event.rs` builds
//! the event from.

use std::borrow::Cow;

use serde::Deserialize;

use super::AnswerValue;

#[derive(Deserialize, Default)]
pub(super) struct RawEvent<'a> {
    pub(super) at_ms: u64,
    #[serde(borrow)]
    pub(super) kind: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) task: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) step: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) question: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) choice: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) to: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) outcome: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) screen: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) key: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) after: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) flow_sha256: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) answer: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) sha256: Option<Cow<'a, str>>,
    /// How a timed event's decision was given (`Timing::input`), when not by a key.
    #[serde(borrow)]
    pub(super) input: Option<Cow<'a, str>>,
    pub(super) hesitation_ms: Option<u64>,
    pub(super) decision_ms: Option<u64>,
    pub(super) duration_ms: Option<u64>,
    pub(super) paused_ms: Option<u64>,
    pub(super) early_ms: Option<u64>,
    pub(super) gap_ms: Option<u64>,
    pub(super) value: Option<Value>,
    /// `null` is an error here as in `Event`, so not an `Option`.
    #[serde(default)]
    pub(super) free_text: bool,
}

/// A `value` as serde_json gives it, before the event's kind says what it must be: an
/// answer's (`AnswerValue`: a whole number that fits an `i64`, or a string) or a
/// variable's (`flow::expr::Value`: a boolean, any number, or a string).
pub(super) enum Value {
    Bool(bool),
    Whole(i64),
    /// A whole number past `i64::MAX`.
    Large(u64),
    /// A number with a fraction or an exponent, or `-0`.
    Fraction(f64),
    Text(String),
}

impl Value {
    /// As `AnswerValue`'s untagged reading takes it; anything else is an error there.
    pub(super) fn answer(&self) -> Option<AnswerValue> {
        match self {
            Value::Whole(n) => Some(AnswerValue::Number(*n)),
            Value::Text(text) => Some(AnswerValue::Text(text.clone())),
            _ => None,
        }
    }

    /// As `flow::expr::Value`'s untagged reading takes it: every number as an `f64`.
    pub(super) fn variable(&self) -> crate::flow::expr::Value {
        use crate::flow::expr::Value as V;
        match self {
            Value::Bool(b) => V::Bool(*b),
            Value::Whole(n) => V::Number(*n as f64),
            Value::Large(n) => V::Number(*n as f64),
            Value::Fraction(f) => V::Number(*f),
            Value::Text(text) => V::Text(text.clone()),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl serde::de::Visitor<'_> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a boolean, a number or a string")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Whole(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Large(v), Value::Whole))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Fraction(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }
}
