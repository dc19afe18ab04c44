//! `mvx frictions tag`'s screen: the friction map's items one at a time, the item's
//! text and columns, and the one note field where `#` and Tab complete the codebook's
//! tags. Enter saves the item's tags into the friction file and goes to the next item
//! still untagged.

pub mod keys;
#[cfg(test)]
mod tests;
mod view;

use std::path::PathBuf;
use std::time::Duration;

use crate::frictions::{self, FrictionMap};
use crate::keys::{Key, Keymap};
use crate::runner;
use crate::tui::notepad::{Notepad, Taken};

/// What the tagging screen's keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Starts typing tags with `#` already typed (after the item's own tags, if any).
    StartTag,
    /// Edits the item's tags as they are.
    EditTags,
    /// Typing or editing the tags.
    Edit(Key),
    /// Tab: completes the `#tag` being typed from the codebook.
    Complete,
    /// Enter: saves the item's tags and goes to the next untagged item.
    Save,
    /// Esc: drops what was typed.
    Drop,
    Previous,
    Next,
    /// ↑↓: scrolls an item's text too long for the screen.
    ScrollUp,
    ScrollDown,
    Help,
    Quit,
}

/// The friction map being tagged.
pub struct Tagging {
    /// The friction file, rewritten on every save.
    pub path: PathBuf,
    pub map: FrictionMap,
    /// The codebook's tag names; empty when no codebook was found (tags as typed).
    pub names: Vec<String>,
    /// Who tags (`--coder`): written as each tagged item's `by`.
    pub coder: Option<String>,
    /// The item shown.
    pub at: usize,
    /// Tags being typed for it.
    pub pad: Option<Notepad>,
    /// What the last action did, or why it could not.
    pub message: Option<String>,
    /// Items saved since the screen opened.
    pub saved: usize,
    /// How far the item's text is scrolled, in screen lines (back to 0 on another item).
    pub scroll: usize,
    /// How far it can be, as the last frame drew the text.
    pub scroll_max: std::cell::Cell<usize>,
    pub help: bool,
    pub quit: bool,
}

impl Tagging {
    /// The screen on the first untagged item (or the first item, when all are tagged).
    pub fn new(path: PathBuf, map: FrictionMap, names: Vec<String>, coder: Option<String>) -> Self {
        let at = map.items.iter().position(|i| !i.is_tagged()).unwrap_or(0);
        let message = names
            .is_empty()
            .then(|| "No codebook found: tags are kept as typed.".to_owned());
        Tagging {
            path,
            map,
            names,
            coder,
            at,
            pad: None,
            message,
            saved: 0,
            scroll: 0,
            scroll_max: std::cell::Cell::new(0),
            help: false,
            quit: false,
        }
    }

    pub fn update(&mut self, action: Action) {
        if !matches!(action, Action::Help) {
            self.help = false;
        }
        match (action, &mut self.pad) {
            (Action::Quit, _) => self.quit = true,
            (Action::Help, _) => self.help = !self.help,
            (Action::StartTag, None) => self.open(true),
            (Action::EditTags, None) => self.open(false),
            (Action::Edit(key), Some(pad)) => pad.edit(key),
            (Action::Complete, Some(pad)) => pad.complete(),
            (Action::Save, Some(_)) => self.save(),
            (Action::Drop, _) => self.pad = None,
            (Action::Previous, None) => self.go(self.at.saturating_sub(1)),
            (Action::Next, None) => self.go((self.at + 1).min(self.last())),
            (Action::ScrollUp, None) => self.scroll = self.scroll.saturating_sub(1),
            (Action::ScrollDown, None) => {
                self.scroll = (self.scroll + 1).min(self.scroll_max.get());
            }
            _ => {}
        }
    }

    fn last(&self) -> usize {
        self.map.items.len().saturating_sub(1)
    }

    fn go(&mut self, at: usize) {
        self.at = at;
        self.scroll = 0;
        self.message = None;
    }

    /// Opens the tags field with the item's tags typed, and a `#` after them to start.
    fn open(&mut self, start: bool) {
        let Some(item) = self.map.items.get(self.at) else {
            return;
        };
        let mut typed: String = item.tags.iter().map(|t| format!("#{t} ")).collect();
        if start {
            typed.push('#');
        }
        self.pad = Some(Notepad::with_text(self.names.clone(), &typed));
        self.message = None;
    }

    /// Saves the typed tags as the item's (none typed: the item is left untagged), writes
    /// the file, and goes to the next untagged item.
    fn save(&mut self) {
        let Some(pad) = &mut self.pad else {
            return;
        };
        let tags = match pad.take() {
            Taken::Refused => return,
            Taken::Empty => Vec::new(),
            Taken::Kept(typed) if typed.tags.is_empty() => {
                pad.hint = Some("type tags as #name (Tab completes them)".into());
                return;
            }
            Taken::Kept(typed) => typed.tags,
        };
        let Some(item) = self.map.items.get_mut(self.at) else {
            return;
        };
        let changed = item.tags != tags;
        if changed {
            item.by = (!tags.is_empty()).then(|| self.coder.clone()).flatten();
            item.tags = tags;
            if let Err(e) = frictions::write(&self.path, &self.map) {
                self.message = Some(format!("Not saved: {e}"));
                return;
            }
            self.saved += 1;
        }
        self.pad = None;
        let count = self.map.items.len();
        let next = (1..count)
            .map(|step| (self.at + step) % count)
            .find(|&i| !self.map.items[i].is_tagged());
        match next {
            Some(next) => {
                self.at = next;
                self.scroll = 0;
                self.message = changed.then(|| "Saved.".to_owned());
            }
            None => {
                self.message = Some(match self.map.items.get(self.at) {
                    Some(item) if !item.is_tagged() => "Every other item is tagged.".into(),
                    _ => "Every item is tagged: q quits.".into(),
                });
            }
        }
    }
}

impl runner::Screen for Tagging {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match self.pad {
            Some(_) => &keys::TYPING,
            None => &keys::BROWSING,
        }
    }

    fn update(&mut self, _at: Duration, action: Action) -> Result<bool, String> {
        Tagging::update(self, action);
        Ok(true)
    }

    fn done(&self) -> bool {
        self.quit
    }
}
