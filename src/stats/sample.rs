//! A sample of measured values kept as exact counts per distinct value, so a report over
//! a million sessions holds one entry per distinct millisecond, not one per session.
//!
//! Nothing is lost: the multiset of values is the sample, so every order statistic,
//! mean and variance is the one the list of every value gives. Sums run over distinct
//! values in ascending order (compensated), so they do not depend on the order sessions
//! were read in.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// An `f64` ordered by `f64::total_cmp`, so it can key a map: -0.0 and 0.0 are two keys,
/// and NaN is kept (and found) rather than lost in a comparison.
#[derive(Debug, Clone, Copy)]
struct Key(f64);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Values with how many times each was measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sample {
    counts: BTreeMap<Key, u64>,
    /// Every value counted: the sum of `counts`.
    len: u64,
}

impl Sample {
    pub fn new() -> Self {
        Sample::default()
    }

    pub fn push(&mut self, value: f64) {
        self.push_n(value, 1);
    }

    /// Adds `value` measured `times` times.
    pub fn push_n(&mut self, value: f64, times: u64) {
        if times == 0 {
            return;
        }
        *self.counts.entry(Key(value)).or_default() += times;
        self.len += times;
    }

    pub fn merge(&mut self, other: Sample) {
        if self.counts.is_empty() {
            *self = other;
            return;
        }
        for (key, times) in other.counts {
            self.push_n(key.0, times);
        }
    }

    /// How many values were measured, ties counted.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many different values were measured: what the sample's memory grows with.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// Each distinct value with its count, smallest first.
    pub fn counts(&self) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
        self.counts.iter().map(|(key, times)| (key.0, *times))
    }

    /// Every value, ties repeated, smallest first; made one at a time, never stored.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.counts()
            .flat_map(|(value, times)| std::iter::repeat_n(value, times as usize))
    }

    /// The smallest value.
    pub fn first(&self) -> Option<f64> {
        self.counts.keys().next().map(|key| key.0)
    }

    /// The largest value.
    pub fn last(&self) -> Option<f64> {
        self.counts.keys().next_back().map(|key| key.0)
    }

    /// Whether every value satisfies `test` (true of an empty sample).
    pub fn all(&self, test: impl Fn(f64) -> bool) -> bool {
        self.counts.keys().all(|key| test(key.0))
    }

    /// How many values (ties counted) satisfy `test`.
    pub fn count_where(&self, test: impl Fn(f64) -> bool) -> u64 {
        self.counts()
            .filter(|(v, _)| test(*v))
            .map(|(_, n)| n)
            .sum()
    }

    /// The `k`-th smallest value (from 0), ties counted: found by walking the counts.
    pub fn nth(&self, k: u64) -> Option<f64> {
        let mut below = 0;
        for (value, times) in self.counts() {
            below += times;
            if k < below {
                return Some(value);
            }
        }
        None
    }

    /// The sum of every value, ties counted.
    pub fn sum(&self) -> f64 {
        compensated_sum(self.counts().map(|(value, times)| value * times as f64))
    }

    pub fn mean(&self) -> Option<f64> {
        (!self.is_empty()).then(|| self.sum() / self.len as f64)
    }

    /// The sample variance (n - 1 in the denominator), two-pass: the squared distances
    /// from the mean, each distinct value's weighted by its count. Needs two values.
    pub fn variance(&self) -> Option<f64> {
        if self.len < 2 {
            return None;
        }
        let mean = self.mean()?;
        let squares = self
            .counts()
            .map(|(value, times)| (value - mean).powi(2) * times as f64);
        Some(compensated_sum(squares) / (self.len - 1) as f64)
    }

    /// Every value passed through `f` (milliseconds to seconds, logs), counts kept;
    /// values `f` makes equal are counted together.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Sample {
        let mut mapped = Sample::new();
        for (value, times) in self.counts() {
            mapped.push_n(f(value), times);
        }
        mapped
    }
}

/// Neumaier's compensated sum: the rounding of each addition is carried and added back,
/// so a sum of many terms keeps its precision. Infinite terms give the plain sum.
fn compensated_sum(terms: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut carried) = (0.0f64, 0.0f64);
    for term in terms {
        let next = sum + term;
        carried += if sum.abs() >= term.abs() {
            (sum - next) + term
        } else {
            (term - next) + sum
        };
        sum = next;
    }
    if carried.is_finite() {
        sum + carried
    } else {
        sum
    }
}

impl FromIterator<f64> for Sample {
    fn from_iter<I: IntoIterator<Item = f64>>(values: I) -> Self {
        let mut sample = Sample::new();
        sample.extend(values);
        sample
    }
}

impl Extend<f64> for Sample {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, values: I) {
        for value in values {
            self.push(value);
        }
    }
}

/// JSON writes a sample as the list of every value, smallest first, as it wrote the list
/// it was before; the values are walked, not gathered.
impl Serialize for Sample {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self.values() {
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests;
