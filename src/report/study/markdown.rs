//! A study's report as Markdown: progress, the variants, their comparison, order
//! effects, the study's questions and the decision.

use std::fmt::Write as _;

use super::{Comparison, Decision, StudyReport};
use crate::flow::study::Design;
use crate::format::{self, MISSING};
use crate::text::printable;

pub fn render(report: &StudyReport) -> String {
    let mut out = String::new();
    let status = &report.status;
    let _ = writeln!(
        out,
        "# Study {}: {}\n",
        printable(&status.study),
        printable(&status.title)
    );
    decision(&mut out, report);
    progress(&mut out, report);
    variants(&mut out, report);
    comparisons(&mut out, report);
    positions(&mut out, report);
    questions(&mut out, report);
    out
}

fn decision(out: &mut String, report: &StudyReport) {
    let _ = writeln!(out, "## Decision\n");
    for item in &report.decision {
        let line = match item {
            Decision::NoData => "No participant is counted yet: nothing to compare.".to_owned(),
            Decision::Completion {
                better,
                worse,
                difference,
                interval,
                ..
            } => format!(
                "**{}** completed more often than {}: {} (95% interval {} to {}).",
                printable(better),
                printable(worse),
                format::points(*difference),
                format::points(interval.low),
                format::points(interval.high)
            ),
            Decision::Time {
                faster,
                slower,
                ratio,
                interval,
                ..
            } => format!(
                "**{}** was faster than {}: {} of the time (95% interval {}).",
                printable(faster),
                printable(slower),
                format::percent(*ratio),
                format::percent_interval(*interval)
            ),
            Decision::CannotTell {
                baseline,
                variant,
                needed_per_variant,
                more_per_variant,
            } => {
                let needed = match (needed_per_variant, more_per_variant) {
                    (Some(n), Some(more)) => format!(
                        " To detect the completion difference seen so far (5% level, 80% power) a between study needs about {n} participants per variant: {more} more each."
                    ),
                    _ => " The completion rates seen so far are the same, so no number of participants is estimated.".to_owned(),
                };
                format!(
                    "The study cannot tell {} and {} apart on completion yet.{needed}",
                    printable(variant),
                    printable(baseline)
                )
            }
        };
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out);
}

fn progress(out: &mut String, report: &StudyReport) {
    let status = &report.status;
    let per = match status.design {
        Design::Between => "per variant",
        Design::Within => "in all",
    };
    let target = status
        .target
        .map_or("no target".to_owned(), |t| format!("target {t} {per}"));
    let _ = writeln!(
        out,
        "## Progress\n\n{} design, {target}; {} participants counted.\n",
        status.design.word(),
        status.participants
    );
    let _ = writeln!(
        out,
        "| variant | counted | declined | technical aborts |\n|---|---:|---:|---:|"
    );
    for v in &status.variants {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            printable(&v.name),
            v.counted,
            v.declined,
            v.technical_aborts
        );
    }
    if !status.seen_twice.is_empty() {
        let _ = writeln!(
            out,
            "\nSeen twice (their first session is counted): {}.",
            status.seen_twice.join(", ")
        );
    }
    let _ = writeln!(out);
}

fn variants(out: &mut String, report: &StudyReport) {
    let _ = writeln!(
        out,
        "## Variants\n\nCompleted: succeeded at every task. Time: geometric mean of the completed participants' task time.\n"
    );
    let _ = writeln!(
        out,
        "| variant | participants | completed | 95% interval | time | 95% interval |\n|---|---:|---:|---|---:|---|"
    );
    for v in &report.variants {
        let share = match v.participants {
            0 => MISSING.to_owned(),
            n => format!(
                "{} of {n} ({})",
                v.completed,
                format::percent(v.completed as f64 / n as f64)
            ),
        };
        let (time, time_interval) = match v.time {
            Some((t, i)) => (format::seconds(t), format::seconds_interval(i)),
            None => (MISSING.into(), MISSING.into()),
        };
        let interval = v
            .completion
            .map_or(MISSING.into(), format::percent_interval);
        let _ = writeln!(
            out,
            "| {} | {} | {share} | {interval} | {time} | {time_interval} |",
            printable(&v.variant),
            v.participants
        );
    }
    let _ = writeln!(out);
}

fn comparisons(out: &mut String, report: &StudyReport) {
    if report.comparisons.is_empty() {
        return;
    }
    let (completion_test, time_test) = match report.status.design {
        Design::Between => ("N-1 two-proportion test", "Welch's t on log times"),
        Design::Within => ("McNemar's exact test", "paired t on log times"),
    };
    let _ = writeln!(
        out,
        "## Compared with {}\n\nCompletion: {completion_test}; time: {time_test}. Sources: docs/statistics.md.\n",
        printable(&report.comparisons[0].baseline)
    );
    for c in &report.comparisons {
        comparison(out, c);
    }
}

fn comparison(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "### {}\n", printable(&c.variant));
    let difference = match c.completion_difference {
        Some((d, i)) => format!(
            "{} (95% interval {} to {})",
            format::points(d),
            format::points(i.low),
            format::points(i.high)
        ),
        None => MISSING.into(),
    };
    let _ = writeln!(
        out,
        "- Completion: {difference}; {}",
        test(c.completion_test)
    );
    if let Some((only_v, only_b)) = c.discordant {
        let _ = writeln!(
            out,
            "- Completed with one only: {only_v} with {}, {only_b} with {}",
            printable(&c.variant),
            printable(&c.baseline)
        );
    }
    let time = match c.time_ratio {
        Some((r, i, t)) => format!(
            "{} of the baseline's time (95% interval {}); {}",
            format::percent(r),
            format::percent_interval(i),
            test(Some(t))
        ),
        None => MISSING.into(),
    };
    let _ = writeln!(out, "- Time: {time}");
    if let Some(n) = c.needed_per_variant {
        let _ = writeln!(
            out,
            "- A between study would need about {n} participants per variant to detect this completion difference"
        );
    }
    let _ = writeln!(out);
}

fn test(t: Option<crate::stats::TestResult>) -> String {
    match t {
        None => "no test (too few participants or no difference to test)".into(),
        t => format::test(t),
    }
}

fn positions(out: &mut String, report: &StudyReport) {
    if report.positions.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Order effects\n\nEach variant by the position it was played in: a difference here is learning or fatigue, not design.\n"
    );
    let _ = writeln!(
        out,
        "| position | participants | completed | time |\n|---:|---:|---:|---:|"
    );
    for p in &report.positions {
        let time = p.time.map_or(MISSING.into(), |(t, _)| format::seconds(t));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {time} |",
            p.position, p.participants, p.completed
        );
    }
    let _ = writeln!(out);
}

fn questions(out: &mut String, report: &StudyReport) {
    if report.questions.is_empty() {
        return;
    }
    let _ = writeln!(out, "## The study's questions\n");
    for q in &report.questions {
        let _ = writeln!(out, "**{}**\n", printable(&q.ask));
        if q.answers.is_empty() {
            let _ = writeln!(out, "No answers yet.\n");
            continue;
        }
        let _ = writeln!(
            out,
            "| answered in | answer | participants |\n|---|---|---:|"
        );
        for (variant, answer, n) in &q.answers {
            let _ = writeln!(
                out,
                "| {} | {} | {n} |",
                printable(variant),
                printable(answer)
            );
        }
        let _ = writeln!(out);
    }
}
