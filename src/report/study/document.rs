//! A study's report worded as a document: the decision, progress, the variants, their
//! comparison (the per-flow comparison's table), order effects and the study's
//! questions. Markdown and HTML set the same blocks.

use super::{Comparison, Decision, EquivalenceCheck, Period, StudyReport};
use crate::flow::study::Design;
use crate::format::{self, MISSING};
use crate::report::comparison;
use crate::report::document::{Block, Document, Line, columns};
use crate::stats::Equivalence;

pub fn document(report: &StudyReport) -> Document {
    let status = &report.status;
    let mut doc = Document::default();
    doc.push(Block::Heading(
        1,
        Line::text(format!("Study {}: {}", status.study, status.title)),
    ));
    doc.push(Block::Heading(2, Line::text("Decision")));
    doc.push(Block::list(report.decision.iter().map(decision).collect()));
    progress(&mut doc, report);
    variants(&mut doc, report);
    comparisons(&mut doc, report);
    positions(&mut doc, report);
    questions(&mut doc, report);
    if let Some(returns) = &report.returns {
        super::returns::document::section(&mut doc, returns);
    }
    doc
}

/// `p = 0.012`, or `Holm-adjusted p = 0.024` beside three or more variants.
fn p_words(p: f64, holm: bool) -> String {
    match holm {
        true => format!("Holm-adjusted {}", format::p_value(p)),
        false => format::p_value(p),
    }
}

/// Said after a decision whose interval still holds no difference: the test and the
/// interval are of different methods and can disagree near the threshold.
const HOLDS_NONE: &str =
    " Its 95% interval, of another method than the test, still holds no difference.";

fn decision(item: &Decision) -> Line {
    match item {
        Decision::NoData => Line::text("No participant is counted yet: nothing to compare."),
        Decision::Completion {
            better,
            worse,
            difference,
            interval,
            p,
            holm,
            pairs,
            fragile,
        } => Line::default().strong(better).and(format!(
            " completed more often than {worse}: {} (95% interval {} to {}; {}){}.{}",
            format::points(*difference),
            format::points_end(interval.low),
            format::points_end(interval.high),
            p_words(*p, *holm),
            pairs.map_or(String::new(), |n| format!(
                ", paired on the {n} participants who tried both"
            )),
            [
                (interval.low <= 0.0, HOLDS_NONE),
                (
                    *fragile,
                    " Fragile: one participant's outcome changed would undo it."
                ),
            ]
            .into_iter()
            .filter_map(|(said, words)| said.then_some(words))
            .collect::<String>()
        )),
        Decision::Equivalence {
            baseline,
            variant,
            check,
        } => Line::default().strong(variant).and(format!(
            " against {baseline}, with the study's margin: {}.",
            equivalence_words(check, false)
        )),
        Decision::Time {
            faster,
            slower,
            ratio,
            interval,
            p,
            holm,
            pairs,
        } => Line::default().strong(faster).and(format!(
            " was faster than {slower}: {} of the time (95% interval {}; {}){}.{}",
            format::percent(*ratio),
            format::ratio_percent_interval(*interval),
            p_words(*p, *holm),
            pairs.map_or(String::new(), |(n, of)| format!(
                "; it rests on the {n} of {of} pairs where both succeeded"
            )),
            match interval.high >= 1.0 {
                true => HOLDS_NONE,
                false => "",
            }
        )),
        Decision::CannotTell {
            baseline,
            variant,
            needed_per_variant,
            more_per_variant,
            needed_in_all,
        } => {
            let needed = match (needed_per_variant, more_per_variant, needed_in_all) {
                (_, _, Some((n, more))) => format!(
                    " To detect the completion difference seen so far (5% level, 80% power) a within study needs about {n} participants in all, each trying {variant} and {baseline} (Connor's paired formula): {more} more."
                ),
                // Enough already, and still no difference: more of the same is no remedy.
                (Some(n), Some(0), None) => format!(
                    " A between study of {n} participants per variant would find the completion difference seen so far 80% of the time (5% level, exact power of the test above); this one has that many, so the difference may be smaller than it looks, or chance."
                ),
                (Some(n), Some(more), None) => format!(
                    " To detect the completion difference seen so far (5% level, 80% power, exact for the test above) a between study needs about {n} participants per variant: {more} more each."
                ),
                _ => " The completion rates seen so far are the same, so no number of participants is estimated.".to_owned(),
            };
            Line::text(format!(
                "The study cannot tell {variant} and {baseline} apart on completion yet.{needed}"
            ))
        }
    }
}

