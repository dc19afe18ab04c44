//! `mvx report DIR` on study sessions: each study they belong to reported as one (as
//! `mvx report STUDY.yaml` does) before the per-flow report, when its file can be opened
//! from the path its sessions name and is the file they were recorded with.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::report::document::Document;
use crate::report::study::{StudyFold, StudyReport, Summary, document};
use crate::text::printable;

/// The sessions of each study met while reading, by study id, each study's folded as
/// they come (`StudyFold`): no session is kept.
#[derive(Debug)]
pub(super) struct Gathered {
    by_id: BTreeMap<String, StudyFold>,
    /// `--include-simulated`: left out otherwise, as from the per-flow report.
    include_simulated: bool,
}

impl Gathered {
    pub(super) fn new(include_simulated: bool) -> Self {
        Self {
            by_id: BTreeMap::new(),
            include_simulated,
        }
    }

    /// Folds in a session of a study, summed up where it was read, in file order.
    pub(super) fn add(&mut self, session: Summary) {
        if session.simulated && !self.include_simulated {
            return;
        }
        let fold = self.by_id.entry(session.study.clone()).or_default();
        fold.add(session);
    }

    /// Each study, opened and reported, or why it could not be.
    pub(super) fn reports(&self) -> Vec<StudySection> {
        self.by_id
            .iter()
            .map(|(id, fold)| section(id, fold))
            .collect()
    }
}

/// One study of the folder: its report, or why there is none.
#[derive(Debug, Serialize)]
pub(super) struct StudySection {
    pub study: String,
    /// The study file as the sessions name it.
    pub path: String,
    pub sessions: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<StudyReport>,
    /// Why the study is not reported as one; its sessions are still in the per-flow report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_reported: Option<String>,
}

/// The study `id`: every path its sessions name is tried, in the order met, until one
/// opens as this study with the sha256 one of the sessions recorded.
fn section(id: &str, fold: &StudyFold) -> StudySection {
    let mut paths: Vec<&str> = Vec::new();
    for (path, _) in &fold.paths {
        if !paths.contains(&path.as_str()) {
            paths.push(path);
        }
    }
    let mut why = Vec::new();
    for path in &paths {
        match report_from(id, path, fold) {
            Ok(report) => {
                return StudySection {
                    study: id.to_owned(),
                    path: (*path).to_owned(),
                    sessions: fold.sessions,
                    report: Some(report),
                    not_reported: None,
                };
            }
            Err(e) => why.push(e),
        }
    }
    StudySection {
        study: id.to_owned(),
        path: paths.first().map(|p| (*p).to_owned()).unwrap_or_default(),
        sessions: fold.sessions,
        report: None,
        not_reported: Some(why.join("; ")),
    }
}

fn report_from(id: &str, path: &str, fold: &StudyFold) -> Result<StudyReport, String> {
    let shown = printable(path);
    let opened = crate::study::open(Path::new(path)).map_err(|e| e.to_string())?;
    let recorded = (fold.paths.iter()).any(|(p, sha256)| p == path && *sha256 == opened.sha256);
    if !recorded {
        return Err(format!(
            "{shown} has changed since its sessions were recorded (its sha256 is not theirs); `mvx report {shown}` reports them against it as it is now"
        ));
    }
    let Some((study, variants)) = opened.playable() else {
        return Err(format!(
            "{shown} has errors; `mvx check {shown}` lists them"
        ));
    };
    if study.id != id {
        return Err(format!(
            "{shown} is now the study `{}`",
            printable(&study.id)
        ));
    }
    Ok(super::study::section(study, variants, fold))
}

/// Each study's repeat usage, for the customer's numbers that open the report.
pub(super) fn repeat_usage(
    sections: &[StudySection],
) -> Vec<crate::report::study::returns::RepeatUsage> {
    (sections.iter())
        .filter_map(|s| Some((s, s.report.as_ref()?.returns.as_ref()?)))
        .flat_map(|(s, r)| crate::report::study::returns::repeat_usage(&s.study, r))
        .collect()
}

/// The studies as documents, each set before the per-flow report; a study not reported
/// as one says why.
pub(super) fn documents(sections: &[StudySection]) -> Vec<Document> {
    sections
        .iter()
        .map(|s| match (&s.report, &s.not_reported) {
            (Some(report), _) => document::document(report),
            (None, why) => {
                document::not_reported(&s.study, s.sessions, why.as_deref().unwrap_or_default())
            }
        })
        .collect()
}
