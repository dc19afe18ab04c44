//! The fast paths for headers and event lines give what serde-saphyr and serde give, or step aside.

use std::path::Path;

use super::reader::slow_header;
use super::*;

/// Every session file under the repository's fixtures and sessions.
/// The session files committed with the tests. Never `sessions/`: that is where the
/// researcher's own recordings go (the README plays an example into it before the tests
/// run), and a test must not depend on what was played there.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (files, _) = discover(&[root.join("tests")]);
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
    // Hardly any fixture header is one mvx wrote (they are written by hand, in flow
    // style); each, written the way mvx writes headers, is read by the fast path.
    assert_eq!(
        fast_headers, 0,
        "fixture headers now take the fast path: count them"
    );
    let (mut rewritten, mut read) = (0, 0);
    for text in corpus() {
        let Some(header) = split(&text).and_then(|(head, _)| slow_header(head).ok()) else {
            continue;
        };
        read += 1;
        rewritten += usize::from(same_header(&written(&header)));
    }
    assert!(read >= 40, "only {read} fixture headers read");
    assert_eq!(rewritten, read, "headers mvx writes take the fast path");
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
    let started = Started {
        session: "20261126-140211-P01".into(),
        at: "2026-11-26T14:02:11.123+01:00".into(),
    };
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Make a single espresso".into(),
        variant: Some("one-menu".into()),
        path: "flows/espresso one.yaml".into(),
        sha256: "3fa2".repeat(16),
        expected,
        scales,
    };
    let terminal = TerminalInfo {
        cols: 120,
        rows: 40,
        term: Some("xterm-256color".into()),
        program: Some("WezTerm".into()),
        tmux: true,
        ssh: false,
    };
    let mut header = Header::new(started, flow, "P07".into(), terminal);
    header.researcher = Some("ana".into());
    header.transport = Some(TransportInfo {
        kind: "web".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0".into(),
        client: None,
        rtt_ms: RoundTrips {
            median: 12.0,
            p90: 20.5,
        },
        clock_offset_ms: -3.25,
    });
    header.simulated = true;
    header.study = Some(StudyRef {
        id: "cafe".into(),
        path: "studies/cafe.yaml".into(),
        sha256: "0123".into(),
        design: crate::flow::study::Design::Within,
        variant: "a".into(),
        order: vec!["a".into(), "b".into()],
        slot: 3,
        seed: 18_446_744_073_709_551_615,
        anticipation_ms: Some(150),
        visit: Some(crate::session::Visit {
            trial: 3,
            trials: 4,
            retention: false,
            since_first_ms: Some(604_800_000),
            since_previous_ms: Some(518_400_123),
            early: true,
            next_from: Some("2026-12-21T09:30:00.000+01:00".into()),
            next_after_start_ms: None,
        }),
    });
    header
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
    // Each text in each field mvx writes it to, one field at a time.
    type SetField = fn(&mut Header, &str);
    let fields: [(&str, SetField); 6] = [
        ("title", |h, t| h.flow.title = t.into()),
        ("participant", |h, t| h.participant = t.into()),
        ("expected", |h, t| {
            h.flow.expected.insert(t.into(), vec![vec![t.into()]]);
        }),
        ("order", |h, t| {
            h.study.as_mut().expect("study").order = vec![t.into(), "b".into()];
        }),
        ("researcher", |h, t| h.researcher = Some(t.into())),
        ("term", |h, t| h.terminal.term = Some(t.into())),
    ];
    let mut declined = Vec::new();
    for text in texts {
        for (field, set) in &fields {
            let mut header = full_header();
            set(&mut header, text);
            if !same_header(&written(&header)) {
                declined.push(format!("{field}: {text:?}"));
            }
        }
    }
    // Where the fast path steps aside today (the general path reads these); every other
    // case above was read by the fast path and agreed with serde-saphyr.
    let steps_aside = [
        "\"\\\"double\\\"\"",
        "\"tab\\there\"",
        "\"line\\nbreak\"",
        "\"--\"",
        "\"\\u{7f}\"",
        "\"\\u{feff}bom\"",
        "\"a\\u{85}b\"",
    ];
    let expected: Vec<String> = texts
        .iter()
        .flat_map(|text| {
            let shown = format!("{text:?}");
            let everywhere = steps_aside.contains(&shown.as_str());
            fields.iter().filter_map(move |(field, _)| {
                // Any of these as a key of the expected paths: the key is a step id,
                // which a flow keeps to plain words.
                let aside = everywhere || *field == "expected";
                aside.then(|| format!("{field}: {text:?}"))
            })
        })
        .collect();
    assert_eq!(declined, expected);
}

