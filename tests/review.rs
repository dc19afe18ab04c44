//! `mvx review` drawn into a test terminal from fixture sessions, including one cut
//! off by a crash and one with hostile text, and driven by its actions.

mod common;

use std::path::Path;

use mvx::keys::Key;
use mvx::review::{Action, Review, Screen, data};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn session(who: &str, variant: &str, events: &str) -> String {
    format!(
        "schema: mvx-session/1\nsession: s-{who}\nflow: {{ id: shop, title: Shop, variant: {variant}, path: flows/shop.yaml, sha256: sha-{variant} }}\nparticipant: {who}\nresearcher: null\nstarted_at: \"2026-11-26T10:0{}:00.000+01:00\"\nterminal: {{ cols: 80, rows: 24, term: null, program: null, tmux: false, ssh: false }}\nmvx: test\nevents:\n{events}",
        who.len() % 10
    )
}

const DONE: &str = r#"- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":4205,"kind":"choose","step":"home","choice":"Orders","to":"orders","hesitation_ms":3100,"decision_ms":4200}
- {"at_ms":4210,"kind":"show","step":"orders"}
- {"at_ms":5000,"kind":"back","step":"orders","to":"home","hesitation_ms":700,"decision_ms":790}
- {"at_ms":5005,"kind":"show","step":"home"}
- {"at_ms":6000,"kind":"choose","step":"home","choice":"Orders","to":"orders","hesitation_ms":900,"decision_ms":995}
- {"at_ms":6000,"kind":"end","step":"orders","outcome":"success"}
- {"at_ms":6000,"kind":"task_end","task":"shop","outcome":"success","duration_ms":5995}
- {"at_ms":6005,"kind":"show","step":"orders"}
- {"at_ms":7000,"kind":"answer","question":"solved","value":"Yes","hesitation_ms":500,"decision_ms":600}
- {"at_ms":7000,"kind":"session_end","outcome":"complete"}
"#;

const HOSTILE: &str = r#"- {"at_ms":5,"kind":"task_start","task":"shop"}
- {"at_ms":5,"kind":"show","step":"home"}
- {"at_ms":900,"kind":"note","text":"\u001b[2J\u001b[31mred alert\u0007"}
- {"at_ms":1000,"kind":"choose","step":"home","choice":"Help\u001b]0;title\u0007","to":"help","hesitation_ms":800,"decision_ms":995}
- {"at_ms":1200,"kind":"abort","reason":"researcher"}
- {"at_ms":1200,"kind":"task_end","task":"shop","outcome":"aborted","duration_ms":1195}
- {"at_ms":1200,"kind":"session_end","outcome":"aborted"}
"#;

const CUT: &str = "- {\"at_ms\":5,\"kind\":\"task_start\",\"task\":\"shop\"}\n- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}\n- {\"at_ms\":2100,\"kind\":\"choose\",\"step\":\"home\",\"choi";

fn fixtures(dir: &Path) {
    std::fs::write(dir.join("a.yaml"), session("P01", "new", DONE)).expect("written");
    std::fs::write(dir.join("b.yaml"), session("P002", "old", DONE)).expect("written");
    std::fs::write(dir.join("c.yaml"), session("P0003", "new", HOSTILE)).expect("written");
    std::fs::write(dir.join("d.yaml"), session("P00004", "old", CUT)).expect("written");
    std::fs::write(dir.join("e.yaml"), "not a session").expect("written");
    let note = mvx::session::ObserverNote {
        at_ms: 4300,
        text: "reads the menu twice".into(),
        ..Default::default()
    };
    mvx::session::append_note(&dir.join("a.yaml"), "s-P01", &note).expect("observer note");
}

/// The review of the fixtures, and their folder: a session's timeline is read from its
/// file when shown, so the folder must outlive the review.
fn review() -> (Review, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    fixtures(dir.path());
    let loaded = data::load(&[dir.path().to_owned()]).expect("loaded");
    (Review::new(loaded), dir)
}

