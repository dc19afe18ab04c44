//! `mvx serve` of a study with returns, with WebSocket pages that play the page's part:
//! one link for the participant's whole schedule, a visit before the next session opens
//! told when to come back with nothing recorded, later visits without the consent, a
//! visit cut mid-session resumed, and a link whose sessions are all played told so.
#![allow(clippy::disallowed_methods)] // waits for a schedule in real time

#[path = "support/served.rs"]
mod served;

use std::path::Path;

use mvx::session::{self, EventKind, SessionOutcome};
use served::{Page, Server, tiny_study, trials_of, until_open};

fn files_in(dir: &Path) -> usize {
    session::discover(&[dir.to_owned()]).0.len()
}

/// One visit of `link`, its one choice made: the consent first when `consent`; the
/// closing screen's words and the server's last.
async fn visit(link: &str, consent: bool) -> (String, String) {
    let mut page = Page::open(link, 100, 30).await;
    if consent {
        page.wait_for("Do you agree to take part?").await;
        page.press("y").await;
    }
    page.wait_for("Pick one.").await;
    assert!(!page.text().contains("Do you agree"), "{}", page.text());
    page.press("1").await;
    page.wait_for("Thank you for taking part").await;
    let closing = page.text();
    page.press("Enter").await;
    let (kind, said) = page.wait_said().await;
    assert_eq!(kind, "end");
    (closing, said)
}

/// What a visit that plays nothing is told.
async fn refused(link: &str) -> String {
    let mut page = Page::open(link, 100, 30).await;
    let (kind, said) = page.wait_said().await;
    assert_eq!(kind, "end");
    assert!(!page.text().contains("Pick one."), "{}", page.text());
    said
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_link_opens_each_session_of_the_schedule_when_it_is_due() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = tiny_study(dir.path(), "[0, 3s, 6s]");
    let sessions = dir.path().join("sessions");
    let mut server = Server::start(
        &study.display().to_string(),
        &sessions,
        &["--participants", "R01"],
    );
    let link = server.links[0].clone();

    let (closing, said) = visit(&link, true).await;
    assert!(
        closing.contains("Please come back for session 2 of 3 from"),
        "{closing}"
    );
    assert!(
        said.starts_with("Thank you! Please come back for session 2 of 3 from "),
        "{said}"
    );
    assert!(
        said.ends_with(", with this same link. You may close this page."),
        "{said}"
    );
    server.wait_for("R01      finished: complete");

    // Too early: told when, nothing recorded, the link as it was.
    let said = refused(&link).await;
    assert!(said.starts_with("Your session 2 of 3 opens at "), "{said}");
    assert!(
        said.ends_with(" s. Please come back then, with this same link."),
        "{said}"
    );
    server.wait_for("R01      came too early: session 2 of 3 opens at ");
    assert_eq!(files_in(&sessions), 1);
    server.command("list");
    server.wait_for("R01      finished: complete (session 1 of 3)");

    // Due: no consent; a page cut mid-session comes back to it.
    until_open(&sessions, "R01", 2).await;
    let mut page = Page::open(&link, 100, 30).await;
    page.wait_for("Pick one.").await;
    server.wait_for("(session 2 of 3)");
    page.close().await;
    server.wait_for("R01      disconnected");
    let mut page = Page::open(&link, 100, 30).await;
    page.wait_for("Pick one.").await;
    server.wait_for("R01      back");
    page.press("1").await;
    page.wait_for("Please come back for session 3 of 3 from")
        .await;
    page.press("Enter").await;
    page.wait_said().await;

    until_open(&sessions, "R01", 3).await;
    let (closing, said) = visit(&link, false).await;
    assert!(!closing.contains("Please come back"), "{closing}");
    assert_eq!(said, "Thank you! You may close this page.");

    // All played: told so, whenever they come.
    let said = refused(&link).await;
    assert_eq!(
        said,
        "You have taken part in all 3 sessions of this study, so there is nothing more to \
         do. Thank you! You may close this page."
    );
    server.wait_for("R01      came back after all 3 sessions");

    let trials = trials_of(&sessions, "R01");
    assert_eq!(trials.len(), 3, "one session file per trial");
    let variant = &trials[0].header.study.as_ref().expect("study").variant;
    for (i, played) in trials.iter().enumerate() {
        let study = played.header.study.as_ref().expect("a study block");
        let visit = study.visit.as_ref().expect("a visit block");
        assert_eq!((visit.trial, visit.trials), (i as u32 + 1, 3));
        assert_eq!(&study.variant, variant, "the variant holds across trials");
        assert_eq!(visit.next_from.is_some(), i < 2, "{visit:?}");
        assert_eq!(played.outcome(), Some(SessionOutcome::Complete));
        let consented = (played.events.iter()).any(|e| matches!(e.kind, EventKind::Consent { .. }));
        assert_eq!(consented, i == 0, "the consent at the first visit only");
    }
    let kinds: Vec<&str> = trials[1].events.iter().map(|e| e.kind.name()).collect();
    assert!(
        kinds.contains(&"disconnect") && kinds.contains(&"resume"),
        "{kinds:?}"
    );
    server.signal("TERM");
    server.wait();
}