fn progress(doc: &mut Document, report: &StudyReport) {
    let status = &report.status;
    let target = status.target_words();
    doc.push(Block::Heading(2, Line::text("Progress")));
    doc.push(Block::Paragraph(Line::text(format!(
        "{} design, {target}; {} participants counted.",
        status.design.word(),
        status.participants
    ))));
    doc.push(Block::Table {
        columns: columns(&["variant", "#counted", "#declined", "#technical aborts"]),
        rows: status
            .variants
            .iter()
            .map(|v| {
                vec![
                    Line::text(&v.name),
                    Line::text(v.counted.to_string()),
                    Line::text(v.declined.to_string()),
                    Line::text(v.technical_aborts.to_string()),
                ]
            })
            .collect(),
    });
    if !status.seen_twice.is_empty() {
        doc.push(Block::Paragraph(Line::text(format!(
            "Seen twice (their first session is counted): {}.",
            status.seen_twice.join(", ")
        ))));
    }
}

fn variants(doc: &mut Document, report: &StudyReport) {
    doc.push(Block::Heading(2, Line::text("Variants")));
    doc.push(Block::Paragraph(Line::text(
        "Completed: succeeded at every task. Time: geometric mean of the completed participants' task time.",
    )));
    let rows = report.variants.iter().map(|v| {
        let share = match v.participants {
            0 => MISSING.to_owned(),
            n => format!(
                "{} of {n} ({})",
                v.completed,
                format::percent(v.completed as f64 / n as f64)
            ),
        };
        let (time, time_interval) = match v.time {
            Some((t, i)) => (
                format!("{}{}", format::seconds(t), format::small_n(v.completed)),
                i.map_or(MISSING.into(), format::seconds_interval),
            ),
            None => (MISSING.into(), MISSING.into()),
        };
        let interval = v
            .completion
            .map_or(MISSING.into(), format::percent_interval);
        [
            v.variant.clone(),
            v.participants.to_string(),
            share,
            interval,
            time,
            time_interval,
        ]
        .into_iter()
        .map(Line::text)
        .collect()
    });
    doc.push(Block::Table {
        columns: columns(&[
            "variant",
            "#participants",
            "#completed",
            "95% interval",
            "#time",
            "95% interval",
        ]),
        rows: rows.collect(),
    });
}

fn comparisons(doc: &mut Document, report: &StudyReport) {
    let Some(first) = report.comparisons.first() else {
        return;
    };
    let (completion_test, time_test) = match report.status.design {
        Design::Between => (
            "Campbell's rule (the N-1 two-proportion test, Fisher–Irwin when an expected count is under 1)",
            "Welch's t on log times",
        ),
        Design::Within => (
            "McNemar's mid-p test on those who tried both, Bonett & Price's paired interval",
            "paired t on log times of those who succeeded with both; questionnaires: paired t on those who answered with both",
        ),
    };
    let holm = match first.holm {
        true => " p-values are Holm-adjusted across the variants compared with this baseline.",
        false => "",
    };
    doc.push(Block::Heading(
        2,
        Line::text(format!("Compared with {}", first.baseline)),
    ));
    doc.push(Block::Paragraph(Line::text(format!(
        "Completion: {completion_test}; time: {time_test}.{holm} Differences are variant − baseline. Sources: docs/statistics.md."
    ))));
    for c in &report.comparisons {
        comparison(doc, c);
    }
}

/// `Completion equivalent within ±10 points (90% interval −3 to +8 points; two
/// one-sided tests, p = 0.012)`, `... not equivalent ...`, `... inconclusive ...`.
fn equivalence(check: &EquivalenceCheck) -> Line {
    Line::text(equivalence_words(check, true))
}

