//! What the researcher of `mvx serve` is told: a stuck participant and one on a window
//! too small, through the JSON lines (`--format json`) and in words, within seconds;
//! and the full-screen dashboard in a pseudo-terminal.

#![allow(clippy::disallowed_methods)] // measures the real binary in real time

#[path = "common/pty.rs"]
mod pty;
#[path = "support/served.rs"]
mod served;

use std::time::{Duration, Instant};

use pty::{Pty, assert_terminal_restored, kill, mvx_pid};
use serde_json::Value;
use served::{DEADLINE, Page, Server};

const FLOW: &str = "flows/espresso-three-menus.yaml";

fn json_lines(server: &Server) -> Vec<Value> {
    (server.lines().iter())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The link each participant was invited with.
fn link_of(server: &Server, participant: &str) -> String {
    let invited = json_lines(server)
        .into_iter()
        .find(|l| l["t"] == "invited" && l["participant"] == participant);
    let invited = invited.unwrap_or_else(|| panic!("{participant} invited: {:?}", server.lines()));
    invited["link"].as_str().expect("a link").to_owned()
}

fn alert<'a>(lines: &'a [Value], participant: &str, kind: &str) -> Vec<&'a Value> {
    (lines.iter())
        .filter(|l| l["t"] == "alert" && l["participant"] == participant && l["alert"] == kind)
        .collect()
}

/// The "Done when" of the dashboard: one participant sits on a step, another's window
/// is too small; both alerts come as JSON lines within 5 s of their condition.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_and_a_too_small_participant_are_alerted_within_five_seconds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = [
        "--participants",
        "P01,P02",
        "--format",
        "json",
        "--stuck-after",
        "1",
    ];
    let server = Server::start(FLOW, dir.path(), &extra);
    let serving = &json_lines(&server)[0];
    assert_eq!(serving["t"], "serving");
    let mut sitting = Page::open(&link_of(&server, "P01"), 80, 24).await;
    sitting.wait_for("Where do you tap?").await;
    let shown = Instant::now();
    let mut small = Page::open(&link_of(&server, "P02"), 20, 5).await;
    let opened = Instant::now();
    let (mut stuck_at, mut small_at) = (None, None);
    while stuck_at.is_none() || small_at.is_none() {
        assert!(shown.elapsed() < DEADLINE, "{:#?}", server.lines());
        sitting.idle(25).await;
        small.idle(25).await;
        let lines = json_lines(&server);
        if stuck_at.is_none() && !alert(&lines, "P01", "stuck").is_empty() {
            stuck_at = Some(Instant::now());
        }
        if small_at.is_none() && !alert(&lines, "P02", "too_small").is_empty() {
            small_at = Some(Instant::now());
        }
    }
    // Stuck holds from 1 s on the step; too small from the page's first size.
    let stuck_in = stuck_at.expect("stuck") - shown;
    let small_in = small_at.expect("too small") - opened;
    assert!(
        stuck_in < Duration::from_secs(1 + 5),
        "stuck told after {stuck_in:?}"
    );
    assert!(
        small_in < Duration::from_secs(5),
        "too small told after {small_in:?}"
    );
    // The alerts say what and where; a later state line says who is where.
    sitting.idle(1_200).await;
    let lines = json_lines(&server);
    let stuck = alert(&lines, "P01", "stuck");
    assert_eq!(stuck.len(), 1, "raised once: {stuck:?}");
    assert_eq!(stuck[0]["step"], "home");
    assert!(stuck[0]["for_ms"].as_u64().expect("for_ms") > 1_000);
    assert!(stuck[0]["median_ms"].is_null());
    assert_eq!(alert(&lines, "P02", "too_small").len(), 1);
    let state = (lines.iter().rev())
        .find(|l| l["t"] == "state")
        .expect("a state line");
    let row = |who: &str| {
        let rows = state["participants"].as_array().expect("participants");
        rows.iter()
            .find(|r| r["participant"] == who)
            .cloned()
            .expect("a row")
    };
    assert_eq!(
        (row("P01")["state"].clone(), row("P01")["step"].clone()),
        ("playing".into(), "home".into())
    );
    assert_eq!(row("P02")["state"], "too_small");
    assert_eq!(state["counts"][0]["playing"], 2);
    // Moving on clears the stuck alert.
    sitting.press("1").await;
    sitting.wait_for("Which list would you open?").await;
    let start = Instant::now();
    while !json_lines(&server)
        .iter()
        .any(|l| l["t"] == "cleared" && l["participant"] == "P01")
    {
        assert!(start.elapsed() < DEADLINE, "{:#?}", server.lines());
        sitting.idle(50).await;
    }
}

