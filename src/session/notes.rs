//! Notes an observer types during a live session, kept beside it in
//! `<session>.notes.yaml`, never in the file `mvx play` is writing.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const NOTES_SCHEMA: &str = "mvx-notes/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObserverNote {
    /// Milliseconds from the session's start, by the wall clock.
    pub at_ms: u64,
    pub text: String,
}

/// `sessions/x.yaml` -> `sessions/x.notes.yaml`.
pub fn notes_path(session: &Path) -> PathBuf {
    session.with_extension("notes.yaml")
}

/// Appends a note, creating the file with its header first; each write is synced.
pub fn append_note(session: &Path, session_id: &str, note: &ObserverNote) -> io::Result<()> {
    let path = notes_path(session);
    let mut file: File = match OpenOptions::new().append(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut file = OpenOptions::new().append(true).create(true).open(&path)?;
            let id = serde_json::to_string(session_id).map_err(io::Error::other)?;
            file.write_all(format!("schema: {NOTES_SCHEMA}\nsession: {id}\nnotes:\n").as_bytes())?;
            file
        }
        Err(e) => return Err(e),
    };
    let line = serde_json::to_string(note).map_err(io::Error::other)?;
    file.write_all(format!("- {line}\n").as_bytes())?;
    file.sync_data()
}

/// The observer notes beside `session`, if any; a cut last line is dropped.
pub fn read_notes(session: &Path) -> Vec<ObserverNote> {
    let Ok(text) = std::fs::read_to_string(notes_path(session)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| line.strip_prefix("- "))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_go_beside_the_session_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("20261126T100000Z_P07_shop.yaml");
        let first = ObserverNote {
            at_ms: 1200,
            text: "frowns at \"Orders\"".into(),
        };
        let second = ObserverNote {
            at_ms: 4000,
            text: "asks for help".into(),
        };
        append_note(&session, "s-1", &first).expect("written");
        append_note(&session, "s-1", &second).expect("written");
        assert!(
            !session.exists(),
            "the session file itself is never touched"
        );
        let path = notes_path(&session);
        assert!(path.to_string_lossy().ends_with("_shop.notes.yaml"));
        let text = std::fs::read_to_string(&path).expect("notes file");
        let yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
        assert!(yaml.is_ok(), "valid YAML: {text}");
        assert_eq!(read_notes(&session), [first, second]);
    }
}
