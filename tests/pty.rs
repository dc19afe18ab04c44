//! The real binary in a pseudo-terminal: a participant's journey with its timings, and
//! every way a session can end badly (SIGKILL, SIGTERM, SIGHUP, a panic).
//!
//! Waits are deadlines on screen text, never fixed sleeps; `MVX_PTY_DEADLINE_SECS`
//! stretches them on a slow machine.
#![allow(clippy::disallowed_methods)] // measures the real binary in real time
mod common;
#[path = "pty/findings.rs"]
mod findings;
#[path = "pty/returns.rs"]
mod returns;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use common::pty::*;
use mvx::session::{self, EventKind, SessionOutcome};

#[test]
fn a_participant_plays_a_flow_and_every_hesitation_matches_the_delay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    let mut delays = Vec::new();
    let mut step = |pty: &mut Pty, text: &str, wait_ms: u64, keys: &str| {
        let seen = pty.wait_for(text);
        thread::sleep(Duration::from_millis(wait_ms));
        let sent = pty.send(keys);
        delays.push(sent - seen);
    };
    step(&mut pty, "Where do you tap?", 400, "j"); // first key: a move, not yet the decision
    thread::sleep(Duration::from_millis(300));
    pty.send("k\r");
    step(&mut pty, "[ Brew now ]", 250, "1");
    pty.wait_for("Press Enter to continue");
    pty.send("\r");
    step(&mut pty, "Could you get the espresso", 150, "1");
    step(&mut pty, "Question 2 of 3", 100, "6");
    step(&mut pty, "Question 3 of 3", 50, "ok\r");
    pty.wait_for("Thank you for taking part!");
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);

    let recorded = read_in_order(dir.path());
    let timed: Vec<(String, u64, u64)> = recorded
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, timing, .. } => {
                Some((choice.clone(), timing.hesitation_ms, timing.decision_ms))
            }
            EventKind::Answer {
                question, timing, ..
            } => Some((question.clone(), timing.hesitation_ms, timing.decision_ms)),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = timed.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Espresso single", "Brew now", "solved", "seq", "change"]
    );
    // The frame is on screen before we see it and the key is read after we send it, so a
    // hesitation is about the delay we waited, plus a little for the terminal. It can come
    // out a few ms short: "shown" is stamped just after the flush, and a loaded machine
    // may run us first. The tight figures are in BENCHMARKS.md.
    let (early, late) = (Duration::from_millis(25), Duration::from_millis(250));
    for ((name, hesitation, _), delay) in timed.iter().zip(&delays) {
        let hesitation = Duration::from_millis(*hesitation);
        assert!(
            hesitation + early >= *delay,
            "{name}: {hesitation:?} < {delay:?}"
        );
        assert!(
            hesitation <= *delay + late,
            "{name}: {hesitation:?} much more than {delay:?}"
        );
    }
    let (_, hesitation, decision) = &timed[0];
    assert!(
        decision >= &(hesitation + 290),
        "the decision came with k and Enter, 300 ms after the first key"
    );
    assert!(recorded.ended());

    // The recorded session reports as it happened.
    let mut builder = mvx::report::ReportBuilder::new(None);
    builder.add(&recorded);
    let report = builder.finish();
    let version = &report.flows[0].versions[0];
    assert_eq!(
        (version.tasks[0].successes, version.tasks[0].attempts),
        (1, 1)
    );
    let home = version
        .steps
        .iter()
        .find(|s| s.step == "home")
        .expect("home is reported");
    let recorded_home = Duration::from_secs_f64(home.hesitation_median_s.expect("a hesitation"));
    assert!(
        recorded_home + early >= delays[0],
        "{recorded_home:?} vs {:?}",
        delays[0]
    );
}

