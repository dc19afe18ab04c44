//! `mvx report`: stream sessions into tallies, then render the figures.

mod findings;
mod frictions;
mod replays;
mod screens;
mod studies;
mod study;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_OK, EXIT_USAGE, progress};
use crate::report::{Counting, ReportBuilder, html, markdown, read_sessions};
use crate::session;
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// Report only this flow id
    #[arg(long, value_name = "ID")]
    flow: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    format: ReportFormat,
    /// Write the report to this file instead of stdout
    #[arg(short, long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Compare every other variant with this one (default: the first named variant by name)
    #[arg(long, value_name = "VARIANT")]
    baseline: Option<String>,
    /// Count every session of a participant, not only their first
    #[arg(long)]
    all_attempts: bool,
    /// Count technical endings (researcher's abort, signal, cut-off file) as failures
    #[arg(long)]
    count_technical: bool,
    /// Count sessions made up by `mvx simulate --sessions` (left out by default)
    #[arg(long)]
    include_simulated: bool,
    /// Sessions an HTML report lets its reader watch: participant ids (P03,P07), or
    /// `none`; by default the slowest and the fastest complete session of each variant
    #[arg(long, value_name = "IDS|none")]
    replays: Option<String>,
    /// The friction map ranking the frictions flows address (default: frictions.yaml
    /// beside the study or the first flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    frictions: Option<PathBuf>,
    /// The codebook the findings' tags come from (default: codebook.yaml beside the study
    /// or the first session's flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Markdown
    Md,
    /// One self-contained HTML file with charts
    Html,
    /// Every figure, machine-readable
    Json,
}

pub(super) fn run(args: &ReportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let is_study = |p: &&std::path::PathBuf| {
        matches!(
            crate::study::open_any(p),
            Ok(crate::study::Opened::Study(_))
        )
    };
    if let Some(study) = args.paths.iter().find(is_study) {
        return study::run(args, study, out, err);
    }
    let counting = Counting {
        all_attempts: args.all_attempts,
        count_technical: args.count_technical,
        baseline: args.baseline.clone(),
    };
    let mut builder = ReportBuilder::counting(args.flow.clone(), counting);
    builder.include_simulated = args.include_simulated;
    let bar = progress::counting("reading sessions");
    let mut gathered = studies::Gathered::new(args.include_simulated);
    // Sessions an HTML report replays are chosen as they are read: a few kept, no more.
    let wanted = match args.format {
        ReportFormat::Html => replays::Wanted::parse(args.replays.as_deref()),
        _ => replays::Wanted::None,
    };
    let mut chosen = replays::Chosen::default();
    // Sessions of a study are summed up for its own report where they are read, then
    // folded in file order; none is kept.
    // And the sessions that together showed every step, for the screens beside them.
    let html = matches!(args.format, ReportFormat::Html);
    let mut covering = screens::Covering::default();
    let of_study = |s: session::Session, notes: Vec<session::ObserverNote>| {
        let tagged = findings::of(&s, &notes, html, args.include_simulated);
        let candidate = replays::Candidate::of(&s, &wanted, args.include_simulated);
        let seen = screens::Seen::of(&s, html, args.include_simulated);
        let summary = crate::report::study::Summary::of(&s);
        (summary, candidate, seen, s.header, tagged)
    };
    let mut collected = findings::Collected::default();
    let mut recorded = frictions::Recorded::default();
    let read = read_sessions(&mut builder, &args.paths, of_study, |read| {
        bar.inc(1);
        let Some((study_session, candidate, seen, header, tagged)) = read else {
            return;
        };
        collected.add(tagged, &mut chosen);
        recorded.add(header);
        if let Some(seen) = seen {
            covering.add(seen);
        }
        if let Some(study_session) = study_session {
            gathered.add(study_session);
        }
        if let Some(candidate) = candidate {
            chosen.add(candidate, &wanted);
        }
    });
    bar.finish_and_clear();
    if let Err(why) = read {
        writeln!(err, "mvx: {}", printable(&why))?;
        return Ok(EXIT_USAGE);
    }
    let report = builder.finish();
    if let Some(wanted) = &args.baseline {
        for flow in &report.flows {
            if let Some(used) = flow.comparisons.first().map(|c| &c.baseline.variant)
                && used != wanted
            {
                writeln!(
                    err,
                    "mvx: flow `{}` has no variant `{}`; its variants are compared with `{}`",
                    printable(&flow.flow),
                    printable(wanted),
                    printable(used)
                )?;
            }
        }
    }
    for p in &report.data_problems {
        let file = printable(&p.file);
        writeln!(
            err,
            "mvx: {file}:{}: left out: {}",
            p.line,
            printable(&p.why)
        )?;
    }
    for skipped in &report.skipped {
        writeln!(err, "mvx: skipped {}", printable(skipped))?;
    }
    if report.simulated_left_out > 0 {
        let n = report.simulated_left_out;
        writeln!(
            err,
            "mvx: left out {n} simulated session(s) made by `mvx simulate`; --include-simulated counts them"
        )?;
    }
    let sections = gathered.reports();
    let mut report = report;
    report.repeat_usage = studies::repeat_usage(&sections);
    report.frictions_addressed = frictions::section(&report, &recorded, args.frictions.as_deref());
    report.findings = collected.findings(args.codebook.as_deref(), None);
    let explicit = args.codebook.as_deref();
    if let Some(code) = findings::unusable_codebook(&report.findings, explicit, err)? {
        return Ok(code);
    }
    let documents = studies::documents(&sections);
    let text = match args.format {
        ReportFormat::Md => markdown::render_with(&report, documents),
        ReportFormat::Html => {
            let mut problems = Vec::new();
            let page = html::Page {
                replays: chosen.replays(&mut problems),
                screens: covering.screens(&mut problems),
                studies: documents,
            };
            for problem in &problems {
                writeln!(err, "mvx: {}", printable(problem))?;
            }
            html::page(&report, page)
        }
        ReportFormat::Json => json(&report, &sections)?,
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                writeln!(
                    err,
                    "mvx: cannot write {}: {e}",
                    printable(&path.display().to_string())
                )?;
                return Ok(EXIT_USAGE);
            }
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(EXIT_OK)
}

/// The report as JSON; sessions of studies add `studies`, each reported as one or with
/// why not, beside the report's own keys.
fn json(report: &crate::report::Report, sections: &[studies::StudySection]) -> io::Result<String> {
    let mut value = serde_json::to_value(report).map_err(io::Error::other)?;
    if !sections.is_empty()
        && let Some(object) = value.as_object_mut()
    {
        let studies = serde_json::to_value(sections).map_err(io::Error::other)?;
        object.insert("studies".into(), studies);
    }
    serde_json::to_string_pretty(&value)
        .map_err(io::Error::other)
        .map(|t| t + "\n")
}
