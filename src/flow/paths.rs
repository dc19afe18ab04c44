//! The paths a task is expected to take: the designer's `expected:` lists, or else every
//! shortest path through the flow from the task's start to one of its success steps.
//! Path metrics (first choice right, lostness) measure attempts against these.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::{Flow, SUCCESS, StepKind, Target};

/// Enough shortest paths to judge a first choice; a flow with more is a maze.
const MAX_SHORTEST: usize = 32;

/// Expected paths (step ids) by task id; a flow without tasks is one task, named by the
/// flow's id, as the player names it.
pub fn expected(flow: &Flow) -> BTreeMap<String, Vec<Vec<String>>> {
    if flow.tasks.is_empty() {
        let success: Vec<&str> = flow
            .steps
            .iter()
            .filter(|s| matches!(&s.kind, StepKind::End { outcome } if outcome == SUCCESS))
            .map(|s| s.id.as_str())
            .collect();
        let paths =
            declared(&flow.expected).unwrap_or_else(|| shortest(flow, &flow.start.id, &success));
        return BTreeMap::from([(flow.id.clone(), paths)]);
    }
    flow.tasks
        .iter()
        .map(|task| {
            let success: Vec<&str> = task.success.iter().map(|t| t.id.as_str()).collect();
            let paths = declared(&task.expected)
                .unwrap_or_else(|| shortest(flow, &task.start.id, &success));
            (task.id.clone(), paths)
        })
        .collect()
}

fn declared(paths: &[Vec<Target>]) -> Option<Vec<Vec<String>>> {
    (!paths.is_empty()).then(|| {
        paths
            .iter()
            .map(|path| path.iter().map(|t| t.id.clone()).collect())
            .collect()
    })
}

/// Every shortest path from `start` to the nearest of `success` (up to [`MAX_SHORTEST`]),
/// breadth first. A task ends on a success step or an end step, so no path goes through one.
pub fn shortest(flow: &Flow, start: &str, success: &[&str]) -> Vec<Vec<String>> {
    let index = flow.index();
    let Some(&from) = index.get(start) else {
        return Vec::new();
    };
    let ends = |i: usize| {
        success.contains(&flow.steps[i].id.as_str())
            || matches!(flow.steps[i].kind, StepKind::End { .. })
    };
    let mut distance: HashMap<usize, usize> = HashMap::from([(from, 0)]);
    let mut before: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        if ends(at) && at != from {
            continue;
        }
        let next_distance = distance[&at] + 1;
        for (_, target) in flow.steps[at].exits() {
            let Some(&to) = index.get(target.id.as_str()) else {
                continue;
            };
            match distance.get(&to) {
                None => {
                    distance.insert(to, next_distance);
                    before.entry(to).or_default().push(at);
                    queue.push_back(to);
                }
                Some(&d) if d == next_distance && !before[&to].contains(&at) => {
                    before.entry(to).or_default().push(at);
                }
                _ => {}
            }
        }
    }
    let goals: Vec<usize> = success
        .iter()
        .filter_map(|id| index.get(id).copied())
        .filter(|i| distance.contains_key(i))
        .collect();
    let Some(nearest) = goals.iter().map(|g| distance[g]).min() else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for goal in goals.into_iter().filter(|g| distance[g] == nearest) {
        walk_back(goal, from, &before, &mut vec![goal], &mut paths);
    }
    paths
        .into_iter()
        .map(|p: Vec<usize>| p.into_iter().map(|i| flow.steps[i].id.clone()).collect())
        .collect()
}

fn walk_back(
    at: usize,
    from: usize,
    before: &HashMap<usize, Vec<usize>>,
    tail: &mut Vec<usize>,
    paths: &mut Vec<Vec<usize>>,
) {
    if paths.len() >= MAX_SHORTEST {
        return;
    }
    if at == from {
        paths.push(tail.iter().rev().copied().collect());
        return;
    }
    for &previous in before.get(&at).map(Vec::as_slice).unwrap_or_default() {
        tail.push(previous);
        walk_back(previous, from, before, tail, paths);
        tail.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = "
flow: f
title: F
steps:
  home:
    choices:
      - A -> a
      - B -> b
      - Long -> c
  a:
    choices:
      - Done -> done
      - Home -> home
  b:
    choices:
      - Done -> done
  c:
    choices:
      - On -> a
  done:
    end: success
";

    #[test]
    fn the_shortest_paths_are_every_path_of_the_fewest_steps() {
        let flow = crate::flow::load(FLOW).expect("loads");
        let paths = &expected(&flow)["f"];
        assert_eq!(
            paths,
            &[
                vec!["home".to_owned(), "a".into(), "done".into()],
                vec!["home".to_owned(), "b".into(), "done".into()],
            ]
        );
    }

    #[test]
    fn declared_paths_win_and_tasks_have_their_own() {
        let source = format!(
            "{FLOW}expected:\n  - [home, c, a, done]\ntasks:\n  - id: t\n    brief: B\n    start: a\n    success: [done]\n"
        );
        let flow = crate::flow::load(&source).expect("loads");
        assert_eq!(flow.expected.len(), 1);
        let paths = expected(&flow);
        assert_eq!(paths["t"], [vec!["a".to_owned(), "done".into()]]);
        assert!(!paths.contains_key("f"), "a flow with tasks is its tasks");
    }
}
