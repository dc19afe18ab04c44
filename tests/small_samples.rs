//! Comparisons at the edges small samples reach: a side of one, a side where everyone
//! answered alike, a side with no answers, all-or-nothing results. The session sets in
//! `tests/fixtures/sets/` are written by `designs.py` beside them, from designed
//! sessions whose true figures are known; every expected figure below was computed
//! independently in Python 3 with SciPy 1.17.1 from the same designed data, as each
//! comment says.

use std::path::Path;

use mvx::report::comparison::{ComparedFigure, Comparison, Measure, Said};
use mvx::report::{Counting, FlowReport, Report, ReportBuilder, html, markdown};
use mvx::session;
use mvx::stats::TestKind;

fn report_with(set: &str, counting: Counting) -> Report {
    let dir = Path::new("tests/fixtures/sets").join(set);
    let (files, problems) = session::discover(&[dir]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut builder = ReportBuilder::counting(None, counting);
    for file in &files {
        builder.add(&session::read(file).expect("a designed session loads"));
    }
    builder.finish()
}

fn report(set: &str) -> Report {
    report_with(set, Counting::default())
}

fn baseline(name: &str) -> Counting {
    Counting {
        baseline: Some(name.to_owned()),
        ..Counting::default()
    }
}

fn flow(report: &Report) -> &FlowReport {
    &report.flows[0]
}

fn comparison<'r>(report: &'r Report, variant: &str) -> &'r Comparison {
    flow(report)
        .comparisons
        .iter()
        .find(|c| c.variant.variant == variant)
        .expect("the variant is compared")
}

fn row(comparison: &Comparison, measure: Measure) -> &ComparedFigure {
    comparison
        .rows
        .iter()
        .find(|r| r.measure == measure)
        .unwrap_or_else(|| panic!("a {measure:?} row in {:?}", comparison.rows))
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-6, "{got} is not {want}");
}

/// d-one (1/1) against a-none (0/5): the smallest expected count is 1·1/6 < 1, so
/// Campbell (2007) takes the Fisher–Irwin test: `scipy.stats.fisher_exact([[1, 0],
/// [0, 5]]).pvalue` = 0.166667 (the N-1 z would have said p = 0.025). The same for the
/// CSAT top-two share and the Yes share, which are 1/1 against 0/5 too.
#[test]
fn small_tables_take_the_fisher_irwin_test() {
    let report = report("extreme");
    let c = comparison(&report, "d-one");
    for measure in [
        Measure::Completion,
        Measure::Csat("CSAT (top two of 5)"),
        Measure::Yes,
    ] {
        let r = row(c, measure);
        let test = r.test.expect("a test");
        assert_eq!(test.kind, TestKind::FisherIrwin, "{measure:?}");
        close(test.p_value, 1.0 / 6.0);
        assert_eq!(r.test_text(), "Fisher–Irwin exact, p = 0.167");
        assert!(matches!(r.verdict, Said::NoDifference { .. }), "{r:?}");
    }
    // b-all (5/5) against a-none (0/5): expected counts 2.5, so N-1: z = 3.0, p = 0.0027.
    let r = row(comparison(&report, "b-all"), Measure::Completion);
    let test = r.test.expect("a test");
    assert_eq!(test.kind, TestKind::NMinusOne);
    close(test.p_value, 0.002_699_796);
}

/// Everyone in a-none answered "No": still a yes/no question, 0 of 5 with the adjusted
/// Wald interval 0 to 0.489055 (Agresti-Coull with `scipy.stats.norm.ppf(0.975)`), and
/// compared: 5/5 against 0/5 by N-1, z = 3.0, p = 0.002700.
#[test]
fn a_question_everyone_answered_no_is_still_reported_and_compared() {
    let report = report("extreme");
    let a = flow(&report)
        .versions
        .iter()
        .find(|v| v.variant.as_deref() == Some("a-none"))
        .expect("a-none");
    let solved = a
        .verdicts
        .iter()
        .find(|v| v.question == "solved")
        .expect("solved");
    let yes = solved.yes.as_ref().expect("a yes share");
    assert_eq!((yes.count, yes.of), (0, 5));
    let i = yes.interval.expect("an interval");
    close(i.low, 0.0);
    close(i.high, 0.489_054_86);
    let r = row(comparison(&report, "b-all"), Measure::Yes);
    close(r.test.expect("a test").p_value, 0.002_699_796);
    let text = markdown::render(&report);
    assert!(text.contains("`solved`: No 5; Yes: 0/5 (0–49%)"), "{text}");
    assert!(text.contains("0/5 answered Yes to `solved`"), "{text}");
}

