//! Writing and reading session files, whole, cut short, and by any YAML library.

use chrono::{TimeZone, Utc};

use super::*;

fn header() -> Header {
    let started = Started {
        session: "s-1".into(),
        at: "2026-11-26T14:02:11.123+01:00".into(),
    };
    Header::new(
        started,
        FlowRef {
            id: "espresso".into(),
            title: "Make: \"an\" espresso".into(),
            variant: Some("one-menu".into()),
            path: "flows/espresso-one-menu.yaml".into(),
            sha256: "ab".repeat(32),
            expected: Default::default(),
            scales: Default::default(),
        },
        "P07".into(),
        TerminalInfo {
            cols: 80,
            rows: 24,
            term: Some("xterm-256color".into()),
            program: None,
            tmux: false,
            ssh: true,
        },
    )
}

fn events() -> Vec<Event> {
    let timing = Timing {
        hesitation_ms: 1204,
        decision_ms: 2407,
        input: Default::default(),
    };
    vec![
        Event {
            at_ms: 3,
            kind: EventKind::TaskStart {
                task: "espresso".into(),
            },
        },
        Event {
            at_ms: 3,
            kind: EventKind::Show {
                step: "home".into(),
            },
        },
        Event {
            at_ms: 2410,
            kind: EventKind::Choose {
                step: "home".into(),
                choice: "Brew \"a\" drink: now".into(),
                to: "drinks".into(),
                timing,
            },
        },
        Event {
            at_ms: 3000,
            kind: EventKind::Note {
                text: "frowns\n\u{1b}[31m".into(),
            },
        },
        Event {
            at_ms: 4000,
            kind: EventKind::SessionEnd {
                outcome: SessionOutcome::Complete,
            },
        },
    ]
}

fn write_session(dir: &std::path::Path) -> std::path::PathBuf {
    let started = Utc
        .with_ymd_and_hms(2026, 11, 26, 13, 2, 11)
        .single()
        .expect("valid time");
    let mut writer = SessionWriter::create(dir, &header(), started).expect("created");
    for event in events() {
        writer.append(&event).expect("appended");
        let text = std::fs::read_to_string(writer.path()).expect("readable");
        let as_yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
        assert!(
            as_yaml.is_ok(),
            "valid YAML after every append: {as_yaml:?}"
        );
    }
    writer.path().to_owned()
}

#[test]
fn a_written_session_reads_back_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_session(dir.path());
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("20261126T130211Z_P07_espresso.yaml")
    );
    let session = read(&path).expect("reads");
    assert_eq!(session.header, header());
    assert_eq!(session.events, events());
    assert!(!session.cut && session.ended());
}

/// A session saved again with Windows line endings (an editor, a mail client) reads
/// the same.
#[test]
fn a_session_with_windows_line_endings_reads_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_session(dir.path());
    let text = std::fs::read_to_string(&path).expect("text");
    let crlf = parse(&text.replace('\n', "\r\n")).expect("reads");
    assert_eq!(crlf.header, header());
    assert_eq!(crlf.events, events());
    assert!(crlf.problems.is_empty(), "{:?}", crlf.problems);
}

#[test]
fn an_existing_session_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = write_session(dir.path());
    let second = write_session(dir.path());
    assert_ne!(first, second);
    assert!(second.to_string_lossy().ends_with("_P07_espresso_2.yaml"));
    assert_eq!(read(&first).expect("first intact").events, events());
}

#[test]
fn a_file_cut_at_any_byte_after_the_header_loses_only_the_last_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = std::fs::read(write_session(dir.path())).expect("readable");
    let header_end = bytes
        .windows(8)
        .position(|w| w == b"events:\n")
        .expect("events line")
        + 8;
    for cut in header_end..=bytes.len() {
        let text = String::from_utf8_lossy(&bytes[..cut]);
        let session = parse(&text).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        let complete_lines = bytes[header_end..cut]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        assert_eq!(session.events, events()[..complete_lines], "cut at {cut}");
        assert_eq!(session.cut, !text.ends_with('\n'));
    }
}

#[test]
fn a_file_cut_inside_its_header_says_so() {
    let error = parse("schema: mvx-session/1\nsession: s").expect_err("no events line");
    assert!(
        error.message.contains("before its header was complete"),
        "{error}"
    );
}

#[test]
fn reading_a_file_cut_mid_character_still_tolerates_the_last_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_session(dir.path());
    let mut bytes = std::fs::read(&path).expect("readable");
    bytes.extend_from_slice("{\"at_ms\":9,\"kind\":\"note\",\"text\":\"日".as_bytes());
    bytes.pop();
    std::fs::write(&path, &bytes).expect("rewritten for the test");
    let session = read(&path).expect("a cut last line is tolerated");
    assert!(session.cut);
    assert_eq!(session.events, events());
}

