//! How a served participant's part ended, in the researcher's and the page's words, and
//! what their invitation link opens next: nothing (spent), the same again (nothing was
//! recorded), or, in a study with returns, their next session once it is due.

use std::borrow::Cow;

use super::protocol::When;
use super::record::Client;
use crate::session::{SessionOutcome, StudyRef};
use crate::study::participant::{self, Failed, Part};
use crate::study::returns::{self, NotYet};

/// How a participant's part ended: for the researcher, and for the page.
pub struct Ended {
    pub why: String,
    pub text: Cow<'static, str>,
    /// The participant is done: a page is told it may close (a terminal closes itself).
    pub done: bool,
    /// What the link opens next.
    pub then: Then,
    /// The part played its sessions to an end (complete or aborted), as opposed to a
    /// consent declined or a session that could not start or go on.
    played: bool,
    /// When the participant's next session opens, in the closing screen's words.
    farewell: Option<String>,
    /// The moment the words name (a session opening), for a page to give in the
    /// participant's own time.
    pub when: Option<When>,
}

/// What an invitation link opens after a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Nothing more: the link is spent.
    Spent,
    /// What it opened before the visit: nothing was recorded (the server could not start
    /// the session, or the participant's next session is not open yet).
    Again,
    /// The participant's next session of a study with returns, once it is due.
    Next,
}

impl Ended {
    fn spent(why: String, text: &'static str) -> Ended {
        Ended {
            why,
            text: Cow::Borrowed(text),
            done: false,
            then: Then::Spent,
            played: false,
            farewell: None,
            when: None,
        }
    }

    /// The part is over as it should be: thanks, and the page may be closed.
    fn done(why: String, text: &'static str) -> Ended {
        Ended {
            done: true,
            ..Ended::spent(why, text)
        }
    }

    /// The sessions were played to their end: thanks, and the page may be closed.
    fn played(why: String, text: &'static str) -> Ended {
        Ended {
            played: true,
            ..Ended::done(why, text)
        }
    }

    /// The session's last words to this client.
    pub fn words(&self, client: &Client) -> String {
        let mut words = self.text.clone().into_owned();
        if let Some(farewell) = &self.farewell {
            let farewell = farewell.trim_end_matches('.');
            words = format!("{words} {farewell}, {}.", again(client));
        }
        match (self.done, client) {
            (true, Client::Browser { .. }) => format!("{words} You may close this page."),
            _ => words,
        }
    }

    /// After a part of a study with returns (`last`, the study block of the plan's last
    /// session as the visit records it, has a visit): a part played to its end leaves the
    /// link open for the participant's next session, and its last words say when that
    /// opens.
    pub fn returning(mut self, last: Option<&StudyRef>) -> Ended {
        let visit = last.and_then(|s| s.visit.as_ref());
        if visit.is_some() && self.played {
            self.then = Then::Next;
            self.farewell = participant::farewell(last);
            let next_from = visit.and_then(|v| v.next_from.as_deref());
            self.when = next_from.and_then(returns::millis).map(|ms| When {
                shown: returns::local_time(ms),
                ms,
            });
        }
        self
    }

    /// A returning participant came before their next session opens, or after their
    /// last: nothing is recorded, and the link opens as before.
    pub fn not_yet(no: &NotYet, client: &Client) -> Ended {
        let (why, text, done) = match no {
            NotYet::TooEarly {
                trial,
                trials,
                opens_ms,
                now_ms,
                ..
            } => {
                let (at, wait) = (
                    returns::local_time(*opens_ms),
                    returns::wait(opens_ms - now_ms),
                );
                let why = format!(
                    "came too early: session {trial} of {trials} opens at {at} (in {wait})"
                );
                let text = format!(
                    "Your session {trial} of {trials} opens at {at}, in {wait}. Please come back \
                     then, {}.",
                    again(client)
                );
                (why, text, false)
            }
            NotYet::AllPlayed { trials, .. } => (
                format!("came back after all {trials} sessions; nothing is left to play"),
                format!(
                    "You have taken part in all {trials} sessions of this study, so there is \
                     nothing more to do. Thank you!"
                ),
                true,
            ),
        };
        let when = match no {
            NotYet::TooEarly { opens_ms, .. } => Some(When {
                shown: returns::local_time(*opens_ms),
                ms: *opens_ms,
            }),
            NotYet::AllPlayed { .. } => None,
        };
        Ended {
            text: Cow::Owned(text),
            done,
            then: Then::Again,
            when,
            ..Ended::spent(why, "")
        }
    }

