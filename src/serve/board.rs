//! `mvx serve --dashboard`: the researcher's full-screen view of the room. Everyone's
//! state, step and time on it, the counts against the target, alerts highlighted; `i`
//! invites, `o` shows the selected participant's observers' link, `q` asks, then stops
//! the server. State, `Action`, `update`; the view is in
//! `board/view.rs`.

mod view;

use std::collections::VecDeque;
use std::sync::LazyLock;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use super::dashboard::Dashboard;
use super::dashboard::alerts::{self, Alert, Thresholds};
use super::room::Room;
use crate::keys::{Key, Keymap, Press, bind};
use crate::runner::{Screen, Stop};

/// How many of the server's latest lines are kept under the table.
const LOG_LINES: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Invite,
    /// Show the selected participant's observers' link, or their own again.
    Observe,
    Up,
    Down,
    /// Ask whether to stop the server.
    Quit,
    Yes,
    No,
}

pub static WATCHING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(&[Press::char('i')], Action::Invite, "invite a participant"),
        bind(
            &[Press::char('o')],
            Action::Observe,
            "show the link that watches the selected participant",
        ),
        bind(&[Press::plain(Key::Up)], Action::Up, "select the row above"),
        bind(
            &[Press::plain(Key::Down)],
            Action::Down,
            "select the row below",
        ),
        bind(
            &[Press::char('q'), Press::ctrl('c')],
            Action::Quit,
            "stop the server",
        ),
    ])
});

pub static ASKING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(
            &[Press::char('y'), Press::ctrl('c')],
            Action::Yes,
            "stop the server",
        ),
        bind(
            &[Press::char('n'), Press::plain(Key::Esc), Press::char('q')],
            Action::No,
            "keep serving",
        ),
    ])
});

/// The dashboard: the room's latest snapshot and what the researcher did.
pub struct Board<'r> {
    room: &'r Room,
    /// The moment the transport's times count from.
    zero: Instant,
    thresholds: Thresholds,
    from_room: Option<Receiver<String>>,
    pub dashboard: Dashboard,
    pub alerts: Vec<Alert>,
    pub selected: usize,
    /// Why the last invitation could not be made.
    pub refused: Option<String>,
    /// "Stop the server?" is asked.
    pub asking: bool,
    /// The footer shows the selected participant's observers' link, not their own.
    pub observing: bool,
    /// The server's latest lines, oldest first.
    pub log: VecDeque<String>,
    /// Why the server stops: `researcher`, or the signal.
    pub stopped: Option<&'static str>,
}

impl<'r> Board<'r> {
    /// A dashboard of `room`, its times counted from `zero`; `from_room` carries the
    /// server's lines.
    pub fn new(
        room: &'r Room,
        zero: Instant,
        thresholds: Thresholds,
        from_room: Option<Receiver<String>>,
    ) -> Board<'r> {
        let mut board = Board {
            room,
            zero,
            thresholds,
            from_room,
            dashboard: room.snapshot(zero),
            alerts: Vec::new(),
            selected: 0,
            refused: None,
            asking: false,
            observing: false,
            log: VecDeque::new(),
            stopped: None,
        };
        board.refresh(Duration::ZERO);
        board
    }

    /// The room as of `at` after the transport's zero.
    fn refresh(&mut self, at: Duration) {
        if let Some(lines) = &self.from_room {
            for line in lines.try_iter() {
                self.log.push_back(line);
            }
        }
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
        self.dashboard = self.room.snapshot(self.zero + at);
        self.alerts = alerts::alerts(&self.dashboard, &self.thresholds);
        let last = self.dashboard.participants.len().saturating_sub(1);
        self.selected = self.selected.min(last);
    }

    /// The selected participant and their invitation link, or their observers' link.
    pub fn selected_link(&self) -> Option<(&str, String)> {
        let row = self.dashboard.participants.get(self.selected)?;
        let link = match self.observing {
            true => self.room.observer_link(&row.participant).ok()?.1,
            false => self.room.link(self.selected)?,
        };
        Some((&row.participant, link))
    }

    /// Where the server is, as the researcher is told.
    pub fn door(&self) -> String {
        let door = &self.room.served.door;
        format!("{} · {}", door.command(), door.shown())
    }

    /// The alert on `participant`, if any.
    pub fn alert_on(&self, participant: &str) -> Option<&Alert> {
        self.alerts.iter().find(|a| a.participant == participant)
    }
}

/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Board<'_> {}

impl Screen for Board<'_> {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match self.asking {
            true => &ASKING,
            false => &WATCHING,
        }
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        match action {
            Action::Invite => {
                // The new participant is selected: the footer shows their link.
                match self.room.invite(None, None) {
                    Ok(_) => {
                        (self.selected, self.refused) = (usize::MAX, None);
                        self.observing = false;
                    }
                    Err(why) => self.refused = Some(why),
                }
            }
            Action::Observe => self.observing = !self.observing,
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = self.selected.saturating_add(1),
            Action::Quit => self.asking = true,
            Action::No => self.asking = false,
            Action::Yes => self.stopped = Some("researcher"),
        }
        self.refresh(at);
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.refresh(at);
        Ok(true)
    }

    fn stop(&mut self, _at: Duration, why: Stop) -> Result<(), String> {
        self.stopped = Some(match why {
            Stop::Signal(name) => name,
            Stop::Closed => "SIGHUP",
        });
        Ok(())
    }

    fn wait(&self) -> Duration {
        Duration::from_millis(500)
    }

    fn done(&self) -> bool {
        self.stopped.is_some()
    }
}

/// Runs the dashboard on the terminal until the researcher stops the server or a
/// signal does; the terminal is given back before this returns. Returns why it stopped.
#[allow(clippy::disallowed_methods)] // the shell: the terminal's times count from now
pub fn run(
    room: &Room,
    thresholds: Thresholds,
    from_room: Receiver<String>,
) -> Result<&'static str, String> {
    let mut board = Board::new(room, Instant::now(), thresholds, Some(from_room));
    crate::tui::screen::run(&mut board)?;
    Ok(board.stopped.unwrap_or("researcher"))
}

#[cfg(test)]
mod tests;
