//! A designed flow with memory: its expected path returns to a step by design
//! (`[home, menu, home, pay, paid]`, a variable remembering the order), played by nine
//! participants through the player with explicit times. Every path metric is compared
//! with a value worked by hand in the comments (the path, its (step, memory) nodes,
//! Smith's formula), and the report's words with what they must and must not say.

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mvx::flow::{self, Flow};
use mvx::player::Player;
use mvx::player::input::{Action, Command, Input, Key};
use mvx::report::{Counting, FlowVersion, Report, ReportBuilder, html, markdown};
use mvx::session::{self, FlowRef, Header, SCHEMA, SessionWriter, TaskEnding, TerminalInfo};

const FLOW: &str = "
flow: order
title: Order, then pay
vars:
  ordered: no
expected:
  - [home, menu, home, pay, paid]
steps:
  home:
    choices:
      - Menu -> menu
      - Leave -> left
      - label: Pay
        if: '{ordered}'
        go: pay
  menu:
    choices:
      - label: Order a coffee
        set: { ordered: yes }
        go: home
      - Back -> home
  pay:
    choices:
      - Confirm -> paid
  paid:
    end: success
  left:
    end: abandoned
";

/// A key on a step, or the researcher's give-up.
#[derive(Clone, Copy)]
enum Press {
    Key(char),
    Esc,
    GiveUp,
}

/// Plays `presses` 1 s apart, each screen shown 10 ms after the key that led to it, and
/// writes the session as `mvx play` would.
fn record(dir: &Path, flow: &Flow, who: &str, minute: u32, presses: &[Press]) {
    let header = Header {
        schema: SCHEMA.into(),
        session: format!("{who}-{minute}"),
        flow: FlowRef::of(flow, "flows/order.yaml", "order-v1"),
        participant: who.into(),
        researcher: None,
        started_at: format!("2026-11-26T09:{minute:02}:00.000+00:00"),
        terminal: TerminalInfo::sized(80, 24),
        mvx: "test".into(),
        simulated: false,
        transport: None,
        study: None,
    };
    let started = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, minute, 0)
        .single()
        .expect("a time");
    let mut writer = SessionWriter::create(dir, &header, started).expect("session file");
    let mut player = Player::new(flow);
    let mut now = 0;
    let mut send = |player: &mut Player, now: u64, action: Action| {
        player.handle(Input {
            at: Duration::from_millis(now),
            action,
        });
        for event in player.take_events() {
            writer.append(&event).expect("appended");
        }
    };
    for press in presses {
        player.shown(Duration::from_millis(now));
        now += 1000;
        let action = match press {
            Press::Key(c) => Action::Key(Key::Char(*c)),
            Press::Esc => Action::Key(Key::Esc),
            Press::GiveUp => Action::Command(Command::GiveUp),
        };
        send(&mut player, now, action);
        now += 10;
    }
    player.shown(Duration::from_millis(now));
    send(&mut player, now + 500, Action::Key(Key::Enter));
}

/// The designed sessions. On `home` the choices are 1 Menu, 2 Leave, 3 Pay (once
/// ordered); on `menu`, 1 Order a coffee, 2 Back.
fn designed(dir: &Path) -> Flow {
    use Press::*;
    let flow = flow::load(FLOW).expect("the designed flow loads");
    let direct: &[Press] = &[Key('1'), Key('1'), Key('3'), Key('1')];
    let sessions: [(&str, &[Press]); 9] = [
        ("P01", direct),
        ("P02", direct),
        ("P03", direct),
        ("P04", direct),
        ("P05", direct),
        // Esc on the menu, then the menu again: home, menu, home, menu, home, pay, paid.
        (
            "P06",
            &[Key('1'), Esc, Key('1'), Key('1'), Key('3'), Key('1')],
        ),
        // Ordered, then Esc back to the menu (the order undone), and ordered again.
        (
            "P07",
            &[Key('1'), Key('1'), Esc, Key('1'), Key('3'), Key('1')],
        ),
        // The researcher records a give-up on the menu.
        ("P08", &[Key('1'), GiveUp]),
        // Leaves by the flow's own `end: abandoned`: a failure, not a give-up.
        ("P09", &[Key('2')]),
    ];
    for (minute, (who, presses)) in sessions.into_iter().enumerate() {
        let minute = u32::try_from(minute).expect("a few minutes");
        record(dir, &flow, who, minute + 1, presses);
    }
    flow
}

fn report(dir: &Path) -> Report {
    let (files, problems) = session::discover(&[dir.to_owned()]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(files.len(), 9);
    let mut builder = ReportBuilder::counting(None, Counting::default());
    for file in &files {
        builder.add(&session::read(file).expect("a designed session loads"));
    }
    builder.finish()
}

fn version(report: &Report) -> &FlowVersion {
    &report.flows[0].versions[0]
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-6, "{got} is not {want}");
}

fn attempt_of(dir: &Path, who: &str) -> session::Attempt {
    let (files, _) = session::discover(&[dir.to_owned()]);
    let file = files
        .iter()
        .find(|f| f.to_string_lossy().contains(who))
        .expect("the participant's file");
    let attempts = session::attempts(&session::read(file).expect("loads"));
    assert_eq!(attempts.len(), 1);
    attempts.into_iter().next().expect("one attempt")
}

