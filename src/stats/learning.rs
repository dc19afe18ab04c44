//! Learning curves over repeated trials: the power law of practice `T(n) = a n^-b`
//! (Newell & Rosenbloom 1981) and the exponential curve with a plateau
//! `T(n) = plateau + amplitude e^(-rate (n - 1))` (Heathcote, Brown & Mewhort 2000).
//!
//! Both are fitted by unweighted least squares in seconds, the raw time units, as SciPy's
//! `scipy.optimize.curve_fit` fits them with its default settings (no `sigma`), so every
//! point, and every participant's trial among pooled points, counts the same. The fit is
//! profile least squares: for a fixed rate (`b` or `rate`) the other parameters are
//! linear and solved exactly, and the rate is searched on a grid, then refined by
//! golden-section search. An optimum at the edge of the grid is refused as not identified
//! rather than reported as a number the data do not pin down.

use serde::Serialize;

/// How well a fit follows its points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FitQuality {
    /// The points fitted (after dropping unusable ones).
    pub points: usize,
    /// 1 - SSE/SST; None when every t is equal (SST = 0).
    pub r2: Option<f64>,
    /// sqrt(SSE / points), in seconds.
    pub rmse: f64,
}

/// The power law of practice: T(n) = a * n^(-b).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerFit {
    /// The time of the first trial, in seconds.
    pub a: f64,
    /// The learning rate; negative when times grow with practice.
    pub b: f64,
    /// How well the curve follows the points.
    pub quality: FitQuality,
}

/// An exponential learning curve: T(n) = plateau + amplitude * exp(-rate * (n - 1)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExponentialFit {
    /// The time practice tends to, in seconds.
    pub plateau: f64,
    /// The first trial's time above the plateau, in seconds (negative when times grow).
    pub amplitude: f64,
    /// How fast the gap to the plateau closes (> 0): each trial keeps `e^-rate` of it.
    pub rate: f64,
    /// How well the curve follows the points.
    pub quality: FitQuality,
}

/// Why a curve could not be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoFit {
    /// Fewer points or distinct trials than the model needs.
    TooFewPoints,
    /// The least-squares optimum lies at the edge of the rates searched (the data do not
    /// pin the rate down).
    NotIdentified,
}

/// The power law's `b` searched: from strong slowing (-3) to steep learning (6).
const POWER_RATES: (f64, f64) = (-3.0, 6.0);
/// The exponential's rates searched, log-spaced: from nearly linear to a single step.
const EXPONENTIAL_RATES: (f64, f64) = (1e-3, 30.0);
/// Points on each grid of rates.
const GRID_POINTS: usize = 601;
/// Golden-section search stops when its bracket is this narrow, relative to the rate
/// (and absolute below [`RATE_FLOOR`], so that a rate of 0 ends too).
const RATE_TOLERANCE: f64 = 1e-12;
const RATE_FLOOR: f64 = 1e-3;
/// More than the ~60 steps that take a grid cell to [`RATE_TOLERANCE`]; a bound, not a goal.
const MAX_STEPS: usize = 200;

/// Fits `T(n) = a n^-b` to `(trial, seconds)` points by least squares. Points with a
/// non-finite value, a trial below 1 or a time not above 0 are left out; needs 2 points
/// on at least 2 distinct trials.
pub fn power_fit(points: &[(f64, f64)]) -> Result<PowerFit, NoFit> {
    let data = Data::new(points, 2, 2)?;
    let grid = linear_grid(POWER_RATES);
    let b = best_rate(&grid, |b| power_at(&data.points, b).1)?;
    let (a, sse) = power_at(&data.points, b);
    Ok(PowerFit {
        a: a * data.scale,
        b,
        quality: data.quality(sse),
    })
}

/// Fits `T(n) = plateau + amplitude e^(-rate (n - 1))` to `(trial, seconds)` points by
/// least squares, filtering points as [`power_fit`] does; needs 4 points (more than the 3
/// parameters) on at least 3 distinct trials.
pub fn exponential_fit(points: &[(f64, f64)]) -> Result<ExponentialFit, NoFit> {
    let data = Data::new(points, 4, 3)?;
    let grid = log_grid(EXPONENTIAL_RATES);
    let rate = best_rate(&grid, |r| exponential_at(&data.points, r).2)?;
    let (plateau, amplitude, sse) = exponential_at(&data.points, rate);
    Ok(ExponentialFit {
        plateau: plateau * data.scale,
        amplitude: amplitude * data.scale,
        rate,
        quality: data.quality(sse),
    })
}

