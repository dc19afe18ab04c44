//! The sessions an HTML report lets its reader watch: the participants asked for
//! (`--replays P03,P07`), or by default the slowest and the fastest complete session of
//! each flow's variant, chosen while the sessions are read (a few candidates kept, not
//! the sessions), then written as asciicasts for the report's player.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::replay::cast;
use crate::report::html::Replay;
use crate::report::screen::VersionKey;
use crate::session::{self, EventKind, Session, SessionOutcome};
use crate::text::printable;

/// Which sessions to replay.
#[derive(Debug, Clone, PartialEq)]
pub enum Wanted {
    /// No replays (`--replays none`).
    None,
    /// The slowest and the fastest complete session of each variant.
    Extremes,
    /// Every session of these participants.
    Participants(Vec<String>),
}

impl Wanted {
    /// `--replays`: ids separated by commas, `none`, or nothing for the default.
    pub fn parse(given: Option<&str>) -> Wanted {
        match given.map(str::trim) {
            None | Some("") => Wanted::Extremes,
            Some("none") => Wanted::None,
            Some(ids) => Wanted::Participants(
                ids.split(',')
                    .map(|id| id.trim().to_owned())
                    .filter(|id| !id.is_empty())
                    .collect(),
            ),
        }
    }
}

/// One session that may be replayed, as read.
#[derive(Debug, Clone)]
pub struct Candidate {
    path: PathBuf,
    participant: String,
    flow: String,
    variant: String,
    version: VersionKey,
    duration_ms: u64,
}

impl Candidate {
    /// The session as a candidate, if `wanted` could pick it: a complete session for the
    /// extremes, a wanted participant's otherwise; simulated ones only when counted.
    pub fn of(session: &Session, wanted: &Wanted, simulated: bool) -> Option<Candidate> {
        let header = &session.header;
        if header.simulated && !simulated {
            return None;
        }
        let pick = match wanted {
            Wanted::None => false,
            Wanted::Extremes => session.outcome() == Some(SessionOutcome::Complete),
            Wanted::Participants(ids) => ids.contains(&header.participant),
        };
        if !pick {
            return None;
        }
        Some(Candidate {
            path: session.path.clone()?,
            participant: header.participant.clone(),
            flow: header.flow.id.clone(),
            variant: header.flow.variant.clone().unwrap_or_default(),
            version: super::screens::version_of(session),
            duration_ms: session.events.last().map_or(0, |e| e.at_ms),
        })
    }
}

/// The candidates kept as they come: per flow and variant the fastest and slowest (the
/// first read wins a tie), or every wanted participant's session, in file order.
#[derive(Debug, Default)]
pub struct Chosen {
    extremes: BTreeMap<(String, String), (Candidate, Candidate)>,
    picked: Vec<Candidate>,
    /// Sessions with tagged moments, for the findings' quotes to link to.
    tagged: Vec<Candidate>,
}

impl Chosen {
    /// A session the findings quote: replayed so each quote links to its moment.
    pub fn add_tagged(&mut self, candidate: Candidate) {
        self.tagged.push(candidate);
    }

    pub fn add(&mut self, candidate: Candidate, wanted: &Wanted) {
        match wanted {
            Wanted::None => {}
            Wanted::Participants(_) => self.picked.push(candidate),
            Wanted::Extremes => {
                let key = (candidate.flow.clone(), candidate.variant.clone());
                let (fast, slow) = self
                    .extremes
                    .entry(key)
                    .or_insert_with(|| (candidate.clone(), candidate.clone()));
                if candidate.duration_ms < fast.duration_ms {
                    *fast = candidate.clone();
                }
                if candidate.duration_ms > slow.duration_ms {
                    *slow = candidate;
                }
            }
        }
    }