#[test]
fn the_expected_path_is_a_direct_success_with_no_lostness() {
    let dir = tempfile::tempdir().expect("temp dir");
    designed(dir.path());
    let p01 = attempt_of(dir.path(), "P01");
    assert_eq!(p01.path, ["home", "menu", "home", "pay", "paid"]);
    // menu -> home is a move of the expected path, to (home, ordered) never seen before.
    assert!(p01.backtracks.is_empty(), "{:?}", p01.backtracks);
    assert!(p01.direct_success());
    // Nodes: (home, -), (menu, -), (home, ordered), (pay, ordered), (paid, ordered):
    // S = N = R = 5, so √((5/5 - 1)² + (5/5 - 1)²) = 0 (by steps alone it was 0.32).
    assert_eq!(p01.lostness, Some(0.0));
    // Esc is a backtrack; the second home -> menu returns to (menu, -): another.
    let p06 = attempt_of(dir.path(), "P06");
    assert_eq!(p06.backtracks, ["menu", "home"]);
    // Esc from (home, ordered) restores (menu, -); menu -> (home, ordered) again.
    let p07 = attempt_of(dir.path(), "P07");
    assert_eq!(p07.backtracks, ["home", "menu"]);
    // Both: S = 7 nodes visited, N = 5 distinct, R = 5: √((5/7 - 1)²) = 2/7.
    close(p06.lostness.expect("a success"), 2.0 / 7.0);
    close(p07.lostness.expect("a success"), 2.0 / 7.0);
}

#[test]
fn every_path_figure_of_a_flow_with_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    designed(dir.path());
    let report = report(dir.path());
    let v = version(&report);
    let task = &v.tasks[0];
    assert_eq!((task.attempts, task.counted, task.successes), (9, 9, 7));
    // P01-P05 are direct, P06 and P07 went back (before: 0 of 9 direct).
    assert_eq!((task.direct_success.count, task.direct_success.of), (5, 9));
    assert_eq!(task.indirect_success, 2);
    // No backtrack whatever the outcome: P01-P05, P08 (home, menu), P09 (home, left).
    assert_eq!((task.directness.count, task.directness.of), (7, 9));
    // Lostness over the 7 successes: five 0s and two 2/7: mean 4/49.
    let lostness = task.lostness.as_ref().expect("lostness");
    close(lostness.mean, 4.0 / 49.0);
    assert_eq!(lostness.n, 7);
    // Every participant's first move was Menu except P09's (Leave).
    let first = task.first_choice_right.as_ref().expect("judged");
    assert_eq!((first.count, first.of), (8, 9));
    // The funnel along home, menu, home, pay, paid: attempts that walked each prefix in
    // order: all 9 were home; 8 reached the menu (not P09); 7 came back home and paid
    // (not P08). It never rises (before: home 9, menu 8, home 9, pay 7, paid 7).
    let funnel: Vec<(&str, usize)> = task.funnel.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    assert_eq!(
        funnel,
        [
            ("home", 9),
            ("menu", 8),
            ("home", 7),
            ("pay", 7),
            ("paid", 7)
        ]
    );
    let text = markdown::render(&report);
    let funnel_line = "Funnel along the expected path, attempts that walked it as far as each step: \
        `home` 9 → `menu` 8 → `home` 7 → `pay` 7 → `paid` 7";
    assert!(text.contains(funnel_line), "{text}");
}

#[test]
fn friction_counts_only_backtracks_as_going_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    designed(dir.path());
    let report = report(dir.path());
    let v = version(&report);
    let step = |id: &str| v.steps.iter().find(|s| s.step == id).expect("a step");
    // Visits (shows): home 2 in each of P01-P05, 3 in P06 and P07, 1 in P08 and P09 = 18;
    // menu 1 in each of P01-P05, 2 in P06 and P07, 1 in P08 = 10.
    assert_eq!((step("home").visits, step("menu").visits), (18, 10));
    // Backtracks: menu by P06's Esc and P07's return to (home, ordered); home by P06's
    // return to (menu, -) and P07's Esc. Before, every menu -> home counted: menu 9.
    assert_eq!((step("home").backtracks, step("menu").backtracks), (2, 2));
    assert_eq!(step("menu").drop_offs, 1, "P08 gave up there");
    // Every hesitation is 1 s, so each step's hesitation ratio is 1 and the menu's
    // friction is 1 + 2/10 + 1/10; no step is said to make most visits go back.
    let menu = v
        .friction
        .iter()
        .find(|f| f.step == "menu")
        .expect("ranked");
    close(menu.score, 1.3);
    let text = markdown::render(&report);
    assert!(!text.contains("83%"), "{text}");
    assert!(!text.contains("90% of visits went back"), "{text}");
}

#[test]
fn an_end_step_called_abandoned_is_a_failure_not_a_give_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    designed(dir.path());
    let report = report(dir.path());
    let task = &version(&report).tasks[0];
    // P08 gave up (Ctrl-G); P09 reached `end: abandoned`, a failure by the flow's word.
    assert_eq!((task.gave_up, task.failures, task.timed_out), (1, 1, 0));
    let outcomes: Vec<(String, usize)> = task
        .outcomes
        .iter()
        .map(|(e, n)| (e.word().to_string(), *n))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("end step \"abandoned\"".to_owned(), 1),
            ("gave up".to_owned(), 1),
            ("success".to_owned(), 7),
        ]
    );
    assert_eq!(
        attempt_of(dir.path(), "P09").ending,
        TaskEnding::EndStep("abandoned".into())
    );
    // The same words in the Markdown and HTML endings lines and the JSON keys.
    let md = markdown::render(&report);
    assert!(
        md.contains("end step \"abandoned\" 1, gave up 1, success 7"),
        "{md}"
    );
    let page = html::render(&report);
    assert!(page.contains("gave up 1"), "{page}");
    let json = serde_json::to_value(&report).expect("serialises");
    let keys = &json["flows"][0]["versions"][0]["tasks"][0]["outcomes"];
    assert_eq!(keys["gave up"], 1, "{keys}");
    assert_eq!(keys["end step \"abandoned\""], 1, "{keys}");
    assert!(keys.get("abandoned").is_none(), "{keys}");
}
