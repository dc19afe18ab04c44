//! One flow version worded: its sessions, tasks, friction, steps, paths, verdicts,
//! notes and questionnaire scores, with the charts HTML draws beside them.

use crate::format::{self, minutes_seconds, or_missing, percent_interval, seconds_or_missing};
use crate::report::cells::{self, TASK_COLUMNS};
use crate::report::document::{
    Block, Chart, Column, Document, Item, Line, OutcomeRow, PathNode, Piece, columns,
};
use crate::report::figures::{FlowVersion, PathCount, TaskFigures};
use crate::report::screen::{Illustrations, VersionKey};
use crate::report::tally::NoteBy;
use crate::report::verdicts::{Share, Verdict};

/// The page's pictures of a version's steps, and the version's key among them.
pub(super) type Shown<'a> = (&'a Illustrations, &'a VersionKey);

pub(super) fn blocks(version: &FlowVersion, shown: Shown<'_>, doc: &mut Document) {
    let s = &version.sessions;
    let sha: String = version.sha256.chars().take(12).collect();
    let repeats = match s.repeats_left_out {
        0 => String::new(),
        n => format!(
            "; {n} later session{} of repeated participants left out",
            if n == 1 { "" } else { "s" }
        ),
    };
    doc.push(Block::Heading(
        3,
        Line::text("Variant ")
            .code(version.variant_name())
            .and(format!(
                " (flow file {sha}…): {} session{}, {} complete, {} aborted, {} cut off{repeats}",
                s.total,
                if s.total == 1 { "" } else { "s" },
                s.complete,
                s.aborted,
                s.cut_off
            )),
    ));
    doc.push(Block::Heading(4, Line::text("Tasks")));
    let numeric = TASK_COLUMNS.iter().enumerate().map(|(i, name)| Column {
        name,
        numeric: i > 0,
    });
    doc.push(Block::Table {
        columns: numeric.collect(),
        rows: version.tasks.iter().map(task_row).collect(),
    });
    for task in &version.tasks {
        doc.push(Block::Paragraph(
            Line::text("Endings of ")
                .code(&task.task)
                .and(format!(": {}", cells::endings(task))),
        ));
    }
    task_charts(version, doc);
    first_choices(version, doc);
    if !version.friction.is_empty() {
        doc.push(Block::Heading(4, Line::text("Friction (top five)")));
        let lines = version.friction.iter().map(|f| {
            Line::default().code(&f.step).and(format!(
                " (score {}): {}",
                format::number(f.score, 2),
                f.reason.text()
            ))
        });
        doc.push(Block::Numbered(lines.collect()));
    }
    steps(version, shown, doc);
    for task in &version.tasks {
        paths(task, doc);
    }
    if !version.verdicts.is_empty() {
        doc.push(Block::Heading(4, Line::text("Verdicts")));
        doc.push(Block::List(version.verdicts.iter().map(verdict).collect()));
        for verdict in &version.verdicts {
            if let Some(chart) = answers_chart(verdict) {
                doc.push(Block::Chart(chart));
            }
        }
    }
    if !version.notes.is_empty() {
        doc.push(Block::Heading(4, Line::text("Notes")));
        let notes = version.notes.iter().map(|note| {
            // A note kept beside the session may be an observer's, a reviewer's or a
            // coder's: its author says who; the researcher's is the researcher's.
            let by = match (note.by, &note.author) {
                (NoteBy::Researcher, Some(author)) => format!("researcher, {author}"),
                (NoteBy::Observer, Some(author)) => author.clone(),
                (by, None) => by.word().to_owned(),
            };
            Line::text(format!(
                "{} at {} ({by}): {}",
                note.participant,
                minutes_seconds(note.at_ms),
                note.text
            ))
        });
        doc.push(Block::list(notes.collect()));
    }
    for score in &version.scores.0 {
        if let Some(mean) = &score.mean {
            let label = score.questionnaire.label;
            let words = format!("{label}: {}", cells::mean_with_interval(mean, 1));
            doc.push(Block::Paragraph(Line::text(words)));
        }
    }
}