/// The power law's time for trial `n`, in seconds.
pub fn predict_power(fit: &PowerFit, n: f64) -> f64 {
    fit.a * n.powf(-fit.b)
}

/// How much the power law's time changes each time practice doubles, as a share:
/// T(2n) / T(n) - 1 = 2^-b - 1 (-0.2: a fifth faster).
pub fn change_per_doubling(fit: &PowerFit) -> f64 {
    predict_power(fit, 2.0) / predict_power(fit, 1.0) - 1.0
}

/// The exponential curve's time for trial `n`, in seconds.
pub fn predict_exponential(fit: &ExponentialFit, n: f64) -> f64 {
    fit.plateau + fit.amplitude * (-fit.rate * (n - 1.0)).exp()
}

/// The usable points, with times divided by the longest so that no square overflows
/// (the rate does not depend on the unit; the linear parameters scale back).
struct Data {
    points: Vec<(f64, f64)>,
    scale: f64,
}

impl Data {
    fn new(points: &[(f64, f64)], min_points: usize, min_trials: usize) -> Result<Data, NoFit> {
        let mut kept: Vec<(f64, f64)> = points
            .iter()
            .copied()
            .filter(|&(n, t)| n.is_finite() && t.is_finite() && n >= 1.0 && t > 0.0)
            .collect();
        let mut trials: Vec<f64> = kept.iter().map(|&(n, _)| n).collect();
        trials.sort_by(f64::total_cmp);
        trials.dedup();
        if kept.len() < min_points || trials.len() < min_trials {
            return Err(NoFit::TooFewPoints);
        }
        let scale = kept.iter().map(|&(_, t)| t).fold(0.0, f64::max);
        for point in &mut kept {
            point.1 /= scale;
        }
        Ok(Data {
            points: kept,
            scale,
        })
    }

    /// R² and RMSE (back in seconds) of a fit whose sum of squares, in scaled units, is `sse`.
    fn quality(&self, sse: f64) -> FitQuality {
        let count = self.points.len() as f64;
        let first = self.points.first().map(|&(_, t)| t);
        let all_equal = self.points.iter().all(|&(_, t)| Some(t) == first);
        let mean = self.points.iter().map(|&(_, t)| t).sum::<f64>() / count;
        let sst: f64 = self.points.iter().map(|&(_, t)| (t - mean).powi(2)).sum();
        FitQuality {
            points: self.points.len(),
            r2: (!all_equal).then(|| 1.0 - sse / sst),
            rmse: (sse / count).sqrt() * self.scale,
        }
    }
}

/// For a fixed `b`: `a = Σ t x / Σ x²` with `x = n^-b`, and the sum of squared residuals
/// (computed from the residuals, not as a difference of sums, so it stays exact near 0).
fn power_at(points: &[(f64, f64)], b: f64) -> (f64, f64) {
    let (tx, xx) = points.iter().fold((0.0, 0.0), |(tx, xx), &(n, t)| {
        let x = n.powf(-b);
        (tx + t * x, xx + x * x)
    });
    let a = tx / xx;
    if !a.is_finite() {
        return (f64::NAN, f64::INFINITY);
    }
    let sse = points
        .iter()
        .map(|&(n, t)| (t - a * n.powf(-b)).powi(2))
        .sum();
    (a, sse)
}

/// For a fixed rate: the ordinary regression of t on `x = e^(-rate (n - 1))`, as
/// (plateau, amplitude, sum of squared residuals).
fn exponential_at(points: &[(f64, f64)], rate: f64) -> (f64, f64, f64) {
    let x = |n: f64| (-rate * (n - 1.0)).exp();
    let count = points.len() as f64;
    let x_mean = points.iter().map(|&(n, _)| x(n)).sum::<f64>() / count;
    let t_mean = points.iter().map(|&(_, t)| t).sum::<f64>() / count;
    let (sxx, sxt) = points.iter().fold((0.0, 0.0), |(sxx, sxt), &(n, t)| {
        let dx = x(n) - x_mean;
        (sxx + dx * dx, sxt + dx * (t - t_mean))
    });
    let amplitude = sxt / sxx;
    let plateau = t_mean - amplitude * x_mean;
    if !amplitude.is_finite() || !plateau.is_finite() {
        // Every x the same (underflowed for late trials): no curve at this rate.
        return (f64::NAN, f64::NAN, f64::INFINITY);
    }
    let sse = points
        .iter()
        .map(|&(n, t)| (t - plateau - amplitude * x(n)).powi(2))
        .sum();
    (plateau, amplitude, sse)
}