#[test]
fn only_regular_files_within_the_limit_are_read_as_sessions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = read(dir.path()).expect_err("a folder");
    assert!(
        error
            .message
            .contains("is a folder; name the session files in it"),
        "{error}"
    );
    let big = dir.path().join("big.yaml");
    let file = std::fs::File::create(&big).expect("created");
    file.set_len(reader::LIMIT + 1).expect("sparse file");
    let error = read(&big).expect_err("too large");
    assert!(
        error
            .message
            .ends_with("session files are limited to 256 MiB"),
        "{error}"
    );
}

/// A disk with room for `room` more bytes: a write past it is cut short, as a full disk
/// or a file-size limit cuts it, and fails.
struct FillingDisk {
    bytes: Vec<u8>,
    room: usize,
}

impl std::io::Write for FillingDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let fits = buf.len().min(self.room.saturating_sub(self.bytes.len()));
        if fits == 0 && !buf.is_empty() {
            return Err(std::io::ErrorKind::StorageFull.into());
        }
        self.bytes.extend_from_slice(&buf[..fits]);
        Ok(fits)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink for FillingDisk {
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    fn cut_to(&mut self, len: u64) -> std::io::Result<()> {
        self.bytes.truncate(usize::try_from(len).expect("small"));
        Ok(())
    }
}

#[test]
fn a_full_disk_takes_back_the_line_it_cut_and_the_file_stays_valid() {
    let header_len = {
        let mut disk = SessionWriter::over(
            FillingDisk {
                bytes: Vec::new(),
                room: usize::MAX,
            },
            "s.yaml".into(),
        );
        disk.write_header(&header()).expect("room for the header");
        disk.file_len()
    };
    // Every place the disk can fill up, from just after the header to just before the end.
    for room in header_len..header_len + 400 {
        let disk = FillingDisk {
            bytes: Vec::new(),
            room: usize::try_from(room).expect("small"),
        };
        let mut writer = SessionWriter::over(disk, "s.yaml".into());
        writer.write_header(&header()).expect("room for the header");
        let saved = events()
            .iter()
            .take_while(|event| writer.append(event).is_ok())
            .count();
        let bytes = writer.into_sink().bytes;
        let text = String::from_utf8(bytes).expect("whole characters");
        assert!(text.ends_with('\n'), "room {room}: ends mid-line: {text:?}");
        let as_yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
        assert!(as_yaml.is_ok(), "room {room}: not valid YAML: {as_yaml:?}");
        let session = parse(&text).expect("reads");
        assert_eq!(session.events, events()[..saved], "room {room}");
        assert!(!session.cut);
    }
}

#[test]
fn a_write_that_finds_no_room_is_a_full_disk() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // a platform without /dev/full
    };
    let mut writer = SessionWriter::over(full, "/dev/full".into());
    let error = writer.write_header(&header()).expect_err("no room");
    assert!(is_full(&error), "{error:?}");
}

/// A header, then `events:` on line 20.
fn head(schema: &str) -> String {
    let yaml = serde_saphyr::to_string(&Header {
        schema: schema.into(),
        ..header()
    })
    .expect("header as YAML");
    assert_eq!(yaml.lines().count(), 19, "{yaml}");
    format!("{yaml}events:\n")
}

#[test]
fn bad_event_lines_are_named_and_the_good_ones_kept() {
    let lines = [
        r#"- {"at_ms":3,"kind":"task_start","task":"espresso"}"#,
        r#"- not json at all"#,
        r#"- {"at_ms":-5,"kind":"show","step":"home"}"#,
        r#"- {"at_ms":7,"at_ms":8,"kind":"show","step":"home"}"#,
        r#"- {"at_ms":"9","kind":"show","step":"home"}"#,
        r#"- {"at_ms":18446744073709551615,"kind":"show","step":"home"}"#,
        r#"- {"at_ms":900,"kind":"choose","step":"home","choice":"A","to":"b","hesitation_ms":800,"decision_ms":300}"#,
        r#"{"at_ms":10,"kind":"note","text":"no dash"}"#,
        r#"- {"at_ms":1000,"kind":"show","step":"b"}"#,
    ];
    let text = format!("{}{}\n- {{\"at_ms\":11", head(SCHEMA), lines.join("\n"));
    let session = parse(&text).expect("the session is kept");
    let kept: Vec<u64> = session.events.iter().map(|e| e.at_ms).collect();
    assert_eq!(kept, [3, 1000]);
    let named: Vec<(usize, &str)> = session
        .problems
        .iter()
        .map(|p| (p.line, p.why.as_str()))
        .collect();
    let lines_named: Vec<usize> = named.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines_named, [22, 23, 24, 25, 26, 27, 28, 30], "{named:?}");
    let why = |line: usize| named.iter().find(|(l, _)| *l == line).map(|(_, w)| *w);
    assert!(why(24).is_some_and(|w| w.contains("duplicate field `at_ms`")));
    assert!(why(26).is_some_and(|w| w.contains("more than a week")));
    assert!(why(27).is_some_and(|w| w.contains("larger than `decision_ms`")));
    assert!(why(30).is_some_and(|w| w.contains("cut off mid-line")));
    assert!(session.cut);
}

