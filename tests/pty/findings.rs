//! From notes to findings through the real terminal: a study with a codebook beside it,
//! a researcher's tagged note typed in `mvx play` (Tab completing the tag), an observer's
//! and a reviewer's tagged notes kept beside the sessions, then the report's findings
//! counting them per variant and step, each quote a link to its moment in the HTML, and
//! the review's filter finding the tagged session (docs/findings.md).

use std::path::Path;

use mvx::keys::Key;
use mvx::review::{Action, Review};
use mvx::session::{self, ObserverNote};

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

    // P02 plays variant b without a note.
    let mut p02 = play(&study, &sessions, "P02", "b");
    p02.wait_for("Tickets for today.");
    p02.send("1");
    p02.wait_for("Pay");
    p02.send("1");
    p02.wait_for("Here is your ticket.");
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

    // An observer (ben) of P02 notes a moment on its confirm step, as `mvx observe`
    // keeps it (the observer's screen is tested through its keys in the library).
    let p02_session = played.iter().find(|s| s.header.participant == "P02");
    let confirm_at = p02_session
        .and_then(|s| {
            s.events.iter().find_map(|e| match &e.kind {
                session::EventKind::Show { step } if step == "confirm" => Some(e.at_ms),
                _ => None,
            })
        })
        .expect("P02 saw confirm");
    session::append_note(
        &file_of("P02"),
        &p02_session
            .map(|s| s.header.session.clone())
            .unwrap_or_default(),
        &ObserverNote {
            at_ms: confirm_at + 10,
            text: "hovers over Pay #price-shock".into(),
            author: Some("ben".into()),
            step: Some("confirm".into()),
            tags: vec!["price-shock".into()],
            ..ObserverNote::default()
        },
    )
    .expect("the observer's note");

    // A reviewer (cy) tags P01's confirm screen in `mvx review`, through its keys.
    let loaded = mvx::review::data::load(std::slice::from_ref(&sessions)).expect("read");
    let mut review = Review::new(loaded);
    review.coder = Some("cy".into());
    let p01_row = (review.visible().into_iter())
        .position(|i| review.data.rows[i].participant == "P01")
        .expect("P01 is listed");
    for _ in 0..p01_row {
        review.update(Action::Down);
    }
    review.update(Action::Enter);
    while review.anchor().is_some_and(|a| {
        let shown = review.shown_session(match review.screen {
            mvx::review::Screen::Session(row) => row,
            _ => 0,
        });
        let on_confirm = shown
            .as_ref()
            .as_ref()
            .ok()
            .and_then(|s| session::step_at(s, a.at_ms));
        on_confirm.as_deref() != Some("confirm")
    }) {
        review.update(Action::Down);
    }
    review.update(Action::StartNote);
    for c in "#sl".chars() {
        review.update(Action::Edit(Key::Char(c)));
    }
    review.update(Action::Complete);
    for c in "waits before paying".chars() {
        review.update(Action::Edit(Key::Char(c)));
    }
    review.update(Action::SaveNote);
    assert!(review.noting.is_none(), "kept: {:?}", review.said);
    let kept = session::read_notes(&file_of("P01"));
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].author.as_deref(), kept[0].step.as_deref()),
        (Some("cy"), Some("confirm"))
    );
    assert_eq!(kept[0].tags, ["slow"]);

    // The review's filter finds the sessions by tag.
    review.update(Action::Back);
    review.update(Action::StartFilter);
    for c in "#price-shock".chars() {
        review.update(Action::Edit(Key::Char(c)));
    }
    let found: Vec<&str> = (review.visible().into_iter())
        .map(|i| review.data.rows[i].participant.as_str())
        .collect();
    assert_eq!(found, ["P02"]);

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
    assert_eq!(shock["quotes"][0]["at_ms"].as_u64(), Some(confirm_at + 10));

    // In HTML each quote links to its moment in the page's replay of that session.
    let html = super::common::spawn::mvx()
        .current_dir(root)
        .args(["report", "kiosk.yaml", "sessions", "--format", "html"])
        .output()
        .expect("mvx report runs");
    let page = String::from_utf8_lossy(&html.stdout);
    let findings_part = page.split("Findings").nth(1).expect("a Findings section");
    let at = format!("data-at=\"{:.3}\"", (confirm_at + 10) as f64 / 1000.0);
    assert!(
        findings_part.contains(&at) && findings_part.contains("data-replay="),
        "the price-shock quote links to its moment: {findings_part}"
    );
}
