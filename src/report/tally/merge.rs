//! Tallies added together: a participant's first session is tallied apart until every
//! session has been read, then folded into its flow version's tally.

use std::collections::BTreeMap;

use super::{AnswerTally, StepTally, Tally, TaskTally};

fn add_counts<K: Ord>(into: &mut BTreeMap<K, usize>, from: BTreeMap<K, usize>) {
    for (key, n) in from {
        *into.entry(key).or_default() += n;
    }
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        self.sessions += other.sessions;
        self.complete += other.complete;
        self.aborted += other.aborted;
        self.cut_off += other.cut_off;
        self.repeats_left_out += other.repeats_left_out;
        for (id, task) in other.tasks {
            self.tasks.entry(id).or_default().merge(task);
        }
        for (id, step) in other.steps {
            self.steps.entry(id).or_default().merge(step);
        }
        self.questions.merge(other.questions);
        for (id, answers) in other.answers {
            self.answers.entry(id).or_default().merge(answers);
        }
        if self.scores.is_empty() {
            self.scores = other.scores;
        } else {
            for (mine, theirs) in self.scores.iter_mut().zip(other.scores) {
                mine.merge(theirs);
            }
        }
        self.scales.extend(other.scales);
        self.within_study |= other.within_study;
        self.study_anticipation_ms = self.study_anticipation_ms.or(other.study_anticipation_ms);
        self.notes.extend(other.notes);
    }
}

impl TaskTally {
    fn merge(&mut self, other: TaskTally) {
        self.attempts += other.attempts;
        self.technical += other.technical;
        add_counts(&mut self.outcomes, other.outcomes);
        self.success_ms.merge(other.success_ms);
        self.direct += other.direct;
        self.no_backtrack += other.no_backtrack;
        self.first_right += other.first_right;
        self.first_judged += other.first_judged;
        self.lostness.merge(other.lostness);
        add_counts(&mut self.paths, other.paths);
        if self.expected.is_empty() {
            self.expected = other.expected;
        }
    }
}

impl StepTally {
    fn merge(&mut self, other: StepTally) {
        self.first.merge(other.first);
        self.visits += other.visits;
        self.sessions_reached += other.sessions_reached;
        self.hesitation_ms.merge(other.hesitation_ms);
        self.decision_ms.merge(other.decision_ms);
        self.anticipations += other.anticipations;
        add_counts(&mut self.choices, other.choices);
        self.backtracks += other.backtracks;
        self.drop_offs += other.drop_offs;
    }
}

impl AnswerTally {
    fn merge(&mut self, other: AnswerTally) {
        self.option_order.merge(other.option_order);
        add_counts(&mut self.options, other.options);
        self.numbers.merge(other.numbers);
        self.texts.extend(other.texts);
    }
}