fn task_row(task: &TaskFigures) -> Vec<Line> {
    let [id, rest @ ..] = cells::task_row(task);
    std::iter::once(Line::default().code(id))
        .chain(rest.into_iter().map(Line::text))
        .collect()
}

fn steps(version: &FlowVersion, (shown, key): Shown<'_>, doc: &mut Document) {
    doc.push(Block::Heading(4, Line::text("Steps")));
    let rows = version
        .steps
        .iter()
        .filter(|s| !s.hesitations_s.is_empty())
        .map(|s| {
            (
                s.step.clone(),
                s.hesitations_s.clone(),
                s.hesitation_median_s,
                None,
            )
        });
    doc.push(Block::Chart(Chart::Strips {
        title: "Hesitation per step, in seconds".into(),
        rows: rows.collect(),
    }));
    let rows = version.steps.iter().map(|step| {
        let choices: Vec<String> = step
            .choices
            .iter()
            .map(|(c, n)| format!("{c} ×{n}"))
            .collect();
        // The step's screen beside its figures, and where the replays show it.
        let mut first = Line::default().code(&step.step);
        if let Some(screen) = shown.screens.get(key, &step.step) {
            first = first.with(Piece::Screen(Box::new(screen.clone())));
        }
        for moment in shown.moments(key, &step.step) {
            first = first.with(Piece::Moment(moment.clone()));
        }
        let mut row = vec![first];
        row.extend(
            [
                step.visits.to_string(),
                seconds_or_missing(step.hesitation_median_s),
                seconds_or_missing(step.hesitation_p90_s),
                seconds_or_missing(step.decision_median_s),
                seconds_or_missing(step.decision_p90_s),
                step.backtracks.to_string(),
                step.drop_offs.to_string(),
                choices.join(", "),
            ]
            .map(Line::text),
        );
        row
    });
    doc.push(Block::Table {
        columns: columns(&[
            "step",
            "#visits",
            "#hesitation median",
            "#p90",
            "#decision median",
            "#p90",
            "#backtracks",
            "#drop-offs",
            "choices",
        ]),
        rows: rows.collect(),
    });
    if let Some(line) = anticipations(version) {
        doc.push(Block::Paragraph(line));
    }
    for step in version.steps.iter().filter(|s| s.choices.len() > 1) {
        doc.push(Block::Chart(Chart::Bars {
            title: format!("Choices made on {}", step.step),
            rows: counted(&step.choices),
        }));
    }
}

/// The moves left out of the steps' hesitation and decision figures as anticipations, per
/// step; nothing when there were none, so reports without any read as before.
fn anticipations(version: &FlowVersion) -> Option<Line> {
    let steps: Vec<_> = version
        .steps
        .iter()
        .filter(|s| s.anticipations > 0)
        .collect();
    let total: usize = steps.iter().map(|s| s.anticipations).sum();
    if total == 0 {
        return None;
    }
    let mut line = Line::text(format!(
        "{total} anticipation{} (moves under {} ms) left out of the hesitation and decision \
         figures: ",
        if total == 1 { "" } else { "s" },
        version.anticipation_ms
    ));
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            line = line.and(", ");
        }
        line = line
            .code(&step.step)
            .and(format!(" {}", step.anticipations));
    }
    Some(line.and("."))
}

/// Bars of counts, each labelled.
fn counted<T: ToString>(counts: &[(T, usize)]) -> Vec<(String, f64, String)> {
    counts
        .iter()
        .map(|(label, n)| (label.to_string(), *n as f64, n.to_string()))
        .collect()
}

