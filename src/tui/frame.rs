//! A frame as terminal output: the bytes that bring a screen from what it shows to the
//! next, as ratatui's `Terminal` writes them (the cells that changed, then the cursor
//! hidden). `mvx serve` sends them to the participant's xterm.js; a session exported as
//! an asciicast (`replay::cast`) records them. One writer for both, so a replay shows
//! the bytes a served participant was sent.

use std::io;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;

/// What a first frame starts with: the page or player may still show something else
/// (ratatui's own `clear` would ask a real terminal where its cursor is).
pub const CLEAR: &[u8] = b"\x1b[0m\x1b[2J\x1b[H";

/// Appends to `bytes` the output that turns `shown` into `next` (two screens of one size).
pub fn diff(shown: &Buffer, next: &Buffer, bytes: &mut Vec<u8>) -> io::Result<()> {
    // The backend keeps nothing between frames: a fresh one writes what the one
    // ratatui's `Terminal` keeps would.
    let mut backend = CrosstermBackend::new(bytes);
    backend.draw(shown.diff_iter(next))?;
    backend.hide_cursor()?;
    Backend::flush(&mut backend)
}
