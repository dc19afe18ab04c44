//! `mvx check STUDY.yaml`: the study file's findings, then each variant flow's own.

use std::path::Path;

use super::{FileReport, check_file};
use crate::study;

/// The study's report first, then one per variant flow that could be read.
pub(super) fn check_study(path: &Path) -> Vec<FileReport> {
    let mut report = FileReport {
        path: path.display().to_string(),
        flow: None,
        unreadable: None,
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
        source: String::new(),
        study: true,
    };
    let mut variants = Vec::new();
    match study::open(path) {
        Err(e) => report.unreadable = Some(e.to_string()),
        Ok(opened) => {
            let folder = path.parent().unwrap_or(Path::new(""));
            if let Some(study) = &opened.study {
                report.flow = Some(study.id.clone());
                variants = (study.variants.iter())
                    .map(|v| folder.join(&v.path))
                    .filter(|p| p.is_file())
                    .map(|p| check_file(&p))
                    .collect();
            }
            report.findings = opened.diagnostics;
            report.source = opened.source;
        }
    }
    report.errors = report.findings.iter().filter(|d| d.is_error()).count();
    report.warnings = report.findings.len() - report.errors;
    let mut reports = vec![report];
    reports.extend(variants);
    reports
}
