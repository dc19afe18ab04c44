//! The returns section worded: who came back, said against did, and each task's
//! learning by trial, its curves, trials to criterion and retention, with a return-rate
//! chart and learning-curve charts that HTML draws (docs/returns.md).

use super::learning::{Fitted, TaskLearning};
use super::{CameBack, ReturnsReport, VariantReturns};
use crate::flow::study::Criterion;
use crate::format::{self, MISSING};
use crate::report::document::{Block, Chart, Curve, Document, Line, columns};

/// The section's blocks, pushed onto `doc`.
pub fn section(doc: &mut Document, report: &ReturnsReport) {
    doc.push(Block::Heading(2, Line::text("Returns and learning")));
    let mut schedule = format!(
        "Each participant was scheduled for {} sessions, opening at {} after their first",
        report.sessions,
        report.schedule.join(", ")
    );
    if let Some(retention) = &report.retention {
        schedule.push_str(&format!(
            ", and a retention session {retention} after the last"
        ));
    }
    schedule.push_str(
        ". Later sessions are counted here only; every other figure counts first sessions.",
    );
    if let Some(as_of) = &report.as_of {
        let shown = crate::study::returns::millis(as_of)
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map_or_else(
                || as_of.clone(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            );
        schedule.push_str(&format!(
            " A session counts as due once it opened by {shown}, the start of the newest session."
        ));
    }
    doc.push(Block::Paragraph(Line::text(schedule)));
    came_back(doc, report);
    said_and_did(doc, report);
    for variant in &report.variants {
        for task in &variant.tasks {
            learning(doc, report, variant, task);
        }
        sus(doc, variant, report.sessions);
    }
    curves(doc, report);
    rates(doc, report);
}

/// `5 of 8 (63%)`, or `—` with nobody due.
fn share(n: usize, of: usize) -> String {
    match of {
        0 => MISSING.to_owned(),
        of => format!("{n} of {of} ({})", format::percent(n as f64 / of as f64)),
    }
}

fn trial_name(trial: u32, retention: bool) -> String {
    match retention {
        true => format!("{trial} (retention)"),
        false => trial.to_string(),
    }
}

fn came_back(doc: &mut Document, report: &ReturnsReport) {
    doc.push(Block::Heading(3, Line::text("Who came back")));
    doc.push(Block::Paragraph(Line::text(
        "Of the participants invited back (their previous session counted) whose session had opened, how many came; \
         with the adjusted-Wald 95% interval, and the time since their previous session.",
    )));
    let rows: Vec<Vec<Line>> = (report.variants.iter())
        .flat_map(|v| v.returns.iter().map(move |c| (v, c)))
        .map(|(v, c)| {
            let after =
                |days: f64| crate::study::returns::wait((days * 86_400_000.0).round() as i64);
            let days = match (c.days_median, c.days_min, c.days_max) {
                (Some(m), Some(lo), Some(hi)) => {
                    format!("{} ({}–{})", after(m), after(lo), after(hi))
                }
                _ => MISSING.into(),
            };
            [
                v.variant.clone(),
                trial_name(c.trial, c.retention),
                c.invited.to_string(),
                c.not_due.to_string(),
                match c.early {
                    0 => share(c.returned, c.due),
                    n => format!("{} ({n} early)", share(c.returned, c.due)),
                },
                c.interval.map_or(MISSING.into(), format::percent_interval),
                days,
            ]
            .into_iter()
            .map(Line::text)
            .collect()
        })
        .collect();
    doc.push(Block::Table {
        columns: columns(&[
            "variant",
            "session",
            "#invited",
            "#not due yet",
            "#came back",
            "95% interval",
            "#after the previous (median, range)",
        ]),
        rows,
    });
    let chart: Vec<(String, f64, f64, f64)> = (report.variants.iter())
        .flat_map(|v| v.returns.iter().map(move |c| (v, c)))
        .filter_map(|(v, c): (&VariantReturns, &CameBack)| {
            let (rate, i) = (c.rate?, c.interval?);
            let session = match c.retention {
                true => "retention".to_owned(),
                false => format!("session {}", c.trial),
            };
            Some((format!("{}, {session}", v.variant), rate, i.low, i.high))
        })
        .collect();
    if !chart.is_empty() {
        doc.push(Block::Chart(Chart::Intervals {
            title: "Came back, per session, with its 95% interval".into(),
            rows: chart,
        }));
    }
}

fn said_and_did(doc: &mut Document, report: &ReturnsReport) {
    let Some((question, yes)) = &report.intention else {
        return;
    };
    doc.push(Block::Heading(3, Line::text("Said and did")));
    doc.push(Block::Paragraph(
        Line::text("Who answered ")
            .code(question)
            .and(format!(" with “{yes}” at their first session, and who came back for the second (of those whose second session had opened)."))
    ));
    let rows = (report.variants.iter())
        .filter_map(|v| v.intention.as_ref().map(|s| (v, s)))
        .map(|(v, s)| {
            [
                v.variant.clone(),
                share(s.said_yes, s.asked),
                s.said_yes_interval
                    .map_or(MISSING.into(), format::percent_interval),
                share(s.yes_returned, s.yes_due),
                share(s.others_returned, s.others_due),
            ]
            .into_iter()
            .map(Line::text)
            .collect()
        })
        .collect();
    doc.push(Block::Table {
        columns: columns(&[
            "variant",
            "#said yes",
            "95% interval",
            "#of them came back",
            "#of the others came back",
        ]),
        rows,
    });
}

fn fit_words(task: &TaskLearning) -> Vec<Line> {
    let mut lines = Vec::new();
    lines.push(match &task.power {
        Fitted::Fit(f) => Line::text(format!(
            "Power law, pooled: T(n) = {} × n^−{}: each doubling of practice {} the time by {} (R² {}, RMSE {}, fitted to {} successful attempts).",
            format::seconds(f.a),
            format::number(f.b, 3),
            if f.b >= 0.0 { "cuts" } else { "raises" },
            format::percent(crate::stats::change_per_doubling(f).abs()),
            f.quality
                .r2
                .map_or(MISSING.into(), |r| format::number(r, 3)),
            format::seconds(f.quality.rmse),
            f.quality.points
        )),
        Fitted::None(why) => Line::text(format!("Power law: not fitted ({}).", no_fit(*why))),
    });
    lines.push(match &task.exponential {
        Fitted::Fit(f) => Line::text(format!(
            "Exponential, pooled: T(n) = {} + {} × e^−{}(n−1) (R² {}, RMSE {}); plateau {}.",
            format::seconds(f.plateau),
            format::seconds(f.amplitude),
            format::number(f.rate, 3),
            f.quality
                .r2
                .map_or(MISSING.into(), |r| format::number(r, 3)),
            format::seconds(f.quality.rmse),
            format::seconds(f.plateau)
        )),
        Fitted::None(why) => Line::text(format!("Exponential: not fitted ({}).", no_fit(*why))),
    });
    let fitted = task
        .participants
        .iter()
        .filter(|p| p.power.fit().is_some())
        .count();
    let caveat = match task.power.fit() {
        Some(_) => {
            " The pooled curve mixes participants, and those who stopped coming back are only in the early sessions: the participants' own rates are the ones to compare."
        }
        None => "",
    };
    lines.push(Line::text(format!(
        "Per participant (power law, two successful sessions or more): {fitted} of {} fitted, median rate {}.{caveat}",
        task.participants.len(),
        task.median_rate.map_or(MISSING.into(), |b| format::number(b, 3))
    )));
    lines
}

fn no_fit(why: crate::stats::NoFit) -> &'static str {
    match why {
        crate::stats::NoFit::TooFewPoints => "too few successful sessions",
        crate::stats::NoFit::NotIdentified => {
            "no curve of this kind fits: its best rate lies outside the range searched, as when times do not level off"
        }
    }
}

