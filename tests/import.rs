//! `mvx import` on small stories written for these tests, and on real ones by other
//! authors in `../shared/stories` (skipped when that folder is absent).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::time::Duration;

use mvx::flow::{self, Flow, StepKind};
use mvx::import::{ink, twine};
use mvx::player::input::{Action, Input, Key};
use mvx::player::{Mode, Player};

const TWEE: &str = r#":: StoryTitle
The Lost Parcel

:: StoryData
{ "ifid": "X", "start": "Door" }

:: Intro [note]
Never linked.

:: Door {"position":"100,100"}
A parcel notice is stuck to your door. <<set $seen to true>>
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
* Wait on hold
  You wait.
  ** Hang up
  ** Keep waiting
- The music stops. -> website
=== website ===
= tracking
It arrives tomorrow.
+ Good -> END
+ [Complain] -> call
"#;

/// The keys of a path from the start to an end step, and plays them.
fn plays_to_an_end(flow: &Flow) {
    let index = flow.index();
    let start = index[flow.start.id.as_str()];
    let mut came_from: HashMap<usize, (usize, Key)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let goal = loop {
        let at = queue.pop_front().expect("an end step is reachable");
        if matches!(flow.steps[at].kind, StepKind::End { .. }) {
            break at;
        }
        for (i, (_, target)) in flow.steps[at].exits().into_iter().enumerate() {
            let key = match flow.steps[at].kind {
                StepKind::Choices(_) => Key::Char(char::from(b'1' + i as u8)),
                _ => Key::Enter,
            };
            let next = index[target.id.as_str()];
            if next != start && !came_from.contains_key(&next) {
                came_from.insert(next, (at, key));
                queue.push_back(next);
            }
        }
    };
    let mut keys = Vec::new();
    let mut at = goal;
    while let Some((previous, key)) = came_from.get(&at) {
        keys.insert(0, *key);
        at = *previous;
    }
    let mut player = Player::new(flow);
    for (i, key) in keys.into_iter().enumerate() {
        player.shown(Duration::from_millis(i as u64 * 100));
        player.handle(Input {
            at: Duration::from_millis(i as u64 * 100 + 50),
            action: Action::Key(key),
        });
    }
    // An end step with nothing to show goes straight on to the closing screen.
    assert!(
        matches!(player.mode(), Mode::StepDone { .. } | Mode::Closing { .. }),
        "the import plays to an end: {:?}",
        player.mode()
    );
}

fn loads_and_checks(yaml: &str) -> Flow {
    let flow = flow::load(yaml)
        .unwrap_or_else(|e| panic!("the import loads: {:?}\n{yaml}", e.diagnostics));
    let errors: Vec<_> = flow::check::check(&flow)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{yaml}");
    flow
}

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
    assert!(dropped[0].what.contains("<<set"), "the macro is named");
    assert!(
        yaml.contains("# not carried over, line 11: a macro: <<set $seen to true>>"),
        "and kept as a comment"
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
    let whats: Vec<&str> = dropped.iter().map(|d| d.what.as_str()).collect();
    assert!(
        whats.iter().any(|w| w.contains("VAR patience")),
        "{whats:?}"
    );
    assert!(
        whats
            .iter()
            .any(|w| w.contains("weave 2 levels deep: Hang up")),
        "{whats:?}"
    );
    assert!(whats.iter().any(|w| w.contains("~ patience")), "{whats:?}");
    plays_to_an_end(&flow);
}

#[test]
fn real_stories_by_other_authors_import_check_and_play() {
    let dir = Path::new("../shared/stories");
    if !dir.exists() {
        eprintln!("skipped: ../shared/stories is not here");
        return;
    }
    let stories = [
        ("chapbook-cloak-of-darkness.twee", true),
        ("kulla-twine-to-github-pages-example.twee", true),
        ("ink-unity-integration-example-story.ink", false),
    ];
    for (name, is_twine) in stories {
        let source = std::fs::read_to_string(dir.join(name)).expect("story readable");
        let draft = if is_twine {
            twine::import(&source, name)
        } else {
            ink::import(&source, name)
        };
        let (yaml, _) = draft.to_yaml(name);
        let flow = loads_and_checks(&yaml);
        assert!(flow.steps.len() >= 3, "{name}");
        plays_to_an_end(&flow);
    }
}
