//! Findings: the tagged moments of the sessions read, per tag of the codebook (grouped
//! by its themes): in how many sessions and participants each tag appears, per variant
//! and per step, with every quote and the moment it links to (docs/findings.md).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::codebook::Codebook;
use crate::session::{self, ObserverNote, Session};

/// What one session adds to the findings, kept while sessions are read: who, which
/// variant, and its tagged moments only.
#[derive(Debug, Clone)]
pub struct Seen {
    session: String,
    participant: String,
    flow: String,
    variant: String,
    /// The study and flow files its header names: where its codebook is found.
    study_path: Option<String>,
    flow_path: String,
    moments: Vec<session::Moment>,
}

impl Seen {
    /// The session's part in the findings; none for a simulated session not counted.
    pub fn of(session: &Session, notes: &[ObserverNote], simulated: bool) -> Option<Seen> {
        let header = &session.header;
        if header.simulated && !simulated {
            return None;
        }
        let moments = session::moments(session, notes)
            .into_iter()
            .filter(|m| !m.tags.is_empty())
            .collect();
        Some(Seen {
            session: header.session.clone(),
            participant: header.participant.clone(),
            flow: header.flow.id.clone(),
            variant: header.flow.variant.clone().unwrap_or_default(),
            study_path: header.study.as_ref().map(|s| s.path.clone()),
            flow_path: header.flow.path.clone(),
            moments,
        })
    }
}

impl Seen {
    /// Whether the session has a tagged moment.
    pub fn tagged(&self) -> bool {
        !self.moments.is_empty()
    }
}

/// The sessions' parts, gathered in file order.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Participants read, per flow and variant.
    participants: BTreeMap<(String, String), BTreeSet<String>>,
    sessions: usize,
    /// Sessions with a tagged moment, kept whole (their moments are few).
    tagged: Vec<Seen>,
    /// The first session's study and flow files, where the codebook is looked for.
    first: Option<(Option<String>, String)>,
}

impl Gathered {
    pub fn add(&mut self, mut seen: Seen) {
        self.sessions += 1;
        (self.participants)
            .entry((seen.flow.clone(), seen.variant.clone()))
            .or_default()
            .insert(seen.participant.clone());
        if self.first.is_none() {
            self.first = Some((seen.study_path.clone(), seen.flow_path.clone()));
        }
        if !seen.moments.is_empty() {
            seen.study_path = None;
            self.tagged.push(seen);
        }
    }

    /// Where the codebook of these sessions is: `explicit`, else beside the first
    /// session's study or flow, else in the current folder.
    pub fn codebook_path(&self, explicit: Option<&std::path::Path>) -> Option<std::path::PathBuf> {
        let (study, flow) = match &self.first {
            Some((study, flow)) => (study.as_deref(), Some(flow.as_str())),
            None => (None, None),
        };
        crate::codebook::find(
            explicit,
            study.map(std::path::Path::new),
            flow.map(std::path::Path::new),
        )
    }

    /// The findings, the codebook's tags first in its order (grouped by its themes),
    /// then tags found in notes that it lacks.
    pub fn findings(self, codebook: Result<Option<(String, Codebook)>, String>) -> Findings {
        let (codebook_path, codebook, codebook_problem) = match codebook {
            Ok(Some((path, codebook))) => (Some(path), Some(codebook), None),
            Ok(None) => (None, None, None),
            Err(problem) => (None, None, Some(problem)),
        };
        let mut names: Vec<String> = codebook.as_ref().map(Codebook::names).unwrap_or_default();
        let mut extra: BTreeSet<String> = BTreeSet::new();
        for seen in &self.tagged {
            for moment in &seen.moments {
                extra.extend(moment.tags.iter().filter(|t| !names.contains(t)).cloned());
            }
        }
        names.extend(extra);
        let tags = names
            .iter()
            .map(|name| self.tag(name, codebook.as_ref()))
            .collect();
        let participants: BTreeSet<&String> = self.participants.values().flatten().collect();
        Findings {
            codebook: codebook_path,
            codebook_problem,
            themes: codebook
                .as_ref()
                .map(|c| c.groups().into_iter().map(str::to_owned).collect())
                .unwrap_or_default(),
            sessions: self.sessions,
            participants: participants.len(),
            tagged_moments: (self.tagged.iter())
                .flat_map(|seen| &seen.moments)
                .filter(|m| !m.tags.is_empty())
                .count(),
            tags,
        }
    }

