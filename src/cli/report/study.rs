//! `mvx report STUDY.yaml [SESSIONS...]`: the study reported as one, then its sessions
//! reported as `mvx report` reports any (the first variant as the baseline).

use std::io::{self, Write};
use std::path::PathBuf;

use super::super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use super::{ReportArgs, ReportFormat};
use crate::flow::study::Study;
use crate::report::study::{self, StudyFold, StudyReport, Summary, document};
use crate::report::{Counting, ReportBuilder, read_sessions};
use crate::session::Session;
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
    builder.only_study(&study_file.id);
    // Each session of the study is tallied into the sessions' report and summed up for
    // the study's as it is read, on every core, then folded in file order: none is kept.
    let (include, id) = (args.include_simulated, study_file.id.as_str());
    // An HTML report's replays are chosen among the study's sessions as they are read.
    let wanted = match args.format {
        ReportFormat::Html => super::replays::Wanted::parse(args.replays.as_deref()),
        _ => super::replays::Wanted::None,
    };
    // And the sessions that together showed every step, for the screens beside them.
    let html = matches!(args.format, ReportFormat::Html);
    let also = |s: Session, notes: Vec<crate::session::ObserverNote>| match s.header.simulated
        && !include
    {
        true => Read::Simulated,
        false => Summary::of(&s)
            .filter(|x| x.study == id)
            .map_or(Read::Other, |x| {
                let candidate = super::replays::Candidate::of(&s, &wanted, include);
                let seen = super::screens::Seen::of(&s, html, include);
                let tagged = super::findings::of(&s, &notes, html, include);
                Read::Study(Box::new((x, candidate, seen, tagged)))
            }),
    };
    let mut fold = StudyFold::default();
    let mut chosen = super::replays::Chosen::default();
    let mut covering = super::screens::Covering::default();
    let mut collected = super::findings::Collected::default();
    let (mut simulated, mut unreadable) = (0, 0);
    let read = read_sessions(&mut builder, &paths, also, |read| match read {
        None => unreadable += 1,
        Some(Read::Simulated) => simulated += 1,
        Some(Read::Study(read)) => {
            let (summary, candidate, seen, tagged) = *read;
            fold.add(summary);
            collected.add(tagged, &mut chosen);
            if let Some(seen) = seen {
                covering.add(seen);
            }
            if let Some(candidate) = candidate {
                chosen.add(candidate, &wanted);
            }
        }
        Some(Read::Other) => {}
    });
    if let Err(why) = read {
        writeln!(err, "mvx: {}", printable(&why))?;
        return Ok(EXIT_USAGE);
    }
    let mut sessions_report = builder.finish();
    // What could not be read is said here, not in the sessions' report: what the walk
    // could not list, then each file that could not be read, in file order.
    let skipped = std::mem::take(&mut sessions_report.skipped);
    let (files, walk) = skipped.split_at(unreadable.min(skipped.len()));
    for problem in walk.iter().chain(files) {
        writeln!(err, "mvx: skipped {}", printable(problem))?;
    }
    if simulated > 0 {
        writeln!(
            err,
            "mvx: left out {simulated} simulated session(s) made by `mvx simulate`; --include-simulated counts them"
        )?;
    }
    let report = section(study_file, variants, &fold);
    if let Some(returns) = &report.returns {
        sessions_report.repeat_usage =
            crate::report::study::returns::repeat_usage(&report.status.study, returns);
    }
    sessions_report.frictions_addressed = super::frictions::for_study(
        &sessions_report,
        variants,
        study_path,
        args.frictions.as_deref(),
    );
    sessions_report.findings = collected.findings(args.codebook.as_deref(), Some(study_path));
    let explicit = args.codebook.as_deref();
    if let Some(code) =
        super::findings::unusable_codebook(&sessions_report.findings, explicit, err)?
    {
        return Ok(code);
    }
    let text = match args.format {
        ReportFormat::Json => {
            let json = serde_json::json!({ "study": report, "sessions": sessions_report });
            serde_json::to_string_pretty(&json).map_err(io::Error::other)? + "\n"
        }
        ReportFormat::Html => {
            let mut problems = Vec::new();
            let page = crate::report::html::Page {
                replays: chosen.replays(&mut problems),
                screens: covering.screens(&mut problems),
                studies: vec![document::document(&report)],
            };
            for problem in &problems {
                writeln!(err, "mvx: {}", printable(problem))?;
            }
            crate::report::html::page(&sessions_report, page)
        }
        ReportFormat::Md => crate::report::markdown::render_with(
            &sessions_report,
            vec![document::document(&report)],
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

type StudyRead = (
    Summary,
    Option<super::replays::Candidate>,
    Option<super::screens::Seen>,
    super::findings::Tagged,
);

/// A session as the study's report takes it.
enum Read {
    /// The session summed up, maybe a replay, maybe screens.
    Study(Box<StudyRead>),
    /// Made up by `mvx simulate`, left out (any study's: all are named).
    Simulated,
    Other,
}