/// The equivalence line's words, its figure's name capitalised as a sentence's start.
fn equivalence_words(check: &EquivalenceCheck, capital: bool) -> String {
    let t = &check.tost;
    let (figure, margin, interval) = match check.figure.as_str() {
        "completion" => (
            if capital { "Completion" } else { "completion" },
            format!("±{} points", (check.margin * 1e4).round() / 100.0),
            format!(
                "{} to {}",
                format::points_end(t.interval.low),
                format::points_end(t.interval.high)
            ),
        ),
        _ => (
            if capital { "Time" } else { "time" },
            format!("{}× either way", (check.margin * 1e3).round() / 1e3),
            format!(
                "{} to {} of the baseline's",
                format::multiple_end(t.interval.low, 2),
                format::multiple_end(t.interval.high, 2)
            ),
        ),
    };
    let verdict = match t.verdict {
        Equivalence::Equivalent => format!("equivalent within {margin}"),
        Equivalence::NotEquivalent => {
            format!("not equivalent within {margin}: the whole interval lies beyond the margin")
        }
        Equivalence::Inconclusive => {
            format!("inconclusive for a margin of {margin}: the interval crosses it")
        }
    };
    format!(
        "{figure} {verdict} (90% interval {interval}; two one-sided tests, {})",
        format::p_value(t.p_value)
    )
}

fn comparison(doc: &mut Document, c: &Comparison) {
    doc.push(Block::Heading(3, Line::text(&c.variant)));
    doc.push(comparison::table(&c.rows));
    let mut notes = Vec::new();
    if let Some((only_v, only_b)) = c.discordant {
        notes.push(Line::text(format!(
            "Completed with one only: {only_v} with {}, {only_b} with {}",
            c.variant, c.baseline
        )));
    }
    if let Some(exact) = c.completion_exact {
        notes.push(Line::text(format!(
            "McNemar's exact conditional test, beside the mid-p: {}",
            format::p_value(exact.p_value)
        )));
    }
    for b in &c.basis {
        notes.push(Line::text(format!(
            "{} rests on {} of the {} participants who tried both",
            b.figure, b.pairs, b.of
        )));
    }
    if let Some(n) = c.needed_in_all {
        notes.push(Line::text(format!(
            "A within study would need about {n} participants in all, each trying {} and {}, to detect this completion difference",
            c.variant, c.baseline
        )));
    }
    if let Some(n) = c.needed_per_variant {
        notes.push(Line::text(format!(
            "A between study would need about {n} participants per variant to detect this completion difference"
        )));
    }
    notes.extend(c.equivalence.iter().map(equivalence));
    if !notes.is_empty() {
        doc.push(Block::list(notes));
    }
}

fn positions(doc: &mut Document, report: &StudyReport) {
    if report.positions.is_empty() {
        return;
    }
    doc.push(Block::Heading(2, Line::text("Order effects")));
    doc.push(Block::Paragraph(Line::text(match report.period {
        Some(_) => "Each variant by the position it was played in.",
        None => "Each variant by the position it was played in, as played; not tested here.",
    })));
    let rows = report.positions.iter().map(|p| {
        let time = p.time.map_or(MISSING.into(), |(t, _)| format::seconds(t));
        [
            p.position.to_string(),
            p.participants.to_string(),
            p.completed.to_string(),
            time,
        ]
        .into_iter()
        .map(Line::text)
        .collect()
    });
    doc.push(Block::Table {
        columns: columns(&["#position", "#participants", "#completed", "#time"]),
        rows: rows.collect(),
    });
    if let Some(period) = &report.period {
        doc.push(Block::Paragraph(Line::text(period_words(period))));
    }
}

/// The period effect in words, and what this design cannot tell.
fn period_words(period: &Period) -> String {
    let (first_baseline, first_variant) = period.groups;
    let figure = format!(
        "sessions played second took {} of the time of those played first (95% interval {}; {})",
        format::percent(period.ratio),
        format::percent_interval(period.interval),
        format::test(Some(period.test)),
    );
    let said = match period.test.p_value < 0.05 {
        true => format!("Period effect: {figure}."),
        false => format!("No period effect detected: {figure}."),
    };
    format!(
        "{said} Tested as a 2×2 crossover on the {} participants who succeeded with both ({first_baseline} played the baseline first, {first_variant} the variant). Carry-over (the first variant changing how the second is played) cannot be told apart from the difference between the two order groups in this design, so it is not tested.",
        first_baseline + first_variant
    )
}

