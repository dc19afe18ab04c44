//! Replaying a recording drives the player through the same events again.

use std::time::Duration;

use super::Script;
use crate::flow::{self, Flow};
use crate::player::Mode;
use crate::player::Player;
use crate::player::input::{Action, Command, Input, Key};
use crate::session::Event;

fn example(name: &str) -> Flow {
    let source = std::fs::read_to_string(format!("flows/{name}.yaml")).expect("example");
    flow::load(&source).expect("loads")
}

/// Plays `actions` live, one every 700 ms, each screen shown 5 ms after it changed.
fn record(flow: &Flow, actions: &[Action]) -> Vec<Event> {
    let mut player = Player::new(flow);
    let mut events = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        player.shown(Duration::from_millis(i as u64 * 700 + 5));
        player.handle(Input {
            at: Duration::from_millis((i as u64 + 1) * 700),
            action: *action,
        });
        events.extend(player.take_events());
    }
    player.shown(Duration::from_millis(actions.len() as u64 * 700 + 5));
    events.extend(player.take_events());
    events
}

fn keys(text: &str) -> Vec<Action> {
    text.chars()
        .map(|c| match c {
            '\n' => Action::Key(Key::Enter),
            '<' => Action::Key(Key::Esc),
            '>' => Action::Key(Key::Right),
            '!' => Action::Command(Command::Note),
            c => Action::Key(Key::Char(c)),
        })
        .collect()
}

fn replayed(flow: &Flow, recorded: &[Event]) -> Vec<Event> {
    let script = Script::new(flow, recorded);
    let mut player = Player::new(flow);
    for (at, op) in &script.ops {
        super::apply(&mut player, *at, op);
    }
    player.take_events()
}

#[test]
fn a_replay_reproduces_every_recorded_event() {
    let cases = [
        ("espresso-three-menus", "13<2111\n1>>>Too many menus\n"),
        ("espresso-one-menu", "!slow\n12\n40\n\n2>Fine\n"),
        ("shop-order-status", "\n31ST-1\n\n\n5<41\n1>2Footer\nq"),
    ];
    for (name, typed) in cases {
        let flow = example(name);
        let recorded = record(&flow, &keys(typed));
        assert!(recorded.len() > 8, "{name} recorded a real session");
        assert_eq!(replayed(&flow, &recorded), recorded, "{name}");
    }
}

#[test]
fn the_player_at_a_moment_shows_that_moments_screen() {
    let flow = example("espresso-three-menus");
    let recorded = record(&flow, &keys("12"));
    let script = Script::new(&flow, &recorded);
    assert!(matches!(
        script.player_at(&flow, 10).mode(),
        Mode::Step { step: 0, .. }
    ));
    assert!(matches!(
        script.player_at(&flow, 800).mode(),
        Mode::Step { step: 1, .. }
    ));
    assert!(matches!(
        script.player_at(&flow, 1_500).mode(),
        Mode::Step { step: 4, .. }
    ));
    assert_eq!(script.moments().first(), Some(&5));
}

#[test]
fn a_replay_of_a_flow_that_remembers_yields_the_same_events_and_values() {
    let source = std::fs::read_to_string("tests/fixtures/valid/basket.yaml").expect("fixture");
    let flow = flow::load(&source).expect("loads");
    // Blend (once), a double, the FAQ, back, on, check out, an empty name, a name.
    let recorded = record(&flow, &keys("31\n4<3\n3\nAna\n"));
    let sets = recorded.iter().filter(|e| e.kind.name() == "set").count();
    assert!(sets >= 4, "{recorded:?}");
    assert_eq!(replayed(&flow, &recorded), recorded);
}

/// Synthetic sessions come from the same player, so they replay like recorded ones.
#[test]
fn a_synthetic_participant_plays_to_the_end_and_replays_identically() {
    use crate::simulate::sessions::{Hesitation, participant};
    for name in [
        "shop-order-status",
        "espresso-three-menus",
        "product-comparison",
    ] {
        let flow = example(name);
        for seed in 0..10 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let events = participant(&flow, &mut rng, &Hesitation::default(), 200);
            assert!(
                matches!(
                    events.last().map(|e| &e.kind),
                    Some(crate::session::EventKind::SessionEnd { .. })
                ),
                "{name} seed {seed}: {events:?}"
            );
            assert_eq!(replayed(&flow, &events), events, "{name} seed {seed}");
        }
    }
}
