//! The `mvx` binary: exit codes, what goes to stdout and stderr.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn mvx() -> Command {
    common::spawn::assert_mvx()
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/invalid/{name}.yaml")
}

#[test]
fn check_passes_the_example_flows() {
    mvx()
        .args([
            "check",
            "flows/espresso-three-menus.yaml",
            "flows/espresso-one-menu.yaml",
        ])
        .args([
            "flows/shop-order-status.yaml",
            "flows/product-comparison.yaml",
        ])
        .assert()
        .code(0)
        .stdout(contains("checked 4 flows: no errors, no warnings"))
        .stderr("");
}

#[test]
fn check_exits_1_on_errors_with_location_line_and_caret() {
    mvx()
        .args(["check", &fixture("unknown-start-and-targets")])
        .assert()
        .code(1)
        .stdout(contains(
            "tests/fixtures/invalid/unknown-start-and-targets.yaml:11:18: error: \
             step `home` leads to `dnoe`, which is not a step\n   |\n11 |       - Go on -> dnoe\n   |                  ^^^^\n   = help: did you mean `done`?",
        ))
        .stdout(contains("checked 1 flow: 4 errors, no warnings"));
}

#[test]
fn warnings_alone_exit_0_unless_strict() {
    let path = fixture("screen-width");
    mvx()
        .args(["check", &path])
        .assert()
        .code(0)
        .stdout(contains("3 warnings"));
    mvx().args(["check", "--strict", &path]).assert().code(1);
}

#[test]
fn a_missing_file_exits_2_and_the_others_are_still_checked() {
    mvx()
        .args(["check", "flows/no-such-flow.yaml", &fixture("no-steps")])
        .assert()
        .code(2)
        .stderr(contains(
            "mvx: cannot read flows/no-such-flow.yaml: no such file",
        ))
        .stdout(contains("no-steps.yaml:4:8: error: the flow has no steps"));
}

#[test]
fn a_folder_is_explained() {
    mvx()
        .args(["check", "flows"])
        .assert()
        .code(2)
        .stderr(contains("flows is a folder; name the flow files in it"));
}

#[test]
fn bad_arguments_exit_2() {
    mvx().assert().code(2).stderr(contains("Usage: mvx"));
    mvx()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("<FLOW>..."));
    mvx()
        .args(["check", "--format", "xml", "f.yaml"])
        .assert()
        .code(2);
}

#[test]
fn json_findings_carry_code_line_column_and_help() {
    let output = mvx()
        .args(["check", "--format", "json", &fixture("unknown-keys")])
        .output()
        .expect("mvx runs");
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(report["errors"], 6);
    let first = &report["files"][0]["findings"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-key");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(9), Some(1))
    );
    assert_eq!(first["help"], "did you mean `steps`?");
}

#[test]
fn help_shows_an_example_for_each_command() {
    mvx()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(contains("Example:"));
    for command in ["check", "graph"] {
        mvx()
            .args([command, "--help"])
            .assert()
            .code(0)
            .stdout(contains(format!("mvx {command} ")).and(contains("Examples:")));
    }
}

#[test]
fn graph_prints_mermaid_by_default_and_dot_on_request() {
    let mermaid = mvx()
        .args(["graph", "flows/espresso-one-menu.yaml"])
        .output()
        .expect("mvx runs");
    assert_eq!(mermaid.status.code(), Some(0));
    insta::assert_snapshot!(
        "espresso_one_menu_mermaid",
        String::from_utf8_lossy(&mermaid.stdout)
    );
    let dot = mvx()
        .args(["graph", "--format", "dot", "flows/espresso-one-menu.yaml"])
        .output()
        .expect("mvx runs");
    assert_eq!(dot.status.code(), Some(0));
    insta::assert_snapshot!(
        "espresso_one_menu_dot",
        String::from_utf8_lossy(&dot.stdout)
    );
}

