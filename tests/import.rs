//! `mvx import` on small stories written for these tests (real ones by other authors:
//! tests/stories.rs).

mod common;

use std::path::Path;

use common::imported::{loads_and_checks, plays_to_an_end};
use mvx::flow::{self, Flow, StepKind};
use mvx::import::{ink, twine};
use mvx::simulate;

const TWEE: &str = r#":: StoryTitle
The Lost Parcel

:: StoryData
{ "ifid": "X", "start": "Door" }

:: Intro [note]
Never linked.

:: Door {"position":"100,100"}
A parcel notice is stuck to your door. <<set $seen to true>><<audio "knock" play>>
[[Call the courier->Call]] or [[Website]], or [[Neighbour|Ask next door]]. [[Bin<-Ignore it]]

:: Call
The line is busy.
[[Try the website->Website]]

:: Website
Track it: [[Enter the number|Tracked]]

:: Ask next door
They have it!

:: Bin
It is gone.

:: Tracked
It arrives tomorrow.
"#;

const INK: &str = r#"VAR patience = 3
Your parcel did not arrive.
* [Call the courier] You call. -> call
* Check the website -> website
=== call ===
The line is busy.
~ patience = patience - 1
+ Wait on hold
  You wait.
  ++ Hang up
  ++ Keep waiting
- The music stops. -> website
=== website ===
= tracking
It arrives tomorrow.
+ Good -> END
+ [Complain] -> call
"#;

#[test]
fn twee_passages_become_steps_and_every_link_form_a_choice() {
    let (yaml, dropped) = twine::import(TWEE, "lost").to_yaml("lost.twee");
    let flow = loads_and_checks(&yaml);
    assert_eq!(
        (flow.id.as_str(), flow.title.as_str()),
        ("the-lost-parcel", "The Lost Parcel")
    );
    assert_eq!(flow.start.id, "Door", "StoryData's start");
    let door = flow.step("Door").expect("the Door passage");
    let StepKind::Choices(choices) = &door.kind else {
        panic!("Door has choices")
    };
    let pairs: Vec<(&str, &str)> = choices
        .iter()
        .map(|c| (c.label.as_str(), c.go.id.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Call the courier", "Call"),
            ("Website", "Website"),
            ("Neighbour", "Ask next door"),
            ("Ignore it", "Bin")
        ]
    );
    assert!(
        matches!(
            flow.step("Bin").map(|s| &s.kind),
            Some(StepKind::End { .. })
        ),
        "no links: an end"
    );
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(dropped[0].line, 11);
    assert!(dropped[0].what.contains("<<audio"), "the macro is named");
    assert!(
        yaml.contains("# not carried over, line 11: a macro: <<audio \"knock\" play>>"),
        "and kept as a comment"
    );
    let seen = flow.vars.iter().find(|v| v.name == "seen").expect("$seen");
    assert_eq!(
        seen.initial,
        mvx::flow::expr::Value::Bool(true),
        "set in the start passage"
    );
    assert!(
        door.text
            .as_deref()
            .is_some_and(|t| t.starts_with("A parcel notice is stuck to your door."))
    );
    plays_to_an_end(&flow);
}

#[test]
fn ink_knots_stitches_choices_and_diverts_become_steps() {
    let (yaml, dropped) = ink::import(INK, "parcel").to_yaml("parcel.ink");
    let flow = loads_and_checks(&yaml);
    let start = flow.step("start").expect("the top of the story");
    let StepKind::Choices(choices) = &start.kind else {
        panic!("choices at the top")
    };
    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Call the courier", "Check the website"]);
    assert!(
        flow.step("website.tracking").is_some(),
        "stitches are steps"
    );
    assert_eq!(flow.vars.len(), 1, "VAR patience is a variable");
    let call = flow.step("call").expect("the call knot");
    let StepKind::Choices(waits) = &call.kind else {
        panic!("call has a choice")
    };
    let hang_up = flow
        .step(&waits[0].go.id)
        .expect("the body of Wait on hold");
    let StepKind::Choices(nested) = &hang_up.kind else {
        panic!("the nested weave is carried over: {yaml}")
    };
    assert_eq!(nested.len(), 2);
    let whats: Vec<&str> = dropped.iter().map(|d| d.what.as_str()).collect();
    assert!(
        whats
            .iter()
            .any(|w| w.contains("~ patience") && w.contains("outside a choice")),
        "{whats:?}"
    );
    plays_to_an_end(&flow);
}

