//! Reading a person's file: regular files only, never more than a limit, and text that
//! is not UTF-8 turned into a finding at the first bad byte.
//!
//! Flows, stories and session files all come through here, so a folder, a named pipe or
//! a runaway file gets the same answer whichever command was given it.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Pos};
use crate::text::printable;

const MIB: u64 = 1024 * 1024;

/// What kind of file a command expects, for its messages, and how large one may be.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// In the user's words: "flow", "story", "session".
    pub noun: &'static str,
    /// A pattern to suggest when given a folder, e.g. `*.yaml`.
    pub pattern: &'static str,
    /// Bytes; a larger file is refused while it is read, so it never fills memory.
    pub limit: u64,
}

/// Why a file could not be read, named for the person who gave it.
#[derive(Debug)]
pub struct Unreadable {
    /// The path as given, controls escaped.
    shown: String,
    kind: Kind,
    pub problem: Problem,
}

#[derive(Debug)]
pub enum Problem {
    Missing,
    PermissionDenied,
    Folder,
    /// Something that is not a regular file: "a named pipe (FIFO)", "a socket", ...
    NotAFile(&'static str),
    /// Larger than the kind's limit; the size when the file system knew it.
    TooLarge(Option<u64>),
    Other(io::Error),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Self { shown, kind, .. } = self;
        let limit = kind.limit / MIB;
        match &self.problem {
            Problem::Missing => write!(f, "cannot read {shown}: no such file"),
            Problem::PermissionDenied => write!(f, "cannot read {shown}: permission denied"),
            Problem::Folder => write!(
                f,
                "{shown} is a folder; name the {} files in it, e.g. {shown}/{}",
                kind.noun, kind.pattern
            ),
            Problem::NotAFile(what) => write!(
                f,
                "{shown} is {what}, not a file; name a {} file",
                kind.noun
            ),
            Problem::TooLarge(Some(size)) => write!(
                f,
                "{shown} is {} MiB; {} files are limited to {limit} MiB",
                size / MIB,
                kind.noun
            ),
            Problem::TooLarge(None) => write!(
                f,
                "{shown} holds more than {limit} MiB; {} files are limited to {limit} MiB",
                kind.noun
            ),
            Problem::Other(e) => write!(f, "cannot read {shown}: {}", printable(&e.to_string())),
        }
    }
}

impl std::error::Error for Unreadable {}

/// The file's bytes, if it is a regular file within the kind's limit.
///
/// The file is opened without waiting (a named pipe with no writer is refused instead of
/// blocking, and a terminal never becomes this process's), and what was opened is looked
/// at before a byte is read: a folder, a pipe or a device is named, and nothing can be
/// swapped in between a look and an open. One open, one look, and for a file of known
/// size one read: reports read hundreds of thousands of sessions through here.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, Unreadable> {
    let fail = |problem| Unreadable {
        shown: printable(&path.display().to_string()),
        kind,
        problem,
    };
    let file = open(path).map_err(|e| fail(problem_of(e)))?;
    let metadata = file.metadata().map_err(|e| fail(problem_of(e)))?;
    if let Some(problem) = not_readable(&metadata, kind) {
        return Err(fail(problem));
    }
    within(file, metadata.len(), kind.limit).map_err(fail)
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    let flags = OFlags::NONBLOCK | OFlags::NOCTTY;
    File::options()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// At most `limit` bytes from `reader`, or `TooLarge` as soon as there are more. A size
/// the file system gave (`hint`, within the limit) is what is read: the file as it was
/// when it was looked at, in one read; a file that says nothing of its size (0, as
/// `/proc` files do) is read until its end, the limit still holding.
fn within(reader: impl Read, hint: u64, limit: u64) -> Result<Vec<u8>, Problem> {
    let cap = if hint > 0 && hint <= limit {
        hint
    } else {
        limit.saturating_add(1)
    };
    let mut bytes = Vec::with_capacity(usize::try_from(hint.min(cap)).unwrap_or(0));
    reader
        .take(cap)
        .read_to_end(&mut bytes)
        .map_err(problem_of)?;
    if bytes.len() as u64 > limit {
        return Err(Problem::TooLarge(None));
    }
    Ok(bytes)
}

/// Why a path that exists cannot be read as a file of this kind, if it cannot.
fn not_readable(metadata: &Metadata, kind: Kind) -> Option<Problem> {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        Some(Problem::Folder)
    } else if !file_type.is_file() {
        Some(Problem::NotAFile(special(metadata)))
    } else if metadata.len() > kind.limit {
        Some(Problem::TooLarge(Some(metadata.len())))
    } else {
        None
    }
}

