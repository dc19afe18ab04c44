//! `mvx export --format qdpx|qdc` on a designed set (three sessions; notes by three
//! authors, tagged, untagged, a span, a quote, one with control characters and `<&>`),
//! validated against the REFI-QDA schemas with Python's xmlschema
//! (tests/fixtures/refi-qda/check.py) and read back: every note a selection over its
//! lines, coded with its tags, by its author.

mod common;

use common::python;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mvx::session::{ObserverNote, append_note};
use serde_json::Value;

const CODEBOOK: &str = r##"codebook: shop-research
title: Shop order status
tags:
  - name: lost
    description: Looks for the order and does not find it
    group: navigation
    colour: "#d9534f"
  - name: slow
    description: Waits, rereads, or says it takes too long
    group: effort
  - name: stuck
    description: Stops and does not know what to do next
    group: navigation
  - name: pleased
    description: Says or shows that something went well
"##;

fn session(who: &str, researcher: &str, events: &str) -> String {
    format!(
        "schema: mvx-session/1\nsession: s-{who}\nflow: {{ id: shop, title: Shop, variant: new, path: flows/shop.yaml, sha256: abc }}\nparticipant: {who}\nresearcher: {researcher}\nstarted_at: \"2026-11-26T10:00:00.000+01:00\"\nterminal: {{ cols: 80, rows: 24, term: null, program: null, tmux: false, ssh: false }}\nmvx: test\nevents:\n{events}"
    )
}

const EVENTS: &str = r#"- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":4205,"kind":"choose","step":"home","choice":"Orders","to":"orders","hesitation_ms":3100,"decision_ms":4200}
- {"at_ms":4210,"kind":"show","step":"orders"}
- {"at_ms":7000,"kind":"input","step":"orders","name":"why","text":"it took ages & more","to":"done","hesitation_ms":500,"decision_ms":2700}
- {"at_ms":7005,"kind":"end","step":"done","outcome":"success"}
- {"at_ms":7005,"kind":"task_end","task":"shop","outcome":"success","duration_ms":7000}
- {"at_ms":7010,"kind":"session_end","outcome":"complete"}
"#;

const NOTED: &str = r#"- {"at_ms":900,"kind":"note","text":"squints at the menu #slow"}
"#;

/// The hostile note as typed: an escape sequence, a bell, a character XML cannot hold.
const HOSTILE: &str = "breaks <&> \u{1b}[2J\u{7} the bar \u{FFFF} #slow";

fn note(at_ms: u64, end_ms: Option<u64>, author: &str, text: &str) -> ObserverNote {
    ObserverNote {
        at_ms,
        end_ms,
        author: Some(author.into()),
        text: text.into(),
        ..ObserverNote::default()
    }
}

/// Three sessions and their notes under `sessions/`, the codebook beside them.
fn designed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("sessions folder");
    let mut first = EVENTS.to_owned();
    first.insert_str(first.find("- {\"at_ms\":4205").expect("a choice"), NOTED);
    let files = [
        ("a.yaml", session("P01", "Ann", &first)),
        ("b.yaml", session("P02", "null", EVENTS)),
        ("c.yaml", session("P03", "null", EVENTS)),
    ];
    for (name, text) in files {
        std::fs::write(sessions.join(name), text).expect("a session");
    }
    let b = sessions.join("b.yaml");
    append_note(
        &b,
        "s-P02",
        &note(1000, Some(4205), "Bo", "hunts for it #lost #not-listed"),
    )
    .expect("a span");
    append_note(&b, "s-P02", &note(4205, None, "Cy", HOSTILE)).expect("hostile");
    append_note(&b, "s-P02", &note(5000, None, "Bo", "just a remark")).expect("untagged");
    let quoted = ObserverNote {
        quote: Some("it took ages & more".into()),
        ..note(7000, None, "Cy", "#slow")
    };
    append_note(&sessions.join("c.yaml"), "s-P03", &quoted).expect("a quote");
    std::fs::write(dir.path().join("codebook.yaml"), CODEBOOK).expect("codebook");
    dir
}

fn export(dir: &Path, format: &str, output: &str) -> String {
    let done = common::spawn::assert_mvx()
        .current_dir(dir)
        .args(["export", "sessions", "--format", format, "-o", output])
        .assert()
        .code(0);
    String::from_utf8_lossy(&done.get_output().stdout).into_owned()
}

fn checker() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refi-qda/check.py")
}

/// check.py's run on a project and a codebook (the trial saw xmlschema is there).
fn check(qdpx: &Path, qdc: &Path) -> std::process::Output {
    Command::new("python3")
        .arg(checker())
        .args([qdpx, qdc])
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs")
}

fn checked(dir: &Path) -> Value {
    let out = check(&dir.join("out/project.qdpx"), &dir.join("out/codebook.qdc"));
    assert!(
        out.status.success(),
        "check.py refused the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("check.py prints JSON")
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The one selection of `participant`'s source whose memo is `memo`.
fn selection<'v>(project: &'v Value, participant: &str, memo: &str) -> &'v Value {
    let source = project["sources"]
        .as_array()
        .and_then(|s| {
            s.iter().find(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(participant))
            })
        })
        .unwrap_or_else(|| panic!("no source of {participant}: {project}"));
    let found: Vec<&Value> = source["selections"]
        .as_array()
        .map(|s| s.iter().filter(|s| s["memo"] == memo).collect())
        .unwrap_or_default();
    assert_eq!(
        found.len(),
        1,
        "one selection with the memo {memo:?}: {source}"
    );
    found[0]
}

