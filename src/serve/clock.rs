//! The browser's clock mapped onto the session clock, from ping round trips.
//!
//! A ping leaves the server at `sent`, the browser stamps it `browser_ms` with its own
//! `performance.now()`, and the pong is back at `received`. If the two legs took as long
//! as each other, the browser stamped it at the midpoint, so `browser_ms - midpoint` is
//! the offset between the clocks; the shorter the round trip, the less room for the legs
//! to differ. Hesitations are differences of two browser stamps, so they do not depend
//! on the offset at all as long as it stays put between them: the estimate moves only
//! when a round trip shorter than the best one so far arrives, or when the best one is
//! old enough for the clocks to have drifted, and even then stamps are mapped with the
//! offset adopted when the last frame was sent ([`ClockSync::adopt`]), so a frame's
//! "shown" and the keys that answer it are always mapped alike. (A thousand pages on
//! two cores answer their first pings late; a better round trip a few seconds in moved
//! the offset by up to 20 ms between a frame and its key, and the hesitation with it.)

use std::collections::VecDeque;
use std::time::Duration;

use crate::session::RoundTrips;
use crate::stats::{self, median, quantile};

/// Round trips kept for the figures and for a fresh estimate.
const WINDOW: usize = 64;
/// A best round trip older than this is replaced by the best of the recent ones, so a
/// slow drift between the clocks (tens of parts per million) never adds up.
const STALE_MS: f64 = 120_000.0;
/// The largest `performance.now()` a page can have: it counts from the page's loading,
/// and no page stays open a year. A larger stamp, a negative one or one that is not a
/// number is not a clock's.
const LATEST_BROWSER_MS: f64 = 365.0 * 24.0 * 3_600_000.0;

/// One ping, timed on both clocks, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Session time the ping was sent and its pong received (negative before the
    /// session started: the first pings are exchanged before its file is created).
    pub sent_ms: f64,
    pub received_ms: f64,
    /// The browser's `performance.now()` when it answered.
    pub browser_ms: f64,
}

impl Sample {
    pub fn rtt_ms(&self) -> f64 {
        (self.received_ms - self.sent_ms).max(0.0)
    }

    /// The browser's clock minus the session clock, if both legs were equal.
    pub fn offset_ms(&self) -> f64 {
        self.browser_ms - (self.sent_ms + self.received_ms) / 2.0
    }
}

/// The estimate of the browser's clock against the session's.
#[derive(Debug, Clone, Default)]
pub struct ClockSync {
    recent: VecDeque<Sample>,
    best: Option<Sample>,
    /// The offset stamps are mapped with: the estimate as it was at the first stamp
    /// mapped after the last frame was sent.
    adopted: Option<f64>,
    /// A frame was sent since: the next stamp mapped takes the estimate as it is then.
    readopt: bool,
}

impl ClockSync {
    /// Takes a round trip into the estimate, unless its browser stamp is no clock's.
    pub fn add(&mut self, sample: Sample) {
        if !(0.0..=LATEST_BROWSER_MS).contains(&sample.browser_ms) {
            return;
        }
        if self.recent.len() == WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back(sample);
        let stale = self
            .best
            .is_some_and(|b| sample.received_ms - b.received_ms > STALE_MS);
        if stale {
            self.best = self
                .recent
                .iter()
                .copied()
                .min_by(|a, b| a.rtt_ms().total_cmp(&b.rtt_ms()));
        } else if self.best.is_none_or(|b| sample.rtt_ms() < b.rtt_ms()) {
            self.best = Some(sample);
        }
    }

    /// The offset stamps are mapped with: the estimate as it was at the first stamp
    /// after the last [`ClockSync::adopt`], or as it is now before any.
    pub fn offset_ms(&self) -> f64 {
        self.adopted.unwrap_or_else(|| self.estimate_ms())
    }

    /// The browser's clock minus the session clock, in milliseconds, by the best round
    /// trip so far (0 before any ping).
    pub fn estimate_ms(&self) -> f64 {
        self.best.map_or(0.0, |b| b.offset_ms())
    }