fn draw(review: &Review, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| f.render_widget(review, f.area()))
        .expect("draws");
    terminal
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn every_view_draws_at_80x24_including_cut_off_and_hostile_sessions() {
    let (mut review, _dir) = review();
    insta::assert_snapshot!("sessions_80x24", draw(&review, 80, 24).backend());
    review.update(Action::Down);
    review.update(Action::Down);
    review.update(Action::Enter);
    assert_eq!(review.screen, Screen::Session(2));
    let hostile = draw(&review, 80, 24);
    insta::assert_snapshot!("hostile_timeline_80x24", hostile.backend());
    assert!(
        !text(&hostile).chars().any(|c| c.is_control()),
        "control characters are neutralised"
    );
    review.update(Action::Back);
    review.update(Action::Down);
    review.update(Action::Enter);
    insta::assert_snapshot!("cut_off_timeline_80x24", draw(&review, 80, 24).backend());
    review.update(Action::NextView);
    insta::assert_snapshot!("flow_80x24", draw(&review, 80, 24).backend());
    insta::assert_snapshot!("flow_120x40", draw(&review, 120, 40).backend());
    review.update(Action::Help);
    insta::assert_snapshot!("help_80x24", draw(&review, 80, 24).backend());
}

#[test]
fn sessions_sort_filter_and_mark_incomplete_ones() {
    let (mut review, _dir) = review();
    assert_eq!(review.data.rows.len(), 4, "the notes file is not a session");
    assert_eq!(
        review.data.report.skipped.len(),
        1,
        "the broken file is named, not dropped"
    );
    let outcomes: Vec<&str> = review
        .visible()
        .iter()
        .map(|&i| review.data.rows[i].outcome.word())
        .collect();
    assert_eq!(outcomes, ["complete", "complete", "aborted", "cut off"]);
    review.update(Action::Sort); // participant
    review.update(Action::Reverse);
    let who: Vec<&str> = review
        .visible()
        .iter()
        .map(|&i| review.data.rows[i].participant.as_str())
        .collect();
    assert_eq!(who, ["P01", "P002", "P0003", "P00004"]);
    review.update(Action::StartFilter);
    for c in "cut".chars() {
        review.update(Action::Edit(Key::Char(c)));
    }
    review.update(Action::Enter);
    assert_eq!(review.visible().len(), 1);
    assert!(text(&draw(&review, 80, 24)).contains("P00004"));
    review.update(Action::Back);
    assert_eq!(review.visible().len(), 4, "Esc clears the filter");
    review.update(Action::Enter);
    let timeline = text(&draw(&review, 80, 24));
    assert!(
        timeline.contains("observer   reads the menu twice"),
        "{timeline}"
    );
    review.update(Action::Quit);
    assert!(review.quit);
}

#[test]
fn the_flow_view_finds_the_step_where_people_hesitate() {
    let (mut review, _dir) = review();
    review.update(Action::NextView);
    let screen = text(&draw(&review, 80, 24));
    assert!(screen.contains("1. home"), "home ranks first: {screen}");
    review.update(Action::Right);
    assert_eq!(review.version, 1);
}

#[test]
fn views_scroll_no_further_than_their_last_line_and_pages_are_the_window() {
    let (mut review, _dir) = review();
    review.body_rows = 3;
    review.update(Action::NextView);
    for _ in 0..100 {
        review.update(Action::PageDown);
    }
    let bottom = review.scroll;
    assert!(bottom > 4, "the flow view is longer than a page: {bottom}");
    review.update(Action::Up);
    assert_eq!(
        review.scroll,
        bottom.saturating_sub(1),
        "one Up moves back at once"
    );
    review.update(Action::PageUp);
    assert_eq!(review.scroll, bottom - 4, "a page is the window's height");
}

#[test]
fn ctrl_c_quits_even_while_a_filter_is_typed() {
    let (mut review, _dir) = review();
    review.update(Action::StartFilter);
    review.update(Action::Edit(Key::Char('q')));
    assert!(!review.quit, "q is text while typing");
    review.update(Action::Quit);
    assert!(review.quit);
}

/// Rows keep what the table shows; a timeline is read from its file when shown. A file
/// gone since the review was loaded says so in the timeline instead of failing.
#[test]
fn a_timeline_is_read_when_shown_and_a_gone_file_says_so() {
    let (mut review, dir) = review();
    review.update(Action::Enter);
    let timeline = text(&draw(&review, 80, 24));
    assert!(timeline.contains("choose"), "{timeline}");
    review.update(Action::Back);
    review.update(Action::Down);
    let second = review.visible()[1];
    let name = match &review.data.rows[second].recorded {
        data::Recorded::File(path) => path.clone(),
        data::Recorded::Held(_) => panic!("rows read from files keep their file"),
    };
    std::fs::remove_file(&name).expect("removed");
    review.update(Action::Enter);
    let timeline = text(&draw(&review, 80, 24));
    assert!(timeline.contains("cannot read it now"), "{timeline}");
    drop(dir);
}

