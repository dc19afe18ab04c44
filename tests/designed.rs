//! Designed session sets whose true figures are known in advance: two variants, two
//! versions of one, a repeated participant, SUS, UMUX-Lite and NPS answers, a researcher's
//! abort, cut-off files, a loop by a "Back" choice and an `end: partial`. Sessions are
//! recorded by driving the player with explicit times; every figure is compared with a
//! computation made independently in Python 3 with SciPy 1.17 (`scipy.stats`), from the
//! same designed data, as each comment says.

mod common;

#[path = "designed/study.rs"]
mod study;

use std::path::Path;

use mvx::report::comparison::{Measure, Said};
use mvx::report::{Counting, FlowVersion, Report, ReportBuilder, html, markdown};
use mvx::session::{self, AnswerValue, EventKind, TaskEnding};
use mvx::stats::{QUESTIONNAIRES, Questionnaire, Scoring};
use study::study;

fn report(dir: &Path, counting: Counting) -> Report {
    let (files, problems) = session::discover(&[dir.to_owned()]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut builder = ReportBuilder::counting(None, counting);
    for file in &files {
        builder.add(&session::read(file).expect("a designed session loads"));
    }
    builder.finish()
}

fn version<'r>(report: &'r Report, sha: &str) -> &'r FlowVersion {
    report.flows[0]
        .versions
        .iter()
        .find(|v| v.sha256 == sha)
        .expect("the version is reported")
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-4, "{got} is not {want}");
}

#[test]
fn who_and_what_is_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let report = report(dir.path(), Counting::default());
    let flow = &report.flows[0];
    assert_eq!(flow.repeated.len(), 1);
    assert_eq!(
        (
            flow.repeated[0].participant.as_str(),
            flow.repeated[0].sessions
        ),
        ("P01", 2)
    );
    let a = version(&report, "a-v1");
    assert_eq!((a.sessions.total, a.sessions.repeats_left_out), (6, 1));
    let task = &a.tasks[0];
    // P01-P04 count; P05 (researcher's abort) and P06 (cut off) are technical.
    assert_eq!((task.attempts, task.counted, task.technical), (6, 4, 2));
    assert_eq!((task.successes, task.failures), (3, 1));
    assert_eq!(
        task.outcomes.get(&TaskEnding::EndStep("partial".into())),
        Some(&1),
        "the end step's own word is kept"
    );
    // Adjusted Wald of 3/4, as `(x + z²/2)/(n + z²) ± z·se` with `scipy.stats.norm.ppf`.
    let completion = task.completion.expect("an interval");
    close(completion.low, 0.289141);
    close(completion.high, 0.965914);
    let b = version(&report, "b-v1");
    let task = &b.tasks[0];
    assert_eq!((task.counted, task.successes, task.technical), (5, 3, 1));
    assert_eq!(
        (task.gave_up, task.failures),
        (1, 1),
        "a give-up stays a failure"
    );

    let every = report_all(dir.path());
    let a = version(&every, "a-v1");
    assert_eq!((a.sessions.total, a.tasks[0].counted), (7, 5));
    let technical = self::report(
        dir.path(),
        Counting {
            count_technical: true,
            ..Counting::default()
        },
    );
    let a = version(&technical, "a-v1");
    assert_eq!((a.tasks[0].counted, a.tasks[0].technical), (6, 0));
}

fn report_all(dir: &Path) -> Report {
    report(
        dir,
        Counting {
            all_attempts: true,
            ..Counting::default()
        },
    )
}

