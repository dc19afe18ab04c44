//! The review shell: load, then draw and read keys until `q`.

use std::io;
use std::path::PathBuf;

use ratatui::crossterm::event::{self, Event};

use super::{Review, data};
use crate::tui::keymap;
use crate::tui::terminal::FullScreen;

/// Loads the sessions under `paths` and shows them until the user quits.
pub fn run(paths: &[PathBuf]) -> io::Result<()> {
    let mut review = Review::new(data::load(paths));
    let mut screen = FullScreen::enter()?;
    while !review.quit {
        screen
            .terminal
            .draw(|frame| frame.render_widget(&review, frame.area()))?;
        match event::read()? {
            Event::Key(key) => {
                if let Some(action) = keymap::review(key, review.editing_filter) {
                    review.update(action);
                }
            }
            Event::Resize(..) => {}
            _ => continue,
        }
    }
    Ok(())
}
