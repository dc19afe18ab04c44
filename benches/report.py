#!/usr/bin/env python3
"""The aggregation of `mvx report` in Python with PyYAML's C loader, for comparison.

Usage: python3 benches/report.py target/bench-sessions
(`cargo bench --bench report` generates that folder.) Reads every session file as a
whole YAML document, tallies what mvx report tallies (sessions by outcome, task
outcomes and successful durations, per-step hesitations and choices, answers), and for
sessions of a study what its section folds (each participant's first counted session per
variant, completion, the geometric mean of task times, the answers by variant), computes
the medians, and prints the time taken and sessions per second. The scale benchmark times
this script from the spawn of `python3` to its exit.
"""
import math
import os
import statistics
import sys
import time
from collections import Counter, defaultdict

import yaml

Loader = getattr(yaml, "CLoader", yaml.SafeLoader)


def tally(path, groups, studies):
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
    block = doc.get("study")
    if block:
        study_tally(doc, block, events, studies)


def study_tally(doc, block, events, studies):
    """What the study section folds of a session: each participant's first counted
    session (per variant within, at all between), completed or not, its task time, and
    the answers given in it."""
    s = studies[block["id"]]
    if any(e["kind"] == "consent" and e["answer"] == "declined" for e in events):
        return
    ends = [e["outcome"] for e in events if e["kind"] == "task_end"]
    complete = any(e["kind"] == "session_end" and e["outcome"] == "complete" for e in events)
    if not complete and not any(o != "aborted" for o in ends):
        return  # a technical abort: not counted
    variant = block["variant"]
    key = (doc["participant"], variant if block["design"] == "within" else "")
    if key in s["seen"]:
        return
    s["seen"].add(key)
    v = s["variants"][variant]
    v["participants"] += 1
    if ends and all(o == "success" for o in ends):
        v["completed"] += 1
        v["times"].append(sum(e["duration_ms"] for e in events if e["kind"] == "task_end") / 1000)
    for e in events:
        if e["kind"] == "answer":
            s["answers"][(e["question"], variant, str(e["value"]))] += 1


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
    studies = defaultdict(lambda: {
        "seen": set(), "answers": Counter(),
        "variants": defaultdict(lambda: {"participants": 0, "completed": 0, "times": []}),
    })
    start = time.perf_counter()
    for path in files:
        tally(path, groups, studies)
    for s in studies.values():
        for v in s["variants"].values():
            if v["times"]:
                v["geometric_mean"] = math.exp(statistics.fmean(math.log(t) for t in v["times"]))
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