const INK_LOGIC: &str = r#"/* A story written for this test: every construct a real one uses.
   * not a choice
   - not a gather
*/
VAR cups = 0 // how many
VAR size = "single"
CONST limit = 3
VAR met = false
-> counter

=== function twice(x) ===
~ return x * 2

=== counter ===
The barista waits. {~Hello|Hi}, you have {cups} cups.
+ {cups < limit} [Add a double] Double it is.
  ~ cups = cups + 1
  ~ size = "double"
  -> counter
+ {cups < limit} Add a single
  ~ cups++
  -> counter
* (chat) {not met} Chat
  ~ met = true
  ** Talk about the weather
     *** It is sunny
     *** It is raining
     --- (weathered) Nice.
  ** Talk about coffee
  -- You finish chatting.
  -> counter
+ {cups > 0} Pay -> pay
+ {twice(cups) > 4} Bulk discount -> pay
= pay
You pay for {cups} {size} cups. # tag
- -> DONE
"#;

#[test]
fn ink_logic_comments_deep_weaves_and_functions_carry_over_or_are_named() {
    let (yaml, dropped) = ink::import(INK_LOGIC, "counter").to_yaml("counter.ink");
    let flow = loads_and_checks(&yaml);
    let names: Vec<&str> = flow.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["cups", "size", "limit", "met"]);
    let counter = flow.step("counter").expect("the counter knot");
    assert_eq!(
        counter.text.as_deref(),
        Some("The barista waits. Hello, you have {cups} cups.")
    );
    let StepKind::Choices(choices) = &counter.kind else {
        panic!("counter offers choices: {yaml}")
    };
    let summary: Vec<(&str, Option<&str>, bool, usize)> = choices
        .iter()
        .map(|c| {
            let when = c.logic.when.as_ref().map(|w| w.source.as_str());
            (c.label.as_str(), when, c.logic.once, c.logic.set.len())
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Add a double", Some("({cups} < {limit})"), false, 2),
            ("Add a single", Some("({cups} < {limit})"), false, 1),
            ("Chat", Some("(not {met})"), true, 1),
            ("Pay", Some("({cups} > 0)"), false, 0),
            ("Bulk discount", None, false, 0),
        ]
    );
    let whats: Vec<(usize, &str)> = dropped.iter().map(|d| (d.line, d.what.as_str())).collect();
    assert!(
        whats
            .iter()
            .any(|(l, w)| *l == 11 && w.contains("function twice")),
        "{whats:?}"
    );
    assert!(
        whats
            .iter()
            .any(|(l, w)| *l == 15 && w.contains("alternatives")),
        "{whats:?}"
    );
    assert!(
        whats
            .iter()
            .any(|(l, w)| *l == 33 && w.contains("twice(cups)")),
        "{whats:?}"
    );
    assert!(
        !yaml.contains("not a choice"),
        "block comments are left out"
    );
    plays_to_an_end(&flow);
}

/// The imported Twine story: loaded, checked clean, every step and choice reached by
/// `mvx simulate --exhaustive`, and played to an end.
fn twine_fixture(name: &str) -> (String, Vec<mvx::import::Dropped>, Flow) {
    let path = Path::new("tests/fixtures/import").join(name);
    let source = std::fs::read_to_string(&path).expect("fixture readable");
    let (yaml, dropped) = twine::import(&source, name).to_yaml(name);
    let flow = loads_and_checks(&yaml);
    let options = simulate::Options {
        exhaustive: true,
        ..simulate::Options::default()
    };
    let sim = simulate::simulate(&flow, &options).expect("simulates");
    assert!(!sim.capped);
    let unreached: Vec<&str> = sim
        .steps
        .iter()
        .filter(|s| s.reached == 0)
        .map(|s| s.step.as_str())
        .collect();
    let untaken: Vec<&str> = sim
        .choices
        .iter()
        .filter(|c| c.taken == 0)
        .map(|c| c.choice.as_str())
        .collect();
    assert!(
        unreached.is_empty() && untaken.is_empty(),
        "100% coverage: {unreached:?} {untaken:?}\n{yaml}"
    );
    plays_to_an_end(&flow);
    (yaml, dropped, flow)
}

