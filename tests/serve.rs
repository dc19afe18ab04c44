//! `mvx serve` with real WebSocket clients that play the page's part: a whole session
//! with its timing checked against the page's own stamps, refusals, a resumed session,
//! and a clean stop on SIGTERM.

#[path = "support/served.rs"]
mod served;

use std::path::Path;

use mvx::session::{self, EventKind, SessionOutcome};
use served::{Page, Server, get};

const FLOW: &str = "flows/espresso-three-menus.yaml";

fn the_session(dir: &Path) -> session::Session {
    let (files, _) = session::discover(&[dir.to_owned()]);
    assert_eq!(files.len(), 1, "{files:?}");
    session::read(&files[0]).expect("the session file loads")
}

/// Plays the espresso flow to its verdicts; returns (hesitation the page measured,
/// step) for each choice, the truth to compare the recording with.
async fn play_to_the_end(page: &mut Page) -> Vec<(f64, &'static str)> {
    let mut truth = Vec::new();
    let steps = [
        ("Where do you tap?", "1", "home"),
        ("Which list would you open?", "2", "drinks"),
        ("Pick your drink.", "1", "classics"),
        ("The machine preselects a double", "1", "strength"),
    ];
    for (i, (text, key, step)) in steps.into_iter().enumerate() {
        let shown = page.wait_for(text).await;
        page.idle(150 + 70 * i as u64).await;
        let pressed = page.press(key).await;
        truth.push((pressed - shown, step));
    }
    page.wait_for("Brewing").await;
    page.press("Enter").await;
    page.wait_for("Could you get the espresso").await;
    page.press("1").await;
    page.wait_for("how easy or difficult").await;
    page.press("6").await;
    page.wait_for("change one thing").await;
    for key in ["N", "o", "n", "e", "Enter"] {
        page.press(key).await;
    }
    page.wait_for("Thank you for taking part").await;
    page.press("Enter").await;
    truth
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_plays_to_the_verdicts_with_browser_timing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(
        FLOW,
        dir.path(),
        &["--participants", "P01", "--researcher", "ana"],
    );
    assert!(server.links[0].starts_with("http://127.0.0.1:"));
    let mut page = Page::open(&server.links[0], 100, 30).await;
    let truth = play_to_the_end(&mut page).await;
    let (kind, text) = page.wait_said().await;
    assert_eq!(
        (kind.as_str(), text.as_str()),
        ("end", "Thank you! You may close this page.")
    );
    server.wait_for("P01      finished: complete");
    let recorded = the_session(dir.path());
    assert_eq!(recorded.header.participant, "P01");
    assert_eq!(recorded.header.researcher.as_deref(), Some("ana"));
    let transport = recorded
        .header
        .transport
        .as_ref()
        .expect("a transport block");
    assert_eq!(transport.kind, "web");
    assert!(transport.rtt_ms.median < 50.0, "{transport:?}");
    assert_eq!(recorded.header.terminal.cols, 100);
    let choices: Vec<(u64, &str)> = recorded
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Choose { step, timing, .. } => Some((timing.hesitation_ms, step.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(choices.len(), truth.len(), "{:?}", recorded.events);
    for ((recorded, step), (true_ms, true_step)) in choices.iter().zip(&truth) {
        assert_eq!(step, true_step);
        let error = *recorded as f64 - true_ms;
        assert!(
            error.abs() <= 1.0,
            "{step}: recorded {recorded} ms, the page measured {true_ms:.2} ms"
        );
    }
    let last = &recorded.events.last().expect("events").kind;
    assert_eq!(
        last,
        &EventKind::SessionEnd {
            outcome: SessionOutcome::Complete
        }
    );
    let answers = recorded
        .events
        .iter()
        .filter(|e| e.kind.name() == "answer")
        .count();
    assert_eq!(answers, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_are_refused_while_open_elsewhere_and_once_spent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--invites", "1"]);
    let link = &server.links[0];
    let mut first = Page::open(link, 100, 30).await;
    first.wait_for("Where do you tap?").await;
    let mut second = Page::open(link, 100, 30).await;
    let (kind, text) = second.wait_said().await;
    assert_eq!(
        (kind.as_str(), text.as_str()),
        ("busy", "This link is open in another window.")
    );
    play_to_the_end(&mut first).await;
    first.wait_said().await;
    server.wait_for("finished: complete");
    let mut again = Page::open(link, 100, 30).await;
    let (kind, text) = again.wait_said().await;
    assert_eq!(
        (kind.as_str(), text.as_str()),
        ("end", "This link has already been used.")
    );
    assert_eq!(
        the_session(dir.path())
            .events
            .iter()
            .filter(|e| e.kind.name() == "session_end")
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_with_the_gap_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P02"]);
    let link = &server.links[0];
    let mut page = Page::open(link, 100, 30).await;
    let shown = page.wait_for("Where do you tap?").await;
    page.idle(200).await;
    let before = page.now() - shown;
    page.close().await;
    server.wait_for("P02      disconnected");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let mut page = Page::open(link, 90, 28).await;
    page.offset_ms = 5_000.0; // a reloaded page's clock starts again
    page.wait_for("Where do you tap?").await;
    let back = page.last_shown;
    page.idle(100).await;
    let pressed = page.press("1").await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P02      on drinks");
    let recorded = the_session(dir.path());
    let kinds: Vec<&str> = recorded.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds[..5],
        ["task_start", "show", "disconnect", "resume", "choose"],
        "{kinds:?}"
    );
    let EventKind::Resume { paused_ms } = recorded.events[3].kind else {
        panic!("a resume")
    };
    assert!(paused_ms >= 700, "the gap: {paused_ms} ms");
    let Some(timing) = recorded.events.iter().find_map(|e| match &e.kind {
        EventKind::Choose { timing, .. } => Some(*timing),
        _ => None,
    }) else {
        panic!("a choice")
    };
    // Time on the screen before the drop, plus after the page was back, give or take
    // the moments around the drop that neither side can see.
    let seen = before + (pressed - back);
    let error = timing.hesitation_ms as f64 - seen;
    assert!(
        error.abs() < 60.0,
        "recorded {timing:?}, seen for {seen:.0} ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_saves_every_live_session_as_aborted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(FLOW, dir.path(), &["--invites", "2"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for("Where do you tap?").await;
    server.signal("TERM");
    let (kind, _) = page.wait_said().await;
    assert_eq!(kind, "end");
    assert_eq!(server.wait(), Some(0));
    let recorded = the_session(dir.path());
    let kinds: Vec<&EventKind> = recorded.events.iter().map(|e| &e.kind).collect();
    assert!(
        kinds.contains(&&EventKind::Abort {
            reason: "SIGTERM".into()
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
fn unknown_codes_get_a_plain_404_then_429_and_the_page_a_strict_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &[]);
    let link = &server.links[0];
    let base = &link[..link.find("/p/").expect("a link")];
    let (status, head, body) = get(link);
    assert_eq!(status, 200);
    assert!(
        head.contains("content-security-policy: default-src 'none'; script-src 'self';"),
        "{head}"
    );
    assert!(!body.contains("<script>"), "no inline script");
    let (status, head, _) = get(&format!("{base}/assets/xterm.js"));
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    for path in [
        "/assets/../Cargo.toml",
        "/assets/Cargo.toml",
        "/",
        "/flows/espresso-three-menus.yaml",
    ] {
        assert_eq!(get(&format!("{base}{path}")).0, 404, "{path}");
    }
    let wrong = format!("{base}/p/{}", "0".repeat(32));
    let (status, _, body) = get(&wrong);
    assert_eq!((status, body.as_str()), (404, "Not found\n"));
    let statuses: Vec<u16> = (0..25).map(|_| get(&wrong).0).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
    assert_eq!(
        get(link).0,
        429,
        "a guesser is refused even a right code for a minute"
    );
}

#[test]
fn more_participants_are_invited_from_the_servers_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(FLOW, dir.path(), &["--participants", "P01,P02"]);
    assert_eq!(server.links.len(), 2);
    server.command("invite P13");
    let line = server.wait_for("P13 ");
    let link = line.split_whitespace().nth(1).expect("a link");
    assert_eq!(get(link).0, 200);
    server.command("invite P13");
    server.wait_for("cannot invite: P13 is already invited");
    server.command("list");
    server.wait_for("P02      waiting");
}

const STUDY: &str = "studies/espresso.yaml";
const CONSENT: &str = "Do you agree to take part?";

fn sessions_in(dir: &Path) -> Vec<session::Session> {
    let (files, _) = session::discover(&[dir.to_owned()]);
    files
        .iter()
        .map(|f| session::read(f).expect("a session file loads"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_at_once_get_balanced_variants_with_the_study_block() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(STUDY, dir.path(), &["--participants", "S01,S02"]);
    // Both links open before either session is counted: the room must still balance.
    let mut first = Page::open(&server.links[0], 100, 30).await;
    let mut second = Page::open(&server.links[1], 100, 30).await;
    first.wait_for(CONSENT).await;
    second.wait_for(CONSENT).await;
    for page in [&mut first, &mut second] {
        page.idle(50).await;
        page.press("y").await;
        page.wait_for("Where do you tap?").await;
    }
    server.wait_for("S01      started:");
    server.wait_for("S02      started:");
    let sessions = sessions_in(dir.path());
    assert_eq!(sessions.len(), 2);
    let mut variants: Vec<String> = sessions
        .iter()
        .map(|s| {
            let study = s.header.study.as_ref().expect("a study block");
            assert_eq!(study.id, "espresso-dec");
            assert_eq!(study.path, STUDY);
            assert_eq!(study.slot, 1, "each is the first of their variant");
            assert_eq!(
                s.header.flow.variant.as_deref(),
                Some(study.variant.as_str())
            );
            assert_eq!(s.header.transport.as_ref().expect("web").kind, "web");
            match &s.events[0].kind {
                EventKind::Consent { answer, .. } => {
                    assert_eq!(*answer, session::ConsentAnswer::Given)
                }
                other => panic!("the consent comes first, not {other:?}"),
            }
            study.variant.clone()
        })
        .collect();
    variants.sort();
    assert_eq!(variants, ["one-menu", "three-menus"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_consent_is_recorded_and_not_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(STUDY, dir.path(), &["--participants", "S03"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for(CONSENT).await;
    page.idle(50).await;
    page.press("n").await;
    let (kind, _) = page.wait_said().await;
    assert_eq!(kind, "end");
    server.wait_for("S03      finished: declined");
    let sessions = sessions_in(dir.path());
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].declined());
    assert_eq!(sessions[0].events.len(), 1, "only the refusal is recorded");
    let progress = mvx::study::progress::Progress::read("espresso-dec", dir.path());
    assert_eq!(progress.participants(), 0);
    let variant = &sessions[0].header.study.as_ref().expect("study").variant;
    assert_eq!(progress.declined(variant), 1);
}

#[test]
fn a_study_that_assigns_by_hand_needs_each_invitation_s_variant() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = dir.path().join("manual.yaml");
    let text = std::fs::read_to_string(STUDY).expect("the example study");
    let manual = text.replace("assign: balanced", "assign: manual");
    assert_ne!(manual, text, "the example study assigns balanced");
    let flows = Path::new(env!("CARGO_MANIFEST_DIR")).join("flows");
    let absolute = manual.replace("../flows", &flows.display().to_string());
    std::fs::write(&study, absolute).expect("writes");
    let out = served::spawn::mvx()
        .args([
            "serve",
            &study.display().to_string(),
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--participants", "S04", "--sessions"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("assigns variants by hand"), "{err}");
    assert_eq!(out.status.code(), Some(2));
}

/// A tap on a choice decides it as its key would, stamped where the finger went down: the
/// hesitation recorded is the page's own time from the frame shown to the tap, and the
/// choice says it was a tap; a tap on no target does nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tap_chooses_with_the_pages_own_timing_and_is_recorded_as_a_tap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    let shown = page.wait_for("Where do you tap?").await;
    page.idle(400).await;
    let cell = |page: &Page, words: &str| {
        let text = page.text();
        (text.lines().enumerate())
            .find_map(|(row, line)| Some((line.find(words)? as u16 + 1, row as u16)))
            .unwrap_or_else(|| panic!("{words:?} on the page:\n{text}"))
    };
    // The page's title row is no target.
    let missed = page.now();
    page.send(serde_json::json!({"t": "point", "col": 2, "row": 0, "at": missed, "by": "touch"}))
        .await;
    page.idle(200).await;
    let (col, row) = cell(&page, "2. Machine");
    let tapped = page.now();
    page.send(
        serde_json::json!({"t": "point", "col": col, "row": row, "at": tapped, "by": "touch"}),
    )
    .await;
    page.wait_for("Go back").await;
    server.wait_for("P01      on machine");
    let recorded = the_session(dir.path());
    let chosen: Vec<(&str, u64, mvx::keys::Via)> = (recorded.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, timing, .. } => {
                Some((choice.as_str(), timing.hesitation_ms, timing.input))
            }
            _ => None,
        })
        .collect();
    let [(choice, hesitation, via)] = chosen[..] else {
        panic!("one choice: {chosen:?}");
    };
    assert_eq!((choice, via), ("Machine", mvx::keys::Via::Touch));
    let truth = tapped - shown;
    assert!(
        (hesitation as f64 - truth).abs() <= 1.0,
        "hesitation {hesitation} ms, the page says {truth:.1}"
    );
}

/// A page out of sight (its tab hidden) stops the session's clock until it is back: the
/// pause and the resume are recorded at the page's own times, and the time away is left
/// out of the hesitation, as a researcher's pause is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_tab_pauses_the_clock_and_the_time_away_is_in_no_hesitation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    let shown = page.wait_for("Where do you tap?").await;
    page.idle(200).await;
    let away = page.now();
    page.send(serde_json::json!({"t": "away", "at": away, "why": "hidden"}))
        .await;
    server.wait_for("P01      away: the page's tab is hidden");
    page.idle(1_500).await;
    let back = page.now();
    page.send(serde_json::json!({"t": "back", "at": back}))
        .await;
    page.idle(300).await;
    let pressed = page.press("1").await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P01      on drinks");
    let recorded = the_session(dir.path());
    let kinds: Vec<&str> = recorded.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds,
        ["task_start", "show", "pause", "resume", "choose", "show"]
    );
    let EventKind::Pause { reason } = &recorded.events[2].kind else {
        panic!("a pause: {:?}", recorded.events[2]);
    };
    assert_eq!(reason.as_deref(), Some("hidden"));
    let EventKind::Resume { paused_ms } = recorded.events[3].kind else {
        panic!("a resume: {:?}", recorded.events[3]);
    };
    let truth_away = back - away;
    assert!(
        (paused_ms as f64 - truth_away).abs() <= 2.0,
        "away {paused_ms} ms, the page says {truth_away:.1}"
    );
    let EventKind::Choose { timing, .. } = &recorded.events[4].kind else {
        panic!("a choice: {:?}", recorded.events[4]);
    };
    let truth = (pressed - shown) - truth_away;
    assert!(
        (timing.hesitation_ms as f64 - truth).abs() <= 2.0,
        "hesitation {} ms, the page says {truth:.1} without the time away",
        timing.hesitation_ms
    );
}

/// A page too narrow for the session (a phone at 39 columns) is told what to do, not
/// left on a dead end; the researcher's terminal says so at once and when it is fixed;
/// once wide enough the session goes on where it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_too_small_is_explained_to_the_participant_and_told_to_the_researcher() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 39, 41).await;
    page.wait_for("too small").await;
    let words = page.text().split_whitespace().collect::<Vec<_>>().join(" ");
    let said = "Make the window larger (on a phone: turn it sideways or close the keyboard)";
    assert!(words.contains(said), "{words}");
    server.wait_for("P01      window too small (39x41)");
    let size = |n| std::num::NonZeroU16::new(n).expect("not zero");
    page.screen.screen_mut().set_size(size(24), size(80));
    page.send(serde_json::json!({"t": "size", "cols": 80, "rows": 24}))
        .await;
    page.wait_for("Where do you tap?").await;
    server.wait_for("P01      window large enough again");
}

/// A page that says it is 65535x65535, opening and again as a resize, is drawn at the
/// largest size the server takes (500x200), and the server goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_says_it_is_enormous_is_drawn_at_the_largest_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let huge = serde_json::json!({"t": "size", "cols": 65535, "rows": 65535});
    let mut page = Page::open_saying(&server.links[0], 100, 30, huge.clone()).await;
    page.wait_for("Where do you tap?").await;
    page.send(huge).await;
    page.idle(300).await;
    page.press("1").await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P01      on drinks");
    let recorded = the_session(dir.path());
    let terminal = &recorded.header.terminal;
    assert_eq!((terminal.cols, terminal.rows), (500, 200));
}

/// A page that sends thousands of keys without confirming the frame they led to is cut
/// off as a lost connection; its link resumes the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_flooding_keys_without_confirming_frames_is_cut_off_and_may_resume() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for("Where do you tap?").await;
    page.idle(100).await;
    page.press("1").await;
    for _ in 0..20_000 {
        page.press("x").await;
    }
    // Not by silence: a page that stops answering pings is dropped only after 15 s.
    server.wait_for_within("P01      disconnected", std::time::Duration::from_secs(8));
    page.close().await;
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P01      back");
    let kinds: Vec<&str> = the_session(dir.path())
        .events
        .iter()
        .map(|e| e.kind.name())
        .collect();
    assert!(kinds.contains(&"disconnect"), "{kinds:?}");
    assert!(!kinds.contains(&"session_end"), "{kinds:?}");
}

/// The lines of the one session file in `dir` that record `kind`.
fn lines_of(dir: &Path, kind: &str) -> Vec<String> {
    let (files, _) = session::discover(&[dir.to_owned()]);
    let text = std::fs::read_to_string(&files[0]).expect("the session file");
    let kind = format!("\"kind\":\"{kind}\"");
    text.lines()
        .filter(|l| l.contains(&kind))
        .map(str::to_owned)
        .collect()
}

/// A page whose pongs say 1e300 times its session by the server's clock, not as nothing;
/// a key stamped 1e300 takes the time it arrived: the session goes on, and each event
/// so timed is flagged `restamped`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_browser_stamps_take_the_servers_time_and_are_flagged() {
    let forged = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, forged.path(), &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.pong_at = Some(1e300);
    page.wait_for("Where do you tap?").await;
    page.idle(300).await;
    page.press("1").await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P01      on drinks");
    let choose = lines_of(forged.path(), "choose");
    assert_eq!(choose.len(), 1, "{choose:?}");
    assert!(choose[0].contains("\"restamped\":true"), "{choose:?}");
    let recorded = the_session(forged.path());
    assert!(recorded.problems.is_empty(), "{:?}", recorded.problems);
    let hesitation = recorded.events.iter().find_map(|e| match &e.kind {
        EventKind::Choose { timing, .. } => Some(timing.hesitation_ms),
        _ => None,
    });
    assert!(hesitation.is_some_and(|ms| ms >= 250), "{hesitation:?}");

    let far = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, far.path(), &["--participants", "P02"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for("Where do you tap?").await;
    page.idle(200).await;
    page.send(serde_json::json!({"t": "key", "key": "1", "at": 1e300}))
        .await;
    page.wait_for("Which list would you open?").await;
    server.wait_for("P02      on drinks");
    let choose = lines_of(far.path(), "choose");
    assert!(choose[0].contains("\"restamped\":true"), "{choose:?}");
    assert_eq!(the_session(far.path()).events.len(), 4);
}

/// A session file the server cannot create: the page is told the trouble is on the
/// researcher's side, and the same link, opened once the folder can be written, plays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_the_server_cannot_start_is_explained_and_its_link_stays_usable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "a file where the sessions folder should be").expect("writes");
    let sessions = blocker.join("sessions");
    let server = Server::start(FLOW, &sessions, &["--participants", "P01"]);
    let mut page = Page::open(&server.links[0], 100, 30).await;
    let (kind, text) = page.wait_said().await;
    assert_eq!(kind, "end");
    assert!(text.contains("problem on the researcher's side"), "{text}");
    server.wait_for("P01      could not start: cannot create a session file");
    page.close().await;
    std::fs::remove_file(&blocker).expect("removed");
    // As the page does, try again while the server has not yet seen the last one go.
    for _ in 0..50 {
        let mut page = Page::open(&server.links[0], 100, 30).await;
        page.idle(100).await;
        if page.said.as_ref().is_some_and(|(kind, _)| kind == "busy") {
            continue;
        }
        page.wait_for("Where do you tap?").await;
        break;
    }
    server.wait_for("P01      started:");
}

/// A study with every participant it needs says so to the page, and spends the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_study_tells_the_page_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = dir.path().join("small.yaml");
    let text = std::fs::read_to_string(STUDY).expect("the example study");
    let small = text.replace("target: 6", "target: 1");
    assert_ne!(small, text, "the example study's target is 6");
    let flows = Path::new(env!("CARGO_MANIFEST_DIR")).join("flows");
    let absolute = small.replace("../flows", &flows.display().to_string());
    std::fs::write(&study, absolute).expect("writes");
    let sessions = dir.path().join("sessions");
    let study = study.display().to_string();
    let server = Server::start(&study, &sessions, &["--participants", "S01,S02,S03"]);
    let mut playing = Vec::new(); // open, so counted
    for link in &server.links[..2] {
        let mut page = Page::open(link, 100, 30).await;
        page.wait_for(CONSENT).await;
        playing.push(page);
    }
    let mut third = Page::open(&server.links[2], 100, 30).await;
    let (kind, text) = third.wait_said().await;
    assert_eq!(kind, "end");
    assert!(text.contains("already has all the participants"), "{text}");
    server.wait_for("S03      finished:");
}

