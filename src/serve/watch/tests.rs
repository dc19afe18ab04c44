use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::DateTime;

use super::*;
use crate::keys::Press;
use crate::tui::observer::tests::SESSION;

/// A participant whose file the test says.
#[derive(Clone, Default)]
struct Told(Arc<Mutex<Option<PathBuf>>>);

impl Whereabouts for Told {
    fn participant(&self) -> String {
        "P07".into()
    }

    fn path(&self) -> Option<PathBuf> {
        self.0.lock().expect("the path").clone()
    }
}

fn following() -> (Told, Following) {
    let told = Told::default();
    let opened = DateTime::parse_from_rfc3339("2026-11-26T14:02:41.000+00:00").expect("a time");
    (told.clone(), Following::of(Box::new(told), opened))
}

fn drawn(following: &Following) -> String {
    crate::tui::frame::drawn(following, 120, 30)
}

fn press(following: &mut Following, at_ms: u64, press: Press) -> bool {
    let action = following.keys().action(press).expect("a bound key");
    Screen::update(following, Duration::from_millis(at_ms), action).expect("updates")
}

#[test]
fn before_the_participant_starts_the_observer_is_told_and_may_leave() {
    let (_, mut following) = following();
    let screen = drawn(&following);
    assert!(screen.contains("Observing P07"), "{screen}");
    assert!(screen.contains("P07 has not started yet"), "{screen}");
    // Nothing to follow: a tick asks for no new frame.
    assert!(!following.tick(Duration::from_millis(100)).expect("ticks"));
    // A note needs a session: `n` does nothing yet; `q` leaves.
    press(&mut following, 150, Press::char('n'));
    assert!(!following.done());
    press(&mut following, 200, Press::char('q'));
    assert!(following.done());
}

#[test]
fn the_participants_file_is_followed_from_when_it_appears_and_redrawn_on_change() {
    let dir = tempfile::tempdir().expect("a folder");
    let (told, mut following) = following();
    let first = dir.path().join("first.yaml");
    std::fs::write(&first, SESSION).expect("written");
    *told.0.lock().expect("the path") = Some(first.clone());
    assert!(following.tick(Duration::from_millis(100)).expect("ticks"));
    let screen = drawn(&following);
    assert!(screen.contains("Observing P07 · shop"), "{screen}");
    assert!(screen.contains("home"), "{screen}");
    // The same file, the same second: no frame; a new event: a frame.
    assert!(!following.tick(Duration::from_millis(200)).expect("ticks"));
    let more = format!("{SESSION}- {{\"at_ms\":900,\"kind\":\"show\",\"step\":\"cart\"}}\n");
    std::fs::write(&first, &more).expect("written");
    assert!(following.tick(Duration::from_millis(300)).expect("ticks"));
    assert!(drawn(&following).contains("cart"));
    // The times shown move on each second.
    assert!(!following.tick(Duration::from_millis(900)).expect("ticks"));
    assert!(following.tick(Duration::from_millis(1_000)).expect("ticks"));
    // The participant's next session (a within study's next variant) is followed.
    let second = dir.path().join("second.yaml");
    std::fs::write(&second, SESSION.replace("shop", "cafe")).expect("written");
    *told.0.lock().expect("the path") = Some(second);
    assert!(following.tick(Duration::from_millis(1_100)).expect("ticks"));
    assert!(drawn(&following).contains("Observing P07 · cafe"));
}

#[test]
fn an_observer_whose_connection_is_gone_has_left() {
    let (_, mut following) = following();
    assert!(!following.done());
    following
        .disconnected(Duration::from_millis(10))
        .expect("told");
    assert!(following.done());
}