#[test]
fn graph_of_a_broken_flow_explains_on_stderr() {
    mvx()
        .args(["graph", &fixture("no-steps")])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("no-steps.yaml:4:8: error: the flow has no steps"));
}

#[test]
fn play_refuses_a_bad_participant_id_before_writing_anything() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    mvx()
        .args([
            "play",
            "flows/espresso-one-menu.yaml",
            "--participant",
            "P 07/../x",
        ])
        .arg("--sessions")
        .arg(&sessions)
        .assert()
        .code(2)
        .stderr(contains(
            "--participant `P 07/../x` may use only letters, digits, `-` and `_`",
        ));
    assert!(!sessions.exists(), "nothing written");
    mvx()
        .args([
            "play",
            "flows/espresso-one-menu.yaml",
            "--researcher",
            &"a".repeat(65),
        ])
        .arg("--sessions")
        .arg(&sessions)
        .assert()
        .code(2);
    assert!(!sessions.exists(), "nothing written");
}

#[test]
fn play_refuses_a_flow_with_errors_and_shows_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    mvx()
        .args(["play", &fixture("unknown-start-and-targets")])
        .arg("--sessions")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains(
            "error: step `home` leads to `dnoe`, which is not a step",
        ))
        .stderr(contains("fix these first"));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn play_of_a_missing_flow_exits_2() {
    mvx()
        .args(["play", "flows/nope.yaml"])
        .assert()
        .code(2)
        .stderr(contains("cannot read flows/nope.yaml"));
}

const RECORDED: &str = r#"schema: mvx-session/1
session: s-1
flow: { id: shop, title: Shop, variant: null, path: flows/shop.yaml, sha256: abc }
participant: P07
researcher: null
started_at: "2026-11-26T14:02:11.123+01:00"
terminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }
mvx: "0.1.0"
events:
- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":900,"kind":"note","text":"secret"}
- {"at_ms":950,"kind":"cho"#;

#[test]
fn export_writes_both_tables_and_names_files_it_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(sessions.join("day-1")).expect("folders");
    std::fs::write(sessions.join("day-1/a.yaml"), RECORDED).expect("a cut session");
    std::fs::write(sessions.join("b.yaml"), "not a session").expect("a broken file");
    let out = dir.path().join("out");
    mvx()
        .arg("export")
        .arg(&sessions)
        .args(["--format", "jsonl", "--redact-text", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(contains("exported 1 session to"))
        .stderr(contains("b.yaml"));
    let events = std::fs::read_to_string(out.join("events.jsonl")).expect("events written");
    assert_eq!(
        events.lines().count(),
        3,
        "the cut last line is dropped, the rest kept"
    );
    assert!(events.contains("[redacted]") && !events.contains("secret"));
    let sessions = std::fs::read_to_string(out.join("sessions.jsonl")).expect("sessions written");
    assert!(sessions.contains(r#""outcome":"cut off""#), "{sessions}");
}

#[test]
fn report_prints_markdown_or_json_and_names_skipped_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), RECORDED).expect("a cut session");
    std::fs::write(dir.path().join("b.yaml"), "not a session").expect("a broken file");
    mvx()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(contains("# Report: ").and(contains("**shop / (no variant)**")))
        .stderr(contains("skipped").and(contains("b.yaml")));
    let output = mvx()
        .arg("report")
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let version = &report["flows"][0]["versions"][0];
    assert_eq!(version["sessions"]["cut_off"], 1);
    assert_eq!(version["tasks"][0]["outcomes"]["cut off"], 1);
    assert_eq!(version["tasks"][0]["successes"], 0);
}

#[test]
fn play_without_a_terminal_says_so_and_leaves_no_session_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    mvx()
        .args(["play", "flows/espresso-one-menu.yaml", "--sessions"])
        .arg(&sessions)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(contains("cannot open the terminal"));
    assert!(!sessions.exists());
}