fn choice<'f>(flow: &'f Flow, step: &str, label: &str) -> &'f flow::Choice {
    let StepKind::Choices(choices) = &flow.step(step).expect(step).kind else {
        panic!("{step} offers choices")
    };
    choices.iter().find(|c| c.label == label).expect(label)
}

fn logic(c: &flow::Choice) -> (Option<&str>, Vec<(&str, &str)>) {
    let when = c.logic.when.as_ref().map(|w| w.source.as_str());
    let set = c
        .logic
        .set
        .iter()
        .map(|a| (a.name.as_str(), a.value.source.as_str()))
        .collect();
    (when, set)
}

#[test]
fn harlowe_set_if_and_links_with_hooks_carry_over() {
    let (yaml, dropped, flow) = twine_fixture("harlowe-espresso.twee");
    let vars: Vec<(&str, String)> = flow
        .vars
        .iter()
        .map(|v| (v.name.as_str(), v.initial.shown()))
        .collect();
    assert_eq!(
        vars,
        [
            ("cups", "0".into()),
            ("size", "single".into()),
            ("paid", "no".into())
        ],
        "first values from the start passage"
    );
    let counter = flow.step("Counter").expect("Counter");
    assert!(
        counter
            .text
            .as_deref()
            .is_some_and(|t| t.contains("You have {cups} cups.")),
        "$cups shows the variable"
    );
    assert_eq!(
        logic(choice(&flow, "Counter", "Add a double")),
        (None, vec![("cups", "{cups} + 1"), ("size", "\"double\"")]),
        "the passage's sets ride on the links into it; `it` is the variable"
    );
    assert_eq!(
        logic(choice(&flow, "Counter", "Add a single")).1,
        [("cups", "{cups} + 1"), ("size", "\"single\"")],
        "(put: ... into $x)"
    );
    assert_eq!(
        logic(choice(&flow, "Counter", "Look at the menu")).0,
        Some("({cups} == 0)"),
        "(link-goto:) inside an (if:) hook"
    );
    assert_eq!(
        logic(choice(&flow, "Counter", "Leave")).1,
        [("paid", "false")],
        "(link:)[(set:)(goto:)] is a choice with its set"
    );
    assert_eq!(
        logic(choice(&flow, "Counter Again", "Add a double")).0,
        Some("(not ({cups} >= 3))"),
        "(unless:)"
    );
    assert_eq!(
        logic(choice(&flow, "Counter Again", "Leave")).0,
        Some("(not ({cups} > 0 and (not {paid}))) and ({paid})"),
        "(else-if:)"
    );
    assert_eq!(
        logic(choice(&flow, "Counter Again", "Start again")),
        (
            Some("(not ({cups} > 0 and (not {paid}))) and (not ({paid}))"),
            vec![("cups", "0"), ("size", "\"single\""), ("paid", "false")]
        ),
        "(else:), and the start passage's sets on a link back to it"
    );
    assert_eq!(
        logic(choice(&flow, "Counter", "Add milk")).0,
        None,
        "`contains` does not map: always offered"
    );
    let whats: Vec<(usize, &str)> = dropped.iter().map(|d| (d.line, d.what.as_str())).collect();
    for (line, what) in [
        (14, "`contains`"),
        (14, "\"Add milk\" did not map"),
        (15, "(display: \"Footer\")"),
        (36, "_seen"),
        (46, "(history:)"),
    ] {
        assert!(
            whats.iter().any(|(l, w)| *l == line && w.contains(what)),
            "line {line}: {what} in {whats:?}"
        );
    }
    assert!(yaml.contains("# not carried over, line 36: (set: _seen to true)"));
}