/// A participant who does not come back within the resume window: the session ends as
/// `connection lost` with no `resume`, and the researcher never reads "back".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_who_never_comes_back_is_not_said_to_be_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(
        FLOW,
        dir.path(),
        &["--participants", "P01", "--resume-minutes", "0"],
    );
    let mut page = Page::open(&server.links[0], 100, 30).await;
    page.wait_for("Where do you tap?").await;
    page.close().await;
    server.wait_for("P01      finished: aborted");
    assert!(
        !server.lines().iter().any(|l| l.contains("P01      back")),
        "{:#?}",
        server.lines()
    );
    let kinds: Vec<EventKind> = the_session(dir.path())
        .events
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        !kinds.iter().any(|k| matches!(k, EventKind::Resume { .. })),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&EventKind::Abort {
            reason: "connection lost".into()
        }),
        "{kinds:?}"
    );
}

/// One seeded hostile message: garbage, sizes, keys and confirmations with any stamp.
fn hostile(rng: &mut fastrand::Rng) -> String {
    let stamps = [
        "1e300", "-1e300", "1e12", "-5", "0", "123456.5", "1e-300", "\"x\"", "null",
    ];
    let stamp = match rng.u8(..4) {
        0 => stamps[rng.usize(..stamps.len())].to_owned(),
        _ => format!("{}", rng.f64() * 2e6),
    };
    let big = [0u32, 1, 40, 500, 501, 65_535, 65_536, 4_000_000_000];
    let keys = [
        "1",
        "2",
        "x",
        "Enter",
        "Backspace",
        "Tab",
        "Dead",
        "",
        "\u{1b}[A",
    ];
    match rng.u8(..6) {
        0 => format!(
            r#"{{"t":"size","cols":{},"rows":{}}}"#,
            big[rng.usize(..big.len())],
            big[rng.usize(..big.len())]
        ),
        1 | 2 => format!(
            r#"{{"t":"key","key":{:?},"at":{stamp}}}"#,
            keys[rng.usize(..keys.len())]
        ),
        3 => format!(r#"{{"t":"shown","n":{},"at":{stamp}}}"#, rng.u64(..50)),
        4 => format!(r#"{{"t":"pong","id":{},"at":{stamp}}}"#, rng.u64(..30)),
        _ => (0..rng.usize(..60)).map(|_| rng.char(..)).collect(),
    }
}

/// Seeded sequences of hostile messages from several pages at once, against the real
/// server: it stays up (a new page still loads and plays), and every session file it
/// wrote reads back with no line named as a problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_sending_anything_never_take_the_server_down_and_files_still_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--invites", "7"]);
    for (case, link) in server.links[..6].iter().enumerate() {
        let mut rng = fastrand::Rng::with_seed(21 + case as u64);
        let mut page = Page::open(link, 100, 30).await;
        page.wait_for("Where do you tap?").await;
        for _ in 0..400 {
            page.send(serde_json::Value::String(String::new())).await; // not a message
            let text = hostile(&mut rng);
            page.send_text(&text).await;
            if rng.u8(..8) == 0 {
                page.handle(std::time::Duration::from_millis(1)).await;
            }
        }
        page.idle(50).await;
        page.close().await;
    }
    let mut page = Page::open(&server.links[6], 100, 30).await;
    page.wait_for("Where do you tap?").await;
    page.idle(100).await;
    page.press("1").await;
    page.wait_for("Which list would you open?").await;
    let (files, skipped) = session::discover(&[dir.path().to_owned()]);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(files.len(), 7, "{files:?}");
    for file in files {
        let read = session::read(&file).expect("a session file loads");
        assert!(read.problems.is_empty(), "{file:?}: {:?}", read.problems);
    }
}

/// Twenty wrong codes from the participant's own address (one proxy, many people) make
/// strangers wait, never a live link's page coming back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_links_reconnect_is_never_rate_limited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01,P02"]);
    let link = &server.links[0];
    let mut page = Page::open(link, 100, 30).await;
    page.wait_for("Where do you tap?").await;
    let base = &link[..link.find("/p/").expect("a link")];
    let wrong = format!("{base}/p/{}", "0".repeat(32));
    let statuses: Vec<u16> = (0..25).map(|_| get(&wrong).0).collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(get(&server.links[1]).0, 429, "a link not yet opened waits");
    page.close().await;
    server.wait_for("P01      disconnected");
    assert_eq!(get(link).0, 200);
    let mut page = Page::open(link, 100, 30).await;
    page.wait_for("Where do you tap?").await;
    server.wait_for("P01      back");
}

