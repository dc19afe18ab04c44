//! Appending a session to disk so that a crash at any moment loses at most one event.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Event, Header};

/// An open session file. Every write is synced before it returns.
#[derive(Debug)]
pub struct SessionWriter {
    file: File,
    path: PathBuf,
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
        let mut writer = Self { file, path };
        let yaml = serde_saphyr::to_string(header).map_err(io::Error::other)?;
        writer.write_synced(format!("{yaml}events:\n").as_bytes())?;
        // The directory entry must survive a crash too, or the file could vanish with it.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(writer)
    }

    /// Opens an existing session file to append to it, as `mvx play --resume` does. A
    /// last line a crash cut short is ended first, so the next event starts a line.
    pub fn reopen(path: &Path) -> io::Result<Self> {
        let ends_cut = std::fs::read(path)?.last().is_some_and(|b| *b != b'\n');
        let file = OpenOptions::new().append(true).open(path)?;
        let mut writer = Self {
            file,
            path: path.to_owned(),
        };
        if ends_cut {
            writer.write_synced(b"\n")?;
        }
        Ok(writer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event as one line and syncs it to disk.
    pub fn append(&mut self, event: &Event) -> io::Result<()> {
        let json = serde_json::to_string(event).map_err(io::Error::other)?;
        self.write_synced(format!("- {json}\n").as_bytes())
    }

    fn write_synced(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.file.flush()?;
        self.file.sync_data()
    }
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
