//! `mvx review`: sessions, one session's timeline, and where a flow's friction lies.
//!
//! `Review` is the state and its `update`; `view` draws it; the shell in `run` only
//! reads keys and draws.

pub mod data;
pub mod keys;
mod notes;
mod run;
pub mod view;

pub use run::{run, run_reading};

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use data::{Arriving, Loaded, SessionRow};

use crate::keys::{Key, Keymap};
use crate::player::field::TextField;
use crate::runner;
use crate::session::Session;

/// Who takes notes in the review, and the codebook their `#tags` come from.
#[derive(Debug, Clone, Default)]
pub struct Noting {
    pub coder: Option<String>,
    pub codebook: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Sessions,
    /// The timeline of the session at this row index.
    Session(usize),
    Flow,
}

/// Rows a filter let through, in a column's order, with that column and filter.
type Filtered = (Column, String, Rc<Vec<usize>>);

/// A column the sessions view sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Date,
    Participant,
    Flow,
    Variant,
    Duration,
    Outcome,
    Tasks,
    Verdicts,
}

pub const COLUMNS: [Column; 8] = [
    Column::Date,
    Column::Participant,
    Column::Flow,
    Column::Variant,
    Column::Duration,
    Column::Outcome,
    Column::Tasks,
    Column::Verdicts,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Left,
    Right,
    Enter,
    Back,
    NextView,
    PreviousView,
    Help,
    Quit,
    /// Sort by the next column; `Reverse` flips the order.
    Sort,
    Reverse,
    StartFilter,
    /// Typing or editing the filter, or a note.
    Edit(Key),
    /// In a timeline: a note on the moment under the cursor (a span's end, when one is
    /// marked).
    StartNote,
    /// In a timeline: marks the start of a span at the cursor (again: unmarks it).
    Mark,
    SaveNote,
    DropNote,
    /// Tab while a note is typed: completes its `#tag` from the codebook.
    Complete,
}

pub struct Review {
    pub data: Loaded,
    pub screen: Screen,
    pub sort: Column,
    pub descending: bool,
    pub filter: TextField,
    pub editing_filter: bool,
    /// Position in the visible (filtered, sorted) rows.
    pub selected: usize,
    /// First line shown of a session's timeline or the flow view.
    pub scroll: usize,
    /// The timeline line under the cursor: the moment a note is taken at.
    pub line: usize,
    /// Where a marked span starts (ms in the session), until a note ends it.
    pub mark: Option<u64>,
    /// A note being typed on the session whose timeline is shown.
    pub noting: Option<crate::tui::notepad::Notepad>,
    /// Who the notes are by (`--coder NAME`), if named.
    pub coder: Option<String>,
    /// The codebook given (`--codebook`); else each session's own is found.
    pub codebook: Option<std::path::PathBuf>,
    /// What the last note's saving said (saved, or why not).
    pub said: Option<String>,
    /// Which flow version the flow view shows.
    pub version: usize,
    pub help: bool,
    pub quit: bool,
    /// Rows the body had in the last frame: a page, and how far a view can scroll.
    pub body_rows: usize,
    /// Every row in each column's order, sorted the first time that column is asked for.
    orders: RefCell<HashMap<Column, Rc<Vec<usize>>>>,
    /// The rows the filter last let through, in a column's order, with that column and
    /// filter: a longer filter narrows these instead of every row.
    filtered: RefCell<Option<Filtered>>,
    /// The session whose timeline is shown, read once from its file when first shown.
    shown: RefCell<Option<(usize, Shown)>>,
    /// Sessions still being read: rows arrive while the screen is up.
    pub loading: Option<std::sync::mpsc::Receiver<Arriving>>,
    /// Why the reading stopped before its end, if it did, as the header says it.
    pub problem: Option<String>,
}

/// A session read for its timeline, or why it could not be read.
type Shown = Rc<Result<Session, String>>;

/// Rows above and below the body: the tabs and the footer.
const CHROME_ROWS: usize = 2;

/// A timeline's first line of an event or a note: after its title and column names.
pub const FIRST_ENTRY: usize = 2;

impl Review {
    pub fn new(data: Loaded) -> Self {
        Review {
            data,
            screen: Screen::Sessions,
            sort: Column::Date,
            descending: false,
            filter: TextField::default(),
            editing_filter: false,
            selected: 0,
            scroll: 0,
            line: FIRST_ENTRY,
            mark: None,
            noting: None,
            coder: None,
            codebook: None,
            said: None,
            version: 0,
            help: false,
            quit: false,
            body_rows: 10,
            orders: RefCell::default(),
            filtered: RefCell::default(),
            shown: RefCell::default(),
            loading: None,
            problem: None,
        }
    }

    /// A review of sessions still being read: rows appear as `arriving` sends them, and
    /// the flow view's figures once every file is read.
    pub fn reading(arriving: std::sync::mpsc::Receiver<Arriving>) -> Self {
        let mut review = Review::new(data::nothing());
        review.loading = Some(arriving);
        review
    }

