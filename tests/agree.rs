//! `mvx agree` end to end: a designed set of six sessions tagged by two coders (ana,
//! ben) with three tags, and by a third (cy) who has no note on one session, one of whose
//! sessions he noted only as its researcher, during it. The binary's JSON is checked
//! against `tests/independent/agreement.py`, which reads the same files itself, builds
//! the units from docs/findings.md's rule and computes with scikit-learn and the
//! `krippendorff` package; figures must match to 1e-6.
//!
//! The comparisons need python3 with scikit-learn, krippendorff, numpy and PyYAML
//! (`.ci/run` installs them); without them they are reported as ignored, with the reason
//! (under CI, a failure), and the tests of mvx alone still run.

mod common;

use common::python;

use std::path::Path;
use std::process::{Command, Stdio};

use predicates::str::contains;
use serde_json::Value;

const MODULES: &str = "import sklearn, krippendorff, numpy, yaml";

/// The screens of a session: (step, ms). Session 3 goes back to `orders` once.
fn shows(session: usize) -> Vec<(&'static str, u64)> {
    let mut shows = vec![("home", 0), ("orders", 2000), ("detail", 5000)];
    if session == 3 {
        shows.push(("orders", 8000));
    }
    shows.extend([("help", 9000), ("end", 12000)]);
    shows
}

/// A note kept beside a session: (session, author, at, end, text, tags field).
type Kept = (
    usize,
    &'static str,
    u64,
    Option<u64>,
    &'static str,
    &'static [&'static str],
);

/// The designed notes. lost: mostly agreed, a boundary case (5000 is detail's first
/// instant) and a span; slow: disagreed more; praise: rare, agreed (once as a `tags` field),
/// until cy differs.
const KEPT: &[Kept] = &[
    (1, "ana", 2500, None, "#lost", &[]),
    (1, "ben", 2600, None, "frowns, #lost", &[]),
    (1, "ana", 5500, None, "#slow", &[]),
    (1, "ben", 9500, None, "#slow", &[]),
    (1, "ana", 12100, None, "nice #praise", &[]),
    (1, "ben", 12200, None, "smiles", &["praise"]),
    (2, "ana", 2100, Some(5200), "#lost in orders", &[]),
    (2, "ben", 2200, None, "#lost", &[]),
    (2, "ana", 9100, None, "#slow", &[]),
    (2, "ben", 9200, None, "#slow", &[]),
    (3, "ana", 100, None, "starts", &[]),
    (3, "ana", 8500, None, "#lost", &[]),
    (3, "ben", 8400, None, "#lost", &[]),
    (3, "ana", 2500, None, "#slow", &[]),
    (4, "ana", 5000, None, "#lost", &[]),
    (4, "ben", 4999, None, "#lost", &[]),
    (4, "ana", 9000, Some(12000), "#slow", &[]),
    (4, "ben", 9000, Some(12000), "#slow", &[]),
    (5, "ana", 100, None, "fine", &[]),
    (5, "ben", 2500, None, "#lost", &[]),
    (5, "ben", 5500, None, "#slow", &[]),
    (5, "ana", 5600, None, "#slow", &[]),
    (6, "ana", 2500, None, "#lost #slow", &[]),
    (6, "ben", 2700, None, "#lost, #slow.", &[]),
    (1, "cy", 2550, None, "#lost", &[]),
    (1, "cy", 9400, None, "#slow", &[]),
    (2, "cy", 2300, None, "#lost", &[]),
    (3, "cy", 8450, None, "#lost", &[]),
    (4, "cy", 4500, None, "#lost", &[]),
    (4, "cy", 12500, None, "#praise", &[]),
];

/// cy's notes made as the researcher during session 5 (events in its file); cy wrote
/// nothing on session 6.
const DURING: &[(usize, u64, &str)] = &[(5, 2300, "#lost here"), (5, 5550, "#slow")];

