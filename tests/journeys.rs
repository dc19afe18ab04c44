//! Every example flow can be played from start to verdicts with the keyboard alone,
//! and every frame of the journey draws at 80x24 and 120x40.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use mvx::flow::{self, Answer, Flow, StepKind};
use mvx::player::input::{Action, Input, Key};
use mvx::player::{Mode, Player};
use mvx::session::{EventKind, SessionOutcome, TaskOutcome};
use mvx::tui::play_view::{Chrome, PlayView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The keys of the shortest path from `start` to a step that `done` accepts: a digit per
/// choice, Enter for info steps, typed text then Enter for inputs.
fn keys_to(flow: &Flow, start: &str, done: impl Fn(usize) -> bool) -> Vec<Key> {
    let index = flow.index();
    let mut came_from: HashMap<usize, (usize, Vec<Key>)> = HashMap::new();
    let start = index[start];
    let mut queue = VecDeque::from([start]);
    let goal = loop {
        let at = queue.pop_front().expect("a successful end is reachable");
        let step = &flow.steps[at];
        if done(at) {
            break at;
        }
        let exits: Vec<(Vec<Key>, &str)> = match &step.kind {
            StepKind::Choices(choices) => choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        vec![Key::Char(char::from(b'1' + i as u8))],
                        c.go.id.as_str(),
                    )
                })
                .collect(),
            StepKind::Input { go, .. } => vec![(
                vec![Key::Char('4'), Key::Char('0'), Key::Enter],
                go.id.as_str(),
            )],
            StepKind::Info { go } => vec![(vec![Key::Enter], go.id.as_str())],
            StepKind::End { .. } => Vec::new(),
        };
        for (keys, target) in exits {
            let next = index[target];
            if next != start && !came_from.contains_key(&next) {
                came_from.insert(next, (at, keys));
                queue.push_back(next);
            }
        }
    };
    let mut path = Vec::new();
    let mut at = goal;
    while let Some((previous, keys)) = came_from.get(&at) {
        path.splice(0..0, keys.iter().copied());
        at = *previous;
    }
    path
}

/// Each task: Enter on its brief, the way to a success step, Enter past it. A flow
/// without tasks: the way to an `end: success` step, then Enter.
fn task_keys(flow: &Flow) -> Vec<Key> {
    if flow.tasks.is_empty() {
        let success = |i: usize| matches!(&flow.steps[i].kind, StepKind::End { outcome } if outcome == "success");
        let mut keys = keys_to(flow, &flow.start.id, success);
        keys.push(Key::Enter);
        return keys;
    }
    let index = flow.index();
    let mut keys = Vec::new();
    for task in &flow.tasks {
        let success: Vec<usize> = task.success.iter().map(|t| index[t.id.as_str()]).collect();
        keys.push(Key::Enter);
        keys.extend(keys_to(flow, &task.start.id, |i| success.contains(&i)));
        keys.push(Key::Enter);
    }
    keys
}

fn answer_keys(flow: &Flow) -> Vec<Key> {
    flow.questions
        .iter()
        .flat_map(|q| match &q.answer {
            Answer::Options(_) => vec![Key::Down, Key::Enter],
            Answer::Scale(_) => vec![Key::Right, Key::Right, Key::Enter],
            Answer::Text => "Faster, please"
                .chars()
                .map(Key::Char)
                .chain([Key::Enter])
                .collect(),
        })
        .collect()
}

fn draw_at_both_sizes(player: &Player) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        let view = PlayView {
            player,
            scroll: 0,
            chrome: Chrome::Session {
                saved_to: "sessions/s.yaml",
            },
        };
        terminal
            .draw(|f| f.render_widget(&view, f.area()))
            .expect("draws");
    }
}

#[test]
fn every_example_and_starter_flow_plays_from_start_to_verdicts() {
    let examples = std::fs::read_dir("flows").expect("flows/");
    let starters = std::fs::read_dir("templates").expect("templates/ of mvx new");
    for entry in examples.chain(starters) {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n == "codebook.yaml") {
            continue; // the example flows' codebook, not a flow
        }
        let source = std::fs::read_to_string(&path)
            .expect("readable")
            .replace("NAME", "starter");
        let flow = flow::load(&source).expect("loads");
        let mut keys = task_keys(&flow);
        keys.extend(answer_keys(&flow));
        keys.push(Key::Char('q'));
        let mut player = Player::new(&flow);
        let mut events = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            draw_at_both_sizes(&player);
            player.shown(Duration::from_millis(i as u64 * 1_000));
            player.handle(Input {
                at: Duration::from_millis(i as u64 * 1_000 + 700),
                action: Action::Key(*key),
            });
            events.extend(player.take_events());
        }
        assert!(
            player.is_finished(),
            "{} did not finish: {:?}",
            path.display(),
            player.mode()
        );
        assert_eq!(
            player.mode(),
            &Mode::Closing {
                outcome: SessionOutcome::Complete
            }
        );
        let answers = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Answer { .. }))
            .count();
        assert_eq!(answers, flow.questions.len(), "{}", path.display());
        assert!(
            events.iter().any(|e| matches!(
                e.kind,
                EventKind::TaskEnd {
                    outcome: TaskOutcome::Success,
                    ..
                }
            )),
            "{} ends in success",
            path.display()
        );
    }
}
