//! Figures as text, one way each: seconds, percentages, intervals, p-values, m:ss times.
//! Markdown, HTML, the review and the text fields of JSON all print through here, so a
//! figure reads the same wherever it is shown (docs/report.md, "How figures are written").

use crate::stats::{Interval, TestKind, TestResult};

/// Between the steps of a path, and of a funnel.
pub const ARROW: &str = " → ";

/// What stands in for a figure that cannot be computed.
pub const MISSING: &str = "–";

/// Between the ends of a range. An en dash, not a hyphen: an end can be negative, and
/// `-1.20–-0.30` reads as one range where `-1.20--0.30` does not.
pub const RANGE: char = '–';

/// The figure's text, or [`MISSING`] when it could not be computed.
pub fn or_missing(text: Option<String>) -> String {
    text.unwrap_or_else(|| MISSING.into())
}

/// `x` to `decimals` places, never as a negative zero (`-0.0`): a value that rounds to
/// zero is shown unsigned.
fn fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

/// A figure to `decimals` places: `72.5`, `0.43`; never `-0.0`.
pub fn number(x: f64, decimals: usize) -> String {
    fixed(x, decimals)
}

/// A difference to `decimals` places with its sign, `+1.40`, `-0.30`; a value that
/// rounds to zero takes no sign: `0.00`.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = fixed(x, decimals);
    let zero = text.bytes().all(|b| b == b'0' || b == b'.');
    if zero || text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// An NPS, on -100..100, in whole points with its sign: `+30`, `0`, `-71`.
pub fn nps(score: f64) -> String {
    signed(score, 0)
}

/// How many times another figure: `1.3×`, `0.53×`.
pub fn multiple(x: f64, decimals: usize) -> String {
    format!("{}×", fixed(x, decimals))
}

/// Seconds to a tenth: `6.2 s`.
pub fn seconds(s: f64) -> String {
    format!("{} s", fixed(s, 1))
}

/// [`seconds`], or [`MISSING`].
pub fn seconds_or_missing(s: Option<f64>) -> String {
    or_missing(s.map(seconds))
}

/// A difference in seconds, signed: `+1.4 s`, `-9.6 s`; `0.0 s` when it rounds to zero.
pub fn seconds_difference(s: f64) -> String {
    format!("{} s", signed(s, 1))
}

/// A share from 0 to 1 as a whole percentage: `88%`.
pub fn percent(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 0))
}

/// A difference between two shares in percentage points, signed: `+38 points`; `0
/// points` when it rounds to zero.
pub fn points(difference: f64) -> String {
    format!("{} points", signed(difference * 100.0, 0))
}

/// What a zero-width interval says: every value was the same, so there is no spread to show.
pub const ALL_EQUAL: &str = "all values equal";

/// An interval to `decimals` places, the precision of the figure it belongs to: `4.10–6.30`.
pub fn interval(i: Interval, decimals: usize) -> String {
    if i.low == i.high {
        return ALL_EQUAL.into();
    }
    format!(
        "{}{RANGE}{}",
        fixed(i.low, decimals),
        fixed(i.high, decimals)
    )
}

/// An interval of a share from 0 to 1, as whole percentages: `51–100%`.
pub fn percent_interval(i: Interval) -> String {
    format!(
        "{}{RANGE}{}%",
        fixed(i.low * 100.0, 0),
        fixed(i.high * 100.0, 0)
    )
}

/// An interval of a ratio as a percentage of the other side's time, whole percentages
/// unless an end would print as 100% (or across it) when it is not: `64–99.8%`.
pub fn ratio_percent_interval(i: Interval) -> String {
    let end = |x: f64| fixed(x * 100.0, places_beside(x * 100.0, 100.0, 0));
    format!("{}{RANGE}{}%", end(i.low), end(i.high))
}

/// An interval of seconds, to a tenth like [`seconds`]: `1.8–2.6 s`.
pub fn seconds_interval(i: Interval) -> String {
    if i.low == i.high {
        return ALL_EQUAL.into();
    }
    format!("{} s", interval(i, 1))
}