fn paths(task: &TaskFigures, doc: &mut Document) {
    doc.push(Block::Heading(4, Line::text("Paths of ").code(&task.task)));
    let rows = task.paths.iter().map(|path| {
        vec![
            Line::text(format::path(&path.path)),
            Line::text(path.outcome.word()),
            Line::text(path.count.to_string()),
        ]
    });
    doc.push(Block::Table {
        columns: columns(&["path", "outcome", "#attempts"]),
        rows: rows.collect(),
    });
    let expected: Option<Vec<&str>> =
        (task.funnel_expected).then(|| task.funnel.iter().map(|(step, _)| step.as_str()).collect());
    let nodes = path_tree(&task.paths, expected.as_deref());
    if !nodes.is_empty() {
        let title = format!(
            "Where the attempts at {} went, step by step (at most {TREE_DEPTH} steps deep); \
             the expected path outlined, those who ended at a step marked at its right",
            task.task
        );
        doc.push(Block::Chart(Chart::Paths { title, nodes }));
    }
    if task.funnel.is_empty() {
        return;
    }
    let along = if task.funnel_expected {
        "the expected path"
    } else {
        "the most frequent successful path"
    };
    let mut line = Line::text(format!(
        "Funnel along {along}, attempts that walked it as far as each step: "
    ));
    for (i, (step, n)) in task.funnel.iter().enumerate() {
        if i > 0 {
            line = line.and(format::ARROW);
        }
        line = line.code(step).and(format!(" {n}"));
    }
    doc.push(Block::Paragraph(line));
    doc.push(Block::Chart(Chart::Bars {
        title: "Funnel".into(),
        rows: counted(&task.funnel),
    }));
}

fn verdict(verdict: &Verdict) -> Item {
    let mut parts = Vec::new();
    if !verdict.options.is_empty() {
        let options: Vec<String> = verdict
            .options
            .iter()
            .map(|(o, n)| format!("{o} {n}"))
            .collect();
        parts.push(options.join(", "));
    }
    if let Some(yes) = &verdict.yes {
        parts.push(format!(
            "Yes: {}/{} ({})",
            yes.count,
            yes.of,
            or_missing(yes.interval.map(percent_interval))
        ));
    }
    if let Some(standard) = &verdict.standard {
        parts.push(standard.text());
    }
    if let Some(scale) = &verdict.scale {
        let distribution: Vec<String> = verdict
            .distribution
            .iter()
            .map(|(v, n)| format!("{v}: {n}"))
            .collect();
        parts.push(format!(
            "mean {}; {}",
            cells::mean_with_interval(scale, 2),
            distribution.join(", ")
        ));
    }
    Item {
        line: Line::default()
            .code(&verdict.question)
            .and(format!(": {}", parts.join("; "))),
        under: verdict
            .texts
            .iter()
            .map(|(participant, text)| Line::text(format!("{participant}: “{text}”")))
            .collect(),
    }
}

/// The answers to a question as bars: its options, or the values of its scale.
/// Each answer's share of those given, with its 95% interval (adjusted Wald).
fn answers_chart(verdict: &Verdict) -> Option<Chart> {
    let counts: Vec<(String, usize)> = match verdict.options.is_empty() {
        true => (verdict.distribution.iter())
            .map(|(value, n)| (value.to_string(), *n))
            .collect(),
        false => verdict.options.clone(),
    };
    let rows: Vec<(String, f64, f64, f64)> = (counts.iter())
        .filter_map(|(label, n)| {
            let share = Share::new(*n, verdict.answers);
            let interval = share.interval?;
            let label = format!("{label} ({n} of {})", verdict.answers);
            Some((label, share.rate()?, interval.low, interval.high))
        })
        .collect();
    (!rows.is_empty()).then(|| Chart::Intervals {
        title: format!(
            "Answers to {}: each answer's share, with its 95% interval",
            verdict.question
        ),
        rows,
    })
}