#[test]
fn path_metrics_follow_their_definitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let report = report(dir.path(), Counting::default());
    let a = &version(&report, "a-v1").tasks[0];
    // Direct success: P01, P04 of 4; P02 succeeded after going back by a "Back" choice.
    assert_eq!((a.direct_success.count, a.direct_success.of), (2, 4));
    assert_eq!(a.indirect_success, 1);
    // Treejack's directness: no backtrack whatever the outcome: P01, P03, P04.
    assert_eq!((a.directness.count, a.directness.of), (3, 4));
    let first = a.first_choice_right.as_ref().expect("judged");
    assert_eq!((first.count, first.of), (3, 4), "P02 went to help first");
    // Lostness (Smith 1996) of P02: S = 5, N = 4, R = 3: √(0.2² + 0.25²) = 0.320156;
    // P01 and P04 are 0; the mean over successes is 0.106719.
    let lostness = a.lostness.as_ref().expect("lostness");
    close(lostness.mean, 0.106719);
    assert_eq!(lostness.n, 3);
    let b = &version(&report, "b-v1").tasks[0];
    assert_eq!((b.direct_success.count, b.directness.count), (2, 4));
    let first = b.first_choice_right.as_ref().expect("judged");
    assert_eq!((first.count, first.of), (3, 5));
    // Geometric means of the designed times with their t intervals on the logs.
    close(a.time_geometric_mean_s.expect("a time"), 3.650385);
    let i = a.time_interval_s.expect("an interval");
    close(i.low, 2.410446);
    close(i.high, 5.528150);
    close(b.time_geometric_mean_s.expect("a time"), 6.503347);
}

#[test]
fn questionnaires_are_scored_and_kept_on_their_scales() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let report = report(dir.path(), Counting::default());
    let a = version(&report, "a-v1");
    // SUS 75, 100, 50, 82.5: mean 76.875, t interval 43.85–109.90, kept within 0-100.
    let sus = a.scores.of("sus").expect("SUS");
    close(sus.mean, 76.875);
    let i = sus.interval.expect("an interval");
    close(i.low, 43.850730);
    close(i.high, 100.0);
    // UMUX-Lite 83.33, 100, 58.33, 75: mean 79.1667, interval 51.56–106.77, kept to 100.
    let umux = a.scores.of("umux").expect("UMUX-Lite");
    close(umux.mean, 79.166667);
    close(umux.interval.expect("an interval").high, 100.0);
    // NPS: 2 promoters, 1 detractor of 4: +25; Rocks's adjusted Wald -44.16 to 72.73.
    let nps = a
        .verdicts
        .iter()
        .find(|v| v.question == "nps")
        .and_then(|v| v.standard)
        .expect("NPS");
    let mvx::report::Standard::Nps {
        score, interval, ..
    } = nps
    else {
        panic!("NPS scored as NPS");
    };
    close(score, 25.0);
    let i = interval.expect("an interval");
    close(i.low, -44.159769);
    close(i.high, 72.731197);
}