/// Codes live in the server's memory, the schedule in the participant's files: a server
/// started again invites the same id with a new link, which goes on with their schedule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_started_again_goes_on_with_the_participants_schedule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = tiny_study(dir.path(), "[0, 1h, 2h]").display().to_string();
    let sessions = dir.path().join("sessions");
    let args = ["--participants", "R01"];
    let mut server = Server::start(&study, &sessions, &args);
    visit(&server.links[0], true).await;
    server.wait_for("R01      finished: complete");
    server.signal("TERM");
    server.wait();
    let again = Server::start(&study, &sessions, &args);
    assert_ne!(again.links[0], server.links[0]);
    let said = refused(&again.links[0]).await;
    assert!(said.starts_with("Your session 2 of 3 opens at "), "{said}");
    assert_eq!(files_in(&sessions), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_study_without_returns_still_spends_its_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = tiny_study(dir.path(), "[0, 3s, 6s]");
    let once = std::fs::read_to_string(&study)
        .expect("the study")
        .replace("sessions: 3\nschedule: [0, 3s, 6s]\n", "");
    std::fs::write(&study, once).expect("the study without returns");
    let sessions = dir.path().join("sessions");
    let server = Server::start(
        &study.display().to_string(),
        &sessions,
        &["--participants", "S01"],
    );
    let (closing, said) = visit(&server.links[0], true).await;
    assert!(!closing.contains("Please come back"), "{closing}");
    assert_eq!(said, "Thank you! You may close this page.");
    server.wait_for("S01      finished: complete");
    assert_eq!(
        refused(&server.links[0]).await,
        "This link has already been used."
    );
}

/// A page opened the moment the last words arrive finds the link as the session left it
/// (never "open in another window", never closed without a word): twelve sessions due at
/// once, each visit opened as the last one's words arrive, then the link once more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_opened_again_the_moment_a_visit_ends_goes_on() {
    const SESSIONS: usize = 12;
    let dir = tempfile::tempdir().expect("temp dir");
    let study = tiny_study(dir.path(), "[0, 3s, 6s]");
    let at_once = ["0"; SESSIONS].join(", ");
    let source = std::fs::read_to_string(&study).expect("the study").replace(
        "sessions: 3\nschedule: [0, 3s, 6s]\n",
        &format!("sessions: {SESSIONS}\nschedule: [{at_once}]\n"),
    );
    std::fs::write(&study, source).expect("the study, all due at once");
    let sessions = dir.path().join("sessions");
    let server = Server::start(
        &study.display().to_string(),
        &sessions,
        &["--participants", "R01"],
    );
    let link = &server.links[0];
    for trial in 1..=SESSIONS {
        let (_, said) = visit(link, trial == 1).await;
        assert!(said.starts_with("Thank you!"), "visit {trial}: {said}");
    }
    let said = refused(link).await;
    assert!(
        said.starts_with("You have taken part in all 12 sessions"),
        "{said}"
    );
    assert_eq!(trials_of(&sessions, "R01").len(), SESSIONS);
}