    /// Takes in what the reading sent since; returns whether anything arrived.
    pub fn receive(&mut self) -> bool {
        let Some(arriving) = &self.loading else {
            return false;
        };
        let mut changed = false;
        loop {
            match arriving.try_recv() {
                Ok(Arriving::Rows(rows)) => {
                    changed |= !rows.is_empty();
                    self.data.rows.extend(rows);
                }
                Ok(Arriving::Done(done)) => {
                    match done {
                        Ok(report) => self.data.report = *report,
                        Err(why) => self.problem = Some(format!("stopped: {why}")),
                    }
                    self.loading = None;
                    changed = true;
                    break;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.problem = Some("reading stopped early".into());
                    self.loading = None;
                    changed = true;
                    break;
                }
            }
        }
        if changed {
            // Every order and filter is made again from the rows there are now.
            self.orders.borrow_mut().clear();
            *self.filtered.borrow_mut() = None;
        }
        changed
    }

    /// The session at `row`, for its timeline: rows keep only what the table shows, and
    /// the session's file is read again the first time its timeline is drawn.
    pub fn shown_session(&self, row: usize) -> Shown {
        if let Some((at, shown)) = self.shown.borrow().as_ref()
            && *at == row
        {
            return shown.clone();
        }
        let read = match self.data.rows.get(row) {
            Some(r) => r.recorded.session().map(|s| s.into_owned()),
            None => Err("no such session".into()),
        };
        let shown = Rc::new(read);
        *self.shown.borrow_mut() = Some((row, shown.clone()));
        shown
    }

    /// Row indices that pass the filter, in the chosen order. Each column is sorted once
    /// and each filter computed once (from the last one when it only grew), so keys stay
    /// quick over 100,000 rows.
    pub fn visible(&self) -> Vec<usize> {
        let needle = self.filter.text().to_lowercase();
        let mut rows = self.filtered(&needle).as_ref().clone();
        if self.descending {
            rows.reverse();
        }
        rows
    }

    fn filtered(&self, needle: &str) -> Rc<Vec<usize>> {
        let mut cache = self.filtered.borrow_mut();
        let from = match cache.as_ref() {
            Some((column, last, rows)) if *column == self.sort && last == needle => {
                return rows.clone();
            }
            // A filter that contains the last one keeps only rows the last one kept.
            Some((column, last, rows))
                if *column == self.sort && needle.contains(last.as_str()) =>
            {
                rows.clone()
            }
            _ => self.order(self.sort),
        };
        let rows: Rc<Vec<usize>> = match needle.is_empty() {
            true => from,
            false => Rc::new(
                from.iter()
                    .copied()
                    .filter(|&i| matches(&self.data.rows[i], needle))
                    .collect(),
            ),
        };
        *cache = Some((self.sort, needle.to_owned(), rows.clone()));
        rows
    }

    /// What the filter let through is worked out again at the next look.
    fn forget_filtered(&self) {
        *self.filtered.borrow_mut() = None;
    }

    fn order(&self, column: Column) -> Rc<Vec<usize>> {
        let mut orders = self.orders.borrow_mut();
        orders
            .entry(column)
            .or_insert_with(|| {
                let rows = &self.data.rows;
                let mut order: Vec<usize> = (0..rows.len()).collect();
                order.sort_by(|&a, &b| compare(&rows[a], &rows[b], column));
                Rc::new(order)
            })
            .clone()
    }

    /// Every flow version, as (flow id, title, version), for the flow view.
    pub fn versions(&self) -> Vec<(&str, &str, &crate::report::FlowVersion)> {
        self.data
            .report
            .flows
            .iter()
            .flat_map(|f| {
                f.versions
                    .iter()
                    .map(move |v| (f.flow.as_str(), f.title.as_str(), v))
            })
            .collect()
    }

