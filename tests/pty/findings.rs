//! From notes to findings through the real terminal: a study with a codebook beside it,
//! a researcher's tagged note typed in `mvx play` (Tab completing the tag), an observer
//! following a session live in `mvx observe` and a reviewer in `mvx review` tagging
//! moments kept beside the sessions, the review's filter finding the tagged session, then
//! the report's findings counting them per variant and step, each quote a link to its
//! moment in the HTML (docs/findings.md).

use std::path::Path;

use mvx::session;

use super::common::pty::{Pty, assert_terminal_restored};
use super::sessions_in;

const CODEBOOK: &str = "codebook: kiosk-research
title: Kiosk research
tags:
  - name: lost
    description: Looks for the way on and does not find it
    group: navigation
  - name: slow
    description: Waits, rereads, or says it takes too long
    group: effort
  - name: price-shock
    description: Surprised by what it costs
    group: effort
";

/// A kiosk flow of `variant` whose first screen says `home`.
fn flow(variant: &str, home: &str) -> String {
    format!(
        "flow: kiosk\ntitle: Kiosk\nvariant: {variant}\nsteps:\n  home:\n    text: {home}\n    choices:\n      - Day ticket -> confirm\n      - Cancel -> cancelled\n  confirm:\n    choices:\n      - Pay -> done\n      - Back -> home\n  cancelled:\n    end: abandoned\n  done:\n    text: Here is your ticket.\n    end: success\n"
    )
}

fn play(study: &Path, sessions: &Path, who: &str, variant: &str) -> Pty {
    let script = format!(
        "cd {}; {} play {} --participant {who} --variant {variant} --researcher ana --sessions {}; echo EXIT=$?; stty -a",
        study.parent().expect("its folder").display(),
        env!("CARGO_BIN_EXE_mvx"),
        study.display(),
        sessions.display()
    );
    Pty::shell(&script, &[])
}

