#!/usr/bin/env python3
"""Independent learning-curve fits for `src/stats/learning.rs`: SciPy's curve_fit with its
default method (unweighted least squares in seconds, Levenberg-Marquardt) on fixed
data sets of pooled participants, printed to 10 significant digits for the Rust tests.

    python3 tests/independent/learning_fits.py

Each set is fitted twice: with curve_fit's default tolerances, and with them tightened to
1e-14 ("tight"). The defaults stop up to about 2e-6 (relative) short of the optimum of the
exponential's shallow rate, and where they stop depends on the start, so the Rust tests
hold the tight figures (different starts then agree to about 1e-8).

Power law of practice T(n) = a n^-b (Newell & Rosenbloom 1981); exponential with a
plateau T(n) = plateau + amplitude exp(-rate (n - 1)) (Heathcote, Brown & Mewhort 2000).
"""

import numpy as np
import scipy
from scipy.optimize import curve_fit


def power(n, a, b):
    return a * n ** (-b)


def exponential(n, plateau, amplitude, rate):
    return plateau + amplitude * np.exp(-rate * (n - 1.0))


def pooled(trials, times):
    """Participants' rows of times, one per trial, as (n, t) arrays."""
    n = np.array([trial for row in times for trial in trials], dtype=float)
    t = np.array([value for row in times for value in row], dtype=float)
    return n, t


# Six participants, three trials each: faster with practice.
POWER_FASTER = pooled(
    [1, 2, 3],
    [
        [62.1, 45.3, 40.2],
        [55.4, 48.9, 37.5],
        [71.0, 50.2, 44.8],
        [48.7, 39.9, 35.1],
        [66.3, 47.0, 43.6],
        [58.2, 44.1, 39.4],
    ],
)
# Five participants, three trials each: slower with each trial (fatigue), so b < 0.
POWER_SLOWER = pooled(
    [1, 2, 3],
    [
        [20.4, 23.1, 27.9],
        [18.2, 22.5, 24.0],
        [22.9, 24.8, 29.3],
        [19.5, 21.0, 26.2],
        [21.3, 25.6, 27.1],
    ],
)
# Five participants, four trials each: fast learning towards a plateau.
EXPONENTIAL_PLATEAU = pooled(
    [1, 2, 3, 4],
    [
        [58.0, 36.2, 27.9, 25.1],
        [64.3, 38.8, 30.5, 27.4],
        [51.7, 33.0, 26.1, 24.8],
        [60.9, 41.5, 29.0, 28.3],
        [55.2, 35.7, 28.4, 23.9],
    ],
)
# Four participants, five trials each: slower learning, more noise.
EXPONENTIAL_SLOW = pooled(
    [1, 2, 3, 4, 5],
    [
        [40.2, 35.1, 29.8, 27.7, 25.0],
        [44.8, 36.9, 33.2, 28.1, 27.6],
        [38.5, 34.0, 31.1, 26.3, 26.9],
        [46.1, 39.7, 32.4, 30.5, 27.2],
    ],
)


def quality(t, fitted):
    sse = float(np.sum((t - fitted) ** 2))
    sst = float(np.sum((t - t.mean()) ** 2))
    return 1.0 - sse / sst, (sse / len(t)) ** 0.5, sse


TIGHT = {"ftol": 1e-14, "xtol": 1e-14, "gtol": 1e-14}


def fit_power(n, t, **tolerances):
    p0 = [t[n == n.min()].mean(), 0.3]
    params, _ = curve_fit(power, n, t, p0=p0, maxfev=100000, **tolerances)
    return params, quality(t, power(n, *params))


def fit_exponential(n, t, **tolerances):
    """The lowest sum of squares over several starting rates."""
    best = None
    last = t[n == n.max()].mean()
    first = t[n == n.min()].mean()
    for rate in [0.01, 0.1, 0.3, 1.0, 3.0, 10.0]:
        try:
            params, _ = curve_fit(
                exponential, n, t, p0=[last, first - last, rate], maxfev=100000, **tolerances
            )
        except RuntimeError:
            continue
        q = quality(t, exponential(n, *params))
        figures = " ".join(f"{p:.10g}" for p in params)
        print(f"    start rate {rate:>5}: {figures}, sse {q[2]:.12g}")
        if best is None or q[2] < best[1][2]:
            best = (params, q)
    return best


def show(name, names, params, q):
    figures = ", ".join(f"{k} = {v:.10g}" for k, v in zip(names, params))
    print(f"{name}: {figures}, r2 = {q[0]:.10g}, rmse = {q[1]:.10g}")


def main():
    print(f"SciPy {scipy.__version__}, NumPy {np.__version__}")
    for label, tolerances in [("default", {}), ("tight", TIGHT)]:
        print(f"--- curve_fit, {label} tolerances")
        for name, data in [("power_faster", POWER_FASTER), ("power_slower", POWER_SLOWER)]:
            params, q = fit_power(*data, **tolerances)
            show(f"{name} ({label})", ["a", "b"], params, q)
        for name, data in [
            ("exponential_plateau", EXPONENTIAL_PLATEAU),
            ("exponential_slow", EXPONENTIAL_SLOW),
        ]:
            print(f"{name} ({label}), each start:")
            params, q = fit_exponential(*data, **tolerances)
            show(f"{name} ({label})", ["plateau", "amplitude", "rate"], params, q)


if __name__ == "__main__":
    with np.errstate(over="ignore"):  # a far start overflows exp on the way; harmless
        main()
