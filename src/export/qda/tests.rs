//! The REFI-QDA writers on a small session: selections over the right lines, codes
//! grouped by theme, and the same bytes every time.

use std::io::{Cursor, Read};

use super::*;
use crate::codebook::Tag;

const SESSION: &str = r#"schema: mvx-session/1
session: s-1
flow: { id: shop, title: Shop, variant: new, path: flows/shop.yaml, sha256: abc }
participant: P01
researcher: Ann
started_at: "2026-11-26T10:00:00.000+01:00"
terminal: { cols: 80, rows: 24, term: null, program: null, tmux: false, ssh: false }
mvx: test
events:
- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":900,"kind":"note","text":"squints #slow"}
- {"at_ms":4205,"kind":"choose","step":"home","choice":"Orders","to":"orders","hesitation_ms":3100,"decision_ms":4200}
- {"at_ms":4210,"kind":"show","step":"orders"}
- {"at_ms":6000,"kind":"session_end","outcome":"complete"}
"#;

fn tag(name: &str, group: Option<&str>) -> Tag {
    Tag {
        name: name.into(),
        description: format!("when {name}"),
        group: group.map(Into::into),
        colour: Some("#d9534f".into()),
    }
}

fn codebook() -> Codebook {
    Codebook {
        tags: vec![
            tag("lost", Some("navigation")),
            tag("slow", None),
            tag("stuck", Some("navigation")),
        ],
        ..Codebook::default()
    }
}

fn export(notes: &[ObserverNote]) -> (Vec<u8>, Written) {
    let session = crate::session::parse(SESSION).expect("a session");
    let mut qdpx = Qdpx::new(Cursor::new(Vec::new()), Some(&codebook()));
    qdpx.add(&session, notes).expect("added");
    let (out, written) = qdpx.finish().expect("finished");
    (out.into_inner(), written)
}

fn entry(zip: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .expect("in the zip")
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

#[test]
fn a_group_is_a_code_that_is_not_codable_holding_its_tags_in_order() {
    let qdc = qdc(&codebook());
    let lost = qdc.find("name=\"lost\"").expect("lost");
    let navigation = qdc
        .find("name=\"navigation\" isCodable=\"false\"")
        .expect("group");
    let stuck = qdc.find("name=\"stuck\"").expect("stuck");
    let slow = qdc.find("name=\"slow\"").expect("slow");
    assert!(navigation < lost && lost < stuck && stuck < slow, "{qdc}");
    assert!(qdc.contains("xmlns=\"urn:QDA-XML:codebook:1.0\""));
    assert!(qdc.contains("<Description>when stuck</Description>"));
    assert!(qdc.contains(&format!("guid=\"{}\"", code_guid("slow"))));
}

#[test]
fn each_note_selects_its_own_lines_and_the_export_is_reproducible() {
    let span = ObserverNote {
        at_ms: 4205,
        end_ms: Some(4210),
        author: Some("Bo".into()),
        text: "hesitates <&> #lost #new-tag".into(),
        ..ObserverNote::default()
    };
    let (zip, written) = export(std::slice::from_ref(&span));
    assert_eq!(
        zip,
        export(&[span]).0,
        "the same input makes the same bytes"
    );
    assert_eq!(
        written,
        Written {
            sessions: 1,
            notes: 2,
            coded: 2,
            users: 2,
            codes: 5
        }
    );
    let qde = entry(&zip, "project.qde");
    let source = qde
        .split("plainTextPath=\"internal://")
        .nth(1)
        .and_then(|rest| rest.split(".txt").next())
        .expect("a source");
    let text: Vec<char> = entry(&zip, &format!("sources/{source}.txt"))
        .chars()
        .collect();
    let selected: Vec<String> = qde
        .split("<PlainTextSelection ")
        .skip(1)
        .map(|s| {
            let number = |key: &str| -> usize {
                s.split(&format!("{key}=\""))
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .and_then(|v| v.parse().ok())
                    .expect("a position")
            };
            text[number("startPosition")..number("endPosition")]
                .iter()
                .collect()
        })
        .collect();
    assert_eq!(selected.len(), 2);
    assert!(
        selected[0].ends_with("home  note by Ann: squints #slow"),
        "{selected:?}"
    );
    assert!(!selected[0].contains('\n'));
    let lines: Vec<&str> = selected[1].lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains("chose \"Orders\" → orders"));
    assert!(lines[1].contains("note by Bo: hesitates <&> #lost #new-tag (to 0:04)"));
    assert!(lines[2].contains("shows orders"));
    assert!(qde.contains("<Description>hesitates &lt;&amp;&gt; #lost #new-tag</Description>"));
    assert!(qde.contains("name=\"new-tag\" isCodable=\"true\">\n"));
    assert!(qde.contains(NOT_IN_CODEBOOK));
    assert!(qde.contains("creationDateTime=\"2026-11-26T09:00:04Z\""));
}