    /// A frame is sent: the next stamp mapped (its "shown", or a key typed while it was
    /// on its way) takes the estimate as it is then, and every stamp after it the same,
    /// until the next frame. A round trip taken in between moves the estimate, not them.
    pub fn adopt(&mut self) {
        self.readopt = true;
    }

    /// The shortest round trip so far (0 before any ping): the estimate's uncertainty.
    pub fn best_rtt_ms(&self) -> f64 {
        self.best.map_or(0.0, |b| b.rtt_ms())
    }

    /// A browser time as session milliseconds (negative before the session started).
    pub fn session_ms(&mut self, browser_ms: f64) -> f64 {
        if (self.readopt || self.adopted.is_none()) && self.best.is_some() {
            self.adopted = Some(self.estimate_ms());
            self.readopt = false;
        }
        browser_ms - self.offset_ms()
    }

    /// A frame's "shown" as session milliseconds. The browser stamped it after the frame
    /// left (`sent_ms`) and before its word arrived (`received_ms`): a round trip of its
    /// own, as a ping's. When it is the first stamp since the frame was sent, the offset
    /// adopted for the frame is the estimate moved just enough to put the stamp between
    /// the two, as far as the best round trip allows (the true offset is within half of
    /// it of the estimate). After a slow start (a thousand pages opening at once, round
    /// trips of 100 ms) the estimate could put a first frame before it was sent, even
    /// before the session began, where it was counted from the start instead: the
    /// hesitation after it came out short by as much. A stamp outside both ranges moves
    /// nothing: it is not a clock's, and is judged as any other.
    pub fn shown_ms(&mut self, browser_ms: f64, sent_ms: f64, received_ms: f64) -> f64 {
        if self.readopt && self.best.is_some() {
            let estimate = self.estimate_ms();
            let half = self.best_rtt_ms() / 2.0;
            let earliest = (browser_ms - received_ms).max(estimate - half);
            let latest = (browser_ms - sent_ms).min(estimate + half);
            if earliest <= latest {
                self.adopted = Some(estimate.clamp(earliest, latest));
                self.readopt = false;
            }
        }
        self.session_ms(browser_ms)
    }

    /// A browser time as session time; a time before the session started is its start,
    /// and a time no clock gives (not a number, past any `Duration`) is the start too.
    pub fn to_session(&mut self, browser_ms: f64) -> Duration {
        duration(self.session_ms(browser_ms))
    }

    /// Median and 90th percentile of the recent round trips.
    pub fn round_trips(&self) -> RoundTrips {
        summed_up(self.recent.iter().map(Sample::rtt_ms))
    }
}

/// Median and 90th percentile of round trips, in milliseconds (none: zero).
pub fn summed_up(rtts: impl Iterator<Item = f64>) -> RoundTrips {
    let rtts: stats::Sample = rtts.collect();
    RoundTrips {
        median: round(median(&rtts).unwrap_or(0.0)),
        p90: round(quantile(&rtts, 0.9).unwrap_or(0.0)),
    }
}

/// Session milliseconds as a duration: none before the start, none for what is no time.
pub fn duration(ms: f64) -> Duration {
    Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).unwrap_or_default()
}