/// A participant with a mouse clicks their way through: every choice, option, scale
/// point and "continue" acts as its key does, each decision is recorded as a click, and
/// the terminal stops reporting the mouse when mvx ends.
#[test]
fn a_participant_clicks_through_a_flow_and_each_click_is_recorded_as_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    assert!(pty.mouse_reported(), "mvx play asks for the mouse");
    pty.click("1. Espresso single");
    pty.wait_for("[ Brew now ]");
    pty.click("1. Brew now");
    pty.wait_for("Press Enter to continue");
    pty.click("Press Enter to continue");
    pty.wait_for("Could you get the espresso");
    pty.click("Partly");
    pty.wait_for("Question 2 of 3");
    pty.click(" 6 ");
    pty.wait_for("Question 3 of 3");
    pty.send("ok\r");
    pty.wait_for("Thank you for taking part!");
    pty.click("to close");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
    assert!(
        !pty.mouse_reported(),
        "the mouse is given back with the terminal"
    );
    let recorded = read_in_order(dir.path());
    let decided: Vec<(String, mvx::keys::Via)> = (recorded.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, timing, .. } => Some((choice.clone(), timing.input)),
            EventKind::Answer {
                question, timing, ..
            } => Some((question.clone(), timing.input)),
            _ => None,
        })
        .collect();
    use mvx::keys::Via::{Key, Pointer};
    assert_eq!(
        decided,
        [
            ("Espresso single".into(), Pointer),
            ("Brew now".into(), Pointer),
            ("solved".into(), Pointer),
            ("seq".into(), Pointer),
            ("change".into(), Key),
        ]
    );
    let answers: Vec<String> = (recorded.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Answer { value, .. } => Some(format!("{value:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(answers, ["Text(\"Partly\")", "Number(6)", "Text(\"ok\")"]);
}

#[test]
fn sigkill_mid_session_leaves_every_event_before_it_and_a_working_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-three-menus", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    pty.send("1");
    pty.wait_for("Which list would you open?");
    pty.send("2");
    pty.wait_for("Pick your drink.");
    kill(&session_pid(&pty), "-KILL");
    pty.wait_for_output("EXIT=137");
    assert_terminal_restored(&pty);
    let recorded = session::read(&session_file(dir.path())).expect("a killed session loads");
    let choices: Vec<&str> = recorded
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, .. } => Some(choice.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(choices, ["Drinks", "Coffee classics"]);
    assert!(!recorded.ended(), "nothing after the kill");
}

fn assert_aborted_by(dir: &Path, reason: &str) {
    let recorded = session::read(&session_file(dir)).expect("the session loads");
    let kinds: Vec<&EventKind> = recorded.events.iter().map(|e| &e.kind).collect();
    assert!(
        kinds.contains(&&EventKind::Abort {
            reason: reason.into()
        }),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.last(),
        Some(&&EventKind::SessionEnd {
            outcome: SessionOutcome::Aborted
        })
    );
}

#[test]
fn sigterm_ends_the_session_as_aborted_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("shop-order-status", dir.path(), &[]);
    pty.wait_for("Find out where your order is.");
    pty.send("\r");
    pty.wait_for("Where do you look first?");
    pty.send("2");
    pty.wait_for("Products, not help pages.");
    kill(&mvx_pid(&pty), "-TERM");
    pty.wait_for_output("EXIT=143");
    assert_terminal_restored(&pty);
    assert_aborted_by(dir.path(), "SIGTERM");
}

#[test]
fn sighup_ends_the_session_as_aborted_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("product-comparison", dir.path(), &[]);
    pty.wait_for("Which laptop lasts");
    pty.send("1");
    pty.wait_for("Is that what you needed");
    kill(&mvx_pid(&pty), "-HUP");
    pty.wait_for_output("EXIT=129");
    assert_terminal_restored(&pty);
    assert_aborted_by(dir.path(), "SIGHUP");
}

#[test]
fn a_panic_leaves_a_loadable_session_and_a_working_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play(
        "espresso-one-menu",
        dir.path(),
        &[("MVX_TEST_PANIC_AFTER_MS", "1500")],
    );
    pty.wait_for("Where do you tap?");
    pty.send("3");
    pty.wait_for_output("panicking on purpose");
    pty.wait_for_output("EXIT=101");
    assert_terminal_restored(&pty);
    let recorded =
        session::read(&session_file(dir.path())).expect("the session loads after a panic");
    assert!(
        recorded
            .events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Choose { choice, .. } if choice == "All drinks"))
    );
}

