//! The fast paths for headers and event lines give what serde-saphyr and serde give, or step aside.

use std::path::Path;

use super::reader::slow_header;
use super::*;

/// Every session file under the repository's fixtures and sessions.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (files, _) = discover(&[
        root.join("tests"),
        root.join("sessions"),
        root.join("examples"),
    ]);
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    assert!(
        texts.len() >= 40,
        "only {} session files found",
        texts.len()
    );
    texts
}

fn split(text: &str) -> Option<(&str, &str)> {
    let at = text.find("\nevents:\n")? + 1;
    Some((&text[..at], &text[at + "events:\n".len()..]))
}

/// The fast path either steps aside or agrees; the slow path's answer, error included, stands.
fn same_header(yaml: &str) -> bool {
    let fast = super::fast_header::header(yaml);
    let slow = slow_header(yaml);
    match (&fast, &slow) {
        (None, _) => false,
        (Some(f), Ok(s)) => {
            assert_eq!(f, s, "{yaml}");
            true
        }
        (Some(f), Err(e)) => panic!("fast path read {f:?} where serde-saphyr says {e}:\n{yaml}"),
    }
}

fn same_event(json: &str) -> bool {
    let fast = super::fast_event::event(json);
    let slow = serde_json::from_str::<Event>(json);
    match (&fast, &slow) {
        (None, _) => false,
        (Some(f), Ok(s)) => {
            assert_eq!(f, s, "{json}");
            true
        }
        (Some(f), Err(e)) => panic!("fast path read {f:?} where serde says {e}: {json}"),
    }
}

#[test]
fn fixtures_read_the_same_by_either_path() {
    let (mut fast_headers, mut fast_events, mut events, mut scanned) = (0, 0, 0, 0);
    for text in corpus() {
        let Some((head, lines)) = split(&text) else {
            continue;
        };
        fast_headers += usize::from(same_header(head));
        for line in lines.lines().filter_map(|l| l.strip_prefix("- ")) {
            events += 1;
            fast_events += usize::from(same_event(line));
            scanned += usize::from(super::fast_scan::scan(line).is_some());
        }
    }
    // Most fixtures were written by hand (flow mappings for the terminal), so take the
    // general path; every event line mvx writes takes the fast one, and nearly every
    // one the hand scanner (the rest have escapes in their text).
    assert!(fast_events * 10 >= events * 9, "{fast_events} of {events}");
    assert!(scanned * 10 >= events * 8, "{scanned} of {events} scanned");
    let _ = fast_headers;
}

fn written(header: &Header) -> String {
    serde_saphyr::to_string(header).expect("header as YAML")
}