    fn tag(&self, name: &str, codebook: Option<&Codebook>) -> TagFinding {
        let known = codebook.and_then(|c| c.tag(name));
        let mut sessions = 0;
        let mut participants: BTreeSet<&str> = BTreeSet::new();
        let mut by_variant: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        let mut by_step: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut quotes = Vec::new();
        for seen in &self.tagged {
            let mut here = false;
            for moment in seen
                .moments
                .iter()
                .filter(|m| m.tags.iter().any(|t| t == name))
            {
                here = true;
                let step = moment.step.as_deref().unwrap_or(NO_STEP);
                *by_step.entry((&seen.flow, step)).or_default() += 1;
                quotes.push(Quote {
                    session: seen.session.clone(),
                    participant: seen.participant.clone(),
                    flow: seen.flow.clone(),
                    variant: seen.variant.clone(),
                    author: moment.author.clone(),
                    at_ms: moment.at_ms,
                    end_ms: moment.end_ms,
                    step: moment.step.clone(),
                    words: moment.words(),
                });
            }
            if here {
                sessions += 1;
                participants.insert(&seen.participant);
                (by_variant.entry((&seen.flow, &seen.variant)).or_default())
                    .insert(&seen.participant);
            }
        }
        let variants = (self.participants.iter())
            .map(|((flow, variant), of)| VariantShare {
                flow: flow.clone(),
                variant: variant.clone(),
                participants: (by_variant.get(&(flow.as_str(), variant.as_str())))
                    .map_or(0, BTreeSet::len),
                of: of.len(),
            })
            .collect();
        let mut steps: Vec<StepCount> = (by_step.into_iter())
            .map(|((flow, step), moments)| StepCount {
                flow: flow.to_owned(),
                step: step.to_owned(),
                moments,
            })
            .collect();
        steps.sort_by_key(|s| std::cmp::Reverse(s.moments));
        TagFinding {
            tag: name.to_owned(),
            description: known.map(|t| t.description.clone()),
            group: known.and_then(|t| t.group.clone()),
            in_codebook: known.is_some() || codebook.is_none(),
            moments: quotes.len(),
            sessions,
            participants: participants.len(),
            variants,
            steps,
            quotes,
        }
    }
}

/// Where a moment before any screen was shown is counted.
pub const NO_STEP: &str = "(before the first screen)";

/// The report's findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    /// The codebook used, if one was found.
    pub codebook: Option<String>,
    /// Why the codebook found could not be used, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codebook_problem: Option<String>,
    /// The codebook's groups, in its order.
    pub themes: Vec<String>,
    /// Sessions and participants read (simulated ones only when counted).
    pub sessions: usize,
    pub participants: usize,
    /// The moments with one tag or more (a moment with two tags is one moment here and
    /// one in each of its tags' counts).
    pub tagged_moments: usize,
    pub tags: Vec<TagFinding>,
}

impl Findings {
    /// Nothing to report: no codebook and no tagged moment.
    pub fn is_empty(&self) -> bool {
        self.codebook.is_none() && self.tags.is_empty() && self.codebook_problem.is_none()
    }
}

