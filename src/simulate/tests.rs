//! Simulations checked against flows whose every path is known.

use super::sessions::{Hesitation, participant};
use super::*;
use crate::flow::{self, Flow};
use crate::session::EventKind;

fn load(path: &str) -> Flow {
    let source = std::fs::read_to_string(path).expect("flow file");
    flow::load(&source).expect("loads")
}

fn exhaustive() -> Options {
    Options {
        exhaustive: true,
        ..Options::default()
    }
}

#[test]
fn an_exhaustive_search_covers_every_step_and_choice_of_the_examples() {
    for entry in std::fs::read_dir("flows").expect("flows/") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n == "codebook.yaml") {
            continue; // the example flows' codebook, not a flow
        }
        let flow = load(&path.to_string_lossy());
        let sim = simulate(&flow, &exhaustive()).expect("simulates");
        assert_eq!(sim.coverage(), (1.0, 1.0), "{}", path.display());
        assert!(sim.traps.is_empty() && !sim.capped, "{}", path.display());
        assert!(!sim.ends.is_empty());
    }
}

#[test]
fn a_trap_that_depends_on_the_variables_is_found_with_the_walk_to_it() {
    let flow = load("tests/fixtures/valid/locker.yaml");
    let sim = simulate(&flow, &exhaustive()).expect("simulates");
    let trap = sim.traps.first().expect("a trap");
    assert_eq!(trap.kind, TrapKind::NoWayOut);
    assert_eq!(trap.step, "hall");
    assert_eq!(trap.values, ["key = no"]);
    let walk: Vec<(&str, &Took)> = trap
        .walk
        .moves
        .iter()
        .map(|m| (m.step.as_str(), &m.took))
        .collect();
    assert_eq!(
        walk,
        [
            ("hall", &Took::Choice("Take the key".into())),
            ("hall", &Took::Choice("Drop the key".into())),
        ]
    );
    // The one way to the end, and it is the shortest.
    let end = &sim.ends[0];
    assert_eq!((end.step.as_str(), end.shortest.moves.len()), ("out", 3));
}

#[test]
fn random_walks_are_reproduced_by_their_seed() {
    let flow = load("tests/fixtures/valid/basket.yaml");
    let with = |seed| {
        let options = Options {
            walks: 40,
            seed,
            ..Options::default()
        };
        simulate(&flow, &options).expect("simulates")
    };
    assert_eq!(with(7), with(7));
    assert_ne!(with(7).choices, with(8).choices);
    assert_eq!(with(7).seed, Some(7));
}

#[test]
fn conditions_that_never_change_are_named() {
    let flow = load("tests/fixtures/valid/basket.yaml");
    // Random walks type only the sample names, so the empty-name way is never taken.
    let sim = simulate(&flow, &Options::default()).expect("simulates");
    let constant: Vec<(&str, bool)> = sim
        .constants
        .iter()
        .map(|c| (c.condition.as_str(), c.always))
        .collect();
    assert_eq!(constant, [("{customer} == \"\"", false)]);
    // An exhaustive search also presses Enter on an empty field: no condition is constant.
    let options = Options {
        max_states: 3000,
        ..exhaustive()
    };
    let sim = simulate(&flow, &options).expect("simulates");
    assert!(sim.constants.is_empty(), "{:?}", sim.constants);
}

#[test]
fn a_search_cut_short_says_so_and_invents_no_traps() {
    let flow = load("tests/fixtures/valid/basket.yaml");
    let options = Options {
        max_states: 500,
        ..exhaustive()
    };
    let sim = simulate(&flow, &options).expect("simulates");
    assert!(sim.capped);
    assert_eq!(sim.walks, 500);
    assert!(sim.traps.is_empty(), "{:?}", sim.traps);
}

#[test]
fn walks_can_start_anywhere_and_an_unknown_start_is_named() {
    let flow = load("tests/fixtures/valid/locker.yaml");
    let options = Options {
        from: Some("door".into()),
        ..exhaustive()
    };
    let sim = simulate(&flow, &options).expect("simulates");
    assert_eq!(sim.steps[2].reached, 1);
    let options = Options {
        from: Some("dor".into()),
        ..exhaustive()
    };
    let error = simulate(&flow, &options).expect_err("no such step");
    assert_eq!(error.suggestion.as_deref(), Some("door"));
}

#[test]
fn a_walk_that_never_ends_is_stopped_and_reported() {
    let flow = load("tests/fixtures/valid/locker.yaml");
    let options = Options {
        walks: 30,
        max_steps: 20,
        ..Options::default()
    };
    let sim = simulate(&flow, &options).expect("simulates");
    let trap = sim
        .traps
        .iter()
        .find(|t| t.kind == TrapKind::TooLong)
        .expect("a walk went on");
    assert_eq!(trap.walk.moves.len(), 20);
}