fn write_sessions(dir: &Path) {
    for session in 1..=6 {
        let mut events: Vec<(u64, String)> = vec![(
            0,
            r#"{"at_ms":0,"kind":"task_start","task":"shop"}"#.to_owned(),
        )];
        for (step, at) in shows(session) {
            events.push((
                at,
                format!(r#"{{"at_ms":{at},"kind":"show","step":"{step}"}}"#),
            ));
        }
        for (_, at, text) in DURING.iter().filter(|d| d.0 == session) {
            events.push((
                *at,
                format!(r#"{{"at_ms":{at},"kind":"note","text":"{text}"}}"#),
            ));
        }
        events.sort_by_key(|(at, _)| *at);
        let end = r#"{"at_ms":12900,"kind":"task_end","task":"shop","outcome":"success","#;
        events.push((12900, format!(r#"{end}"duration_ms":12900}}"#)));
        events.push((
            13000,
            r#"{"at_ms":13000,"kind":"session_end","outcome":"complete"}"#.to_owned(),
        ));
        let lines: String = events.iter().map(|(_, e)| format!("- {e}\n")).collect();
        let header = format!(
            "schema: mvx-session/1\nsession: s-{session}\nflow:\n  id: shop\n  title: Shop\n  \
             variant: null\n  path: flows/shop.yaml\n  sha256: abc\nparticipant: P0{session}\n\
             researcher: cy\nstarted_at: \"2026-11-26T14:0{session}:11.123+01:00\"\n\
             terminal: {{ cols: 80, rows: 24, term: xterm, program: null, tmux: false, \
             ssh: false }}\n\
             mvx: \"0.1.0\"\nevents:\n"
        );
        let name = format!("20261126T14000{session}Z_P0{session}_shop");
        std::fs::write(dir.join(format!("{name}.yaml")), header + &lines).expect("a session");
        let notes: String = KEPT
            .iter()
            .filter(|k| k.0 == session)
            .map(|(_, author, at, end, text, tags)| {
                let mut note = serde_json::json!({"at_ms": at, "text": text, "author": author});
                if let Some(end) = end {
                    note["end_ms"] = (*end).into();
                }
                if !tags.is_empty() {
                    note["tags"] = (*tags).into();
                }
                format!("- {note}\n")
            })
            .collect();
        let notes = format!("schema: mvx-notes/1\nsession: \"s-{session}\"\nnotes:\n{notes}");
        std::fs::write(dir.join(format!("{name}.notes.yaml")), notes).expect("notes");
    }
}

const CODEBOOK: &str = "codebook: shop-research\ntitle: Shop\ntags:\n  - name: lost\n    \
    description: Looks for the order and does not find it\n  - name: slow\n    \
    description: Waits or rereads\n  - name: praise\n    description: Says something good\n  \
    - name: confused\n    description: Says they do not understand\n";

/// The designed set in `dir/sessions`, and the codebook beside the folder.
fn designed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("sessions folder");
    write_sessions(&sessions);
    std::fs::write(dir.path().join("shop-codebook.yaml"), CODEBOOK).expect("codebook");
    dir
}

fn mvx_json(dir: &Path, extra: &[&str]) -> Value {
    let output = common::spawn::assert_mvx()
        .current_dir(dir)
        .args(["agree", "sessions", "--format", "json"])
        .args(extra)
        .assert()
        .code(0)
        .get_output()
        .clone();
    serde_json::from_slice(&output.stdout).expect("mvx agree prints JSON")
}

/// The independent figures (the trial saw python's packages are there).
fn python_json(dir: &Path, extra: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent/agreement.py");
    let out = Command::new("python3")
        .arg(script)
        .arg("sessions")
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "agreement.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("agreement.py prints JSON")
}

fn same_figure(tag: &str, name: &str, ours: &Value, theirs: &Value) {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{tag} {name}: mvx {a}, python {b}"),
        _ => assert!(
            ours.is_null() && theirs.is_null(),
            "{tag} {name}: mvx {ours}, python {theirs}"
        ),
    }
}

/// Every tag's figures from mvx equal the independent ones; gives mvx's tags by name.
fn compare(ours: &Value, theirs: &Value) -> Vec<(String, Value)> {
    assert_eq!(ours["coders"], theirs["coders"]);
    assert_eq!(ours["units"], theirs["units"]);
    let tags = ours["tags"].as_array().expect("tags");
    let names: Vec<&str> = tags.iter().filter_map(|t| t["tag"].as_str()).collect();
    let others = theirs["tags"].as_array().expect("tags");
    let expected: Vec<&str> = others.iter().filter_map(|t| t["tag"].as_str()).collect();
    assert_eq!(names, expected, "the same tags, in the same order");
    for (tag, other) in tags.iter().zip(others) {
        let name = tag["tag"].as_str().unwrap_or_default();
        assert_eq!(tag["units"], other["units"], "{name} units");
        assert_eq!(tag["agreed"], other["agreed"], "{name} agreed");
        let disagreements = tag["disagreements"].as_array().map_or(0, Vec::len);
        assert_eq!(Value::from(disagreements), other["disagreements"], "{name}");
        for figure in ["percent_agreement", "kappa", "alpha"] {
            same_figure(name, figure, &tag[figure], &other[figure]);
        }
    }
    tags.iter()
        .map(|t| (t["tag"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect()
}

fn two_coders_agree_as_scikit_learn_and_krippendorff_compute() {
    let dir = designed();
    let args = [
        "--coder",
        "ana",
        "--coder",
        "ben",
        "--codebook",
        "shop-codebook.yaml",
    ];
    let ours = mvx_json(dir.path(), &args);
    let theirs = python_json(dir.path(), &args);
    let tags = compare(&ours, &theirs);
    // 5 visits in each session, 6 in the one that goes back: 31 units, all coded by both.
    assert_eq!(ours["units"], 31);
    let names: Vec<&str> = tags.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["lost", "slow", "praise", "confused"]);
    for (name, tag) in &tags {
        assert_eq!(tag["units"], 31, "{name}");
        assert!(tag["kappa"].is_number() || name == "confused", "{name}");
    }
    let readings: Vec<&str> = tags
        .iter()
        .filter_map(|(_, t)| t["reading"].as_str())
        .collect();
    assert_eq!(
        readings,
        ["not_reliable", "tentative", "reliable", "no_variation"]
    );
    // Nobody used `confused`: every value 0, kappa and alpha undefined, said so.
    let confused = &tags[3].1;
    assert_eq!(confused["agreed"], 31);
    assert!(confused["alpha"].is_null() && confused["kappa"].is_null());
    assert_eq!(confused["reading"], "no_variation");
    // lost: session 4's boundary (ana at detail's first instant, ben just before) and
    // session 2's span (ana's reaches detail) and session 5 (ana noted, not lost) differ.
    let lost: Vec<(&str, &str)> = tags[0].1["disagreements"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            (
                d["session"].as_str().unwrap_or(""),
                d["step"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        lost,
        [
            ("s-2", "detail"),
            ("s-4", "orders"),
            ("s-4", "detail"),
            ("s-5", "orders")
        ]
    );
}

fn three_coders_one_without_notes_on_a_session_agree_as_krippendorff_computes() {
    let dir = designed();
    // By default every author of kept notes: ana, ben and cy (whose notes on session 5
    // were made during it, as its researcher, and count as his).
    let ours = mvx_json(dir.path(), &[]);
    let theirs = python_json(dir.path(), &[]);
    compare(&ours, &theirs);
    assert_eq!(ours["coders"], serde_json::json!(["ana", "ben", "cy"]));
    assert_eq!(ours["sessions_coded"], serde_json::json!([6, 6, 5]));
    for tag in ours["tags"].as_array().expect("tags") {
        assert!(tag["kappa"].is_null(), "kappa is for two coders");
        assert!(tag["alpha"].is_number(), "{tag}");
    }
}

fn the_text_answer_reads_alpha_by_krippendorffs_guidance_and_lists_disagreements() {
    let dir = designed();
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["agree", "sessions", "--coder", "ana", "--coder", "ben"])
        .assert()
        .code(0)
        .stdout(contains(
            "Agreement of 2 coders (ana, ben) on 31 step visits in 6 sessions",
        ))
        .stdout(contains("tag "))
        .stdout(contains("alpha"))
        .stdout(contains("alpha is 0.800 or more; from 0.667 to 0.800"))
        .stdout(contains("Disagreements on lost (4 step visits):"))
        .stdout(contains(
            "s-4 (P04), detail at 0:05: tagged by ana; not by ben",
        ));
}

fn it_cannot_run_without_sessions_or_with_fewer_than_two_coders() {
    let dir = designed();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("a folder");
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["agree", "empty"])
        .assert()
        .code(2)
        .stderr(contains("no session found in empty"));
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["agree", "sessions", "--coder", "ana"])
        .assert()
        .code(2)
        .stderr(contains(
            "agreement needs two coders or more; coders found: ana",
        ));
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["agree", "sessions", "--coder", "ana", "--coder", "zed"])
        .assert()
        .code(2)
        .stderr(contains("by the coder `zed`; authors found: ana, ben, cy"));
}

fn text_from_notes_reaches_the_terminal_printable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("sessions folder");
    write_sessions(&sessions);
    let notes = sessions.join("20261126T140006Z_P06_shop.notes.yaml");
    let mut text = std::fs::read_to_string(&notes).expect("notes");
    text.push_str(
        "- {\"at_ms\":9100,\"text\":\"x\",\"author\":\"ana\",\"tags\":[\"evil\\u001b[2J\"]}\n",
    );
    std::fs::write(&notes, text).expect("notes");
    let output = common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["agree", "sessions", "--coder", "ana", "--coder", "ben"])
        .assert()
        .code(0)
        .stderr(contains(
            "_P06_shop.notes.yaml:6: left out: `evil\\u{1b}[2J` is not a tag name",
        ))
        .get_output()
        .clone();
    assert!(
        !output.stdout.contains(&0x1b) && !output.stderr.contains(&0x1b),
        "no escape reaches the terminal"
    );
    // The report leaves the same line out, and says so among its data problems.
    let report = common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["report", "sessions", "--format", "json"])
        .assert()
        .code(0)
        .stderr(contains("_P06_shop.notes.yaml:6: left out: `evil"))
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&report.stdout).expect("JSON");
    let problems = json["data_problems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        problems.iter().any(|p| p["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("_P06_shop.notes.yaml"))
            && p["line"] == 6),
        "{problems:?}"
    );
}

