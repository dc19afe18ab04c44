//! Who plays what next: the variant (balanced, random or the researcher's), the order of
//! tasks or variants (fixed, a Williams design's row, or a seeded shuffle), and the slot.

use std::fmt;

use super::Variant;
use super::latin::{row_for, shuffled};
use super::progress::Progress;
use crate::flow::study::{Assign, Design, Study, TaskOrder};

/// What the researcher asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--variant`: required when the study assigns by hand.
    pub variant: Option<String>,
    /// The seed of every draw for this participant.
    pub seed: u64,
    /// `--over-target`: go on although every variant has reached its target.
    pub over_target: bool,
}

/// The next participant's part of the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variant played (within: every variant of `order`, in turn).
    pub variants: Vec<String>,
    /// Task ids (between) or variant names (within), in the order played.
    pub order: Vec<String>,
    /// The participant's number: among the variant's counted participants (between) or
    /// the study's (within), plus one. Declined and technical aborts free their slot.
    pub slot: u32,
    pub seed: u64,
}

/// Why no assignment could be made; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NeedVariant(Vec<String>),
    UnknownVariant {
        given: String,
        names: Vec<String>,
    },
    VariantInWithin,
    Full {
        target: u32,
        counts: Vec<(String, usize)>,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Refusal::NeedVariant(names) => write!(
                f,
                "this study assigns variants by hand: add --variant with one of {}",
                names.join(", ")
            ),
            Refusal::UnknownVariant { given, names } => write!(
                f,
                "--variant `{}` is not a variant of this study; its variants are {}",
                crate::text::printable(given),
                names.join(", ")
            ),
            Refusal::VariantInWithin => write!(
                f,
                "a `within` study plays every variant to each participant; leave out --variant"
            ),
            Refusal::Full { target, counts } => {
                let counts: Vec<String> = counts.iter().map(|(v, n)| format!("{v} {n}")).collect();
                write!(
                    f,
                    "the study is full: its target is {target} and it has {}; add --over-target to run one more",
                    counts.join(", ")
                )
            }
        }
    }
}

/// The next participant's variant, order and slot, given the sessions so far.
pub fn next(
    study: &Study,
    variants: &[Variant],
    progress: &Progress,
    request: &Request,
) -> Result<Assignment, Refusal> {
    let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
    match study.design {
        Design::Within => within(study, &names, progress, request),
        Design::Between => between(study, variants, &names, progress, request),
    }
}

fn within(
    study: &Study,
    names: &[String],
    progress: &Progress,
    request: &Request,
) -> Result<Assignment, Refusal> {
    if request.variant.is_some() {
        return Err(Refusal::VariantInWithin);
    }
    let counted = progress.participants();
    if let Some(target) = study.target
        && counted >= target as usize
        && !request.over_target
    {
        return Err(Refusal::Full {
            target,
            counts: vec![("participants".into(), counted)],
        });
    }
    let slot = slot_after(counted);
    let order = ordered(names, study.task_order, slot, request.seed);
    Ok(Assignment {
        variants: order.clone(),
        order,
        slot,
        seed: request.seed,
    })
}

fn between(
    study: &Study,
    variants: &[Variant],
    names: &[String],
    progress: &Progress,
    request: &Request,
) -> Result<Assignment, Refusal> {
    let counts: Vec<(String, usize)> = names
        .iter()
        .map(|n| (n.clone(), progress.counted(n)))
        .collect();
    if let Some(target) = study.target
        && counts.iter().all(|(_, n)| *n >= target as usize)
        && !request.over_target
    {
        return Err(Refusal::Full { target, counts });
    }
    let mut rng = fastrand::Rng::with_seed(request.seed);
    let chosen = match (&request.variant, study.assign) {
        (Some(given), _) => {
            names
                .iter()
                .position(|n| n == given)
                .ok_or_else(|| Refusal::UnknownVariant {
                    given: given.clone(),
                    names: names.to_vec(),
                })?
        }
        (None, Assign::Manual) => return Err(Refusal::NeedVariant(names.to_vec())),
        (None, Assign::Random) => rng.usize(..names.len()),
        (None, Assign::Balanced) => {
            let fewest = counts.iter().map(|(_, n)| *n).min().unwrap_or(0);
            let tied: Vec<usize> = (0..counts.len())
                .filter(|i| counts[*i].1 == fewest)
                .collect();
            tied[rng.usize(..tied.len())]
        }
    };
    let slot = slot_after(counts[chosen].1);
    let tasks: Vec<String> = variants[chosen]
        .flow
        .tasks
        .iter()
        .map(|t| t.id.clone())
        .collect();
    Ok(Assignment {
        variants: vec![names[chosen].clone()],
        order: ordered(&tasks, study.task_order, slot, request.seed),
        slot,
        seed: request.seed,
    })
}

fn slot_after(counted: usize) -> u32 {
    u32::try_from(counted).unwrap_or(u32::MAX - 1) + 1
}

/// `items` in the order the study asks for this slot.
fn ordered(items: &[String], order: TaskOrder, slot: u32, seed: u64) -> Vec<String> {
    let indices = match order {
        TaskOrder::Fixed => (0..items.len()).collect(),
        TaskOrder::LatinSquare => row_for(items.len(), slot),
        TaskOrder::Random => shuffled(items.len(), seed),
    };
    indices.into_iter().map(|i| items[i].clone()).collect()
}