#[test]
fn hand_edited_headers_read_the_same_whichever_path_takes_them() {
    let base = written(&full_header());
    // Each hand edit, and whether the fast path reads it (else it steps aside for the
    // general path); either way the two agree.
    let edits: Vec<(String, bool)> = vec![
        (base.replace("cols: 120", "cols: 0x78"), false),
        (base.replace("cols: 120", "cols: +120"), false),
        (base.replace("cols: 120", "cols: 120 # wide"), false),
        (base.replace("cols: 120", "cols: \"120\""), false),
        (base.replace("tmux: true", "tmux: yes"), false),
        (base.replace("median: 12.0", "median: 12"), true),
        (base.replace("median: 12.0", "median: .5"), false),
        (base.replace("participant: P07", "participant: 'P07'"), true),
        (
            base.replace("participant: P07", "participant: P07\nparticipant: P08"),
            false,
        ),
        (
            base.replace("participant: P07", "participant:\n  P07"),
            true,
        ),
        (base.replace("participant: P07\n", ""), false),
        (base.replace("researcher: ana", "researcher: null"), true),
        (
            base.replace("researcher: ana", "researcher: >-\n  null"),
            true,
        ),
        (
            base.replace("participant: P07", "participant: >-\n  true"),
            true,
        ),
        (
            base.replace("participant: P07", "participant: >-\n  P07\n  and more"),
            true,
        ),
        (
            base.replace("participant: P07", "participant: >-\n  P07\n   more"),
            false,
        ),
        (
            base.replace("participant: P07", "participant: >-\n  P07\n mvx: x"),
            false,
        ),
        (
            base.replace("participant: P07", "participant: >-\n  P07 # not a comment"),
            true,
        ),
        (
            base.replace("participant: P07", "participant: >\n  P07"),
            false,
        ),
        (
            base.replace("participant: P07", "participant: >-\nmvx: x"),
            false,
        ),
        (base.replace("cols: 120", "cols: >-\n    120"), false),
        (base.replace("researcher: ana", "researcher:"), false),
        (base.replace("researcher: ana\n", ""), false),
        (base.replace("simulated: true\n", ""), true),
        (base.replace("simulated: true", "extra: 1"), false),
        (base.replace("slot: 3", "slot: -3"), false),
        (base.replace("slot: 3", "slot: 03"), false),
        (base.replace("design: within", "design: sideways"), false),
        (base.replace("  id: espresso", "    id: espresso"), false),
        (base.replace("  - b", "  - b\n  - c"), true),
        (base.replace("- seq", "- [seq]"), true),
        (base.replace("mvx: ", "mvx:  "), false),
        (format!("# comment\n{base}"), false),
        (format!("---\n{base}"), false),
        (base.replace('\n', "\r\n"), true),
    ];
    for (edit, fast) in edits {
        assert_eq!(same_header(&edit), fast, "{edit}");
    }
}

