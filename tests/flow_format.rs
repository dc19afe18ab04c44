//! The documentation's example flow loads and reads as the documentation says.

use mvx::flow::{self, Answer, StepKind};

fn documented_example() -> String {
    let doc = std::fs::read_to_string("docs/flow-format.md").expect("docs/flow-format.md exists");
    let start = doc.find("```yaml\n").expect("the doc has a YAML example") + "```yaml\n".len();
    let end = start + doc[start..].find("```").expect("the example is closed");
    doc[start..end].to_owned()
}

#[test]
fn the_documented_example_loads_and_checks_clean() {
    let flow = flow::load(&documented_example()).expect("the documented example loads");
    assert_eq!(flow::check::check(&flow), Vec::new());
    assert_eq!(
        (flow.id.as_str(), flow.variant.as_deref()),
        ("espresso", Some("three-menus"))
    );
    assert_eq!(flow.start.id, "home");
    let ids: Vec<_> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["home", "drinks", "settings", "ask-grams", "brewing"]);
    let home = &flow.steps[0];
    let StepKind::Choices(choices) = &home.kind else {
        panic!("home is a choice step")
    };
    assert_eq!(choices[0].label, "Brew a drink");
    assert_eq!(choices[0].go.id, "drinks");
    assert_eq!(choices[1].key.map(|k| k.key), Some('s'));
    let screen = home.screen.as_ref().map(|s| s.text.as_str());
    assert_eq!(
        screen,
        Some("+----------------------+\n|  Good morning        |\n+----------------------+\n")
    );
    assert!(!flow.steps[1].back);
    assert!(home.back);
    assert!(matches!(&flow.steps[2].kind, StepKind::Info { go } if go.id == "home"));
    assert!(
        matches!(&flow.steps[3].kind, StepKind::Input { name, go } if name == "grams" && go.id == "brewing")
    );
    assert!(matches!(&flow.steps[4].kind, StepKind::End { outcome } if outcome == "success"));
    let Answer::Options(options) = &flow.questions[0].answer else {
        panic!("options")
    };
    let labels: Vec<_> = options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Yes", "Partly", "No"]);
    let Answer::Scale(scale) = &flow.questions[1].answer else {
        panic!("scale")
    };
    assert_eq!((scale.from, scale.to), (1, 7));
    assert_eq!(scale.high.as_deref(), Some("Very easy"));
    assert_eq!(flow.questions[2].answer, Answer::Text);
}

#[test]
fn the_last_arrow_splits_label_from_target() {
    let source = "flow: f\ntitle: T\nsteps:\n  a:\n    choices:\n      - Back -> to the list -> b\n  b:\n    end: success\n";
    let flow = flow::load(source).expect("loads");
    let StepKind::Choices(choices) = &flow.steps[0].kind else {
        panic!("choices")
    };
    assert_eq!(choices[0].label, "Back -> to the list");
    assert_eq!(choices[0].go.id, "b");
    assert_eq!((choices[0].go.at.line, choices[0].go.at.col), (6, 32));
}

#[test]
fn without_start_the_first_step_starts() {
    let source =
        "flow: f\ntitle: T\nsteps:\n  first:\n    go: second\n  second:\n    end: success\n";
    assert_eq!(flow::load(source).expect("loads").start.id, "first");
}

#[test]
fn numbers_and_yaml_1_1_booleans_stay_as_written() {
    let source = "flow: f\ntitle: T\nsteps:\n  a:\n    end: success\nquestions:\n  - id: q\n    ask: Price?\n    options: [1.50, Yes, off, 007]\n";
    let flow = flow::load(source).expect("loads");
    let Answer::Options(options) = &flow.questions[0].answer else {
        panic!("options")
    };
    let labels: Vec<_> = options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["1.50", "Yes", "off", "007"]);
}

#[test]
fn anchors_and_merge_keys_let_designers_reuse_blocks() {
    let source = "flow: f\ntitle: T\nsteps:\n  a: &ask\n    text: Sure?\n    choices: [Yes -> b, No -> b]\n  again:\n    <<: *ask\n    text: Really sure?\n  b:\n    end: success\n";
    let flow = flow::load(source).expect("loads");
    let again = flow.step("again").expect("the merged step exists");
    assert_eq!(again.text.as_deref(), Some("Really sure?"));
    assert!(matches!(&again.kind, StepKind::Choices(c) if c.len() == 2));
}
