//! What the participant's page and the server say to each other over the WebSocket:
//! one JSON object per message, its kind in `t`.

use serde::{Deserialize, Serialize};

use super::keys::BrowserKey;
use crate::keys::Via;

/// From the page. Times are the browser's `performance.now()`, in milliseconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum FromPage {
    /// The terminal's size, when the page connects and whenever the window changes.
    Size { cols: u16, rows: u16 },
    /// A `keydown`, stamped with the event's own time.
    Key {
        #[serde(flatten)]
        key: BrowserKey,
        at: f64,
    },
    /// A pointer went down on cell `col`, `row` of the terminal (`pointerdown`, stamped
    /// with the event's own time), by mouse, pen or finger.
    Point {
        col: u16,
        row: u16,
        at: f64,
        by: Pointer,
    },
    /// The page went out of sight (`visibilitychange` to hidden) or out of focus (the
    /// window's `blur`), at the event's own time.
    Away { at: f64, why: Away },
    /// The page is in sight and in focus again.
    Back { at: f64 },
    /// Frame `n` was written by xterm.js and the next animation frame has run.
    Shown { n: u64, at: f64 },
    /// The answer to ping `id`.
    Pong { id: u64, at: f64 },
}

/// Why a page is away: its tab is not shown, or another window has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Away {
    Hidden,
    Blur,
}

impl Away {
    /// The `pause` event's reason.
    pub fn word(self) -> &'static str {
        match self {
            Away::Hidden => "hidden",
            Away::Blur => "blur",
        }
    }
}

/// What went down, as the browser's `pointerType` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pointer {
    Mouse,
    Pen,
    Touch,
}

impl Pointer {
    /// How the session records it: a tap, or a click (mouse and pen).
    pub fn via(self) -> Via {
        match self {
            Pointer::Touch => Via::Touch,
            Pointer::Mouse | Pointer::Pen => Via::Pointer,
        }
    }
}

/// The largest terminal a page may say it is. A page's size becomes a buffer of
/// `cols x rows` cells on the server, so a larger one is taken as this one (the frame is
/// drawn in its top-left corner): never allocate by a page's word.
pub const MAX_COLS: u16 = 500;
pub const MAX_ROWS: u16 = 200;

impl FromPage {
    /// The message as the server takes it: a size within [`MAX_COLS`] x [`MAX_ROWS`].
    pub fn bounded(self) -> FromPage {
        match self {
            FromPage::Size { cols, rows } => FromPage::Size {
                cols: cols.min(MAX_COLS),
                rows: rows.min(MAX_ROWS),
            },
            message => message,
        }
    }
}

/// A moment in a page's last words: as the server wrote it in the text (`shown`), and
/// in milliseconds since the epoch, which the page writes in the participant's own time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct When {
    pub shown: String,
    pub ms: i64,
}

/// To the page.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ToPage {
    /// Terminal output to write; confirm with `shown`. `targets` are the cells a click
    /// or tap picks something on (`[col, row, cols, rows]`), for the page to show where
    /// a pointer may act.
    Frame {
        n: u64,
        data: String,
        targets: Vec<[u16; 4]>,
    },
    Ping {
        id: u64,
    },
    /// The session is over, or the link cannot be used: say `text` and stop. `when`
    /// names a moment the text gives in the server's time, for the page to give in the
    /// participant's own.
    End {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        when: Option<When>,
    },
    /// The link is open in another window: the page may try again shortly (a reload
    /// can arrive before the server has seen the old page go).
    Busy {
        text: String,
    },
}
