//! `mvx simulate STUDY.yaml --sessions`: synthetic participants assigned, ordered and
//! recorded as `mvx play STUDY.yaml` would record them, one after another into the same
//! folder. (Its variants are simulated as any flow is, in `cli/simulate.rs`.)

use std::io;
use std::path::Path;

use super::SimulateArgs;
use crate::flow::study::Study;
use crate::simulate::sessions::Hesitation;
use crate::simulate::study::{Made, next_plan, write};
use crate::study::progress::Progress;
use crate::study::{OpenedStudy, Variant};

/// `--participants` synthetic participants, each assigned from the sessions already in
/// `dir` (those written a moment before included), as the next `mvx play` would be.
/// Participant `n` of the run is `S` and their number among the study's participants.
pub(super) fn write_sessions(
    dir: &Path,
    (opened, study, _variants): (&OpenedStudy, &Study, &[Variant]),
    args: &SimulateArgs,
    hesitation: &Hesitation,
) -> io::Result<usize> {
    let started = chrono::Utc::now();
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
        };
        let plan = next_plan(opened, &progress, seed).map_err(io::Error::other)?;
        written += write(&plan, &made, dir, started).map_err(io::Error::other)?;
    }
    Ok(written)
}
