//! The review shell: the review screen in the terminal until `q`.

use super::{Review, data};
use crate::tui::screen;

/// Shows the sessions loaded (`data::load`) until the user quits.
pub fn run(loaded: data::Loaded) -> Result<(), String> {
    screen::run(&mut Review::new(loaded))
}
