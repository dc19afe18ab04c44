//! A study's returns as its file writes them: `sessions`, `schedule`, `retention`,
//! `criterion` and `intention` (docs/returns.md), each mistake placed and explained.

use super::Loader;
use super::fields::Fields;
use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::study::{Criterion, Returns, duration_ms};
use crate::flow::yaml::Node;

/// The most sessions a participant may be scheduled for: past that a study is a diary,
/// not a test of learning.
const MAX_SESSIONS: i64 = 20;
const DOC: &str = "docs/returns.md";
/// The longest duration a study may write: a year (52 weeks).
const MAX_DURATION_MS: u64 = 52 * 7 * 86_400_000;
const DURATION_HELP: &str =
    "write a whole number and a unit: `90s`, `30m`, `12h`, `1d` or `2w`, or `0`";

impl Loader<'_> {
    /// The study's returns; the default (one session) when it sets none of their keys.
    /// None when a value is wrong (reported).
    pub(super) fn returns(&mut self, fields: &Fields, root_at: Pos) -> Option<Returns> {
        // Each key is read whatever the others hold, so every mistake is reported at once.
        let sessions = fields.get("sessions").map(|node| self.sessions(node));
        let given = fields.get("sessions").is_some();
        let count = sessions.flatten().unwrap_or(1);
        let schedule = (fields.get("schedule")).map(|node| self.schedule(node, count, given));
        let retention = (fields.get("retention")).map(|node| self.retention(node));
        let criterion = fields.get("criterion").map(|node| self.criterion(node));
        let intention = (fields.get("intention"))
            .map(|node| self.line(node, "`intention`").map(|q| (q, node.at)));
        if [
            failed(&sessions),
            failed(&schedule),
            failed(&retention),
            failed(&criterion),
            failed(&intention),
        ]
        .contains(&true)
        {
            return None;
        }
        let (sessions, schedule, retention) = (count, schedule.flatten(), retention.flatten());
        let (criterion, intention) = (criterion.flatten(), intention.flatten());
        let schedule_ms = match schedule {
            Some(schedule) => schedule,
            None if sessions == 1 => vec![0],
            None => {
                let at = fields.key_at("sessions").unwrap_or(root_at);
                self.error(
                    Diagnostic::error(
                        "no-schedule",
                        at,
                        format!("`sessions: {sessions}` needs a `schedule`: when each session opens"),
                    )
                    .with_help(format!(
                        "add one duration per session, the first 0, e.g. `schedule: [{}]`; see {DOC}",
                        example(sessions)
                    )),
                );
                return None;
            }
        };
        let returns = Returns {
            sessions,
            schedule_ms,
            retention_ms: retention,
            criterion,
            intention,
        };
        if !returns.any() {
            for key in ["criterion", "intention"] {
                if let Some(at) = fields.key_at(key) {
                    self.error(
                        Diagnostic::error(
                            "no-returns",
                            at,
                            format!("`{key}` needs participants to come back, and this study has one session"),
                        )
                        .with_help(format!("add `sessions:` and `schedule:`, or `retention:`; see {DOC}")),
                    );
                    return None;
                }
            }
        }
        Some(returns)
    }

    fn sessions(&mut self, node: &Node) -> Option<u32> {
        let n = self.integer(node, "`sessions`")?;
        match u32::try_from(n) {
            Ok(n) if (1..=MAX_SESSIONS).contains(&i64::from(n)) => Some(n),
            _ => {
                self.error(Diagnostic::error(
                    "bad-sessions",
                    node.at,
                    format!(
                        "`sessions: {n}` must be a number of sessions from 1 to {MAX_SESSIONS}"
                    ),
                ));
                None
            }
        }
    }

    /// `[0, 1d, 7d]`: one duration per session, the first 0, none before the one before;
    /// `given`: the study says how many sessions.
    fn schedule(&mut self, node: &Node, sessions: u32, given: bool) -> Option<Vec<u64>> {
        let items = self.list(node, "`schedule`")?;
        let read: Vec<Option<u64>> = items
            .iter()
            .map(|item| self.duration(item, "schedule"))
            .collect();
        let schedule: Vec<u64> = read.into_iter().collect::<Option<_>>()?;
        if !given && schedule.len() > 1 {
            self.error(
                Diagnostic::error(
                    "bad-schedule",
                    node.at,
                    format!("`schedule` has {} entries, but the study does not say how many sessions it has", schedule.len()),
                )
                .with_help(format!("add `sessions: {}`", schedule.len())),
            );
            return None;
        }
        if schedule.len() != sessions as usize {
            self.error(
                Diagnostic::error(
                    "bad-schedule",
                    node.at,
                    format!(
                        "`schedule` has {} {} for `sessions: {sessions}`: it needs one per session",
                        schedule.len(),
                        if schedule.len() == 1 {
                            "entry"
                        } else {
                            "entries"
                        }
                    ),
                )
                .with_help(format!("e.g. `schedule: [{}]`", example(sessions))),
            );
            return None;
        }
        if let (Some(first), Some(item)) = (schedule.first(), items.first())
            && *first != 0
        {
            self.error(
                Diagnostic::error(
                    "bad-schedule",
                    item.at,
                    "the first session opens at once: its `schedule` entry must be `0`",
                )
                .with_help("each entry counts from the start of the participant's first session"),
            );
            return None;
        }
        for (i, pair) in schedule.windows(2).enumerate() {
            if pair[1] < pair[0] {
                let at = items.get(i + 1).map_or(node.at, |n| n.at);
                self.error(
                    Diagnostic::error(
                        "bad-schedule",
                        at,
                        format!("session {} opens before session {}: a schedule cannot go back", i + 2, i + 1),
                    )
                    .with_help("each entry counts from the start of the participant's first session, not from the one before"),
                );
                return None;
            }
        }
        Some(schedule)
    }

    /// `retention: 14d`: a delay, more than none.
    fn retention(&mut self, node: &Node) -> Option<u64> {
        match self.duration(node, "retention")? {
            0 => {
                self.error(
                    Diagnostic::error(
                        "bad-retention",
                        node.at,
                        "`retention: 0` is no delay: the retention session measures what is kept over one",
                    )
                    .with_help("give the delay after the last scheduled session, e.g. `retention: 14d`"),
                );
                None
            }
            ms => Some(ms),
        }
    }

    /// A duration (`1d`) of at most a year; `key` names it in the message.
    fn duration(&mut self, node: &Node, key: &str) -> Option<u64> {
        let text = self.line(node, &format!("`{key}`"))?;
        match duration_ms(&text) {
            Some(ms) if ms > MAX_DURATION_MS => {
                self.error(
                    Diagnostic::error(
                        "bad-duration",
                        node.at,
                        format!("`{text}` is longer than a study runs: at most `52w`"),
                    )
                    .with_help("a return is scheduled within a year of the first session"),
                );
                None
            }
            Some(ms) => Some(ms),
            None => {
                self.error(
                    Diagnostic::error(
                        "bad-duration",
                        node.at,
                        format!("`{text}` is not a duration"),
                    )
                    .with_help(DURATION_HELP),
                );
                None
            }
        }
    }

    /// `criterion: 40s` or `criterion: success`.
    fn criterion(&mut self, node: &Node) -> Option<Criterion> {
        let text = self.line(node, "`criterion`")?;
        if text == "success" {
            return Some(Criterion::Success);
        }
        match duration_ms(&text) {
            Some(ms) if ms > 0 => Some(Criterion::Within { ms }),
            _ => {
                self.error(
                    Diagnostic::error(
                        "bad-criterion",
                        node.at,
                        format!("`criterion: {text}` is neither a time nor `success`"),
                    )
                    .with_help("a time the task must succeed within, e.g. `criterion: 40s`, or `criterion: success`"),
                );
                None
            }
        }
    }
}

