//! `mvx ssh` with OpenSSH's own client, `ssh`, in a pseudo-terminal as a participant runs
//! it: a study played to the end by keys and a click, a spent invitation refused, a
//! connection without a terminal refused, and the session file read by every reader.
#![allow(clippy::disallowed_methods)] // the real binaries, in real time
#[path = "common/pty.rs"]
mod pty;
#[path = "support/served.rs"]
mod support;

use std::path::Path;

use mvx::session::{self, EventKind, SessionOutcome};
use pty::{Pty, assert_terminal_restored};
use support::Server;

/// `ssh` as a participant runs it, with a known-hosts file of the test's own; its exit
/// code and then the terminal's modes are printed after it.
fn ssh(command: &str, dir: &Path, options: &str) -> Pty {
    let known = dir.join("known_hosts");
    let script = format!(
        "{command} {options} -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile={} \
         -o LogLevel=ERROR -o BatchMode=yes; echo EXIT=$?; stty -a",
        known.display()
    );
    Pty::shell(&script, &[])
}

/// The one session file in `dir`.
fn recorded(dir: &Path) -> (String, session::Session) {
    let files: Vec<_> = std::fs::read_dir(dir)
        .expect("the sessions folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).expect("the session file");
    let read = session::read(&files[0]).expect("the session reads");
    (text, read)
}

#[test]
fn a_participant_plays_a_study_over_ssh_and_a_spent_invitation_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let server = Server::start_ssh("studies/espresso.yaml", &sessions, &["--invites", "2"]);
    let invitation = server.links[0].clone();
    let mut pty = ssh(&invitation, dir.path(), "");
    pty.wait_for("Do you agree to take part?");
    pty.send("y");
    pty.wait_for("Where do you tap?");
    if pty.contents().contains("[ Drinks ]") {
        // Three menus: Drinks, Coffee classics, Espresso, then a single; Drinks by a
        // click on its line (the terminal's SGR report, as a mouse sends it).
        pty.click("1. Drinks");
        for (screen, key) in [
            ("Which list would you open?", "2"),
            ("Espresso", "1"),
            ("The machine preselects a double", "1"),
        ] {
            pty.wait_for(screen);
            pty.send(key);
        }
    } else {
        pty.click("1. Espresso single");
        pty.wait_for("[ Brew now ]");
        pty.send("1");
    }
    pty.wait_for("Press Enter to continue");
    pty.send("\r");
    pty.wait_for("Could you get the espresso");
    pty.send("1");
    pty.wait_for("Question 2 of");
    pty.send("6");
    pty.wait_for("Question 3 of");
    pty.send("ok\r");
    pty.wait_for("Would you use this app");
    pty.send("1");
    pty.wait_for("Thank you for taking part!");
    pty.send("\r");
    pty.wait_for_output("EXIT=0");
    assert!(pty.contents().contains("Thank you!"), "{}", pty.contents());
    assert_terminal_restored(&pty);
    assert!(!pty.mouse_reported(), "the mouse is still reported");
    server.wait_for("finished: complete");

    // The session, as every reader reads it.
    let (text, read) = recorded(&sessions);
    assert_eq!(read.outcome(), Some(SessionOutcome::Complete));
    let transport = read.header.transport.as_ref().expect("a transport");
    assert_eq!(transport.kind, "ssh");
    assert!(
        transport
            .client
            .as_deref()
            .is_some_and(|c| c.starts_with("SSH-2.0-OpenSSH")),
        "{transport:?}"
    );
    assert!(transport.rtt_ms.median > 0.0, "{transport:?}");
    assert_eq!(read.header.terminal.term.as_deref(), Some("xterm-256color"));
    assert!(read.header.terminal.ssh);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let (header, events) = session::fast_path(&text).expect("read by the fast path alone");
    assert_eq!(header, read.header);
    assert_eq!(events, read.events);
    let clicked = read.events.iter().find_map(|e| match &e.kind {
        EventKind::Choose { timing, .. } => Some(timing.input),
        _ => None,
    });
    assert_eq!(
        clicked,
        Some(mvx::keys::Via::Pointer),
        "the first choice was a click"
    );
    for command in [&["report"][..], &["export", "--format", "csv", "-o"]] {
        let out = dir.path().join("out");
        let mut mvx = support::spawn::mvx();
        mvx.args(command);
        if command[0] == "export" {
            mvx.arg(&out);
        }
        let status = mvx.arg(&sessions).output().expect("mvx runs");
        assert!(
            status.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }

    // The same invitation again: refused, and `ssh` fails.
    let again = ssh(&invitation, dir.path(), "");
    again.wait_for("This invitation has already been used.");
    again.wait_for_output("EXIT=1");
    assert_terminal_restored(&again);
}

/// A study with returns: the one invitation plays the first session, whose closing
/// screen says when the next opens; the same command again before then is told when to
/// come back, records nothing, and `ssh` exits with status 1 and the terminal restored.
#[test]
fn a_returning_participant_too_early_is_told_when_and_leaves_with_the_terminal_restored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = support::tiny_study(dir.path(), "[0, 1h, 2h]");
    let sessions = dir.path().join("sessions");
    let study = study.display().to_string();
    let server = Server::start_ssh(&study, &sessions, &["--participants", "R01"]);
    let invitation = server.links[0].clone();
    let mut first = ssh(&invitation, dir.path(), "");
    first.wait_for("Do you agree to take part?");
    first.send("y");
    first.wait_for("Pick one.");
    first.send("1");
    first.wait_for("Please come back for session 2 of 3 from");
    first.send("\r");
    first.wait_for_output("EXIT=0");
    first.wait_for_output("Please come back for session 2 of 3 from");
    first.wait_for_output(", with the same ssh command.");
    server.wait_for("R01      finished: complete");

    let again = ssh(&invitation, dir.path(), "");
    again.wait_for_output("Your session 2 of 3 opens at ");
    again.wait_for_output("Please come back then, with the same ssh command.");
    again.wait_for_output("EXIT=1");
    assert_terminal_restored(&again);
    assert!(!again.mouse_reported(), "the mouse is still reported");
    server.wait_for("R01      came too early: session 2 of 3 opens at ");
    assert_eq!(
        recorded_count(&sessions),
        1,
        "the visit too early recorded nothing"
    );
}

