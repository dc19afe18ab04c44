//! The screens an HTML report shows beside its step rows: for each flow version, a few
//! sessions chosen while read so that together they showed every step (a session is
//! kept only when it showed a step none before it had), then each step drawn as the
//! first of them to show it did, at its recorded size.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use crate::replay::cast;
use crate::report::screen::{Screens, VersionKey};
use crate::session::{self, EventKind, Session};
use crate::tui::frame;

/// A session as the screens need it: where it is, its version, the steps it showed.
#[derive(Debug)]
pub struct Seen {
    path: PathBuf,
    version: VersionKey,
    steps: Vec<String>,
}

impl Seen {
    /// The session, when screens are wanted (an HTML report): simulated ones only when
    /// the report counts them.
    pub fn of(session: &Session, wanted: bool, simulated: bool) -> Option<Seen> {
        let header = &session.header;
        if !wanted || (header.simulated && !simulated) {
            return None;
        }
        let mut steps: Vec<String> = Vec::new();
        for event in &session.events {
            if let EventKind::Show { step } = &event.kind
                && !steps.contains(step)
            {
                steps.push(step.clone());
            }
        }
        Some(Seen {
            path: session.path.clone()?,
            version: version_of(session),
            steps,
        })
    }
}

/// A session's flow version, as the report keys it.
pub fn version_of(session: &Session) -> VersionKey {
    let flow = &session.header.flow;
    (flow.id.clone(), flow.variant.clone(), flow.sha256.clone())
}

/// The most sessions kept for one version: a flow with more steps than its first
/// sessions show may leave some without a screen.
const MOST_PER_VERSION: usize = 64;

/// Per version, the sessions kept and the steps they cover, in file order.
#[derive(Debug, Default)]
pub struct Covering {
    versions: HashMap<VersionKey, (Vec<PathBuf>, BTreeSet<String>)>,
}

impl Covering {
    pub fn add(&mut self, seen: Seen) {
        let (paths, covered) = self.versions.entry(seen.version).or_default();
        let new = seen.steps.iter().any(|s| !covered.contains(s));
        if new && paths.len() < MOST_PER_VERSION {
            covered.extend(seen.steps);
            paths.push(seen.path);
        }
    }

    /// Each step's screen; a session whose flow no longer opens is named in `problems`
    /// and its steps go without.
    pub fn screens(self, problems: &mut Vec<String>) -> Screens {
        let mut screens = Screens::default();
        for (version, (paths, _)) in self.versions {
            let steps = screens.0.entry(version).or_default();
            for path in paths {
                let drawn = session::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|recorded| {
                        let (flow, warning) =
                            crate::study::arrange::recorded_flow(&recorded.header)?;
                        let drawn = cast::step_screens(&recorded, &path, &flow)?;
                        Ok((recorded.header.participant, drawn, warning))
                    });
                match drawn {
                    Ok((participant, drawn, warning)) => {
                        if !warning.is_empty() {
                            problems.push(format!("screens of {}{warning}", path.display()));
                        }
                        for (step, buffer) in drawn {
                            steps
                                .entry(step)
                                .or_insert_with(|| frame::screen(&buffer, &participant));
                        }
                    }
                    Err(e) => problems.push(format!("no screens from {}: {e}", path.display())),
                }
            }
        }
        screens
    }
}
