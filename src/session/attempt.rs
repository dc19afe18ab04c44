//! A session's task attempts as reports and exports count them: the path walked, its
//! backtracks, how the attempt ended, whether its first choice was on an expected path,
//! and its lostness. `mvx report` and `mvx export` both read attempts from here.
//!
//! A flow with memory can return to a step by design (order, then back home to pay), so
//! a step alone is not a place: a *node* is a step with the flow's memory (the variables'
//! values, from the session's `set` events) when it was shown.

use std::collections::BTreeMap;

use super::{EventKind, Session, TaskEnding, TaskOutcome};
use crate::flow::expr::Value;

/// One task attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub task: String,
    /// Steps in the order visited, revisits included: each step shown, and the step the
    /// last move led to (a task ends on it before it is shown).
    pub path: Vec<String>,
    pub ending: TaskEnding,
    /// The recorded duration, pauses left out; none for a cut-off attempt.
    pub duration_ms: Option<u64>,
    /// The step each backtrack left: an Esc; a move to a step already visited that no
    /// expected path takes; or a move back to a node (step and memory) already visited.
    pub backtracks: Vec<String>,
    /// Whether the first move led along an expected path; unknown without expected
    /// paths (older sessions) or without a move.
    pub first_choice_right: Option<bool>,
    /// Smith's (1996) lostness of a successful attempt, when its expected paths are known.
    pub lostness: Option<f64>,
}

impl Attempt {
    /// Succeeded without a single backtrack.
    pub fn direct_success(&self) -> bool {
        self.ending.is_success() && self.backtracks.is_empty()
    }
}

/// What the flow remembers at a moment: each variable a `set` of this attempt gave a
/// value. A variable no `set` named is at its first value, the same all along.
type Memory = BTreeMap<String, Value>;

/// An attempt being read.
struct Open<'e> {
    task: String,
    path: Vec<String>,
    /// The memory each step of `path` was shown with: with it, the path's nodes.
    memories: Vec<Memory>,
    memory: Memory,
    /// After an Esc, the memory is the one the step gone back to was shown with; the
    /// `set`s that restore it until the next screen say nothing new.
    restoring: bool,
    /// A move to a step already visited, judged once the memory after it is known.
    revisit: Option<(String, String)>,
    /// The task's expected paths.
    expected: &'e [Vec<String>],
    backtracks: Vec<String>,
    first_move: Option<(String, String)>,
    led_to: Option<String>,
    end_word: Option<String>,
}

/// Every attempt of the session, in order; one still open when the recording stopped
/// is cut off.
pub fn attempts(session: &Session) -> Vec<Attempt> {
    let expected = &session.header.flow.expected;
    let mut done = Vec::new();
    let mut open: Option<Open> = None;
    for event in &session.events {
        match &event.kind {
            EventKind::TaskStart { task } => {
                open = Some(Open::new(
                    task,
                    expected.get(task).map(Vec::as_slice).unwrap_or_default(),
                ));
            }
            EventKind::TaskEnd {
                outcome,
                duration_ms,
                ..
            } => {
                if let Some(attempt) = open.take() {
                    let ending = match (outcome, attempt.end_word.clone()) {
                        (TaskOutcome::Failure, Some(word)) => TaskEnding::EndStep(word),
                        (outcome, _) => TaskEnding::Ended(*outcome),
                    };
                    done.push(attempt.close(ending, Some(*duration_ms)));
                }
            }
            kind => {
                if let Some(attempt) = open.as_mut() {
                    attempt.event(kind);
                }
            }
        }
    }
    done.extend(open.map(|a| a.close(TaskEnding::CutOff, None)));
    done
}

impl<'e> Open<'e> {
    fn new(task: &str, expected: &'e [Vec<String>]) -> Self {
        Open {
            task: task.to_owned(),
            path: Vec::new(),
            memories: Vec::new(),
            memory: Memory::new(),
            restoring: false,
            revisit: None,
            expected,
            backtracks: Vec::new(),
            first_move: None,
            led_to: None,
            end_word: None,
        }
    }