/// Each task's attempts as a stacked bar of how they ended, with the completion
/// interval over it, and each task's successful times as dots, the geometric mean marked.
/// A version's tasks' outcome and time charts, a row per task.
fn task_charts(version: &FlowVersion, doc: &mut Document) {
    let tasks: Vec<(String, &TaskFigures)> = (version.tasks.iter())
        .map(|t| (t.task.clone(), t))
        .collect();
    outcome_and_time_charts(&tasks, doc);
}

/// How each labelled task's attempts ended, and each one's successful times with the
/// geometric mean: a row per label in each chart.
pub(super) fn outcome_and_time_charts(tasks: &[(String, &TaskFigures)], doc: &mut Document) {
    let counted: Vec<&(String, &TaskFigures)> = tasks.iter().filter(|t| t.1.counted > 0).collect();
    if counted.is_empty() {
        return;
    }
    let rows = counted.iter().map(|(label, task)| {
        let direct = task.direct_success.count;
        let counts = [
            direct,
            task.indirect_success,
            task.failures,
            task.gave_up,
            task.timed_out,
        ];
        let interval = task.completion.as_ref().map(|c| (c.low, c.high));
        let words = format!(
            "{}: of {} counted attempts, {} direct successes, {} indirect, {} failures, {} gave up, {} timed out{}.",
            label,
            task.counted,
            counts[0],
            counts[1],
            counts[2],
            counts[3],
            counts[4],
            match &task.completion {
                Some(c) => format!(
                    "; completion {} (95% interval {}–{})",
                    format::percent(task.successes as f64 / task.counted as f64),
                    format::percent(c.low),
                    format::percent(c.high)
                ),
                None => String::new(),
            }
        );
        OutcomeRow {
            label: label.clone(),
            counts,
            interval,
            words,
        }
    });
    doc.push(Block::Chart(Chart::Outcomes {
        title: "How each task's attempts ended, the completion interval bracketed".into(),
        rows: rows.collect(),
    }));
    let timed: Vec<&&(String, &TaskFigures)> = counted
        .iter()
        .filter(|t| !t.1.success_times_s.is_empty())
        .collect();
    if !timed.is_empty() {
        doc.push(Block::Chart(Chart::Strips {
            title: "Time on task of each successful attempt, in seconds; the geometric mean \
                    marked, its 95% interval shaded"
                .into(),
            rows: (timed.iter())
                .map(|(label, t)| {
                    (
                        label.clone(),
                        t.success_times_s.clone(),
                        t.time_geometric_mean_s,
                        t.time_interval_s.map(|i| (i.low, i.high)),
                    )
                })
                .collect(),
        }));
    }
}

/// Each task's first choice on an expected path, as a share of the attempts that made
/// one, with its 95% interval (adjusted Wald), Treejack's first-click success.
fn first_choices(version: &FlowVersion, doc: &mut Document) {
    let rows: Vec<(String, f64, f64, f64)> = (version.tasks.iter())
        .filter_map(|task| {
            let share = task.first_choice_right.as_ref()?;
            let interval = share.interval?;
            let label = format!("{} ({} of {})", task.task, share.count, share.of);
            Some((label, share.rate()?, interval.low, interval.high))
        })
        .collect();
    if !rows.is_empty() {
        doc.push(Block::Chart(Chart::Intervals {
            title: "First choice on an expected path, with its 95% interval".into(),
            rows,
        }));
    }
}

/// Steps of a path tree drawn: a path longer than this is drawn to its sixth step, whose
/// node counts the attempts that went on as ending there.
const TREE_DEPTH: usize = 6;

