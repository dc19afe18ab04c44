//! A screen on the local terminal: the one way a command opens the terminal, runs its
//! screen there and gives the terminal back.

use ratatui::widgets::Widget;

use super::pointer::Pointable;
use super::terminal::Terminal;
use crate::runner::{self, Screen};

/// Opens the terminal, runs `screen` until it is done or stopped, and gives the terminal
/// back before returning, whatever the answer.
pub fn run<S: Screen + Pointable>(screen: &mut S) -> Result<(), String>
where
    for<'a> &'a S: Widget,
{
    run_with(|terminal| runner::block_on(runner::run(screen, terminal)))
}

/// Opens the terminal for `screens`, which runs one screen or more on it with
/// [`runner::run`], after reading what it needs from the open terminal (its size for a
/// session's header, a sender for a file watcher). The terminal is given back as soon as
/// `screens` returns, before its answer is seen: a message printed next lands on the
/// main screen, in cooked mode.
pub fn run_with<T>(screens: impl FnOnce(&mut Terminal) -> Result<T, String>) -> Result<T, String> {
    let mut terminal = Terminal::open()?;
    let answer = screens(&mut terminal);
    drop(terminal);
    answer
}
