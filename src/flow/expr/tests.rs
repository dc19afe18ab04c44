//! The expression language: what parses, what it means, and where mistakes are pointed at.

use super::*;
use crate::diagnostic::Pos;

struct Vars(Vec<(&'static str, Value)>);

impl Env for Vars {
    fn var(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
    fn visited(&self, step: &str) -> bool {
        step == "faq"
    }
}

fn env() -> Vars {
    Vars(vec![
        ("cups", Value::Number(2.0)),
        ("size", Value::Text("double".into())),
        ("member", Value::Bool(true)),
    ])
}

fn eval(source: &str) -> Value {
    Expr::parse(source, Pos::new(1, 1, 1))
        .unwrap_or_else(|e| panic!("{source}: {e:?}"))
        .eval(&env())
}

#[test]
fn expressions_mean_what_they_say() {
    let n = Value::Number;
    let b = Value::Bool;
    for (source, expected) in [
        ("{cups} + 1", n(3.0)),
        ("{cups} * 2 - 1", n(3.0)),
        ("({cups} + 1) * 2", n(6.0)),
        ("-{cups} + 5", n(3.0)),
        ("{cups} / 0", n(0.0)),
        ("7 / 2", n(3.5)),
        ("{size} == double", b(true)),
        ("{size} == \"single\"", b(false)),
        ("{size} != 'single'", b(true)),
        ("{cups} >= 2 and {member}", b(true)),
        ("{cups} > 2 or not {member}", b(false)),
        ("not not yes", b(true)),
        ("visited(faq) and not visited(home)", b(true)),
        ("visited( \"faq\" )", b(true)),
        ("extra large", Value::Text("extra large".into())),
        ("extra-large", Value::Text("extra-large".into())),
        ("\"Size \" + {size}", Value::Text("Size double".into())),
        ("no", b(false)),
        ("true", b(true)),
    ] {
        assert_eq!(eval(source), expected, "{source}");
    }
}

#[test]
fn an_unknown_variable_reads_as_empty_and_a_mismatch_as_no() {
    assert_eq!(eval("{nothing}"), Value::Text(String::new()));
    assert_eq!(eval("{size} < 3"), Value::Bool(false));
    assert_eq!(eval("{size} - 1"), Value::Bool(false));
}

#[test]
fn every_syntax_mistake_is_located() {
    for (source, offset, starts) in [
        ("", 0, "the expression is empty"),
        ("{cups} = 2", 7, "`=` alone"),
        ("{cups} && yes", 7, "`&&`"),
        ("{cups", 0, "`{` is not closed"),
        ("{two words}", 0, "a variable name"),
        ("'open", 0, "this quote"),
        ("({cups} + 1", 0, "this bracket is not closed"),
        ("{cups} +", 8, "the expression ends too early"),
        ("1 < 2 < 3", 6, "comparisons do not chain"),
        ("yes yes", 4, "unexpected text"),
        ("visited", 0, "`visited` needs"),
        ("visited()", 0, "`visited()` names no step"),
        ("Hello, world", 5, "`,` has no meaning"),
        ("1.2.3", 0, "`1.2.3` is not a number"),
        (")", 0, "this bracket closes nothing"),
    ] {
        let error = Expr::parse(source, Pos::new(1, 1, 1)).expect_err(source);
        assert_eq!(error.offset, offset, "{source}: {error:?}");
        assert!(
            error.message.starts_with(starts),
            "{source}: {}",
            error.message
        );
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = "(".repeat(10_000) + "1" + &")".repeat(10_000);
    assert!(Expr::parse(&deep, Pos::new(1, 1, 1)).is_err());
    let nots = "not ".repeat(10_000) + "yes";
    assert!(Expr::parse(&nots, Pos::new(1, 1, 1)).is_err());
}

#[test]
fn whole_numbers_are_written_without_a_fraction() {
    let json = serde_json::to_string(&[Value::Number(2.0), Value::Number(2.5)]).expect("json");
    assert_eq!(json, "[2,2.5]");
    let back: Vec<Value> = serde_json::from_str("[2, \"x\", true, 2.5]").expect("parses");
    assert_eq!(
        back,
        [
            Value::Number(2.0),
            Value::Text("x".into()),
            Value::Bool(true),
            Value::Number(2.5)
        ]
    );
}

#[test]
fn types_are_checked_with_positions_inside_the_expression() {
    let vars = [("cups", Type::Number), ("size", Type::Text)];
    let types = Types {
        vars: &vars,
        steps: &["home"],
    };
    for (source, code, col) in [
        ("{cup} + 1", "unknown-variable", 11),
        ("{size} + 1 > 2", "type-mismatch", 11),
        ("{cups} == double", "type-mismatch", 11),
        ("visited(hom)", "unknown-target", 11),
        ("size == double", "bare-variable", 11),
        ("{cups} and yes", "type-mismatch", 11),
    ] {
        let expr = Expr::parse(source, Pos::new(3, 11, 1)).expect(source);
        let mut problems = Vec::new();
        types.check(&expr, &mut problems);
        let found: Vec<_> = problems.iter().map(|p| (p.code, p.at.col)).collect();
        assert_eq!(found.first(), Some(&(code, col)), "{source}: {problems:?}");
    }
    let expr = Expr::parse("{cups} + 1 > 2 and {size} == single", Pos::new(1, 1, 1)).expect("ok");
    let mut problems = Vec::new();
    assert_eq!(types.check(&expr, &mut problems), Some(Type::Bool));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_long_flat_chain_is_refused_with_its_limit_not_a_stack_overflow() {
    let long = "1".to_owned() + &" + 1".repeat(20_000);
    let error = Expr::parse(&long, Pos::new(1, 1, 1)).expect_err("20,001 terms");
    assert!(
        error.message.contains("1,000"),
        "the message names the limit: {}",
        error.message
    );
    assert_eq!(
        error.offset,
        4 * 500,
        "points at the first part past the limit"
    );
    // Just under the limit: parsed, typed and evaluated on a test thread's small stack.
    let most = "1".to_owned() + &" + 1".repeat(499);
    let expr = Expr::parse(&most, Pos::new(1, 1, 1)).expect("1,000 parts");
    assert_eq!(expr.eval(&env()), Value::Number(500.0));
    let types = Types {
        vars: &[],
        steps: &[],
    };
    assert_eq!(types.check(&expr, &mut Vec::new()), Some(Type::Number));
    let ands = "yes".to_owned() + &" and yes".repeat(20_000);
    assert!(Expr::parse(&ands, Pos::new(1, 1, 1)).is_err());
}

#[test]
fn arithmetic_saturates_so_every_value_written_reads_back() {
    let big = Vars(vec![("big", Value::Number(1e300))]);
    let value = |source: &str| {
        Expr::parse(source, Pos::new(1, 1, 1))
            .unwrap_or_else(|e| panic!("{source}: {e:?}"))
            .eval(&big)
    };
    for (source, expected) in [
        ("{big} * {big}", f64::MAX),
        ("-{big} * {big}", -f64::MAX),
        ("{big} * {big} + {big} * {big}", f64::MAX),
        ("{big} * {big} - {big} * {big}", 0.0),
        ("{big} / 0.000000000000001", f64::MAX),
        ("{big} / 0", 0.0),
    ] {
        let found = value(source);
        assert_eq!(found, Value::Number(expected), "{source}");
        let json = serde_json::to_string(&found).expect("json");
        let back: Value = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, found, "{source}: {json}");
    }
    let huge = "1".to_owned() + &"0".repeat(400);
    let error = Expr::parse(&huge, Pos::new(1, 1, 1)).expect_err("past f64");
    assert!(error.message.contains("too large"), "{}", error.message);
}