fn learning(
    doc: &mut Document,
    report: &ReturnsReport,
    variant: &VariantReturns,
    task: &TaskLearning,
) {
    doc.push(Block::Heading(
        3,
        Line::text("Learning: ")
            .code(&task.task)
            .and(format!(" in {}", variant.variant)),
    ));
    let rows = (task.trials.iter())
        .map(|t| {
            let time = match (t.time_s, t.time_interval) {
                (Some(s), Some(i)) => {
                    format!("{} ({})", format::seconds(s), format::seconds_interval(i))
                }
                (Some(s), None) => format::seconds(s),
                _ => MISSING.into(),
            };
            [
                trial_name(t.trial, t.retention),
                share(t.completed, t.participants),
                t.completion
                    .map_or(MISSING.into(), format::percent_interval),
                time,
            ]
            .into_iter()
            .map(Line::text)
            .collect()
        })
        .collect();
    doc.push(Block::Table {
        columns: columns(&[
            "session",
            "#completed",
            "95% interval",
            "#time (95% interval)",
        ]),
        rows,
    });
    let mut lines = fit_words(task);
    if let (Some(c), Some(criterion)) = (&task.criterion, report.criterion) {
        let goal = match criterion {
            Criterion::Within { ms } => {
                format!("succeeding within {}", format::seconds(ms as f64 / 1000.0))
            }
            Criterion::Success => "succeeding".into(),
        };
        lines.push(Line::text(format!(
            "Sessions to the criterion ({goal}): {} reached it, median session {}; {} never did; {} not yet known.",
            c.reached,
            c.median_trials.map_or(MISSING.into(), |m| format::number(m, 1)),
            c.never,
            c.not_yet
        )));
    }
    if let Some(r) = &task.retention {
        let ratio = match (r.ratio, r.interval) {
            (Some(x), Some(i)) => format!(
                "{} as long after the delay (95% interval {})",
                format::multiple(x, 2),
                format::interval(i, 2)
            ),
            (Some(x), None) => format!("{} as long after the delay", format::multiple(x, 2)),
            _ => "no time to compare".into(),
        };
        lines.push(Line::text(format!(
            "Retention, on the {} who played both: completed {} before the delay and {} after; of the {} who succeeded in both, {ratio}.{}",
            r.pairs,
            r.completed_before,
            r.completed_after,
            r.both_succeeded,
            match r.early {
                0 => String::new(),
                1 => " 1 retention session played early, before the delay was over, is left out.".into(),
                n => format!(" {n} retention sessions played early, before the delay was over, are left out."),
            }
        )));
    }
    doc.push(Block::list(lines));
}