#[test]
fn ctrl_c_asks_then_ends_the_session_as_aborted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("\r");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
    assert_aborted_by(dir.path(), "researcher");
}

#[test]
fn keys_wait_while_the_terminal_is_too_small_to_show_the_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    pty.resize(10, 30);
    pty.wait_for("needs at least 40x12");
    pty.send("2");
    thread::sleep(Duration::from_millis(300));
    pty.resize(24, 80);
    pty.wait_for("Where do you tap?");
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    let recorded = session::read(&session_file(dir.path())).expect("the session loads");
    let chose = recorded
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Choose { .. }));
    assert!(
        !chose,
        "a key typed while the step could not be seen is not a choice"
    );
}

#[test]
fn observe_follows_a_session_being_written_and_keeps_notes_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("20261126T100000Z_P07_shop.yaml");
    let header = "schema: mvx-session/1\nsession: s-7\nflow: { id: shop, title: Shop, variant: null, path: f.yaml, sha256: x }\nparticipant: P07\nresearcher: null\nstarted_at: \"2026-11-26T10:00:00.000+00:00\"\nterminal: { cols: 80, rows: 24, term: null, program: null, tmux: false, ssh: false }\nmvx: test\nevents:\n";
    std::fs::write(
        &file,
        format!("{header}- {{\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}}\n"),
    )
    .expect("written");
    let script = format!(
        "{} observe {}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_mvx"),
        file.display()
    );
    let mut pty = Pty::shell(&script, &[]);
    pty.wait_for("Now on `home`");
    let mut append = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .expect("appendable");
    append
        .write_all(b"- {\"at_ms\":900,\"kind\":\"choose\",\"step\":\"home\",\"choice\":\"Orders\",\"to\":\"orders\",\"hesitation_ms\":800,\"decision_ms\":895}\n- {\"at_ms\":905,\"kind\":\"show\",\"step\":\"orders\"}\n")
        .expect("appended");
    let appended = Instant::now();
    pty.wait_for("Now on `orders`");
    let seen = appended.elapsed();
    assert!(
        seen < Duration::from_secs(1),
        "new events took {seen:?} to show"
    );
    pty.send("nlooks lost\r");
    pty.wait_for("1 note");
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    let notes = std::fs::read_to_string(dir.path().join("20261126T100000Z_P07_shop.notes.yaml"))
        .expect("notes beside the session");
    assert!(notes.contains("\"text\":\"looks lost\""), "{notes}");
    let session = std::fs::read_to_string(&file).expect("session");
    assert!(
        !session.contains("looks lost"),
        "the session file is never written by observe"
    );
}

/// An observer at a terminal wide enough sees the participant's screen beside the
/// timeline, drawn from the session file by the participant's own view, and each new
/// screen within a second of the participant's.
#[test]
fn an_observer_sees_the_participants_screen_within_a_second_of_each_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut played = play("espresso-one-menu", dir.path(), &[]);
    played.wait_for("Where do you tap?");
    let script = format!(
        "{} observe --latest {}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_mvx"),
        dir.path().display()
    );
    let mut observer = Pty::shell(&script, &[]);
    observer.resize(30, 130);
    observer.wait_for("Now on `home`");
    observer.wait_for("Where do you tap?");
    for (key, participant_sees) in [("3", "< All drinks"), ("1", "Espresso, single, 40 ml")] {
        let sent = played.send(key);
        played.wait_for(participant_sees);
        observer.wait_for(participant_sees);
        let behind = sent.elapsed();
        assert!(
            behind < Duration::from_secs(1),
            "the observer saw {participant_sees:?} {behind:?} after the key"
        );
    }
    // The screen sits left of the timeline, which lists what happened.
    let contents = observer.contents();
    let row = (contents.lines())
        .find(|l| l.contains("Espresso, single, 40 ml"))
        .expect("the participant's screen");
    assert!(
        row.find("Espresso, single").is_some_and(|at| at < 60),
        "{row}"
    );
    assert!(contents.contains("Observing P01"), "{contents}");
    observer.send("q");
    observer.wait_for_output("EXIT=0");
    played.send("\x03");
    played.wait_for("End the session now?");
    played.send("y");
    played.wait_for("The session was ended early.");
    played.send("q");
    played.wait_for_output("EXIT=0");
}

