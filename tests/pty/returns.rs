//! A participant who comes back, through the real terminal: their first session with the
//! consent and the invitation on its closing screen, a second `mvx play` too early told
//! when to return with nothing recorded, then their second session without the consent,
//! with their first session's variant (docs/returns.md).

use std::path::Path;

use super::common::pty::{Pty, assert_terminal_restored};
use super::{give_up_and_answer, session, sessions_in};

/// A study of the example flows whose second session opens `after` the first.
fn study(dir: &Path, after: &str) -> String {
    let flows = std::env::current_dir()
        .expect("the repository")
        .join("flows");
    let text = format!(
        "study: coffee-again\ntitle: Coffee again\nvariants:\n  - {0}/espresso-one-menu.yaml\n  - {0}/espresso-three-menus.yaml\n\
         sessions: 2\nschedule: [0, {after}]\nconsent: We ask you back once.\n",
        flows.display()
    );
    let path = dir.join("coffee-again.yaml");
    std::fs::write(&path, text).expect("the study file");
    path.display().to_string()
}

fn play(study: &str, sessions: &Path, extra: &str) -> Pty {
    let script = format!(
        "{} play {study} --participant P07 --sessions {} {extra}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    Pty::shell(&script, &[])
}

/// The one-menu task given up, its questions answered, to the closing screen.
fn to_the_end(pty: &mut Pty) {
    give_up_and_answer(pty, "Espresso single");
    pty.wait_for("Thank you for taking part!");
}

#[test]
fn a_participant_comes_back_for_their_second_session_when_it_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let study = study(dir.path(), "4s");

    let mut first = play(&study, &sessions, "--variant one-menu");
    first.wait_for("We ask you back once.");
    first.send("y");
    to_the_end(&mut first);
    first.wait_for("Please come back for session 2 of 2 from");
    first.send("q");
    first.wait_for_output("EXIT=0");
    assert_terminal_restored(&first);

    // At once: too early, told when, nothing recorded, the terminal never taken.
    let early = play(&study, &sessions, "");
    early.wait_for_output("EXIT=2");
    let said = early.contents();
    assert!(said.contains("P07's session 2 of 2 opens at"), "{said}");
    assert!(said.contains("come back then, or add --early"), "{said}");
    assert_eq!(sessions_in(&sessions).len(), 1);

    // The schedule is real time: wait until the invitation's moment has passed.
    let opens = (sessions_in(&sessions)[0].header.study.as_ref())
        .and_then(|b| b.visit.as_ref()?.next_from.clone())
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .expect("the invitation's time");
    let wait = opens.timestamp_millis() - chrono::Utc::now().timestamp_millis() + 100;
    std::thread::sleep(std::time::Duration::from_millis(
        wait.clamp(0, 10_000) as u64
    ));
    let mut second = play(&study, &sessions, "");
    // No consent this time: straight to their first session's variant.
    to_the_end(&mut second);
    let screen = second.contents();
    assert!(
        !screen.contains("come back"),
        "the last session invites no one: {screen}"
    );
    second.send("q");
    second.wait_for_output("EXIT=0");
    assert_terminal_restored(&second);

    let played = sessions_in(&sessions);
    assert_eq!(played.len(), 2);
    let visit = |s: &session::Session| {
        let block = s.header.study.as_ref().expect("a study block");
        (
            block.variant.clone(),
            block.visit.clone().expect("a visit block"),
        )
    };
    let ((v1, first), (v2, second)) = (visit(&played[0]), visit(&played[1]));
    assert_eq!((v1.as_str(), v2.as_str()), ("one-menu", "one-menu"));
    assert_eq!((first.trial, second.trial, second.trials), (1, 2, 2));
    assert!(first.next_from.is_some() && second.next_from.is_none());
    assert!(
        second.since_first_ms.is_some_and(|ms| ms >= 4_000),
        "{second:?}"
    );
    let consented = |s: &session::Session| {
        (s.events.iter()).any(|e| matches!(e.kind, session::EventKind::Consent { .. }))
    };
    assert!(consented(&played[0]) && !consented(&played[1]));
}