#[test]
fn the_variant_is_compared_with_the_baseline_with_intervals() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let report = report(dir.path(), Counting::default());
    let flow = &report.flows[0];
    assert_eq!(flow.comparisons.len(), 1);
    let c = &flow.comparisons[0];
    assert_eq!(
        (c.baseline.variant.as_str(), c.baseline.sha256.as_str()),
        ("a", "a-v1")
    );
    assert_eq!((c.variant.sha256.as_str(), c.variant.sessions), ("b-v1", 6));
    assert_eq!(c.variant.left_out, 2, "b-v2's two sessions");
    assert!(!c.holm);
    let row = |m: Measure| c.rows.iter().find(|r| r.measure == m).expect("a row");
    // Completion 3/5 against 3/4: N-1 p = 0.654721; Agresti-Caffo -0.621234 to 0.430757.
    let completion = row(Measure::Completion);
    close(completion.test.expect("a test").p_value, 0.654721);
    let d = completion.difference.expect("a difference");
    close(d.value, -0.15);
    close(d.interval.expect("an interval").low, -0.621234);
    close(d.interval.expect("an interval").high, 0.430757);
    assert!(matches!(completion.verdict, Said::NoDifference { .. }));
    assert!(
        completion
            .verdict_text()
            .starts_with("no difference detected (p = 0.655; the difference is somewhere between -62 points and +43 points)"),
        "{}",
        completion.verdict_text()
    );
    // Times: `ttest_ind(log b, log a, equal_var=False)`: ratio 1.781551, p = 0.014180,
    // interval 1.255242 to 2.528537.
    let time = row(Measure::Time);
    let d = time.difference.expect("a ratio");
    close(d.value, 1.781551);
    close(time.test.expect("a test").p_value, 0.014180);
    close(d.interval.expect("an interval").low, 1.255242);
    close(d.interval.expect("an interval").high, 2.528537);
    assert!(matches!(&time.verdict, Said::Different { winner, .. } if winner == "a"));
    // SUS totals: Welch p = 0.024708, difference -41.875 (-76.577 to -7.173).
    let sus = row(Measure::Score("SUS score"));
    close(sus.test.expect("a test").p_value, 0.024708);
    let d = sus.difference.expect("a difference");
    close(d.value, -41.875);
    close(d.interval.expect("an interval").low, -76.577349);
    close(d.interval.expect("an interval").high, -7.172651);
    assert!(
        sus.verdict_text()
            .starts_with("a scored higher (higher is better)")
    );
    // UMUX-Lite: Welch p = 0.008033, -44.1667 (-72.4632 to -15.8701).
    let umux = row(Measure::Score("UMUX-Lite score"));
    close(umux.test.expect("a test").p_value, 0.008033);
    close(
        umux.difference
            .and_then(|d| d.interval)
            .expect("an interval")
            .low,
        -72.463194,
    );
    // NPS -40 against +25: adjusted-Wald z p = 0.336449, -119.39 to 40.82 points, the
    // interval centred on the adjusted difference -39.285714 (Rocks 2016, in Python:
    // ((pro+.75)-(det+.75))/(n+3) per side), which is the difference reported.
    let nps = row(Measure::Nps("NPS"));
    close(nps.test.expect("a test").p_value, 0.336449);
    let d = nps.difference.expect("a difference");
    close(d.value, -39.285714);
    close(d.interval.expect("an interval").low, -119.391982);
    close(d.interval.expect("an interval").high, 40.820554);
    // Items are never compared one by one.
    assert!(
        c.rows
            .iter()
            .all(|r| !r.subject.starts_with("sus") && !r.subject.starts_with("umux")),
        "{:?}",
        c.rows
            .iter()
            .map(|r| r.name(|s| s.to_owned()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_report_reads_right() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let text = markdown::render(&report(dir.path(), Counting::default()));
    if let Some(path) = std::env::var_os("MVX_DESIGNED_REPORT") {
        std::fs::write(path, &text).expect("report written");
    }
    for expected in [
        "Counted: each participant's first session of a flow",
        "Participants with more than one session: P01 (2 sessions); only each one's first session is counted.",
        "3/4 completed (29–97%) (not counted: 2 technical)",
        "Endings of `study`: aborted 1, cut off 1, partial 1, success 3",
        "Baseline: a (flow file a-v1…, 6 sessions). Variant: b (flow file b-v1…, 6 sessions; 2 sessions of other versions left out).",
        "| SUS score | 76.9 (n = 4) | 35.0 |",
        "a was faster (p = 0.014;",
        "SUS: 76.9 (43.9–100.0), n = 4",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

/// What a user of the export does in a few lines of pandas: keep each participant's
/// earliest session of a flow, drop technical attempts, then count, per flow version.
#[test]
fn the_export_reproduces_the_reports_figures() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).expect("folder");
    study(&sessions);
    beside_the_study(&sessions);
    let out = dir.path().join("export");
    let mvx = common::spawn::assert_mvx;
    mvx()
        .arg("export")
        .arg(&sessions)
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success();
    let json = mvx()
        .arg("report")
        .arg(&sessions)
        .args(["--format", "json"])
        .output()
        .expect("report runs");
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");

    // docs/export.md's pandas lines can be tried on this export.
    if let Some(keep) = std::env::var_os("MVX_DESIGNED_EXPORT") {
        std::fs::create_dir_all(&keep).expect("folder");
        for table in ["tasks.csv", "sessions.csv", "events.csv"] {
            std::fs::copy(out.join(table), Path::new(&keep).join(table)).expect("copied");
        }
    }
    let mut reader = csv::Reader::from_path(out.join("tasks.csv")).expect("tasks.csv");
    let header = reader.headers().expect("a header").clone();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            header
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    let yes = |row: &BTreeMap<String, String>, column: &str| row[column] == "true";
    for version in report["flows"][0]["versions"].as_array().expect("versions") {
        let sha = version["sha256"].as_str().expect("a sha");
        let counted: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| r["flow_sha256"] == sha && yes(r, "counted"))
            .collect();
        // The recipe's second form: the first session by UTC instant, ties in file
        // order (rows are written in file order, so a stable sort keeps it).
        // A technical abort (every row of its file technical) is no one's first.
        let aborted = |file: &str| {
            rows.iter()
                .filter(|r| r["file"] == file)
                .all(|r| yes(r, "technical"))
        };
        let mut by_start: Vec<&BTreeMap<String, String>> =
            rows.iter().filter(|r| !aborted(&r["file"])).collect();
        by_start.sort_by(|a, b| a["started_utc"].cmp(&b["started_utc"]));
        let mut first: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for row in by_start
            .iter()
            .filter(|r| !matches!(r["not_counted"].as_str(), "simulated" | "declined"))
        {
            first
                .entry((&row["flow"], &row["participant"]))
                .or_insert(&row["file"]);
        }
        let recomputed: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| r["flow_sha256"] == sha && !yes(r, "technical"))
            .filter(|r| r["not_counted"] != "simulated" && r["not_counted"] != "declined")
            .filter(|r| {
                first.get(&(r["flow"].as_str(), r["participant"].as_str()))
                    == Some(&r["file"].as_str())
            })
            .collect();
        assert_eq!(recomputed, counted, "{sha}");
        let task = &version["tasks"][0];
        let successes = counted.iter().filter(|r| yes(r, "success")).count();
        assert_eq!(task["counted"], counted.len(), "{sha}");
        assert_eq!(task["successes"], successes, "{sha}");
        let direct = counted.iter().filter(|r| yes(r, "direct")).count();
        assert_eq!(task["direct_success"]["count"], direct, "{sha}");
        let no_backtrack = counted.iter().filter(|r| r["backtracks"] == "0").count();
        assert_eq!(task["directness"]["count"], no_backtrack, "{sha}");
        // exp(mean(log(duration_ms / 1000))) over successes.
        let logs: Vec<f64> = counted
            .iter()
            .filter(|r| yes(r, "success"))
            .map(|r| (r["duration_ms"].parse::<f64>().expect("ms") / 1000.0).ln())
            .collect();
        let geometric = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
        close(
            task["time_geometric_mean_s"].as_f64().expect("a time"),
            geometric,
        );
    }
    // sessions.csv counts what was started, so a cut-off attempt is not lost.
    let sessions_csv = std::fs::read_to_string(out.join("sessions.csv")).expect("sessions.csv");
    let mut reader = csv::Reader::from_reader(sessions_csv.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let started = header
        .iter()
        .position(|h| h == "tasks_started")
        .expect("tasks_started");
    let ended = header
        .iter()
        .position(|h| h == "tasks_ended")
        .expect("tasks_ended");
    let (started, ended) = reader.records().fold((0, 0), |(s, e), r| {
        let r = r.expect("a row");
        let n = |i: usize| r[i].parse::<usize>().expect("a count");
        (s + n(started), e + n(ended))
    });
    assert_eq!((started, ended), (20, 18), "two attempts were cut off");
    let declined = sessions_csv
        .lines()
        .filter(|l| l.contains("P21-declined") && l.contains(",false,declined,"))
        .count();
    assert_eq!(declined, 1, "a declined session is exported, not counted");
    let reasons: Vec<String> = rows.iter().map(|r| r["not_counted"].clone()).collect();
    for why in ["repeat", "technical", "simulated"] {
        assert!(reasons.iter().any(|r| r == why), "{why}: {reasons:?}");
    }
}

/// Sessions beside the designed study that the report leaves out or orders by instant,
/// each made from one of its files with another header: P02 played again, earlier in
/// UTC though later as text (10:01+02:00 is 08:01Z), as P15 played (a give-up); P20
/// twice at the same instant in two offsets, the file read first (a failure, by P14's
/// moves) counting, though its session id sorts last, and a copy of that file read
/// after it (the same session id: a repeat); a simulated participant; and a declined
/// consent.
fn beside_the_study(dir: &Path) {
    let by = |id: &str| -> String {
        let files = session::discover(&[dir.to_owned()]).0;
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read"))
            .find(|text| text.lines().any(|l| l == format!("session: {id}")))
            .expect("a designed session")
    };
    // The header's lines are `key: value`; a key not there goes before `events:`.
    let write = |name: &str, text: String, header: &[(&str, &str)]| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for (key, value) in header {
            let line = format!("{key}: {value}");
            match lines.iter().position(|l| l.starts_with(&format!("{key}:"))) {
                Some(at) => lines[at] = line,
                None => {
                    let events = lines.iter().position(|l| l == "events:").expect("events");
                    lines.insert(events, line);
                }
            }
        }
        std::fs::write(dir.join(name), lines.join("\n") + "\n").expect("written");
    };
    write(
        "0-P02-again.yaml",
        by("P15-b-15"),
        &[
            ("session", "P02-again"),
            ("participant", "P02"),
            ("started_at", "\"2026-11-26T10:01:00.000+02:00\""),
        ],
    );
    write(
        "1-tie-read-first.yaml",
        by("P14-b-14"),
        &[
            ("session", "zz-P20"),
            ("participant", "P20"),
            ("started_at", "\"2026-11-26T09:40:00.000Z\""),
        ],
    );
    write(
        "2-tie-read-second.yaml",
        by("P12-b-12"),
        &[
            ("session", "aa-P20"),
            ("participant", "P20"),
            ("started_at", "\"2026-11-26T10:40:00.000+01:00\""),
        ],
    );
    write(
        "3-simulated.yaml",
        by("P11-b-11"),
        &[
            ("session", "S01"),
            ("participant", "S01"),
            ("simulated", "true"),
        ],
    );
    let played = by("P13-b-13");
    let (header, _) = played.split_once("events:").expect("a header");
    let declined = r#"- {"at_ms":0,"kind":"consent","answer":"declined","sha256":"c0"}"#;
    write(
        "4-declined.yaml",
        format!("{header}events:\n{declined}\n"),
        &[("session", "P21-declined"), ("participant", "P21")],
    );
    // A copy of P20's first file, read after it: the same session id, a repeat.
    write(
        "5-copy-of-tie-read-first.yaml",
        by("P14-b-14"),
        &[
            ("session", "zz-P20"),
            ("participant", "P20"),
            ("started_at", "\"2026-11-26T09:40:00.000Z\""),
        ],
    );
}

