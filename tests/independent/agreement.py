#!/usr/bin/env python3
"""Agreement between coders, recomputed independently of mvx (tests/agree.rs).

Reads the session files and the notes kept beside them itself, builds the units by the
rule in docs/findings.md ("Agreement: `mvx agree`"), and computes per tag:

- percent agreement (units every coder with a value agrees on, of units with two or
  more values), by hand;
- Cohen's kappa with scikit-learn's `cohen_kappa_score`, when exactly two coders are
  compared, over the units both coded;
- Krippendorff's alpha with the `krippendorff` package, nominal, missing values as NaN.

Usage: agreement.py FOLDER [--coder NAME]... [--codebook FILE]
Prints JSON: {"coders": [...], "units": N, "tags": [{"tag": ..., figures}, ...]}.
Needs: pip install scikit-learn krippendorff pyyaml
"""

import argparse
import json
import math
import pathlib
import sys
import warnings

import krippendorff
import numpy as np
import yaml
from sklearn.metrics import cohen_kappa_score

TAG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def tags_in(text):
    """`#` at the start of a word, then lowercase letters, digits, `-` and `_`; a
    trailing `-` or `_` is punctuation; at most 64 characters (docs/findings.md)."""
    found = []
    for word in text.split():
        if not word.startswith("#"):
            continue
        name = ""
        for c in word[1:]:
            if c not in TAG_CHARS:
                break
            name += c
        name = name.rstrip("-_")
        if 0 < len(name) <= 64 and name not in found:
            found.append(name)
    return found


def json_lines_under(text, key):
    """The `- {...}` lines after the line `key:`, each parsed as JSON; a cut last line
    (no newline) is left out, as the session format says."""
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]
    out, inside = [], False
    for line in lines:
        if line == f"{key}:":
            inside = True
        elif inside and line.startswith("- "):
            out.append(json.loads(line[2:]))
    return out


def read_session(path):
    text = path.read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("\nevents:\n")[0])
    events = json_lines_under(text, "events")
    notes_path = path.with_name(path.name[: -len(".yaml")] + ".notes.yaml")
    notes = []
    if notes_path.exists():
        notes = json_lines_under(notes_path.read_text(encoding="utf-8"), "notes")
    return header, events, notes


def visits(events):
    """Each showing of a step or verdict question: from its frame to the next screen's
    frame, the last to the session's last event. [from, to); a visit of no length
    holds its own instant."""
    screens = [e for e in events if e["kind"] in ("show", "ask")]
    last = max((e["at_ms"] for e in events), default=0)
    out = []
    for i, e in enumerate(screens):
        start = e["at_ms"]
        end = screens[i + 1]["at_ms"] if i + 1 < len(screens) else max(last, start)
        out.append({"step": e.get("step", e.get("question")), "from": start, "to": end})
    return out


def falls_in(visit, at, end):
    """A moment at `at` (to `end`, if it marks a span) falls in a visit when it starts
    before the visit ends and reaches its start."""
    end = at if end is None or end <= at else end
    to = max(visit["to"], visit["from"] + 1)
    return at < to and end >= visit["from"]


def moments(header, events, notes):
    researcher = header.get("researcher") or "researcher"
    out = []
    for e in events:
        if e["kind"] == "note":
            out.append({"author": researcher, "at": e["at_ms"], "end": None,
                        "tags": tags_in(e["text"]), "kept": False})
    for n in notes:
        tags = list(n.get("tags", []))
        tags += [t for t in tags_in(n["text"]) if t not in tags]
        out.append({"author": n.get("author") or "observer", "at": n["at_ms"],
                    "end": n.get("end_ms"), "tags": tags, "kept": True})
    return out


def undefined_to_none(x):
    return None if x is None or math.isnan(x) else float(x)


def kappa_of(pairs):
    if not pairs:
        return None
    a, b = zip(*pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return undefined_to_none(cohen_kappa_score(list(a), list(b)))


def alpha_of(units, coders):
    data = [[np.nan if u[c] is None else u[c] for u in units] for c in range(len(coders))]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return undefined_to_none(
                krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # one value in the whole domain: no variation
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--coder", action="append", default=[])
    parser.add_argument("--codebook")
    args = parser.parse_args()
    sessions = []
    for path in sorted(pathlib.Path(args.folder).rglob("*.yaml")):
        if path.name.endswith(".notes.yaml") or path.name == "codebook.yaml":
            continue
        header, events, notes = read_session(path)
        sessions.append((header, visits(events), moments(header, events, notes)))
    coders = args.coder or sorted({m["author"] for _, _, ms in sessions for m in ms if m["kept"]})
    listed = []
    if args.codebook:
        book = yaml.safe_load(pathlib.Path(args.codebook).read_text(encoding="utf-8"))
        listed = [t["name"] for t in book["tags"]]
    used = {t for _, _, ms in sessions for m in ms if m["author"] in coders for t in m["tags"]}
    tags = listed + sorted(used - set(listed))
    result = {"coders": coders, "units": sum(len(v) for _, v, _ in sessions), "tags": []}
    for tag in tags:
        units, disagreements = [], 0
        for header, vs, ms in sessions:
            present = {c: any(m["author"] == c for m in ms) for c in coders}
            for v in vs:
                unit = []
                for c in coders:
                    if not present[c]:
                        unit.append(None)
                        continue
                    hit = any(m["author"] == c and tag in m["tags"]
                              and falls_in(v, m["at"], m["end"]) for m in ms)
                    unit.append(1 if hit else 0)
                values = [x for x in unit if x is not None]
                if 0 in values and 1 in values:
                    disagreements += 1
                units.append(unit)
        compared = [u for u in units if sum(x is not None for x in u) >= 2]
        agreed = sum(len({x for x in u if x is not None}) == 1 for u in compared)
        kappa = None
        if len(coders) == 2:
            kappa = kappa_of([(u[0], u[1]) for u in units if None not in u])
        result["tags"].append({
            "tag": tag,
            "units": len(compared),
            "agreed": agreed,
            "percent_agreement": agreed / len(compared) if compared else None,
            "kappa": kappa,
            "alpha": alpha_of(units, coders),
            "disagreements": disagreements,
        })
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