/// Behind `--trusted-proxy`, the client is the address the proxy saw: one stranger's
/// wrong codes make only that stranger wait. From anyone else, the header is ignored.
#[test]
fn behind_a_trusted_proxy_each_client_is_counted_on_its_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--trusted-proxy", "127.0.0.1"]);
    let link = &server.links[0];
    let base = &link[..link.find("/p/").expect("a link")];
    let wrong = format!("{base}/p/{}", "0".repeat(32));
    let stranger = "X-Forwarded-For: 10.9.9.9, 203.0.113.9\r\n";
    let statuses: Vec<u16> = (0..25)
        .map(|_| served::get_with(&wrong, stranger).0)
        .collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(served::get_with(link, stranger).0, 429);
    // The stranger's own first address is only their word: the proxy's last one counts.
    let forged = "X-Forwarded-For: 198.51.100.7, 203.0.113.9\r\n";
    assert_eq!(served::get_with(link, forged).0, 429);
    let participant = "X-Forwarded-For: 198.51.100.7\r\n";
    assert_eq!(served::get_with(link, participant).0, 200);
    assert_eq!(get(link).0, 200, "the proxy itself is not the stranger");
}

/// Opens `n` connections to `address` that each send half a request and stop there.
fn half_open(address: &str, n: usize) -> Vec<std::net::TcpStream> {
    use std::io::Write;
    (0..n)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(address).expect("connects");
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
                .expect("half a request");
            stream
        })
        .collect()
}