#[test]
fn a_connection_without_a_terminal_or_with_a_wrong_code_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let server = Server::start_ssh("flows/espresso-one-menu.yaml", &sessions, &[]);
    let invitation = &server.links[0];
    let untyped = ssh(invitation, dir.path(), "-T");
    untyped.wait_for("mvx: a terminal is needed to take part: connect with `ssh -t`.");
    untyped.wait_for_output("EXIT=1");
    let wrong: Vec<String> = (invitation.split(' '))
        .map(|word| match word.split_once('@') {
            Some((_, host)) => format!("{}@{host}", "0".repeat(32)),
            None => word.to_owned(),
        })
        .collect();
    let wrong = wrong.join(" ");
    let stranger = ssh(&wrong, dir.path(), "");
    stranger.wait_for("Permission denied");
    stranger.wait_for_output("EXIT=255");
    // Neither started a session, and the invitation still works.
    assert!(!sessions.exists() || recorded_count(&sessions) == 0);
    let participant = ssh(invitation, dir.path(), "");
    participant.wait_for("Where do you tap?");
    server.wait_for("started:");
}

fn recorded_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("the sessions folder")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count()
}

#[test]
fn observers_watch_a_participant_by_a_researchers_key_or_by_the_observers_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let key = dir.path().join("researcher");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ana", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    let public = dir.path().join("researcher.pub");
    let public = public.to_str().expect("a UTF-8 path");
    let mut server = Server::start_ssh(
        "flows/espresso-one-menu.yaml",
        &sessions,
        &["--participants", "P01", "--authorized-keys", public],
    );
    let invitation = server.links[0].clone();
    let as_id: Vec<String> = (invitation.split(' '))
        .map(|word| match word.split_once('@') {
            Some((_, host)) => format!("P01@{host}"),
            None => word.to_owned(),
        })
        .collect();
    // A researcher's key, the participant's id as the user name.
    let keyed = format!("-i {} -o IdentitiesOnly=yes", key.display());
    let watcher = ssh(&as_id.join(" "), dir.path(), &keyed);
    watcher.wait_for("P01 has not started yet");
    watcher.resize(40, 140);
    let mut participant = ssh(&invitation, dir.path(), "");
    participant.wait_for("Where do you tap?");
    let shown = std::time::Instant::now();
    watcher.wait_for("Where do you tap?");
    let took = shown.elapsed();
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");

    // The observers' code, as `observe P01` gives it, with no key at all.
    server.command("observe P01");
    let line = server.wait_for("P01      observe: ssh ");
    let command = line
        .split_once("observe: ")
        .expect("a command")
        .1
        .to_owned();
    let mut coded = ssh(&command, dir.path(), "");
    coded.resize(40, 140);
    coded.wait_for("Where do you tap?");
    participant.click("1. Espresso single");
    participant.wait_for("[ Brew now ]");
    let shown = std::time::Instant::now();
    coded.wait_for("Brew now");
    watcher.wait_for("Brew now");
    let took = shown.elapsed();
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    // An observer's Ctrl-C leaves them, and the participant plays on.
    coded.send("\x03");
    coded.wait_for("You stopped observing.");
    coded.wait_for_output("EXIT=0");
    assert_terminal_restored(&coded);
    participant.send("1");
    participant.wait_for("Press Enter to continue");
    // Without a listed key, the id alone lets no one in.
    let stranger = ssh(&as_id.join(" "), dir.path(), "");
    stranger.wait_for("Permission denied");
    stranger.wait_for_output("EXIT=255");
    // The server stopping tells the observer, and leaves their terminal as it was.
    server.command("quit");
    watcher.wait_for("The study's server has stopped");
    watcher.wait_for_output("EXIT=0");
    assert_terminal_restored(&watcher);
    assert!(!watcher.mouse_reported(), "the mouse is still reported");
}

