//! `mvx simulate STUDY.yaml`: every variant flow simulated as a flow is, and with
//! `--sessions` synthetic participants assigned, ordered and recorded as `mvx play
//! STUDY.yaml` would record them, one after another into the same folder.

use std::io::{self, Write};
use std::path::Path;

use super::super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use super::SimulateArgs;
use super::{Done, simulated, written_note};
use crate::flow::study::Study;
use crate::simulate::Options;
use crate::simulate::sessions::Hesitation;
use crate::simulate::study::{Made, next_plan, write};
use crate::study::progress::Progress;
use crate::study::{OpenedStudy, Variant};
use crate::text::printable;

pub(super) fn run(
    path: &Path,
    args: &SimulateArgs,
    (options, hesitation): (&Options, &Hesitation),
    done: &mut Vec<Done>,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let opened = match crate::study::open(path) {
        Ok(opened) => opened,
        Err(e) => {
            writeln!(err, "mvx: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let Some((study, variants)) = opened.playable() else {
        writeln!(err, "{}", opened.rendered_errors().join("\n"))?;
        writeln!(
            err,
            "mvx: {} has errors; `mvx check` lists them too",
            printable(&opened.path)
        )?;
        return Ok(EXIT_FINDINGS);
    };
    let mut code = EXIT_OK;
    for variant in variants {
        let shown = variant.path.display().to_string();
        match simulated(&shown, &variant.flow, options, done, err)? {
            Some(found) => code = code.max(found),
            None => return Ok(EXIT_USAGE),
        }
    }
    if let Some(dir) = &args.sessions {
        let written = write_sessions(dir, (&opened, study, variants), args, hesitation);
        code = code.max(written_note(written, &study.id, dir, err)?);
    }
    Ok(code)
}

/// `--participants` synthetic participants, each assigned from the sessions already in
/// `dir` (those written a moment before included), as the next `mvx play` would be.
/// Participant `n` of the run is `S` and their number among the study's participants.
fn write_sessions(
    dir: &Path,
    (opened, study, _variants): (&OpenedStudy, &Study, &[Variant]),
    args: &SimulateArgs,
    hesitation: &Hesitation,
) -> io::Result<usize> {
    let started = chrono::Utc::now();
    let mut written = 0;
    for n in 1..=args.participants {
        let progress = Progress::read(&study.id, dir);
        let seen = progress.sessions.iter().map(|s| &s.participant);
        let number = seen.collect::<std::collections::BTreeSet<_>>().len() + 1;
        let seed = args.seed.wrapping_mul(1_000_003).wrapping_add(n as u64);
        let made = Made {
            participant: format!("S{number:02}"),
            ids: format!("sim-{}-{}-{n:02}", study.id, args.seed),
            seed,
            hesitation: *hesitation,
            max_moves: args.max_steps,
        };
        let plan = next_plan(opened, &progress, seed).map_err(io::Error::other)?;
        written += write(&plan, &made, dir, started).map_err(io::Error::other)?;
    }
    Ok(written)
}