/// 1,100 connections held half-open (more than a process with 1,024 files can keep)
/// do not stop a participant's page from loading, nor its WebSocket from opening.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_never_keep_a_page_from_loading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start_with_open_files(FLOW, dir.path(), &[], 1_024);
    let link = &server.links[0];
    let address = link
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("an address");
    let _held = half_open(address, 1_100);
    assert_eq!(get(link).0, 200);
    let mut page = Page::open(link, 100, 30).await;
    page.wait_for("Where do you tap?").await;
}

/// A connection that never finishes its request, or sits idle after an answer, is
/// closed by the server once 10 s have passed.
#[test]
fn connections_without_a_whole_request_are_closed_after_ten_seconds() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &[]);
    let link = &server.links[0];
    let address = link
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("an address");
    let mut half = half_open(address, 1).remove(0);
    let mut idle = std::net::TcpStream::connect(address).expect("connects");
    let path = &link[link.find("/p/").expect("a link")..];
    write!(idle, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("a whole request");
    for stream in [&mut half, &mut idle] {
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(16)))
            .expect("a read timeout");
        let mut everything = Vec::new();
        // Ends (0 bytes, or a reset) when the server closes it; a timeout is an error
        // of its own kind, which would mean it was never closed.
        let read = stream.read_to_end(&mut everything);
        if let Err(e) = read {
            let timed_out = [std::io::ErrorKind::WouldBlock, std::io::ErrorKind::TimedOut];
            assert!(!timed_out.contains(&e.kind()), "never closed: {e}");
        }
    }
}