/// Below this many observations a figure shows the n it rests on.
pub const SMALL_N: usize = 5;

/// ` (n = 3)` after a figure resting on fewer than [`SMALL_N`] observations, else nothing.
pub fn small_n(n: usize) -> String {
    if n < SMALL_N {
        format!(" (n = {n})")
    } else {
        String::new()
    }
}

/// The level below which a p-value counts as a difference: 0.05.
pub const SIGNIFICANCE: f64 = 0.05;

/// The most places a figure is given to keep it on its side of a threshold.
const MOST_DECIMALS: usize = 6;

/// The fewest places from `decimals` up that keep `x` on its side of `threshold` as
/// printed: 0.0499 to three places reads `0.050`, which says "not below 0.05" beside a
/// verdict that says it is, so it takes four (`0.0499`). A value exactly on the
/// threshold, or one that no [`MOST_DECIMALS`] places can part from it, keeps the most.
fn places_beside(x: f64, threshold: f64, decimals: usize) -> usize {
    let side = |v: f64| v.partial_cmp(&threshold);
    (decimals..=MOST_DECIMALS.max(decimals))
        .find(|&d| {
            let shown: f64 = fixed(x, d).parse().unwrap_or(x);
            side(shown) == side(x)
        })
        .unwrap_or(MOST_DECIMALS.max(decimals))
}

/// A p-value to three places, or `p < 0.001` below what three places can show. Near
/// [`SIGNIFICANCE`] it takes the places that keep it on its side: `p = 0.0499`, never
/// `p = 0.050` beside a difference the test found.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {}", fixed(p, places_beside(p, SIGNIFICANCE, 3)))
    }
}

/// An end of an interval of a difference, to `decimals` places with its sign, or more
/// when fewer would print it as the difference of none (`null`: 0 for a difference, 1
/// for a ratio) or across it: a lower end of +0.0002 is `+0.02` in points, not `0`,
/// which would read as an interval that touches no difference.
pub fn signed_end(x: f64, null: f64, decimals: usize) -> String {
    signed(x, places_beside(x, null, decimals))
}

/// An end of an interval of a difference in shares, in percentage points (see
/// [`signed_end`]): `-5 points`, `+0.02 points`.
pub fn points_end(difference: f64) -> String {
    format!("{} points", signed_end(difference * 100.0, 0.0, 0))
}

/// An end of an interval of a ratio (see [`signed_end`]): `1.26×`, `0.998×`.
pub fn multiple_end(x: f64, decimals: usize) -> String {
    multiple(x, places_beside(x, 1.0, decimals))
}

/// A test named with its result in one line: `N-1 z = 1.57, p = 0.117`, `Fisher–Irwin
/// exact, p = 0.167`, `Welch t = -6.39, df = 3.6, p = 0.005`, or [`MISSING`].
pub fn test(test: Option<TestResult>) -> String {
    let Some(t) = test else {
        return MISSING.into();
    };
    let p = p_value(t.p_value);
    let statistic = t.statistic.map(|s| fixed(s, 2)).unwrap_or_default();
    match (t.kind, t.df) {
        (TestKind::Welch, Some(df)) => {
            format!("Welch t = {statistic}, df = {}, {p}", fixed(df, 1))
        }
        (TestKind::Welch, None) => format!("Welch t = {statistic}, {p}"),
        (TestKind::NMinusOne, _) => format!("N-1 z = {statistic}, {p}"),
        (TestKind::AdjustedWald, _) => format!("adjusted-Wald z = {statistic}, {p}"),
        (TestKind::FisherIrwin, _) => format!("Fisher–Irwin exact, {p}"),
        (TestKind::McNemarExact, _) => format!("McNemar exact, {p}"),
        (TestKind::McNemarMidP, _) => format!("McNemar mid-p, {p}"),
        (TestKind::TwoSampleT, df) => {
            let df = df
                .map(|d| format!(", df = {}", fixed(d, 0)))
                .unwrap_or_default();
            format!("two-sample t = {statistic}{df}, {p}")
        }
        (TestKind::PairedT, Some(df)) => {
            format!("paired t = {statistic}, df = {}, {p}", fixed(df, 0))
        }
        (TestKind::PairedT, None) => format!("paired t = {statistic}, {p}"),
    }
}