#[test]
fn a_connection_at_its_time_limit_or_idle_is_closed_with_the_terminal_restored_and_resumes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let limits = ["--limits-in-seconds", "--idle-minutes", "2"];
    let mut server = Server::start_ssh(
        "flows/espresso-one-menu.yaml",
        &sessions,
        &[
            &limits[..],
            &["--longest-minutes", "4", "--participants", "P01"],
        ]
        .concat(),
    );
    let invitation = server.links[0].clone();
    // Keys keep it from being idle; the time limit closes it all the same.
    let mut pty = ssh(&invitation, dir.path(), "");
    pty.wait_for("Where do you tap?");
    for _ in 0..4 {
        std::thread::sleep(std::time::Duration::from_millis(900));
        pty.send("\x1b[B");
    }
    pty.wait_for("This connection has reached its time limit.");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
    assert!(!pty.mouse_reported(), "the mouse is still reported");
    server.wait_for("disconnected");
    // An observer presses no key, and is not idle for it.
    server.command("observe P01");
    let line = server.wait_for("P01      observe: ssh ");
    let watcher = ssh(
        line.split_once("observe: ").expect("a command").1,
        dir.path(),
        "",
    );
    watcher.wait_for("Observing P01");
    // Back with the same command: the session goes on; two quiet seconds close it.
    let again = ssh(&invitation, dir.path(), "");
    again.wait_for("Where do you tap?");
    again.wait_for("This connection was closed after 2s without a key.");
    again.wait_for_output("EXIT=0");
    assert_terminal_restored(&again);
    assert!(
        !watcher.raw_output().contains("EXIT="),
        "the observer was let go"
    );
    let (_, read) = recorded(&sessions);
    let resumed = (read.events.iter()).filter(|e| matches!(e.kind, EventKind::Resume { .. }));
    assert_eq!(resumed.count(), 1, "{:?}", read.events);
}

#[test]
fn invitations_name_the_public_host_given() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let on_22 = Server::start_ssh(
        "flows/espresso-one-menu.yaml",
        &sessions,
        &["--public", "research.example.org:22"],
    );
    let words: Vec<&str> = on_22.links[0].split(' ').collect();
    assert_eq!(words.len(), 2, "{words:?}");
    assert!(words[1].ends_with("@research.example.org"), "{words:?}");
    let elsewhere = Server::start_ssh(
        "flows/espresso-one-menu.yaml",
        &sessions,
        &["--public", "research.example.org"],
    );
    let port = elsewhere.links[0].split(' ').nth(2).expect("a port");
    assert_ne!(port, "22");
    assert!(elsewhere.links[0].ends_with("@research.example.org"));
}