/// The server's threads, as Linux counts them.
fn threads_of(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
    let line = status.lines().find(|l| l.starts_with("Threads:"));
    let count = line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    count.expect("a thread count")
}

/// A session waiting for its page holds no thread: sixty participants on their first
/// step, each then playing a key, and the server has as many threads as with none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_tasks_so_sixty_participants_take_no_more_threads() {
    const PAGES: usize = 60;
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--invites", &PAGES.to_string()]);
    let pid = server.child.id();
    let idle = threads_of(pid);
    let mut pages = Vec::new();
    for link in &server.links {
        pages.push(Page::open(link, 100, 30).await);
    }
    for page in &mut pages {
        page.wait_for("Where do you tap?").await;
    }
    for page in &mut pages {
        page.idle(20).await;
        page.press("1").await;
    }
    for page in &mut pages {
        page.wait_for("Which list would you open?").await;
    }
    // Every session waits for its page now. Waiting for the disk borrowed a thread for
    // the moment it waited (more of them on a loaded machine, where syncs are slow);
    // one idle for a second goes.
    for page in &mut pages {
        page.idle(1_500 / PAGES as u64 + 1).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let live = threads_of(pid);
    // Before, each session was a thread of its own: 60 more.
    assert!(
        live < idle + 16,
        "{idle} threads idle, {live} with {PAGES} sessions"
    );
    let recorded = sessions_in(dir.path());
    assert_eq!(recorded.len(), PAGES);
    for session in &recorded {
        let chose = session.events.iter().any(|e| e.kind.name() == "choose");
        assert!(chose, "{}: the key is recorded", session.header.participant);
    }
}