/// The steps of a path in the order they were shown: `home → drinks → brewing`.
pub fn path(steps: &[String]) -> String {
    steps.join(ARROW)
}

/// A span of milliseconds as `m:ss`, as timelines and notes show times.
pub fn minutes_seconds(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// When a moment of a session is, as notes and findings say it: `0:03`, or `0:03–0:09`
/// for a span ending after it starts.
pub fn moment(at_ms: u64, end_ms: Option<u64>) -> String {
    match end_ms.filter(|end| *end > at_ms) {
        Some(end) => format!("{}{RANGE}{}", minutes_seconds(at_ms), minutes_seconds(end)),
        None => minutes_seconds(at_ms),
    }
}

/// A span of milliseconds in whole units, as the researcher's dashboard says it: `40s`,
/// `3m 10s`, `1h 05m`.
pub fn span(ms: u64) -> String {
    let seconds = ms / 1000;
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3600, seconds / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_a_time_or_a_span() {
        assert_eq!(moment(3_958, None), "0:03");
        assert_eq!(moment(3_958, Some(69_000)), "0:03–1:09");
        assert_eq!(
            moment(3_958, Some(3_958)),
            "0:03",
            "a span of nothing is a moment"
        );
    }

    #[test]
    fn spans_in_whole_units() {
        assert_eq!(span(40_400), "40s");
        assert_eq!(span(190_000), "3m 10s");
        assert_eq!(span(3_900_000), "1h 05m");
    }

    fn between(low: f64, high: f64) -> Interval {
        Interval { low, high }
    }

    #[test]
    fn seconds_and_percentages() {
        for (text, expected) in [
            (seconds(6.24), "6.2 s"),
            (seconds(6.26), "6.3 s"),
            (seconds(0.0), "0.0 s"),
            (seconds(-0.04), "0.0 s"),
            (seconds(125.0), "125.0 s"),
            (seconds_or_missing(None), "–"),
            (seconds_or_missing(Some(1.05)), "1.1 s"),
            (seconds_difference(1.44), "+1.4 s"),
            (seconds_difference(-9.6), "-9.6 s"),
            (seconds_difference(-0.01), "0.0 s"),
            (seconds_difference(0.04), "0.0 s"),
            (percent(0.875), "88%"),
            (percent(1.0), "100%"),
            (percent(0.0), "0%"),
            (points(0.375), "+38 points"),
            (points(-0.5), "-50 points"),
            (points(0.0), "0 points"),
            (points(-0.001), "0 points"),
            (points(0.004), "0 points"),
            (nps(0.0), "0"),
            (nps(-0.4), "0"),
            (nps(30.0), "+30"),
            (nps(-71.43), "-71"),
            (signed(-1.0, 2), "-1.00"),
            (signed(0.004, 2), "0.00"),
            (signed(2.6, 2), "+2.60"),
            (number(72.5, 1), "72.5"),
            (number(-0.01, 1), "0.0"),
            (multiple(1.25, 1), "1.2×"),
        ] {
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn intervals_use_one_dash_even_when_negative() {
        for (text, expected) in [
            (percent_interval(between(0.5078, 1.0)), "51–100%"),
            (percent_interval(between(0.0, 0.489)), "0–49%"),
            (seconds_interval(between(1.84, 2.56)), "1.8–2.6 s"),
            (interval(between(4.1, 6.3), 2), "4.10–6.30"),
            (interval(between(-1.2, -0.3), 2), "-1.20–-0.30"),
            (interval(between(-0.5, 1.25), 1), "-0.5–1.2"),
            (interval(between(-0.004, 0.2), 2), "0.00–0.20"),
            (interval(between(70.0, 90.04), 1), "70.0–90.0"),
            (interval(between(7.0, 7.0), 2), "all values equal"),
            (seconds_interval(between(3.0, 3.0)), "all values equal"),
        ] {
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn p_values_and_tests() {
        let welch = TestResult {
            kind: TestKind::Welch,
            statistic: Some(-6.391),
            df: Some(3.62),
            p_value: 0.00467,
        };
        let n_minus_one = TestResult {
            kind: TestKind::NMinusOne,
            statistic: Some(1.5714),
            df: None,
            p_value: 0.1166,
        };
        let tiny = TestResult {
            kind: TestKind::NMinusOne,
            statistic: Some(4.2),
            df: None,
            p_value: 0.00002,
        };
        let fisher = TestResult {
            kind: TestKind::FisherIrwin,
            statistic: None,
            df: None,
            p_value: 1.0 / 6.0,
        };
        let nps = TestResult {
            kind: TestKind::AdjustedWald,
            statistic: Some(-2.11),
            df: None,
            p_value: 0.0349,
        };
        for (text, expected) in [
            (p_value(0.1166), "p = 0.117"),
            (p_value(0.05), "p = 0.050"),
            (p_value(0.001), "p = 0.001"),
            (p_value(0.000_999), "p < 0.001"),
            (p_value(0.0), "p < 0.001"),
            (p_value(1.0), "p = 1.000"),
            (test(Some(welch)), "Welch t = -6.39, df = 3.6, p = 0.005"),
            (test(Some(n_minus_one)), "N-1 z = 1.57, p = 0.117"),
            (test(Some(tiny)), "N-1 z = 4.20, p < 0.001"),
            (test(Some(fisher)), "Fisher–Irwin exact, p = 0.167"),
            (test(Some(nps)), "adjusted-Wald z = -2.11, p = 0.035"),
            (test(None), "–"),
        ] {
            assert_eq!(text, expected);
        }
    }

    /// Near 0.05 a p-value keeps the places that leave it on its side, so "p = 0.050"
    /// never stands beside a difference found at p = 0.0499; an interval's end that is
    /// not zero never prints as zero or across it.
    #[test]
    fn figures_near_a_threshold_stay_on_their_side() {
        for (text, expected) in [
            (p_value(0.0499), "p = 0.0499"),
            (p_value(0.04996), "p = 0.04996"),
            (p_value(0.0503), "p = 0.0503"),
            (p_value(0.0495), "p = 0.0495"),
            (p_value(0.0494), "p = 0.049"),
            (p_value(0.0506), "p = 0.051"),
            (p_value(0.05), "p = 0.050"),
            (points_end(0.0002), "+0.02 points"),
            (points_end(-0.004), "-0.4 points"),
            (points_end(0.0), "0 points"),
            (points_end(1.09), "+109 points"),
            (points_end(-0.051), "-5 points"),
            (signed_end(0.004, 0.0, 2), "+0.004"),
            (signed_end(-0.3, 0.0, 2), "-0.30"),
            (multiple_end(0.998, 2), "0.998×"),
            (multiple_end(1.004, 2), "1.004×"),
            (multiple_end(1.26, 2), "1.26×"),
            (ratio_percent_interval(between(0.64, 0.998)), "64–99.8%"),
            (ratio_percent_interval(between(0.5, 0.8)), "50–80%"),
        ] {
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn paths_join_their_steps_with_arrows() {
        assert_eq!(path(&[]), "");
        assert_eq!(path(&["home".into()]), "home");
        assert_eq!(path(&["home".into(), "brew".into()]), "home → brew");
    }

    #[test]
    fn times_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(61_999), "1:01");
        assert_eq!(minutes_seconds(3_600_000), "60:00");
    }
}