    fn event(&mut self, kind: &EventKind) {
        let (step, to, back) = match kind {
            EventKind::Show { step } => {
                self.judge_revisit();
                self.restoring = false;
                self.path.push(step.clone());
                self.memories.push(self.memory.clone());
                return;
            }
            EventKind::Set { name, value } => {
                if !self.restoring {
                    self.memory.insert(name.clone(), value.clone());
                }
                return;
            }
            EventKind::End { outcome, .. } if outcome != "success" && outcome != "failure" => {
                self.end_word = Some(outcome.clone());
                return;
            }
            EventKind::Choose { step, to, .. }
            | EventKind::Continue { step, to, .. }
            | EventKind::Input { step, to, .. } => (step, to, false),
            EventKind::Back { step, to, .. } => (step, to, true),
            _ => return,
        };
        self.judge_revisit();
        if back {
            self.backtracks.push(step.clone());
            if let Some(i) = self.path.iter().rposition(|s| s == to) {
                self.memory = self.memories[i].clone();
                self.restoring = true;
            }
        } else if self.path.contains(to) {
            self.revisit = Some((step.clone(), to.clone()));
        }
        self.first_move
            .get_or_insert_with(|| (step.clone(), to.clone()));
        self.led_to = Some(to.clone());
    }

    /// A move back to a step already visited is a backtrack when no expected path makes
    /// that move, or when it returns to a node already visited (the step, and the flow
    /// remembering nothing new).
    fn judge_revisit(&mut self) {
        let Some((from, to)) = self.revisit.take() else {
            return;
        };
        let expected = self
            .expected
            .iter()
            .any(|p| p.windows(2).any(|w| w[0] == from && w[1] == to));
        let again = self
            .path
            .iter()
            .zip(&self.memories)
            .any(|(step, memory)| *step == to && *memory == self.memory);
        if again || !expected {
            self.backtracks.push(from);
        }
    }

    fn close(mut self, ending: TaskEnding, duration_ms: Option<u64>) -> Attempt {
        self.judge_revisit();
        if let Some(to) = self.led_to.take().filter(|to| self.path.last() != Some(to)) {
            self.path.push(to);
            self.memories.push(self.memory.clone());
        }
        let expected = Some(self.expected).filter(|paths| !paths.is_empty());
        let first_choice_right =
            expected
                .zip(self.first_move.as_ref())
                .map(|(paths, (from, to))| {
                    paths
                        .iter()
                        .any(|p| p.first() == Some(from) && p.get(1) == Some(to))
                });
        let lostness = expected
            .filter(|_| ending.is_success())
            .and_then(|paths| paths.iter().map(Vec::len).min())
            .and_then(|shortest| lostness(self.path.len(), self.distinct_nodes(), shortest));
        Attempt {
            task: self.task,
            path: self.path,
            ending,
            duration_ms,
            backtracks: self.backtracks,
            first_choice_right,
            lostness,
        }
    }

    /// The distinct (step, memory) nodes among those visited.
    fn distinct_nodes(&self) -> usize {
        let nodes: Vec<(&String, &Memory)> = self.path.iter().zip(&self.memories).collect();
        nodes
            .iter()
            .enumerate()
            .filter(|(i, node)| !nodes[..*i].contains(node))
            .count()
    }
}