/// An answer outside the scale its header records for the question could not have been
/// given: it is named and left out of every figure, not kept in one and dropped from
/// another in silence.
#[test]
fn an_answer_outside_its_scale_is_named_and_left_out() {
    let mut header = header();
    header.flow.scales.insert("umux2".into(), [1, 7]);
    let yaml = serde_saphyr::to_string(&header).expect("header as YAML");
    let lines = [
        r#"- {"at_ms":3,"kind":"answer","question":"umux2","value":7,"hesitation_ms":1,"decision_ms":2}"#,
        r#"- {"at_ms":4,"kind":"answer","question":"umux2","value":8,"hesitation_ms":1,"decision_ms":2}"#,
        r#"- {"at_ms":5,"kind":"answer","question":"umux2","value":0,"hesitation_ms":1,"decision_ms":2}"#,
        r#"- {"at_ms":6,"kind":"answer","question":"other","value":99,"hesitation_ms":1,"decision_ms":2}"#,
    ];
    let text = format!("{yaml}events:\n{}\n", lines.join("\n"));
    let session = parse(&text).expect("the session is kept");
    let kept: Vec<u64> = session.events.iter().map(|e| e.at_ms).collect();
    assert_eq!(
        kept,
        [3, 6],
        "a question without a recorded scale is not judged"
    );
    let why: Vec<&str> = session.problems.iter().map(|p| p.why.as_str()).collect();
    assert_eq!(
        why,
        [
            "the answer 8 to `umux2` is outside its scale, 1 to 7",
            "the answer 0 to `umux2` is outside its scale, 1 to 7"
        ]
    );
}

/// Strings a report prints from the header and the end event are checked on read: a
/// flow version with markup or control characters refuses the file (mvx never wrote
/// it), an end step's outcome that is not one word is named and left out.
#[test]
fn markup_in_a_version_or_an_outcome_is_not_read() {
    let mut header = header();
    header.flow.sha256 = "<script>alert(1)</script>\u{1b}]0;x\u{7}".into();
    let yaml = serde_saphyr::to_string(&header).expect("header as YAML");
    let refused = parse(&format!("{yaml}events:\n")).expect_err("refused");
    assert!(
        refused.message.contains("is not a flow file's SHA-256"),
        "{}",
        refused.message
    );
    assert!(!refused.message.contains('\u{1b}'), "{}", refused.message);
    for fine in ["ab".repeat(32), "v1-alpha".into()] {
        header.flow.sha256 = fine;
        let yaml = serde_saphyr::to_string(&header).expect("header as YAML");
        parse(&format!("{yaml}events:\n")).expect("read");
    }
    let lines = [
        r#"- {"at_ms":3,"kind":"end","step":"done","outcome":"partial"}"#,
        r#"- {"at_ms":4,"kind":"end","step":"done","outcome":"<img src=x onerror=alert(2)>"}"#,
    ];
    let yaml = serde_saphyr::to_string(&header).expect("header as YAML");
    let text = format!("{yaml}events:\n{}\n", lines.join("\n"));
    let session = parse(&text).expect("read");
    assert_eq!(session.events.len(), 1);
    assert_eq!(session.problems.len(), 1);
    assert!(session.problems[0].why.contains("is not one word"));
}

#[test]
fn an_unknown_major_schema_is_refused_and_minor_versions_load() {
    let event = "- {\"at_ms\":3,\"kind\":\"show\",\"step\":\"home\"}\n";
    let error = parse(&format!("{}{event}", head("mvx-session/99"))).expect_err("refused");
    assert!(
        error.message.contains("session format `mvx-session/99`"),
        "{error}"
    );
    let minor =
        parse(&format!("{}{event}", head("mvx-session/1.3"))).expect("a minor version loads");
    assert_eq!(minor.events.len(), 1);
}
