//! A served participant's connection lost and found again: the gap is left out of every
//! duration, as a pause is.

use std::time::Duration;

use super::clock::millis;
use super::{Mode, Player};
use crate::session::EventKind;

impl Player<'_> {
    /// The participant's browser went away at `at`. The clock stops until they are back;
    /// on the closing screen there is nothing left to time, and closing the page there
    /// is closing the screen.
    pub fn disconnect(&mut self, at: Duration) {
        if matches!(self.mode, Mode::Closing { .. }) {
            self.finished = true;
            return;
        }
        if self.clock.is_paused() {
            return;
        }
        self.clock.pause(at);
        self.away = true;
        self.record(at, EventKind::Disconnect);
    }

    /// The participant is back at `at`: the clock runs again, the gap recorded as a
    /// `resume`. The screen they left is drawn again and keeps its first `show`.
    pub fn reconnect(&mut self, at: Duration) {
        if !self.clock.is_paused() || matches!(self.mode, Mode::Closing { .. }) {
            return;
        }
        let gap = self.clock.resume(at);
        self.away = false;
        self.record(
            at,
            EventKind::Resume {
                paused_ms: millis(gap),
            },
        );
    }

    /// Whether the clock is stopped (a pause, or a dropped connection).
    pub fn is_stopped(&self) -> bool {
        self.clock.is_paused()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::input::{Action, Input, Key};
    use super::*;
    use crate::flow;
    use crate::session::{SessionOutcome, Timing};

    const FLOW: &str = "
flow: coffee
title: Coffee
steps:
  home:
    choices:
      - Drinks -> drinks
  drinks:
    end: success
";

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn key(player: &mut Player, at: u64, key: Key) {
        player.handle(Input {
            at: ms(at),
            action: Action::Key(key),
        });
    }

    #[test]
    fn a_dropped_connection_is_left_out_of_the_hesitation() {
        let flow = flow::load(FLOW).expect("test flow loads");
        let mut player = Player::new(&flow);
        player.shown(ms(100));
        player.disconnect(ms(1_100));
        player.disconnect(ms(1_500)); // already stopped: recorded once
        player.shown(ms(9_000)); // drawn again after the gap: keeps its first show
        player.reconnect(ms(9_100));
        key(&mut player, 9_600, Key::Char('1'));
        let events = player.take_events();
        let kinds: Vec<_> = events.iter().map(|e| e.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "task_start",
                "show",
                "disconnect",
                "resume",
                "choose",
                "end",
                "task_end",
                // An end step with nothing to show and no questions closes at once.
                "session_end"
            ]
        );
        assert_eq!(events[3].kind, EventKind::Resume { paused_ms: 8_000 });
        let EventKind::Choose { timing, .. } = &events[4].kind else {
            panic!("a choice, not {:?}", events[4])
        };
        let expected = Timing {
            hesitation_ms: 1_500,
            decision_ms: 1_500,
            input: Default::default(),
        };
        assert_eq!(*timing, expected, "1 s before the drop, 0.5 s after");
    }

    #[test]
    fn a_participant_who_never_comes_back_did_not_resume() {
        let flow = flow::load(FLOW).expect("test flow loads");
        let mut player = Player::new(&flow);
        player.shown(ms(100));
        player.disconnect(ms(1_100));
        player.abort(ms(1_801_100), "connection lost");
        let kinds: Vec<_> = player.take_events().iter().map(|e| e.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "task_start",
                "show",
                "disconnect",
                "abort",
                "task_end",
                "session_end"
            ]
        );
    }

    #[test]
    fn closing_the_page_on_the_closing_screen_closes_it() {
        let flow = flow::load(FLOW).expect("test flow loads");
        let mut player = Player::new(&flow);
        player.shown(ms(0));
        key(&mut player, 10, Key::Char('1'));
        player.shown(ms(20));
        key(&mut player, 30, Key::Enter);
        assert!(matches!(
            player.mode(),
            Mode::Closing {
                outcome: SessionOutcome::Complete
            }
        ));
        player.take_events();
        player.disconnect(ms(40));
        assert!(player.is_finished());
        assert!(player.take_events().is_empty(), "nothing more recorded");
    }
}
