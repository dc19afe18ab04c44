//! Studies: a study file opened with the flows it compares, checked as one, and what the
//! sessions folder says about it (who is counted, which variant and order come next).

pub mod arrange;
pub mod ask;
pub mod assign;
pub mod latin;
pub mod part;
pub mod participant;
pub mod progress;
pub mod status;
mod variants;

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::flow::open::sha256_hex;
use crate::flow::study::Study;
use crate::flow::{self, Flow};
use crate::source::{self, Kind, Unreadable};

/// What `open` reads: study files, small like flows.
pub const STUDY_FILE: Kind = Kind {
    noun: "study",
    pattern: "*.yaml",
    limit: flow::open::LIMIT,
};

/// One variant of a study: its flow, opened from the path the study names.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The flow's `variant`, which names it everywhere.
    pub name: String,
    /// The path as the study file writes it.
    pub written: String,
    /// The path to open it by: relative to the study file's folder.
    pub path: PathBuf,
    pub flow: Flow,
    pub sha256: String,
}

/// A study file as read, with its variants and everything found in either.
#[derive(Debug)]
pub struct OpenedStudy {
    pub path: String,
    pub source: String,
    pub sha256: String,
    pub study: Option<Study>,
    /// The variants that opened without errors, in the study's order.
    pub variants: Vec<Variant>,
    pub diagnostics: Vec<Diagnostic>,
}

impl OpenedStudy {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Each error rendered with its source line and caret.
    pub fn rendered_errors(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.render(&self.path, &self.source))
            .collect()
    }

    /// The study and its variants, when nothing found is an error.
    pub fn playable(&self) -> Option<(&Study, &[Variant])> {
        match (&self.study, self.has_errors()) {
            (Some(study), false) => Some((study, &self.variants)),
            _ => None,
        }
    }

    /// When the study is not playable: every error rendered, and how to list them
    /// again, ready to print (as `flow::Opened::playable` says it of a flow).
    pub fn refusal(&self) -> Option<String> {
        self.playable().is_none().then(|| {
            format!(
                "{}fix these first; `mvx check {}` lists them too",
                self.rendered_errors().join("\n"),
                crate::text::printable(&self.path)
            )
        })
    }

    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }
}

/// What a path a person names holds: a flow, or a study with the flows it compares.
#[derive(Debug)]
pub enum Opened {
    Flow(flow::Opened),
    Study(OpenedStudy),
}

/// The one place where "flow or study" is decided: reads the file once (a regular file
/// up to the flow limit), and opens it as a study when its top-level key is `study:`,
/// else as a flow. A file that cannot be read is named by the flow reader's message.
pub fn open_any(path: &Path) -> Result<Opened, Unreadable> {
    let bytes = source::read(path, flow::open::FLOW_FILE)?;
    let is_study = std::str::from_utf8(&bytes).is_ok_and(flow::is_study);
    Ok(if is_study {
        Opened::Study(opened(path, bytes))
    } else {
        Opened::Flow(flow::open::opened(path.display().to_string(), bytes))
    })
}

/// Whether the file at `path` is a study (its top-level key is `study:`); a file that
/// cannot be read or parsed is not, and the flow reader says why.
pub fn is_study_file(path: &Path) -> bool {
    source::read(path, STUDY_FILE)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .is_some_and(|text| flow::is_study(&text))
}

/// Reads the study at `path`, loads it, then opens and checks every variant it names.
pub fn open(path: &Path) -> Result<OpenedStudy, Unreadable> {
    let bytes = source::read(path, STUDY_FILE)?;
    Ok(opened(path, bytes))
}

/// A study file's bytes, decoded and loaded, with every variant it names opened.
fn opened(path: &Path, bytes: Vec<u8>) -> OpenedStudy {
    let sha256 = sha256_hex(&bytes);
    let shown = path.display().to_string();
    let (source, loaded) = match source::decode(bytes) {
        Err(not_utf8) => (not_utf8.lossy, Err(vec![not_utf8.finding])),
        Ok(text) => {
            let loaded = flow::load_study(&text).map_err(|e| e.diagnostics);
            (text, loaded)
        }
    };
    let mut opened = OpenedStudy {
        path: shown,
        source,
        sha256,
        study: None,
        variants: Vec::new(),
        diagnostics: Vec::new(),
    };
    match loaded {
        Err(diagnostics) => opened.diagnostics = diagnostics,
        Ok(study) => {
            let folder = path.parent().unwrap_or(Path::new(""));
            let (variants, findings) = variants::open_all(&study, folder);
            opened.variants = variants;
            opened.diagnostics = findings;
            opened.study = Some(study);
        }
    }
    opened
}
