//! Appending a session to disk so that a crash at any moment loses at most one event,
//! and a full disk none that were saved: a line that cannot be written whole is taken
//! back, so the file always ends with a complete line and stays valid YAML.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Event, Header};

/// An open session file. Every write is synced before it returns.
#[derive(Debug)]
pub struct SessionWriter<S = File> {
    file: S,
    path: PathBuf,
    /// Bytes written whole and synced: where a failed write is cut back to.
    len: u64,
    /// A field the next event line carries (`flag_next`).
    flag: Option<&'static str>,
}

/// Where a session's bytes go: a file, or in tests a disk that fills up.
pub trait Sink: Write {
    /// Syncs what was written to the disk.
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts the sink back to `len` bytes and writes on from there.
    fn cut_to(&mut self, len: u64) -> io::Result<()>;
}

impl Sink for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }

    fn cut_to(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)?;
        self.seek(SeekFrom::Start(len)).map(|_| ())
    }
}

/// Whether a write failed for want of room: the disk or the quota is full, or the file
/// reached the largest size it may have.
pub fn is_full(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    )
}

/// `<UTC timestamp>_<participant>_<flow>.yaml`, e.g. `20261126T140211Z_P07_espresso.yaml`.
pub fn file_name(started: DateTime<Utc>, participant: &str, flow: &str) -> String {
    format!(
        "{}_{participant}_{flow}.yaml",
        started.format("%Y%m%dT%H%M%SZ")
    )
}

impl SessionWriter {
    /// Creates the session file in `dir` (made if missing) and writes the header.
    /// An existing file is never overwritten: a name already taken gets a numbered suffix.
    pub fn create(dir: &Path, header: &Header, started: DateTime<Utc>) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let name = file_name(started, &header.participant, &header.flow.id);
        let (file, path) = create_new(dir, &name)?;
        // Created exclusively a moment ago: nobody else holds it.
        let _ = hold(&file);
        let mut writer = Self::over(file, path);
        if let Err(e) = writer.write_header(header) {
            // Created exclusively a moment ago, so it is ours: a session file without its
            // header would only be a file every later command stumbles on.
            let _ = std::fs::remove_file(&writer.path);
            return Err(e);
        }
        // The directory entry must survive a crash too, or the file could vanish with it.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(writer)
    }

    /// Opens an existing session file to append to it, as `mvx play --resume` does. A
    /// last line a crash cut short is ended first, so the next event starts a line.
    pub fn reopen(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().append(true).open(path)?;
        hold(&file)?;
        let bytes = std::fs::read(path)?;
        let ends_cut = bytes.last().is_some_and(|b| *b != b'\n');
        let mut writer = Self {
            file,
            path: path.to_owned(),
            len: bytes.len() as u64,
            flag: None,
        };
        if ends_cut {
            writer.write_synced(b"\n")?;
        }
        Ok(writer)
    }
}

impl<S: Sink> SessionWriter<S> {
    /// A session written to `file`, empty so far, known as `path`.
    pub fn over(file: S, path: PathBuf) -> Self {
        Self {
            file,
            path,
            len: 0,
            flag: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next event appended carries `flag: true` beside its own fields (a served
    /// session's `restamped`, docs/session-format.md).
    pub fn flag_next(&mut self, flag: &'static str) {
        self.flag = Some(flag);
    }

    /// Bytes written whole so far.
    pub fn file_len(&self) -> u64 {
        self.len
    }

    /// Where the bytes went (tests look at them).
    pub fn into_sink(self) -> S {
        self.file
    }

    pub fn write_header(&mut self, header: &Header) -> io::Result<()> {
        let yaml = serde_saphyr::to_string(header).map_err(io::Error::other)?;
        self.write_synced(format!("{yaml}events:\n").as_bytes())
    }

    /// Appends one event as one line and syncs it to disk. A line that cannot be
    /// written whole is taken back: the file ends with the last complete line.
    pub fn append(&mut self, event: &Event) -> io::Result<()> {
        let json = match self.flag.take() {
            None => serde_json::to_string(event),
            Some(flag) => serde_json::to_value(event).map(|mut line| {
                if let Some(fields) = line.as_object_mut() {
                    fields.insert(flag.into(), true.into());
                }
                line.to_string()
            }),
        }
        .map_err(io::Error::other)?;
        self.write_synced(format!("- {json}\n").as_bytes())
    }

    fn write_synced(&mut self, bytes: &[u8]) -> io::Result<()> {
        let written = self
            .file
            .write_all(bytes)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync());
        match written {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                // If even this fails the file is cut mid-line, which readers name.
                let _ = self.file.cut_to(self.len).and_then(|()| self.file.sync());
                Err(e)
            }
        }
    }
}

/// A session file is written by one process at a time: its writer holds an exclusive
/// advisory lock (`flock`) on it for as long as it is open, released by the kernel
/// however the process ends. A second writer (a resume of a file `mvx play` or `mvx
/// serve` is still writing, or two resumes at once) is refused at once, never made to
/// wait and never interleaved.
fn hold(file: &File) -> io::Result<()> {
    use rustix::fs::{FlockOperation, flock};
    flock(file, FlockOperation::NonBlockingLockExclusive).map_err(|e| {
        match io::Error::from(e).kind() {
            io::ErrorKind::WouldBlock => io::Error::new(io::ErrorKind::WouldBlock, BEING_WRITTEN),
            _ => io::Error::other(format!("cannot lock the session file: {e}")),
        }
    })
}

/// Why a session file cannot be written to now.
pub const BEING_WRITTEN: &str =
    "another mvx (a `play`, a `serve` or a `--resume`) is writing this session now";

/// Whether another process is writing the session file at `path` now (holds its lock).
pub fn being_written(path: &Path) -> bool {
    use rustix::fs::{FlockOperation, flock};
    let Ok(file) = File::open(path) else {
        return false;
    };
    // A shared lock is refused while a writer holds the exclusive one; released at once.
    flock(&file, FlockOperation::NonBlockingLockShared).is_err()
}

fn create_new(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    let stem = name.trim_end_matches(".yaml");
    for n in 1..=100 {
        let path = match n {
            1 => dir.join(name),
            n => dir.join(format!("{stem}_{n}.yaml")),
        };
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("100 sessions named {name} already exist"),
    ))
}
