//! The expression parser fuzzed on stable Rust (proptest): arbitrary token sequences,
//! any text, and deep or long expressions up to 20 times the size limit. Every input
//! parses or is refused with a position inside it, in bounded time, never a panic or a
//! stack overflow; whatever parses is typed and evaluated, and its value reads back.
//! The same shapes as Twine and Ink conditions import to a flow that loads.
//!
//! `cargo test` runs each property on proptest's default 256 cases; set
//! `PROPTEST_CASES` for a longer run.
#![allow(clippy::disallowed_methods)] // bounded time is measured in real time

use std::time::{Duration, Instant};

use mvx::diagnostic::Pos;
use mvx::flow::expr::{Env, Expr, MAX_TEXT, Type, Types, Value};
use proptest::prelude::*;

/// Any input, whatever its size, is answered well within this.
const BOUND: Duration = Duration::from_secs(5);

/// Tokens of the language and the mistakes designers make, so sequences reach deep
/// into the parser rather than failing on their first character.
const TOKENS: &[&str] = &[
    "{cups}",
    "{size}",
    "{member}",
    "{big}",
    "{long}",
    "{nothing}",
    "1",
    "0",
    "2.5",
    ".5",
    "1.2.3",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not",
    "yes",
    "no",
    "true",
    "\"quoted text\"",
    "'x'",
    "double",
    "extra large",
    "visited(home)",
    "visited()",
    "visited",
    "=",
    "&&",
    "||",
    "!",
    "{",
    "}",
    "'",
    "\"",
    ",",
    "{two words}",
    "é",
    "日本",
    "\u{1b}",
    "\u{202e}",
];

struct World;

impl Env for World {
    fn var(&self, name: &str) -> Option<&Value> {
        static BIG: Value = Value::Number(1e300);
        static CUPS: Value = Value::Number(2.0);
        static MEMBER: Value = Value::Bool(true);
        static SIZE: std::sync::LazyLock<Value> =
            std::sync::LazyLock::new(|| Value::Text("double".into()));
        static LONG: std::sync::LazyLock<Value> =
            std::sync::LazyLock::new(|| Value::Text("ab".repeat(MAX_TEXT / 2)));
        match name {
            "big" => Some(&BIG),
            "cups" => Some(&CUPS),
            "member" => Some(&MEMBER),
            "size" => Some(&SIZE),
            "long" => Some(&LONG),
            _ => None,
        }
    }

    fn visited(&self, step: &str) -> bool {
        step == "home"
    }
}

/// Parses, and then checks what came back: a located error, or an expression that
/// types, evaluates, and whose value survives a session file.
fn exercise(source: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let parsed = Expr::parse(source, Pos::new(3, 7, 1));
    let chars = source.chars().count();
    match parsed {
        Err(e) => {
            prop_assert!(e.offset <= chars, "{e:?} beyond {chars} characters");
            prop_assert!(e.len >= 1, "{e:?}");
            prop_assert!(!e.message.is_empty());
        }
        Ok(expr) => {
            let vars = [
                ("cups", Type::Number),
                ("big", Type::Number),
                ("size", Type::Text),
                ("long", Type::Text),
                ("member", Type::Bool),
            ];
            let types = Types {
                vars: &vars,
                steps: &["home"],
            };
            let mut problems = Vec::new();
            types.check(&expr, &mut problems);
            for p in &problems {
                prop_assert!(p.at.line == 3 && p.at.col >= 7, "{p:?}");
            }
            let value = expr.eval(&World);
            if let Value::Text(t) = &value {
                prop_assert!(t.chars().count() <= MAX_TEXT);
            }
            let json = serde_json::to_string(&value).expect("a value serializes");
            let back: Value = serde_json::from_str(&json).expect("a value written reads back");
            prop_assert_eq!(back, value);
            let _ = expr.test(&World);
            let _ = expr.reads();
        }
    }
    prop_assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    Ok(())
}

/// Shapes no one writes by hand, at sizes up to 20 times the limit.
fn huge() -> impl Strategy<Value = String> {
    let shape = prop_oneof![
        Just(("(", "1", ")")),
        Just(("not ", "yes", "")),
        Just(("- ", "1", "")),
        Just(("", "1", " + 1")),
        Just(("", "{big}", " * {big}")),
        Just(("", "{long}", " + {long}")),
        Just(("", "yes", " and yes")),
        Just(("", "1", " < 1")),
        Just(("(", "1 +", "")),
    ];
    (shape, 0usize..20_000).prop_map(|((open, middle, close), n)| {
        let repeated = |s: &str| s.repeat(n);
        match (open.is_empty(), close.is_empty()) {
            (false, false) => format!("{}{middle}{}", repeated(open), repeated(close)),
            (false, true) => format!("{}{middle}", repeated(open)),
            _ => format!("{middle}{}", repeated(close)),
        }
    })
}

proptest! {
    #[test]
    fn any_token_sequence_parses_or_is_refused_with_a_position(
        picks in prop::collection::vec(0..TOKENS.len(), 0..300),
        spaced in any::<bool>(),
    ) {
        let joiner = if spaced { " " } else { "" };
        let source: Vec<&str> = picks.iter().map(|&i| TOKENS[i]).collect();
        exercise(&source.join(joiner))?;
    }

    #[test]
    fn any_text_parses_or_is_refused_with_a_position(source in any::<String>()) {
        exercise(&source)?;
    }

    #[test]
    fn deep_and_long_expressions_never_overflow_the_stack(source in huge()) {
        exercise(&source)?;
    }
}

proptest! {
    // Each case imports two stories of up to 200 KB: 64 cases keep `cargo test` short.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn deep_and_long_story_conditions_import_to_a_flow_that_loads(source in huge()) {
        let started = Instant::now();
        let twine = format!(":: Start\n<<set $n to 1>>\n<<if {source}>>[[Go->End]]<</if>>\n[[Leave->End]]\n\n:: End\nBye.\n");
        let (yaml, _) = mvx::import::twine::import(&twine, "t").to_yaml("t.twee");
        prop_assert!(mvx::flow::load(&yaml).is_ok());
        let ink = format!("VAR n = 1\n* {{{source}}} [Go] -> done\n* [Leave] -> done\n=== done ===\nBye.\n-> END\n");
        let (yaml, _) = mvx::import::ink::import(&ink, "i").to_yaml("i.ink");
        prop_assert!(mvx::flow::load(&yaml).is_ok());
        prop_assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    }
}
