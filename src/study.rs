//! Studies: a study file opened with the flows it compares, checked as one, and what the
//! sessions folder says about it (who is counted, which variant and order come next).

pub mod arrange;
pub mod ask;
pub mod assign;
pub mod latin;
pub mod part;
pub mod participant;
pub mod progress;
pub mod reserve;
pub mod returns;
pub mod status;
mod variants;

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
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

/// A study file as read, with its variants and everything found in either; or a single
/// flow seen as a study of one variant (`is_flow`), so that commands take one path.
#[derive(Debug)]
pub struct OpenedStudy {
    pub path: String,
    pub source: String,
    pub sha256: String,
    pub study: Option<Study>,
    /// The variants that opened without errors, in the study's order.
    pub variants: Vec<Variant>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every flow file the study names, as opened (errors and all), in its order.
    pub flows: Vec<VariantFile>,
    /// A single flow, not a study file: the study, its one variant and its findings
    /// are the flow's, and there is no study file of its own to report.
    pub is_flow: bool,
}

/// A flow file a study names, as opening it went.
#[derive(Debug)]
pub struct VariantFile {
    /// The path it was opened by: relative to the study file's folder.
    pub path: PathBuf,
    pub opened: Result<flow::Opened, Unreadable>,
}

impl OpenedStudy {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Each error rendered with its source line and caret.
    pub fn rendered_errors(&self) -> Vec<String> {
        flow::open::rendered_errors(&self.path, &self.source, &self.diagnostics)
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
        (self.playable().is_none())
            .then(|| flow::open::refusal(&self.path, &self.source, &self.diagnostics))
    }

    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// A flow as a study of one variant, with no settings of its own: its id and title
    /// are the flow's, its findings the flow's, and its one variant the flow when that
    /// has no errors.
    pub fn of_flow(opened: flow::Opened) -> OpenedStudy {
        let path = PathBuf::from(&opened.path);
        let study = (opened.flow.as_ref()).map(|flow| Study::of_flow(flow, &opened.path));
        let variants = (opened.flow.as_ref())
            .filter(|_| !opened.has_errors())
            .map(|flow| Variant {
                name: flow.variant.clone().unwrap_or_default(),
                written: opened.path.clone(),
                path: path.clone(),
                flow: flow.clone(),
                sha256: opened.sha256.clone(),
            });
        OpenedStudy {
            path: opened.path.clone(),
            source: opened.source.clone(),
            sha256: opened.sha256.clone(),
            study,
            variants: variants.into_iter().collect(),
            diagnostics: opened.diagnostics.clone(),
            flows: vec![VariantFile {
                path,
                opened: Ok(opened),
            }],
            is_flow: true,
        }
    }
}

/// What a path a person names holds: a flow, or a study with the flows it compares.
#[derive(Debug)]
pub enum Opened {
    Flow(flow::Opened),
    Study(OpenedStudy),
}

impl Opened {
    /// A study as it is, a flow as a study of one variant (`OpenedStudy::of_flow`).
    pub fn into_study(self) -> OpenedStudy {
        match self {
            Opened::Flow(flow) => OpenedStudy::of_flow(flow),
            Opened::Study(study) => study,
        }
    }
}

/// The one place where "flow or study" is decided: reads the file once (a regular file
/// up to the flow limit) and parses it once; a study when its top-level key is `study:`,
/// else a flow. A file that cannot be read is named by the flow reader's message.
pub fn open_any(path: &Path) -> Result<Opened, Unreadable> {
    let bytes = source::read(path, flow::open::FLOW_FILE)?;
    let read = flow::open::read_any(bytes);
    let shown = path.display().to_string();
    let (loaded, read) = read.take();
    Ok(match loaded {
        Some(flow::Loaded::Study(study)) => Opened::Study(with_variants(path, read.with(study))),
        Some(flow::Loaded::Flow(flow)) => Opened::Flow(flow::Opened::of(shown, read.with(flow))),
        None => Opened::Flow(flow::Opened::of(shown, read.with(None))),
    })
}

/// Reads the study at `path`, loads it, then opens and checks every variant it names.
pub fn open(path: &Path) -> Result<OpenedStudy, Unreadable> {
    let bytes = source::read(path, STUDY_FILE)?;
    Ok(opened(path, bytes))
}

