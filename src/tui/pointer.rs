//! What a click or a tap on a drawn screen acts as. A screen's view lays out its
//! targets with the layout it draws with: each target is the cells of something a key
//! would pick (a choice, an option, a point of a scale, "continue", "go back", "more")
//! and the keys it stands for. A transport keeps the targets of the frame on screen and
//! turns a pointer going down on one into those keys (`Incoming::Pointed`), so a tap
//! acts exactly as its keys do, through the same key table, and is recorded as a tap.

use ratatui::layout::{Position, Rect};

use crate::keys::{Key, Press};
use crate::text::display_width;

/// Cells a pointer may go down on, and the keys that acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub area: Rect,
    pub presses: Vec<Press>,
}

impl Target {
    pub fn new(area: Rect, presses: Vec<Press>) -> Target {
        Target { area, presses }
    }

    /// A target that acts as one plain key.
    pub fn key(area: Rect, key: Key) -> Target {
        Target::new(area, vec![Press::plain(key)])
    }
}

/// A screen a pointer may act on. Screens without targets take no pointer.
pub trait Pointable {
    /// The targets of the screen as it is drawn in `area` now.
    fn targets(&self, _area: Rect) -> Vec<Target> {
        Vec::new()
    }
}

/// Text takes no click (the transports' own tests draw it).
impl Pointable for ratatui::text::Text<'_> {}

/// The keys of the target at `col`, `row`, if there is one there (the last one listed
/// wins where two overlap: a popup is listed after what it covers).
pub fn hit(targets: &[Target], col: u16, row: u16) -> Option<Vec<Press>> {
    (targets.iter().rev())
        .find(|t| t.area.contains(Position::new(col, row)))
        .map(|t| t.presses.clone())
}

/// Targets for the parts of a one-line text drawn left-aligned at `row` from `x`, parts
/// joined by `joint`: each part that acts as keys is a target over its own columns.
pub fn along(
    x: u16,
    row: u16,
    width: u16,
    joint: &str,
    parts: &[(String, Option<Vec<Press>>)],
) -> Vec<Target> {
    let mut targets = Vec::new();
    let mut col = usize::from(x);
    let end = usize::from(x) + usize::from(width);
    for (i, (text, presses)) in parts.iter().enumerate() {
        if i > 0 {
            col += display_width(joint);
        }
        let w = display_width(text);
        let (from, to) = (col.min(end), (col + w).min(end));
        if let Some(presses) = presses
            && to > from
        {
            let area = Rect::new(from as u16, row, (to - from) as u16, 1);
            targets.push(Target::new(area, presses.clone()));
        }
        col += w;
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_line_are_targets_over_their_own_columns() {
        let parts = [
            ("Enter to continue".to_owned(), None),
            (
                "Esc to go back".to_owned(),
                Some(vec![Press::plain(Key::Esc)]),
            ),
        ];
        let targets = along(1, 5, 60, " · ", &parts);
        assert_eq!(targets, [Target::key(Rect::new(21, 5, 14, 1), Key::Esc)]);
        assert_eq!(hit(&targets, 21, 5), Some(vec![Press::plain(Key::Esc)]));
        assert_eq!(hit(&targets, 20, 5), None);
        assert_eq!(hit(&targets, 35, 5), None);
    }
}
