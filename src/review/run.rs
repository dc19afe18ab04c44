//! The review shell: the review screen in the terminal until `q`.

use super::{Review, data};
use crate::runner;
use crate::tui::terminal::Terminal;

/// Shows the sessions loaded (`data::load`) until the user quits.
pub fn run(loaded: data::Loaded) -> Result<(), String> {
    let mut review = Review::new(loaded);
    let mut terminal = Terminal::open()?;
    runner::run(&mut review, &mut terminal)
}
