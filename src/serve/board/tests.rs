use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use super::*;
use crate::serve::room::{Content, Door, Served};
use crate::serve::study::ServedStudy;
use crate::study::assign::Assignment;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The espresso study served, with four participants: P01 stuck on `drinks`, P02 on a
/// window too small, P03 done, P04 not yet come.
fn room(t0: Instant) -> Arc<Room> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("studies/espresso.yaml");
    let crate::study::Opened::Study(opened) = crate::study::open_any(&path).expect("opens") else {
        panic!("a study");
    };
    let served = Served {
        content: Content::Study(Box::new(ServedStudy {
            opened,
            path,
            over_target: false,
        })),
        sessions: PathBuf::from("sessions"),
        researcher: None,
        door: Door::Web {
            base_url: "http://127.0.0.1:8080".into(),
        },
        resume_within: secs(60),
    };
    let room = Room::new(served, std::sync::mpsc::channel().0);
    for id in ["P01", "P02", "P03", "P04"] {
        room.invite(Some(id), None).expect("invited");
    }
    let assigned = |variant: &str| Assignment {
        variants: vec![variant.into()],
        order: Vec::new(),
        slot: 1,
        seed: 0,
    };
    let (inbox, _) = crate::serve::transport::inbox();
    for (i, variant) in [(0, "one-menu"), (1, "three-menus"), (2, "one-menu")] {
        room.update(i, |seat| {
            seat.assignment = Some(assigned(variant));
            seat.session = Some(inbox.clone());
            seat.connected = i != 2;
            seat.whereabouts.variant = Some(variant.into());
        });
    }
    room.arrive(0, "home", t0);
    room.arrive(0, "drinks", t0 + secs(5));
    room.arrive(1, "home", t0 + secs(30));
    room.whereabouts(1, |w| w.too_small = Some(t0 + secs(40)));
    room.update(2, |seat| seat.ended = Some("complete".into()));
    room
}

fn board(room: &Room, t0: Instant) -> Board<'_> {
    let thresholds = Thresholds {
        stuck_factor: 3.0,
        stuck_after: secs(120),
    };
    let mut board = Board::new(room, t0, thresholds, None);
    board.tick(secs(200)).expect("ticks");
    board
}

fn press(board: &mut Board<'_>, press: Press) {
    let action = board.keys().action(press).expect("a bound key");
    board.update(secs(201), action).expect("updates");
}

/// The screen as text, the random part of links hidden.
fn drawn(board: &Board<'_>, cols: u16, rows: u16) -> (String, Terminal<TestBackend>) {
    let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("terminal");
    terminal
        .draw(|f| f.render_widget(board, f.area()))
        .expect("draws");
    let text = terminal.backend().to_string();
    let (mut hidden, mut rest) = (String::new(), text.as_str());
    while let Some(at) = rest.find("/p/") {
        hidden.push_str(&rest[..at]);
        hidden.push_str("/p/<code>");
        let after = &rest[at + 3..];
        rest = &after[after.chars().take_while(char::is_ascii_hexdigit).count()..];
    }
    hidden.push_str(rest);
    (hidden, terminal)
}

#[test]
fn the_dashboard_shows_everyone_with_alerts_highlighted() {
    let t0 = Instant::now();
    let room = room(t0);
    let board = board(&room, t0);
    let kinds: Vec<_> = board.alerts.iter().map(|a| a.words()).collect();
    assert_eq!(
        kinds,
        ["stuck on drinks for 3m 15s", "window too small for 2m 40s"]
    );
    // P01 left `home` after 5 s: the room timed it, for their variant.
    let medians = &board.dashboard.medians;
    assert_eq!(medians.median(Some("one-menu"), "home"), (1, Some(secs(5))));
    assert_eq!(medians.median(Some("three-menus"), "home"), (0, None));
    let (text, terminal) = drawn(&board, 80, 24);
    insta::assert_snapshot!("dashboard_80x24", text);
    // The stuck participant's row is red; the selected one is reversed.
    let buffer = terminal.backend().buffer();
    let cell = |x, y| buffer.cell((x, y)).expect("a cell");
    assert_eq!(cell(0, 3).fg, Color::Red);
    assert!(cell(0, 3).modifier.contains(Modifier::REVERSED));
    assert!(!cell(0, 5).modifier.contains(Modifier::REVERSED));
    let (wide, _) = drawn(&board, 120, 30);
    insta::assert_snapshot!("dashboard_120x30", wide);
}

#[test]
fn keys_select_invite_and_stop_only_once_asked() {
    let t0 = Instant::now();
    let room = room(t0);
    let mut board = board(&room, t0);
    press(&mut board, Press::plain(Key::Down));
    press(&mut board, Press::plain(Key::Down));
    assert_eq!(board.selected, 2);
    press(&mut board, Press::plain(Key::Up));
    assert_eq!(board.selected, 1);
    press(&mut board, Press::char('i'));
    assert_eq!(board.dashboard.participants.len(), 5);
    assert_eq!(board.selected, 4);
    let (who, link) = board.selected_link().expect("a link");
    let who = who.to_owned();
    assert_eq!(who, board.dashboard.participants[4].participant);
    assert!(link.starts_with("http://127.0.0.1:8080/p/"), "{link}");
    let (text, _) = drawn(&board, 80, 24);
    assert!(text.contains(&format!("{who}'s link: http://127.0.0.1:8080/p/<code>")));
    // `o`: the link that watches the selected participant, then their own again.
    press(&mut board, Press::char('o'));
    let (_, watching) = board.selected_link().expect("a link");
    assert!(
        watching.starts_with("http://127.0.0.1:8080/o/"),
        "{watching}"
    );
    assert_eq!(room.observer_link(&who).map(|(_, l)| l), Ok(watching));
    let (text, _) = drawn(&board, 80, 24);
    assert!(
        text.contains(&format!("watch {who}: http://127.0.0.1:8080/o/")),
        "{text}"
    );
    press(&mut board, Press::char('o'));
    assert_eq!(board.selected_link().map(|(_, l)| l), Some(link.clone()));
    // Down past the last row stays on it.
    press(&mut board, Press::plain(Key::Down));
    assert_eq!(board.selected, 4);
    press(&mut board, Press::char('q'));
    assert!(board.asking && !board.done());
    let (text, _) = drawn(&board, 80, 24);
    assert!(text.contains("Stop the server"), "{text}");
    press(&mut board, Press::char('n'));
    assert!(!board.asking && !board.done());
    press(&mut board, Press::char('q'));
    press(&mut board, Press::char('y'));
    assert_eq!(board.stopped, Some("researcher"));
    assert!(board.done());
}

#[test]
fn a_signal_stops_the_dashboard_with_its_name() {
    let t0 = Instant::now();
    let room = room(t0);
    let mut board = board(&room, t0);
    board.stop(secs(3), Stop::Signal("SIGTERM")).expect("stops");
    assert_eq!(board.stopped, Some("SIGTERM"));
    assert!(WATCHING.problems().is_empty() && ASKING.problems().is_empty());
}

#[test]
fn the_servers_lines_show_under_the_table_the_latest_kept() {
    let t0 = Instant::now();
    let room = room(t0);
    let (lines, from_room) = std::sync::mpsc::channel();
    let mut board = Board::new(&room, t0, Thresholds::default(), Some(from_room));
    for i in 0..6 {
        lines.send(format!("line {i}")).expect("sent");
    }
    board.tick(secs(1)).expect("ticks");
    assert_eq!(board.log, ["line 2", "line 3", "line 4", "line 5"]);
}