/// Rocks (2016): the interval and the z test of an NPS difference are centred on the
/// adjusted NPS (3/4 added to promoters and detractors, 3 to n), so the difference shown
/// beside them is the adjusted one. b-all (5 promoters of 5) against a-none (5 detractors
/// of 5): adjusted difference +125, interval +61.348 to +188.652, z = 3.849, in Python.
/// The raw difference, +200, would lie outside its own interval.
#[test]
fn an_nps_difference_lies_inside_its_own_interval() {
    let report = report("extreme");
    let r = row(comparison(&report, "b-all"), Measure::Nps("NPS"));
    let d = r.difference.expect("a difference");
    let i = d.interval.expect("an interval");
    close(d.value, 125.0);
    close(i.low, 61.348_302);
    close(i.high, 188.651_698);
    assert!(i.low <= d.value && d.value <= i.high);
    close(r.test.expect("a test").statistic.expect("z"), 3.849_002);
    assert_eq!(
        d.text(),
        "+125 points, adjusted (+61 points to +189 points)"
    );
    assert_eq!(
        (r.baseline.text(), r.variant.text()),
        ("-100".into(), "+100".into())
    );
}

/// With b-all as the baseline every statistic is the variant minus the baseline:
/// a-none's completion 0/5 against 5/5 gives N-1 z = -3.0; its SEQ, `ttest_ind(a_none,
/// b_all, equal_var=False)`, t = -14.696938; (no variant)'s NPS, adjusted-Wald z =
/// -2.034191 (Rocks, in Python).
#[test]
fn every_statistic_is_signed_variant_minus_baseline() {
    let report = report_with("extreme", baseline("b-all"));
    let a = comparison(&report, "a-none");
    let statistic = |m| {
        row(a, m)
            .test
            .and_then(|t| t.statistic)
            .expect("a statistic")
    };
    close(statistic(Measure::Completion), -3.0);
    close(statistic(Measure::Seq("SEQ")), -14.696_938);
    assert!(row(a, Measure::Completion).difference.expect("d").value < 0.0);
    let none = comparison(&report, "(no variant)");
    let z = row(none, Measure::Nps("NPS"))
        .test
        .and_then(|t| t.statistic);
    close(z.expect("z"), -2.034_191);
    assert!(
        row(none, Measure::Nps("NPS"))
            .test_text()
            .starts_with("adjusted-Wald z = -2.03")
    );
}

/// (no variant) against b-all: every SEQ is 5 against 6, every SUS 60 against 75, every
/// UMUX-Lite 66.67 against 83.33, every time 2.01 s against 3.01 s. The differences
/// stand (-1, -15, -16.667, ratio 0.667774); no test runs because nothing varies within
/// either side, and the row says that, not that both sides were the same.
#[test]
fn constant_sides_that_differ_keep_their_difference() {
    let report = report_with("extreme", baseline("b-all"));
    let c = comparison(&report, "(no variant)");
    for (measure, want) in [
        (Measure::Seq("SEQ"), -1.0),
        (Measure::Score("SUS score"), -15.0),
        (Measure::Score("UMUX-Lite score"), -16.666_667),
        (Measure::Time, 0.667_774),
    ] {
        let r = row(c, measure);
        let d = r.difference.expect("the difference is kept");
        close(d.value, want);
        assert_eq!(d.interval, None, "{measure:?}");
        assert_eq!(
            r.verdict,
            Said::Untestable("no variation within either side"),
            "{measure:?}"
        );
    }
    assert_eq!(
        row(c, Measure::Seq("SEQ")).difference.expect("d").text(),
        "-1.00"
    );
    let text = markdown::render(&report);
    assert!(!text.contains("the same on both sides"), "{text}");
}

/// c-tech's sessions were all aborted: no answers. Every figure the baseline has keeps
/// its row and says why it cannot be tested, as docs/statistics.md promises.
#[test]
fn a_figure_one_side_lacks_keeps_its_row() {
    let report = report("extreme");
    let c = comparison(&report, "c-tech");
    for measure in [
        Measure::Nps("NPS"),
        Measure::Seq("SEQ"),
        Measure::Csat("CSAT (top two of 5)"),
        Measure::Yes,
        Measure::Score("SUS score"),
        Measure::Score("UMUX-Lite score"),
    ] {
        let r = row(c, measure);
        assert_eq!(
            r.verdict,
            Said::Untestable("no answers on one side"),
            "{measure:?}"
        );
        assert_eq!(r.variant.text(), "–");
    }
    let r = row(c, Measure::Completion);
    assert_eq!(r.verdict, Said::Untestable("nothing counted on one side"));
}