    pub fn update(&mut self, action: Action) {
        if self.noting.is_some() {
            self.edit_note(action);
            return;
        }
        if self.editing_filter {
            self.edit_filter(action);
            return;
        }
        if self.help {
            self.help = !matches!(
                action,
                Action::Help | Action::Back | Action::Quit | Action::Enter
            );
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::NextView | Action::PreviousView => self.switch_view(),
            Action::Back => self.back(),
            Action::Enter => self.enter(),
            Action::Sort => self.sort = next_column(self.sort),
            Action::Reverse => self.descending = !self.descending,
            Action::StartFilter if self.screen == Screen::Sessions => self.editing_filter = true,
            Action::StartNote => self.start_note(),
            Action::Mark => self.toggle_mark(),
            Action::Left | Action::Right if self.screen == Screen::Flow => {
                self.change_version(action)
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => self.move_by(action),
            _ => {}
        }
    }

    fn edit_filter(&mut self, action: Action) {
        match action {
            Action::Edit(key) => {
                self.filter.edit(key);
            }
            Action::Quit => self.quit = true,
            Action::Enter | Action::Back => self.editing_filter = false,
            _ => {}
        }
        self.selected = 0;
    }

    fn switch_view(&mut self) {
        self.scroll = 0;
        self.screen = match self.screen {
            Screen::Sessions | Screen::Session(_) => Screen::Flow,
            Screen::Flow => Screen::Sessions,
        };
    }

    fn back(&mut self) {
        match self.screen {
            Screen::Session(_) | Screen::Flow => {
                self.screen = Screen::Sessions;
                self.scroll = 0;
            }
            Screen::Sessions if !self.filter.text().is_empty() => {
                self.filter = TextField::default();
                self.selected = 0;
            }
            Screen::Sessions => {}
        }
    }

    fn enter(&mut self) {
        if self.screen != Screen::Sessions {
            return;
        }
        if let Some(&row) = self.visible().get(self.selected) {
            self.screen = Screen::Session(row);
            self.scroll = 0;
            self.line = FIRST_ENTRY;
            self.mark = None;
            self.said = None;
        }
    }

    fn change_version(&mut self, action: Action) {
        let count = self.versions().len().max(1);
        self.version = match action {
            Action::Left => (self.version + count - 1) % count,
            _ => (self.version + 1) % count,
        };
        self.scroll = 0;
    }

    fn move_by(&mut self, action: Action) {
        let step = match action {
            Action::PageUp | Action::PageDown => self.body_rows.max(1),
            _ => 1,
        };
        let up = matches!(action, Action::Up | Action::PageUp);
        let last = match self.screen {
            Screen::Sessions => self.data.rows.len().saturating_sub(1),
            // A timeline's cursor goes to its last line; the flow view scrolls until its
            // last line is at the bottom.
            Screen::Session(_) => self.content_lines().saturating_sub(1),
            Screen::Flow => self.content_lines().saturating_sub(self.body_rows),
        };
        let position = match self.screen {
            Screen::Sessions => &mut self.selected,
            Screen::Session(_) => &mut self.line,
            Screen::Flow => &mut self.scroll,
        };
        *position = if up {
            position.saturating_sub(step)
        } else {
            (*position + step).min(last)
        };
        if let Screen::Session(_) = self.screen {
            // The window follows the cursor.
            let rows = self.body_rows.max(1);
            self.scroll = self
                .scroll
                .min(self.line)
                .max((self.line + 1).saturating_sub(rows));
        }
        if self.screen == Screen::Sessions {
            self.selected = self.selected.min(self.visible().len().saturating_sub(1));
        }
    }

    /// Lines of the timeline or flow view on screen.
    fn content_lines(&self) -> usize {
        match self.screen {
            Screen::Session(row) => self.timeline_lines(row).len(),
            Screen::Flow => self.flow_lines().len(),
            Screen::Sessions => self.data.rows.len(),
        }
    }
}

impl runner::Screen for Review {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match (self.noting.is_some(), self.editing_filter) {
            (true, _) => &keys::NOTING,
            (false, true) => &keys::FILTERING,
            (false, false) => &keys::BROWSING,
        }
    }

    fn update(&mut self, _at: Duration, action: Action) -> Result<bool, String> {
        Review::update(self, action);
        Ok(true)
    }

    fn shown(&mut self, drawn: runner::Drawn) -> Result<(), String> {
        self.body_rows = usize::from(drawn.rows).saturating_sub(CHROME_ROWS);
        Ok(())
    }

    /// Rows that arrived while nothing was pressed are drawn.
    fn tick(&mut self, _at: Duration) -> Result<bool, String> {
        Ok(self.receive())
    }

    fn wait(&self) -> Duration {
        match self.loading {
            Some(_) => Duration::from_millis(40),
            None => Duration::from_millis(100),
        }
    }

    fn done(&self) -> bool {
        self.quit
    }
}

fn next_column(column: Column) -> Column {
    let at = COLUMNS.iter().position(|c| *c == column).unwrap_or(0);
    COLUMNS[(at + 1) % COLUMNS.len()]
}

fn matches(row: &SessionRow, needle: &str) -> bool {
    row.search.split('\n').any(|field| field.contains(needle))
        || row.outcome.word().contains(needle)
}

fn compare(a: &SessionRow, b: &SessionRow, column: Column) -> std::cmp::Ordering {
    match column {
        // By the instant, not the wall-clock text: 10:00+01:00 came before 10:00Z.
        Column::Date => a.started_ms.cmp(&b.started_ms),
        Column::Participant => a.participant.cmp(&b.participant),
        Column::Flow => a.flow.cmp(&b.flow),
        Column::Variant => a.variant.cmp(&b.variant),
        Column::Duration => a.duration_ms.cmp(&b.duration_ms),
        Column::Outcome => a.outcome.word().cmp(b.outcome.word()),
        Column::Tasks => a.tasks.cmp(&b.tasks),
        Column::Verdicts => a.verdicts.cmp(&b.verdicts),
    }
    .then_with(|| a.participant.cmp(&b.participant))
}
