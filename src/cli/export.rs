//! `mvx export`: stream session files into three tidy tables, or write each session as
//! an asciicast of the participant's screens.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, progress};
use crate::export::{Exporter, FirstSessions, Format};
use crate::replay::cast;
use crate::session;
use crate::text::printable;

mod qda;

#[derive(Debug, clap::Args)]
pub(super) struct ExportArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// Table format, or `cast`: each session as an asciicast replay
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// The asciicast version written with `--format cast`
    #[arg(long, value_name = "2|3", default_value_t = 2, value_parser = clap::value_parser!(u8).range(2..=3))]
    cast_version: u8,
    /// Replace what participants typed and researchers noted with "[redacted]"
    #[arg(long)]
    redact_text: bool,
    /// Write CSV cells exactly as typed: by default a cell that starts with = + - @ gets a
    /// ' in front, so a spreadsheet never runs it as a formula
    #[arg(long)]
    raw_text: bool,
    /// The codebook for `--format qdc` and `qdpx` (default: codebook.yaml beside the first
    /// session's study or flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// Folder to write the tables to (made if missing)
    #[arg(short, long = "output", value_name = "DIR", default_value = "export")]
    output: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// Comma-separated values with a header row
    Csv,
    /// One JSON object per line
    Jsonl,
    /// One asciicast (`.cast`) per session: the participant's screens at their recorded
    /// times, the keys as input, a marker per step and note
    Cast,
    /// A study with returns as one CSV row per participant, trial and task (`long.csv`),
    /// ready for a mixed model of learning (docs/returns.md)
    Long,
    /// The codebook as a REFI-QDA codebook (`codebook.qdc`), for QualCoder, MAXQDA, NVivo,
    /// ATLAS.ti
    Qdc,
    /// The sessions and their notes as a REFI-QDA project (`project.qdpx`): each session a
    /// text, each note a selection coded with its tags (docs/export.md)
    Qdpx,
}

