//! `mvx simulate STUDY.yaml --sessions`: synthetic participants assigned, ordered and
//! recorded as `mvx play STUDY.yaml` would record them, one after another into the same
//! folder. (Its variants are simulated as any flow is, in `cli/simulate.rs`.)

use std::io;
use std::path::Path;

use super::super::SimulateArgs;
use super::synthetic_header;
use crate::flow::study::Study;
use crate::session::{FlowRef, SessionWriter};
use crate::simulate::sessions::Hesitation;
use crate::simulate::study::{StudyFile, next_participant};
use crate::study::progress::Progress;
use crate::study::{OpenedStudy, Variant};

/// `--participants` synthetic participants, each assigned from the sessions already in
/// `dir` (those written a moment before included), as the next `mvx play` would be.
/// Participant `n` of the run is `S` and their number among the study's participants.
pub(super) fn write_sessions(
    dir: &Path,
    (opened, study, variants): (&OpenedStudy, &Study, &[Variant]),
    args: &SimulateArgs,
    hesitation: &Hesitation,
) -> io::Result<usize> {
    let started = chrono::Utc::now();
    let file = StudyFile {
        path: &opened.path,
        sha256: &opened.sha256,
    };
    let mut written = 0;
    for n in 1..=args.participants {
        let progress = Progress::read(&study.id, dir);
        let seen = progress.sessions.iter().map(|s| &s.participant);
        let number = seen.collect::<std::collections::BTreeSet<_>>().len() + 1;
        let seed = args.seed.wrapping_mul(1_000_003).wrapping_add(n as u64);
        let sessions = next_participant(
            study,
            variants,
            &progress,
            file,
            seed,
            hesitation,
            args.max_steps,
        )
        .map_err(|refusal| io::Error::other(refusal.to_string()))?;
        let mut at = started;
        for s in sessions {
            let variant = &variants[s.variant];
            let shown = variant.path.display().to_string();
            let mut header = synthetic_header(
                format!("sim-{}-{}-{n:02}-{}", study.id, args.seed, variant.name),
                FlowRef::of(&s.flow, &shown, &variant.sha256),
                format!("S{number:02}"),
                at,
            );
            header.study = Some(s.block);
            let mut writer = SessionWriter::create(dir, &header, at)?;
            for event in &s.events {
                writer.append(event)?;
            }
            // A within participant's next session starts when this one ended.
            let last = s.events.last().map_or(0, |e| e.at_ms);
            at += chrono::Duration::milliseconds(i64::try_from(last).unwrap_or(0));
            written += 1;
        }
    }
    Ok(written)
}
