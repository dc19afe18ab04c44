//! The researcher's stdout as text lines (the default) or JSON lines for scripts
//! (`--format json`): the same snapshots and alerts, worded one way or the other.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::dashboard::Dashboard;
use super::dashboard::alerts::{self, Alert, Kind, Raised, Thresholds};
use super::room::Room;

/// How often a changed snapshot may be told, at most.
pub const STATE_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

fn line(value: Value) -> String {
    value.to_string()
}

impl Format {
    /// `P13      http://…/p/…`, or `{"t":"invited",…}`.
    pub fn invited(self, participant: &str, link: &str, variant: Option<&str>) -> String {
        match self {
            Format::Text => format!("{participant:<8} {link}"),
            Format::Json => line(json!({
                "t": "invited", "participant": participant, "link": link, "variant": variant,
            })),
        }
    }

    /// `P13      observe: http://…/o/…`, or `{"t":"observer",…}`: the link that watches
    /// `participant`.
    pub fn observer(self, participant: &str, link: &str) -> String {
        match self {
            Format::Text => format!("{participant:<8} observe: {link}"),
            Format::Json => line(json!({
                "t": "observer", "participant": participant, "link": link,
            })),
        }
    }

    /// A line the server says in words (a participant started, a command not known):
    /// as it is, or as `{"t":"said","text":…}`.
    pub fn said(self, text: &str) -> String {
        match self {
            Format::Text => text.to_owned(),
            Format::Json => line(json!({"t": "said", "text": text})),
        }
    }

    pub fn alert(self, alert: &Alert) -> String {
        match self {
            Format::Text => format!("{:<8} alert: {}", alert.participant, alert.words()),
            Format::Json => {
                let mut value = json!(alert);
                value["t"] = json!("alert");
                line(value)
            }
        }
    }

    pub fn cleared(self, participant: &str, kind: &Kind) -> String {
        match self {
            Format::Text => format!("{participant:<8} cleared: {}", kind.words()),
            Format::Json => {
                let mut value = json!(kind);
                value["t"] = json!("cleared");
                value["participant"] = json!(participant);
                line(value)
            }
        }
    }

    /// `{"t":"state","participants":[…],"counts":[…]}`; text has no such line (it tells
    /// each change as it happens).
    pub fn state(self, dashboard: &Dashboard) -> Option<String> {
        match self {
            Format::Text => None,
            Format::Json => {
                let mut value = json!(dashboard);
                value["t"] = json!("state");
                Some(line(value))
            }
        }
    }
}

/// What the researcher has been told so far: the alerts raised, the last snapshot told.
pub struct Watch {
    pub format: Format,
    pub thresholds: Thresholds,
    raised: Raised,
    told: Option<(Dashboard, Instant)>,
}

impl Watch {
    pub fn new(format: Format, thresholds: Thresholds) -> Watch {
        Watch {
            format,
            thresholds,
            raised: Raised::default(),
            told: None,
        }
    }

    /// The lines to print about `room` at `now`: alerts raised and cleared, and the
    /// snapshot when it changed and the last was told [`STATE_EVERY`] ago or more.
    pub fn look(&mut self, room: &Room, now: Instant) -> Vec<String> {
        self.look_at(room.snapshot(now), now)
    }

