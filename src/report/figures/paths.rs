//! A task's paths: the most frequent ones, and the funnel along one of them.

use super::PathCount;
use crate::report::tally::TaskTally;
use crate::session::TaskEnding;

const TOP_PATHS: usize = 5;

/// The most frequent paths, and the funnel: along the expected path most successes
/// walked exactly (the first on a tie), or without expected paths along the most
/// frequent successful path; and whether it follows an expected path. The funnel counts
/// the attempts completion counts: technical endings only with `count_technical`.
pub(super) fn paths_and_funnel(
    tally: &TaskTally,
    count_technical: bool,
) -> (Vec<PathCount>, Vec<(String, usize)>, bool) {
    let mut paths: Vec<PathCount> = tally
        .paths
        .iter()
        .map(|((path, outcome), count)| PathCount {
            path: path.clone(),
            outcome: outcome.clone(),
            count: *count,
        })
        .collect();
    // On a tie the shorter path comes first: the funnel should follow the straight way,
    // not a loop that happened as often.
    paths.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.path.len().cmp(&b.path.len()))
            .then(a.path.cmp(&b.path))
    });
    let walked = |path: &Vec<String>| {
        let key = (path.clone(), TaskEnding::SUCCESS);
        tally.paths.get(&key).copied().unwrap_or(0)
    };
    let mut expected: Option<&Vec<String>> = None;
    for path in &tally.expected {
        if expected.is_none_or(|best| walked(path) > walked(best)) {
            expected = Some(path);
        }
    }
    let along = expected.or_else(|| {
        paths
            .iter()
            .find(|p| p.outcome.is_success())
            .map(|p| &p.path)
    });
    let funnel = along
        .map(|p| funnel(p, tally, count_technical))
        .unwrap_or_default();
    paths.truncate(TOP_PATHS);
    (paths, funnel, expected.is_some())
}

/// Each step of `path` with the attempts that walked the path up to it: its steps in
/// order, detours between them allowed. An attempt that reached a step reached every
/// step before it, so the counts never rise, even where the path returns to a step.
fn funnel(path: &[String], tally: &TaskTally, count_technical: bool) -> Vec<(String, usize)> {
    let mut reached = vec![0; path.len()];
    let counted = tally
        .paths
        .iter()
        .filter(|((_, ending), _)| count_technical || !ending.technical());
    for ((walked, _), count) in counted {
        let mut along = 0;
        for step in walked {
            if path.get(along) == Some(step) {
                along += 1;
            }
        }
        for r in &mut reached[..along] {
            *r += count;
        }
    }
    path.iter().cloned().zip(reached).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::TaskOutcome;

    fn steps(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    /// Three attempts walked a detour to success, one the expected path, one gave up
    /// on the way: the funnel follows the expected path all the same, and never rises.
    #[test]
    fn the_funnel_follows_the_expected_path_and_never_rises() {
        let mut tally = TaskTally::default();
        tally
            .paths
            .insert((steps("home help home menu paid"), TaskEnding::SUCCESS), 3);
        tally
            .paths
            .insert((steps("home menu paid"), TaskEnding::SUCCESS), 1);
        let gave_up = TaskEnding::Ended(TaskOutcome::Abandoned);
        tally.paths.insert((steps("home menu"), gave_up), 1);
        tally.expected = vec![steps("home other paid"), steps("home menu paid")];
        let (_, funnel, expected) = paths_and_funnel(&tally, false);
        assert!(expected);
        let want: Vec<(String, usize)> =
            vec![("home".into(), 5), ("menu".into(), 5), ("paid".into(), 4)];
        assert_eq!(funnel, want);
        // Without expected paths, the most frequent successful path: the detour, where
        // the attempts that skipped help never reached its second step.
        tally.expected.clear();
        let (_, funnel, expected) = paths_and_funnel(&tally, false);
        assert!(!expected);
        let counts: Vec<usize> = funnel.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, [5, 3, 3, 3, 3]);
    }

    /// A researcher's abort and a cut-off file are left out of completion, and so out
    /// of the funnel: it starts at the attempts completion counts, unless technical
    /// endings are counted too.
    #[test]
    fn the_funnel_counts_what_completion_counts() {
        let mut tally = TaskTally::default();
        tally
            .paths
            .insert((steps("home menu paid"), TaskEnding::SUCCESS), 2);
        let aborted = TaskEnding::Ended(TaskOutcome::Aborted);
        tally.paths.insert((steps("home menu"), aborted), 1);
        tally.paths.insert((steps("home"), TaskEnding::CutOff), 2);
        tally.expected = vec![steps("home menu paid")];
        let counts = |count_technical| {
            let (_, funnel, _) = paths_and_funnel(&tally, count_technical);
            funnel.iter().map(|(_, n)| *n).collect::<Vec<_>>()
        };
        assert_eq!(counts(false), [2, 2, 2]);
        assert_eq!(counts(true), [5, 3, 2]);
    }
}
