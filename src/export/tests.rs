//! Exported tables: columns, quoting, redaction, and sessions that were cut off.

use super::*;
use crate::session::parse;

const SESSION: &str = r#"schema: mvx-session/1
session: s-1
flow:
  id: shop
  title: Shop
  variant: null
  path: flows/shop.yaml
  sha256: abc
participant: P07
researcher: ana
started_at: "2026-11-26T14:02:11.123+01:00"
terminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }
mvx: "0.1.0"
events:
- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":900,"kind":"choose","step":"home","choice":"Say \"hi\", then go","to":"ask","hesitation_ms":400,"decision_ms":895}
- {"at_ms":1500,"kind":"input","step":"ask","name":"email","text":"me@x.org, line\ntwo","hesitation_ms":100,"decision_ms":590}
- {"at_ms":1600,"kind":"note","text":"frowned"}
- {"at_ms":2000,"kind":"end","step":"done","outcome":"success"}
- {"at_ms":2000,"kind":"task_end","task":"shop","outcome":"success","duration_ms":1995}
- {"at_ms":2500,"kind":"answer","question":"solved","value":"Yes","hesitation_ms":1,"decision_ms":2}
- {"at_ms":2600,"kind":"answer","question":"ease","value":6,"hesitation_ms":1,"decision_ms":2}
- {"at_ms":2700,"kind":"answer","question":"why","value":"too slow","free_text":true,"hesitation_ms":1,"decision_ms":2}
- {"at_ms":2700,"kind":"session_end","outcome":"complete"}
"#;

fn export(format: Format, text: &str, redact: bool) -> (String, String) {
    let session = parse(text).expect("fixture session parses");
    let (mut events, mut sessions) = (Vec::new(), Vec::new());
    let mut exporter = Exporter::new(format, &mut events, &mut sessions, redact);
    exporter.add(&session, None).expect("exported");
    exporter.finish().expect("flushed");
    (
        String::from_utf8(events).expect("utf-8"),
        String::from_utf8(sessions).expect("utf-8"),
    )
}

#[test]
fn csv_has_one_row_per_event_and_quotes_what_needs_quoting() {
    let (events, sessions) = export(Format::Csv, SESSION, false);
    insta::assert_snapshot!("events_csv", events);
    insta::assert_snapshot!("sessions_csv", sessions);
    let mut reader = csv::Reader::from_reader(events.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), 11);
    let header = reader.headers().expect("headers").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("column exists")
    };
    assert_eq!(&rows[2][column("choice")], "Say \"hi\", then go");
    assert_eq!(&rows[3][column("text")], "me@x.org, line\ntwo");
    assert_eq!(&rows[9][column("value")], "too slow");
}

#[test]
fn redaction_hides_typed_text_and_notes_but_not_chosen_options() {
    let (events, _) = export(Format::Jsonl, SESSION, true);
    let rows: Vec<serde_json::Value> = events
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rows[3]["text"], REDACTED);
    assert_eq!(rows[4]["text"], REDACTED);
    assert_eq!(rows[7]["value"], "Yes");
    assert_eq!(rows[8]["value"], "6");
    assert_eq!(rows[9]["value"], REDACTED);
    assert!(
        !events.contains("too slow") && !events.contains("frowned") && !events.contains("me@x")
    );
}

#[test]
fn a_session_cut_off_is_exported_as_cut_off_not_dropped() {
    let cut = &SESSION[..SESSION.find("- {\"at_ms\":2000").expect("the end event")];
    let (events, sessions) = export(Format::Jsonl, cut, false);
    assert_eq!(events.lines().count(), 5);
    let row: serde_json::Value = serde_json::from_str(sessions.trim()).expect("one JSON line");
    assert_eq!(row["outcome"], "cut off");
    assert_eq!(
        (row["tasks_ended"].as_u64(), row["last_at_ms"].as_u64()),
        (Some(0), Some(1600))
    );
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_defused_unless_raw() {
    let typed = [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+2",
        "-2+3",
        "\tx",
    ];
    let events: String = typed
        .iter()
        .enumerate()
        .map(|(n, text)| {
            let text = serde_json::to_string(text).expect("json");
            format!("- {{\"at_ms\":{n},\"kind\":\"note\",\"text\":{text}}}\n")
        })
        .collect();
    let head = &SESSION[..SESSION.find("events:\n").expect("events") + 8];
    let session = parse(&format!("{head}{events}")).expect("parses");
    let notes = |raw: bool| {
        let (mut events, mut sessions) = (Vec::new(), Vec::new());
        let mut exporter = Exporter::new(Format::Csv, &mut events, &mut sessions, false);
        if raw {
            exporter = exporter.raw_text();
        }
        exporter.add(&session, None).expect("exported");
        exporter.finish().expect("flushed");
        let mut reader = csv::Reader::from_reader(events.as_slice());
        let header = reader.headers().expect("headers").clone();
        let text = header
            .iter()
            .position(|h| h == "text")
            .expect("text column");
        let at = header.iter().position(|h| h == "at_ms").expect("at column");
        reader
            .records()
            .map(|r| {
                let r = r.expect("valid CSV");
                (r[at].to_owned(), r[text].to_owned())
            })
            .collect::<Vec<_>>()
    };
    let defused: Vec<String> = notes(false).into_iter().map(|(_, t)| t).collect();
    let expected: Vec<String> = typed.iter().map(|t| format!("'{t}")).collect();
    assert_eq!(defused, expected);
    assert!(
        notes(false).iter().all(|(at, _)| !at.starts_with('\'')),
        "numbers stay numbers"
    );
    let raw: Vec<String> = notes(true).into_iter().map(|(_, t)| t).collect();
    assert_eq!(raw, typed);
    assert_eq!(defuse("-3"), "-3");
    assert_eq!(defuse("+1.5"), "+1.5");
}
