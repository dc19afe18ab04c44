//! Session time with pauses taken out: what every duration a participant spent is measured on.

use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct ActiveClock {
    paused_total: Duration,
    paused_since: Option<Duration>,
}

impl ActiveClock {
    /// Session time at `at` minus every pause before it; frozen while paused.
    pub fn active(&self, at: Duration) -> Duration {
        let at = self.paused_since.map_or(at, |since| since.min(at));
        at.saturating_sub(self.paused_total)
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    pub fn pause(&mut self, at: Duration) {
        self.paused_since.get_or_insert(at);
    }

    /// Ends the pause and returns how long it lasted.
    pub fn resume(&mut self, at: Duration) -> Duration {
        let paused = self
            .paused_since
            .take()
            .map_or(Duration::ZERO, |s| at.saturating_sub(s));
        self.paused_total += paused;
        paused
    }
}

pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn pauses_are_left_out() {
        let mut clock = ActiveClock::default();
        assert_eq!(clock.active(ms(1_000)), ms(1_000));
        clock.pause(ms(1_000));
        assert_eq!(clock.active(ms(5_000)), ms(1_000), "frozen while paused");
        assert_eq!(clock.resume(ms(6_000)), ms(5_000));
        assert_eq!(clock.active(ms(7_000)), ms(2_000));
        clock.pause(ms(8_000));
        clock.resume(ms(9_000));
        assert_eq!(clock.active(ms(10_000)), ms(4_000));
    }
}
