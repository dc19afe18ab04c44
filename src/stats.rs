//! Statistics for small samples, each with its source in `docs/statistics.md`.
//!
//! User research runs on 5 to 30 people, so intervals matter more than point figures,
//! and every test says when it cannot tell.

mod agreement;
mod compare;
mod difference;
mod effect;
mod equivalence;
mod interval;
mod learning;
mod paired;
mod power;
mod proportions;
mod quantile;
mod questionnaire;
mod sample;

pub use agreement::{PercentAgreement, cohen_kappa, krippendorff_alpha_nominal, percent_agreement};
pub use compare::{TestKind, TestResult, n_minus_one_two_proportion, welch_t};
pub use difference::{
    NpsCounts, agresti_caffo, geometric_mean_ratio, holm, nps_difference, welch_difference,
};
pub use effect::{hedges_g, median_interval, risk_ratio};
pub use equivalence::{
    Equivalence, Tost, tost_log_times, tost_paired_log_times, tost_paired_proportions,
    tost_proportions,
};
pub use interval::{Interval, adjusted_wald, geometric_mean, geometric_middle, mean_t_interval};
pub use learning::{
    ExponentialFit, FitQuality, NoFit, PowerFit, change_per_doubling, exponential_fit, power_fit,
    predict_exponential, predict_power,
};
pub use paired::{
    Spread, bonett_price, constant_ratio, constant_ratio_of, crossover_period, crossover_period_of,
    mcnemar_exact, mcnemar_fragility, mcnemar_mid_p, paired_log_t, paired_log_t_of,
    paired_sample_size, paired_t, paired_t_of, two_proportion_sample_size,
};
pub use power::{LEVEL, POWER, completion_sample_size, smallest_n, two_sample_power};
pub use proportions::{fisher_irwin, fragility, two_proportions};
pub use quantile::{median, quantile};
pub use questionnaire::{
    QUESTIONNAIRES, Questionnaire, Questionnaires, Scoring, csat_top_two, nps, single, sus_score,
    umux_lite,
};
pub use sample::Sample;

/// The confidence level of every interval: 95%.
pub const CONFIDENCE: f64 = 0.95;
