//! Studies through the binary: `mvx study status` and `mvx report STUDY.yaml` on designed
//! sessions, with the paired tests checked against SciPy, and the bad inputs refused.

mod common;

use std::path::Path;

use chrono::{TimeZone, Utc};
use mvx::flow::study::Design;
use mvx::session::{
    Event, EventKind, FlowRef, Header, SessionOutcome, SessionWriter, Started, StudyRef,
    TaskOutcome, TerminalInfo,
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
    let terminal = TerminalInfo {
        cols: 80,
        rows: 24,
        term: None,
        program: None,
        tmux: false,
        ssh: false,
    };
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
    // scipy.stats.binomtest(0, 5, 0.5).pvalue
    let p = compared["completion_test"]["p_value"].as_f64().expect("p");
    assert!((p - 0.0625).abs() < 1e-9, "{p}");
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
    let per_flow = out.find("# mvx report").expect("the per-flow report");
    assert!(study < per_flow, "{out}");
    // The same figures as `mvx report studies/espresso.yaml DIR` gives.
    assert!(
        out.contains("about 16 participants per variant: 10 more each"),
        "{out}"
    );
    let (_, by_file, _) = mvx(&["report", "studies/espresso.yaml", sessions]);
    assert_eq!(
        out.split("# mvx report").next(),
        by_file.split("# mvx report").next()
    );
    let (code, page, err) = mvx(&["report", sessions, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    let study = page
        .find("<h1>Study espresso-dec: ")
        .expect("the study's section in HTML");
    let per_flow = page
        .find("<h1>mvx report</h1>")
        .expect("the per-flow report");
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
    assert!(out.contains("# mvx report"), "{out}");
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
    let (md_study, md_flows) = md.split_once("# mvx report").expect("both parts");
    let (html_study, html_flows) = html
        .split_once("<section class=\"study\">")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .expect("the study section");
    let md_rows = ("| completion |", "| `espresso` completion |");
    let html_rows = (
        "<td>completion</td>",
        "<td><code>espresso</code> completion</td>",
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