/// The page names each asset by its digest, and such a name is kept for good; a browser
/// that takes gzip gets it gzipped (xterm.js is 488 KB as written), and what it unpacks
/// is the file byte for byte; one that does not, or refuses gzip, gets it as written.
#[test]
fn assets_are_named_by_their_digest_kept_for_good_and_sent_gzipped() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "P01"]);
    let (status, _, page) = get(&server.links[0]);
    assert_eq!(status, 200);
    let base = server.links[0]
        .split("/p/")
        .next()
        .expect("the server's address");
    let written = std::fs::read("assets/xterm/xterm.js").expect("the vendored file");
    let at = page
        .find("/assets/xterm.js?v=")
        .expect("xterm.js named by its digest");
    let named = page[at..].split('"').next().expect("the name");
    let url = format!("{base}{named}");
    let (status, head, body) = served::get_bytes(&url, "Accept-Encoding: gzip, br\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(
        head.contains("cache-control: public, max-age=31536000, immutable"),
        "{head}"
    );
    assert!(
        body.len() * 3 < written.len(),
        "{} bytes gzipped",
        body.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(body.as_slice())
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert!(unpacked == written, "the file as vendored");
    for refusing in ["", "Accept-Encoding: identity, gzip;q=0\r\n"] {
        let (_, head, body) = served::get_bytes(&url, refusing);
        assert!(!head.contains("content-encoding"), "{refusing:?}: {head}");
        assert!(body == written, "{refusing:?}");
    }
    // Not by its digest (an old page, a stale name): checked again each time.
    let (_, head, _) = served::get_bytes(&format!("{base}/assets/xterm.js"), "");
    assert!(head.contains("cache-control: no-cache"), "{head}");
}