/// A key given with a value that is wrong (reported).
fn failed<T>(read: &Option<Option<T>>) -> bool {
    matches!(read, Some(None))
}

/// A schedule of `sessions` entries to show as an example: `0, 1d, 7d, ...`.
fn example(sessions: u32) -> String {
    let mut entries: Vec<String> = vec!["0".into()];
    for i in 1..sessions.min(5) {
        entries.push(match i {
            1 => "1d".into(),
            2 => "7d".into(),
            n => format!("{}d", 7 * (n - 1)),
        });
    }
    if sessions > 5 {
        entries.push("...".into());
    }
    entries.join(", ")
}

#[cfg(test)]
mod tests {
    use crate::flow::load::study::load_study;
    use crate::flow::study::{Criterion, Returns};

    const HEAD: &str = "study: s\ntitle: T\nvariants: [a.yaml]\n";

    fn errors(extra: &str) -> Vec<(u32, u32, String, Option<String>)> {
        let e = load_study(&format!("{HEAD}{extra}")).expect_err(extra);
        (e.diagnostics.into_iter())
            .map(|d| (d.at.line, d.at.col, d.message, d.help))
            .collect()
    }

    #[test]
    fn a_schedule_with_retention_criterion_and_intention_is_read() {
        let study = load_study(&format!(
            "{HEAD}sessions: 3\nschedule: [0, 1d, 7d]\nretention: 2w\ncriterion: 40s\nintention: would-use\n"
        ))
        .expect("a study");
        let day = 86_400_000;
        assert_eq!(study.returns.sessions, 3);
        assert_eq!(study.returns.schedule_ms, [0, day, 7 * day]);
        assert_eq!(study.returns.retention_ms, Some(14 * day));
        assert_eq!(
            study.returns.criterion,
            Some(Criterion::Within { ms: 40_000 })
        );
        assert_eq!(
            study.returns.intention.as_ref().map(|(q, _)| q.as_str()),
            Some("would-use")
        );
        assert_eq!(study.returns.trials(), 4);
        assert!(study.returns.is_retention(4) && !study.returns.is_retention(3));
        let plain = load_study(HEAD).expect("a study");
        assert_eq!(plain.returns, Returns::default());
        assert!(!plain.returns.any());
        let only_retention =
            load_study(&format!("{HEAD}retention: 30m\ncriterion: success\n")).expect("a study");
        assert_eq!(only_retention.returns.trials(), 2);
        assert_eq!(only_retention.returns.criterion, Some(Criterion::Success));
    }

