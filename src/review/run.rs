//! The review shell: load, then run the review screen in the terminal until `q`.

use std::path::PathBuf;

use super::{Review, data};
use crate::runner;
use crate::tui::terminal::Terminal;

/// Loads the sessions under `paths` and shows them until the user quits.
pub fn run(paths: &[PathBuf]) -> Result<(), String> {
    let mut review = Review::new(data::load(paths));
    let mut terminal = Terminal::open()?;
    runner::run(&mut review, &mut terminal)
}