/// A codebook that cannot be used is said with every error on lines of its own, carets
/// included: it stops what it was named for (`--codebook`), as it stops `mvx play` found
/// beside the flow (a researcher's tags would go unchecked); a report whose codebook was
/// found beside the sessions warns and words its findings as typed.
fn a_codebook_that_cannot_be_used_is_said_with_its_errors() {
    let dir = designed();
    let broken =
        "codebook: x\ntitle: X\ntags:\n  - name: lost\n    description: d\n    colour: red\n";
    std::fs::write(dir.path().join("broken.yaml"), broken).expect("written");
    let said = "the codebook cannot be used, so no #tag could be checked:\nbroken.yaml:6:13: error: `colour: red` is not a colour";
    for command in ["agree", "report"] {
        common::spawn::assert_mvx()
            .current_dir(dir.path())
            .args([command, "sessions", "--codebook", "broken.yaml"])
            .assert()
            .code(2)
            .stderr(contains(said))
            .stderr(contains("\n6 |     colour: red\n  |             ^^^\n"));
    }
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["report", "sessions", "--codebook", "nope.yaml"])
        .assert()
        .code(2)
        .stderr(contains("cannot read nope.yaml"));

    // Found in the current folder (the sessions' flow folder has none): a warning.
    std::fs::write(dir.path().join("codebook.yaml"), broken).expect("written");
    let output = common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["report", "sessions", "--format", "json"])
        .assert()
        .code(0)
        .stderr(contains("mvx: the codebook cannot be used"))
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let problem = json["findings"]["codebook_problem"]
        .as_str()
        .unwrap_or_default();
    assert!(problem.contains("`colour: red`"), "{json}");

    // `mvx play` refuses before the terminal is taken and before any session is written.
    let flows = dir.path().join("flows");
    std::fs::create_dir(&flows).expect("a folder");
    std::fs::write(
        flows.join("shop.yaml"),
        "flow: shop\ntitle: Shop\nsteps:\n  home:\n    text: Hi\n    end: success\n",
    )
    .expect("a flow");
    std::fs::write(flows.join("codebook.yaml"), broken).expect("written");
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["play", "flows/shop.yaml", "--sessions", "played"])
        .assert()
        .failure()
        .stderr(contains(
            "the codebook cannot be used, so no #tag could be checked:\nflows/codebook.yaml:6:13",
        ));
    assert!(!dir.path().join("played").exists(), "nothing was recorded");
}