    pub fn look_at(&mut self, dashboard: Dashboard, now: Instant) -> Vec<String> {
        let format = self.format;
        let changes = self
            .raised
            .look(&alerts::alerts(&dashboard, &self.thresholds));
        let mut lines: Vec<String> = (changes.cleared.iter())
            .map(|(who, kind)| format.cleared(who, kind))
            .chain(changes.raised.iter().map(|a| format.alert(a)))
            .collect();
        let due = match &self.told {
            None => true,
            Some((told, at)) => {
                !told.same_as(&dashboard) && now.saturating_duration_since(*at) >= STATE_EVERY
            }
        };
        if let Some(state) = format.state(&dashboard).filter(|_| due) {
            lines.push(state);
            self.told = Some((dashboard, now));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::dashboard::{SeatView, StepTimes, Whereabouts, snapshot};

    fn on(step: &str, t0: Instant) -> Whereabouts {
        Whereabouts {
            step: Some((step.into(), t0)),
            ..Whereabouts::default()
        }
    }

    fn room_at(w: &Whereabouts, now: Instant) -> Dashboard {
        room_on_trial(w, None, now)
    }

    fn room_on_trial(w: &Whereabouts, trial: Option<(u32, u32)>, now: Instant) -> Dashboard {
        let seat = SeatView {
            participant: "P01",
            variant: None,
            assigned: &[],
            connected: true,
            started: true,
            ended: None,
            trial,
            whereabouts: w,
        };
        snapshot(&[seat], &[], None, &StepTimes::default(), now)
    }

    #[test]
    fn json_lines_say_which_session_of_a_study_with_returns_a_participant_is_on() {
        let t0 = Instant::now();
        let home = on("home", t0);
        let line = |trial| {
            let mut watch = Watch::new(Format::Json, Thresholds::default());
            let lines = watch.look_at(room_on_trial(&home, trial, t0), t0);
            json(&lines[0])["participants"][0].clone()
        };
        let returning = line(Some((2, 3)));
        assert_eq!(
            (&returning["trial"], &returning["trials"]),
            (&2.into(), &3.into())
        );
        let once = line(None);
        assert!(
            once.get("trial").is_none() && once.get("trials").is_none(),
            "{once}"
        );
    }

    fn json(line: &str) -> Value {
        serde_json::from_str(line).expect("a JSON line")
    }

    #[test]
    fn json_lines_tell_a_changed_room_at_most_once_a_second_and_each_alert_once() {
        let t0 = Instant::now();
        let thresholds = Thresholds {
            stuck_factor: 3.0,
            stuck_after: Duration::from_secs(1),
        };
        let mut watch = Watch::new(Format::Json, thresholds);
        let home = on("home", t0);
        let first = watch.look_at(room_at(&home, t0), t0);
        assert_eq!(first.len(), 1);
        let state = json(&first[0]);
        assert_eq!(state["t"], "state");
        assert_eq!(state["participants"][0]["step"], "home");
        assert_eq!(state["counts"][0]["playing"], 1);
        // Only the time on the step changed: nothing to tell.
        let later = t0 + Duration::from_millis(900);
        assert!(watch.look_at(room_at(&home, later), later).is_empty());
        // Stuck past 1 s: the alert, once.
        let at = t0 + Duration::from_millis(1_100);
        let lines = watch.look_at(room_at(&home, at), at);
        assert_eq!(lines.len(), 1);
        let alert = json(&lines[0]);
        assert_eq!(
            (
                &alert["t"],
                &alert["alert"],
                &alert["step"],
                &alert["participant"]
            ),
            (
                &"alert".into(),
                &"stuck".into(),
                &"home".into(),
                &"P01".into()
            )
        );
        assert_eq!(alert["for_ms"], 1_100);
        assert!(alert["median_ms"].is_null());
        // On another step: the alert clears and the room is told (its last line was
        // told 1.5 s ago).
        let (drinks, at) = (on("drinks", at), t0 + Duration::from_millis(1_500));
        let lines: Vec<Value> = (watch.look_at(room_at(&drinks, at), at).iter())
            .map(|l| json(l))
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(
            (&lines[0]["t"], &lines[0]["alert"]),
            (&"cleared".into(), &"stuck".into())
        );
        assert_eq!(lines[1]["participants"][0]["step"], "drinks");
        // Another change half a second later waits for its second.
        let (paid, at) = (on("paid", at), t0 + Duration::from_millis(2_000));
        assert!(watch.look_at(room_at(&paid, at), at).is_empty());
        let at = t0 + Duration::from_millis(2_500);
        let lines = watch.look_at(room_at(&paid, at), at);
        assert_eq!(json(&lines[0])["participants"][0]["step"], "paid");
    }

    #[test]
    fn text_tells_alerts_in_words_and_no_state() {
        let t0 = Instant::now();
        let mut watch = Watch::new(Format::Text, Thresholds::default());
        let home = on("checkout", t0);
        assert!(watch.look_at(room_at(&home, t0), t0).is_empty());
        let at = t0 + Duration::from_secs(190);
        assert_eq!(
            watch.look_at(room_at(&home, at), at),
            ["P01      alert: stuck on checkout for 3m 10s"]
        );
        let moved = on("paid", at);
        assert_eq!(
            watch.look_at(room_at(&moved, at), at),
            ["P01      cleared: stuck on checkout"]
        );
        assert_eq!(
            Format::Json.invited("P02", "http://x/p/1", Some("one-menu")),
            r#"{"link":"http://x/p/1","participant":"P02","t":"invited","variant":"one-menu"}"#
        );
    }
}
