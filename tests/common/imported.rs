//! Flows imported from stories, checked and played to an end: helpers shared by
//! tests/import.rs and tests/stories.rs.
#![allow(dead_code)] // each test file uses some of these

use std::time::Duration;

use mvx::flow::{self, Flow};
use mvx::player::input::{Action, Input, Key};
use mvx::player::{Mode, Player};
use mvx::simulate;

/// Finds the shortest walk to an end with `mvx simulate`'s search, then plays it on the
/// player, picking each choice by its number among those offered at that moment.
pub fn plays_to_an_end(flow: &Flow) {
    let options = simulate::Options {
        exhaustive: true,
        max_states: 20_000,
        ..simulate::Options::default()
    };
    let sim = simulate::simulate(flow, &options).expect("simulates");
    assert!(
        sim.traps.is_empty(),
        "no walk gets trapped: {:?}",
        sim.traps
    );
    let end = sim.ends.first().expect("an end is reached");
    let mut player = Player::new(flow);
    let mut now = 0;
    for m in &end.shortest.moves {
        player.shown(Duration::from_millis(now));
        let step = flow.index()[m.step.as_str()];
        let keys: Vec<Key> = match &m.took {
            simulate::Took::Choice(label) => {
                let i = player
                    .choices(step)
                    .iter()
                    .position(|c| c.label == *label)
                    .expect("offered");
                vec![Key::Char(char::from(b'1' + i as u8))]
            }
            simulate::Took::Typed(text) => {
                text.chars().map(Key::Char).chain([Key::Enter]).collect()
            }
            simulate::Took::Continue => vec![Key::Enter],
        };
        for key in keys {
            now += 50;
            player.handle(Input {
                at: Duration::from_millis(now),
                action: Action::Key(key),
            });
        }
        now += 50;
    }
    // An end step with nothing to show goes straight on to the closing screen.
    assert!(
        matches!(player.mode(), Mode::StepDone { .. } | Mode::Closing { .. }),
        "the import plays to an end: {:?}",
        player.mode()
    );
}

pub fn loads_and_checks(yaml: &str) -> Flow {
    let flow = flow::load(yaml)
        .unwrap_or_else(|e| panic!("the import loads: {:?}\n{yaml}", e.diagnostics));
    let errors: Vec<_> = flow::check::check(&flow)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{yaml}");
    flow
}