/// A study file's bytes, read as a flow's are and loaded, with every variant it names
/// opened.
fn opened(path: &Path, bytes: Vec<u8>) -> OpenedStudy {
    let read = flow::open::read(bytes, |text| match flow::load_study(text) {
        Ok(study) => (Some(study), Vec::new()),
        Err(e) => (None, e.diagnostics),
    });
    with_variants(path, read)
}

/// A study file as read, with every variant it names opened.
fn with_variants(path: &Path, read: flow::open::Read<Study>) -> OpenedStudy {
    let mut opened = OpenedStudy {
        path: path.display().to_string(),
        source: read.source,
        sha256: read.sha256,
        study: None,
        variants: Vec::new(),
        diagnostics: read.diagnostics,
        flows: Vec::new(),
        is_flow: false,
    };
    if let Some(study) = read.loaded {
        let folder = path.parent().unwrap_or(Path::new(""));
        let found = variants::open_all(&study, folder);
        opened.variants = found.variants;
        opened.flows = found.files;
        // As in a flow: what loading found first, then the characters that hide.
        let hidden = std::mem::replace(&mut opened.diagnostics, found.findings);
        opened.diagnostics.extend(hidden);
        opened.study = Some(study);
    }
    opened
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str =
        "flow: f\ntitle: F\nvariant: v\nsteps:\n  a:\n    text: Hi\n    end: success\n";

    #[test]
    fn a_flow_is_a_study_of_one_variant_with_nothing_of_its_own() {
        let flow = flow::open::opened("f.yaml".into(), FLOW.into());
        let sha256 = flow.sha256.clone();
        let opened = Opened::Flow(flow).into_study();
        assert!(opened.is_flow);
        let (study, variants) = opened.playable().expect("a good flow is playable");
        assert_eq!((study.id.as_str(), study.title.as_str()), ("f", "F"));
        assert_eq!((study.consent.as_ref(), study.target), (None, None));
        assert!(study.questions.is_empty());
        assert_eq!(variants.len(), 1);
        assert_eq!(variants[0].name, "v");
        assert_eq!(variants[0].path, Path::new("f.yaml"));
        assert_eq!(variants[0].sha256, sha256);
        assert_eq!(opened.flows.len(), 1);
    }

    #[test]
    fn a_flow_with_errors_is_refused_as_the_flow_refuses_itself() {
        let bad = "flow: f\ntitle: F\nsteps:\n  a:\n    text: Hi\n    go: nowhere\n";
        let flow = flow::open::opened("f.yaml".into(), bad.into());
        let refused = flow::open::opened("f.yaml".into(), bad.into()).playable();
        let opened = OpenedStudy::of_flow(flow);
        assert!(opened.variants.is_empty());
        assert_eq!(opened.refusal(), refused.err());
    }

    #[test]
    fn open_any_parses_once_and_opens_what_the_file_holds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("written");
            path
        };
        let Ok(Opened::Flow(flow)) = open_any(&write("f.yaml", FLOW.as_bytes())) else {
            panic!("a flow opens as a flow");
        };
        let alone = flow::open::opened(flow.path.clone(), FLOW.into());
        assert_eq!(
            (flow.flow, flow.diagnostics),
            (alone.flow, alone.diagnostics)
        );
        assert_eq!(flow.sha256, alone.sha256);
        for broken in [&b"flow: [\n"[..], b"study: s\ntitle: Caf\xe9\n"] {
            let Ok(Opened::Flow(flow)) = open_any(&write("b.yaml", broken)) else {
                panic!("what is not a study opens as a flow");
            };
            assert!(flow.flow.is_none() && flow.has_errors());
        }
        let Ok(Opened::Study(study)) = open_any(&write("s.yaml", b"study: s\n")) else {
            panic!("a study opens as a study, loaded or not");
        };
        assert!(study.study.is_none() && study.has_errors());
    }

    #[test]
    fn a_study_is_read_as_a_flow_is_hidden_characters_included() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("f.yaml"), FLOW).expect("flow written");
        let study = dir.path().join("s.yaml");
        let text = "study: s\ntitle: S\u{200B}\nvariants: [f.yaml]\n";
        std::fs::write(&study, text).expect("study written");
        let Ok(Opened::Study(opened)) = open_any(&study) else {
            panic!("a study file opens as a study");
        };
        assert!(!opened.is_flow);
        assert!(opened.playable().is_some());
        let codes: Vec<_> = opened.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["invisible-character"]);
        assert_eq!(opened.flows.len(), 1);
        assert!(opened.flows[0].opened.is_ok());
    }
}
