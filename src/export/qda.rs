//! REFI-QDA exchange, so a team can go on in QualCoder, MAXQDA, NVivo or ATLAS.ti: the
//! codebook as a `.qdc` (`urn:QDA-XML:codebook:1.0`), and sessions with their notes as a
//! `.qdpx` project (`urn:QDA-XML:project:1.0`): each session a text source (its timeline),
//! each note a selection of its lines, coded with its tags, and a memo (docs/export.md).

mod project;
mod timeline;
mod xml;

use std::io::{self, Seek, Write};

use zip::write::SimpleFileOptions;

use crate::codebook::{Codebook, Tag};
use crate::session::{Moment, ObserverNote, Session};
use timeline::Timeline;
use xml::{Document, guid};

const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";
const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
/// Who wrote the file, in its `origin`.
const ORIGIN: &str = concat!("mvx ", env!("CARGO_PKG_VERSION"));
/// The folder of a `.qdpx` its `internal://` sources are in.
pub const SOURCES: &str = "sources";
/// A code's description for a tag found in notes that the codebook does not have.
pub const NOT_IN_CODEBOOK: &str = "Used in notes; not in the codebook.";

/// The codebook as a REFI-QDA codebook (`.qdc`): each tag a code, each group (theme) a
/// code that is not codable holding its tags. A codebook with no tags makes a document
/// the schema refuses (it asks for one code at least): callers say so first.
pub fn qdc(codebook: &Codebook) -> String {
    let mut doc = Document::new();
    doc.open(
        "CodeBook",
        &[("xmlns", Some(CODEBOOK_NS)), ("origin", Some(ORIGIN))],
    );
    codes(&mut doc, &codebook.tags, &[]);
    doc.finish()
}

/// The codes of `tags`, in their order: a group's tags under a code for the group, where
/// its first tag is; then `unlisted` tag names, each with [`NOT_IN_CODEBOOK`].
fn codes(doc: &mut Document, tags: &[Tag], unlisted: &[String]) {
    doc.open("Codes", &[]);
    let mut groups_written: Vec<&str> = Vec::new();
    for tag in tags {
        let Some(group) = tag.group.as_deref() else {
            code(doc, &tag.name, &tag.description, tag.colour.as_deref());
            continue;
        };
        if groups_written.contains(&group) {
            continue;
        }
        groups_written.push(group);
        let id = guid(&["group", group]);
        doc.open(
            "Code",
            &[
                ("guid", Some(&id)),
                ("name", Some(group)),
                ("isCodable", Some("false")),
            ],
        );
        for member in tags.iter().filter(|t| t.group.as_deref() == Some(group)) {
            code(
                doc,
                &member.name,
                &member.description,
                member.colour.as_deref(),
            );
        }
        doc.close();
    }
    for name in unlisted {
        code(doc, name, NOT_IN_CODEBOOK, None);
    }
    doc.close();
}

fn code(doc: &mut Document, name: &str, description: &str, colour: Option<&str>) {
    let id = code_guid(name);
    let attributes = [
        ("guid", Some(id.as_str())),
        ("name", Some(name)),
        ("isCodable", Some("true")),
        ("color", colour.filter(|c| is_colour(c))),
    ];
    if description.trim().is_empty() {
        doc.empty("Code", &attributes);
    } else {
        doc.open("Code", &attributes);
        doc.text("Description", description);
        doc.close();
    }
}

/// The GUID of a tag's code: the same in a `.qdc` and a `.qdpx`.
pub fn code_guid(tag: &str) -> String {
    guid(&["code", tag])
}

/// `#rgb` or `#rrggbb`, as the schema's `RGBType` takes it.
fn is_colour(colour: &str) -> bool {
    colour
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What a project holds, counted for the command's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub sessions: usize,
    /// Notes written as selections (and memos); `coded` of them carry a tag.
    pub notes: usize,
    pub coded: usize,
    pub users: usize,
    pub codes: usize,
}

/// A `.qdpx` project written as sessions come in: each session's text goes into the zip
/// at once; the project document (`project.qde`), which names them all, at the end.
pub struct Qdpx<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    codebook: Codebook,
    project: project::Project,
}

impl<W: Write + Seek> Qdpx<W> {
    /// A project coded with `codebook` (tags used in notes but missing from it are added).
    pub fn new(out: W, codebook: Option<&Codebook>) -> Self {
        Qdpx {
            zip: zip::ZipWriter::new(out),
            codebook: codebook.cloned().unwrap_or_default(),
            project: project::Project::default(),
        }
    }

    /// Adds a session, its notes (`notes`: those kept beside it) and its text.
    pub fn add(&mut self, session: &Session, notes: &[ObserverNote]) -> io::Result<()> {
        let moments: Vec<Moment> = crate::session::moments(session, notes);
        let timeline = Timeline::of(session, &moments);
        let source = self.project.add(session, &moments, &timeline);
        self.zip
            .start_file(format!("{SOURCES}/{source}.txt"), options())
            .map_err(io::Error::other)?;
        self.zip.write_all(timeline.text.as_bytes())
    }

    /// Writes `project.qde` and closes the zip.
    pub fn finish(mut self) -> io::Result<(W, Written)> {
        let (qde, written) = self.project.document(&self.codebook);
        self.zip
            .start_file("project.qde", options())
            .map_err(io::Error::other)?;
        self.zip.write_all(qde.as_bytes())?;
        let out = self.zip.finish().map_err(io::Error::other)?;
        Ok((out, written))
    }
}

/// Deflated, dated 1980-01-01 (zip's first day) so the same sessions make the same bytes.
fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
}

#[cfg(test)]
mod tests;
