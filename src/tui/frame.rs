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

/// `widget` drawn on a screen of `cols` x `rows`, as text: a line a row (views' tests).
#[cfg(test)]
pub fn drawn(widget: impl ratatui::widgets::Widget, cols: u16, rows: u16) -> String {
    let area = ratatui::layout::Rect::new(0, 0, cols, rows);
    let mut buffer = Buffer::empty(area);
    widget.render(area, &mut buffer);
    (0..rows)
        .map(|y| {
            (0..cols)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends to `bytes` the output that turns `shown` into `next` (two screens of one size).
pub fn diff(shown: &Buffer, next: &Buffer, bytes: &mut Vec<u8>) -> io::Result<()> {
    // The backend keeps nothing between frames: a fresh one writes what the one
    // ratatui's `Terminal` keeps would.
    let mut backend = CrosstermBackend::new(bytes);
    backend.draw(shown.diff_iter(next))?;
    backend.hide_cursor()?;
    Backend::flush(&mut backend)
}

/// A drawn screen as the report sets it: its rows as runs of one style, `participant`'s.
pub fn screen(buffer: &Buffer, participant: &str) -> crate::report::screen::Screen {
    use ratatui::style::Modifier;

    use crate::report::screen::{Run, Screen};
    use crate::text::printable;

    let area = buffer.area;
    let mut screen = Screen {
        cols: area.width,
        rows: area.height,
        participant: participant.to_owned(),
        ..Screen::default()
    };
    for y in 0..area.height {
        let mut skip = 0;
        for x in 0..area.width {
            let Some(cell) = buffer.cell((area.x + x, area.y + y)) else {
                continue;
            };
            // A wide character's second cell is drawn by the first.
            if std::mem::take(&mut skip) > 0 {
                continue;
            }
            let symbol = cell.symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            let on = |m: Modifier| cell.modifier.contains(m);
            let style = Run {
                bold: on(Modifier::BOLD),
                dim: on(Modifier::DIM),
                italic: on(Modifier::ITALIC),
                underlined: on(Modifier::UNDERLINED),
                reversed: on(Modifier::REVERSED),
                ..Run::default()
            };
            screen.push(usize::from(y), &printable(symbol), style);
        }
    }
    screen
}
