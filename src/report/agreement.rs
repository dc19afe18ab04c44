//! Agreement between coders who tagged the same sessions independently (`mvx agree`): per
//! tag, each coder's value on every step visit, compared by percent agreement, Cohen's
//! kappa and Krippendorff's alpha, and the visits they disagree on (docs/findings.md,
//! "Agreement").

use std::collections::BTreeSet;

use serde::Serialize;

use crate::codebook::Codebook;
use crate::session::{self, Moment, ObserverNote, Session, StepVisit};
use crate::stats;

/// Krippendorff (2004, p. 241): rely on a variable coded with alpha at least this.
pub const RELIABLE: f64 = 0.800;
/// ... and draw tentative conclusions only from one with alpha from this to `RELIABLE`.
pub const TENTATIVE: f64 = 0.667;

/// What the coders' agreement on every tag comes to.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    /// The coders compared, in the order given (or by name).
    pub coders: Vec<String>,
    /// How many sessions each coder wrote a note on, in the order of `coders`: where
    /// they have values.
    pub sessions_coded: Vec<usize>,
    /// Sessions read.
    pub sessions: usize,
    /// Step visits in those sessions: the units.
    pub units: usize,
    /// Whether a codebook named the tags (then tags nobody used are listed too).
    pub codebook: bool,
    pub tags: Vec<TagAgreement>,
}

/// The coders' agreement on one tag.
#[derive(Debug, Clone, Serialize)]
pub struct TagAgreement {
    pub tag: String,
    /// In the codebook; `None` when there is none.
    pub in_codebook: Option<bool>,
    /// The coders who used the tag on at least one unit, in the order of the coders.
    pub used_by: Vec<String>,
    /// Units with values from two coders or more: the units compared.
    pub units: usize,
    /// Of those, the units every coder with a value agrees on.
    pub agreed: usize,
    /// `agreed / units`, 0 to 1; `None` without units.
    pub percent_agreement: Option<f64>,
    /// Cohen's kappa, when exactly two coders are compared, over the units both coded;
    /// `None` also when undefined (see `reading`).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha (nominal, missing values allowed); `None` when undefined.
    pub alpha: Option<f64>,
    pub reading: Reading,
    pub disagreements: Vec<Disagreement>,
}

/// What alpha says by Krippendorff's own guidance, or why there is no alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Alpha at least .800.
    Reliable,
    /// From .667 to .800: tentative conclusions only.
    Tentative,
    /// Under .667.
    NotReliable,
    /// Every value given is the same (nobody used the tag, or everyone everywhere): alpha
    /// is 0/0.
    NoVariation,
    /// No unit has values from two coders.
    NoUnits,
}

/// A unit the coders with a value did not agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The session's id.
    pub session: String,
    pub participant: String,
    pub step: String,
    /// When the visit began, ms from the session's start.
    pub from_ms: u64,
    /// Coders who tagged the visit.
    pub tagged: Vec<String>,
    /// Coders with a value on the visit who did not tag it.
    pub not_tagged: Vec<String>,
}

/// The coders `mvx agree` compares by default: every author of notes kept beside the
/// sessions, by name.
pub fn coders_found(sessions: &[(Session, Vec<ObserverNote>)]) -> Vec<String> {
    authors(sessions, false)
}

/// Every author of a moment on the sessions, researchers' notes made during a session
/// included, by name: the names `--coder` may take.
pub fn authors_found(sessions: &[(Session, Vec<ObserverNote>)]) -> Vec<String> {
    authors(sessions, true)
}

fn authors(sessions: &[(Session, Vec<ObserverNote>)], during: bool) -> Vec<String> {
    let names: BTreeSet<String> = sessions
        .iter()
        .flat_map(|(session, notes)| session::moments(session, notes))
        .filter(|m| during || !m.during)
        .map(|m| m.author)
        .collect();
    names.into_iter().collect()
}

/// One session's units, and who has values there.
struct Coded<'s> {
    session: &'s Session,
    visits: Vec<StepVisit>,
    moments: Vec<Moment>,
    /// Per coder (in the order of the coders), whether they wrote a note on the session.
    present: Vec<bool>,
}

/// The agreement of `coders` on every tag, over the step visits of `sessions`. Tags are
/// the codebook's in its order, then any other tag the coders used, by name.
pub fn agreement(
    sessions: &[(Session, Vec<ObserverNote>)],
    coders: &[String],
    codebook: Option<&Codebook>,
) -> Agreement {
    let coded: Vec<Coded> = sessions
        .iter()
        .map(|(session, notes)| {
            let moments = session::moments(session, notes);
            let present = coders
                .iter()
                .map(|c| moments.iter().any(|m| &m.author == c))
                .collect();
            Coded {
                session,
                visits: session::step_visits(session),
                moments,
                present,
            }
        })
        .collect();
    let sessions_coded = (0..coders.len())
        .map(|i| coded.iter().filter(|c| c.present[i]).count())
        .collect();
    let tags = tags(&coded, coders, codebook)
        .into_iter()
        .map(|tag| {
            let in_codebook = codebook.map(|book| book.tag(&tag).is_some());
            tag_agreement(&coded, coders, tag, in_codebook)
        })
        .collect();
    Agreement {
        coders: coders.to_vec(),
        sessions_coded,
        sessions: sessions.len(),
        units: coded.iter().map(|c| c.visits.len()).sum(),
        codebook: codebook.is_some(),
        tags,
    }
}