fn sus(doc: &mut Document, variant: &VariantReturns, report_sessions: u32) {
    if variant.sus_learnability.is_empty() {
        return;
    }
    let rows = (variant.sus_learnability.iter())
        .map(|m| {
            [
                trial_name(m.trial, m.trial > report_sessions),
                m.n.to_string(),
                format::number(m.mean, 1),
                m.interval.map_or(MISSING.into(), |i| {
                    format::interval(i.clamped(0.0, 100.0), 1)
                }),
            ]
            .into_iter()
            .map(Line::text)
            .collect()
        })
        .collect();
    doc.push(Block::Heading(
        3,
        Line::text(format!("SUS learnability in {}", variant.variant)),
    ));
    doc.push(Block::Paragraph(Line::text(
        "Items 4 and 10 of the SUS (Lewis & Sauro 2009), 0 to 100, per session.",
    )));
    doc.push(Block::Table {
        columns: columns(&["session", "#answered", "#mean", "95% interval"]),
        rows,
    });
}

/// One chart per task: each variant's geometric mean time by session with its
/// interval, and its pooled power-law curve.
fn curves(doc: &mut Document, report: &ReturnsReport) {
    let Some(first) = report.variants.first() else {
        return;
    };
    for task in &first.tasks {
        let lines: Vec<Curve> = (report.variants.iter())
            .filter_map(|v| v.tasks.iter().find(|t| t.task == task.task).map(|t| (v, t)))
            .map(|(v, t)| Curve {
                label: v.variant.clone(),
                points: (t.trials.iter())
                    .filter(|p| !p.retention)
                    .filter_map(|p| {
                        let i = p.time_interval;
                        p.time_s
                            .map(|s| (f64::from(p.trial), s, i.map(|i| (i.low, i.high))))
                    })
                    .collect(),
                fit: t.power.fit().copied(),
            })
            .collect();
        if lines.iter().any(|l| !l.points.is_empty()) {
            doc.push(Block::Chart(Chart::Curves {
                title: format!(
                    "Learning curve of {}: time by session, with the power-law fit",
                    task.task
                ),
                max_x: f64::from(report.sessions),
                lines,
            }));
        }
    }
}

fn rates(doc: &mut Document, report: &ReturnsReport) {
    if report.rate_comparisons.is_empty() {
        if report.variants.len() > 1 {
            doc.push(Block::Paragraph(Line::text(
                "Learning rates are not compared: a comparison needs two participants or more with their own rate in each variant (between), or two who have one in both (within).",
            )));
        }
        return;
    }
    doc.push(Block::Heading(3, Line::text("Learning rates compared")));
    doc.push(Block::Paragraph(Line::text(
        "Each participant's power-law rate b (higher: faster learning), the variant's mean minus the first variant's: \
         Welch's t between groups, the paired t on the same participants in a within study.",
    )));
    let rows = (report.rate_comparisons.iter())
        .map(|c| {
            [
                c.task.clone(),
                format!("{} vs {}", c.variant, c.baseline),
                format!("{}, {}", c.n.0, c.n.1),
                format::signed(c.difference, 3),
                format::interval(c.interval, 3),
                format::p_value(c.test.p_value),
            ]
            .into_iter()
            .map(Line::text)
            .collect()
        })
        .collect();
    doc.push(Block::Table {
        columns: columns(&[
            "task",
            "variants",
            "participants",
            "#difference",
            "95% interval",
            "#p",
        ]),
        rows,
    });
}
