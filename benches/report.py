#!/usr/bin/env python3
"""The aggregation of `mvx report` in Python with PyYAML's C loader, for comparison.

Usage: python3 benches/report.py target/bench-sessions
(`cargo bench --bench report` generates that folder.) Reads every session file as a
whole YAML document, tallies what mvx report tallies (sessions by outcome, task
outcomes and successful durations, per-step hesitations and choices, answers), computes
the medians, and prints the time taken and sessions per second.
"""
import os
import statistics
import sys
import time
from collections import Counter, defaultdict

import yaml

Loader = getattr(yaml, "CLoader", yaml.SafeLoader)


def tally(path, groups):
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    flow = doc["flow"]
    g = groups[(flow["id"], flow.get("variant"), flow["sha256"])]
    g["sessions"] += 1
    events = doc.get("events") or []
    ended = [e for e in events if e["kind"] == "session_end"]
    g["outcome"][ended[-1]["outcome"] if ended else "cut off"] += 1
    for e in events:
        kind = e["kind"]
        if kind == "choose":
            step = g["steps"][e["step"]]
            step["hesitation"].append(e["hesitation_ms"])
            step["decision"].append(e["decision_ms"])
            step["choices"][e["choice"]] += 1
        elif kind == "task_end":
            g["tasks"][e["outcome"]] += 1
            if e["outcome"] == "success":
                g["durations"].append(e["duration_ms"])
        elif kind == "answer":
            g["answers"][e["question"]][str(e["value"])] += 1


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/bench-sessions"
    files = sorted(
        os.path.join(d, f)
        for d, _, names in os.walk(root)
        for f in names
        if f.endswith(".yaml") and not f.endswith(".notes.yaml")
    )
    groups = defaultdict(lambda: {
        "sessions": 0, "outcome": Counter(), "tasks": Counter(), "durations": [],
        "steps": defaultdict(lambda: {"hesitation": [], "decision": [], "choices": Counter()}),
        "answers": defaultdict(Counter),
    })
    start = time.perf_counter()
    for path in files:
        tally(path, groups)
    for g in groups.values():
        for step in g["steps"].values():
            step["median"] = statistics.median(step["hesitation"])
            step["p90"] = statistics.quantiles(step["hesitation"], n=10, method="inclusive")[-1]
        if g["durations"]:
            g["median_duration"] = statistics.median(g["durations"])
    took = time.perf_counter() - start
    print(f"{len(files)} sessions in {took:.2f} s: {len(files) / took:.0f} sessions/s "
          f"(PyYAML {yaml.__version__}, C loader: {Loader is not yaml.SafeLoader})")


if __name__ == "__main__":
    main()