    /// No session could start: the researcher is told why, the participant to ask.
    pub fn refused(why: String) -> Ended {
        Ended::spent(
            why,
            "The session could not start. Please tell the researcher.",
        )
    }

    /// The study has every participant it needs: nothing to play, and nothing to retry.
    pub fn full(why: String) -> Ended {
        Ended::spent(
            why,
            "This study already has all the participants it needs, so there is no session \
             for you. Thank you for your time.",
        )
    }

    /// The server could not start the session (no room on its disk, a folder it cannot
    /// write): not the participant's doing, so their link stays usable.
    pub fn failed_here(why: String) -> Ended {
        Ended {
            then: Then::Again,
            ..Ended::spent(
                format!("could not start: {why}; the link may be opened again"),
                "The session could not start because of a problem on the researcher's \
                 side. Please try again later, or tell the researcher.",
            )
        }
    }

    pub fn stopped(why: String) -> Ended {
        Ended::spent(why, "The session stopped. Please tell the researcher.")
    }
}

/// How a participant comes in again, in the words of their way in.
fn again(client: &Client) -> &'static str {
    match client {
        Client::Browser { .. } => "with this same link",
        Client::Ssh { .. } => "with the same ssh command",
    }
}

/// How the part went, for the researcher and for the page.
pub fn ended(result: Result<Part, Failed>) -> Ended {
    let part = match result {
        Err(Failed::Consent(e)) => return Ended::stopped(format!("stopped at the consent: {e}")),
        Err(Failed::Create(e)) => {
            return Ended::failed_here(format!("cannot create a session file: {e}"));
        }
        Err(Failed::Session(e)) => return Ended::stopped(format!("stopped: {e}")),
        Ok(part) => part,
    };
    if let Some(why) = part.unanswered {
        return Ended::stopped(format!("stopped at the consent ({why}), nothing recorded"));
    }
    if part.declined.is_some() {
        return Ended::done(
            "declined".into(),
            "Thank you. Nothing more will be recorded.",
        );
    }
    match part.sessions.last().map(|played| played.outcome) {
        None => Ended::refused("the study has no variant to play".into()),
        Some(SessionOutcome::Complete) => Ended::played("complete".into(), "Thank you!"),
        Some(SessionOutcome::Aborted) => Ended::played("aborted".into(), "The session has ended."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::participant::Played;
    use std::path::PathBuf;

    fn played(outcome: SessionOutcome) -> Played {
        Played {
            path: PathBuf::from("s.yaml"),
            outcome,
            stopped: None,
        }
    }

    #[test]
    fn the_researcher_and_the_page_hear_how_the_part_ended() {
        let part = |sessions| {
            Ok(Part {
                sessions,
                ..Part::default()
            })
        };
        let why = |result| ended(result).why;
        let complete = vec![played(SessionOutcome::Complete)];
        assert_eq!(why(part(complete)), "complete");
        let aborted = vec![
            played(SessionOutcome::Complete),
            played(SessionOutcome::Aborted),
        ];
        assert_eq!(why(part(aborted)), "aborted");
        let declined = Ok(Part {
            declined: Some(PathBuf::from("s.yaml")),
            ..Part::default()
        });
        assert_eq!(why(declined), "declined");
        let unanswered = Ok(Part {
            unanswered: Some("SIGTERM"),
            ..Part::default()
        });
        assert_eq!(
            why(unanswered),
            "stopped at the consent (SIGTERM), nothing recorded"
        );
        let full = Err(Failed::Create("disk full".into()));
        let refused = ended(full);
        assert_eq!(
            refused.why,
            "could not start: cannot create a session file: disk full; the link may be opened again"
        );
        assert_eq!(refused.then, Then::Again);
        assert!(
            refused.text.contains("tell the researcher"),
            "{}",
            refused.text
        );
        assert_eq!(why(Err(Failed::Session("gone".into()))), "stopped: gone");
    }

    #[test]
    fn a_returning_participant_is_told_when_to_come_back_in_the_words_of_their_way_in() {
        let browser = Client::Browser {
            user_agent: String::new(),
        };
        let ssh = Client::Ssh {
            version: String::new(),
            term: String::new(),
            round_trips: std::sync::Arc::default(),
        };
        let early = NotYet::TooEarly {
            participant: "P07".into(),
            trial: 2,
            trials: 3,
            opens_ms: 2_500,
            now_ms: 0,
        };
        let refused = Ended::not_yet(&early, &browser);
        assert_eq!(refused.then, Then::Again);
        let words = refused.words(&browser);
        // The moment the words name, for the page to give in the participant's zone.
        let when = refused.when.as_ref().expect("a moment");
        assert_eq!(when.ms, 2_500);
        assert!(words.contains(&when.shown), "{words}");
        assert!(
            words.starts_with("Your session 2 of 3 opens at "),
            "{words}"
        );
        let then = ", in 3 s. Please come back then, with this same link.";
        assert!(words.ends_with(then), "{words}");
        let words = Ended::not_yet(&early, &ssh).words(&ssh);
        assert!(words.ends_with("with the same ssh command."), "{words}");
        let all = NotYet::AllPlayed {
            participant: "P07".into(),
            trials: 3,
        };
        let all = Ended::not_yet(&all, &browser);
        assert_eq!(all.then, Then::Again);
        assert_eq!(
            all.words(&browser),
            "You have taken part in all 3 sessions of this study, so there is nothing more \
             to do. Thank you! You may close this page."
        );

        // A first trial played to its end (of four: the retention trial is the fourth):
        // the link opens the next, and says when.
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("studies/espresso-returns.yaml");
        let crate::study::Opened::Study(opened) = crate::study::open_any(&path).expect("opens")
        else {
            panic!("a study");
        };
        let (study, _) = opened.playable().expect("playable");
        let assignment = crate::study::assign::Assignment {
            variants: vec!["one-menu".into()],
            order: Vec::new(),
            slot: 1,
            seed: 0,
        };
        let plan = crate::study::participant::Plan::study(&opened, "s.yaml", &assignment)
            .expect("a plan")
            .with_visit(returns::first_visit(study, 0));
        let part = |sessions| {
            ended(Ok(Part {
                sessions,
                ..Part::default()
            }))
        };
        let complete = part(vec![played(SessionOutcome::Complete)])
            .returning(plan.sessions.last().and_then(|p| p.study.as_ref()));
        assert_eq!(complete.then, Then::Next);
        let words = complete.words(&browser);
        assert!(
            words.starts_with("Thank you! Please come back for session 2 of 4 from "),
            "{words}"
        );
        let close = ", with this same link. You may close this page.";
        assert!(words.ends_with(close), "{words}");
        let declined = ended(Ok(Part {
            declined: Some(PathBuf::from("s.yaml")),
            ..Part::default()
        }));
        assert_eq!(
            declined
                .returning(plan.sessions.last().and_then(|p| p.study.as_ref()))
                .then,
            Then::Spent
        );
        let no_returns = part(vec![played(SessionOutcome::Complete)]).returning(None);
        assert_eq!(no_returns.then, Then::Spent);
        assert_eq!(
            no_returns.words(&browser),
            "Thank you! You may close this page."
        );
    }
}