/// `--public` names the server as participants reach it (behind a proxy, say): the
/// links carry it, and the code still opens the page here; a name that is no address
/// stops the server before anything listens.
#[test]
fn links_carry_the_public_address_given() {
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = [
        "--participants",
        "P01",
        "--public",
        "https://research.example.org/",
    ];
    let mut server = Server::start(FLOW, dir.path(), &extra);
    server.command("observe P01");
    let observer = server.wait_for("P01      observe: ");
    let public = "https://research.example.org/";
    let line = (server.lines().into_iter())
        .find(|l| l.starts_with("P01      https://"))
        .expect("the invitation");
    let code = line.rsplit('/').next().expect("a code").to_owned();
    assert_eq!(line, format!("P01      {public}p/{code}"));
    assert!(observer.contains(&format!("{public}o/")), "{observer}");
    assert!(
        server
            .lines()
            .iter()
            .any(|l| l.starts_with("Serving ") && l.ends_with(" on https://research.example.org"))
    );
    let mut mvx = served::spawn::mvx();
    let refused = mvx
        .args([
            "serve",
            FLOW,
            "--listen",
            "127.0.0.1:0",
            "--public",
            "research.example.org",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("mvx runs");
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("give the address participants open, as https://research.example.org"),
        "{said}"
    );
}