#[test]
fn replay_says_when_the_flow_file_is_gone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = dir.path().join("s.yaml");
    std::fs::write(
        &session,
        RECORDED.replace("flows/shop.yaml", "flows/gone.yaml"),
    )
    .expect("written");
    mvx()
        .arg("replay")
        .arg(&session)
        .assert()
        .code(2)
        .stderr(contains(
            "cannot replay: cannot read flows/gone.yaml: no such file; run from the folder",
        ));
}

#[test]
fn new_writes_starters_that_check_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    for template in ["basic", "tasks", "variants"] {
        let name = format!("starter-{template}");
        mvx()
            .args(["new", &name, "--template", template, "--dir"])
            .arg(dir.path())
            .assert()
            .code(0)
            .stdout(contains(format!("{name}.yaml")));
        mvx()
            .args(["check", "--strict"])
            .arg(dir.path().join(format!("{name}.yaml")))
            .assert()
            .code(0)
            .stdout(contains("no errors, no warnings"));
    }
    let before = std::fs::read_to_string(dir.path().join("starter-basic.yaml")).expect("written");
    mvx()
        .args(["new", "starter-basic", "--template", "tasks", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("never overwrites"));
    let after =
        std::fs::read_to_string(dir.path().join("starter-basic.yaml")).expect("still there");
    assert_eq!(before, after);
    mvx().args(["new", "Bad Name"]).assert().code(2);
}

#[test]
fn completions_and_the_manual_come_from_the_command_definitions() {
    for (shell, marker) in [
        ("bash", "_mvx()"),
        ("zsh", "#compdef mvx"),
        ("fish", "complete -c mvx"),
    ] {
        mvx()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(contains(marker).and(contains("observe")));
    }
    mvx()
        .arg("man")
        .assert()
        .code(0)
        .stdout(contains(".TH mvx 1").and(contains("replay")));
}

#[test]
fn schema_prints_the_committed_schema() {
    let committed = std::fs::read_to_string("schema/flow.schema.json").expect("committed");
    mvx().arg("schema").assert().code(0).stdout(committed);
}

#[test]
fn every_example_flow_points_editors_at_the_schema() {
    for entry in std::fs::read_dir("flows").expect("flows/") {
        let path = entry.expect("entry").path();
        let first = std::fs::read_to_string(&path)
            .expect("readable")
            .lines()
            .next()
            .map(str::to_owned);
        // The codebook beside the flows points at its own format's schema.
        let format = match path.file_name().is_some_and(|n| n == "codebook.yaml") {
            true => "codebook",
            false => "flow",
        };
        assert_eq!(
            first,
            Some(format!(
                "# yaml-language-server: $schema=../schema/{format}.schema.json"
            )),
            "{}",
            path.display()
        );
    }
}

#[test]
fn import_names_what_it_leaves_out_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    let story = dir.path().join("story.twee");
    std::fs::write(
        &story,
        ":: Start\nHello <<audio \"bell\" play>>\n[[Go->End]]\n\n:: End\nBye.\n",
    )
    .expect("written");
    let out = dir.path().join("story.yaml");
    mvx()
        .args(["import", "twine"])
        .arg(&story)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0)
        .stderr(contains(
            "story.twee:2: not carried over: a macro: <<audio \"bell\" play>>",
        ));
    mvx().arg("check").arg(&out).assert().code(0);
    mvx()
        .args(["import", "twine"])
        .arg(&story)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("never overwrites"));
}