/// To a hundredth of a millisecond: finer is noise.
pub fn round(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(sent: u64, received: u64, browser: f64) -> Sample {
        Sample {
            sent_ms: sent as f64,
            received_ms: received as f64,
            browser_ms: browser,
        }
    }

    #[test]
    fn the_shortest_round_trip_sets_the_offset() {
        let mut sync = ClockSync::default();
        // The browser's clock is 5,000 ms ahead; legs of 30+10 ms, then 5+5 ms.
        sync.add(sample(1_000, 1_040, 6_030.0));
        assert_eq!(sync.offset_ms(), 5_010.0, "off by half the asymmetry");
        sync.add(sample(2_000, 2_010, 7_005.0));
        assert_eq!(sync.offset_ms(), 5_000.0);
        sync.add(sample(3_000, 3_200, 8_150.0)); // slower: ignored
        assert_eq!(sync.offset_ms(), 5_000.0);
        assert_eq!(sync.to_session(7_250.0), Duration::from_millis(2_250));
        assert_eq!(sync.to_session(10.0), Duration::ZERO);
    }

    #[test]
    fn an_old_best_gives_way_to_the_best_recent_one() {
        let mut sync = ClockSync::default();
        sync.add(sample(0, 2, 5_001.0));
        sync.add(sample(500, 530, 5_517.0));
        assert_eq!(sync.offset_ms(), 5_000.0, "kept while fresh");
        for i in 1..=130u64 {
            let sent = i * 1_000;
            // Drifted by 1 ms over two minutes, round trips of 20 ms.
            sync.add(sample(sent, sent + 20, (sent + 10) as f64 + 5_002.0));
        }
        assert_eq!(sync.offset_ms(), 5_002.0, "the drift is followed");
    }

    #[test]
    fn stamps_are_mapped_with_the_offset_adopted_at_the_last_frame() {
        let mut sync = ClockSync::default();
        // A frame is sent; a late first ping (40 ms there and back) sets the estimate
        // before its "shown" is mapped.
        sync.adopt();
        sync.add(sample(0, 40, 5_030.0));
        assert_eq!(sync.offset_ms(), 5_010.0);
        let shown = sync.to_session(6_000.0);
        // A better round trip arrives between the frame's "shown" and the key.
        sync.add(sample(1_000, 1_002, 6_001.0));
        assert_eq!(sync.estimate_ms(), 5_000.0);
        let key = sync.to_session(8_500.0);
        let gap = Duration::from_millis(2_500);
        assert_eq!(key - shown, gap, "the browser's own gap");
        // The next frame takes the better estimate.
        sync.adopt();
        assert_eq!(sync.to_session(8_500.0), Duration::from_millis(3_500));
        assert_eq!(sync.offset_ms(), 5_000.0);
    }

    #[test]
    fn a_frame_is_put_between_its_sending_and_its_word_coming_back() {
        let mut sync = ClockSync::default();
        // The first round trip took 40 ms, 30 there and 10 back: the estimate is 10 ms
        // too high.
        sync.add(sample(0, 40, 5_030.0));
        assert_eq!(sync.estimate_ms(), 5_010.0);
        // A frame sent at 10 ms, shown at 12 (browser 5,012), its word back at 16: by the
        // estimate it was shown at 2 ms, before it was sent. It is put at the send, 10.
        sync.adopt();
        assert_eq!(sync.shown_ms(5_012.0, 10.0, 16.0), 10.0);
        assert_eq!(sync.offset_ms(), 5_002.0);
        // The keys after it are mapped alike: the browser's gap stands.
        assert_eq!(sync.session_ms(5_512.0), 510.0);
        // A stamp no clock gives moves nothing: it is judged as it is.
        sync.adopt();
        assert_eq!(sync.shown_ms(1e300, 600.0, 610.0), 1e300 - 5_010.0);
        assert_eq!(sync.offset_ms(), 5_010.0);
        // A frame the estimate already puts in its range keeps the estimate.
        sync.adopt();
        assert_eq!(sync.shown_ms(5_720.0, 700.0, 730.0), 710.0);
        assert_eq!(sync.offset_ms(), 5_010.0);
    }

    #[test]
    fn stamps_no_clock_gives_move_nothing_and_panic_nowhere() {
        let mut sync = ClockSync::default();
        sync.add(sample(1_000, 1_010, 6_005.0));
        for forged in [1e300, f64::NAN, f64::INFINITY, -1.0, 1e12] {
            sync.add(sample(2_000, 2_001, forged));
        }
        assert_eq!(sync.offset_ms(), 5_000.0);
        for forged in [1e300, f64::NAN, f64::NEG_INFINITY, -1e300] {
            assert_eq!(sync.to_session(forged), Duration::ZERO, "{forged}");
        }
    }

    #[test]
    fn round_trips_are_summed_up_by_median_and_p90() {
        let mut sync = ClockSync::default();
        for (i, rtt) in [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].iter().enumerate() {
            let sent = i as u64 * 1_000;
            sync.add(sample(sent, sent + rtt, 0.0));
        }
        // Type 7 quantiles, as numpy.percentile([10,...,100], [50, 90]) gives: 55, 91.
        let trips = sync.round_trips();
        assert_eq!((trips.median, trips.p90), (55.0, 91.0));
    }
}