#[test]
fn preview_shows_a_saved_change_within_a_second_on_the_same_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("draft.yaml");
    let flow = std::fs::read_to_string("templates/basic.yaml")
        .expect("template")
        .replace("NAME", "draft");
    std::fs::write(&file, &flow).expect("written");
    let script = format!(
        "{} preview {}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        file.display()
    );
    let mut pty = Pty::shell(&script, &[]);
    pty.wait_for("Where would you go first?");
    pty.send("1");
    pty.wait_for("Your order ST-1 is on its way.");
    std::fs::write(
        &file,
        flow.replace("ST-1 is on its way", "ST-2 arrives on Friday"),
    )
    .expect("saved");
    let saved = Instant::now();
    pty.wait_for("Your order ST-2 arrives on Friday.");
    assert!(
        saved.elapsed() < Duration::from_secs(1),
        "the change took {:?} to show",
        saved.elapsed()
    );
    std::fs::write(&file, "flow: [broken\n").expect("saved");
    pty.wait_for("Not loaded: 1:7");
    assert!(
        pty.contents().contains("ST-2 arrives on Friday"),
        "the last good version stays"
    );
    pty.send("\n"); // Ctrl-J: jump to a step by id
    pty.wait_for("Jump to step:");
    pty.send("help\r");
    pty.wait_for("The help centre is closed today.");
    pty.send("\x03");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
}

/// Reads the one session in `dir`, checking that its events never go back in time.
fn read_in_order(dir: &Path) -> session::Session {
    let recorded = session::read(&session_file(dir)).expect("the session loads");
    for pair in recorded.events.windows(2) {
        assert!(pair[0].at_ms <= pair[1].at_ms, "at_ms went back: {pair:?}");
    }
    recorded
}

#[test]
fn keys_typed_ahead_of_a_screen_never_act_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-three-menus", dir.path(), &[]);
    pty.send("2"); // before the first frame
    pty.wait_for("Where do you tap?");
    pty.send("21"); // a double press: `1` is read before the next screen is drawn
    pty.wait_for("These are maintenance settings");
    thread::sleep(Duration::from_millis(200));
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);

    let recorded = read_in_order(dir.path());
    let mut on_screen: Option<&str> = None;
    let mut choices = Vec::new();
    for event in &recorded.events {
        match &event.kind {
            EventKind::Show { step } => on_screen = Some(step),
            EventKind::Choose { step, choice, .. } => {
                assert_eq!(
                    on_screen,
                    Some(step.as_str()),
                    "a choice on a screen not shown"
                );
                choices.push((step.clone(), choice.clone()));
            }
            _ => {}
        }
    }
    assert_eq!(choices, [("home".to_owned(), "Machine".to_owned())]);
    let early = recorded
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::EarlyKey { .. }))
        .count();
    assert_eq!(
        early, 2,
        "the other two keys were early: {:?}",
        recorded.events
    );
}

