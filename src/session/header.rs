//! The head of a session file: who, which flow (and which version of it), where, when.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::flow::{Answer, Flow};

pub const SCHEMA: &str = "mvx-session/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub schema: String,
    /// Unique id of this session.
    pub session: String,
    pub flow: FlowRef,
    pub participant: String,
    pub researcher: Option<String>,
    /// Wall clock with offset, RFC 3339, when the session started.
    pub started_at: String,
    pub terminal: TerminalInfo,
    /// How a served participant's browser was reached; absent for a local terminal
    /// (and in every file from before `mvx serve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<TransportInfo>,
    /// The mvx version that recorded the session.
    pub mvx: String,
    /// Made up by `mvx simulate --sessions`, not played by a person; absent in real sessions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
    /// The study the session belongs to, when it was played from a study file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<super::StudyRef>,
}

/// When and as what a session started: its id, and its start on the wall clock as the
/// header writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub session: String,
    pub at: String,
}

impl Started {
    /// A session a person plays: its id is the local start time and eight random
    /// characters; its start is written with the local offset, to the millisecond.
    pub fn played(at: &chrono::DateTime<chrono::Local>) -> Started {
        Started {
            session: format!(
                "{}-{}",
                at.format("%Y%m%d%H%M%S"),
                super::ids::random_suffix(8)
            ),
            at: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        }
    }

    /// A synthetic session: its id is given (a seed writes the same sessions), its start
    /// written in UTC.
    pub fn simulated(session: String, at: &chrono::DateTime<chrono::Utc>) -> Started {
        Started {
            session,
            at: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

impl Header {
    /// The one way a session's header is made, by every writer: `mvx play`, `mvx serve`,
    /// `mvx simulate --sessions` and tests. What only some sessions have (a researcher,
    /// a browser's transport block, a study, `simulated`) is set on the result.
    pub fn new(
        started: Started,
        flow: FlowRef,
        participant: String,
        terminal: TerminalInfo,
    ) -> Header {
        Header {
            schema: SCHEMA.into(),
            session: started.session,
            flow,
            participant,
            researcher: None,
            started_at: started.at,
            terminal,
            transport: None,
            mvx: env!("CARGO_PKG_VERSION").into(),
            simulated: false,
            study: None,
        }
    }

    /// When the session started, in milliseconds since the epoch, whatever offset it was
    /// written in; a start time that cannot be read is `i64::MAX` (it sorts last).
    pub fn started_ms(&self) -> i64 {
        chrono::DateTime::parse_from_rfc3339(&self.started_at)
            .map_or(i64::MAX, |t| t.timestamp_millis())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRef {
    pub id: String,
    pub title: String,
    pub variant: Option<String>,
    pub path: String,
    /// SHA-256 of the flow file's bytes: a flow edited between sessions is another version.
    pub sha256: String,
    /// Each task's expected paths (step ids), as `flow::paths::expected` found them when
    /// the session was recorded; path metrics measure against them. Absent in older files.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expected: BTreeMap<String, Vec<Vec<String>>>,
    /// Each scale question's ends, `[from, to]`, so intervals stay on the scale.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scales: BTreeMap<String, [i64; 2]>,
}

impl FlowRef {
    /// What a session records about `flow`, read from `path` with these bytes' `sha256`.
    pub fn of(flow: &Flow, path: &str, sha256: &str) -> FlowRef {
        let scales = flow
            .questions
            .iter()
            .filter_map(|q| match &q.answer {
                Answer::Scale(scale) => Some((q.id.clone(), [scale.from, scale.to])),
                _ => None,
            })
            .collect();
        FlowRef {
            id: flow.id.clone(),
            title: flow.title.clone(),
            variant: flow.variant.clone(),
            path: path.to_owned(),
            sha256: sha256.to_owned(),
            expected: crate::flow::paths::expected(flow),
            scales,
        }
    }
}

/// The terminal the participant saw; display latency differs between terminals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerminalInfo {
    pub cols: u16,
    pub rows: u16,
    pub term: Option<String>,
    pub program: Option<String>,
    pub tmux: bool,
    pub ssh: bool,
}

impl TerminalInfo {
    /// A screen of `cols` by `rows` and nothing else known about it: what synthetic
    /// sessions and tests record.
    pub fn sized(cols: u16, rows: u16) -> TerminalInfo {
        TerminalInfo {
            cols,
            rows,
            term: None,
            program: None,
            tmux: false,
            ssh: false,
        }
    }
}

/// A participant elsewhere. In a browser (`mvx serve`, kind `web`) keys and frames were
/// stamped there, and mapped onto the session clock with `clock_offset_ms`, estimated
/// from round trips. Over SSH (`mvx ssh`, kind `ssh`) they were stamped at the server, so
/// each hesitation holds about one round trip more than the participant took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransportInfo {
    /// `web` or `ssh`.
    pub kind: String,
    /// The browser's `User-Agent` (web).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_agent: String,
    /// The SSH client's version (ssh), as `SSH-2.0-OpenSSH_9.2p1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Round trips to the browser, or to the SSH client, when the session started.
    pub rtt_ms: RoundTrips,
    /// The browser's clock minus the session clock, in milliseconds, at the start.
    pub clock_offset_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundTrips {
    pub median: f64,
    pub p90: f64,
}
