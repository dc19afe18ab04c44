//! `mvx simulate` as a person runs it: exit codes, text and JSON, and synthetic sessions
//! that report, review and export read.

use assert_cmd::Command;
use predicates::str::contains;

fn mvx() -> Command {
    Command::cargo_bin("mvx").expect("the mvx binary is built")
}

#[test]
fn the_example_flows_are_covered_completely_and_exit_0() {
    let assert = mvx()
        .args(["simulate", "--exhaustive"])
        .args([
            "flows/espresso-three-menus.yaml",
            "flows/espresso-one-menu.yaml",
        ])
        .args([
            "flows/shop-order-status.yaml",
            "flows/product-comparison.yaml",
        ])
        .assert()
        .code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(out.matches("(100%), choices").count(), 4, "{out}");
    assert_eq!(out.matches("choices 18/18 (100%)").count(), 1, "{out}");
    assert!(!out.contains("TRAP") && !out.contains("never"), "{out}");
}

#[test]
fn a_state_dependent_trap_exits_1_with_the_walk_that_reaches_it() {
    mvx()
        .args(["simulate", "--exhaustive", "tests/fixtures/valid/locker.yaml"])
        .assert()
        .code(1)
        .stdout(contains(
            "TRAP at step `hall` (trapped: no end can be reached from here) with key = no\n    \
             walk: hall: Take the key → hall: Drop the key → hall",
        ))
        .stdout(contains(
            "end `out` (success) reached 1 times; shortest: hall: Take the key → hall: Open the door → door: Unlock → out",
        ));
}

#[test]
fn random_walks_with_a_seed_print_the_same_thing_twice_and_json_on_request() {
    let run = |seed: &str| {
        let args = [
            "simulate",
            "tests/fixtures/valid/basket.yaml",
            "--walks",
            "30",
            "--seed",
            seed,
        ];
        let out = mvx().args(args).args(["--format", "json"]).assert().code(0);
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let first = run("5");
    assert_eq!(first, run("5"));
    let json: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    let flow = &json["flows"][0];
    assert_eq!(flow["flow"], "basket");
    assert_eq!(flow["walks"], 30);
    assert_eq!(flow["seed"], 5);
    assert!(flow["steps"].as_array().is_some_and(|s| s.len() == 5));
    assert!(flow["ends"][0]["shortest"]["moves"].is_array());
}

#[test]
fn flows_with_errors_exit_1_and_bad_arguments_exit_2() {
    mvx()
        .args(["simulate", "tests/fixtures/invalid/expressions-check.yaml"])
        .assert()
        .code(1)
        .stderr(contains("has errors"));
    mvx()
        .args(["simulate", "flows/espresso-one-menu.yaml", "--from", "hoem"])
        .assert()
        .code(2)
        .stderr(contains(
            "--from names the step `hoem`, which does not exist; did you mean `home`?",
        ));
    mvx()
        .args([
            "simulate",
            "flows/espresso-one-menu.yaml",
            "--sessions",
            "x",
            "--hesitation",
            "1,2",
        ])
        .assert()
        .code(2);
    mvx()
        .args(["simulate", "no-such-flow.yaml"])
        .assert()
        .code(2);
}

#[test]
fn synthetic_sessions_are_read_by_report_review_and_export_and_left_out_of_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let sessions = sessions.to_str().expect("utf-8 path");
    mvx()
        .args([
            "simulate",
            "flows/espresso-three-menus.yaml",
            "--sessions",
            sessions,
        ])
        .args(["--participants", "6", "--seed", "3"])
        .assert()
        .code(0)
        .stderr(contains("wrote 6 simulated sessions of espresso"));
    let (files, _) = mvx::session::discover(&[sessions.into()]);
    assert_eq!(files.len(), 6);
    for file in &files {
        let session = mvx::session::read(file).expect("a session file");
        assert!(session.header.simulated && session.ended());
    }
    // Reports leave them out, and say so; asked to, they count them.
    mvx()
        .args(["report", sessions, "--format", "json"])
        .assert()
        .code(0)
        .stdout(contains("\"simulated_left_out\": 6"))
        .stderr(contains("left out 6 simulated session(s)"));
    let included = mvx()
        .args([
            "report",
            sessions,
            "--format",
            "json",
            "--include-simulated",
        ])
        .assert()
        .code(0);
    let report: serde_json::Value =
        serde_json::from_slice(&included.get_output().stdout).expect("JSON");
    assert_eq!(report["flows"][0]["versions"][0]["sessions"]["total"], 6);
    // Review lists them; export writes their rows, `set` events included.
    let loaded = mvx::review::data::load(&[sessions.into()]);
    assert_eq!(loaded.rows.len(), 6);
    let out = dir.path().join("export");
    mvx()
        .args(["export", sessions, "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let rows = std::fs::read_to_string(out.join("sessions.csv")).expect("sessions.csv");
    assert_eq!(rows.lines().count(), 7, "a header and six sessions: {rows}");
}