#[cfg(unix)]
fn special(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let file_type = metadata.file_type();
    if file_type.is_fifo() {
        "a named pipe (FIFO)"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special(_: &Metadata) -> &'static str {
    "not a regular file"
}

fn problem_of(error: io::Error) -> Problem {
    match error.kind() {
        io::ErrorKind::NotFound => Problem::Missing,
        io::ErrorKind::PermissionDenied => Problem::PermissionDenied,
        io::ErrorKind::IsADirectory => Problem::Folder,
        _ => Problem::Other(error),
    }
}

/// Bytes that are not UTF-8: where the first bad one is, and the text with each bad
/// sequence shown as `�`, so the line can be displayed without raw bytes.
#[derive(Debug)]
pub struct NotUtf8 {
    pub finding: Diagnostic,
    pub lossy: String,
}

/// The finding's code, listed in docs/checks.md.
pub const NOT_UTF8: &str = "not-utf8";

/// The bytes as text, or a finding at the first byte that is not UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(error) => error,
    };
    let bytes = error.as_bytes();
    let valid_up_to = error.utf8_error().valid_up_to();
    let valid = String::from_utf8_lossy(&bytes[..valid_up_to]);
    let bad = bytes.get(valid_up_to).copied().unwrap_or_default();
    let finding = Diagnostic::error(
        NOT_UTF8,
        position_after(&valid),
        format!("byte 0x{bad:02X} is not UTF-8; save the file as UTF-8 text"),
    )
    .with_help("most editors offer an encoding when saving: choose UTF-8");
    Err(NotUtf8 {
        finding,
        lossy: String::from_utf8_lossy(bytes).into_owned(),
    })
}

/// The line and column (both from 1, columns in characters) right after `prefix`.
fn position_after(prefix: &str) -> Pos {
    let line = prefix.matches('\n').count() + 1;
    let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
    let col = prefix[line_start..].chars().count() + 1;
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos::new(to_u32(line), to_u32(col), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(bytes: &[u8]) -> (u32, u32) {
        let error = decode(bytes.to_vec()).expect_err("the bytes are not UTF-8");
        (error.finding.at.line, error.finding.at.col)
    }

    #[test]
    fn a_bad_byte_on_the_first_line_is_found_where_it_is() {
        assert_eq!(at(b"\xe9"), (1, 1));
        assert_eq!(at(b"title: Caf\xe9\n"), (1, 11));
    }

    #[test]
    fn a_bad_byte_on_a_later_line_counts_lines_and_columns_from_1() {
        assert_eq!(at(b"flow: f\ntitle: T\nstep\xffs:\n"), (3, 5));
        assert_eq!(at(b"a\n\n\n\x80"), (4, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // "é" and "日" are 2 and 3 bytes, one column each.
        assert_eq!(
            at("x\né日 "
                .as_bytes()
                .iter()
                .chain(b"\xc0")
                .copied()
                .collect::<Vec<_>>()
                .as_slice()),
            (2, 4)
        );
    }

    #[test]
    fn a_cut_sequence_at_the_end_is_not_utf8_either() {
        let cut = &"ab日".as_bytes()[..4];
        assert_eq!(at(cut), (1, 3));
    }

    #[test]
    fn the_finding_says_what_to_do_and_the_lossy_text_holds_no_bad_bytes() {
        let error = decode(b"ok\nCaf\xe9\n".to_vec()).expect_err("not UTF-8");
        assert_eq!(error.finding.code, NOT_UTF8);
        assert!(error.finding.is_error());
        assert!(error.finding.message.contains("0xE9"));
        assert!(error.finding.message.contains("save the file as UTF-8"));
        assert_eq!(error.lossy, "ok\nCaf\u{fffd}\n");
    }

    #[test]
    fn utf8_text_decodes_unchanged() {
        assert_eq!(decode("日本 ok".into()).expect("UTF-8"), "日本 ok");
    }

    #[test]
    fn the_limit_holds_while_reading_an_endless_source() {
        let endless = std::io::repeat(b'a');
        assert!(matches!(
            within(endless, 0, 1024),
            Err(Problem::TooLarge(None))
        ));
        let exact = std::io::repeat(b'a').take(1024);
        assert_eq!(within(exact, 1024, 1024).expect("at the limit").len(), 1024);
    }

    const FLOW: Kind = Kind {
        noun: "flow",
        pattern: "*.yaml",
        limit: 16 * MIB,
    };

    #[test]
    fn a_folder_is_named_and_a_pattern_suggested() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read(dir.path(), FLOW).expect_err("a folder");
        let shown = dir.path().display().to_string();
        assert_eq!(
            error.to_string(),
            format!("{shown} is a folder; name the flow files in it, e.g. {shown}/*.yaml")
        );
    }

    #[test]
    fn a_file_larger_than_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.yaml");
        let file = File::create(&path).expect("created");
        file.set_len(17 * MIB).expect("sparse file");
        let error = read(&path, FLOW).expect_err("too large");
        assert!(
            error
                .to_string()
                .ends_with("is 17 MiB; flow files are limited to 16 MiB")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_named() {
        let error = read(Path::new("/dev/zero"), FLOW).expect_err("a device");
        assert_eq!(
            error.to_string(),
            "/dev/zero is a character device, not a file; name a flow file"
        );
    }
}
