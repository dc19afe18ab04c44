//! Remote observers of `mvx serve`, through their own transport: a WebSocket client that
//! plays the observer's page follows a participant's screen as they play, each change
//! within a second, takes a note beside the session, and cannot act on the session.
#![allow(clippy::disallowed_methods)] // the real server, in real time

#[path = "support/served.rs"]
mod served;

use std::time::{Duration, Instant};

use mvx::session::{self, EventKind};
use served::{Page, Server, get};

const FLOW: &str = "flows/espresso-three-menus.yaml";
/// What an observer may take to show a change the participant saw (the bound).
const WITHIN: Duration = Duration::from_secs(1);

/// The observer's link that `observe ID` printed.
fn observer_link(server: &mut Server, id: &str) -> String {
    server.command(&format!("observe {id}"));
    let line = server.wait_for(&format!("{id:<8} observe: "));
    let link = line.rsplit(' ').next().expect("a link").to_owned();
    assert!(link.contains("/o/"), "{line}");
    link
}

/// Handles the observer's messages until its screen shows `text`; how long that took
/// from `since`.
async fn seen(observer: &mut Page, text: &str, since: Instant) -> Duration {
    while !observer.text().contains(text) {
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "the observer never showed {text:?}:\n{}",
            observer.text()
        );
        assert!(observer.handle(Duration::from_millis(20)).await, "closed");
    }
    since.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_sees_each_screen_of_the_participant_within_a_second() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let link = observer_link(&mut server, "P01");
    // Before the participant starts, the observer is told they will see them.
    let mut observer = Page::open(&link, 160, 40).await;
    observer.wait_for("P01 has not started yet").await;

    let mut participant = Page::open(&server.links[0], 100, 30).await;
    let mut delays = Vec::new();
    for (text, key) in [
        ("Where do you tap?", "1"),
        ("Which list would you open?", "2"),
        ("Pick your drink.", "1"),
        ("The machine preselects a double", "1"),
        ("Brewing", "Enter"),
    ] {
        participant.wait_for(text).await;
        let shown = Instant::now();
        delays.push((text, seen(&mut observer, text, shown).await));
        if text == "Where do you tap?" {
            // The observer's keys are their own: a "2" here chooses nothing.
            observer.press("2").await;
            participant.idle(300).await;
            assert!(participant.text().contains("Where do you tap?"));
            // A note, typed on the observer's page, lands beside the session.
            observer.press("n").await;
            for key in ["h", "m", "?", "Enter"] {
                observer.press(key).await;
            }
            seen(&mut observer, "hm?", Instant::now()).await;
        }
        participant.press(key).await;
    }
    for (text, delay) in &delays {
        assert!(
            *delay < WITHIN,
            "{text:?} reached the observer after {delay:?}"
        );
    }
    // The timeline beside the screen has the choices as they were recorded.
    seen(&mut observer, "choose", Instant::now()).await;

    observer.press("q").await;
    let (kind, text) = observer.wait_said().await;
    assert_eq!(kind, "end");
    assert!(text.contains("You stopped observing"), "{text}");

    // The participant's session holds only the participant's choices; the note is in
    // the notes file beside it.
    let (files, _) = session::discover(&[dir.path().to_owned()]);
    assert_eq!(files.len(), 1, "{files:?}");
    let read = session::read(&files[0]).expect("the session reads");
    let chosen: Vec<&str> = (read.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { step, .. } => Some(step.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(chosen, ["home", "drinks", "classics", "strength"]);
    let notes = session::read_notes(&files[0]);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].text, "hm?");
    drop(participant);
    drop(server);
}

#[test]
fn observer_links_are_the_participants_own_and_unknown_ones_are_not_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(FLOW, dir.path(), &["--participants", "P01,P02"]);
    let first = observer_link(&mut server, "P01");
    let second = observer_link(&mut server, "P02");
    assert_ne!(first, second);
    let code = |link: &str| link.rsplit('/').next().expect("a code").to_owned();
    // An observer's code opens no participant's page, and no one's is made up.
    let (status, _, _) = get(&first);
    assert_eq!(status, 200);
    let participant_page = first.replace("/o/", "/p/");
    assert_eq!(get(&participant_page).0, 404);
    assert!(!server.links.iter().any(|l| l.ends_with(&code(&first))));
    let made_up = first.replace(&code(&first), &"0".repeat(32));
    assert_eq!(get(&made_up).0, 404);
    server.command("observe P99");
    server.wait_for("cannot observe: P99 is not invited");
}