#[test]
fn a_key_typed_while_mvx_starts_is_an_early_key_and_chooses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    // Typed while mvx is starting: the key waits in the terminal's queue, whenever the
    // input thread gets to read it, and no frame has been drawn yet.
    assert!(!pty.contents().contains("Where do you tap?"));
    pty.send("2");
    let seen = pty.wait_for("Where do you tap?");
    thread::sleep(Duration::from_millis(300));
    let sent = pty.send("1");
    pty.wait_for("[ Brew now ]");
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("q");
    pty.wait_for_output("EXIT=0");

    let recorded = read_in_order(dir.path());
    let kinds: Vec<&EventKind> = recorded.events.iter().map(|e| &e.kind).collect();
    let early: Vec<(&str, &str)> = kinds
        .iter()
        .filter_map(|kind| match kind {
            EventKind::EarlyKey { step, key, .. } => Some((step.as_deref()?, key.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(early, [("home", "2")], "{kinds:?}");
    let choices: Vec<(&str, u64)> = kinds
        .iter()
        .filter_map(|kind| match kind {
            EventKind::Choose { choice, timing, .. } => {
                Some((choice.as_str(), timing.hesitation_ms))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        choices.len(),
        1,
        "only the key typed on the screen chose: {kinds:?}"
    );
    let (_, hesitation) = choices[0];
    assert!(
        Duration::from_millis(hesitation) + Duration::from_millis(25) >= sent - seen,
        "the choice is timed from its screen: {hesitation} ms"
    );
}

/// After the consent: the participant gives up on the first screen (counted: they ended
/// the task), then the researcher ends the session at the first question.
fn give_up_then_end(pty: &mut Pty) {
    pty.wait_for("Researcher:");
    pty.send("\x07");
    pty.wait_for("This task has ended.");
    pty.send("\r");
    pty.wait_for("Question 1 of");
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("q");
    pty.wait_for_output("EXIT=0");
}

/// An espresso variant whose first screen shows `home`: the researcher marks the task
/// given up, then the participant answers the flow's three questions.
fn give_up_and_answer(pty: &mut Pty, home: &str) {
    pty.wait_for(home);
    pty.wait_for("Where do you tap?");
    pty.send("\x07");
    pty.wait_for("This task has ended.");
    pty.send("\r");
    pty.wait_for("Could you get the espresso");
    pty.send("1");
    pty.wait_for("Overall, how easy");
    pty.send("6");
    pty.wait_for("If you could change one thing");
    pty.send("ok\r");
}

/// `mvx play` on a study file, as a researcher runs it for the next participant.
fn play_study(study: &str, sessions: &Path) -> Pty {
    let script = format!(
        "{} play {study} --sessions {}; echo EXIT=$?",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    Pty::shell(&script, &[])
}

fn sessions_in(dir: &Path) -> Vec<session::Session> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("sessions dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter(|p| !p.to_string_lossy().ends_with(".notes.yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| session::read(f).expect("a study session loads"))
        .collect()
}

/// Two researchers start `mvx play STUDY` on one sessions folder at once: while both
/// participants read the consent (no session file exists yet), each holds a different
/// variant, and once both have played, the study is balanced one and one. A participant
/// who declines gives the place back.
#[test]
fn two_plays_at_once_on_one_folder_get_different_variants() {
    let dir = tempfile::tempdir().expect("temp dir");
    let consent = "Do you agree to take part?";
    let mut first = play_study("studies/espresso.yaml", dir.path());
    let mut second = play_study("studies/espresso.yaml", dir.path());
    first.wait_for(consent);
    second.wait_for(consent);
    let held: Vec<serde_json::Value> = std::fs::read_dir(dir.path().join(".mvx-playing"))
        .expect("reservations")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json"))
        .collect();
    let mut variants: Vec<String> = held
        .iter()
        .map(|r| r["variants"][0].as_str().expect("a variant").to_owned())
        .collect();
    variants.sort();
    assert_eq!(variants, ["one-menu", "three-menus"], "{held:?}");
    // `mvx study status` sees them playing, and assigns the next participant around them.
    let status = common::spawn::mvx()
        .args([
            "study",
            "status",
            "studies/espresso.yaml",
            "--format",
            "json",
        ])
        .arg("--sessions")
        .arg(dir.path())
        .output()
        .expect("status runs");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(status["playing"], 2, "{status}");
    assert_eq!(status["next"]["kind"], "drawn", "{status}");
    let slots: Vec<u64> = status["next"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["slot"].as_u64().expect("a slot"))
        .collect();
    assert_eq!(
        slots,
        [2, 2],
        "the next participant is the second of either"
    );
    for pty in [&mut first, &mut second] {
        pty.send("y");
        give_up_then_end(pty);
    }
    let progress = mvx::study::progress::Progress::read("espresso-dec", dir.path());
    assert_eq!(progress.counted("one-menu"), 1);
    assert_eq!(progress.counted("three-menus"), 1);
    let left = std::fs::read_dir(dir.path().join(".mvx-playing"))
        .expect("reservations")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(left, 0, "every reservation is given back");
}

#[test]
fn twelve_plays_of_the_example_study_give_six_and_six_and_a_refusal_counts_for_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let consent = "Do you agree to take part?";
    let mut refused = play_study("studies/espresso.yaml", dir.path());
    refused.wait_for(consent);
    refused.send("n");
    refused.wait_for_output("EXIT=0");
    for _ in 0..12 {
        let mut pty = play_study("studies/espresso.yaml", dir.path());
        pty.wait_for(consent);
        pty.send("y");
        give_up_then_end(&mut pty);
    }
    let sessions = sessions_in(dir.path());
    assert_eq!(sessions.len(), 13);
    let declined: Vec<&session::Session> = sessions.iter().filter(|s| s.declined()).collect();
    assert_eq!(declined.len(), 1);
    assert_eq!(declined[0].events.len(), 1, "only the refusal is recorded");
    let progress = mvx::study::progress::Progress::read("espresso-dec", dir.path());
    assert_eq!(progress.counted("one-menu"), 6);
    assert_eq!(progress.counted("three-menus"), 6);
    let text = "Thank you for helping us.\n\nWe are testing a design, not you: there are no wrong answers.\nWe record which options you choose and how long each takes.\nNothing about who you are is recorded, only an anonymous code.\nYou can stop at any time, and ask for your recording to be deleted.\n\nDo you agree to take part?";
    let sha = mvx::flow::open::sha256_hex(text.as_bytes());
    for s in &sessions {
        let study = s.header.study.as_ref().expect("a study block");
        assert_eq!(study.id, "espresso-dec");
        match &s.events[0].kind {
            EventKind::Consent { sha256, .. } => assert_eq!(sha256, &sha),
            other => panic!("the consent comes first, not {other:?}"),
        }
    }
}

#[test]
fn a_session_killed_mid_task_is_resumed_in_the_same_file_with_the_gap_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    thread::sleep(Duration::from_millis(300));
    pty.send("j");
    thread::sleep(Duration::from_millis(200));
    kill(&session_pid(&pty), "-KILL");
    pty.wait_for_output("EXIT=137");
    let file = session_file(dir.path());
    let script = format!(
        "{} play --resume {}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        file.display()
    );
    let mut resumed = Pty::shell(&script, &[]);
    resumed.wait_for("Resuming P01's session");
    thread::sleep(Duration::from_millis(1_500));
    resumed.send("y");
    let seen = resumed.wait_for("Where do you tap?");
    thread::sleep(Duration::from_millis(400));
    let sent = resumed.send("1");
    resumed.wait_for("[ Brew now ]");
    resumed.send("1");
    resumed.wait_for("Press Enter to continue");
    resumed.send("\r");
    resumed.wait_for("Could you get the espresso");
    resumed.send("1");
    resumed.wait_for("Question 2 of 3");
    resumed.send("6");
    resumed.wait_for("Question 3 of 3");
    resumed.send("ok\r");
    resumed.wait_for("Thank you for taking part!");
    resumed.send("q");
    resumed.wait_for_output("EXIT=0");
    assert_terminal_restored(&resumed);

    assert_eq!(session_file(dir.path()), file, "the same file, no other");
    let recorded = session::read(&file).expect("the resumed session loads");
    assert_eq!(
        recorded.ending(),
        session::SessionEnding::Ended(SessionOutcome::Complete)
    );
    let gap = recorded
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Resumed { gap_ms, after, .. } => Some((*gap_ms, after.clone())),
            _ => None,
        })
        .expect("a resumed event");
    assert!(gap.0 >= 1_500, "the gap covers the time away: {gap:?}");
    assert_eq!(gap.1, "cut off");
    let (hesitation, duration) =
        recorded
            .events
            .iter()
            .fold((None, None), |acc, e| match &e.kind {
                EventKind::Choose { timing, .. } if acc.0.is_none() => {
                    (Some(timing.hesitation_ms), acc.1)
                }
                EventKind::TaskEnd { duration_ms, .. } => (acc.0, Some(*duration_ms)),
                _ => acc,
            });
    let hesitation = hesitation.expect("a choice");
    let waited = u64::try_from((sent - seen).as_millis()).expect("ms");
    assert!(
        hesitation + 150 >= waited && hesitation < waited + 400,
        "hesitation starts anew at the shown-again step: {hesitation} ms for {waited} ms"
    );
    let span = recorded.events.last().expect("events").at_ms;
    let duration = duration.expect("the task ended");
    assert!(
        duration + gap.0 <= span,
        "the gap is left out: {duration} + {} > {span}",
        gap.0
    );
    for check in [&["report"][..], &["export", "-o"]] {
        let mut args: Vec<String> = check.iter().map(|s| (*s).to_owned()).collect();
        if args.len() > 1 {
            args.push(dir.path().join("export").display().to_string());
        }
        args.push(file.display().to_string());
        let out = common::spawn::mvx().args(&args).output().expect("mvx runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn one_participant_plays_both_variants_of_a_within_study_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play_study("studies/espresso-within.yaml", dir.path());
    pty.wait_for("Do you agree to take part?");
    pty.send("y");
    // The first participant's row of the Williams design: one menu, then three.
    for (home, last) in [("Espresso single", false), ("[ Drinks ]", true)] {
        give_up_and_answer(&mut pty, home);
        if last {
            // The study's own question, once, at the very end.
            pty.wait_for("Which of the two apps did you prefer?");
            pty.send("1");
        }
        pty.wait_for("Thank you for taking part!");
        pty.send("q");
    }
    pty.wait_for_output("EXIT=0");

    let sessions = sessions_in(dir.path());
    assert_eq!(sessions.len(), 2, "one file per variant");
    let order = ["one-menu", "three-menus"];
    for s in &sessions {
        let study = s.header.study.as_ref().expect("a study block");
        assert_eq!(study.id, "espresso-within");
        assert_eq!(study.order, order);
        assert_eq!(study.slot, 1);
        assert_eq!(
            s.ending(),
            session::SessionEnding::Ended(SessionOutcome::Complete)
        );
    }
    let by_variant = |v: &str| {
        (sessions.iter())
            .find(|s| s.header.study.as_ref().is_some_and(|b| b.variant == v))
            .expect("a session of each variant")
    };
    let (first, second) = (by_variant(order[0]), by_variant(order[1]));
    assert_eq!(first.header.participant, second.header.participant);
    assert!(matches!(first.events[0].kind, EventKind::Consent { .. }));
    let consented = |s: &session::Session| {
        (s.events.iter()).any(|e| matches!(e.kind, EventKind::Consent { .. }))
    };
    assert!(
        !consented(second),
        "consent is asked once, before the first"
    );
    let preferred = |s: &session::Session| {
        s.events.iter().any(
            |e| matches!(&e.kind, EventKind::Answer { question, .. } if question == "preferred"),
        )
    };
    assert!(!preferred(first) && preferred(second));
    let out = common::spawn::mvx()
        .args([
            "study",
            "status",
            "studies/espresso-within.yaml",
            "--sessions",
        ])
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("mvx runs");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(status["participants"], 1, "the participant is counted once");
    assert_eq!(status["seen_twice"], serde_json::json!([]));
    // The next participant gets the square's second row.
    let next = &status["next"]["candidate"];
    assert_eq!(next["slot"], 2, "{status}");
    assert_eq!(
        next["order"],
        serde_json::json!(["three-menus", "one-menu"])
    );
}