#[test]
fn a_bad_event_line_is_named_and_the_session_still_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = "schema: mvx-session/1\nsession: s-1\nflow:\n  id: shop\n  title: Shop\n  variant: null\n  path: flows/shop.yaml\n  sha256: abc\nparticipant: P07\nresearcher: null\nstarted_at: \"2026-11-26T14:02:11.123+01:00\"\nterminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }\nmvx: \"0.1.0\"\nevents:\n- {\"at_ms\":5,\"kind\":\"task_start\",\"task\":\"shop\"}\n- {\"at_ms\":-1,\"kind\":\"show\",\"step\":\"home\"}\n- {\"at_ms\":900,\"kind\":\"task_end\",\"task\":\"shop\",\"outcome\":\"success\",\"duration_ms\":895}\n- {\"at_ms\":901,\"kind\":\"session_end\",\"outcome\":\"complete\"}\n";
    std::fs::write(dir.path().join("s.yaml"), session).expect("written");
    let future = session.replace("mvx-session/1", "mvx-session/99");
    std::fs::write(dir.path().join("future.yaml"), future).expect("written");
    let output = mvx()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("## Data problems"))
        .stdout(predicates::str::contains("1 event line was left out"))
        .stdout(predicates::str::contains("s.yaml:16: not a valid event"))
        .stdout(predicates::str::contains("session format `mvx-session/99`"))
        .stderr(predicates::str::contains("s.yaml:16: left out"));
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(
        stdout.contains("## shop"),
        "the session is reported: {stdout}"
    );
}

