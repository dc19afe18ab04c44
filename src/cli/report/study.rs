//! `mvx report STUDY.yaml [SESSIONS...]`: the study reported as one, then its sessions
//! reported as `mvx report` reports any (the first variant as the baseline).

use std::io::{self, Write};
use std::path::PathBuf;

use super::super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use super::{ReportArgs, ReportFormat};
use crate::flow::study::Study;
use crate::report::study::{self, StudyFold, StudyReport, Summary, document};
use crate::report::{Counting, ReportBuilder};
use crate::session;
use crate::study::Variant;
use crate::study::status::status;
use crate::text::printable;

pub(super) fn run(
    args: &ReportArgs,
    study_path: &PathBuf,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let opened = match crate::study::open(study_path) {
        Ok(opened) => opened,
        Err(e) => {
            writeln!(err, "mvx: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let Some((study_file, variants)) = opened.playable() else {
        writeln!(err, "{}", opened.refusal().unwrap_or_default())?;
        return Ok(EXIT_FINDINGS);
    };
    let mut paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| *p != study_path)
        .cloned()
        .collect();
    if paths.is_empty() {
        paths.push(PathBuf::from("sessions"));
    }
    let (files, problems) = session::discover(&paths);
    let counting = Counting {
        all_attempts: args.all_attempts,
        count_technical: args.count_technical,
        baseline: args
            .baseline
            .clone()
            .or_else(|| variants.first().map(|v| v.name.clone())),
    };
    let mut builder = ReportBuilder::counting(None, counting);
    builder.include_simulated = args.include_simulated;
    // Each session of the study is folded into the study's report and tallied into the
    // sessions' report as it is read, in file order; none is kept.
    let mut fold = StudyFold::default();
    let mut skipped = problems;
    let mut simulated = 0;
    session::for_each(&files, |_, read| match read {
        Ok(s) if s.header.simulated && !args.include_simulated => simulated += 1,
        Ok(s) => {
            if let Some(summary) = Summary::of(&s).filter(|x| x.study == study_file.id) {
                builder.add(&s);
                fold.add(summary);
            }
        }
        Err(e) => skipped.push(e.to_string()),
    });
    for problem in &skipped {
        writeln!(err, "mvx: skipped {}", printable(problem))?;
    }
    if simulated > 0 {
        writeln!(
            err,
            "mvx: left out {simulated} simulated session(s) made by `mvx simulate`; --include-simulated counts them"
        )?;
    }
    let report = section(study_file, variants, &fold);
    let sessions_report = builder.finish();
    let text = match args.format {
        ReportFormat::Json => {
            let json = serde_json::json!({ "study": report, "sessions": sessions_report });
            serde_json::to_string_pretty(&json).map_err(io::Error::other)? + "\n"
        }
        ReportFormat::Html => {
            crate::report::html::render_with(&sessions_report, &[document::document(&report)])
        }
        ReportFormat::Md => format!(
            "{}\n{}",
            document::document(&report).markdown(),
            crate::report::markdown::render(&sessions_report)
        ),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map(|()| EXIT_OK).or_else(|e| {
            writeln!(err, "mvx: cannot write {}: {e}", path.display())?;
            Ok(EXIT_USAGE)
        }),
        None => out.write_all(text.as_bytes()).map(|()| EXIT_OK),
    }
}

/// The study's own report from its sessions folded: progress, the variants compared, the
/// decision.
pub(super) fn section(study: &Study, variants: &[Variant], fold: &StudyFold) -> StudyReport {
    study::build_from(study, status(study, variants, &fold.progress, &[]), fold)
}
