//! Studies through the binary: `mvx study status` and `mvx report STUDY.yaml` on designed
//! sessions, with the paired tests checked against SciPy, and the bad inputs refused.

mod common;

use std::path::Path;

use chrono::{TimeZone, Utc};
use mvx::flow::study::Design;
use mvx::session::{
    AnswerValue, Event, EventKind, FlowRef, Header, SessionOutcome, SessionWriter, Started,
    StudyRef, TaskOutcome, TerminalInfo, Timing,
};

/// One session of `study`: the participant plays `variant` (at `position` of `order`)
/// and succeeds or fails in `ms` milliseconds.
fn session(
    dir: &Path,
    study: (&str, &str, Design),
    who: &str,
    variant: &str,
    order: &[&str],
    ok: bool,
    ms: u64,
) {
    answered(dir, study, (who, variant, order), ok, ms, &[]);
}

/// [`session`], with these numeric answers given after the task.
fn answered(
    dir: &Path,
    study: (&str, &str, Design),
    (who, variant, order): (&str, &str, &[&str]),
    ok: bool,
    ms: u64,
    answers: &[(&str, i64)],
) {
    let started = Started {
        session: format!("{who}-{variant}"),
        at: "2026-11-26T14:00:00.000+00:00".into(),
    };
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Make a single espresso with the app".into(),
        variant: Some(variant.into()),
        path: format!("flows/espresso-{variant}.yaml"),
        sha256: "0".repeat(64),
        expected: Default::default(),
        scales: Default::default(),
    };
    let terminal = TerminalInfo::sized(80, 24);
    let mut header = Header::new(started, flow, who.into(), terminal);
    header.study = Some(StudyRef {
        id: study.0.into(),
        path: study.1.into(),
        sha256: recorded_with(study.1),
        design: study.2,
        variant: variant.into(),
        order: order.iter().map(|s| (*s).to_owned()).collect(),
        slot: 1,
        seed: 0,
        anticipation_ms: None,
        visit: None,
    });
    let stamp = Utc
        .with_ymd_and_hms(2026, 11, 26, 14, 0, 0)
        .single()
        .expect("a time");
    let mut writer = SessionWriter::create(dir, &header, stamp).expect("a session file");
    let outcome = if ok {
        TaskOutcome::Success
    } else {
        TaskOutcome::Failure
    };
    let answers = answers.iter().map(|(question, n)| {
        let kind = EventKind::Answer {
            question: (*question).into(),
            value: AnswerValue::Number(*n),
            free_text: false,
            timing: Timing {
                hesitation_ms: 1_000,
                decision_ms: 1_000,
                input: Default::default(),
            },
        };
        (ms, kind)
    });
    let task = [
        (
            0,
            EventKind::TaskStart {
                task: "espresso".into(),
            },
        ),
        (
            ms,
            EventKind::TaskEnd {
                task: "espresso".into(),
                outcome,
                duration_ms: ms,
            },
        ),
    ];
    let end = (
        ms,
        EventKind::SessionEnd {
            outcome: SessionOutcome::Complete,
        },
    );
    for (at_ms, kind) in task.into_iter().chain(answers).chain([end]) {
        writer.append(&Event { at_ms, kind }).expect("appended");
    }
}

/// The sha256 of the study file the designed sessions were recorded with: the file as
/// it is, when there is one at that path.
fn recorded_with(path: &str) -> String {
    std::fs::read(path)
        .map(|bytes| mvx::flow::open::sha256_hex(&bytes))
        .unwrap_or_else(|_| "0".repeat(64))
}