    #[test]
    fn each_mistake_in_a_schedule_is_placed_and_explained() {
        let found = errors("sessions: 3\n");
        assert_eq!((found[0].0, found[0].1), (4, 1));
        assert_eq!(
            found[0].2,
            "`sessions: 3` needs a `schedule`: when each session opens"
        );
        assert!(found[0].3.as_deref().unwrap_or("").contains("[0, 1d, 7d]"));
        let found = errors("sessions: 3\nschedule: [0, 1d]\n");
        assert_eq!((found[0].0, found[0].1), (5, 11));
        assert!(
            found[0].2.contains("has 2 entries for `sessions: 3`"),
            "{found:?}"
        );
        let found = errors("sessions: 2\nschedule: [1h, 1d]\n");
        assert_eq!((found[0].0, found[0].1), (5, 12));
        assert!(found[0].2.contains("must be `0`"));
        let found = errors("sessions: 3\nschedule: [0, 7d, 1d]\n");
        assert_eq!((found[0].0, found[0].1), (5, 19));
        assert_eq!(
            found[0].2,
            "session 3 opens before session 2: a schedule cannot go back"
        );
        let found = errors("sessions: 2\nschedule: [0, 1 day]\n");
        assert_eq!((found[0].0, found[0].1), (5, 15));
        assert_eq!(found[0].2, "`1 day` is not a duration");
        assert!(found[0].3.as_deref().unwrap_or("").contains("`1d`"));
        let found = errors("sessions: 0\n");
        assert!(found[0].2.contains("from 1 to 20"));
        let found = errors("criterion: 40s\n");
        assert_eq!((found[0].0, found[0].1), (4, 1));
        assert!(
            found[0]
                .2
                .starts_with("`criterion` needs participants to come back")
        );
        let found = errors("retention: 1d\ncriterion: fast\n");
        assert_eq!(
            found[0].2,
            "`criterion: fast` is neither a time nor `success`"
        );
        let found = errors("sessoins: 2\n");
        assert_eq!(found[0].3.as_deref(), Some("did you mean `sessions`?"));
    }

    #[test]
    fn every_mistake_is_reported_at_once_and_nonsense_is_refused() {
        let found =
            errors("sessions: 3\nschedule: [1h, 1d, 7d]\nretention: 2 weeks\ncriterion: 4O s\n");
        let lines: Vec<u32> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, [5, 6, 7], "{found:?}");
        let found = errors("sessions: 2\nschedule: [0, 9999w]\n");
        assert_eq!(
            found[0].2,
            "`9999w` is longer than a study runs: at most `52w`"
        );
        let found = errors("retention: 0\n");
        assert!(
            found[0].2.starts_with("`retention: 0` is no delay"),
            "{found:?}"
        );
        let found = errors("schedule: [0, 1d, 7d]\n");
        assert_eq!(
            found[0].2,
            "`schedule` has 3 entries, but the study does not say how many sessions it has"
        );
        assert_eq!(found[0].3.as_deref(), Some("add `sessions: 3`"));
    }

    #[test]
    fn durations_are_read_and_written_in_the_study_s_units() {
        use crate::flow::study::{duration_ms, written_duration};
        for (text, ms) in [
            ("0", 0),
            ("90s", 90_000),
            ("30m", 1_800_000),
            ("12h", 43_200_000),
            ("1d", 86_400_000),
            ("2w", 1_209_600_000),
        ] {
            assert_eq!(duration_ms(text), Some(ms), "{text}");
        }
        for bad in ["", "d", "1", "1y", "-1d", "1.5d", "99999999999999999999d"] {
            assert_eq!(duration_ms(bad), None, "{bad}");
        }
        assert_eq!(written_duration(86_400_000), "1d");
        assert_eq!(written_duration(36 * 3_600_000), "36h");
        assert_eq!(written_duration(14 * 86_400_000), "2w");
        assert_eq!(written_duration(1_500), "1500ms");
    }
}
