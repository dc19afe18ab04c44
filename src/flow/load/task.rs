//! Tasks: what the participant is asked to do, and which steps count as done.

use std::time::Duration;

use super::{IdRule, Loader};
use crate::diagnostic::Diagnostic;
use crate::flow::yaml::Node;
use crate::flow::{Target, Task};

pub(crate) const TASK_KEYS: &[&str] =
    &["id", "brief", "start", "success", "time_limit", "expected"];

impl Loader<'_> {
    pub(super) fn tasks(&mut self, node: &Node, flow_start: &Target) -> Vec<Task> {
        let Some(items) = self.list(node, "`tasks`") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.task(item, flow_start))
            .collect()
    }

    fn task(&mut self, node: &Node, flow_start: &Target) -> Option<Task> {
        let fields = self.fields(node, node.at, "a task")?;
        let id = fields
            .required(self, "id", "the task")
            .and_then(|n| self.id(n, "the task id", IdRule::Name));
        let brief = fields
            .required(self, "brief", "the task")
            .and_then(|n| self.text(n, "the brief"));
        let start = match fields.get("start") {
            Some(n) => self.target(n, "`start`"),
            None => Some(flow_start.clone()),
        };
        let success = fields
            .required(self, "success", "the task")
            .and_then(|n| self.success_steps(n));
        let time_limit = fields.get("time_limit").and_then(|n| self.time_limit(n));
        let expected = fields
            .get("expected")
            .and_then(|n| self.expected_paths(n))
            .unwrap_or_default();
        fields.finish(self, TASK_KEYS, "a task");
        let (id, at) = id?;
        Some(Task {
            id,
            at,
            brief: brief?,
            start: start?,
            success: success?,
            time_limit,
            expected,
        })
    }

    fn success_steps(&mut self, node: &Node) -> Option<Vec<Target>> {
        let items = self.list(node, "`success`")?;
        if items.is_empty() {
            let message = "`success` names no step, so the task could never succeed";
            self.error(Diagnostic::error("no-success-step", node.at, message));
            return None;
        }
        items
            .iter()
            .map(|item| self.target(item, "a success step"))
            .collect()
    }

    /// `expected:`, a list of paths, each a list of step ids.
    pub(super) fn expected_paths(&mut self, node: &Node) -> Option<Vec<Vec<Target>>> {
        let paths = self.list(node, "`expected`")?;
        paths
            .iter()
            .map(|path| {
                let steps = self.list(path, "an expected path")?;
                if steps.is_empty() {
                    let message = "an expected path names no step";
                    self.error(Diagnostic::error("empty-expected-path", path.at, message));
                    return None;
                }
                steps
                    .iter()
                    .map(|step| self.target(step, "a step of an expected path"))
                    .collect()
            })
            .collect()
    }

    fn time_limit(&mut self, node: &Node) -> Option<Duration> {
        let text = self.line(node, "`time_limit`")?;
        let parsed = parse_duration(&text).filter(|d| !d.is_zero());
        if parsed.is_none() {
            let message = format!("`{text}` is not a time limit");
            self.error(
                Diagnostic::error("bad-time-limit", node.at, message)
                    .with_help("write seconds and minutes, e.g. `90s`, `2m` or `1m30s`"),
            );
        }
        parsed
    }
}

/// `90s`, `2m`, `1m30s`, `1h`: whole numbers with a unit each.
fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let value: u64 = std::mem::take(&mut number).parse().ok()?;
        total = total.checked_add(value.checked_mul(unit)?)?;
    }
    number.is_empty().then_some(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_designers_write_them() {
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("90"), None);
        assert_eq!(parse_duration("two minutes"), None);
        assert_eq!(parse_duration(""), Some(Duration::ZERO));
    }
}
