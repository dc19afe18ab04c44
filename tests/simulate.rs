//! `mvx simulate` as a person runs it: exit codes, text and JSON, and synthetic sessions
//! that report, review and export read.

mod common;
#[path = "simulate/returns.rs"]
mod returns;

use assert_cmd::Command;
use predicates::str::contains;

fn mvx() -> Command {
    common::spawn::assert_mvx()
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
    let loaded = mvx::review::data::load(&[sessions.into()]).expect("loaded");
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

/// Every synthetic session of a study in `dir`, by the participant's number then the
/// place of its variant in the participant's order.
fn study_sessions(dir: &str) -> Vec<mvx::session::Session> {
    let (files, _) = mvx::session::discover(&[dir.into()]);
    let mut sessions: Vec<mvx::session::Session> = files
        .iter()
        .map(|f| mvx::session::read(f).expect("a session file"))
        .collect();
    sessions.sort_by_key(|s| {
        let block = s.header.study.as_ref().expect("a study block");
        let place = block.order.iter().position(|v| *v == block.variant);
        (s.header.participant.clone(), place)
    });
    sessions
}

/// The consent events of a session, with their sha256.
fn consents(session: &mvx::session::Session) -> Vec<String> {
    session
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            mvx::session::EventKind::Consent { answer, sha256 } => {
                assert_eq!(*answer, mvx::session::ConsentAnswer::Given);
                Some(sha256.clone())
            }
            _ => None,
        })
        .collect()
}

fn sha256_of_consent(study: &str) -> String {
    let opened = mvx::study::open(std::path::Path::new(study)).expect("the study opens");
    let consent = opened
        .study
        .and_then(|s| s.consent)
        .expect("a consent text");
    mvx::flow::open::sha256_hex(consent.as_bytes())
}

#[test]
fn a_between_study_simulates_each_variant_and_writes_balanced_sessions_as_play_would() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let sessions = sessions.to_str().expect("utf-8 path");
    let run = mvx()
        .args(["simulate", "studies/espresso.yaml", "--walks", "10"])
        .args(["--sessions", sessions, "--participants", "12"])
        .assert()
        .code(0)
        .stderr(contains("wrote 12 simulated sessions of espresso-dec"));
    let out = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(
        out.contains("espresso-one-menu.yaml: 10 random walks"),
        "{out}"
    );
    assert!(
        out.contains("espresso-three-menus.yaml: 10 random walks"),
        "{out}"
    );
    let sessions_read = study_sessions(sessions);
    assert_eq!(sessions_read.len(), 12);
    let consent = sha256_of_consent("studies/espresso.yaml");
    let mut slots: Vec<(String, u32)> = Vec::new();
    for s in &sessions_read {
        assert!(s.header.simulated);
        let block = s.header.study.as_ref().expect("a study block");
        assert_eq!(
            (block.id.as_str(), block.path.as_str()),
            ("espresso-dec", "studies/espresso.yaml")
        );
        assert_eq!(
            s.header.flow.variant.as_deref(),
            Some(block.variant.as_str())
        );
        // The example flows declare no tasks: there is no order to counterbalance.
        assert!(block.order.is_empty());
        assert_eq!(
            consents(s),
            std::slice::from_ref(&consent),
            "consent first, once"
        );
        assert!(matches!(
            s.events[0].kind,
            mvx::session::EventKind::Consent { .. }
        ));
        slots.push((block.variant.clone(), block.slot));
    }
    // Balanced: 6 and 6, each variant's participants numbered 1 to 6.
    for variant in ["one-menu", "three-menus"] {
        let mut of: Vec<u32> = (slots.iter().filter(|(v, _)| v == variant))
            .map(|(_, slot)| *slot)
            .collect();
        of.sort_unstable();
        assert_eq!(of, [1, 2, 3, 4, 5, 6], "{variant}");
    }
    // `mvx study status` leaves them out, as assignment does (they are no one), and
    // counts them as played sessions with --include-simulated: the rehearsal is full.
    let status = |more: &[&str]| -> serde_json::Value {
        let run = mvx()
            .args(["study", "status", "studies/espresso.yaml"])
            .args(["--sessions", sessions, "--format", "json"])
            .args(more)
            .assert()
            .code(0);
        serde_json::from_slice(&run.get_output().stdout).expect("JSON")
    };
    let real = status(&[]);
    assert_eq!(real["variants"][0]["counted"], 0);
    assert_eq!(real["variants"][1]["counted"], 0);
    assert_eq!(real["simulated_left_out"], 12);
    assert_eq!(real["next"]["kind"], "drawn");
    let rehearsal = status(&["--include-simulated"]);
    assert_eq!(rehearsal["variants"][0]["counted"], 6);
    assert_eq!(rehearsal["variants"][1]["counted"], 6);
    assert_eq!(rehearsal["simulated_left_out"], 0);
    assert_eq!(rehearsal["next"]["kind"], "full");
    // A participant played into the same folder is assigned as the first one.
    mvx()
        .args([
            "study",
            "status",
            "studies/espresso.yaml",
            "--sessions",
            sessions,
        ])
        .assert()
        .code(0)
        .stdout(contains(
            "(12 simulated sessions left out: --include-simulated counts them)",
        ));
}

#[test]
fn a_within_study_gives_each_synthetic_participant_both_variants_in_williams_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let sessions = sessions.to_str().expect("utf-8 path");
    mvx()
        .args(["simulate", "studies/espresso-within.yaml", "--walks", "5"])
        .args(["--sessions", sessions, "--participants", "4", "--seed", "7"])
        .assert()
        .code(0)
        .stderr(contains("wrote 8 simulated sessions of espresso-within"));
    let read = study_sessions(sessions);
    assert_eq!(read.len(), 8);
    let consent = sha256_of_consent("studies/espresso-within.yaml");
    // For two conditions the Williams design is the square AB / BA: odd slots play
    // one-menu first, even slots three-menus first.
    let (ab, ba) = (["one-menu", "three-menus"], ["three-menus", "one-menu"]);
    for (k, pair) in read.chunks(2).enumerate() {
        let slot = u32::try_from(k).expect("small") + 1;
        let expected = if slot % 2 == 1 { ab } else { ba };
        let (first, second) = (&pair[0], &pair[1]);
        assert_eq!(first.header.participant, second.header.participant);
        for (s, variant) in [(first, expected[0]), (second, expected[1])] {
            let block = s.header.study.as_ref().expect("a study block");
            assert_eq!(block.order, expected, "participant {slot}");
            assert_eq!((block.variant.as_str(), block.slot), (variant, slot));
        }
        assert_eq!(consents(first), std::slice::from_ref(&consent));
        assert!(consents(second).is_empty(), "consent is asked once, first");
        // The study's question is asked once, in the last session of the order.
        let asked = |s: &mvx::session::Session| {
            s.events.iter().any(|e| {
                matches!(&e.kind, mvx::session::EventKind::Answer { question, .. } if question == "preferred")
            })
        };
        assert!(!asked(first) && asked(second));
    }
    let status = mvx()
        .args(["study", "status", "studies/espresso-within.yaml"])
        .args(["--sessions", sessions, "--format", "json"])
        .arg("--include-simulated")
        .assert()
        .code(0);
    let status: serde_json::Value =
        serde_json::from_slice(&status.get_output().stdout).expect("JSON");
    assert_eq!(status["participants"], 4);
}