fn linear_grid((low, high): (f64, f64)) -> Vec<f64> {
    let step = (high - low) / (GRID_POINTS - 1) as f64;
    (0..GRID_POINTS).map(|i| low + step * i as f64).collect()
}

fn log_grid((low, high): (f64, f64)) -> Vec<f64> {
    linear_grid((low.ln(), high.ln()))
        .into_iter()
        .map(f64::exp)
        .collect()
}

/// A sum of squares as a key to minimise: NaN counts as worst.
fn badness(sse: f64) -> f64 {
    if sse.is_nan() { f64::INFINITY } else { sse }
}

/// The rate minimising `sse`: the best grid point (the first, on ties), refined by
/// golden-section search between its neighbours. Not identified when that point is the
/// grid's first or last, or no rate gives a finite sum.
fn best_rate(grid: &[f64], sse: impl Fn(f64) -> f64) -> Result<f64, NoFit> {
    let mut best = (0, f64::INFINITY);
    for (i, &rate) in grid.iter().enumerate() {
        let value = badness(sse(rate));
        if value < best.1 {
            best = (i, value);
        }
    }
    let (i, at_grid) = best;
    if !at_grid.is_finite() || i == 0 || i + 1 >= grid.len() {
        return Err(NoFit::NotIdentified);
    }
    let refined = golden_section(grid[i - 1], grid[i + 1], &sse);
    Ok(if badness(sse(refined)) <= at_grid {
        refined
    } else {
        grid[i]
    })
}