fn mvx(args: &[&str]) -> (i32, String, String) {
    let out = common::spawn::mvx().args(args).output().expect("mvx runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn a_between_study_reports_its_progress_comparison_and_how_many_more_it_needs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = ("espresso-dec", "studies/espresso.yaml", Design::Between);
    for i in 0..6 {
        session(
            dir.path(),
            study,
            &format!("A{i}"),
            "one-menu",
            &[],
            true,
            20_000 + i * 1_000,
        );
        session(
            dir.path(),
            study,
            &format!("B{i}"),
            "three-menus",
            &[],
            i < 4,
            40_000 + i * 1_000,
        );
    }
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&[
        "study",
        "status",
        "studies/espresso.yaml",
        "--sessions",
        sessions,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(status["variants"][0]["counted"], 6);
    assert_eq!(status["variants"][1]["counted"], 6);
    assert_eq!(status["next"]["kind"], "full");
    let (code, out, err) = mvx(&["report", "studies/espresso.yaml", sessions]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("# Study espresso-dec"), "{out}");
    // 4 of 6 against 6 of 6: the exact power of the report's test (N-1 chi-square, or
    // Fisher–Irwin on small tables) for 1.0 against 0.667, enumerated independently with
    // scipy.stats.binom and fisher_exact, first reaches 80% at 16 each (0.834): 10 more.
    assert!(
        out.contains("about 16 participants per variant: 10 more each"),
        "{out}"
    );
    assert!(
        out.contains("**one-menu** was faster than three-menus"),
        "{out}"
    );
}

#[test]
fn a_within_study_uses_paired_tests_that_match_scipy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = (
        "espresso-within",
        "studies/espresso-within.yaml",
        Design::Within,
    );
    let order = ["one-menu", "three-menus"];
    let three = [41.2, 55.0, 38.7, 62.3, 47.9, 51.1];
    let one = [33.5, 49.8, 35.0, 50.2, 44.1, 39.9];
    for i in 0..6 {
        let who = format!("P{i}");
        session(
            dir.path(),
            study,
            &who,
            "one-menu",
            &order,
            true,
            (one[i] * 1000.0) as u64,
        );
        session(
            dir.path(),
            study,
            &who,
            "three-menus",
            &order,
            true,
            (three[i] * 1000.0) as u64,
        );
    }
    for i in 6..11 {
        let who = format!("P{i}");
        session(dir.path(), study, &who, "one-menu", &order, true, 30_000);
        session(
            dir.path(),
            study,
            &who,
            "three-menus",
            &order,
            false,
            30_000,
        );
    }
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&[
        "report",
        "studies/espresso-within.yaml",
        sessions,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let compared = &report["study"]["comparisons"][0];
    assert_eq!(compared["discordant"], serde_json::json!([0, 5]));
    // The mid-p: 2·scipy.stats.binom.cdf(0, 5, 0.5) − binom.pmf(0, 5, 0.5) = 1/32; the
    // exact conditional beside it, scipy.stats.binomtest(0, 5, 0.5).pvalue = 0.0625.
    let p = compared["completion_test"]["p_value"].as_f64().expect("p");
    assert!((p - 0.03125).abs() < 1e-9, "{p}");
    assert_eq!(compared["completion_test"]["name"], "McNemar mid-p");
    let exact = compared["completion_exact"]["p_value"].as_f64().expect("p");
    assert!((exact - 0.0625).abs() < 1e-9, "{exact}");
    // scipy.stats.ttest_rel(np.log(three), np.log(one)): t = 5.37654336544, p = 0.0029987389264
    let time = &compared["time_ratio"];
    assert!((time[0].as_f64().expect("ratio") - 1.1720864781784424).abs() < 1e-3);
    assert!((time[2]["p_value"].as_f64().expect("p") - 0.00299873892643837).abs() < 1e-4);
    assert_eq!(report["study"]["positions"][0]["participants"], 11);
}

#[test]
fn bad_studies_and_bad_resumes_are_refused_with_nothing_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path();
    std::fs::create_dir(folder.join("flows")).expect("flows");
    for f in ["espresso-one-menu.yaml", "shop-order-status.yaml"] {
        std::fs::copy(Path::new("flows").join(f), folder.join("flows").join(f)).expect("copied");
    }
    let cases = [
        (
            "design: sideways\nvariants: [flows/espresso-one-menu.yaml]",
            "3:9: error: `design: sideways` is not one of",
        ),
        (
            "assign: fair\nvariants: [flows/espresso-one-menu.yaml]",
            "3:9: error: `assign: fair` is not one of",
        ),
        (
            "variants: [flows/espresso-one-menu.yaml]\nmargin: {completion: ten points}",
            "4:22: error: `completion: ten points` is not a margin",
        ),
        (
            "variants: [flows/espresso-one-menu.yaml]\nmargin:\n  tme: 1.2x",
            "5:3: error: unknown key `tme` in `margin`",
        ),
        (
            "variants: [flows/espresso-one-menu.yaml, flows/nope.yaml]",
            "cannot read flows/nope.yaml: no such file",
        ),
        (
            "variants:\n  - flows/espresso-one-menu.yaml\n  - flows/shop-order-status.yaml",
            "5:5: error: flows/shop-order-status.yaml is flow `shop-order-status`",
        ),
    ];
    let sessions = folder.join("sessions");
    for (body, expected) in cases {
        let path = folder.join("study.yaml");
        std::fs::write(&path, format!("study: s\ntitle: T\n{body}\n")).expect("written");
        let path = path.to_str().expect("utf-8");
        let (code, out, _) = mvx(&["check", path]);
        assert_eq!(code, 1, "{body}");
        assert!(out.contains(expected), "{body}: {out}");
        let (code, _, err) = mvx(&[
            "play",
            path,
            "--sessions",
            sessions.to_str().expect("utf-8"),
        ]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(!sessions.exists(), "nothing recorded for {body}");
    }
    let not_a_session = folder.join("flows/espresso-one-menu.yaml");
    let (code, _, err) = mvx(&["play", "--resume", not_a_session.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a session mvx can resume"), "{err}");
    let before = std::fs::read(&not_a_session).expect("read");
    assert_eq!(std::fs::read(&not_a_session).expect("read"), before);
}

/// Twelve sessions of the between example, the ones a study file's test above uses.
fn between_sessions(dir: &Path, path: &str) {
    let study = ("espresso-dec", path, Design::Between);
    for i in 0..6 {
        let (a, b) = (format!("A{i}"), format!("B{i}"));
        session(dir, study, &a, "one-menu", &[], true, 20_000 + i * 1_000);
        session(
            dir,
            study,
            &b,
            "three-menus",
            &[],
            i < 4,
            40_000 + i * 1_000,
        );
    }
}

#[test]
fn a_folder_of_study_sessions_reports_the_study_as_one_then_per_flow() {
    let dir = tempfile::tempdir().expect("temp dir");
    between_sessions(dir.path(), "studies/espresso.yaml");
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", sessions]);
    assert_eq!(code, 0, "{err}");
    let study = out
        .find("# Study espresso-dec")
        .expect("the study's section");
    let per_flow = out.find("# Report: ").expect("the per-flow report");
    assert!(study < per_flow, "{out}");
    // The same figures as `mvx report studies/espresso.yaml DIR` gives.
    assert!(
        out.contains("about 16 participants per variant: 10 more each"),
        "{out}"
    );
    let (_, by_file, _) = mvx(&["report", "studies/espresso.yaml", sessions]);
    assert_eq!(
        out.split("# Report: ").next(),
        by_file.split("# Report: ").next()
    );
    let (code, page, err) = mvx(&["report", sessions, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    let study = page
        .find("<h1>Study espresso-dec: ")
        .expect("the study's section in HTML");
    let per_flow = page.find("<h1>Report: ").expect("the per-flow report");
    assert!(study < per_flow, "{page}");
    assert!(
        page.contains("about 16 participants per variant: 10 more each"),
        "{page}"
    );
    assert!(err.is_empty(), "nothing is left out of HTML: {err}");
    let (code, out, err) = mvx(&["report", sessions, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let section = &report["studies"][0];
    assert_eq!(section["study"], "espresso-dec");
    assert_eq!(section["sessions"], 12);
    assert_eq!(section["report"]["variants"][0]["participants"], 6);
    assert!(
        report["flows"].is_array(),
        "the per-flow report's keys stay"
    );
}

#[test]
fn a_study_whose_file_is_gone_or_changed_is_named_and_the_report_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    between_sessions(dir.path(), "studies/no-such-study.yaml");
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", sessions]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("12 session(s) belong to this study, but it is not reported as one: cannot read studies/no-such-study.yaml"),
        "{out}"
    );
    assert!(out.contains("# Report: "), "{out}");
    // The file is there, but the sessions were recorded with another version of it.
    let changed = tempfile::tempdir().expect("temp dir");
    for (who, variant) in [("A", "one-menu"), ("B", "three-menus")] {
        let study = ("espresso-dec", "studies/espresso.yaml", Design::Between);
        session(changed.path(), study, who, variant, &[], true, 20_000);
    }
    for file in std::fs::read_dir(changed.path()).expect("listed") {
        let path = file.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let (sha, zeros) = (recorded_with("studies/espresso.yaml"), "0".repeat(64));
        std::fs::write(&path, text.replace(&sha, &zeros)).expect("written");
    }
    let (code, out, err) = mvx(&["report", changed.path().to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("studies/espresso.yaml has changed since its sessions were recorded"),
        "{out}"
    );
}

#[test]
fn check_on_a_study_counts_the_study_apart_from_its_flows() {
    let (code, out, err) = mvx(&["check", "studies/espresso.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("checked 1 study and 2 flows: no errors, no warnings\n"),
        "{out}"
    );
    let (_, out, _) = mvx(&[
        "check",
        "studies/espresso.yaml",
        "flows/shop-order-status.yaml",
    ]);
    assert!(out.starts_with("checked 1 study and 3 flows:"), "{out}");
    let (_, out, _) = mvx(&["check", "studies/espresso.yaml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["files"][0]["study"], true);
    assert!(
        json["files"][1].get("study").is_none(),
        "flows stay as they were"
    );
}

#[test]
fn study_status_on_a_flow_says_it_takes_a_study() {
    let (code, out, err) = mvx(&["study", "status", "flows/espresso-one-menu.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "mvx: flows/espresso-one-menu.yaml is a flow, not a study; `mvx study status` takes a study file (see docs/studies.md)\n"
    );
}

#[test]
fn a_completion_difference_and_its_interval_point_the_same_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = ("espresso-dec", "studies/espresso.yaml", Design::Between);
    for i in 0..6 {
        let (a, b) = (format!("A{i}"), format!("B{i}"));
        session(dir.path(), study, &a, "one-menu", &[], false, 30_000);
        session(dir.path(), study, &b, "three-menus", &[], true, 30_000);
    }
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&[
        "report",
        "studies/espresso.yaml",
        sessions,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    // three-menus 6/6 against the baseline one-menu 0/6. Agresti-Caffo by hand: adjusted
    // 7/8 and 1/8 on 8 each, 0.75 ± 1.959964 × √(2 × 0.875 × 0.125 / 8) = 0.75 ± 0.32410.
    let compared = &report["study"]["comparisons"][0];
    assert_eq!(compared["variant"], "three-menus");
    let difference = &compared["completion_difference"];
    assert!((difference[0].as_f64().expect("d") - 1.0).abs() < 1e-9);
    let low = difference[1]["low"].as_f64().expect("low");
    assert!((low - 0.42590).abs() < 1e-4, "{low}");
    assert_eq!(difference[1]["high"].as_f64(), Some(1.0));
    let decision = &report["study"]["decision"][0];
    assert_eq!(decision["kind"], "completion");
    assert_eq!(decision["better"], "three-menus");
    assert!(decision["difference"].as_f64().expect("d") > 0.0);
}

/// A between study of three variants in `dir`: the two espresso flows and a third,
/// `quick`, that is the first under another name. Returns the study file's path.
fn three_variant_study(dir: &Path) -> String {
    for name in ["one-menu", "three-menus"] {
        let flow = format!("espresso-{name}.yaml");
        std::fs::copy(Path::new("flows").join(&flow), dir.join(&flow)).expect("copied");
    }
    let one = std::fs::read_to_string("flows/espresso-one-menu.yaml").expect("read");
    let quick = one.replace("variant: one-menu", "variant: quick");
    std::fs::write(dir.join("espresso-quick.yaml"), quick).expect("written");
    let study = "study: espresso-three\ntitle: Three ways to an espresso\ndesign: between\nvariants:\n  - espresso-one-menu.yaml\n  - espresso-quick.yaml\n  - espresso-three-menus.yaml\nassign: balanced\ntarget: 6\n";
    let path = dir.join("study.yaml");
    std::fs::write(&path, study).expect("written");
    path.to_str().expect("utf-8").to_owned()
}

/// The rest of a comparison table's row after its figure's name, in Markdown or HTML.
fn row_after<'t>(text: &'t str, figure: &str) -> &'t str {
    let at = text
        .find(figure)
        .unwrap_or_else(|| panic!("{figure} in {text}"));
    let rest = &text[at + figure.len()..];
    let end = rest.find(['\n']).unwrap_or(rest.len());
    let rest = &rest[..end];
    rest.find("</tr>").map_or(rest, |e| &rest[..e])
}

#[test]
fn a_three_variant_study_decides_as_the_per_flow_comparison_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = three_variant_study(dir.path());
    let study = ("espresso-three", path.as_str(), Design::Between);
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("folder");
    // one-menu (the baseline) 1 of 6, quick 5 of 6, three-menus 0 of 6.
    for i in 0..6u64 {
        let time = 20_000 + i * 1_500;
        for (variant, completes) in [
            ("one-menu", i < 1),
            ("quick", i < 5),
            ("three-menus", false),
        ] {
            let who = format!("{variant}-{i}");
            session(&sessions, study, &who, variant, &[], completes, time);
        }
    }
    let sessions = sessions.to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", &path, sessions, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let study = &json["study"];
    let flow = &json["sessions"]["flows"][0];
    for (i, variant) in ["quick", "three-menus"].into_iter().enumerate() {
        let ours = &study["comparisons"][i];
        let theirs = &flow["comparisons"][i];
        assert_eq!(ours["variant"], variant);
        assert_eq!(theirs["variant"]["variant"], variant);
        assert_eq!(ours["holm"], true);
        for (row, figure) in [(0, "completion"), (1, "time (geometric mean)")] {
            let (a, b) = (&ours["rows"][row], &theirs["rows"][row]);
            assert_eq!(a["figure"], figure);
            assert_eq!(b["figure"], format!("`espresso` {figure}"));
            for key in [
                "baseline",
                "variant",
                "difference",
                "difference_value",
                "test",
                "p_adjusted",
                "verdict",
            ] {
                assert_eq!(a[key], b[key], "{variant} {figure} {key}");
            }
        }
    }
    // quick against one-menu: N-1 z = +2.21 (variant − baseline), p = 0.027, which
    // Holm doubles past 0.05: no difference detected, so no decision for quick.
    let quick = &study["comparisons"][0];
    let test = &quick["completion_test"];
    assert_eq!(test["name"], "N-1 chi-square");
    assert!((test["statistic"].as_f64().expect("z") - 2.2110832).abs() < 1e-6);
    let p = quick["rows"][0]["p_adjusted"].as_f64().expect("adjusted p");
    assert!((p - 2.0 * 0.027030076547772).abs() < 1e-9, "{p}");
    assert!(
        quick["rows"][0]["verdict"]
            .as_str()
            .expect("verdict")
            .starts_with("no difference detected (Holm-adjusted p = 0.054"),
        "{quick}"
    );
    // three-menus 0 of 6 against 1 of 6: an expected count of 0.5, so Fisher–Irwin.
    let three = &study["comparisons"][1]["completion_test"];
    assert_eq!(three["name"], "Fisher-Irwin");
    assert!((three["p_value"].as_f64().expect("p") - 1.0).abs() < 1e-9);
    assert_eq!(
        study["decision"][0]["kind"], "cannot_tell",
        "{}",
        study["decision"]
    );
    assert_eq!(study["decision"][0]["variant"], "quick");
    assert!(
        study["decision"]
            .as_array()
            .expect("decision")
            .iter()
            .all(|d| d["kind"] != "completion"),
        "{}",
        study["decision"]
    );

    let (code, md, err) = mvx(&["report", &path, sessions]);
    assert_eq!(code, 0, "{err}");
    let (code, html, err) = mvx(&["report", &path, sessions, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    let cannot = "The study cannot tell quick and one-menu apart on completion yet.";
    assert!(md.contains(&format!("- {cannot}")), "{md}");
    assert!(html.contains(&format!("<li>{cannot}")), "{html}");
    assert!(!md.contains("completed more often than"), "{md}");
    assert!(!html.contains("completed more often than"), "{html}");
    // Each format's study table says, row for row, what its per-flow table says.
    let (md_study, md_flows) = md.split_once("# Report: ").expect("both parts");
    let (html_study, html_flows) = html
        .split_once("<section class=\"study\">")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .expect("the study section");
    let md_rows = ("| completion |", "| `espresso` completion |");
    let html_rows = (
        "<td data-label=\"figure\">completion</td>",
        "<td data-label=\"figure\"><code>espresso</code> completion</td>",
    );
    for (study_text, flows_text, heading, (ours, theirs)) in [
        (md_study, md_flows, "### {}\n", md_rows),
        (html_study, html_flows, "<h3>{}</h3>", html_rows),
    ] {
        for variant in ["quick", "three-menus"] {
            let heading = heading.replace("{}", variant);
            let compared = format!("Compared with the baseline: {variant} vs one-menu");
            let a = study_text
                .split_once(&heading)
                .expect("the study's table")
                .1;
            let b = flows_text
                .split_once(&compared)
                .expect("the flow's table")
                .1;
            let (ours_row, theirs_row) = (row_after(a, ours), row_after(b, theirs));
            assert_eq!(ours_row, theirs_row, "{variant}");
            assert!(ours_row.contains("Holm-adjusted"), "{ours_row}");
        }
    }
    assert!(md_study.contains("N-1 z = 2.21"), "{md_study}");
    assert!(
        md_study.contains("Fisher–Irwin exact, p = 1.000"),
        "{md_study}"
    );
    assert!(
        html_study.contains("Fisher–Irwin exact, p = 1.000"),
        "{html_study}"
    );
}

/// Fifteen participants of the within example, fourteen of whom played both (the last
/// played only one-menu, and failed): 6 completed with both, 7 with three-menus only,
/// 1 with one-menu only; each answered SEQ and UMUX-Lite after every session.
fn within_sessions(dir: &Path) {
    let study = (
        "espresso-within",
        "studies/espresso-within.yaml",
        Design::Within,
    );
    let (one, three) = ("one-menu", "three-menus");
    let times_one = [40.0, 52.0, 45.0, 60.0, 38.0, 50.0];
    let times_three = [33.0, 47.0, 36.0, 51.0, 35.0, 41.0];
    let seq = [
        (4, 5),
        (5, 6),
        (3, 5),
        (4, 5),
        (5, 6),
        (4, 5),
        (3, 4),
        (5, 6),
        (4, 5),
        (4, 6),
        (3, 4),
        (5, 6),
        (4, 5),
        (4, 5),
    ];
    let umux = [
        ((5, 4), (6, 5)),
        ((5, 5), (6, 6)),
        ((4, 4), (5, 5)),
        ((6, 5), (6, 6)),
        ((5, 5), (6, 5)),
        ((4, 5), (5, 5)),
        ((3, 4), (4, 5)),
        ((6, 6), (7, 6)),
        ((5, 4), (6, 5)),
        ((5, 5), (5, 6)),
        ((4, 3), (5, 4)),
        ((6, 5), (6, 6)),
        ((5, 5), (6, 6)),
        ((4, 4), (5, 5)),
    ];
    for i in 0..14 {
        let who = format!("P{i:02}");
        // A Williams design for two: every other participant meets three-menus first.
        let order: &[&str] = if i % 2 == 0 {
            &[one, three]
        } else {
            &[three, one]
        };
        let (ok_one, ok_three) = match i {
            0..6 => (true, true),
            6..13 => (false, true),
            _ => (true, false),
        };
        let ms = |times: &[f64; 6]| times.get(i).map_or(30_000, |t| (t * 1000.0) as u64);
        let (u_one, u_three) = umux[i];
        let answers = |s: i64, u: (i64, i64)| [("seq", s), ("umux1", u.0), ("umux2", u.1)];
        let (s_one, s_three) = seq[i];
        answered(
            dir,
            study,
            (&who, one, order),
            ok_one,
            ms(&times_one),
            &answers(s_one, u_one),
        );
        answered(
            dir,
            study,
            (&who, three, order),
            ok_three,
            ms(&times_three),
            &answers(s_three, u_three),
        );
    }
    let answers = [("seq", 2), ("umux1", 2), ("umux2", 2)];
    answered(
        dir,
        study,
        ("P14", one, &[one, three]),
        false,
        30_000,
        &answers,
    );
}

#[test]
fn a_within_study_is_analysed_paired_throughout() {
    let dir = tempfile::tempdir().expect("temp dir");
    within_sessions(dir.path());
    let sessions = dir.path().to_str().expect("utf-8");
    let args = ["report", "studies/espresso-within.yaml", sessions];
    let (code, out, err) = mvx(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let compared = &report["study"]["comparisons"][0];
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().expect("a number") - x).abs() < 1e-9;
    let rows = &compared["rows"];
    // Completion on the 14 who tried both: 12/14 against 7/14, +6/14. Bonett & Price by
    // hand (p̃ = (7+1)/16, (1+1)/16, ± scipy.stats.norm.ppf(0.975)·√((p̃₁+p̃₂−d²)/16)).
    assert_eq!(rows[0]["baseline"], "7/14");
    assert_eq!(rows[0]["variant"], "13/14");
    assert!(close(&rows[0]["difference_value"], 6.0 / 14.0));
    assert!(close(
        &rows[0]["difference_interval"]["low"],
        0.03398069920148611
    ));
    assert!(close(
        &rows[0]["difference_interval"]["high"],
        0.7160193007985138
    ));
    // Mid-p 2·binom.cdf(1, 8, ½) − binom.pmf(1, 8, ½); exact binomtest(1, 8).pvalue.
    assert!(close(&compared["completion_test"]["p_value"], 0.0390625));
    assert!(close(&compared["completion_exact"]["p_value"], 0.0703125));
    // Time on the 6 pairs where both succeeded: scipy.stats.ttest_rel(log three, log one)
    // gives p = 0.0009671244249078839, exp(mean) = 0.852169420801284, interval
    // 0.8029984188463893 – 0.9043513719392688.
    let time = &compared["time_ratio"];
    assert!(close(&time[0], 0.852169420801284));
    assert!((time[1]["low"].as_f64().expect("low") - 0.8029984188463893).abs() < 1e-9);
    assert!((time[1]["high"].as_f64().expect("high") - 0.9043513719392688).abs() < 1e-9);
    assert!((time[2]["p_value"].as_f64().expect("p") - 0.0009671244249078839).abs() < 1e-12);
    // The period effect of the 2×2 crossover on the same 6 pairs, by order group (3
    // each): scipy.stats.ttest_ind(d_ab, -d_ba), d = ln(second) − ln(first), gives
    // p = 0.8281862120019045; the ratio second/first is 0.9940697277099756.
    let period = &report["study"]["period"];
    assert_eq!(period["groups"], serde_json::json!([3, 3]));
    assert!(close(&period["ratio"], 0.9940697277099756));
    assert!((period["test"]["p_value"].as_f64().expect("p") - 0.8281862120019045).abs() < 1e-9);
    let basis = &compared["basis"];
    assert_eq!(basis[1]["pairs"], 6);
    assert_eq!(basis[1]["of"], 14);
    // SEQ and UMUX-Lite paired on the 14 complete pairs: scipy.stats.ttest_rel(three, one)
    // gives t = 11.775681155103793, p = 2.6196959869202218e-08 (SEQ) and t =
    // 11.449162997063727, p = 3.6641118213589186e-08 (UMUX-Lite, scored (u1+u2−2)·100/12).
    let row = |name: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|r| r["figure"] == name))
            .unwrap_or_else(|| panic!("a {name} row in {rows}"))
    };
    for (name, t, p, mean) in [
        ("SEQ", 11.775681155103793, 2.6196959869202218e-08, 8.0 / 7.0),
        (
            "UMUX-Lite score",
            11.449162997063727,
            3.6641118213589186e-08,
            13.095238095238093,
        ),
    ] {
        let r = row(name);
        assert_eq!(r["test"]["name"], "paired t", "{name}");
        assert_eq!(r["test"]["df"], 13.0, "{name}");
        assert!(
            (r["test"]["statistic"].as_f64().expect("t") - t).abs() < 1e-9,
            "{name}"
        );
        assert!(
            (r["test"]["p_value"].as_f64().expect("p") - p).abs() < 1e-15,
            "{name}"
        );
        assert!(
            (r["difference_value"].as_f64().expect("d") - mean).abs() < 1e-9,
            "{name}"
        );
    }
    // The per-flow section counts every participant's session of each variant.
    let (code, out, err) = mvx(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("rests on the 6 of 14 pairs where both succeeded"),
        "{out}"
    );
    assert!(
        out.contains("paired on the 14 participants who tried both"),
        "{out}"
    );
    assert!(!out.contains("learning or fatigue"), "{out}");
    assert!(
        out.contains("No period effect detected: sessions played second took 99% of the time of those played first"),
        "{out}"
    );
    assert!(
        out.contains(
            "Carry-over (the first variant changing how the second is played) cannot be told apart"
        ),
        "{out}"
    );
    assert!(
        out.contains("SEQ rests on 14 of the 14 participants who tried both"),
        "{out}"
    );
    // The per-flow section counts each participant's session of every variant, and
    // leaves the test of these paired sessions to the study's section.
    assert!(out.contains("| `espresso` | 15 | 15 | 7 |"), "{out}");
    assert!(out.contains("| `espresso` | 14 | 14 | 13 |"), "{out}");
    let per_flow = out
        .split("# Report: ")
        .nth(1)
        .expect("the per-flow section");
    assert!(
        per_flow.contains("compared pair by pair in the study's report"),
        "{per_flow}"
    );
    assert!(!per_flow.contains("Welch"), "{per_flow}");
    assert!(!per_flow.contains("N-1"), "{per_flow}");
}

/// Ten participants of the within example who all played both: 6 completed with both,
/// each taking exactly 0.8 times as long with three-menus; 3 completed with three-menus
/// only, 1 with one-menu only.
#[test]
fn a_within_study_sizes_by_connor_and_keeps_a_ratio_without_variation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = (
        "espresso-within",
        "studies/espresso-within.yaml",
        Design::Within,
    );
    let (one, three) = ("one-menu", "three-menus");
    for i in 0..10u64 {
        let who = format!("P{i:02}");
        let order: &[&str] = if i % 2 == 0 {
            &[one, three]
        } else {
            &[three, one]
        };
        let (ok_one, ok_three) = match i {
            0..6 => (true, true),
            6..9 => (false, true),
            _ => (true, false),
        };
        let ms = 10_000 * (i + 1);
        session(dir.path(), study, &who, one, order, ok_one, ms);
        session(dir.path(), study, &who, three, order, ok_three, ms * 4 / 5);
    }
    let sessions = dir.path().to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", "studies/espresso-within.yaml", sessions]);
    assert_eq!(code, 0, "{err}");
    // Mid-p 2·binom.cdf(1, 4, ½) − binom.pmf(1, 4, ½) = 0.375: no difference detected.
    // Connor (1987) by hand with scipy.stats.norm.ppf: ψ = 0.4, δ = 0.2 gives 76.09, so
    // 77 in all, 67 more than the 10 who tried both.
    assert!(out.contains("McNemar mid-p, p = 0.375"), "{out}");
    assert!(
        out.contains("a within study needs about 77 participants in all, each trying three-menus and one-menu (Connor's paired formula): 67 more."),
        "{out}"
    );
    assert!(!out.contains("a between study needs"), "{out}");
    // Every pair took 0.80 times as long: the ratio, and why there is no interval.
    assert!(
        out.contains(
            "| 0.80× | – | cannot be tested: no variation: every participant's ratio is the same |"
        ),
        "{out}"
    );
    // JSON keeps the ratio too, with no interval and no test.
    let (code, out, err) = mvx(&[
        "report",
        "studies/espresso-within.yaml",
        sessions,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ratio = &json["study"]["comparisons"][0]["time_ratio"];
    let value = ratio[0].as_f64().expect("a ratio");
    assert!((value - 0.8).abs() < 1e-9, "{ratio}");
    assert!(ratio[1].is_null() && ratio[2].is_null(), "{ratio}");
}

/// A between study of the two espresso flows declaring `margin:`, in `dir`.
fn study_with_margin(dir: &Path, design: &str) -> String {
    for name in ["one-menu", "three-menus"] {
        let flow = format!("espresso-{name}.yaml");
        std::fs::copy(Path::new("flows").join(&flow), dir.join(&flow)).expect("copied");
    }
    let study = format!(
        "study: espresso-margin\ntitle: One menu or three, within a margin\ndesign: {design}\nvariants:\n  - espresso-one-menu.yaml\n  - espresso-three-menus.yaml\nmargin: {{completion: 10 points, time: 1.2x}}\n"
    );
    let path = dir.join("study.yaml");
    std::fs::write(&path, study).expect("written");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn a_declared_margin_is_tested_by_two_one_sided_tests_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = study_with_margin(dir.path(), "between");
    let study = ("espresso-margin", path.as_str(), Design::Between);
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("folder");
    // one-menu 27 of 30 in 20.0 s + 0.5 s each, three-menus 28 of 30 in 21.0 s + 0.45 s.
    for i in 0..30u64 {
        let a = format!("A{i}");
        session(
            &sessions,
            study,
            &a,
            "one-menu",
            &[],
            i < 27,
            20_000 + i * 500,
        );
        let b = format!("B{i}");
        session(
            &sessions,
            study,
            &b,
            "three-menus",
            &[],
            i < 28,
            21_000 + i * 450,
        );
    }
    let sessions = sessions.to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", &path, sessions, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let study = &json["study"];
    assert_eq!(study["margin"]["completion"], 0.1);
    assert_eq!(study["margin"]["time"], 1.2);
    let checks = &study["comparisons"][0]["equivalence"];
    let number = |v: &serde_json::Value| v.as_f64().expect("a number");
    // statsmodels 0.15: tost_proportions_2indep(28, 30, 27, 30, -0.1, 0.1,
    // method="agresti-caffo").pvalue = 0.18883209135270707, 90% interval
    // (-0.0969, 0.1594) from confint_proportions_2indep(..., alpha=0.10).
    assert_eq!(checks[0]["figure"], "completion");
    assert_eq!(checks[0]["verdict"], "inconclusive");
    assert!((number(&checks[0]["p_value"]) - 0.18883209135270707).abs() < 1e-9);
    assert!((number(&checks[0]["interval"]["low"]) + 0.09693252654889004).abs() < 1e-9);
    assert!((number(&checks[0]["interval"]["high"]) - 0.15943252654889004).abs() < 1e-9);
    // ttost_ind(log b, log a, -log 1.2, log 1.2, usevar="unequal") p = 8.553e-05; the
    // ratio's 90% interval 0.9585 to 1.0932 (Welch on logs).
    assert_eq!(checks[1]["figure"], "time");
    assert_eq!(checks[1]["verdict"], "equivalent");
    assert!((number(&checks[1]["p_value"]) - 8.55339677984283e-05).abs() < 1e-9);
    assert!((number(&checks[1]["interval"]["low"]) - 0.9584537521029235).abs() < 1e-9);
    assert!((number(&checks[1]["interval"]["high"]) - 1.0931586915389064).abs() < 1e-9);
    for format in ["md", "html"] {
        let (code, out, err) = mvx(&["report", &path, sessions, "--format", format]);
        assert_eq!(code, 0, "{err}");
        for expected in [
            "Completion inconclusive for a margin of ±10 points: the interval crosses it (90% interval",
            "Time equivalent within 1.2× either way (90% interval 0.96× to 1.09× of the baseline's; two one-sided tests, p &lt; 0.001)",
        ] {
            let expected = match format {
                "md" => expected.replace("&lt;", "<"),
                _ => expected.replace('\'', "&#39;"),
            };
            assert!(out.contains(&expected), "{format}: {expected} in {out}");
        }
    }
}

/// A within study's margin is tested pair by pair: completion by two one-sided z tests
/// on Bonett & Price's paired estimate, time by two one-sided paired t tests on the log
/// ratios of those who succeeded with both; the decision names what the margin says.
#[test]
fn a_within_study_tests_its_margin_pair_by_pair() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = study_with_margin(dir.path(), "within");
    let study = ("espresso-margin", path.as_str(), Design::Within);
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("folder");
    let order = ["one-menu", "three-menus"];
    // P3 fails with one-menu, P7 and P9 with three-menus; three-menus takes the same
    // time give or take 0.3 s, varying with the participant.
    for i in 0..12u64 {
        let who = format!("P{i}");
        let one = 20_000 + i * 900;
        let three = one + (i % 3) * 400 - 300;
        session(&sessions, study, &who, "one-menu", &order, i != 3, one);
        let ok = i != 7 && i != 9;
        session(&sessions, study, &who, "three-menus", &order, ok, three);
    }
    let sessions = sessions.to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", &path, sessions, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let checks = &json["study"]["comparisons"][0]["equivalence"];
    let number = |v: &serde_json::Value| v.as_f64().expect("a number");
    // By the formula with SciPy 1.17: 1 with three-menus only, 2 with one-menu only, of
    // 12; p̃ = 2/14 and 3/14, se = √((p̃₁ + p̃₂ − d²)/14), p = max(1 − Φ((d + 0.1)/se),
    // Φ((d − 0.1)/se)) = 0.42851, 90% interval d ± norm.ppf(0.95)·se.
    assert_eq!(checks[0]["figure"], "completion");
    assert_eq!(checks[0]["verdict"], "inconclusive");
    assert!((number(&checks[0]["p_value"]) - 0.4285067888483922).abs() < 1e-9);
    assert!((number(&checks[0]["interval"]["low"]) + 0.3322598970815758).abs() < 1e-9);
    assert!((number(&checks[0]["interval"]["high"]) - 0.1894027542244329).abs() < 1e-9);
    // statsmodels 0.15: ttost_paired(log b, log a, -log 1.2, log 1.2) on the 9 pairs
    // where both succeeded: p = 1.186e-10, the ratio's 90% interval 0.9985 to 1.0156.
    assert_eq!(checks[1]["figure"], "time");
    assert_eq!(checks[1]["verdict"], "equivalent");
    assert!((number(&checks[1]["p_value"]) - 1.1862151477391893e-10).abs() < 1e-12);
    assert!((number(&checks[1]["interval"]["low"]) - 0.998503617958581).abs() < 1e-9);
    assert!((number(&checks[1]["interval"]["high"]) - 1.0156470957639634).abs() < 1e-9);
    let decision = &json["study"]["decision"];
    assert!(
        decision
            .as_array()
            .expect("a list")
            .iter()
            .any(|d| d["kind"] == "equivalence" && d["check"]["figure"] == "time"),
        "{decision}"
    );
    let (code, out, err) = mvx(&["report", &path, sessions]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("is not tested"), "{out}");
    for expected in [
        "- **three-menus** against one-menu, with the study's margin: time equivalent within 1.2× either way (90% interval 0.999× to 1.02× of the baseline's; two one-sided tests, p < 0.001).",
        "- **three-menus** against one-menu, with the study's margin: completion inconclusive for a margin of ±10 points: the interval crosses it",
        "- Time equivalent within 1.2× either way",
    ] {
        assert!(out.contains(expected), "{expected} in {out}");
    }
}

/// The three espresso variants of `how_many_more_counts_the_two_variants_compared`, as a
/// study of `design` in `dir`; its path.
fn three_variants(dir: &Path, design: &str) -> String {
    for name in ["one-menu", "three-menus"] {
        let flow = format!("espresso-{name}.yaml");
        std::fs::copy(Path::new("flows").join(&flow), dir.join(&flow)).expect("copied");
    }
    let list = std::fs::read_to_string("flows/espresso-one-menu.yaml")
        .expect("the flow")
        .replace("variant: one-menu", "variant: list");
    std::fs::write(dir.join("espresso-list.yaml"), list).expect("written");
    let path = dir.join("study.yaml");
    std::fs::write(
        &path,
        format!("study: espresso-three\ntitle: Three ways\ndesign: {design}\nvariants:\n  - espresso-one-menu.yaml\n  - espresso-three-menus.yaml\n  - espresso-list.yaml\n"),
    )
    .expect("written");
    path.to_str().expect("utf-8").to_owned()
}

/// A within study of three variants: the per-flow comparison keeps each side's figures
/// and leaves every test to the study's pairs, so it neither claims a Holm adjustment
/// nor gives effect sizes whose intervals assume independent sides. A variant one
/// participant completed shows that participant's time, with its n.
#[test]
fn a_within_flow_comparison_claims_no_unpaired_figure() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = three_variants(dir.path(), "within");
    let study = ("espresso-three", path.as_str(), Design::Within);
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("folder");
    let order = ["one-menu", "three-menus", "list"];
    for i in 0..6u64 {
        let who = format!("P{i}");
        session(
            &sessions,
            study,
            &who,
            "one-menu",
            &order,
            i < 4,
            20_000 + i * 500,
        );
        session(
            &sessions,
            study,
            &who,
            "three-menus",
            &order,
            i < 5,
            21_000 + i * 450,
        );
        session(&sessions, study, &who, "list", &order, i == 0, 8_000);
    }
    let sessions = sessions.to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", &path, sessions, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let compared = json["sessions"]["flows"][0]["comparisons"]
        .as_array()
        .expect("comparisons");
    assert_eq!(compared.len(), 2);
    for c in compared {
        assert_eq!(c["holm"], false, "{c}");
        for row in c["rows"].as_array().expect("rows") {
            assert!(row["effect"].is_null() && row["test"].is_null(), "{row}");
        }
    }
    let list = &json["study"]["variants"][2];
    assert_eq!(list["variant"], "list");
    assert_eq!(list["time"][0], 8.0);
    assert!(list["time"][1].is_null(), "{list}");
    let (code, out, err) = mvx(&["report", &path, sessions]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("| list | 6 | 1 of 6 (17%) |"), "{out}");
    assert!(out.contains("| 8.0 s (n = 1) | – |"), "{out}");
    // The study's own comparison adjusts (three variants); the per-flow one tests nothing.
    let per_flow = out.split("# Report: ").nth(1).expect("the per-flow report");
    assert!(
        out.contains("Holm-adjusted across the variants compared"),
        "{out}"
    );
    assert!(!per_flow.contains("Holm-adjusted"), "{per_flow}");
}

/// With three variants, "how many more" counts the two compared: a third variant with
/// nobody yet does not make the others look empty. Exact power of Campbell's rule for
/// 2/4 against 3/4 asks 59 per variant (enumerated with scipy.stats.binom and
/// fisher_exact); each compared variant has 4, so 55 more each.
#[test]
fn how_many_more_counts_the_two_variants_compared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = three_variants(dir.path(), "between");
    let path = path.as_str();
    let study = ("espresso-three", path, Design::Between);
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("folder");
    for i in 0..4u64 {
        let (a, b) = (format!("A{i}"), format!("B{i}"));
        session(
            &sessions,
            study,
            &a,
            "one-menu",
            &[],
            i < 2,
            20_000 + i * 500,
        );
        session(
            &sessions,
            study,
            &b,
            "three-menus",
            &[],
            i < 3,
            21_000 + i * 450,
        );
    }
    let sessions = sessions.to_str().expect("utf-8");
    let (code, out, err) = mvx(&["report", path, sessions]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("needs about 59 participants per variant: 55 more each."),
        "{out}"
    );
}

/// A session file is written by one process at a time: a resume of a file another mvx
/// is writing is refused at once (nothing written, no waiting), and a forced resume onto
/// a flow that lost the step the session recorded is refused rather than reported
/// complete with the file left cut off.
#[test]
fn a_resume_refuses_a_file_being_written_and_a_flow_that_lost_its_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flow = dir.path().join("flow.yaml");
    std::fs::copy("flows/espresso-one-menu.yaml", &flow).expect("copied");
    let sessions = dir.path().join("sessions");
    let (code, _, err) = mvx(&[
        "simulate",
        flow.to_str().expect("utf-8"),
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--participants",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    let file = std::fs::read_dir(&sessions)
        .expect("sessions")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "yaml"))
        .expect("a session file");
    // Cut off after its first few events, as a crash would leave it.
    let text = std::fs::read_to_string(&file).expect("read");
    let (header, events) = text.split_once("events:\n").expect("events");
    let kept: Vec<&str> = events.lines().take(3).collect();
    std::fs::write(&file, format!("{header}events:\n{}\n", kept.join("\n"))).expect("cut");
    let before = std::fs::read(&file).expect("read");
    let path = file.to_str().expect("utf-8");
    {
        let _writing = SessionWriter::reopen(&file).expect("held");
        let (code, _, err) = mvx(&["play", "--resume", path]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is writing this session now"), "{err}");
        let Err(second) = SessionWriter::reopen(&file) else {
            panic!("a second writer is refused");
        };
        assert_eq!(second.kind(), std::io::ErrorKind::WouldBlock);
    }
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "nothing written"
    );
    let renamed = std::fs::read_to_string(&flow)
        .expect("flow")
        .replace("home", "start");
    std::fs::write(&flow, renamed).expect("changed");
    let (code, out, err) = mvx(&["play", "--resume", path, "--force"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("recorded step `home`, which") && err.contains("no longer has"),
        "{err}"
    );
    assert!(!out.contains("Session complete"), "{out}");
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "nothing written"
    );
}

/// `mvx report STUDY.yaml` tallies its sessions as they are read: a file that cannot be
/// read and a simulated session are named on stderr, not in the report, whose figures
/// are those of the study's sessions alone.
#[test]
fn a_study_report_names_what_it_left_out_and_keeps_its_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    between_sessions(dir.path(), "studies/espresso.yaml");
    let sessions = dir.path().to_str().expect("utf-8");
    let report = [
        "report",
        "studies/espresso.yaml",
        sessions,
        "--format",
        "json",
    ];
    let (code, clean, err) = mvx(&report);
    assert_eq!(code, 0, "{err}");
    let a0 = std::fs::read_dir(dir.path())
        .expect("listed")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .find(|text| text.contains("\nparticipant: A0\n"))
        .expect("A0's session");
    let made_up = a0
        .replace("\nparticipant: A0\n", "\nparticipant: S9\n")
        .replace("\nevents:\n", "\nsimulated: true\nevents:\n");
    std::fs::write(dir.path().join("zz-simulated.yaml"), made_up).expect("written");
    std::fs::write(dir.path().join("zz-broken.yaml"), "not: [a session").expect("written");
    let (code, out, err) = mvx(&report);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, clean, "the same figures");
    assert!(
        err.contains("mvx: skipped") && err.contains("zz-broken.yaml"),
        "{err}"
    );
    assert!(err.contains("left out 1 simulated session(s)"), "{err}");
}

/// A counted session of `studies/espresso-returns.yaml` for `who`: trial `trial`,
/// started `started`, the task done in `ms` (a failure when not `ok`).
fn returning(dir: &Path, who: &str, trial: u32, started: chrono::DateTime<Utc>, ok: bool, ms: u64) {
    let path = "studies/espresso-returns.yaml";
    let at = started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Make a single espresso with the app".into(),
        variant: Some("one-menu".into()),
        path: "flows/espresso-one-menu.yaml".into(),
        sha256: "0".repeat(64),
        expected: Default::default(),
        scales: Default::default(),
    };
    let started_ms = started.timestamp_millis();
    let mut header = Header::new(
        Started {
            session: format!("{who}-{trial}"),
            at,
        },
        flow,
        who.into(),
        TerminalInfo::sized(80, 24),
    );
    let day = 86_400_000_i64;
    header.study = Some(StudyRef {
        id: "espresso-returns".into(),
        path: path.into(),
        sha256: recorded_with(path),
        design: Design::Between,
        variant: "one-menu".into(),
        order: Vec::new(),
        slot: 1,
        seed: 5,
        anticipation_ms: None,
        visit: Some(mvx::session::Visit {
            trial,
            trials: 4,
            retention: trial == 4,
            since_first_ms: None,
            since_previous_ms: None,
            early: false,
            next_from: (trial < 4).then(|| {
                mvx::study::returns::rfc3339(
                    started_ms + [day, 6 * day, 14 * day][trial as usize - 1],
                )
            }),
            next_after_start_ms: None,
        }),
    });
    let mut writer = SessionWriter::create(dir, &header, started).expect("a session file");
    let outcome = if ok {
        TaskOutcome::Success
    } else {
        TaskOutcome::Failure
    };
    for (at_ms, kind) in [
        (
            0,
            EventKind::TaskStart {
                task: "espresso".into(),
            },
        ),
        (
            ms,
            EventKind::TaskEnd {
                task: "espresso".into(),
                outcome,
                duration_ms: ms,
            },
        ),
        (
            ms,
            EventKind::SessionEnd {
                outcome: SessionOutcome::Complete,
            },
        ),
    ] {
        writer.append(&Event { at_ms, kind }).expect("appended");
    }
}

#[test]
fn a_returning_participant_is_told_when_their_next_session_opens_and_reported_and_exported() {
    let dir = tempfile::tempdir().expect("a folder");
    let sessions = dir.path().to_str().expect("a path");
    let with = |command: &[&str], more: &[&str]| {
        let mut args = command.to_vec();
        args.extend(["studies/espresso-returns.yaml", "--sessions", sessions]);
        args.extend(more);
        mvx(&args)
    };
    let play = |more: &[&str]| with(&["play", "--participant", "P07"], more);
    let status = |more: &[&str]| with(&["study", "status"], more);
    // The schedule is read against the machine's clock, as `mvx play` reads it.
    #[allow(clippy::disallowed_methods)]
    let now = Utc::now();
    returning(
        dir.path(),
        "P07",
        1,
        now - chrono::Duration::hours(2),
        true,
        52_000,
    );
    let (code, _, err) = play(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("P07's session 2 of 4 opens at "), "{err}");
    assert!(err.contains("), in 22 h"), "{err}");
    assert!(
        err.ends_with("come back then, or add --early to play it now\n"),
        "{err}"
    );
    // The study's status says who is due back, and when the others are.
    let (_, out, _) = status(&[]);
    assert!(out.contains("Coming back (docs/returns.md):\n  due now: nobody\n  not yet:\n    P07 (session 2 of 4 opens "), "{out}");
    let (_, out, _) = status(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        (&json["returns"][0]["next"], &json["returns"][0]["trials"]),
        (&serde_json::json!(2), &serde_json::json!(4)),
        "{json}"
    );
    assert_eq!(json["returns"][0]["open_now"], false);
    // --early passes the schedule (and here stops at the terminal this test has none of).
    let (code, _, err) = play(&["--early"]);
    assert!(!err.contains("opens at"), "{err}");
    assert_eq!(code, 2, "{err}");
    // A variant cannot be chosen for a returning participant: theirs is kept.
    let (code, _, err) = play(&["--early", "--variant", "three-menus"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("with the variant and order of their first"),
        "{err}"
    );

    // Two more sessions, then every one is played.
    returning(
        dir.path(),
        "P07",
        2,
        now - chrono::Duration::minutes(90),
        true,
        40_000,
    );
    returning(
        dir.path(),
        "P07",
        3,
        now - chrono::Duration::minutes(60),
        true,
        35_000,
    );
    returning(
        dir.path(),
        "P07",
        4,
        now - chrono::Duration::minutes(30),
        false,
        60_000,
    );
    let (code, _, err) = play(&[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("P07 has played all 4 sessions of this study"),
        "{err}"
    );
    let (_, out, _) = status(&[]);
    assert!(
        out.contains("  due now: nobody\n  not yet: nobody\n  played every session: 1"),
        "{out}"
    );

    // The study's report counts P07 once, and their returns in the returns section.
    let (code, out, err) = mvx(&[
        "report",
        "studies/espresso-returns.yaml",
        sessions,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let study = &json["study"];
    assert_eq!(study["variants"][0]["participants"], 1, "{study}");
    let returns = &study["returns"]["variants"][0];
    assert_eq!(returns["returns"][0]["returned"], 1);
    assert_eq!(returns["returns"][2]["retention"], true);
    let times: Vec<f64> = (returns["tasks"][0]["trials"]
        .as_array()
        .expect("trials")
        .iter())
    .filter_map(|t| t["time_s"].as_f64())
    .collect();
    assert_eq!(times, [52.0, 40.0, 35.0]);
    let (_, md, _) = mvx(&["report", "studies/espresso-returns.yaml", sessions]);
    assert!(md.contains("## Returns and learning"), "{md}");
    assert!(md.contains("1/1 came back"), "{md}");

    // The long table: a row per session and task.
    let out_dir = dir.path().join("export");
    let (code, out, err) = mvx(&[
        "export",
        sessions,
        "--format",
        "long",
        "-o",
        out_dir.to_str().expect("a path"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("exported 4 rows from 4 sessions"), "{out}");
    let csv = std::fs::read_to_string(out_dir.join("long.csv")).expect("long.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "study,participant,variant,trial,retention,early,simulated,days_since_first,task,outcome,time_s"
    );
    assert!(
        lines.contains(
            &"espresso-returns,P07,one-menu,4,true,false,false,0.0,espresso,failure,60.0"
        ),
        "{csv}"
    );
}

#[test]
fn an_intention_must_be_a_question_with_options_every_participant_is_asked() {
    let dir = tempfile::tempdir().expect("a folder");
    let flows = std::env::current_dir()
        .expect("the repository")
        .join("flows");
    let study = |intention: &str| {
        let text = format!(
            "study: s\ntitle: T\nvariants:\n  - {0}/espresso-one-menu.yaml\n  - {0}/espresso-three-menus.yaml\n\
             sessions: 2\nschedule: [0, 1d]\nintention: {intention}\nquestions:\n  - id: would-use\n    ask: Again?\n    options: [Yes, No]\n",
            flows.display()
        );
        let path = dir.path().join(format!("{intention}.yaml"));
        std::fs::write(&path, text).expect("a study file");
        path.display().to_string()
    };
    let (code, out, err) = mvx(&["check", &study("would-use")]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = mvx(&["check", &study("would-us")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(":8:12"), "{out}");
    assert!(
        out.contains("`intention: would-us` is not a question of the study or of every variant"),
        "{out}"
    );
    assert!(out.contains("did you mean `would-use`?"), "{out}");
    // Every variant asks `seq`, but on a scale: no first option to say yes.
    let (code, out, _) = mvx(&["check", &study("seq")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`intention: seq` names a question without options"),
        "{out}"
    );
}
