//! `mvx study status`: where a study stands, as text or JSON.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::flow::study::Design;
use crate::study::Opened;
use crate::study::progress::Progress;
use crate::study::returns::{self, Returner};
use crate::study::status::{Candidate, Next, Status, status};
use crate::text::printable;

#[derive(Debug, Subcommand)]
pub(super) enum StudyCommand {
    /// Per variant: sessions counted against the target, declined, technical aborts; the next participant's variant and order
    #[command(after_help = "Examples:\n  mvx study status studies/espresso.yaml\n  \
        mvx study status studies/espresso.yaml --sessions sessions/ --format json\n\n\
        Who is counted: docs/studies.md.")]
    Status(StudyStatusArgs),
}

#[derive(Debug, clap::Args)]
pub(super) struct StudyStatusArgs {
    /// The study file
    #[arg(value_name = "STUDY")]
    study: PathBuf,
    /// Folder the study's sessions are in
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    format: StatusFormat,
    /// Count sessions made up by `mvx simulate --sessions` (left out by default, as
    /// `mvx play` and `mvx serve` leave them out when they assign)
    #[arg(long)]
    include_simulated: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusFormat {
    /// A table for people
    Text,
    /// Every figure, machine-readable
    Json,
}

pub(super) fn run(
    command: &StudyCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let StudyCommand::Status(args) = command;
    let opened = match crate::study::open_any(&args.study) {
        Ok(Opened::Study(opened)) => opened,
        // A flow that loads is not a study; one that does not says why, as a study would.
        Ok(Opened::Flow(flow)) if flow.flow.is_none() => {
            writeln!(err, "{}", flow.playable().err().unwrap_or_default())?;
            return Ok(EXIT_FINDINGS);
        }
        Ok(Opened::Flow(flow)) => {
            let path = printable(&flow.path);
            writeln!(
                err,
                "mvx: {path} is a flow, not a study; `mvx study status` takes a study file (see docs/studies.md)"
            )?;
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            writeln!(err, "mvx: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let Some((study, variants)) = opened.playable() else {
        writeln!(err, "{}", opened.refusal().unwrap_or_default())?;
        return Ok(EXIT_FINDINGS);
    };
    let mut status_now = None;
    let progress = match args.include_simulated {
        true => Progress::read_with_simulated(&study.id, &args.sessions),
        false => Progress::read(&study.id, &args.sessions),
    };
    let playing = crate::study::reserve::playing(&args.sessions, &study.id);
    let mut status = status(study, variants, &progress, &playing);
    if study.returns.any() {
        #[allow(clippy::disallowed_methods)] // the shell: where each schedule stands now
        let now_ms = chrono::Utc::now().timestamp_millis();
        let visits = returns::visits(&study.id, &args.sessions, args.include_simulated);
        status.returns = Some(returns::returners(study, &visits, now_ms));
        status_now = Some(now_ms);
    }
    for problem in &status.unreadable {
        writeln!(err, "mvx: skipped {problem}")?;
    }
    match args.format {
        StatusFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &status).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        StatusFormat::Text => {
            text(&status, out)?;
            if let (Some(standings), Some(now_ms)) = (&status.returns, status_now) {
                returning(standings, now_ms, out)?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn text(status: &Status, out: &mut dyn Write) -> io::Result<()> {
    let target = status.target_words();
    writeln!(
        out,
        "Study {}: {}",
        printable(&status.study),
        printable(&status.title)
    )?;
    writeln!(
        out,
        "{} design, {target}, {} participants counted\n",
        status.design.word(),
        status.participants
    )?;
    let width = status
        .variants
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    writeln!(
        out,
        "  {:width$}  counted  declined  technical aborts",
        "variant"
    )?;
    for v in &status.variants {
        let counted = match (status.design, status.target) {
            (Design::Between, Some(t)) => format!("{}/{t}", v.counted),
            _ => v.counted.to_string(),
        };
        writeln!(
            out,
            "  {:width$}  {counted:>7}  {:>8}  {:>16}",
            printable(&v.name),
            v.declined,
            v.technical_aborts
        )?;
    }
    if status.playing > 0 {
        writeln!(
            out,
            "  ({} playing now: the next participant is assigned around them)",
            status.playing
        )?;
    }
    if status.simulated_left_out > 0 {
        writeln!(
            out,
            "  ({} simulated sessions left out: --include-simulated counts them)",
            status.simulated_left_out
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Next participant: {}", next(&status.next))?;
    if !status.seen_twice.is_empty() {
        writeln!(
            out,
            "Seen twice: {} (reports count each participant's first session)",
            status.seen_twice.join(", ")
        )?;
    }
    Ok(())
}

fn next(next: &Next) -> String {
    match next {
        Next::Full => "the study is full; `mvx play --over-target` runs one more".into(),
        Next::Manual => "the variant named with --variant".into(),
        Next::Assigned { candidate } => candidate_words(candidate),
        Next::Drawn { candidates } => {
            let each: Vec<String> = candidates.iter().map(candidate_words).collect();
            format!("drawn when the session starts, one of: {}", each.join("; "))
        }
    }
}

fn candidate_words(c: &Candidate) -> String {
    let order = match &c.order {
        Some(order) if !order.is_empty() => format!(", order {}", order.join(" → ")),
        Some(_) => String::new(),
        None => ", order drawn at the start".into(),
    };
    format!("{} (slot {}{order})", c.variants.join(" then "), c.slot)
}

/// Where each participant stands in their schedule: due now (the longest open first),
/// then those waiting (the soonest first), then how many have played every session.
fn returning(standings: &[Returner], now_ms: i64, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nComing back (docs/returns.md):")?;
    let (mut due, mut waiting, mut done) = (Vec::new(), Vec::new(), 0);
    for s in standings {
        let trials = s.trials;
        let (Some(trial), Some(opens)) = (s.next, s.opens_ms) else {
            done += 1;
            continue;
        };
        let who = printable(&s.participant);
        match s.open_now {
            true => due.push(format!(
                "{who} (session {trial} of {trials}, open for {})",
                returns::wait(now_ms - opens)
            )),
            false => waiting.push(format!(
                "{who} (session {trial} of {trials} opens {}, in {})",
                returns::local_time(opens),
                returns::wait(opens - now_ms)
            )),
        }
    }
    for (heading, items) in [("due now", &due), ("not yet", &waiting)] {
        match items.is_empty() {
            true => writeln!(out, "  {heading}: nobody")?,
            false => {
                writeln!(out, "  {heading}:")?;
                for item in items {
                    writeln!(out, "    {item}")?;
                }
            }
        }
    }
    writeln!(out, "  played every session: {done}")?;
    Ok(())
}