/// The date column sorts by the instant a session started, not by its wall-clock text:
/// 10:30 in Paris (+01:00) came before 10:00 in London (Z).
#[test]
fn dates_sort_by_the_instant_whatever_the_offset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |who: &str, started: &str| {
        session(who, "new", DONE).replace("2026-11-26T10:03:00.000+01:00", started)
    };
    std::fs::write(
        dir.path().join("a.yaml"),
        at("P01", "2026-11-26T10:00:00.000Z"),
    )
    .expect("a");
    std::fs::write(
        dir.path().join("b.yaml"),
        at("P02", "2026-11-26T10:30:00.000+01:00"),
    )
    .expect("b");
    let review = Review::new(data::load(&[dir.path().to_owned()]).expect("loaded"));
    let who: Vec<&str> = review
        .visible()
        .iter()
        .map(|&i| review.data.rows[i].participant.as_str())
        .collect();
    assert_eq!(who, ["P02", "P01"]);
}

/// Sessions arrive while the screen is up: rows appear as they are read, in the chosen
/// order among those read so far, the header says more are coming, and the flow view's
/// figures come with the last; a reading that stops says so.
#[test]
fn rows_arrive_while_the_screen_is_up_and_the_figures_with_the_last() {
    let (read, _dir) = review();
    let data::Loaded { mut rows, report } = read.data;
    let (send, arriving) = std::sync::mpsc::channel();
    let mut review = Review::reading(arriving);
    assert!(!review.receive(), "nothing yet");
    assert!(text(&draw(&review, 80, 24)).contains("0 sessions, reading more"));
    let later = rows.split_off(2);
    send.send(data::Arriving::Rows(rows)).expect("sent");
    assert!(review.receive());
    assert_eq!(review.visible().len(), 2);
    let shown = text(&draw(&review, 80, 24));
    assert!(shown.contains("2 sessions, reading more"), "{shown}");
    review.update(Action::Sort); // by participant, among the rows there are
    send.send(data::Arriving::Rows(later)).expect("sent");
    send.send(data::Arriving::Done(Ok(Box::new(report))))
        .expect("sent");
    assert!(review.receive());
    assert!(review.loading.is_none());
    let who: Vec<&str> = (review.visible().iter())
        .map(|&i| review.data.rows[i].participant.as_str())
        .collect();
    assert_eq!(who, ["P00004", "P0003", "P002", "P01"], "all four, sorted");
    let shown = text(&draw(&review, 80, 24));
    assert!(
        shown.contains("4 sessions, 1 bad line, 1 file skipped"),
        "{shown}"
    );
    assert!(!shown.contains("reading more"), "{shown}");
    // A reading that stops midway says why, and keeps what it read.
    let (send, arriving) = std::sync::mpsc::channel();
    let mut review = Review::reading(arriving);
    drop(send);
    assert!(review.receive());
    let shown = text(&draw(&review, 80, 24));
    assert!(
        shown.contains("0 sessions, reading stopped early"),
        "{shown}"
    );
}

/// A participant who did not agree to the consent left a session with nothing after it:
/// review and export say `declined`, not `cut off`, which reads like a crash.
#[test]
fn a_declined_consent_is_declined_not_cut_off_in_review_and_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let consent = format!(
        "- {{\"at_ms\":900,\"kind\":\"consent\",\"answer\":\"declined\",\"sha256\":\"{}\"}}\n",
        "ab".repeat(32)
    );
    std::fs::write(dir.path().join("n.yaml"), session("P09", "new", &consent)).expect("written");
    let review = Review::new(data::load(&[dir.path().to_owned()]).expect("loaded"));
    assert_eq!(review.data.rows.len(), 1);
    assert_eq!(review.data.rows[0].outcome.word(), "declined");
    assert!(text(&draw(&review, 80, 24)).contains("declined"));
    let out = dir.path().join("export");
    let exported = common::spawn::mvx()
        .arg("export")
        .arg(dir.path().join("n.yaml"))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("mvx export runs");
    assert!(exported.status.success(), "{exported:?}");
    let sessions = std::fs::read_to_string(out.join("sessions.csv")).expect("the sessions table");
    assert!(sessions.contains(",declined,"), "{sessions}");
    assert!(!sessions.contains("cut off"), "{sessions}");
}
