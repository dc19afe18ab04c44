//! A progress bar on stderr for long runs, silent when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A count of sessions read so far, for runs whose length is not known in advance (the
/// files are found while they are read); drawn only when stderr is a terminal.
pub fn counting(doing: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = format!("{doing}: {{pos}} so far, {{elapsed}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