/// A task's paths as a tree of their prefixes: a node per step walked after the same
/// steps, as many attempts as walked it, those that ended there by outcome, parents
/// before children and, in a column, the children of earlier nodes first, the larger
/// first.
fn path_tree(paths: &[PathCount], expected: Option<&[&str]>) -> Vec<PathNode> {
    use crate::session::{TaskEnding, TaskOutcome};
    // The trie, nodes in the order made.
    let mut nodes: Vec<PathNode> = Vec::new();
    for path in paths {
        let mut parent = None;
        let steps = &path.path[..path.path.len().min(TREE_DEPTH)];
        for (depth, step) in steps.iter().enumerate() {
            let found = (nodes.iter())
                .position(|n| n.parent == parent && n.depth == depth && n.step == *step);
            let at = found.unwrap_or_else(|| {
                let on_expected = expected.is_some_and(|e| {
                    e.len() > depth
                        && path.path[..=depth]
                            .iter()
                            .zip(e.iter())
                            .all(|(a, b)| a == b)
                });
                nodes.push(PathNode {
                    step: step.clone(),
                    depth,
                    parent,
                    attempts: 0,
                    succeeded_here: 0,
                    failed_here: 0,
                    expected: on_expected,
                });
                nodes.len() - 1
            });
            nodes[at].attempts += path.count;
            parent = Some(at);
        }
        if let Some(last) = parent {
            match path.outcome == TaskEnding::Ended(TaskOutcome::Success) {
                true => nodes[last].succeeded_here += path.count,
                false => nodes[last].failed_here += path.count,
            }
        }
    }
    // Column by column: the children of earlier nodes first, the larger first.
    let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut place = vec![usize::MAX; nodes.len()];
    for depth in 0..TREE_DEPTH {
        let mut column: Vec<usize> = (0..nodes.len())
            .filter(|i| nodes[*i].depth == depth)
            .collect();
        column.sort_by_key(|i| {
            let parent = nodes[*i].parent.map_or(0, |p| place[p]);
            (parent, std::cmp::Reverse(nodes[*i].attempts))
        });
        for i in column {
            place[i] = order.len();
            order.push(i);
        }
    }
    order
        .iter()
        .map(|i| {
            let mut node = nodes[*i].clone();
            node.parent = node.parent.map(|p| place[p]);
            node
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{TaskEnding, TaskOutcome};

    fn path(steps: &str, outcome: TaskEnding, count: usize) -> PathCount {
        PathCount {
            path: steps.split(' ').map(str::to_owned).collect(),
            outcome,
            count,
        }
    }

    /// Six attempts from `home`: three succeed along the expected `home a b`, one fails
    /// at `a`, two fail at `c`. The tree counts each prefix, parents first, the larger
    /// child first, and marks where attempts ended and how.
    #[test]
    fn a_path_tree_counts_each_prefix_and_where_attempts_ended() {
        let success = TaskEnding::Ended(TaskOutcome::Success);
        let failure = TaskEnding::Ended(TaskOutcome::Failure);
        let paths = [
            path("home c", failure.clone(), 2),
            path("home a b", success, 3),
            path("home a", failure, 1),
        ];
        let nodes = path_tree(&paths, Some(&["home", "a", "b"]));
        // (step, depth, parent, attempts, (ended succeeding, otherwise), expected)
        type Seen<'a> = (&'a str, usize, Option<usize>, usize, (usize, usize), bool);
        let seen: Vec<Seen> = (nodes.iter())
            .map(|n| {
                let ended = (n.succeeded_here, n.failed_here);
                (
                    n.step.as_str(),
                    n.depth,
                    n.parent,
                    n.attempts,
                    ended,
                    n.expected,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("home", 0, None, 6, (0, 0), true),
                ("a", 1, Some(0), 4, (0, 1), true),
                ("c", 1, Some(0), 2, (0, 2), false),
                ("b", 2, Some(1), 3, (3, 0), true),
            ]
        );
        // A path deeper than the tree is drawn to its last column, ending there.
        let long = (0..10)
            .map(|i| format!("s{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let nodes = path_tree(&[path(&long, TaskEnding::CutOff, 1)], None);
        assert_eq!(nodes.len(), TREE_DEPTH);
        assert_eq!(nodes[TREE_DEPTH - 1].failed_here, 1);
    }
}