/// The `ssh` client that holds `code`.
fn client_of(code: &str) -> String {
    let found = std::process::Command::new("pgrep")
        .args(["-f", &format!("^ssh .*{code}@")])
        .output()
        .expect("pgrep runs");
    let pids = String::from_utf8_lossy(&found.stdout).to_string();
    pids.lines().next().expect("the ssh client").to_owned()
}

#[test]
fn a_participant_whose_client_goes_silent_is_disconnected_and_may_come_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let server = Server::start_ssh(
        "flows/espresso-one-menu.yaml",
        &sessions,
        &["--participants", "P01"],
    );
    let invitation = server.links[0].clone();
    let code = invitation.rsplit(' ').next().expect("CODE@host");
    let code = code.split('@').next().expect("a code").to_owned();
    let mut pty = ssh(&invitation, dir.path(), "");
    pty.wait_for("Where do you tap?");
    // A paste of thousands of characters is cut, and the participant stays.
    pty.send(&"x".repeat(5_000));
    std::thread::sleep(std::time::Duration::from_millis(1_000));
    pty.send("1");
    pty.wait_for("[ Brew now ]");
    // The client stops answering (a network gone without a word): the session hears
    // its participant is gone within half a minute, not at the idle limit.
    let client = client_of(&code);
    pty::kill(&client, "-STOP");
    server.wait_for_within("P01      disconnected", std::time::Duration::from_secs(40));
    pty::kill(&client, "-KILL");
    let again = ssh(&invitation, dir.path(), "");
    again.wait_for("[ Brew now ]");
    let (_, read) = recorded(&sessions);
    let lost = (read.events.iter()).filter(|e| matches!(e.kind, EventKind::Disconnect));
    assert_eq!(lost.count(), 1, "only the silence: {:?}", read.events);
}

#[test]
fn connections_held_open_by_strangers_never_keep_a_participant_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let server =
        Server::start_ssh_with_open_files("flows/espresso-one-menu.yaml", &sessions, &[], 1_024);
    let invitation = server.links[0].clone();
    let port = invitation.split(' ').nth(2).expect("a port");
    let address = format!("127.0.0.1:{port}");
    // More than a process with 1,024 files can keep, each saying nothing.
    let _held: Vec<std::net::TcpStream> = (0..1_100)
        .filter_map(|_| std::net::TcpStream::connect(&address).ok())
        .collect();
    let participant = ssh(&invitation, dir.path(), "");
    participant.wait_for("Where do you tap?");
}

/// Trusts the test's own server.
struct Trusting;

impl russh::client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A connection whose session is over is closed by the server, whatever its client
/// does: a second connection on a code in use is refused and let go, so no one holds
/// the server's connections with a code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_whose_session_is_refused_is_closed_by_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let server = Server::start_ssh("flows/espresso-one-menu.yaml", &sessions, &[]);
    let invitation = server.links[0].clone();
    let first = ssh(&invitation, dir.path(), "");
    first.wait_for("Where do you tap?");
    let words: Vec<&str> = invitation.split(' ').collect();
    let (code, host) = words[3].split_once('@').expect("CODE@HOST");
    let address = format!("{host}:{}", words[2]);
    let config = std::sync::Arc::new(russh::client::Config::default());
    let mut second = russh::client::connect(config, address, Trusting)
        .await
        .expect("connects");
    let auth = second.authenticate_none(code).await.expect("answers");
    assert!(auth.success(), "the code is let in");
    let mut channel = second.channel_open_session().await.expect("a channel");
    channel
        .request_pty(false, "xterm", 80, 24, 0, 0, &[])
        .await
        .expect("a terminal");
    channel.request_shell(false).await.expect("a shell");
    let mut said = Vec::new();
    let started = std::time::Instant::now();
    // The client keeps its side open; the server ends the connection.
    while !second.is_closed() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still open: {}",
            String::from_utf8_lossy(&said)
        );
        let wait = std::time::Duration::from_millis(100);
        if let Ok(Some(russh::ChannelMsg::Data { data })) =
            tokio::time::timeout(wait, channel.wait()).await
        {
            said.extend_from_slice(&data);
        }
    }
    let said = String::from_utf8_lossy(&said);
    assert!(
        said.contains("This invitation is open in another window."),
        "{said}"
    );
    // The first plays on.
    drop(first);
}