    /// The chosen sessions as replays, each titled with who, what and how long; a session
    /// whose flow no longer opens is named in `problems` and left out.
    pub fn replays(self, problems: &mut Vec<String>) -> Vec<Replay> {
        let mut chosen: Vec<(&'static str, Candidate)> = Vec::new();
        for (_, (fast, slow)) in self.extremes {
            let same = fast.path == slow.path;
            chosen.push(("fastest", fast));
            if !same {
                chosen.push(("slowest", slow));
            }
        }
        chosen.extend(self.picked.into_iter().map(|c| ("asked for", c)));
        chosen.extend(self.tagged.into_iter().map(|c| ("tagged", c)));
        let mut replays = Vec::new();
        let mut made_from: Vec<PathBuf> = Vec::new();
        for (why, candidate) in chosen {
            // A session chosen twice (the fastest, and tagged) is replayed once.
            if made_from.contains(&candidate.path) {
                continue;
            }
            made_from.push(candidate.path.clone());
            let made = session::read(&candidate.path)
                .map_err(|e| e.to_string())
                .and_then(|recorded| {
                    let (flow, _) = crate::study::arrange::recorded_flow(&recorded.header)?;
                    let notes = session::read_notes(&candidate.path);
                    let cast = cast::cast(
                        &recorded,
                        &candidate.path,
                        &flow,
                        &notes,
                        cast::Version::Two,
                    )?;
                    Ok((cast, first_shown(&recorded), recorded.header.session))
                });
            match made {
                Ok((cast, steps, id)) => replays.push(Replay {
                    title: format!(
                        "{} · {} {} · {} ({why})",
                        printable(&candidate.participant),
                        printable(&candidate.flow),
                        printable(&candidate.variant),
                        crate::format::minutes_seconds(candidate.duration_ms)
                    ),
                    cast,
                    participant: candidate.participant,
                    session: id,
                    version: candidate.version,
                    steps,
                }),
                Err(e) => problems.push(format!("no replay of {}: {e}", candidate.path.display())),
            }
        }
        replays
    }
}

/// Each step the session showed, at the time it first did.
fn first_shown(recorded: &Session) -> Vec<(String, u64)> {
    let mut steps: Vec<(String, u64)> = Vec::new();
    for event in &recorded.events {
        if let EventKind::Show { step } = &event.kind
            && !steps.iter().any(|(s, _)| s == step)
        {
            steps.push((step.clone(), event.at_ms));
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(path: &str, variant: &str, duration_ms: u64) -> Candidate {
        Candidate {
            path: PathBuf::from(path),
            participant: path.into(),
            flow: "f".into(),
            variant: variant.into(),
            version: ("f".into(), Some(variant.into()), "abc".into()),
            duration_ms,
        }
    }

    #[test]
    fn replays_are_asked_for_by_ids_or_none_and_by_default_are_the_extremes() {
        assert_eq!(Wanted::parse(None), Wanted::Extremes);
        assert_eq!(Wanted::parse(Some("none")), Wanted::None);
        assert_eq!(
            Wanted::parse(Some("P03, P07,")),
            Wanted::Participants(vec!["P03".into(), "P07".into()])
        );
    }

    /// Of each variant the fastest and the slowest are kept as sessions arrive (the first
    /// read wins a tie), whatever their number.
    #[test]
    fn the_fastest_and_the_slowest_of_each_variant_are_kept() {
        let mut chosen = Chosen::default();
        for c in [
            candidate("a", "one", 500),
            candidate("b", "one", 300),
            candidate("c", "two", 900),
            candidate("d", "one", 800),
            candidate("e", "one", 300),
        ] {
            chosen.add(c, &Wanted::Extremes);
        }
        let name = |c: &Candidate| c.path.display().to_string();
        let kept: Vec<(String, String, String)> = (chosen.extremes.values())
            .map(|(fast, slow)| (fast.variant.clone(), name(fast), name(slow)))
            .collect();
        let kept: Vec<(&str, &str, &str)> = (kept.iter())
            .map(|(v, f, s)| (v.as_str(), f.as_str(), s.as_str()))
            .collect();
        assert_eq!(kept, [("one", "b", "d"), ("two", "c", "c")]);
    }
}