fn questions(doc: &mut Document, report: &StudyReport) {
    if report.questions.is_empty() {
        return;
    }
    doc.push(Block::Heading(2, Line::text("The study's questions")));
    for q in &report.questions {
        doc.push(Block::Paragraph(Line::default().strong(&q.ask)));
        if q.answers.is_empty() {
            doc.push(Block::Paragraph(Line::text("No answers yet.")));
            continue;
        }
        let rows = q.answers.iter().map(|(variant, answer, n)| {
            vec![
                Line::text(variant),
                Line::text(answer),
                Line::text(n.to_string()),
            ]
        });
        doc.push(Block::Table {
            columns: columns(&["answered in", "answer", "#participants"]),
            rows: rows.collect(),
        });
    }
}

/// A study that could not be reported as one, and why: its sessions are still in the
/// report per flow.
pub fn not_reported(study: &str, sessions: usize, why: &str) -> Document {
    Document(vec![
        Block::Heading(1, Line::text(format!("Study {study}"))),
        Block::Paragraph(Line::text(format!(
            "{sessions} session(s) belong to this study, but it is not reported as one: {why}. They are in the report per flow below."
        ))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Interval;

    fn words(item: &Decision) -> String {
        Document(vec![Block::Paragraph(decision(item))]).markdown()
    }

    fn cannot_tell(needed: u64, more: u64) -> Decision {
        Decision::CannotTell {
            baseline: "alpha".into(),
            variant: "beta".into(),
            needed_per_variant: Some(needed),
            more_per_variant: Some(more),
            needed_in_all: None,
        }
    }

    /// A study that already has the participants the size asks for is not told it needs
    /// "0 more each".
    #[test]
    fn a_study_with_enough_participants_is_not_told_to_add_none() {
        let enough = words(&cannot_tell(7, 0));
        assert!(!enough.contains("0 more"), "{enough}");
        assert!(enough.contains("this one has that many"), "{enough}");
        let short = words(&cannot_tell(16, 10));
        assert!(short.contains("about 16 participants per variant: 10 more each"));
    }

    /// A decision one participant's outcome would undo says so in the decision itself.
    #[test]
    fn a_fragile_decision_says_so() {
        let decision = |fragile| Decision::Completion {
            better: "beta".into(),
            worse: "alpha".into(),
            difference: 0.36,
            interval: Interval {
                low: 0.03,
                high: 0.6,
            },
            p: 0.031,
            holm: false,
            pairs: Some(14),
            fragile,
        };
        let text = words(&decision(true));
        assert!(
            text.ends_with(
                "paired on the 14 participants who tried both. Fragile: one participant's outcome changed would undo it.\n"
            ),
            "{text}"
        );
        assert!(!words(&decision(false)).contains("Fragile"));
        let mut crossing = decision(false);
        if let Decision::Completion { interval, .. } = &mut crossing {
            interval.low = -0.0388;
        }
        let crossing = words(&crossing);
        assert!(
            crossing.ends_with(
                "who tried both. Its 95% interval, of another method than the test, still holds no difference.\n"
            ),
            "{crossing}"
        );
    }

    /// The interval of a decision keeps its ends on their side of no difference.
    #[test]
    fn a_decision_interval_that_excludes_zero_does_not_print_zero() {
        let text = words(&Decision::Completion {
            better: "beta".into(),
            worse: "alpha".into(),
            difference: 0.55,
            interval: Interval {
                low: 0.0002,
                high: 1.09,
            },
            p: 0.0499,
            holm: false,
            pairs: None,
            fragile: false,
        });
        assert!(
            text.contains("+55 points (95% interval +0.02 points to +109 points; p = 0.0499)"),
            "{text}"
        );
    }
}