#[test]
fn sugarcube_set_if_setter_links_and_link_macros_carry_over() {
    let (_, dropped, flow) = twine_fixture("sugarcube-parcel.twee");
    let vars: Vec<(&str, String)> = flow
        .vars
        .iter()
        .map(|v| (v.name.as_str(), v.initial.shown()))
        .collect();
    assert_eq!(
        vars,
        [
            ("tries", "0".into()),
            ("name", "Sam".into()),
            ("found", "no".into()),
            ("online", "no".into()),
            ("asked", "no".into())
        ],
        "StoryInit gives first values; others start empty of their kind"
    );
    assert_eq!(
        logic(choice(&flow, "Door", "Call the courier")),
        (
            Some("({tries} < 2)"),
            vec![("tries", "({tries} + 1) + (1)")]
        ),
        "a setter link, then the passage's `+=` folded into it"
    );
    assert_eq!(
        logic(choice(&flow, "Door", "Call once more")).0,
        Some("(not ({tries} < 2)) and ({tries} == 2)"),
        "<<elseif>>"
    );
    assert_eq!(
        logic(choice(&flow, "Door", "Check the website")).1,
        [("online", "true"), ("found", "true")],
        "<<link>><<set>><</link>>, then Website's own set"
    );
    assert_eq!(
        logic(choice(&flow, "Door", "Ask next door")).1,
        [("asked", "true")],
        "<<link>> with <<goto>> inside"
    );
    assert_eq!(
        logic(choice(&flow, "Door", "Email the courier")).0,
        Some("(visited(Website) and {found} and {tries} < 2)"),
        "visited(\"Passage\")"
    );
    assert!(flow.step("StoryCaption").is_none() && flow.step("StoryInit").is_none());
    let whats: Vec<(usize, &str)> = dropped.iter().map(|d| (d.line, d.what.as_str())).collect();
    for (line, what) in [
        (10, "$inventory to []"),
        (12, "StoryCaption"),
        (19, "else branch"),
        (23, "<<include \"Footer\">>"),
        (24, "JavaScript"),
        (35, "temporary variable _x"),
    ] {
        assert!(
            whats.iter().any(|(l, w)| *l == line && w.contains(what)),
            "line {line}: {what} in {whats:?}"
        );
    }
}

#[test]
fn twine_logic_that_would_not_check_is_left_out_and_ids_are_unique() {
    let story = r#":: Start
<<set $n to 1>>
<<if $n is "two">>[[Go->The End]]<</if>>
<<if $ghost>>[[Boo->the end]]<</if>>
[[Again->start  ]]

:: The  End
Bye.

:: the end
Also bye.
"#;
    let (yaml, dropped) = twine::import(story, "t").to_yaml("t.twee");
    let flow = loads_and_checks(&yaml);
    let ids: Vec<&str> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["Start", "The End", "the end-2"],
        "unique whatever the case"
    );
    assert_eq!(
        logic(choice(&flow, "Start", "Go")).0,
        None,
        "comparing a number with text would not check: left out"
    );
    assert_eq!(
        logic(choice(&flow, "Start", "Boo")).0,
        None,
        "$ghost is never set"
    );
    assert_eq!(choice(&flow, "Start", "Boo").go.id, "the end-2");
    let whats: Vec<&str> = dropped.iter().map(|d| d.what.as_str()).collect();
    assert!(
        whats.iter().filter(|w| w.contains("does not fit")).count() >= 2,
        "{whats:?}"
    );
    plays_to_an_end(&flow);
}

/// Every prefix of the stories written for these tests (cut anywhere, mid-macro,
/// mid-hook, mid-quote) imports without a panic into a flow that checks clean.
#[test]
fn twine_stories_cut_anywhere_still_import_and_check_clean() {
    for name in ["harlowe-espresso.twee", "sugarcube-parcel.twee"] {
        let path = Path::new("tests/fixtures/import").join(name);
        let source = std::fs::read_to_string(&path).expect("fixture readable");
        let cuts: Vec<usize> = source.char_indices().map(|(i, _)| i).step_by(7).collect();
        for cut in cuts {
            let (yaml, _) = twine::import(&source[..cut], name).to_yaml(name);
            if !yaml.contains("steps:\n  ") {
                continue; // no passage yet: nothing to import
            }
            let Ok(flow) = flow::load(&yaml) else {
                panic!("cut at {cut}: the import loads\n{yaml}")
            };
            // A cut story may loop with no way out; that is the story's, not the logic's.
            let errors: Vec<_> = flow::check::check(&flow)
                .into_iter()
                .filter(|d| d.is_error() && d.code != "trapped")
                .collect();
            assert!(errors.is_empty(), "cut at {cut}: {errors:?}\n{yaml}");
        }
    }
}

