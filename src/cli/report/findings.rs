//! The report's findings gathered as sessions are read: each session's tagged moments,
//! and for an HTML report the sessions they are in as replays, so each quote links to
//! its moment (docs/findings.md).

use std::path::Path;

use super::replays::{Candidate, Chosen, Wanted};
use crate::report::findings::{Findings, Gathered, Seen};
use crate::session::{ObserverNote, Session};

/// What a codebook that cannot be used means for a report: one named with `--codebook`
/// stops it (`Some(exit code)`, the errors said), as `mvx agree` and `mvx export` stop;
/// one found beside the sessions is warned of, and the findings say tags are as typed.
pub(super) fn unusable_codebook(
    findings: &Findings,
    explicit: Option<&Path>,
    err: &mut dyn std::io::Write,
) -> std::io::Result<Option<u8>> {
    let Some(problem) = &findings.codebook_problem else {
        return Ok(None);
    };
    writeln!(err, "mvx: {}", crate::codebook::unusable(problem))?;
    Ok(explicit.map(|_| crate::cli::EXIT_USAGE))
}

/// Sessions with tagged moments an HTML report adds to its replays, at most: each
/// replay is the whole session in the page.
const TAGGED_REPLAYS: usize = 24;

/// What one session gives the findings, as read (on any core).
pub struct Tagged {
    seen: Option<Seen>,
    replay: Option<Candidate>,
}

/// The session's part: its tagged moments; in an HTML report, the session as a replay
/// when it has any.
pub fn of(session: &Session, notes: &[ObserverNote], html: bool, simulated: bool) -> Tagged {
    let seen = Seen::of(session, notes, simulated);
    let tagged = seen.as_ref().is_some_and(Seen::tagged);
    let replay = match html && tagged {
        true => {
            let wanted = Wanted::Participants(vec![session.header.participant.clone()]);
            Candidate::of(session, &wanted, simulated)
        }
        false => None,
    };
    Tagged { seen, replay }
}

/// The findings so far, in file order.
#[derive(Default)]
pub struct Collected {
    gathered: Gathered,
    replays: usize,
}

impl Collected {
    pub fn add(&mut self, tagged: Tagged, chosen: &mut Chosen) {
        if let Some(candidate) = tagged.replay
            && self.replays < TAGGED_REPLAYS
        {
            self.replays += 1;
            chosen.add_tagged(candidate);
        }
        if let Some(seen) = tagged.seen {
            self.gathered.add(seen);
        }
    }

    /// The findings with the codebook `explicit` names, or the one beside `study` (a
    /// study's report), or beside the first session's study or flow.
    pub fn findings(self, explicit: Option<&Path>, study: Option<&Path>) -> Findings {
        let path = match study {
            Some(study) => crate::codebook::find(explicit, Some(study), None),
            None => self.gathered.codebook_path(explicit),
        };
        let codebook = match path {
            None => Ok(None),
            Some(path) => crate::codebook::open(&path)
                .map(|codebook| Some((path.display().to_string(), codebook))),
        };
        self.gathered.findings(codebook)
    }
}
