//! Carrying a session on after its recording stopped (`mvx play --resume`).

use std::time::Duration;

use super::clock::millis;
use super::{Overlay, Player};
use crate::session::EventKind;

impl Player<'_> {
    /// Carries the session on at `now` after its recording stopped at `last`. The time
    /// between is left out of every duration, as a pause is; the screen in progress is
    /// shown again and its hesitation starts anew from that showing.
    pub fn carry_on(
        &mut self,
        last: Duration,
        now: Duration,
        after: &str,
        flow_sha256: Option<String>,
    ) {
        self.clock.pause(last);
        let gap = self.clock.resume(now);
        self.overlay = Overlay::None;
        let kind = EventKind::Resumed {
            gap_ms: millis(gap),
            after: after.to_owned(),
            flow_sha256,
        };
        self.record(now, kind);
        self.first_key_at = None;
        let mode = self.mode.clone();
        self.show(mode);
    }
}