/// A participant on the closing "thank you" screen is finished and counted complete,
/// with no step to be stuck on, before they close it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_thanked_is_finished_before_closing_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = [
        "--participants",
        "P01",
        "--format",
        "json",
        "--stuck-after",
        "1",
    ];
    let server = Server::start("flows/espresso-one-menu.yaml", dir.path(), &extra);
    let mut page = Page::open(&link_of(&server, "P01"), 80, 24).await;
    for (screen, key) in [
        ("Where do you tap?", "1"),
        ("Brew now", "1"),
        ("Press Enter", "Enter"),
        ("Could you get the espresso", "1"),
        ("how easy or difficult", "6"),
    ] {
        page.wait_for(screen).await;
        page.press(key).await;
    }
    page.wait_for("change one thing").await;
    for key in ["o", "k", "Enter"] {
        page.press(key).await;
    }
    page.wait_for("Thank you for taking part").await;
    let thanked = Instant::now();
    let finished = |l: &Value| {
        l["t"] == "state"
            && l["participants"][0]["state"] == "finished"
            && l["participants"][0]["how"] == "complete"
            && l["counts"][0]["complete"] == 1
            && l["counts"][0]["playing"] == 0
    };
    while !json_lines(&server).iter().any(finished) {
        assert!(thanked.elapsed() < DEADLINE, "{:#?}", server.lines());
        page.idle(50).await;
    }
    // However long the thanks stay up.
    page.idle(1_500).await;
    assert!(alert(&json_lines(&server), "P01", "stuck").is_empty());
}

/// Text mode tells the same alert in words, and `invite` still answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_lines_tell_alerts_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = ["--participants", "P01", "--stuck-after", "1"];
    let mut server = Server::start(FLOW, dir.path(), &extra);
    let mut page = Page::open(&server.links[0], 80, 24).await;
    page.wait_for("Where do you tap?").await;
    let start = Instant::now();
    while !server
        .lines()
        .iter()
        .any(|l| l.starts_with("P01      alert: stuck on home for "))
    {
        assert!(start.elapsed() < DEADLINE, "{:#?}", server.lines());
        page.idle(50).await;
    }
    server.command("invite P02");
    server.wait_for("P02      http://");
}

/// `mvx serve --dashboard` in a pseudo-terminal, its sessions in `sessions`.
fn dashboard(sessions: &std::path::Path) -> Pty {
    let script = format!(
        "{} serve {FLOW} --listen 127.0.0.1:0 --sessions {} --participants P01 --dashboard; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    Pty::shell(&script, &[])
}

/// Waits until `participant`'s row in the table shows `state`; the row.
fn row_of(pty: &Pty, participant: &str, state: &str) -> String {
    let start = Instant::now();
    loop {
        let contents = pty.contents();
        // The table's row comes before any of the server's lines under it.
        let row = contents.lines().find(|l| l.starts_with(participant));
        if let Some(row) = row.filter(|r| r.contains(state)) {
            return row.to_owned();
        }
        assert!(start.elapsed() < DEADLINE, "no {state} row:\n{contents}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The link the dashboard's footer shows for the selected participant.
fn footer_link(pty: &Pty, participant: &str) -> String {
    let label = format!("{participant}'s link: ");
    pty.wait_for(&label);
    let contents = pty.contents();
    let line = (contents.lines())
        .find(|l| l.contains(&label))
        .expect("the footer");
    let link = line.split(&label).nth(1).expect("a link").trim();
    link.to_owned()
}

/// A participant's row follows their session; `i` shows a new link; `q` asks, `y` stops
/// the server, saves the live session as aborted and gives the terminal back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_a_participant_invites_and_stops_with_the_terminal_restored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = dashboard(dir.path());
    pty.wait_for("waiting");
    let link = footer_link(&pty, "P01");
    let mut page = Page::open(&link, 80, 24).await;
    page.wait_for("Where do you tap?").await;
    let row = row_of(&pty, "P01", "playing");
    assert!(row.contains("home"), "{row}");
    pty.send("i");
    pty.wait_for("2 invited");
    let contents = pty.contents();
    let line = (contents.lines())
        .find(|l| l.contains("'s link: "))
        .expect("a link");
    assert!(!line.starts_with("P01") && line.contains("/p/"), "{line}");
    assert!(
        !line.contains(link.rsplit('/').next().expect("a code")),
        "{line}"
    );
    pty.send("q");
    pty.wait_for("Stop the server");
    pty.send("y");
    page.idle(200).await;
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
    let output = pty.raw_output();
    assert!(output.contains("Stopping (researcher)"), "{output}");
    assert!(output.contains("P01      finished: aborted"), "{output}");
}

/// SIGTERM ends the dashboard as it ends the server: live sessions saved as aborted,
/// the terminal given back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_dashboard_saving_live_sessions_with_the_terminal_restored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pty = dashboard(dir.path());
    let link = footer_link(&pty, "P01");
    let mut page = Page::open(&link, 80, 24).await;
    page.wait_for("Where do you tap?").await;
    row_of(&pty, "P01", "playing");
    kill(&mvx_pid(&pty), "-TERM");
    page.idle(200).await;
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
    assert!(pty.raw_output().contains("P01      finished: aborted"));
    let (files, _) = mvx::session::discover(&[dir.path().to_owned()]);
    let recorded = mvx::session::read(&files[0]).expect("the session loads");
    assert!(recorded.ended(), "the session was saved to its end");
}

/// Without a terminal the dashboard cannot be drawn: the server does not start, and the
/// message names the way for a script.
#[test]
fn the_dashboard_without_a_terminal_points_to_json_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = served::spawn::assert_mvx()
        .args([
            "serve",
            FLOW,
            "--listen",
            "127.0.0.1:0",
            "--dashboard",
            "--sessions",
        ])
        .arg(dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--dashboard needs a terminal"), "{stderr}");
    assert!(stderr.contains("--format json"), "{stderr}");
}