/// A condition no one writes by hand, 20,000 terms long (80 KB): the import leaves it
/// out with a word instead of overflowing the expression parser's stack.
#[test]
fn a_story_with_a_huge_expression_imports_without_it() {
    let chain = "1".to_owned() + &" + 1".repeat(20_000);
    let story = format!(
        ":: Start\n<<set $n to 0>>\n<<if $n < {chain}>>[[Go->End]]<</if>>\n[[Leave->End]]\n\n:: End\nBye.\n"
    );
    let (yaml, dropped) = twine::import(&story, "t").to_yaml("t.twee");
    let flow = loads_and_checks(&yaml);
    assert_eq!(logic(choice(&flow, "Start", "Go")).0, None, "left out");
    assert!(
        dropped.iter().any(|d| d.what.contains("does not fit")),
        "{dropped:?}"
    );
    let ink = format!(
        "VAR n = 0\n* {{n < {chain}}} [Go] -> done\n* [Leave] -> done\n=== done ===\nBye.\n-> END\n"
    );
    let (yaml, _) = ink::import(&ink, "i").to_yaml("i.ink");
    let flow = loads_and_checks(&yaml);
    plays_to_an_end(&flow);
}

/// A passage name longer than YAML allows a key (1,024 characters) becomes a shorter,
/// still unique step id, and links to it follow.
#[test]
fn a_very_long_passage_name_becomes_a_short_unique_step_id() {
    let long = "Room ".repeat(220);
    let other = format!("{long}again");
    let story = format!(
        ":: Start\n[[In->{long}]] [[Other->{other}]]\n\n:: {long}\nInside.\n[[Back->Start]]\n\n:: {other}\nBye.\n"
    );
    let (yaml, _) = twine::import(&story, "t").to_yaml("t.twee");
    let flow = loads_and_checks(&yaml);
    let ids: Vec<&str> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.iter().all(|id| id.chars().count() <= 80), "{ids:?}");
    assert_ne!(ids[1], ids[2], "unique");
    assert_eq!(choice(&flow, "Start", "In").go.id, ids[1]);
    assert_eq!(choice(&flow, "Start", "Other").go.id, ids[2]);
    let ink = format!(
        "-> {k}\n=== {k} ===\nHello.\n-> END\n",
        k = "knot_".repeat(220)
    );
    let (yaml, _) = ink::import(&ink, "i").to_yaml("i.ink");
    loads_and_checks(&yaml);
}

/// `not` (or `!`) 20,000 times over: refused like any condition nested past the flow's
/// limit, with a word, instead of overflowing the translator's stack.
#[test]
fn a_story_with_a_condition_nested_too_deep_imports_without_it() {
    for nots in [
        "not ".repeat(20_000),
        "!".repeat(20_000),
        "not (".repeat(20_000),
    ] {
        let close = if nots.ends_with('(') {
            ")".repeat(20_000)
        } else {
            String::new()
        };
        let story = format!(
            ":: Start\n<<set $n to true>>\n<<if {nots}$n{close}>>[[Go->End]]<</if>>\n[[Leave->End]]\n\n:: End\nBye.\n"
        );
        let (yaml, dropped) = twine::import(&story, "t").to_yaml("t.twee");
        let flow = loads_and_checks(&yaml);
        assert_eq!(logic(choice(&flow, "Start", "Go")).0, None, "left out");
        assert!(!dropped.is_empty());
    }
    let ink = format!(
        "VAR n = true\n* {{{}n}} [Go] -> done\n* [Leave] -> done\n=== done ===\nBye.\n-> END\n",
        "not ".repeat(20_000)
    );
    let (yaml, _) = ink::import(&ink, "i").to_yaml("i.ink");
    loads_and_checks(&yaml);
}