fn a_project_and_its_codebook_are_valid_refi_qda_and_every_note_selects_its_lines() {
    let dir = designed();
    let said = export(dir.path(), "qdpx", "out");
    assert!(
        said.contains("wrote 3 sessions with 5 notes (4 coded), 3 coders and"),
        "{said}"
    );
    assert!(export(dir.path(), "qdc", "out").contains("wrote 4 tags in 2 groups"));
    let project = checked(dir.path());
    assert_eq!(strings(&project["users"]), ["Ann", "Bo", "Cy"]);
    let codes = strings(&project["codes"]);
    for code in [
        "lost",
        "slow",
        "stuck",
        "pleased",
        "navigation",
        "effort",
        "not-listed",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert_eq!(
        project["files"].as_array().map(Vec::len),
        Some(4),
        "project.qde and 3 texts"
    );

    let ann = selection(&project, "P01", "squints at the menu #slow");
    assert_eq!(
        (ann["user"].as_str(), strings(&ann["codes"])),
        (Some("Ann"), vec!["slow"])
    );
    assert!(
        ann["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("note by Ann: squints at the menu #slow"))
    );

    let span = selection(&project, "P02", "hunts for it #lost #not-listed");
    assert_eq!(strings(&span["codes"]), ["lost", "not-listed"]);
    let lines: Vec<&str> = span["text"].as_str().unwrap_or_default().lines().collect();
    assert_eq!(lines.len(), 3, "from 0:01 to the choice at 0:04: {lines:?}");
    assert!(lines[0].contains("note by Bo: hunts for it"), "{lines:?}");
    assert!(lines[1].contains("chose \"Orders\" → orders"), "{lines:?}");

    // Control characters shown as escapes, what XML cannot hold replaced, `<&>` kept.
    let cleaned = "breaks <&> \\u{1b}[2J\\u{7} the bar \u{FFFD} #slow";
    let hostile = selection(&project, "P02", cleaned);
    assert_eq!(
        (hostile["user"].as_str(), strings(&hostile["codes"])),
        (Some("Cy"), vec!["slow"])
    );
    assert_eq!(hostile["description"], cleaned);
    let hostile_text = hostile["text"].as_str().unwrap_or_default();
    assert!(hostile_text.contains(cleaned) && hostile_text.contains("chose \"Orders\""));

    let remark = selection(&project, "P02", "just a remark");
    assert_eq!(
        strings(&remark["codes"]),
        Vec::<&str>::new(),
        "an untagged note is a memo"
    );

    let quote = selection(
        &project,
        "P03",
        "#slow\n\nOn the words: \"it took ages & more\"",
    );
    let quoted = quote["text"].as_str().unwrap_or_default();
    assert!(quoted.contains("typed why: \"it took ages & more\"") && quoted.contains("note by Cy"));
}

fn the_same_sessions_export_to_the_same_bytes() {
    let dir = designed();
    export(dir.path(), "qdpx", "one");
    export(dir.path(), "qdpx", "two");
    let read =
        |name: &str| std::fs::read(dir.path().join(name).join("project.qdpx")).expect("written");
    assert_eq!(read("one"), read("two"));
}

/// The validation can fail: the export with one selection's required `startPosition`
/// renamed is refused by the project schema, and check.py says so.
fn a_project_the_schema_refuses_fails_the_check() {
    let dir = designed();
    export(dir.path(), "qdpx", "out");
    export(dir.path(), "qdc", "out");
    let good = std::fs::read(dir.path().join("out/project.qdpx")).expect("written");
    let mut archive = zip::ZipArchive::new(Cursor::new(good)).expect("a zip");
    let mut broken = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("an entry");
        let name = entry.name().expect("a name").into_owned();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8");
        if name == "project.qde" {
            text = text.replacen("startPosition=", "beginning=", 1);
        }
        broken
            .start_file(name, zip::write::SimpleFileOptions::default())
            .expect("an entry");
        broken.write_all(text.as_bytes()).expect("written");
    }
    let bytes = broken.finish().expect("a zip").into_inner();
    let path = dir.path().join("out/broken.qdpx");
    std::fs::write(&path, bytes).expect("written");
    let out = check(&path, &dir.path().join("out/codebook.qdc"));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken project passed");
    assert!(
        said.contains("startPosition") || said.contains("beginning"),
        "{said}"
    );
}

fn without_a_codebook_qdc_says_what_to_do_and_qdpx_codes_tags_as_typed_never_redacted() {
    let dir = designed();
    std::fs::remove_file(dir.path().join("codebook.yaml")).expect("removed");
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["export", "--format", "qdc", "-o", "out"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--codebook FILE"));
    let said = export(dir.path(), "qdpx", "out");
    assert!(said.contains("no codebook found: tags as typed"), "{said}");
    common::spawn::assert_mvx()
        .current_dir(dir.path())
        .args(["export", "--format", "qdpx", "--redact-text"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not apply to --format qdpx"));
}

fn main() -> std::process::ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    let missing = python::missing("import xmlschema", "pip install xmlschema");
    let trials = vec![
        python::needing(
            "a_project_and_its_codebook_are_valid_refi_qda_and_every_note_selects_its_lines",
            &missing,
            a_project_and_its_codebook_are_valid_refi_qda_and_every_note_selects_its_lines,
        ),
        python::plain(
            "the_same_sessions_export_to_the_same_bytes",
            the_same_sessions_export_to_the_same_bytes,
        ),
        python::needing(
            "a_project_the_schema_refuses_fails_the_check",
            &missing,
            a_project_the_schema_refuses_fails_the_check,
        ),
        python::plain(
            "without_a_codebook_qdc_says_what_to_do_and_qdpx_codes_tags_as_typed_never_redacted",
            without_a_codebook_qdc_says_what_to_do_and_qdpx_codes_tags_as_typed_never_redacted,
        ),
    ];
    libtest_mimic::run(&arguments, trials).exit_code()
}