/// A questionnaire no one has heard of, added by one row: three items `ease1`..`ease3`
/// on 1-5, scored `(sum - 3) × 100 / 12`.
fn ease(answers: &[i64]) -> Option<f64> {
    let valid = answers.iter().all(|a| (1..=5).contains(a));
    valid.then(|| (answers.iter().sum::<i64>() - 3) as f64 * 100.0 / 12.0)
}

static WITH_EASE: [Questionnaire; 6] = [
    QUESTIONNAIRES[0],
    QUESTIONNAIRES[1],
    QUESTIONNAIRES[2],
    QUESTIONNAIRES[3],
    QUESTIONNAIRES[4],
    Questionnaire {
        id: "ease",
        label: "EASE-3",
        items: 3,
        scale: (1, 5),
        range: (0.0, 100.0),
        scoring: Scoring::Total(ease),
        compared_as: "EASE-3 score",
        key: "ease_3",
    },
];

#[test]
fn a_questionnaire_added_by_one_row_is_scored_compared_and_rendered() {
    let dir = tempfile::tempdir().expect("temp dir");
    study(dir.path());
    let (files, problems) = session::discover(&[dir.path().to_owned()]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut builder = ReportBuilder::counting(None, Counting::default());
    builder.questionnaires(&WITH_EASE);
    // Each session answers `easeN` as it answered `susN`, for N = 1..3.
    let mut sums: Vec<(String, i64)> = Vec::new();
    for file in &files {
        let mut s = session::read(file).expect("a designed session loads");
        let mut ease_answers = Vec::new();
        for event in &s.events {
            if let EventKind::Answer {
                question, value, ..
            } = &event.kind
                && let Some(n) = question
                    .strip_prefix("sus")
                    .filter(|n| ["1", "2", "3"].contains(n))
            {
                let mut copy = event.clone();
                if let EventKind::Answer { question, .. } = &mut copy.kind {
                    *question = format!("ease{n}");
                }
                if let AnswerValue::Number(v) = value {
                    sums.push((s.header.session.clone(), *v));
                }
                ease_answers.push(copy);
            }
        }
        s.events.extend(ease_answers);
        builder.add(&s);
    }
    assert!(!sums.is_empty(), "the designed sessions answer SUS");
    let report = builder.finish();
    let scored = |sha: &str| {
        let v = version(&report, sha);
        (
            v.scores.of("ease").map(|m| (m.mean, m.n)),
            v.scores.of("sus").map(|m| m.n),
        )
    };
    // Scored exactly where SUS is: by every session that answered all its items.
    let (ease_a, sus_a) = scored("a-v1");
    let (mean, n) = ease_a.expect("EASE-3 is scored");
    assert_eq!(Some(n), sus_a);
    // The score is linear in its items, so its mean is the items' means scored alike,
    // taken from the report's own verdicts on `sus1`..`sus3`.
    let items: Vec<f64> = ["sus1", "sus2", "sus3"]
        .iter()
        .map(|q| {
            let verdict = version(&report, "a-v1")
                .verdicts
                .iter()
                .find(|v| v.question == *q)
                .expect("the item's verdict");
            let scale = verdict.scale.as_ref().expect("a scale");
            assert_eq!(scale.n, n, "every scored session answered {q}");
            scale.mean
        })
        .collect();
    close(mean, (items.iter().sum::<f64>() - 3.0) * 100.0 / 12.0);
    // Compared as SUS is: Welch's test on the scores, variant − baseline.
    let comparison = &report.flows[0].comparisons[0];
    let row = comparison
        .rows
        .iter()
        .find(|r| r.measure == Measure::Score("EASE-3 score"))
        .expect("an EASE-3 row");
    assert_eq!(row.test.map(|t| t.kind), Some(mvx::stats::TestKind::Welch));
    let b_mean = version(&report, "b-v1").scores.of("ease").expect("b").mean;
    let a_mean = version(&report, comparison.baseline.sha256.as_str())
        .scores
        .of("ease")
        .expect("baseline")
        .mean;
    let d = row.difference.expect("a difference").value;
    assert!((d - (b_mean - a_mean)).abs() < 1e-9, "{d}");
    assert!(
        comparison
            .rows
            .iter()
            .all(|r| !r.subject.starts_with("ease")),
        "its items are not compared one by one"
    );
    // Rendered in Markdown, HTML and JSON.
    let md = markdown::render(&report);
    assert!(md.contains("\nEASE-3: "), "{md}");
    assert!(md.contains("| EASE-3 score | "), "{md}");
    let page = html::render(&report);
    assert!(page.contains("<p>EASE-3: "), "{page}");
    assert!(page.contains(">EASE-3 score</td>"), "{page}");
    let json = serde_json::to_value(&report).expect("json");
    let versions = json["flows"][0]["versions"].as_array().expect("versions");
    let a = versions
        .iter()
        .find(|v| v["sha256"] == "a-v1")
        .expect("a-v1");
    assert!((a["ease_3"]["mean"].as_f64().expect("a mean") - mean).abs() < 1e-9);
    assert!(a["sus"]["mean"].is_number(), "the keys as before stay");
    let rows = json["flows"][0]["comparisons"][0]["rows"]
        .as_array()
        .expect("rows");
    assert!(rows.iter().any(|r| r["figure"] == "EASE-3 score"));
}