#[test]
fn tagged_notes_from_play_observe_and_review_become_the_reports_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("a.yaml"), flow("a", "Buy a day ticket.")).expect("a");
    std::fs::write(root.join("b.yaml"), flow("b", "Tickets for today.")).expect("b");
    std::fs::write(root.join("codebook.yaml"), CODEBOOK).expect("codebook");
    let study = root.join("kiosk.yaml");
    std::fs::write(
        &study,
        "study: kiosk\ntitle: Kiosk\ndesign: between\nvariants: [a.yaml, b.yaml]\n",
    )
    .expect("study");
    let sessions = root.join("sessions");

    // P01 plays variant a; on its first screen the researcher notes `#lo` + Tab.
    let mut p01 = play(&study, &sessions, "P01", "a");
    p01.wait_for("Buy a day ticket.");
    p01.send("\x0e");
    p01.wait_for("Note");
    p01.send("reads it twice #lo\t");
    p01.wait_for("#lost");
    p01.send("\r");
    p01.send("1");
    p01.wait_for("Pay");
    p01.send("1");
    p01.wait_for("Here is your ticket.");
    p01.send("\r");
    p01.wait_for("Thank you");
    p01.send("q");
    p01.wait_for_output("EXIT=0");
    assert_terminal_restored(&p01);

    // P02 plays variant b without a note of the researcher's; an observer (ben) follows
    // the session live in `mvx observe` and, while P02 is on its confirm step, begins a
    // note there and tags it with Tab.
    let mut p02 = play(&study, &sessions, "P02", "b");
    p02.wait_for("Tickets for today.");
    p02.send("1");
    p02.wait_for("Pay");
    let observe = format!(
        "cd {}; {} observe --latest {} --coder ben; echo EXIT=$?; stty -a",
        root.display(),
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    let mut ben = Pty::shell(&observe, &[]);
    ben.wait_for("Now on `confirm`");
    ben.send("n");
    ben.wait_for("Note:");
    ben.send("hovers over Pay #pri\t");
    ben.wait_for("#price-shock");
    ben.send("\r");
    ben.wait_for("1 note");
    p02.send("1");
    p02.wait_for("Here is your ticket.");
    ben.wait_for("Now on `done`");
    ben.send("q");
    ben.wait_for_output("EXIT=0");
    assert_terminal_restored(&ben);
    p02.send("\r");
    p02.wait_for("Thank you");
    p02.send("q");
    p02.wait_for_output("EXIT=0");

    let played = sessions_in(&sessions);
    assert_eq!(played.len(), 2);
    let note = (played.iter().flat_map(|s| &s.events)).find_map(|e| match &e.kind {
        session::EventKind::Note { text } => Some(text.clone()),
        _ => None,
    });
    assert_eq!(
        note.as_deref(),
        Some("reads it twice #lost"),
        "Tab completed it"
    );
    let file_of = |participant: &str| {
        let found = (played.iter()).find(|s| s.header.participant == participant);
        found
            .and_then(|s| s.path.clone())
            .expect("the session's file")
    };

    // The observer's note is kept beside P02's session, by ben, on confirm, at a moment
    // between confirm being shown and Pay being chosen.
    let p02_session = played.iter().find(|s| s.header.participant == "P02");
    let at_of = |wanted: &dyn Fn(&session::EventKind) -> bool| {
        (p02_session.into_iter().flat_map(|s| &s.events))
            .find(|e| wanted(&e.kind))
            .map(|e| e.at_ms)
            .expect("P02's event")
    };
    let confirm_at =
        at_of(&|k| matches!(k, session::EventKind::Show { step } if step == "confirm"));
    let paid_at =
        at_of(&|k| matches!(k, session::EventKind::Choose { step, .. } if step == "confirm"));
    let bens = session::read_notes(&file_of("P02"));
    assert_eq!(bens.len(), 1, "{bens:?}");
    let ben_note = &bens[0];
    assert_eq!(
        (ben_note.author.as_deref(), ben_note.step.as_deref()),
        (Some("ben"), Some("confirm"))
    );
    assert_eq!(ben_note.tags, ["price-shock"]);
    assert_eq!(ben_note.text, "hovers over Pay #price-shock");
    assert!(
        (confirm_at..=paid_at).contains(&ben_note.at_ms),
        "noted at {} while confirm was on screen ({confirm_at}..{paid_at})",
        ben_note.at_ms
    );
    let noted_at = ben_note.at_ms;

    // A reviewer (cy) opens P01's session in `mvx review`, moves the cursor down its
    // timeline (a line per event) to the confirm screen, and notes it with a tag.
    let p01_events = &(played.iter())
        .find(|s| s.header.participant == "P01")
        .expect("P01 played")
        .events;
    let confirm_line = (p01_events.iter())
        .position(|e| matches!(&e.kind, session::EventKind::Show { step } if step == "confirm"))
        .expect("P01 saw confirm");
    let review = format!(
        "cd {}; {} review {} --coder cy; echo EXIT=$?; stty -a",
        root.display(),
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    let mut cy = Pty::shell(&review, &[]);
    cy.wait_for("2 sessions");
    cy.send("/P01");
    cy.wait_for("1 of 2 sessions");
    cy.send("\r");
    cy.send("\r");
    cy.wait_for("P01 · kiosk");
    cy.send(&"\x1b[B".repeat(confirm_line));
    cy.send("n");
    cy.wait_for("Note at");
    cy.send("#sl\t");
    cy.wait_for("#slow");
    cy.send("waits before paying\r");
    cy.wait_for("note kept beside the session");
    let kept = session::read_notes(&file_of("P01"));
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].author.as_deref(), kept[0].step.as_deref()),
        (Some("cy"), Some("confirm"))
    );
    assert_eq!(kept[0].tags, ["slow"]);

    // Back in the sessions list, the filter finds the sessions by tag.
    cy.send("\x1b");
    cy.wait_for("date");
    cy.send("\x1b");
    cy.wait_for("Flow   2 sessions");
    cy.send("/#price-shock");
    cy.wait_for("#price-shock");
    cy.wait_for("1 of 2 sessions");
    let listed = cy.contents();
    assert!(
        listed.contains("P02") && !listed.contains("P01"),
        "only P02 has a #price-shock moment:\n{listed}"
    );
    cy.send("\r");
    cy.send("q");
    cy.wait_for_output("EXIT=0");
    assert_terminal_restored(&cy);

    // The report's findings: per tag, variant and step, with the quotes.
    let report = super::common::spawn::mvx()
        .current_dir(root)
        .args(["report", "kiosk.yaml", "sessions", "--format", "json"])
        .output()
        .expect("mvx report runs");
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("JSON");
    let findings = &json["sessions"]["findings"];
    assert!(
        findings["codebook"]
            .as_str()
            .is_some_and(|p| p.ends_with("codebook.yaml")),
        "{findings}"
    );
    assert_eq!(
        findings["themes"],
        serde_json::json!(["navigation", "effort"])
    );
    let tag = |name: &str| {
        (findings["tags"].as_array().expect("tags").iter())
            .find(|t| t["tag"] == name)
            .cloned()
            .expect("the tag is reported")
    };
    let lost = tag("lost");
    assert_eq!(
        (lost["moments"].as_u64(), lost["participants"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        lost["steps"],
        serde_json::json!([{"flow": "kiosk", "step": "home", "moments": 1}])
    );
    assert_eq!(lost["quotes"][0]["words"], "reads it twice");
    assert_eq!(lost["quotes"][0]["author"], "ana");
    let shares = |t: &serde_json::Value| -> Vec<(String, u64, u64)> {
        (t["variants"].as_array().expect("variants").iter())
            .map(|v| {
                (
                    v["variant"].as_str().unwrap_or_default().to_owned(),
                    v["participants"].as_u64().unwrap_or(99),
                    v["of"].as_u64().unwrap_or(99),
                )
            })
            .collect()
    };
    assert_eq!(shares(&lost), [("a".into(), 1, 1), ("b".into(), 0, 1)]);
    let slow = tag("slow");
    assert_eq!(slow["steps"][0]["step"], "confirm");
    assert_eq!(slow["quotes"][0]["author"], "cy");
    assert_eq!(slow["quotes"][0]["words"], "waits before paying");
    let shock = tag("price-shock");
    assert_eq!(shares(&shock), [("a".into(), 0, 1), ("b".into(), 1, 1)]);
    assert_eq!(shock["quotes"][0]["at_ms"].as_u64(), Some(noted_at));

    // The Markdown's notes per variant name who wrote each, a session's in time order.
    let markdown = super::common::spawn::mvx()
        .current_dir(root)
        .args(["report", "kiosk.yaml", "sessions"])
        .output()
        .expect("mvx report runs");
    let markdown = String::from_utf8_lossy(&markdown.stdout);
    let position = |line: &str| {
        (markdown.find(line)).unwrap_or_else(|| panic!("{line:?} is listed:\n{markdown}"))
    };
    let researchers = position("(researcher, ana): reads it twice #lost");
    let reviewers = position("(cy): #slow waits before paying");
    assert!(researchers < reviewers, "P01's notes in time order");
    position("(ben): hovers over Pay #price-shock");

    // In HTML each quote links to its moment in the page's replay of that session.
    let html = super::common::spawn::mvx()
        .current_dir(root)
        .args(["report", "kiosk.yaml", "sessions", "--format", "html"])
        .output()
        .expect("mvx report runs");
    let page = String::from_utf8_lossy(&html.stdout);
    let findings_part = page.split("Findings").nth(1).expect("a Findings section");
    let at = format!("data-at=\"{:.3}\"", noted_at as f64 / 1000.0);
    assert!(
        findings_part.contains(&at) && findings_part.contains("data-replay="),
        "the price-shock quote links to its moment: {findings_part}"
    );
}

/// The friction map's tagging screen in a real terminal: support tickets imported, the
/// first one tagged with `#` and Tab from the codebook beside them, saved into the
/// friction file with the coder's name, and ranked.
#[test]
fn tickets_are_tagged_in_frictions_tag_and_ranked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("codebook.yaml"), CODEBOOK).expect("codebook");
    std::fs::write(
        root.join("tickets.csv"),
        "id,text,channel\nT1,\"I cannot see where my order is, the page just spins\",email\nT2,Delivery took three weeks,chat\nT3,Where is my parcel? No tracking link anywhere,email\n",
    )
    .expect("tickets");
    let imported = super::common::spawn::mvx()
        .current_dir(root)
        .args(["frictions", "import", "tickets.csv"])
        .output()
        .expect("mvx frictions import runs");
    assert!(imported.status.success(), "{imported:?}");

    let script = format!(
        "cd {}; {} frictions tag --coder ana; echo EXIT=$?; stty -a",
        root.display(),
        env!("CARGO_BIN_EXE_mvx")
    );
    let mut ana = Pty::shell(&script, &[]);
    ana.wait_for("item 1 of 3");
    ana.wait_for("the page just spins");
    ana.send("#lo\t");
    ana.wait_for("#lost");
    ana.send("\r");
    ana.wait_for("item 2 of 3");
    ana.send("\x1b[C");
    ana.wait_for("No tracking link");
    ana.send("#lo\t");
    ana.wait_for("#lost");
    ana.send("#sl\t");
    ana.wait_for("#slow");
    ana.send("\r");
    ana.wait_for("2 tagged, 1 to tag");
    ana.send("q");
    ana.wait_for_output("EXIT=0");
    assert_terminal_restored(&ana);

    let map = mvx::frictions::read(&root.join(mvx::frictions::FILE_NAME)).expect("read back");
    let tagged: Vec<(&str, &[String], Option<&str>)> = (map.items.iter())
        .map(|i| (i.id.as_str(), i.tags.as_slice(), i.by.as_deref()))
        .collect();
    let (lost, both) = (["lost".to_owned()], ["lost".to_owned(), "slow".to_owned()]);
    assert_eq!(
        tagged,
        [
            ("T1", &lost[..], Some("ana")),
            ("T2", &[][..], None),
            ("T3", &both[..], Some("ana")),
        ]
    );

    let ranked = super::common::spawn::mvx()
        .current_dir(root)
        .args(["frictions", "rank", "--format", "json"])
        .output()
        .expect("mvx frictions rank runs");
    let json: serde_json::Value = serde_json::from_slice(&ranked.stdout).expect("JSON");
    let first = &json["frictions"][0];
    assert_eq!(
        (&first["tag"], &first["items"]),
        (&"lost".into(), &2.into())
    );
    assert_eq!(json["tagged"], 2);
}