#[test]
fn awkward_event_lines_read_the_same_whichever_path_takes_them() {
    // Each line, and whether the fast path reads it (else it steps aside for serde);
    // either way the two agree.
    let lines = [
        (r#"{"at_ms":0,"kind":"show","step":"home"}"#, true),
        (r#"{"kind":"show","at_ms":0,"step":"h\u00e9\"o"}"#, true),
        (r#"{"at_ms":0,"kind":"show","step":null}"#, false),
        (r#"{"at_ms":0,"kind":"show","step":"a","step":"b"}"#, false),
        (r#"{"at_ms":0,"kind":"show","step":"a","choice":5}"#, false),
        (
            r#"{"at_ms":0,"kind":"show","step":"a","extra":[1,{"x":2}]}"#,
            true,
        ),
        (r#"{"at_ms":1.0,"kind":"show","step":"a"}"#, false),
        (r#"{"at_ms":-1,"kind":"show","step":"a"}"#, false),
        (r#"{"at_ms":0,"kind":"sh\u006fw","step":"a"}"#, true),
        (
            r#"{"at_ms":0,"kind":"input","step":"a","name":"n","text":"t","hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"input","step":"a","name":"n","text":"t","to":null,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (r#"{"at_ms":0,"kind":"pause","reason":null}"#, true),
        (r#"{"at_ms":0,"kind":"pause"}"#, true),
        (r#"{"at_ms":0,"kind":"disconnect"}"#, true),
        (r#"{"at_ms":0,"kind":"disconnect","step":"a"}"#, true),
        (
            r#"{"at_ms":0,"kind":"show","step":"a","restamped":true}"#,
            true,
        ),
        (
            r#"{"restamped":false,"at_ms":0,"kind":"show","step":"a"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"show","step":"a","restamped":"x"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"show","step":"a","restamped":true,"restamped":true}"#,
            true,
        ),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":true}"#, true),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":-0}"#, true),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":2.5e3}"#, true),
        (
            r#"{"at_ms":0,"kind":"set","name":"n","value":18446744073709551616}"#,
            true,
        ),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":"x"}"#, true),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":null}"#, false),
        (r#"{"at_ms":0,"kind":"set","name":"n","value":[1]}"#, false),
        (r#"{"at_ms":0,"kind":"set","value":1}"#, false),
        (
            r#"{"at_ms":0,"kind":"consent","answer":"given","sha256":"ab"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"consent","answer":"declined","sha256":"ab"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"consent","answer":"maybe","sha256":"ab"}"#,
            false,
        ),
        (r#"{"at_ms":0,"kind":"consent","answer":"given"}"#, false),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":5,"hesitation_ms":1,"decision_ms":2}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":"Yes","free_text":true,"hesitation_ms":1,"decision_ms":2}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":5,"free_text":null,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":9223372036854775808,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":-3,"hesitation_ms":1,"decision_ms":2}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":1.5,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":-0,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":- 3,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":null,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"answer","question":"q","value":true,"hesitation_ms":1,"decision_ms":2}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"task_end","task":"t","outcome":"partial","duration_ms":3}"#,
            false,
        ),
        (
            r#"{"at_ms":0,"kind":"session_end","outcome":"aborted"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"early_key","key":"Enter","early_ms":4,"screen":"closing"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"resumed","gap_ms":5,"after":"cut off"}"#,
            true,
        ),
        (
            r#"{"at_ms":0,"kind":"choose","step":"a","choice":"A","to":"b","hesitation_ms":1}"#,
            false,
        ),
        (r#"{"at_ms":0,"kind":"nope"}"#, false),
        (r#"{"at_ms":0,"kind":"show","step":"a"} trailing"#, false),
    ];
    for (line, fast) in lines {
        assert_eq!(same_event(line), fast, "{line}");
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
        "restamped",
        "answer",
        "sha256",
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
        "-0",
        "2.5",
        "\"given\"",
        "\"set\"",
        "\"consent\"",
        "\"disconnect\"",
    ]);
    // Lines mvx writes, each before or after some fields put together from the pieces.
    let written = prop::sample::select(vec![
        r#""at_ms":0,"kind":"show","step":"home""#,
        r#""at_ms":1300,"kind":"choose","step":"home","choice":"Orders","to":"orders","hesitation_ms":1300,"decision_ms":1300"#,
        r#""at_ms":3010,"kind":"task_end","task":"study","outcome":"success","duration_ms":3010"#,
        r#""at_ms":3830,"kind":"answer","question":"seq","value":5,"hesitation_ms":300,"decision_ms":300"#,
        r#""at_ms":3830,"kind":"session_end","outcome":"complete""#,
    ]);
    let field = (keys, values, prop::sample::select(vec!["", " ", "\t"]));
    let line = (written, prop::collection::vec(field, 0..3), any::<bool>());
    let tails = prop::sample::select(vec!["", "", "", " ", "x", ","]);
    let read = std::cell::Cell::new((0u32, 0u32));
    proptest!(ProptestConfig::with_cases(2000), |((base, fields, first) in line, tail in tails)| {
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}"))
            .collect();
        body.insert(if first { 0 } else { body.len() }, base.to_owned());
        let json = format!("{{{}}}{tail}", body.join(","));
        let (cases, fast) = read.get();
        read.set((cases + 1, fast + u32::from(same_event(&json))));
    });
    // The agreement is only tested on what the fast path takes: it must take many.
    let (cases, fast) = read.get();
    assert!(
        fast * 5 >= cases,
        "the fast path read {fast} of {cases} lines"
    );
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