/// The ex-Gaussian's mean is mu + tau and its variance sigma² + tau² (Heathcote 1996,
/// "RTSYS", Behavior Research Methods 28; any text on the ex-Gaussian): 1200 + 800 = 2000
/// and sqrt(300² + 800²) = 854.4. 40,000 draws put the mean within about ±9 ms (2 SE).
#[test]
fn hesitations_follow_the_ex_gaussian_they_are_drawn_from() {
    let model = Hesitation::default();
    let mut rng = fastrand::Rng::with_seed(3);
    let draws: Vec<f64> = (0..40_000).map(|_| model.sample(&mut rng) as f64).collect();
    let mean = draws.iter().sum::<f64>() / draws.len() as f64;
    let sd =
        (draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (draws.len() - 1) as f64).sqrt();
    assert!((mean - 2000.0).abs() < 20.0, "mean {mean}");
    assert!((sd - 854.4).abs() < 20.0, "sd {sd}");
    assert!(draws.iter().all(|&d| d >= 150.0));
}

#[test]
fn a_trapped_synthetic_participant_is_ended_as_the_researcher_would() {
    let flow = load("tests/fixtures/valid/locker.yaml");
    let mut rng = fastrand::Rng::with_seed(1);
    let events = participant(&flow, &mut rng, &Hesitation::default(), 30);
    let aborted = events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::Abort { .. }));
    let ended = events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::End { .. }));
    assert!(aborted != ended, "{events:?}");
}

/// `t` doubles at each move: without a longest text, the search allocates without bound.
const DOUBLING: &str = r#"flow: doubling
title: Doubling
vars:
  t: ab
steps:
  home:
    choices:
      - label: Double
        set: { t: "{t} + {t}" }
        go: home
      - label: Leave
        go: done
  done:
    end: success
"#;

/// Every move makes a new state, each a character longer than the one before.
const GROWING: &str = r#"flow: growing
title: Growing
vars:
  t: ab
  n: 0
steps:
  home:
    choices:
      - label: Grow
        set: { t: "{t} + xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", n: "{n} + 1" }
        go: home
      - label: Leave
        go: done
  done:
    end: success
"#;

#[test]
fn text_that_doubles_stops_at_the_longest_text_and_the_search_says_so() {
    let flow = flow::load(DOUBLING).expect("loads");
    let sim = simulate(&flow, &exhaustive()).expect("simulates");
    let long = sim
        .traps
        .iter()
        .find(|t| t.kind == TrapKind::TextTooLong)
        .expect("the longest text is reported");
    assert_eq!(long.step, "home");
    assert!(
        long.values.iter().all(|v| v.chars().count() < 200),
        "values are shown cut: {:?}",
        long.values
    );
    assert!(!sim.capped && sim.walks < 40, "{} states", sim.walks);
}

#[test]
fn the_states_size_bounds_an_exhaustive_search_as_their_number_does() {
    let flow = flow::load(GROWING).expect("loads");
    let options = Options {
        max_state_bytes: 8 << 20,
        ..exhaustive()
    };
    let sim = simulate(&flow, &options).expect("simulates");
    assert!(sim.capped);
    assert!(
        (250..1_000).contains(&sim.walks),
        "past the text limit, the states' size stopped the search: {}",
        sim.walks
    );
    assert!(sim.traps.iter().any(|t| t.kind == TrapKind::TextTooLong));
}

#[test]
fn a_variable_holds_at_most_the_longest_text() {
    let flow = flow::load(DOUBLING).expect("loads");
    let mut memory = crate::flow::logic::Memory::new(&flow);
    for _ in 0..40 {
        memory.choose(0, 0).expect("Double is offered");
    }
    let (_, t) = memory.values().next().expect("t");
    assert_eq!(t.shown().chars().count(), crate::flow::expr::MAX_TEXT);
    memory.answer("t", &"y".repeat(50_000));
    let (_, t) = memory.values().next().expect("t");
    assert_eq!(t.shown().chars().count(), crate::flow::expr::MAX_TEXT);
}

#[test]
fn a_random_walk_reports_a_text_at_the_limit_too() {
    let source = DOUBLING
        .replace("  t: ab\n", "  t: ab\n  n: 0\n")
        .replace(
            "set: { t: \"{t} + {t}\" }",
            "set: { t: \"{t} + {t}\", n: \"{n} + 1\" }",
        )
        .replace(
            "- label: Leave\n",
            "- label: Leave\n        if: \"{n} > 15\"\n",
        );
    let flow = flow::load(&source).expect("loads");
    let sim = simulate(&flow, &Options::default()).expect("simulates");
    let long: Vec<&Trap> = sim
        .traps
        .iter()
        .filter(|t| t.kind == TrapKind::TextTooLong)
        .collect();
    assert_eq!(long.len(), 1, "once, where it happened: {:?}", sim.traps);
    assert_eq!(long[0].values[1], "n = 13", "{:?}", long[0].values);
}