/// Smith (1996): `√((N/S - 1)² + (R/N - 1)²)`, with S the nodes visited (revisits
/// included), N the distinct nodes among them and R the steps of the shortest expected
/// path. A node is a step with the flow's memory, so a path that returns to a step by
/// design, remembering something new, is not lost. 0 is a perfect path; above 0.5
/// people are lost, below 0.4 they are not.
pub fn lostness(visited: usize, distinct: usize, shortest: usize) -> Option<f64> {
    if visited == 0 || distinct == 0 || shortest == 0 {
        return None;
    }
    let (s, n, r) = (visited as f64, distinct as f64, shortest as f64);
    Some(((n / s - 1.0).powi(2) + (r / n - 1.0).powi(2)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Event, FlowRef, Header, SCHEMA, TerminalInfo, Timing};

    /// A session of one task `t` whose expected path is `expected`, made of `events`.
    fn session(expected: &[&str], events: Vec<EventKind>) -> Session {
        let header = Header {
            schema: SCHEMA.into(),
            session: "s".into(),
            flow: FlowRef {
                id: "f".into(),
                title: "F".into(),
                variant: None,
                path: "f.yaml".into(),
                sha256: "00".into(),
                expected: BTreeMap::from([(
                    "t".to_owned(),
                    vec![expected.iter().map(|s| (*s).to_owned()).collect()],
                )]),
                scales: BTreeMap::new(),
            },
            participant: "P01".into(),
            researcher: None,
            started_at: "2026-11-26T09:00:00Z".into(),
            terminal: TerminalInfo::sized(80, 24),
            transport: None,
            mvx: "test".into(),
            simulated: false,
            study: None,
        };
        let events = std::iter::once(EventKind::TaskStart { task: "t".into() })
            .chain(events)
            .enumerate()
            .map(|(i, kind)| Event {
                at_ms: i as u64 * 100,
                kind,
            })
            .collect();
        Session {
            path: None,
            header,
            events,
            cut: false,
            problems: Vec::new(),
        }
    }

    fn show(step: &str) -> EventKind {
        EventKind::Show { step: step.into() }
    }

    fn go(step: &str, to: &str) -> EventKind {
        EventKind::Choose {
            step: step.into(),
            choice: to.into(),
            to: to.into(),
            timing: Timing {
                hesitation_ms: 50,
                decision_ms: 50,
                input: Default::default(),
            },
        }
    }

    fn set(name: &str, value: bool) -> EventKind {
        EventKind::Set {
            name: name.into(),
            value: Value::Bool(value),
        }
    }

    /// home -> help -> home with something remembered on the way: a new node, but no
    /// expected path goes help -> home, so it is a backtrack all the same.
    #[test]
    fn a_revisit_off_the_expected_paths_is_a_backtrack_whatever_is_remembered() {
        let s = session(
            &["home", "pay", "paid"],
            vec![
                show("home"),
                go("home", "help"),
                show("help"),
                go("help", "home"),
                set("read", true),
                show("home"),
                go("home", "pay"),
                show("pay"),
                go("pay", "paid"),
            ],
        );
        let attempt = &attempts(&s)[0];
        assert_eq!(attempt.backtracks, ["help"]);
        assert_eq!(attempt.path, ["home", "help", "home", "pay", "paid"]);
    }

    /// The expected path home -> menu -> home taken without remembering anything new
    /// returns to a node already visited: a backtrack, and one node fewer for lostness.
    #[test]
    fn a_revisit_on_the_expected_path_with_nothing_new_remembered_is_a_backtrack() {
        let expected = ["home", "menu", "home", "paid"];
        let walk = |remember: bool| {
            let mut events = vec![show("home"), go("home", "menu"), show("menu")];
            events.push(go("menu", "home"));
            if remember {
                events.push(set("ordered", true));
            }
            events.extend([
                show("home"),
                go("home", "paid"),
                EventKind::TaskEnd {
                    task: "t".into(),
                    outcome: TaskOutcome::Success,
                    duration_ms: 500,
                },
            ]);
            attempts(&session(&expected, events)).remove(0)
        };
        let forgot = walk(false);
        assert_eq!(forgot.backtracks, ["menu"]);
        // S = 4, N = 3, R = 4: √((3/4 - 1)² + (4/3 - 1)²) = 0.416667.
        let l = forgot.lostness.expect("a success");
        assert!((l - 0.416_667).abs() < 1e-5, "{l}");
        let ordered = walk(true);
        assert!(ordered.direct_success());
        assert_eq!(ordered.lostness, Some(0.0));
    }

    /// One word per ending: the researcher's give-up is `gave up`; an end step whose own
    /// word reads as another ending is named as an end step; other words are kept.
    #[test]
    fn every_ending_has_one_word_of_its_own() {
        let words = [
            (TaskEnding::Ended(TaskOutcome::Abandoned), "gave up"),
            (TaskEnding::Ended(TaskOutcome::Timeout), "timed out"),
            (
                TaskEnding::EndStep("abandoned".into()),
                "end step \"abandoned\"",
            ),
            (
                TaskEnding::EndStep("gave-up".into()),
                "end step \"gave-up\"",
            ),
            (
                TaskEnding::EndStep("Time_Out".into()),
                "end step \"Time_Out\"",
            ),
            (TaskEnding::EndStep("partial".into()), "partial"),
            (TaskEnding::CutOff, "cut off"),
        ];
        for (ending, word) in &words {
            assert_eq!(ending.word(), *word);
        }
        assert_ne!(
            TaskEnding::Ended(TaskOutcome::Abandoned).cmp(&TaskEnding::EndStep("abandoned".into())),
            std::cmp::Ordering::Equal
        );
    }

    /// Smith's own example shapes, worked by hand: a perfect path is 0; visiting 6
    /// steps, 5 of them distinct, where 3 were needed: √((5/6-1)² + (3/5-1)²) = 0.4333.
    #[test]
    fn lostness_is_smiths_measure() {
        assert_eq!(lostness(3, 3, 3), Some(0.0));
        // a, x, a, y, b, c: 6 visited, 5 distinct.
        let l = lostness(6, 5, 3).expect("a value");
        assert!((l - 0.433_333).abs() < 1e-5, "{l}");
    }
}