pub(super) fn run(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let format = match args.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Jsonl => Format::Jsonl,
        ExportFormat::Cast => return casts(args, out, err),
        ExportFormat::Long => return long(args, out, err),
        ExportFormat::Qdc => return qda::qdc(args, out, err),
        ExportFormat::Qdpx => return qda::qdpx(args, out, err),
    };
    let mut problems = Vec::new();
    let (events_path, sessions_path, tasks_path) = (
        args.output.join(format!("events.{}", format.extension())),
        args.output.join(format!("sessions.{}", format.extension())),
        args.output.join(format!("tasks.{}", format.extension())),
    );
    let opened = std::fs::create_dir_all(&args.output).and_then(|()| {
        Ok((
            create(&events_path)?,
            create(&sessions_path)?,
            create(&tasks_path)?,
        ))
    });
    let (events, sessions, tasks) = match opened {
        Ok(files) => files,
        Err(e) => {
            writeln!(
                err,
                "mvx: cannot write to {}: {e}",
                printable(&args.output.display().to_string())
            )?;
            return Ok(EXIT_USAGE);
        }
    };
    let mut exporter =
        Exporter::new(format, events, sessions, args.redact_text).with_tasks(format, tasks);
    if args.raw_text {
        exporter = exporter.raw_text();
    }
    let firsts = first_sessions(&args.paths);
    let mut exported = 0;
    let mut written = Ok(());
    let bar = progress::counting("exporting sessions");
    // Files are found as they are read, so memory does not grow with their number.
    let mut walk = session::Walk::new(&args.paths);
    session::map_each(
        &mut walk,
        |found, read| {
            read.map(|recorded| {
                let left_out = firsts.left_out(&recorded, found.index);
                (recorded, left_out)
            })
        },
        |read| {
            bar.inc(1);
            match read {
                Ok((recorded, left_out)) if written.is_ok() => {
                    let file = recorded.path.as_ref().map(|p| p.display().to_string());
                    for p in &recorded.problems {
                        let file = file.as_deref().unwrap_or("");
                        problems.push(format!("{file}:{}: left out: {}", p.line, p.why));
                    }
                    written = exporter.add(&recorded, left_out);
                    exported += 1;
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("skipped {e}")),
            }
        },
    );
    bar.finish_and_clear();
    problems.extend(walk.problems);
    written?;
    exporter.finish()?;
    for problem in &problems {
        writeln!(err, "mvx: {}", printable(problem))?;
    }
    writeln!(
        out,
        "exported {exported} session{} to {}, {} and {}",
        if exported == 1 { "" } else { "s" },
        events_path.display(),
        sessions_path.display(),
        tasks_path.display()
    )?;
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Every counted session of a study with returns as rows of `long.csv`, a task each.
fn long(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let path = args.output.join("long.csv");
    let shown = printable(&path.display().to_string());
    let file = std::fs::create_dir_all(&args.output).and_then(|()| create(&path));
    let mut writer = match file {
        Ok(file) => crate::export::Rows::new(Format::Csv, file, args.raw_text),
        Err(e) => {
            writeln!(err, "mvx: cannot write to {shown}: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let mut problems = Vec::new();
    let (mut rows, mut visits) = (0, 0);
    let mut written = Ok(());
    let mut walk = session::Walk::new(&args.paths);
    session::map_each(
        &mut walk,
        |_, read| read.map(|recorded| crate::study::returns::Visited::of(&recorded)),
        |read| match read {
            Ok(Some(visit)) if written.is_ok() => {
                visits += 1;
                for row in crate::export::long::LongRow::of(&visit) {
                    written = writer.write(&row);
                    if written.is_err() {
                        break;
                    }
                    rows += 1;
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(format!("skipped {e}")),
        },
    );
    problems.extend(walk.problems);
    written?;
    writer.flush()?;
    for problem in &problems {
        writeln!(err, "mvx: {}", printable(problem))?;
    }
    writeln!(
        out,
        "exported {rows} row{} from {visits} session{} of studies with returns to {shown}",
        if rows == 1 { "" } else { "s" },
        if visits == 1 { "" } else { "s" },
    )?;
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Each session found as a `.cast` file in the output folder, named as the session file.
fn casts(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let output = printable(&args.output.display().to_string());
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        writeln!(err, "mvx: cannot write to {output}: {e}")?;
        return Ok(EXIT_USAGE);
    }
    let version = match args.cast_version {
        3 => cast::Version::Three,
        _ => cast::Version::Two,
    };
    let (files, mut problems) = session::discover(&args.paths);
    let mut written = 0;
    for file in &files {
        let name = printable(&file.display().to_string());
        let made = session::read(file)
            .map_err(|e| e.to_string())
            .and_then(|recorded| {
                let (flow, _) = crate::study::arrange::recorded_flow(&recorded.header)?;
                let notes = session::read_notes(file);
                cast::cast(&recorded, file, &flow, &notes, version)
            });
        let text = match made {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{name}: skipped: {e}"));
                continue;
            }
        };
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        let path = args.output.join(format!("{stem}.cast"));
        match std::fs::write(&path, text) {
            Ok(()) => written += 1,
            Err(e) => problems.push(format!("cannot write {}: {e}", path.display())),
        }
    }
    for problem in &problems {
        writeln!(err, "mvx: {}", printable(problem))?;
    }
    writeln!(
        out,
        "wrote {written} replay{} (asciicast v{}) to {output}",
        if written == 1 { "" } else { "s" },
        args.cast_version
    )?;
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// A first reading: each participant's first session, so each row can say whether the
/// report counts it. (A repeat may be read before the first: only the whole set says.)
/// Problems are named by the second reading.
fn first_sessions(paths: &[PathBuf]) -> FirstSessions {
    let mut firsts = FirstSessions::default();
    let bar = progress::counting("finding each participant's first session");
    session::map_each(
        session::Walk::new(paths),
        |found, read| read.map(|recorded| (recorded, found.index)),
        |read| {
            bar.inc(1);
            if let Ok((recorded, place)) = read {
                firsts.see(&recorded, place);
            }
        },
    );
    bar.finish_and_clear();
    firsts
}

fn create(path: &Path) -> io::Result<BufWriter<File>> {
    File::create(path).map(BufWriter::new)
}
