//! Entering and leaving full-screen mode, so that every exit path leaves a working terminal.

use std::io;

use ratatui::DefaultTerminal;

/// Raw mode and the alternate screen, with a panic hook that restores the terminal first.
/// Dropping the guard restores it on every other path, errors included.
pub struct FullScreen {
    pub terminal: DefaultTerminal,
}

impl FullScreen {
    pub fn enter() -> io::Result<Self> {
        let terminal = ratatui::try_init()?;
        Ok(Self { terminal })
    }
}

impl Drop for FullScreen {
    fn drop(&mut self) {
        // After SIGHUP the terminal may be gone; nothing useful can be done with an error.
        let _ = ratatui::try_restore();
    }
}
