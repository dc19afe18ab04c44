//! A draft made plainer before it is written: steps that show nothing and only lead on
//! are skipped over, and `once` is dropped where a choice can never be offered twice.

use std::collections::HashMap;

use super::Draft;

impl Draft {
    /// Steps without text or choices that only lead on are skipped: the participant
    /// would see an empty screen and press Enter.
    pub(super) fn skip_empty_steps(&mut self) {
        let empty: HashMap<String, String> = self
            .steps
            .iter()
            .filter(|s| s.text.trim().is_empty() && s.choices.is_empty() && s.notes.is_empty())
            .filter_map(|s| Some((s.id.clone(), s.go.clone()?)))
            .filter(|(id, go)| id != go)
            .collect();
        let resolve = |id: &str| {
            let mut at = id.to_owned();
            // A chain of empty steps ends within as many hops as there are of them.
            for _ in 0..=empty.len() {
                match empty.get(&at) {
                    Some(next) => at = next.clone(),
                    None => return at,
                }
            }
            id.to_owned()
        };
        let kept = |id: &str| !empty.contains_key(id) || resolve(id) == id;
        for step in &mut self.steps {
            for choice in &mut step.choices {
                choice.target = resolve(&choice.target);
            }
            step.go = step.go.as_deref().map(resolve);
        }
        self.start = self.start.as_deref().map(resolve);
        self.steps.retain(|s| kept(&s.id));
    }

    /// Ink's `*` choices vanish once taken, which matters only on a step that can come
    /// round again; elsewhere `once` would only make checks unsure.
    pub(super) fn drop_needless_once(&mut self) {
        let index: HashMap<&str, usize> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let next: Vec<Vec<usize>> = self
            .steps
            .iter()
            .map(|s| {
                let targets = s
                    .choices
                    .iter()
                    .map(|c| c.target.as_str())
                    .chain(s.go.as_deref());
                targets.filter_map(|t| index.get(t).copied()).collect()
            })
            .collect();
        let on_a_loop: Vec<bool> = (0..self.steps.len())
            .map(|i| comes_back(&next, i))
            .collect();
        for (step, looped) in self.steps.iter_mut().zip(on_a_loop) {
            if !looped {
                step.choices.iter_mut().for_each(|c| c.once = false);
            }
        }
    }
}

fn comes_back(next: &[Vec<usize>], start: usize) -> bool {
    let mut seen = vec![false; next.len()];
    let mut stack = next[start].clone();
    while let Some(s) = stack.pop() {
        if s == start {
            return true;
        }
        if !std::mem::replace(&mut seen[s], true) {
            stack.extend(&next[s]);
        }
    }
    false
}
