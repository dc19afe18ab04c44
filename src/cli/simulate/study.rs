//! `mvx simulate STUDY.yaml --sessions`: synthetic participants assigned, ordered and
//! recorded as `mvx play STUDY.yaml` would record them, one after another into the same
//! folder, each coming back for their later trials in a study with returns. (Its variants
//! are simulated as any flow is, in `cli/simulate.rs`.)

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::SimulateArgs;
use crate::flow::study::Study;
use crate::simulate::returns::{Returning, write_participant};
use crate::simulate::sessions::Hesitation;
use crate::simulate::study::{Made, next_plan};
use crate::study::progress::Progress;
use crate::study::{OpenedStudy, Variant};

/// `--participants` synthetic participants, each assigned from the sessions already in
/// `dir` (those written a moment before included), as the next `mvx play` would be.
/// Participant `n` of the run is `S` and their number among the study's participants.
/// Their first trials start now; returns follow on the study's schedule, in the future.
pub(super) fn write_sessions(
    dir: &Path,
    (opened, study, _variants): (&OpenedStudy, &Study, &[Variant]),
    args: &SimulateArgs,
    hesitation: &Hesitation,
) -> io::Result<usize> {
    let started = to_the_millisecond(Utc::now());
    let returning = Returning {
        dropout: args.dropout,
        learning_rate: args.learning_rate,
    };
    let mut written = 0;
    for n in 1..=args.participants {
        let progress = Progress::read_with_simulated(&study.id, dir);
        let number = progress.people() + 1;
        let seed = args.seed.wrapping_mul(1_000_003).wrapping_add(n as u64);
        let made = Made {
            participant: format!("S{number:02}"),
            ids: format!("sim-{}-{}-{n:02}", study.id, args.seed),
            seed,
            hesitation: *hesitation,
            max_moves: args.max_steps,
            pace: 1.0,
        };
        let plan = next_plan(opened, &progress, seed).map_err(io::Error::other)?;
        written += write_participant(opened, plan, &made, (dir, started), &returning)
            .map_err(io::Error::other)?;
    }
    Ok(written)
}

/// `at` as a header records it: a trial's start read back from its header is the one
/// its `visit` block was counted from.
fn to_the_millisecond(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}
