//! A session's task attempts as reports and exports count them: the path walked, its
//! backtracks, how the attempt ended, whether its first choice was on an expected path,
//! and its lostness. `mvx report` and `mvx export` both read attempts from here.

use super::{EventKind, Session, TaskEnding, TaskOutcome};

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
    /// The step each backtrack left: an Esc, or a move to a step already visited.
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

/// An attempt being read.
struct Open {
    task: String,
    path: Vec<String>,
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
                open = Some(Open {
                    task: task.clone(),
                    path: Vec::new(),
                    backtracks: Vec::new(),
                    first_move: None,
                    led_to: None,
                    end_word: None,
                });
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
                    done.push(attempt.close(ending, Some(*duration_ms), expected));
                }
            }
            kind => {
                if let Some(attempt) = open.as_mut() {
                    attempt.event(kind);
                }
            }
        }
    }
    done.extend(open.map(|a| a.close(TaskEnding::CutOff, None, expected)));
    done
}

impl Open {
    fn event(&mut self, kind: &EventKind) {
        let (step, to, back) = match kind {
            EventKind::Show { step } => {
                self.path.push(step.clone());
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
        if back || self.path.contains(to) {
            self.backtracks.push(step.clone());
        }
        self.first_move
            .get_or_insert_with(|| (step.clone(), to.clone()));
        self.led_to = Some(to.clone());
    }

    fn close(
        mut self,
        ending: TaskEnding,
        duration_ms: Option<u64>,
        expected: &std::collections::BTreeMap<String, Vec<Vec<String>>>,
    ) -> Attempt {
        if let Some(to) = self.led_to.take().filter(|to| self.path.last() != Some(to)) {
            self.path.push(to);
        }
        let expected = expected.get(&self.task).filter(|paths| !paths.is_empty());
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
            .and_then(|shortest| lostness(&self.path, shortest));
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
}

/// Smith (1996): `√((N/S - 1)² + (R/N - 1)²)`, with S the steps visited (revisits
/// included), N the distinct steps among them and R the steps of the shortest expected
/// path. 0 is a perfect path; above 0.5 people are lost, below 0.4 they are not.
pub fn lostness(path: &[String], shortest: usize) -> Option<f64> {
    let visited = path.len() as f64;
    let mut distinct: Vec<&String> = path.iter().collect();
    distinct.sort();
    distinct.dedup();
    let distinct = distinct.len() as f64;
    if visited == 0.0 || shortest == 0 {
        return None;
    }
    let r = shortest as f64;
    Some(((distinct / visited - 1.0).powi(2) + (r / distinct - 1.0).powi(2)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[&str]) -> Vec<String> {
        steps.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Smith's own example shapes, worked by hand: a perfect path is 0; visiting 6
    /// steps, 5 of them distinct, where 3 were needed: √((5/6-1)² + (3/5-1)²) = 0.4333.
    #[test]
    fn lostness_is_smiths_measure() {
        assert_eq!(lostness(&path(&["a", "b", "c"]), 3), Some(0.0));
        let l = lostness(&path(&["a", "x", "a", "y", "b", "c"]), 3).expect("a value");
        assert!((l - 0.433_333).abs() < 1e-5, "{l}");
    }
}
