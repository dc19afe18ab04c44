//! The head of a session file: who, which flow (and which version of it), where, when.

use serde::{Deserialize, Serialize};

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
    /// The mvx version that recorded the session.
    pub mvx: String,
    /// Made up by `mvx simulate --sessions`, not played by a person; absent in real sessions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRef {
    pub id: String,
    pub title: String,
    pub variant: Option<String>,
    pub path: String,
    /// SHA-256 of the flow file's bytes: a flow edited between sessions is another version.
    pub sha256: String,
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