/// One tag's findings.
#[derive(Debug, Clone, Serialize)]
pub struct TagFinding {
    pub tag: String,
    pub description: Option<String>,
    /// Its theme: the codebook's group.
    pub group: Option<String>,
    /// False for a tag used in notes that the codebook does not have.
    pub in_codebook: bool,
    pub moments: usize,
    pub sessions: usize,
    pub participants: usize,
    /// Per flow and variant read, the participants with the tag of those read.
    pub variants: Vec<VariantShare>,
    /// Per step, the moments there, most first.
    pub steps: Vec<StepCount>,
    /// Every tagged moment's words, in the order of the sessions read.
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantShare {
    pub flow: String,
    pub variant: String,
    pub participants: usize,
    pub of: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepCount {
    pub flow: String,
    pub step: String,
    pub moments: usize,
}

/// A tagged moment's words, with where and when they were noted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub session: String,
    pub participant: String,
    pub flow: String,
    pub variant: String,
    pub author: String,
    pub at_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    pub step: Option<String>,
    pub words: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::Tag;

    fn session(participant: &str, variant: &str, events: &str) -> Session {
        let text = format!(
            "schema: mvx-session/1\nsession: s-{participant}\nflow: {{ id: shop, title: Shop, variant: {variant}, path: shop.yaml, sha256: abc }}\nparticipant: {participant}\nresearcher: ana\nstarted_at: \"2026-11-26T14:02:11.000+00:00\"\nterminal: {{ cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }}\nmvx: \"0.1.0\"\nevents:\n{events}"
        );
        session::parse(&text).expect("a session")
    }

    const EVENTS: &str = "- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}\n- {\"at_ms\":900,\"kind\":\"note\",\"text\":\"stares #lost\"}\n- {\"at_ms\":4000,\"kind\":\"show\",\"step\":\"orders\"}\n";

    fn codebook() -> Codebook {
        let tag = |name: &str, group: &str| Tag {
            name: name.into(),
            description: format!("when {name}"),
            group: Some(group.into()),
            colour: None,
        };
        Codebook {
            tags: vec![tag("lost", "navigation"), tag("slow", "effort")],
            ..Codebook::default()
        }
    }

    /// A moment with two tags is one tagged moment, and one in each tag's count.
    #[test]
    fn a_moment_with_two_tags_is_one_moment() {
        let mut gathered = Gathered::default();
        let p1 = session(
            "P1",
            "a",
            "- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}\n",
        );
        let note = ObserverNote {
            at_ms: 10,
            text: "#lost #slow rereads".into(),
            ..ObserverNote::default()
        };
        gathered.add(Seen::of(&p1, &[note], false).expect("counted"));
        let findings = gathered.findings(Ok(Some(("codebook.yaml".into(), codebook()))));
        assert_eq!(findings.tagged_moments, 1);
        let uses: usize = findings.tags.iter().map(|t| t.moments).sum();
        assert_eq!(uses, 2);
    }

    /// Counted by hand: P1 (a) has #lost twice (its researcher's note on home and an
    /// observer's on orders), P2 (a) none, P3 (b) #lost and #odd (not in the codebook).
    #[test]
    fn tags_are_counted_per_session_participant_variant_and_step_with_every_quote() {
        let mut gathered = Gathered::default();
        let p1 = session("P1", "a", EVENTS);
        let note = ObserverNote {
            at_ms: 4500,
            text: "#lost again, scrolls".into(),
            author: Some("ben".into()),
            ..ObserverNote::default()
        };
        gathered.add(Seen::of(&p1, &[note], false).expect("counted"));
        let p2 = session(
            "P2",
            "a",
            "- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}\n",
        );
        gathered.add(Seen::of(&p2, &[], false).expect("counted"));
        let p3 = session("P3", "b", EVENTS);
        let odd = ObserverNote {
            at_ms: 10,
            text: "#odd".into(),
            quote: Some("where is it".into()),
            ..ObserverNote::default()
        };
        gathered.add(Seen::of(&p3, &[odd], false).expect("counted"));
        let findings = gathered.findings(Ok(Some(("codebook.yaml".into(), codebook()))));
        assert_eq!((findings.sessions, findings.participants), (3, 3));
        assert_eq!(findings.themes, ["navigation", "effort"]);
        let names: Vec<&str> = findings.tags.iter().map(|t| t.tag.as_str()).collect();
        assert_eq!(names, ["lost", "slow", "odd"]);
        let lost = &findings.tags[0];
        assert_eq!((lost.moments, lost.sessions, lost.participants), (3, 2, 2));
        assert_eq!(
            lost.variants,
            [
                VariantShare {
                    flow: "shop".into(),
                    variant: "a".into(),
                    participants: 1,
                    of: 2
                },
                VariantShare {
                    flow: "shop".into(),
                    variant: "b".into(),
                    participants: 1,
                    of: 1
                }
            ]
        );
        let steps: Vec<(&str, usize)> = (lost.steps.iter())
            .map(|s| (s.step.as_str(), s.moments))
            .collect();
        assert_eq!(steps, [("home", 2), ("orders", 1)]);
        let words: Vec<(&str, &str, &str)> = (lost.quotes.iter())
            .map(|q| (q.participant.as_str(), q.author.as_str(), q.words.as_str()))
            .collect();
        assert_eq!(
            words,
            [
                ("P1", "ana", "stares"),
                ("P1", "ben", "again, scrolls"),
                ("P3", "ana", "stares")
            ]
        );
        assert_eq!(findings.tags[1].moments, 0, "slow is listed, never used");
        let odd = &findings.tags[2];
        assert!(!odd.in_codebook);
        assert_eq!(
            odd.quotes[0].words, "where is it",
            "the participant's words"
        );
        assert_eq!(odd.quotes[0].step.as_deref(), Some("home"));
    }
}
