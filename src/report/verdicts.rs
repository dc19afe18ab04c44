//! Verdict questions' figures and standard questionnaire scores, each kept on its scale.

use std::collections::BTreeMap;

use serde::Serialize;

use super::tally::AnswerTally;
use crate::format::{self, percent, percent_interval};
use crate::stats::{self, Interval, NpsCounts, Questionnaire, Questionnaires, Sample, Scoring};

#[derive(Debug, Serialize)]
pub struct Verdict {
    pub question: String,
    pub answers: usize,
    pub options: Vec<(String, usize)>,
    /// For yes/no questions (an answer "Yes" or "No"): how many answered "Yes", with its
    /// interval; 0 of n when everyone answered "No".
    pub yes: Option<Share>,
    pub scale: Option<Mean>,
    pub distribution: Vec<(i64, usize)>,
    /// Free-text answers with their participant.
    pub texts: Vec<(String, String)>,
    /// Every numeric answer, for tests on the answers (JSON has them as `distribution`).
    #[serde(skip)]
    pub numbers: Sample,
    /// A standard questionnaire's score, for questions with its id (`nps`, `csat`, `seq`).
    pub standard: Option<Standard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
    pub interval: Option<Interval>,
}

impl Share {
    pub fn new(count: usize, of: usize) -> Share {
        Share {
            count,
            of,
            interval: stats::adjusted_wald(count as u64, of as u64),
        }
    }

    pub fn rate(&self) -> Option<f64> {
        (self.of > 0).then(|| self.count as f64 / self.of as f64)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Mean {
    pub mean: f64,
    pub interval: Option<Interval>,
    pub n: usize,
}

/// The mean of `values` with its t interval, kept within `low..high` when the scale is known.
pub fn mean_of(values: &Sample, scale: Option<(f64, f64)>) -> Option<Mean> {
    let interval = stats::mean_t_interval(values).map(|(_, i)| i);
    let interval = match scale {
        Some((low, high)) => interval.map(|i| i.clamped(low, high)),
        None => interval,
    };
    Some(Mean {
        mean: values.mean()?,
        interval,
        n: values.len(),
    })
}

impl Verdict {
    pub(super) fn new(
        question: &str,
        tally: &AnswerTally,
        scale: Option<[i64; 2]>,
        questionnaires: Questionnaires,
    ) -> Self {
        let options: Vec<(String, usize)> = tally
            .option_order
            .in_order()
            .into_iter()
            .map(|o| (o.to_owned(), tally.options[o]))
            .collect();
        let answered = options.iter().map(|(_, n)| n).sum::<usize>();
        let yes = yes_share(&tally.options, answered);
        let mut distribution: BTreeMap<i64, usize> = BTreeMap::new();
        for (n, times) in tally.numbers.counts() {
            *distribution.entry(n as i64).or_default() += times as usize;
        }
        let scale = scale.map(|[from, to]| (from as f64, to as f64));
        Verdict {
            question: question.to_owned(),
            answers: answered + tally.numbers.len() + tally.texts.len(),
            options,
            yes,
            scale: mean_of(&tally.numbers, scale),
            distribution: distribution.into_iter().collect(),
            texts: super::tally::in_order(&tally.texts),
            standard: stats::single(questionnaires.0, question)
                .and_then(|q| standard_score(q, &tally.numbers)),
            numbers: tally.numbers.clone(),
        }
    }
}

/// The share of "Yes" of a question answered "Yes" or "No" (in any case): a question
/// everyone answered "No" is still a yes/no question, at 0 of n.
fn yes_share(options: &BTreeMap<String, usize>, answered: usize) -> Option<Share> {
    let count = |word: &str| {
        options
            .iter()
            .filter(|(o, _)| o.eq_ignore_ascii_case(word))
            .map(|(_, n)| *n)
            .sum::<usize>()
    };
    let is_yes_no = options
        .keys()
        .any(|o| o.eq_ignore_ascii_case("yes") || o.eq_ignore_ascii_case("no"));
    is_yes_no.then(|| Share::new(count("yes"), answered))
}

/// A standard questionnaire's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Standard {
    /// NPS with its adjusted-Wald interval (Rocks 2016), in points.
    Nps {
        named: Named,
        score: f64,
        counts: NpsCounts,
        interval: Option<Interval>,
    },
    /// SEQ's mean on 1-7, with its interval kept on the scale (none from one answer).
    Seq {
        named: Named,
        mean: f64,
        interval: Option<Interval>,
        n: usize,
    },
    /// CSAT: the share of the top two answers of 5, with its adjusted-Wald interval.
    Csat {
        named: Named,
        top_two: usize,
        of: usize,
        interval: Option<Interval>,
    },
}

/// What a single-question questionnaire's table row calls it, and its scale's top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Named {
    pub label: &'static str,
    /// Its comparison row's name.
    pub compared_as: &'static str,
    pub top: i64,
}