/// An NPS reads one way everywhere: signed whole points, and 0 without a sign. A SEQ
/// from one answer is still a SEQ, with its n.
#[test]
fn figures_read_one_way_in_every_table() {
    let report = report("extreme");
    let text = markdown::render(&report);
    for expected in [
        "`nps`: NPS 0 (-60–60)",
        "| `nps` NPS | -100 | 0 (n = 1) | +62 points, adjusted (-13 points to +138 points) |",
        "| `seq` SEQ | 2.40 | 5.00 (n = 1) | +2.60 | – | cannot be tested: fewer than two answers on a side |",
        "`seq`: SEQ 5.00 of 7 (–) (n = 1)",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    for wrong in ["NPS +0", "+0 points", "| 0.0 ", "-100.0"] {
        assert!(!text.contains(wrong), "`{wrong}` in:\n{text}");
    }
    let page = html::render(&report);
    assert!(page.contains("NPS 0 (-60–60)") && !page.contains("NPS +0"));
}

/// a4 went back from `orders` by Esc after 800 ms: that visit's hesitation counts. The
/// orders hesitations of alpha are 1000, 1000, 1500, 800, 1100, 2000, 1200 and 2500 ms:
/// median 1.15 s (`numpy.median`); without the Esc visit it would be 1.2 s.
#[test]
fn a_visit_that_ends_in_esc_counts_its_hesitation() {
    let report = report("three");
    let alpha = flow(&report)
        .versions
        .iter()
        .find(|v| v.variant.as_deref() == Some("alpha"))
        .expect("alpha");
    let orders = alpha
        .steps
        .iter()
        .find(|s| s.step == "orders")
        .expect("orders");
    assert_eq!(orders.hesitations_s.len(), 8);
    close(orders.hesitation_median_s.expect("a median"), 1.15);
}

/// Two attempts went straight home → orders → done and two looped by Help and Back: on
/// the tie the funnel follows the shorter path.
#[test]
fn the_funnel_follows_the_shorter_of_tied_paths() {
    let report = report("headline");
    let task = &flow(&report).versions[0].tasks[0];
    let steps: Vec<&str> = task.funnel.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(steps, ["home", "orders", "done"]);
    assert_eq!(task.paths[0].path, ["home", "orders", "done"]);
    assert_eq!((task.paths[0].count, task.paths[1].count), (2, 2));
}

/// `--baseline` naming a variant the flow lacks is said in the report, not only on stderr.
#[test]
fn a_missing_baseline_is_said_in_the_report() {
    let report = report_with("extreme", baseline("nope"));
    assert_eq!(flow(&report).baseline_not_found.as_deref(), Some("nope"));
    assert_eq!(flow(&report).comparisons[0].baseline.variant, "a-none");
    let note = "This flow has no variant `nope` (--baseline); its variants are compared with `a-none`, the first named variant, instead.";
    assert!(markdown::render(&report).contains(note));
    assert!(html::render(&report).contains("This flow has no variant <code>nope</code>"));
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["flows"][0]["baseline_not_found"], "nope");
    let found = report_with("extreme", baseline("b-all"));
    assert_eq!(flow(&found).baseline_not_found, None);
}

/// With three or more variants the verdict rests on the Holm-adjusted p while the
/// interval is not adjusted; the verdict says so. (no variant)'s NPS against a-none: raw
/// p = 0.041932, Holm-adjusted 0.083865 (second smallest of three, times 2), interval
/// +2.28 to +122.72 points, in Python. Headers count sessions and say what rows count.
#[test]
fn holm_verdicts_say_their_interval_is_unadjusted() {
    let report = report("extreme");
    let r = row(comparison(&report, "(no variant)"), Measure::Nps("NPS"));
    close(r.p_adjusted.expect("adjusted"), 0.083_864_78);
    assert_eq!(
        r.verdict_text(),
        "no difference detected (Holm-adjusted p = 0.084; by its unadjusted 95% interval, the difference is somewhere between +2 points and +123 points)"
    );
    let text = markdown::render(&report);
    assert!(text.contains(
        "Baseline: a-none (flow file v1-a-non…, 5 sessions). Variant: d-one (flow file v1-d-one…, 1 session). Completion counts counted attempts"
    ));
}