/// The codebook's tags, then those the coders used that it lacks (or all they used,
/// without one), by name.
fn tags(coded: &[Coded], coders: &[String], codebook: Option<&Codebook>) -> Vec<String> {
    let listed = codebook.map(Codebook::names).unwrap_or_default();
    let used: BTreeSet<&String> = coded
        .iter()
        .flat_map(|c| &c.moments)
        .filter(|m| coders.contains(&m.author))
        .flat_map(|m| &m.tags)
        .filter(|t| !listed.contains(t))
        .collect();
    listed
        .iter()
        .cloned()
        .chain(used.into_iter().cloned())
        .collect()
}

fn tag_agreement(
    coded: &[Coded],
    coders: &[String],
    tag: String,
    in_codebook: Option<bool>,
) -> TagAgreement {
    let (units, disagreements) = values(coded, coders, &tag);
    let used_by = coders
        .iter()
        .enumerate()
        .filter(|(i, _)| units.iter().any(|u| u[*i] == Some(1)))
        .map(|(_, c)| c.clone())
        .collect();
    let percent = stats::percent_agreement(&units);
    let kappa = match coders.len() {
        2 => {
            let pairs: Vec<(u8, u8)> = units.iter().filter_map(|u| Some((u[0]?, u[1]?))).collect();
            stats::cohen_kappa(&pairs)
        }
        _ => None,
    };
    let alpha = stats::krippendorff_alpha_nominal(&units);
    TagAgreement {
        tag,
        in_codebook,
        used_by,
        units: percent.of,
        agreed: percent.agreed,
        percent_agreement: percent.share(),
        kappa,
        alpha,
        reading: reading(alpha, percent.of),
        disagreements,
    }
}

/// Every unit's values for `tag`, one per coder (`None` where the coder wrote no note
/// on the session), and the units the coders with a value disagree on.
fn values(
    coded: &[Coded],
    coders: &[String],
    tag: &str,
) -> (Vec<Vec<Option<u8>>>, Vec<Disagreement>) {
    let mut units: Vec<Vec<Option<u8>>> = Vec::new();
    let mut disagreements = Vec::new();
    for session in coded {
        for visit in &session.visits {
            let values: Vec<Option<u8>> = coders
                .iter()
                .zip(&session.present)
                .map(|(coder, present)| {
                    present.then(|| u8::from(tagged(&session.moments, coder, tag, visit)))
                })
                .collect();
            if let Some(d) = disagreement(session.session, visit, coders, &values) {
                disagreements.push(d);
            }
            units.push(values);
        }
    }
    (units, disagreements)
}

/// Whether one of `coder`'s moments tagged `tag` falls in `visit`.
fn tagged(moments: &[Moment], coder: &str, tag: &str, visit: &StepVisit) -> bool {
    moments.iter().any(|m| {
        m.author == coder && m.tags.iter().any(|t| t == tag) && visit.holds(m.at_ms, m.end_ms)
    })
}

/// The unit as a disagreement, if the coders with a value there did not all agree.
fn disagreement(
    session: &Session,
    visit: &StepVisit,
    coders: &[String],
    values: &[Option<u8>],
) -> Option<Disagreement> {
    let with = |wanted: u8| -> Vec<String> {
        coders
            .iter()
            .zip(values)
            .filter(|(_, v)| **v == Some(wanted))
            .map(|(c, _)| c.clone())
            .collect()
    };
    let (tagged, not_tagged) = (with(1), with(0));
    if tagged.is_empty() || not_tagged.is_empty() {
        return None;
    }
    Some(Disagreement {
        session: session.header.session.clone(),
        participant: session.header.participant.clone(),
        step: visit.step.clone(),
        from_ms: visit.from_ms,
        tagged,
        not_tagged,
    })
}

fn reading(alpha: Option<f64>, units: usize) -> Reading {
    match alpha {
        None if units == 0 => Reading::NoUnits,
        None => Reading::NoVariation,
        Some(a) if a >= RELIABLE => Reading::Reliable,
        Some(a) if a >= TENTATIVE => Reading::Tentative,
        Some(_) => Reading::NotReliable,
    }
}

#[cfg(test)]
mod tests;
