//! `mvx check`: load and lint flows, studies and codebooks, print findings as text or
//! JSON. A study's file is reported, then each of its variant flows; a flow is a study of
//! one variant with no file of its own, so only the flow is reported. A flow's
//! `addresses:` are checked against the codebook found for it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::codebook::{self, Codebook, Lookup};
use crate::diagnostic::Diagnostic;
use crate::flow;
use crate::study::{OpenedStudy, VariantFile};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Flow, study or codebook files to check
    #[arg(required = true, value_name = "FLOW")]
    flows: Vec<PathBuf>,
    /// How to print findings
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Treat warnings as errors for the exit code
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// `file:line:col: error: message`, the source line and a caret
    Text,
    /// One JSON document, for editors and CI
    Json,
}

/// What checking one file found.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow: Option<String>,
    /// Set when the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<String>,
    errors: usize,
    warnings: usize,
    findings: Vec<Diagnostic>,
    #[serde(skip)]
    source: String,
    /// A study file (`flow` is then the study's id), not a flow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    study: bool,
    /// A codebook file (`flow` is then the codebook's id), not a flow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    codebook: bool,
}

#[derive(Debug, Serialize)]
struct Summary {
    files: Vec<FileReport>,
    errors: usize,
    warnings: usize,
}

pub(super) fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let mut codebooks = Codebooks::default();
    let mut files: Vec<FileReport> = Vec::new();
    for path in &args.flows {
        if let Some(read) = codebook::read_if_codebook(path) {
            files.push(FileReport::of_codebook(path, read));
            continue;
        }
        match crate::study::open_any(path) {
            Ok(opened) => files.extend(reports(opened.into_study(), &mut codebooks)),
            Err(e) => files.push(FileReport::unreadable(path.display().to_string(), &e)),
        }
    }
    let summary = Summary {
        errors: files.iter().map(|f| f.errors).sum(),
        warnings: files.iter().map(|f| f.warnings).sum(),
        files,
    };
    match args.format {
        CheckFormat::Text => print_text(&summary, out, err)?,
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &summary).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(if summary.files.iter().any(|f| f.unreadable.is_some()) {
        EXIT_USAGE
    } else if summary.errors > 0 || (args.strict && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The codebooks found so far, by where they were found, each opened once.
#[derive(Default)]
struct Codebooks(HashMap<Option<PathBuf>, Lookup>);

impl Codebooks {
    /// What a flow's `addresses:` say that its codebook (the study's, else the flow's)
    /// does not.
    fn check(
        &mut self,
        opened: &flow::Opened,
        path: &Path,
        study: Option<&Path>,
    ) -> Vec<Diagnostic> {
        let Some(flow) = opened.flow.as_ref().filter(|f| !f.addresses.is_empty()) else {
            return Vec::new();
        };
        let found = codebook::find(None, study, Some(path));
        let lookup = (self.0.entry(found.clone())).or_insert_with(|| Lookup::of(found));
        codebook::check_addresses(&flow.addresses, lookup)
    }
}

/// The study file's report (none for a single flow), then one per flow file it names
/// that exists: read, or why it could not be.
fn reports(opened: OpenedStudy, codebooks: &mut Codebooks) -> Vec<FileReport> {
    let study = (!opened.is_flow).then(|| PathBuf::from(&opened.path));
    let own = (!opened.is_flow).then(|| FileReport {
        study: true,
        ..FileReport::found(
            opened.path,
            opened.study.map(|s| s.id),
            opened.diagnostics,
            opened.source,
        )
    });
    let flows = opened.flows.into_iter().filter_map(|file| match file {
        VariantFile {
            opened: Ok(f),
            path,
        } => {
            let found = codebooks.check(&f, &path, study.as_deref());
            Some(FileReport::of_flow(f, found))
        }
        VariantFile {
            opened: Err(e),
            path,
        } => (path.is_file()).then(|| FileReport::unreadable(path.display().to_string(), &e)),
    });
    own.into_iter().chain(flows).collect()
}

impl FileReport {
    fn found(path: String, id: Option<String>, findings: Vec<Diagnostic>, source: String) -> Self {
        let errors = findings.iter().filter(|d| d.is_error()).count();
        FileReport {
            path,
            flow: id,
            unreadable: None,
            errors,
            warnings: findings.len() - errors,
            findings,
            source,
            study: false,
            codebook: false,
        }
    }

    /// A flow's report: what opening it found, then what its codebook says of it.
    fn of_flow(opened: flow::Opened, codebook: Vec<Diagnostic>) -> Self {
        let id = opened.flow.map(|f| f.id);
        let mut findings = opened.diagnostics;
        findings.extend(codebook);
        Self::found(opened.path, id, findings, opened.source)
    }

    fn of_codebook(path: &Path, read: flow::open::Read<Codebook>) -> Self {
        let id = read.loaded.map(|c| c.id);
        FileReport {
            codebook: true,
            ..Self::found(
                path.display().to_string(),
                id,
                read.diagnostics,
                read.source,
            )
        }
    }

    fn unreadable(path: String, why: &dyn std::fmt::Display) -> Self {
        FileReport {
            unreadable: Some(why.to_string()),
            ..Self::found(path, None, Vec::new(), String::new())
        }
    }
}

fn print_text(summary: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
    for file in &summary.files {
        if let Some(message) = &file.unreadable {
            writeln!(err, "mvx: {message}")?;
        }
        for finding in &file.findings {
            writeln!(out, "{}", finding.render(&file.path, &file.source))?;
        }
    }
    writeln!(out, "{}", headline(summary))?;
    for file in summary
        .files
        .iter()
        .filter(|f| f.unreadable.is_none() && f.findings.is_empty())
    {
        writeln!(out, "  ok  {}", printable(&file.path))?;
    }
    Ok(())
}

/// "checked 2 flows: 1 error, no warnings" ("checked 1 study and 2 flows: ..." when a
/// study file is among them), naming the files that could not be read.
fn headline(summary: &Summary) -> String {
    let files = summary.files.len();
    let unreadable = summary
        .files
        .iter()
        .filter(|f| f.unreadable.is_some())
        .count();
    let (errors, warnings) = (
        count(summary.errors, "error"),
        count(summary.warnings, "warning"),
    );
    if unreadable > 0 {
        let plural = if files == 1 { "" } else { "s" };
        return format!(
            "checked {files} file{plural}: {unreadable} could not be read, {errors}, {warnings}"
        );
    }
    let studies = summary.files.iter().filter(|f| f.study).count();
    let codebooks = summary.files.iter().filter(|f| f.codebook).count();
    let flows = files - studies - codebooks;
    let named: Vec<String> = [
        noun(studies, "study", "studies"),
        noun(flows, "flow", "flows"),
        noun(codebooks, "codebook", "codebooks"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let checked = match named.split_last() {
        None => "0 flows".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    format!("checked {checked}: {errors}, {warnings}")
}

/// "1 study", "3 flows"; none at all is left unsaid.
fn noun(n: usize, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

fn count(n: usize, noun: &str) -> String {
    match n {
        0 => format!("no {noun}s"),
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}