#[test]
fn json_into_a_pipe_closed_early_is_success() {
    use std::io::Read;
    use std::process::Stdio;
    // Enough output to outgrow the pipe's buffer, so the write meets the closed end.
    let files = vec!["flows/shop-order-status.yaml"; 800];
    let mut child = common::spawn::mvx()
        .args(["check", "--format", "json"])
        .args(&files)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mvx starts");
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("piped stdout");
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let output = child.wait_with_output().expect("mvx ends");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A test that starts `mvx` without a pseudo-terminal of its own starts it through
/// `common::spawn`, in a session of its own: otherwise a `cargo test` run from a real
/// terminal hands that terminal to the child, which puts it in raw mode and waits on it.
#[test]
fn every_spawned_mvx_has_no_terminal() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = vec![root.clone()];
    let mut offenders = Vec::new();
    // Put together here so that this file does not match itself.
    let spawning = [
        ["cargo_bin", "("].concat(),
        ["Command::new(env!(\"CARGO_BIN_EXE_", "mvx\")"].concat(),
        ["Command::new(", "MVX)"].concat(),
    ];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("tests folder readable");
            files.extend(entries.map(|e| e.expect("entry").path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("common/spawn.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("test file readable");
        for (n, line) in (1..).zip(text.lines()) {
            if spawning.iter().any(|s| line.contains(s.as_str())) {
                offenders.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "start mvx with common::spawn::mvx() or a pseudo-terminal:\n{}",
        offenders.join("\n")
    );
}

/// asciinema's own reader, if this machine has it (`pip install asciinema`); under CI it
/// must (`.ci/run` installs it).
fn asciinema() -> Option<std::process::Command> {
    let found = std::process::Command::new("python3")
        .args(["-m", "asciinema", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs this test with asciinema's reader: pip install asciinema"
        );
        eprintln!("skipped: asciinema is not installed (pip install asciinema)");
        return None;
    }
    let mut command = std::process::Command::new("python3");
    command.args(["-m", "asciinema", "cat"]);
    Some(command)
}

/// `participants` simulated participants of `played` (a flow or a study), their sessions
/// exported as casts: the folder they are in, the sessions' folder and the casts'.
fn simulated_casts(
    played: &str,
    participants: &str,
) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sessions, out) = (dir.path().join("sim"), dir.path().join("casts"));
    mvx()
        .args([
            "simulate",
            played,
            "--participants",
            participants,
            "--sessions",
        ])
        .arg(&sessions)
        .assert()
        .success();
    mvx()
        .arg("export")
        .arg(&sessions)
        .args(["--format", "cast", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains(format!(
            "wrote {participants} replays (asciicast v2)"
        )));
    (dir, sessions, out)
}

/// Sessions exported as casts are read by asciinema itself: it reads every line and puts
/// out exactly the frames the cast holds, which draw the participant's last screen.
#[test]
fn sessions_exported_as_casts_play_in_asciinema() {
    let (_dir, sessions, out) = simulated_casts("flows/espresso-three-menus.yaml", "2");
    let mut casts: Vec<_> = std::fs::read_dir(&out)
        .expect("the casts")
        .map(|e| e.expect("an entry").path())
        .collect();
    casts.sort();
    assert_eq!(casts.len(), 2, "{casts:?}");
    let Some(mut cat) = asciinema() else {
        return;
    };
    for cast in &casts {
        let text = std::fs::read_to_string(cast).expect("a cast");
        let header: serde_json::Value =
            serde_json::from_str(text.lines().next().expect("a header")).expect("JSON");
        assert_eq!(header["version"], 2);
        let ours: String = text
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("an event"))
            .filter(|e| e[1] == "o")
            .map(|e| e[2].as_str().expect("output").to_owned())
            .collect();
        let played = cat.arg(cast).output().expect("asciinema runs");
        assert!(
            played.status.success(),
            "{}",
            String::from_utf8_lossy(&played.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&played.stdout),
            ours,
            "{}",
            cast.display()
        );
        let size = |key: &str| {
            let n = header[key].as_u64().and_then(|n| u16::try_from(n).ok());
            std::num::NonZeroU16::new(n.unwrap_or(0)).expect("a size")
        };
        let mut screen = vt100::Parser::new(size("height"), size("width"), 0);
        screen.process(&played.stdout);
        let shown = screen.screen().contents();
        assert!(shown.contains("espresso"), "{}:\n{shown}", cast.display());
        cat = asciinema().expect("still there");
    }
    // Version 3 on request: intervals, and the terminal in `term`.
    mvx()
        .arg("export")
        .arg(&sessions)
        .args(["--format", "cast", "--cast-version", "3", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&casts[0]).expect("a cast");
    let header: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a header")).expect("JSON");
    assert_eq!(
        (header["version"].as_u64(), header["term"]["cols"].as_u64()),
        (Some(3), Some(80))
    );
}

/// A study's session replays as it was played: its consent screen first, until it was
/// answered, and the study's own questions after the flow's, counted as the participant
/// saw them counted ("Question 4 of 4", not "of 3").
#[test]
fn a_studys_cast_opens_with_its_consent_and_counts_the_studys_questions() {
    let (_dir, sessions, out) = simulated_casts("studies/espresso.yaml", "4");
    let (files, _) = mvx::session::discover(&[sessions]);
    let mut complete = 0;
    for file in &files {
        let recorded = mvx::session::read(file).expect("a session");
        let stem = file.file_stem().expect("a name").to_string_lossy();
        let cast = std::fs::read_to_string(out.join(format!("{stem}.cast"))).expect("its cast");
        let events: Vec<serde_json::Value> = cast
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str(l).expect("an event"))
            .collect();
        let first = &events[0];
        assert_eq!(
            (first[0].as_f64(), first[1].as_str()),
            (Some(0.0), Some("o"))
        );
        let consent = first[2].as_str().expect("a frame");
        assert!(
            consent.contains("Making an espresso"),
            "the consent screen first: {consent:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| e[1] == "m" && e[2] == "consent: given")
        );
        let asks: Vec<u64> = (recorded.events.iter())
            .filter(|e| matches!(e.kind, mvx::session::EventKind::Ask { .. }))
            .map(|e| e.at_ms)
            .collect();
        if recorded.outcome() == Some(mvx::session::SessionOutcome::Complete) {
            complete += 1;
            // The screen as the cast draws it when the last question was shown.
            let last_ms = *asks.last().expect("questions asked");
            let mut screen = vt100::Parser::new(nonzero(24), nonzero(80), 0);
            for event in &events {
                let at_ms = (event[0].as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
                if event[1] == "o" && at_ms <= last_ms {
                    screen.process(event[2].as_str().unwrap_or("").as_bytes());
                }
            }
            let last = format!("Question {n} of {n}", n = asks.len());
            let shown = screen.screen().contents();
            assert!(shown.contains(&last), "{last} in {stem}:\n{shown}");
        }
    }
    assert!(complete > 0, "some simulated participants complete");
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("not zero")
}

/// The text of an HTML fragment: tags dropped, the five entities the report writes read
/// back.
fn html_text(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// An HTML report shows each step's screen in the step's row, as a participant saw it
/// (the step's own words from the flow file in it, at the recorded 80 columns), and links
/// the row to the moment each replay on the page first shows that step: the replay's own
/// marker for the step is at that time.
#[test]
fn each_step_row_shows_its_screen_and_links_to_its_moments_in_the_replays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sessions, page) = (dir.path().join("sim"), dir.path().join("report.html"));
    let flow_file = "flows/espresso-three-menus.yaml";
    mvx()
        .args(["simulate", flow_file, "--participants", "6", "--sessions"])
        .arg(&sessions)
        .assert()
        .success();
    mvx()
        .arg("report")
        .arg(&sessions)
        .args(["--include-simulated", "--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success();
    let page = std::fs::read_to_string(&page).expect("the page");
    let source = std::fs::read_to_string(flow_file).expect("the flow");
    let flow = mvx::flow::load(&source).expect("it loads");
    let casts = page
        .split("id=\"mvx-casts\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the casts in the page");
    let casts: Vec<String> = serde_json::from_str(casts).expect("JSON");
    assert_eq!(casts.len(), 2, "the fastest and the slowest session");
    // Each replay's markers: (label, seconds).
    let markers: Vec<Vec<(String, f64)>> = (casts.iter())
        .map(|cast| {
            (cast.lines().skip(1))
                .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("an event"))
                .filter(|e| e[1] == "m")
                .map(|e| {
                    (
                        e[2].as_str().unwrap_or("").to_owned(),
                        e[0].as_f64().unwrap_or(-1.0),
                    )
                })
                .collect()
        })
        .collect();
    let table = page
        .split("<th>step</th>")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("a Steps table");
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    assert!(rows.len() >= 5, "{rows:?}");
    let mut linked = 0;
    for row in rows {
        let step = row
            .split("<code>")
            .nth(1)
            .and_then(|r| r.split("</code>").next())
            .expect("the step's id");
        let screen = row
            .split("<pre style=\"--cols:80\">")
            .nth(1)
            .and_then(|r| r.split("</pre>").next())
            .unwrap_or_else(|| panic!("{step}'s row shows its screen at 80 columns: {row}"));
        let screen = html_text(screen);
        // The step's first words: its text's, or its mockup's.
        let shown = flow.step(step).expect("a step of the flow");
        let words = (shown.text.as_deref())
            .or(shown.screen.as_ref().map(|s| s.text.as_str()))
            .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
            .expect("the step's words");
        // Up to a value the flow fills in from memory (`{size}`).
        let start: String = words
            .split('{')
            .next()
            .unwrap_or("")
            .chars()
            .take(30)
            .collect();
        assert!(
            screen.contains(&start),
            "{step}: {start:?} on its screen:\n{screen}"
        );
        assert!(screen.lines().count() <= 24, "{screen}");
        // Every replay that shows the step is linked at the time its marker says.
        for (i, replay) in markers.iter().enumerate() {
            let marker = (replay.iter())
                .find(|(label, _)| label == step || label.starts_with(&format!("{step}: ")));
            let link = format!("data-replay=\"{i}\" data-at=\"");
            let at = row
                .split(&link)
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(|t| t.parse::<f64>().expect("seconds"));
            match marker {
                Some((_, seconds)) => {
                    let at = at.unwrap_or_else(|| panic!("{step} links replay {i}: {row}"));
                    assert!(
                        (at - seconds).abs() < 0.0005,
                        "{step}: {at} against {seconds}"
                    );
                    linked += 1;
                }
                None => assert_eq!(at, None, "{step} is not in replay {i}"),
            }
        }
    }
    assert!(linked >= 4, "{linked} links");
}

#[test]
fn check_passes_the_example_codebook_and_the_flow_addressing_it() {
    mvx()
        .args([
            "check",
            "flows/codebook.yaml",
            "flows/shop-order-status.yaml",
        ])
        .assert()
        .code(0)
        .stdout(contains(
            "checked 1 flow and 1 codebook: no errors, no warnings\n  ok  flows/codebook.yaml\n",
        ))
        .stderr("");
    let committed = std::fs::read_to_string("schema/codebook.schema.json").expect("committed");
    mvx()
        .args(["schema", "codebook"])
        .assert()
        .code(0)
        .stdout(committed);
}

#[test]
fn check_reports_every_mistake_in_a_codebook_with_line_and_caret() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("codebook.yaml");
    let source = "codebook: shop\ntitle: Shop\ntags:\n  - name: slow\n    description: Waits\n    \
                  color: \"#d9534f\"\n  - name: slow\n    description: Rereads\n";
    std::fs::write(&path, source).expect("written");
    let shown = path.display().to_string();
    mvx()
        .args(["check", &shown])
        .assert()
        .code(1)
        .stdout(contains(format!(
            "{shown}:6:5: error: unknown key `color` in a tag\n  |\n6 |     color: \"#d9534f\"\n  \
             |     ^^^^^\n  = help: did you mean `colour`?\n"
        )))
        .stdout(contains(format!(
            "{shown}:7:11: error: the tag `slow` is named twice; the first is at line 4\n  \
             |\n7 |   - name: slow\n  |           ^^^^\n"
        )))
        .stdout(contains("checked 1 codebook: 2 errors, no warnings"));
    let output = mvx()
        .args(["check", "--format", "json", &shown])
        .output()
        .expect("mvx runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let file = &json["files"][0];
    assert_eq!(file["codebook"], true);
    assert_eq!(file["errors"], 2);
    let codes: Vec<_> = (file["findings"].as_array().expect("findings").iter())
        .map(|f| (f["code"].clone(), f["line"].clone(), f["column"].clone()))
        .collect();
    assert_eq!(
        codes,
        [
            ("unknown-key".into(), 6.into(), 5.into()),
            ("duplicate-tag".into(), 7.into(), 11.into())
        ]
    );
}

#[test]
fn check_warns_when_a_flow_addresses_a_tag_its_codebook_lacks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flow = "flow: f\ntitle: F\naddresses: [slow, cant-find-order-staus]\nsteps:\n  a:\n    \
                text: Hi\n    end: success\n";
    std::fs::write(dir.path().join("f.yaml"), flow).expect("the flow");
    mvx()
        .args(["check", "f.yaml"])
        .current_dir(dir.path())
        .assert()
        .code(0)
        .stdout(contains(
            "f.yaml:3:13: warning: `addresses:` names tags, but no codebook.yaml was found",
        ))
        .stdout(contains("checked 1 flow: no errors, 1 warning"));
    std::fs::copy("flows/codebook.yaml", dir.path().join("codebook.yaml")).expect("copied");
    mvx()
        .args(["check", "f.yaml"])
        .current_dir(dir.path())
        .assert()
        .code(0)
        .stdout(contains(
            "f.yaml:3:19: warning: `addresses:` names `cant-find-order-staus`, which is not a \
             tag of codebook.yaml\n  |\n3 | addresses: [slow, cant-find-order-staus]\n  \
             |                   ^^^^^^^^^^^^^^^^^^^^^\n  = help: did you mean \
             `cant-find-order-status`?\n",
        ))
        .stdout(contains("checked 1 flow: no errors, 1 warning"));
    mvx()
        .args(["check", "--strict", "f.yaml"])
        .current_dir(dir.path())
        .assert()
        .code(1);
}
