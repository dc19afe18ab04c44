//! What reaches the player: keys and researcher commands, stamped with when they happened.

use std::time::Duration;

/// The participant's keys are the same keys every screen reads.
pub use crate::keys::Key;

/// Something that happened at `at`, measured from the session's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub at: Duration,
    pub action: Action,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A key the participant pressed.
    Key(Key),
    /// A researcher's command (their keys never collide with a participant's).
    Command(Command),
    /// Time passed with no key; lets time limits expire.
    Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Open the note overlay.
    Note,
    /// Pause or resume.
    Pause,
    /// The participant gave up the current task.
    GiveUp,
    /// Ask to end the session early.
    Quit,
}