fn full_header() -> Header {
    let mut expected = std::collections::BTreeMap::new();
    expected.insert(
        "find".to_string(),
        vec![vec!["home".into(), "orders".into()], vec!["home".into()]],
    );
    expected.insert("étape".to_string(), vec![]);
    let mut scales = std::collections::BTreeMap::new();
    scales.insert("seq".to_string(), [1, 7]);
    scales.insert("temp".to_string(), [-10, 40]);
    Header {
        schema: SCHEMA.into(),
        session: "20261126-140211-P01".into(),
        flow: FlowRef {
            id: "espresso".into(),
            title: "Make a single espresso".into(),
            variant: Some("one-menu".into()),
            path: "flows/espresso one.yaml".into(),
            sha256: "3fa2".repeat(16),
            expected,
            scales,
        },
        participant: "P07".into(),
        researcher: Some("ana".into()),
        started_at: "2026-11-26T14:02:11.123+01:00".into(),
        terminal: TerminalInfo {
            cols: 120,
            rows: 40,
            term: Some("xterm-256color".into()),
            program: Some("WezTerm".into()),
            tmux: true,
            ssh: false,
        },
        transport: Some(TransportInfo {
            kind: "web".into(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
                .into(),
            rtt_ms: RoundTrips {
                median: 12.0,
                p90: 20.5,
            },
            clock_offset_ms: -3.25,
        }),
        mvx: "0.1.0".into(),
        simulated: true,
        study: Some(StudyRef {
            id: "cafe".into(),
            path: "studies/cafe.yaml".into(),
            sha256: "0123".into(),
            design: crate::flow::study::Design::Within,
            variant: "a".into(),
            order: vec!["a".into(), "b".into()],
            slot: 3,
            seed: 18_446_744_073_709_551_615,
        }),
    }
}

#[test]
fn headers_mvx_writes_take_the_fast_path_and_read_the_same() {
    assert!(same_header(&written(&full_header())));
    let mut plain = full_header();
    plain.transport = None;
    plain.study = None;
    plain.researcher = None;
    plain.flow.expected.clear();
    plain.flow.scales.clear();
    plain.simulated = false;
    assert!(same_header(&written(&plain)));
}

#[test]
fn awkward_texts_read_the_same_whichever_path_takes_them() {
    let texts = [
        "null",
        "~",
        "true",
        "False",
        "yes",
        "0123",
        "12",
        "-5",
        "1.5",
        "1e5",
        "0x1F",
        ".inf",
        "a: b",
        "a #b",
        "a#b",
        "'quoted'",
        "\"double\"",
        "it's",
        "say \"hi\"",
        "back\\slash",
        "- dash",
        "[x]",
        "{x}",
        "x, y",
        "tab\there",
        "line\nbreak",
        " lead",
        "trail ",
        "é café",
        "&anchor",
        "*alias",
        "!tag",
        "%",
        "@at",
        "`tick`",
        "?",
        ":",
        "a:",
        "",
        "#",
        "2026-11-26",
        "1:20",
        "+5",
        "-0",
        "-",
        "--",
        "---",
        "...",
        "|",
        ">",
        "\u{7f}",
        "\u{feff}bom",
        "a\u{85}b",
    ];
    for text in texts {
        let mut header = full_header();
        header.flow.title = text.into();
        header.participant = text.into();
        header
            .flow
            .expected
            .insert(text.into(), vec![vec![text.into()]]);
        header.study.as_mut().expect("study").order = vec![text.into(), "b".into()];
        same_header(&written(&header));
        let mut header = full_header();
        header.researcher = Some(text.into());
        header.terminal.term = Some(text.into());
        same_header(&written(&header));
    }
}

#[test]
fn hand_edited_headers_read_the_same_whichever_path_takes_them() {
    let base = written(&full_header());
    let edits: Vec<String> = vec![
        base.replace("cols: 120", "cols: 0x78"),
        base.replace("cols: 120", "cols: +120"),
        base.replace("cols: 120", "cols: 120 # wide"),
        base.replace("cols: 120", "cols: \"120\""),
        base.replace("tmux: true", "tmux: yes"),
        base.replace("median: 12.0", "median: 12"),
        base.replace("median: 12.0", "median: .5"),
        base.replace("participant: P07", "participant: 'P07'"),
        base.replace("participant: P07", "participant: P07\nparticipant: P08"),
        base.replace("participant: P07", "participant:\n  P07"),
        base.replace("participant: P07\n", ""),
        base.replace("researcher: ana", "researcher: null"),
        base.replace("researcher: ana", "researcher:"),
        base.replace("researcher: ana\n", ""),
        base.replace("simulated: true\n", ""),
        base.replace("simulated: true", "extra: 1"),
        base.replace("slot: 3", "slot: -3"),
        base.replace("slot: 3", "slot: 03"),
        base.replace("design: within", "design: sideways"),
        base.replace("  id: espresso", "    id: espresso"),
        base.replace("  - b", "  - b\n  - c"),
        base.replace("- seq", "- [seq]"),
        base.replace("mvx: ", "mvx:  "),
        format!("# comment\n{base}"),
        format!("---\n{base}"),
        base.replace('\n', "\r\n"),
    ];
    for edit in edits {
        same_header(&edit);
    }
}

#[test]
fn awkward_event_lines_read_the_same_whichever_path_takes_them() {
    let lines = [
        r#"{"at_ms":0,"kind":"show","step":"home"}"#,
        r#"{"kind":"show","at_ms":0,"step":"h\u00e9\"o"}"#,
        r#"{"at_ms":0,"kind":"show","step":null}"#,
        r#"{"at_ms":0,"kind":"show","step":"a","step":"b"}"#,
        r#"{"at_ms":0,"kind":"show","step":"a","choice":5}"#,
        r#"{"at_ms":0,"kind":"show","step":"a","extra":[1,{"x":2}]}"#,
        r#"{"at_ms":1.0,"kind":"show","step":"a"}"#,
        r#"{"at_ms":-1,"kind":"show","step":"a"}"#,
        r#"{"at_ms":0,"kind":"sh\u006fw","step":"a"}"#,
        r#"{"at_ms":0,"kind":"input","step":"a","name":"n","text":"t","hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"input","step":"a","name":"n","text":"t","to":null,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"pause","reason":null}"#,
        r#"{"at_ms":0,"kind":"pause"}"#,
        r#"{"at_ms":0,"kind":"disconnect"}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":5,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":"Yes","free_text":true,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":5,"free_text":null,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":9223372036854775808,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":-3,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":1.5,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":null,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"answer","question":"q","value":true,"hesitation_ms":1,"decision_ms":2}"#,
        r#"{"at_ms":0,"kind":"task_end","task":"t","outcome":"partial","duration_ms":3}"#,
        r#"{"at_ms":0,"kind":"session_end","outcome":"aborted"}"#,
        r#"{"at_ms":0,"kind":"early_key","key":"Enter","early_ms":4,"screen":"closing"}"#,
        r#"{"at_ms":0,"kind":"resumed","gap_ms":5,"after":"cut off"}"#,
        r#"{"at_ms":0,"kind":"choose","step":"a","choice":"A","to":"b","hesitation_ms":1}"#,
        r#"{"at_ms":0,"kind":"nope"}"#,
        r#"{"at_ms":0,"kind":"show","step":"a"} trailing"#,
    ];
    for line in lines {
        same_event(line);
    }
}

/// Lines put together from pieces of lines mvx writes and pieces that are not quite
/// JSON, or not quite an event: whatever the hand scanner takes reads as serde reads it.
#[test]
fn scanned_lines_read_as_serde_reads_them() {
    use proptest::prelude::*;
    let keys = prop::sample::select(vec![
        "at_ms",
        "kind",
        "step",
        "choice",
        "to",
        "task",
        "outcome",
        "value",
        "free_text",
        "question",
        "hesitation_ms",
        "decision_ms",
        "duration_ms",
        "text",
        "name",
        "x",
    ]);
    let values = prop::sample::select(vec![
        "0",
        "12",
        "007",
        "-3",
        "1.5",
        "1e3",
        "18446744073709551616",
        "9223372036854775808",
        "-9223372036854775808",
        "null",
        "true",
        "false",
        "\"show\"",
        "\"choose\"",
        "\"answer\"",
        "\"task_end\"",
        "\"success\"",
        "\"a\\\"b\"",
        "\"caf\u{e9}\"",
        "\"\u{1}\"",
        "[1]",
        "{}",
        "\"\"",
        "\"Yes\"",
    ]);
    let field = (keys, values, prop::sample::select(vec!["", " ", "\t"]));
    let line = prop::collection::vec(field, 0..8);
    proptest!(ProptestConfig::with_cases(2000), |(fields in line, tail in prop::sample::select(vec!["", " ", "x", ","]))| {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}"))
            .collect();
        let json = format!("{{{}}}{tail}", body.join(","));
        same_event(&json);
    });
}

/// The reader's line splitter gives exactly what `str::lines` gives.
#[test]
fn lines_split_as_str_lines_does() {
    for text in [
        "",
        "a",
        "a\n",
        "a\r",
        "a\r\nb\r",
        "x\n\r\n",
        "\r\n",
        "\n\n",
        "a\nb",
        "é\r\nü\n\r",
    ] {
        let ours: Vec<&str> = super::lines::lines(text).collect();
        assert_eq!(ours, text.lines().collect::<Vec<_>>(), "{text:?}");
    }
}