fn main() -> std::process::ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    let missing = python::missing(
        MODULES,
        "pip install scikit-learn krippendorff numpy pyyaml",
    );
    let trials = vec![
        python::needing(
            "two_coders_agree_as_scikit_learn_and_krippendorff_compute",
            &missing,
            two_coders_agree_as_scikit_learn_and_krippendorff_compute,
        ),
        python::needing(
            "three_coders_one_without_notes_on_a_session_agree_as_krippendorff_computes",
            &missing,
            three_coders_one_without_notes_on_a_session_agree_as_krippendorff_computes,
        ),
        python::plain(
            "the_text_answer_reads_alpha_by_krippendorffs_guidance_and_lists_disagreements",
            the_text_answer_reads_alpha_by_krippendorffs_guidance_and_lists_disagreements,
        ),
        python::plain(
            "it_cannot_run_without_sessions_or_with_fewer_than_two_coders",
            it_cannot_run_without_sessions_or_with_fewer_than_two_coders,
        ),
        python::plain(
            "text_from_notes_reaches_the_terminal_printable",
            text_from_notes_reaches_the_terminal_printable,
        ),
        python::plain(
            "a_codebook_that_cannot_be_used_is_said_with_its_errors",
            a_codebook_that_cannot_be_used_is_said_with_its_errors,
        ),
    ];
    libtest_mimic::run(&arguments, trials).exit_code()
}