/// Golden-section search for the minimum of `f` on `[low, high]`.
fn golden_section(mut low: f64, mut high: f64, f: &impl Fn(f64) -> f64) -> f64 {
    let shrink = (5.0_f64.sqrt() - 1.0) / 2.0;
    let mut c = high - shrink * (high - low);
    let mut d = low + shrink * (high - low);
    let (mut fc, mut fd) = (badness(f(c)), badness(f(d)));
    for _ in 0..MAX_STEPS {
        let middle = (low + high) / 2.0;
        if high - low <= RATE_TOLERANCE * middle.abs().max(RATE_FLOOR) {
            break;
        }
        if fc <= fd {
            high = d;
            (d, fd) = (c, fc);
            c = high - shrink * (high - low);
            fc = badness(f(c));
        } else {
            low = c;
            (c, fc) = (d, fd);
            d = low + shrink * (high - low);
            fd = badness(f(d));
        }
    }
    (low + high) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs()
    }

    /// Participants' rows of times, one time per trial, pooled as `(trial, seconds)`.
    fn pooled(trials: &[f64], rows: &[&[f64]]) -> Vec<(f64, f64)> {
        rows.iter()
            .flat_map(|row| trials.iter().copied().zip(row.iter().copied()))
            .collect()
    }

    #[test]
    fn a_doubling_of_practice_changes_the_time_by_2_to_the_minus_b() {
        let fit = power_fit(&[(1.0, 60.0), (2.0, 30.0), (4.0, 15.0)]).expect("a fit");
        assert!((change_per_doubling(&fit) + 0.5).abs() < 1e-9);
    }

    #[test]
    fn exact_power_data_give_back_the_law() {
        let points: Vec<_> = (1..=4)
            .map(|n| (f64::from(n), 60.0 * f64::from(n).powf(-0.4)))
            .collect();
        let fit = power_fit(&points).expect("a fit");
        assert!(
            close(fit.a, 60.0, 1e-9) && close(fit.b, 0.4, 1e-9),
            "{fit:?}"
        );
        assert!(
            close(fit.quality.r2.expect("times vary"), 1.0, 1e-12),
            "{fit:?}"
        );
        assert!(
            fit.quality.rmse < 1e-9 && fit.quality.points == 4,
            "{fit:?}"
        );
        assert!(close(
            predict_power(&fit, 9.0),
            60.0 * 9f64.powf(-0.4),
            1e-9
        ));
    }

    #[test]
    fn exact_exponential_data_give_back_the_curve() {
        let curve = |n: f64| 20.0 + 40.0 * (-0.7 * (n - 1.0)).exp();
        let points: Vec<_> = (1..=5)
            .map(|n| (f64::from(n), curve(f64::from(n))))
            .collect();
        let fit = exponential_fit(&points).expect("a fit");
        assert!(
            close(fit.plateau, 20.0, 1e-9)
                && close(fit.amplitude, 40.0, 1e-9)
                && close(fit.rate, 0.7, 1e-9),
            "{fit:?}"
        );
        assert!(
            close(fit.quality.r2.expect("times vary"), 1.0, 1e-12),
            "{fit:?}"
        );
        assert!(close(predict_exponential(&fit, 8.0), curve(8.0), 1e-9));
    }

    #[test]
    fn two_points_fit_exactly() {
        let fit = power_fit(&[(1.0, 30.0), (2.0, 15.0)]).expect("a fit");
        assert!(
            close(fit.a, 30.0, 1e-9) && close(fit.b, 1.0, 1e-9),
            "{fit:?}"
        );
        let fit = power_fit(&[(1.0, 30.0), (3.0, 30.0)]).expect("a fit");
        assert!(close(fit.a, 30.0, 1e-12) && fit.b.abs() < 1e-9, "{fit:?}");
        assert_eq!(
            fit.quality.r2, None,
            "equal times have no variance to explain"
        );
    }

    /// Six participants, three trials each, faster with practice.
    fn power_faster() -> Vec<(f64, f64)> {
        pooled(
            &[1.0, 2.0, 3.0],
            &[
                &[62.1, 45.3, 40.2],
                &[55.4, 48.9, 37.5],
                &[71.0, 50.2, 44.8],
                &[48.7, 39.9, 35.1],
                &[66.3, 47.0, 43.6],
                &[58.2, 44.1, 39.4],
            ],
        )
    }

    /// Five participants, three trials each, slower each time (b < 0).
    fn power_slower() -> Vec<(f64, f64)> {
        pooled(
            &[1.0, 2.0, 3.0],
            &[
                &[20.4, 23.1, 27.9],
                &[18.2, 22.5, 24.0],
                &[22.9, 24.8, 29.3],
                &[19.5, 21.0, 26.2],
                &[21.3, 25.6, 27.1],
            ],
        )
    }

    /// Five participants, four trials each, fast learning towards a plateau.
    fn exponential_plateau() -> Vec<(f64, f64)> {
        pooled(
            &[1.0, 2.0, 3.0, 4.0],
            &[
                &[58.0, 36.2, 27.9, 25.1],
                &[64.3, 38.8, 30.5, 27.4],
                &[51.7, 33.0, 26.1, 24.8],
                &[60.9, 41.5, 29.0, 28.3],
                &[55.2, 35.7, 28.4, 23.9],
            ],
        )
    }

    /// Four participants, five trials each, slower learning.
    fn exponential_slow() -> Vec<(f64, f64)> {
        pooled(
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            &[
                &[40.2, 35.1, 29.8, 27.7, 25.0],
                &[44.8, 36.9, 33.2, 28.1, 27.6],
                &[38.5, 34.0, 31.1, 26.3, 26.9],
                &[46.1, 39.7, 32.4, 30.5, 27.2],
            ],
        )
    }

    fn assert_quality(quality: FitQuality, points: usize, r2: f64, rmse: f64) {
        assert_eq!(quality.points, points);
        assert!(
            close(quality.r2.expect("times vary"), r2, 1e-6),
            "{quality:?}"
        );
        assert!(close(quality.rmse, rmse, 1e-6), "{quality:?}");
    }

    /// Reference: `tests/independent/learning_fits.py`, SciPy 1.17.1 (NumPy 2.4.6):
    /// `curve_fit` with its default method (unweighted Levenberg-Marquardt), tolerances
    /// tightened to 1e-14 (its defaults stop up to 7e-6 short of the optimum's shallow
    /// rate, depending on the start), the exponential from six starting rates, the
    /// lowest sum of squares kept. Agreement to 1e-6 relative.
    #[test]
    fn fits_agree_with_scipy_curve_fit() {
        let fit = power_fit(&power_faster()).expect("a fit");
        assert!(
            close(fit.a, 60.15859239, 1e-6) && close(fit.b, 0.3765505572, 1e-6),
            "{fit:?}"
        );
        assert_quality(fit.quality, 18, 0.7404798931, 5.019301442);

        let fit = power_fit(&power_slower()).expect("a fit");
        assert!(
            close(fit.a, 20.19528067, 1e-6) && close(fit.b, -0.2492245263, 1e-6),
            "{fit:?}"
        );
        assert_quality(fit.quality, 15, 0.6939900753, 1.724633893);

        let fit = exponential_fit(&exponential_plateau()).expect("a fit");
        assert!(
            close(fit.plateau, 23.78762438, 1e-6)
                && close(fit.amplitude, 34.26386722, 1e-6)
                && close(fit.rate, 0.9648751947, 1e-6),
            "{fit:?}"
        );
        assert_quality(fit.quality, 20, 0.9515002453, 2.852825208);

        let fit = exponential_fit(&exponential_slow()).expect("a fit");
        assert!(
            close(fit.plateau, 21.4344092, 1e-6)
                && close(fit.amplitude, 21.0777657, 1e-6)
                && close(fit.rate, 0.3611983969, 1e-6),
            "{fit:?}"
        );
        assert_quality(fit.quality, 20, 0.8927886729, 1.991538792);
    }

    #[test]
    fn too_few_points_or_trials() {
        assert_eq!(power_fit(&[]), Err(NoFit::TooFewPoints));
        assert_eq!(power_fit(&[(1.0, 10.0)]), Err(NoFit::TooFewPoints));
        assert_eq!(
            power_fit(&[(2.0, 10.0), (2.0, 12.0), (2.0, 9.0)]),
            Err(NoFit::TooFewPoints),
            "one trial, however many people"
        );
        let three = [(1.0, 30.0), (2.0, 20.0), (3.0, 15.0)];
        assert_eq!(exponential_fit(&three), Err(NoFit::TooFewPoints));
        let two_trials = [(1.0, 30.0), (2.0, 20.0), (1.0, 32.0), (2.0, 21.0)];
        assert_eq!(exponential_fit(&two_trials), Err(NoFit::TooFewPoints));
        let filtered = [(1.0, 30.0), (0.5, 20.0), (2.0, -1.0), (f64::NAN, 5.0)];
        assert_eq!(power_fit(&filtered), Err(NoFit::TooFewPoints));
    }

    #[test]
    fn a_rate_the_data_do_not_pin_down_is_not_identified() {
        let linear: Vec<_> = (1..=5)
            .map(|n| (f64::from(n), 50.0 - 5.0 * f64::from(n)))
            .collect();
        assert_eq!(
            exponential_fit(&linear),
            Err(NoFit::NotIdentified),
            "rate -> 0"
        );
        let constant: Vec<_> = (1..=5).map(|n| (f64::from(n), 12.5)).collect();
        assert_eq!(exponential_fit(&constant), Err(NoFit::NotIdentified));
        let step = [(1.0, 40.0), (2.0, 10.0), (3.0, 10.0), (4.0, 10.0)];
        assert_eq!(
            exponential_fit(&step),
            Err(NoFit::NotIdentified),
            "rate -> infinity"
        );
        assert_eq!(
            power_fit(&[(1.0, 1000.0), (2.0, 1.0)]),
            Err(NoFit::NotIdentified),
            "b = log2(1000) is beyond 6"
        );
        let fit = power_fit(&constant).expect("constant times follow b = 0");
        assert!(fit.b.abs() < 1e-9 && close(fit.a, 12.5, 1e-12), "{fit:?}");
    }

    #[test]
    fn garbage_never_panics() {
        let nasty = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            0.0,
            1.0,
            2.0,
            1e-300,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut points = Vec::new();
        for &n in &nasty {
            for &t in &nasty {
                points.push((n, t));
                let _ = power_fit(&points);
                let _ = exponential_fit(&points);
            }
        }
        let huge = [(1.0, 1e300), (2.0, 5e299), (3.0, 3e299), (4.0, 2.6e299)];
        let fit = power_fit(&huge).expect("times scale");
        assert!(fit.a.is_finite() && fit.quality.rmse.is_finite(), "{fit:?}");
        let far = [
            (1.0, 9.0),
            (1e300, 5.0),
            (2e300, 4.0),
            (3e300, 3.0),
            (4e300, 2.0),
        ];
        let _ = power_fit(&far);
        let _ = exponential_fit(&far);
    }

    #[test]
    fn no_fit_serializes_in_snake_case() {
        let json = serde_json::to_string(&NoFit::NotIdentified).expect("serializable");
        assert_eq!(json, "\"not_identified\"");
    }
}