impl Named {
    fn of(q: &Questionnaire) -> Self {
        Named {
            label: q.label,
            compared_as: q.compared_as,
            top: q.scale.1,
        }
    }
}

impl Standard {
    /// Its table row's names.
    pub fn named(self) -> Named {
        match self {
            Standard::Nps { named, .. }
            | Standard::Seq { named, .. }
            | Standard::Csat { named, .. } => named,
        }
    }

    pub fn text(self) -> String {
        match self {
            Standard::Nps {
                named,
                score,
                interval,
                ..
            } => match interval {
                Some(i) => format!(
                    "{} {} ({})",
                    named.label,
                    format::nps(score),
                    format::interval(i, 0)
                ),
                None => format!("{} {}", named.label, format::nps(score)),
            },
            Standard::Seq {
                named,
                mean,
                interval,
                n,
            } => format!(
                "{} {} of {} ({}){}",
                named.label,
                format::number(mean, 2),
                named.top,
                format::or_missing(interval.map(|i| format::interval(i, 2))),
                format::small_n(n)
            ),
            Standard::Csat {
                named,
                top_two,
                of,
                interval,
            } => {
                let share = percent(top_two as f64 / of.max(1) as f64);
                let (label, top) = (named.label, named.top);
                match interval {
                    Some(i) => format!(
                        "{label} {share} (top two of {top}; {})",
                        percent_interval(i)
                    ),
                    None => format!("{label} {share} (top two of {top})"),
                }
            }
        }
    }
}

/// JSON keeps the score in words, as the report prints it.
impl Serialize for Standard {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// A single-question questionnaire's score: NPS (0-10), SEQ (1-7), CSAT (top two of
/// 1-5), as the table's row scores it.
fn standard_score(q: &Questionnaire, numbers: &Sample) -> Option<Standard> {
    let count = |test: fn(i64) -> bool| numbers.count_where(|n| test(n as i64));
    match q.scoring {
        Scoring::Nps => {
            let score = stats::nps(numbers)?;
            let counts = NpsCounts {
                promoters: count(|a| a >= 9),
                detractors: count(|a| a <= 6),
                n: numbers.len() as u64,
            };
            Some(Standard::Nps {
                named: Named::of(q),
                score,
                counts,
                interval: counts.interval(),
            })
        }
        Scoring::Seq => mean_of(numbers, Some(q.range)).map(|m| Standard::Seq {
            named: Named::of(q),
            mean: m.mean,
            interval: m.interval,
            n: m.n,
        }),
        Scoring::Csat => {
            stats::csat_top_two(numbers, q.scale.1)?;
            let top = q.scale.1;
            let top_two = numbers.count_where(|n| n as i64 >= top - 1);
            Some(Standard::Csat {
                named: Named::of(q),
                top_two: top_two as usize,
                of: numbers.len(),
                interval: stats::adjusted_wald(top_two, numbers.len() as u64),
            })
        }
        Scoring::Total(_) => None,
    }
}
