//! A study's status as data: per variant, who is counted against the target, who
//! declined, the technical aborts; what the next participant gets; who was seen twice.

use serde::Serialize;

use super::Variant;
use super::assign::{self, Assignment, Refusal, Request};
use super::progress::Progress;
use crate::flow::study::{Assign, Design, Study, TaskOrder};

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub study: String,
    pub title: String,
    pub design: Design,
    /// Per variant (between) or in all (within).
    pub target: Option<u32>,
    pub variants: Vec<VariantStatus>,
    /// Participants counted in the whole study.
    pub participants: usize,
    pub next: Next,
    pub seen_twice: Vec<String>,
    /// Session files that could not be read.
    pub unreadable: Vec<String>,
    /// Sessions made up by `mvx simulate --sessions`, not counted.
    pub simulated_left_out: usize,
    /// Participants playing now (in any process on the folder), whose places the next
    /// assignment leaves to them.
    pub playing: usize,
    /// In a study with returns: where each participant stands in their schedule, as
    /// of the moment the status was made (`returns::returners`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returns: Option<Vec<super::returns::Returner>>,
}

impl Status {
    /// `target 6 per variant`, `target 12 in all` or `no target`, as the status and the
    /// study's report both say it.
    pub fn target_words(&self) -> String {
        let per = match self.design {
            Design::Between => "per variant",
            Design::Within => "in all",
        };
        self.target
            .map_or("no target".to_owned(), |t| format!("target {t} {per}"))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantStatus {
    pub name: String,
    /// Participants counted (between), or counted sessions of the variant (within).
    pub counted: usize,
    pub declined: usize,
    pub technical_aborts: usize,
}

/// What `mvx play STUDY.yaml` would give the next participant.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Next {
    /// Every variant is at its target: `--over-target` runs one more.
    Full,
    /// The researcher names the variant with `--variant`.
    Manual,
    /// One of these variants, drawn when the session starts (a tie, or random assignment).
    Drawn {
        candidates: Vec<Candidate>,
    },
    Assigned {
        candidate: Candidate,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The variants played, in turn.
    pub variants: Vec<String>,
    pub slot: u32,
    /// Task ids or variant names in order; none when the order is drawn at the start.
    pub order: Option<Vec<String>>,
}

/// The study's status; `playing` are the participants playing now
/// (`reserve::playing`), counted by the next assignment as the next `mvx play` counts
/// them, not in the counted columns.
pub fn status(
    study: &Study,
    variants: &[Variant],
    progress: &Progress,
    playing: &[(String, Assignment)],
) -> Status {
    let within = study.design == Design::Within;
    let rows = variants
        .iter()
        .map(|v| VariantStatus {
            name: v.name.clone(),
            counted: match within {
                true => progress.counted_sessions(&v.name),
                false => progress.counted(&v.name),
            },
            declined: progress.declined(&v.name),
            technical_aborts: progress.technical_aborts(&v.name),
        })
        .collect();
    Status {
        study: study.id.clone(),
        title: study.title.clone(),
        design: study.design,
        target: study.target,
        variants: rows,
        participants: progress.participants(),
        next: {
            let mut with_playing = progress.clone();
            for (who, assignment) in playing {
                super::reserve::playing_now(&mut with_playing, who, assignment);
            }
            next(study, variants, &with_playing)
        },
        playing: playing.len(),
        returns: None,
        seen_twice: progress.seen_twice(within),
        unreadable: (progress.unreadable.iter().cloned())
            .chain(progress.problem().map(|why| {
                format!(
                    "the index of participants could not be kept in the temporary folder {} ({why}): the counts leave out the sessions after it; set TMPDIR to a folder with room",
                    std::env::temp_dir().display()
                )
            }))
            .collect(),
        simulated_left_out: progress.simulated_left_out,
    }
}

fn next(study: &Study, variants: &[Variant], progress: &Progress) -> Next {
    let candidate = |variant: Option<String>| {
        let request = Request {
            variant,
            seed: 0,
            over_target: false,
        };
        assign::next(study, variants, progress, &request).map(|a| Candidate {
            variants: a.variants,
            slot: a.slot,
            order: (study.task_order != TaskOrder::Random).then_some(a.order),
        })
    };
    if study.design == Design::Within {
        return match candidate(None) {
            Ok(candidate) => Next::Assigned { candidate },
            Err(_) => Next::Full,
        };
    }
    if let Err(Refusal::Full { .. }) = candidate(Some(variants[0].name.clone())) {
        return Next::Full;
    }
    let fewest = variants
        .iter()
        .map(|v| progress.counted(&v.name))
        .min()
        .unwrap_or(0);
    let names: Vec<String> = match study.assign {
        Assign::Manual => return Next::Manual,
        Assign::Random => variants.iter().map(|v| v.name.clone()).collect(),
        Assign::Balanced => (variants.iter())
            .filter(|v| progress.counted(&v.name) == fewest)
            .map(|v| v.name.clone())
            .collect(),
    };
    let mut candidates: Vec<Candidate> = names
        .into_iter()
        .filter_map(|n| candidate(Some(n)).ok())
        .collect();
    match candidates.len() {
        1 => Next::Assigned {
            candidate: candidates.remove(0),
        },
        _ => Next::Drawn { candidates },
    }
}
