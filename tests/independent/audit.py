#!/usr/bin/env python3
"""An independent audit of `mvx report`: reads the session files itself (PyYAML and
json), counts who and what counts as the docs say, computes every figure with SciPy,
statsmodels or the formula docs/statistics.md cites, and compares each with the figure
in `mvx report --format json`; reads the Markdown and HTML reports for statements the
docs rule out; follows docs/export.md's recipe on `mvx export`.

    python3 tests/independent/audit.py [--mvx MVX] SETS_DIR SET [SET...]

Run from the repository's root (session headers name flow and study files relative to
it). SETS_DIR is what make_sets.py wrote; mvx's outputs for each set are read from
SETS_DIR/out/: SET.json, SET.md and SET.html (`mvx report SETS_DIR/SET --format ...`)
and SET-export/ (`mvx export SETS_DIR/SET --format csv`). tests/independent.rs writes
them, spawning mvx as every test does; `--mvx PATH` writes them first, to run the audit
by hand. Prints how many figures were compared and matched and every mismatch (set,
JSON path, mvx's value, the independent value, the source); exits 1 on a mismatch that
is not listed in OPEN.
"""

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

import numpy as np
import yaml
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import tost_proportions_2indep
from statsmodels.stats.weightstats import ttost_ind, ttost_paired

Z = stats.norm.ppf(0.975)

# Findings still open (docs/statistics.md or src/ to be fixed elsewhere): compared and
# printed as "open", not failing. Key: (set, a regular expression matching the start of
# the JSON path) -> the finding's reason, as in /work/wt/audit-findings.md.
OPEN = {
}


# ---------------------------------------------------------------------------------------
# comparing


class Audit:
    def __init__(self):
        self.compared = 0
        self.matched = 0
        self.mismatches = []  # (set, path, mvx, independent, source)
        self.open = []
        self.statements = []  # (set, what, where)
        self.set = ""
        self.holm_on = False  # three or more variants: Holm-adjusted, no fragility words

    def value(self, path, got, want, source, tol=1e-6, floor=1.0):
        """tol is relative to the larger of |want| and floor (1: absolute below 1)."""
        self.compared += 1
        if os.environ.get("AUDIT_VERBOSE"):
            print(f"{self.set} {path} = {got!r:.80} ({source})")
        if same(got, want, tol, floor):
            self.matched += 1
            return True
        row = (self.set, path, got, want, source)
        reason = open_reason(self.set, path)
        (self.open if reason else self.mismatches).append(row + ((reason,) if reason else ()))
        return False

    def statement(self, what, where, text=""):
        self.compared += 1
        row = (self.set, where, text[:160], "absent", what)
        reason = open_reason(self.set, where)
        (self.open if reason else self.mismatches).append(row + ((reason,) if reason else ()))

    def no_statement(self):
        self.compared += 1
        self.matched += 1


def open_reason(set_name, path):
    for (s, pattern), reason in OPEN.items():
        if s == set_name and re.match(pattern, path):
            return reason
    return None


def same(got, want, tol, floor=1.0):
    if got is None or want is None:
        return got is None and want is None
    if isinstance(want, (list, tuple)):
        return (isinstance(got, (list, tuple)) and len(got) == len(want)
                and all(same(g, w, tol, floor) for g, w in zip(got, want)))
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(
            same(got[k], want[k], tol, floor) for k in want)
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    g, w = float(got), float(want)
    if math.isinf(w) or math.isnan(w):
        return g == w or (math.isnan(g) and math.isnan(w))
    return abs(g - w) <= tol * max(floor, abs(w))


# ---------------------------------------------------------------------------------------
# reading sessions, as docs/session-format.md describes them


def read_session(path, order):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, _, body = text.partition("\nevents:\n")
    header = yaml.safe_load(head)
    events = [json.loads(line[2:]) for line in body.splitlines() if line.startswith("- {")]
    header["events"] = events
    header["file"] = path
    header["order"] = order
    start = header["started_at"].replace("Z", "+00:00")
    header["utc"] = dt.datetime.fromisoformat(start).astimezone(dt.timezone.utc)
    return header


def discover(folder):
    files = []
    for root, _, names in os.walk(folder):
        for n in names:
            if n.endswith(".yaml") and not n.endswith(".notes.yaml"):
                files.append(os.path.join(root, n))
    files.sort()
    return [read_session(f, i) for i, f in enumerate(files)]


def declined(s):
    return any(e["kind"] == "consent" and e["answer"] == "declined" for e in s["events"])


def within(s):
    return (s.get("study") or {}).get("design") == "within"


def technical_abort(s):
    """docs/studies.md, "Who is counted": a session ended before its end and before the
    participant ended any task (a success, a failure, a give-up, a timeout)."""
    complete = any(e["kind"] == "session_end" and e["outcome"] == "complete"
                   for e in s["events"])
    threshold = (s.get("study") or {}).get("anticipation_ms", 100)
    ended = any(not a["technical"] for a in attempts(s, threshold))
    return not complete and not declined(s) and not ended


def later(s):
    """docs/returns.md, "Who is counted where": a session after a participant's first in
    a study with returns (its `visit.trial` over 1) is left out of every figure outside
    the study's returns section, as a simulated one is."""
    return ((s.get("study") or {}).get("visit") or {}).get("trial", 1) > 1


def first_sessions(sessions, asides=True):
    """docs/statistics.md, "Who is counted": simulated and declined sessions are left
    out; a participant's earliest session of a flow counts (by start instant, then the
    file that comes first); in a within study, their first of each variant. A technical
    abort is never a participant's first: it is tallied beside them (its attempts not
    counted), unless `asides` is false."""
    keep = {}
    aside = []
    for s in sessions:
        if s.get("simulated") or later(s) or declined(s):
            continue
        if technical_abort(s):
            aside.append(s)
            continue
        key = (s["flow"]["id"], s["participant"])
        if within(s):
            key += (s["flow"]["variant"],)
        if key not in keep or (s["utc"], s["order"]) < (keep[key]["utc"], keep[key]["order"]):
            keep[key] = s
    chosen = list(keep.values()) + (aside if asides else [])
    return sorted(chosen, key=lambda s: s["order"])


ENDINGS = {"abandoned", "gave up", "timeout", "timed out", "aborted", "cut off"}


def ending_word(word):
    norm = re.sub(r"[-_]", " ", word.lower())
    if norm in ENDINGS or norm in {"gave up", "timeout"}:
        return f'end step "{word}"'
    return word


FLOWS = {}


def flow_of(s):
    path = s["flow"]["path"]
    if path not in FLOWS:
        with open(path) as f:
            FLOWS[path] = yaml.safe_load(f)
    return FLOWS[path]


def attempts(s, threshold):
    """Each task attempt of a session: path (steps), nodes, moves, outcome, duration."""
    flow = flow_of(s)
    first = {k: v for k, v in (flow.get("vars") or {}).items()}
    expected_of = s["flow"].get("expected") or {}
    out = []
    cur = None
    memory = dict(first)
    for e in s["events"]:
        k = e["kind"]
        if k == "task_start":
            memory = dict(first)
            expected = [list(p) for p in expected_of.get(e["task"], [])]
            cur = {"task": e["task"], "path": [], "nodes": [], "moves": [], "outcome": None,
                   "word": None, "duration": None, "expected": expected,
                   "anticipations": []}
            out.append(cur)
            continue
        if cur is None or cur["outcome"] is not None:
            continue
        if k == "set":
            memory[e["name"]] = e["value"]
            if cur["moves"]:
                cur["moves"][-1]["memory"] = tuple(sorted(memory.items()))
        elif k == "show":
            cur["path"].append(e["step"])
            cur["nodes"].append((e["step"], tuple(sorted(memory.items()))))
        elif k in ("choose", "continue", "input", "back"):
            if k == "back":  # the memory of the step gone back to
                back_to = [n for n in cur["nodes"] if n[0] == e["to"]]
                if back_to:
                    memory = dict(back_to[-1][1])
            cur["moves"].append({"kind": k, "step": e["step"], "to": e["to"],
                                 "label": e.get("choice"),
                                 "hes": e["hesitation_ms"], "dec": e["decision_ms"],
                                 "memory": tuple(sorted(memory.items()))})
        elif k == "end":
            cur["word"] = e["outcome"]
        elif k == "task_end":
            o = e["outcome"]
            cur["duration"] = e["duration_ms"]
            if o == "success":
                cur["outcome"] = "success"
            elif o == "failure":
                cur["outcome"] = ending_word(cur["word"] or "failure")
            else:
                cur["outcome"] = {"abandoned": "gave up", "timeout": "timed out",
                                  "aborted": "aborted"}[o]
    for a in out:
        if a["outcome"] is None:
            a["outcome"] = "cut off"
        moves = a["moves"]
        if moves and moves[-1]["to"] != (a["path"][-1] if a["path"] else None):
            a["path"].append(moves[-1]["to"])
            a["nodes"].append((moves[-1]["to"], moves[-1]["memory"]))
        a["technical"] = a["outcome"] in ("aborted", "cut off")
        a["success"] = a["outcome"] == "success"
        a["backtracks"] = backtracks(a)
        a["anticipations"] = [m for m in moves if m["hes"] < threshold]
    return out


def backtracks(a):
    """docs/statistics.md, "Path metrics": Esc; or a move arriving at a step already
    visited, unless an expected path makes that very move and it arrives at a node not
    visited before. Counted on the step it left."""
    seen_steps = {a["nodes"][0][0]} if a["nodes"] else set()
    seen_nodes = {a["nodes"][0]} if a["nodes"] else set()
    pairs = {(p[i], p[i + 1]) for p in a["expected"] for i in range(len(p) - 1)}
    out = []
    for m in a["moves"]:
        node = (m["to"], m["memory"])
        if m["kind"] == "back":
            out.append(m["step"])
        elif m["to"] in seen_steps:
            if not a["expected"] or (m["step"], m["to"]) not in pairs or node in seen_nodes:
                out.append(m["step"])
        seen_steps.add(m["to"])
        seen_nodes.add(node)
    return out


# ---------------------------------------------------------------------------------------
# formulas


def wald_adj(x, n):
    """Adjusted Wald (Agresti & Coull 1998)."""
    if n == 0:
        return None
    nn = n + Z * Z
    p = (x + Z * Z / 2) / nn
    h = Z * math.sqrt(p * (1 - p) / nn)
    return {"low": max(0.0, p - h), "high": min(1.0, p + h)}


def t_interval(values, lo=-math.inf, hi=math.inf):
    v = np.asarray(values, float)
    if len(v) < 2:
        return None
    m = v.mean()
    h = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
    return {"low": max(lo, m - h), "high": min(hi, m + h)}


def hf7(values, p):
    return float(np.quantile(np.asarray(values, float), p)) if len(values) else None


def geo(values):
    logs = np.log(np.asarray(values, float))
    mean = math.exp(logs.mean())
    ci = t_interval(logs)
    return mean, (None if ci is None else {"low": math.exp(ci["low"]),
                                           "high": math.exp(ci["high"])})


def n1_or_fisher(x1, n1, x2, n2):
    """Campbell 2007: N-1 chi-square as z (variant - baseline) when every expected count
    is at least 1, else Fisher-Irwin (scipy's two-sided Fisher test sums the tables no
    more likely than the observed one: Irwin's rule)."""
    N = n1 + n2
    s = x1 + x2
    if (x1 == 0 and x2 == 0) or (x1 == n1 and x2 == n2):
        return None
    expected = [n * c / N for n in (n1, n2) for c in (s, N - s)]
    if min(expected) >= 1:
        P = s / N
        z = (x2 / n2 - x1 / n1) * math.sqrt((N - 1) / N) / math.sqrt(
            P * (1 - P) * (1 / n1 + 1 / n2))
        return "N-1 chi-square", z, 2 * stats.norm.sf(abs(z))
    p = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    return "Fisher-Irwin", None, min(1.0, p)


def agresti_caffo(x1, n1, x2, n2):
    p1, p2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
    h = Z * math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    return {"low": max(-1.0, p2 - p1 - h), "high": min(1.0, p2 - p1 + h)}


def katz(x1, n1, x2, n2):
    if x1 == 0 or x2 == 0 or (x1 == n1 and x2 == n2):
        return None
    # the docs' formula on the counts as they are: statsmodels' default adds 0.5 to a
    # table with an empty cell (shift_zeros), which the formula does not
    t = Table2x2(np.array([[x2, n2 - x2], [x1, n1 - x1]]), shift_zeros=False)
    lo, hi = t.riskratio_confint()
    return {"name": "risk ratio", "value": t.riskratio, "interval": {"low": lo, "high": hi}}


def welch(a, b):
    """scipy's Welch test, variant (b) - baseline (a), and the Welch interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    r = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    h = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    d = b.mean() - a.mean()
    return float(r.statistic), df, float(r.pvalue), d, {"low": d - h, "high": d + h}


def hedges(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    n1, n2 = len(a), len(b)
    N = n1 + n2
    sp = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (N - 2))
    g = (b.mean() - a.mean()) / sp * (1 - 3 / (4 * N - 9))
    se = math.sqrt(N / (n1 * n2) + g * g / (2 * (N - 3.94)))
    return {"name": "Hedges' g", "value": g, "interval": {"low": g - Z * se, "high": g + Z * se}}


def mcnemar(b, c):
    """Mid-p and exact conditional McNemar (Fagerland et al. 2013)."""
    n, k = b + c, min(b, c)
    if n == 0:
        return None, None
    exact = stats.binomtest(k, n, 0.5).pvalue
    mid = min(1.0, 2 * stats.binom.cdf(k, n, 0.5) - stats.binom.pmf(k, n, 0.5))
    return mid, min(1.0, exact)


def bonett_price(n12, n21, n):
    p1, p2 = (n12 + 1) / (n + 2), (n21 + 1) / (n + 2)
    h = Z * math.sqrt((p1 + p2 - (p1 - p2) ** 2) / (n + 2))
    return {"low": max(-1.0, p1 - p2 - h), "high": min(1.0, p1 - p2 + h)}


def connor(n12, n21, n):
    psi, delta = (n12 + n21) / n, (n12 - n21) / n
    if delta == 0:
        return None
    za, zb = Z, stats.norm.ppf(0.8)
    return math.ceil((za * math.sqrt(psi) + zb * math.sqrt(psi - delta ** 2)) ** 2 / delta ** 2)


def exact_power_size(p1, p2):
    """The smallest n from 2 whose exact power (Campbell's rule at 0.05) reaches 0.8:
    every table's probability under the two binomials, summed where the test the report
    runs gives p < 0.05 (the N-1 z vectorised, Fisher-Irwin table by table)."""
    for n in range(2, 151):
        x1, x2 = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        s, N = x1 + x2, 2 * n
        with np.errstate(divide="ignore", invalid="ignore"):
            P = s / N
            z = (x2 - x1) / n * math.sqrt((N - 1) / N) / np.sqrt(P * (1 - P) * 2 / n)
            p = 2 * stats.norm.sf(np.abs(z))
        small = np.minimum(s, N - s) * n / N < 1
        sig = (~small) & (p < 0.05) & (s > 0) & (s < N)
        for a, b in zip(*np.nonzero(small)):
            t = n1_or_fisher(int(a), n, int(b), n)
            sig[a, b] = t is not None and t[2] < 0.05
        power = float((np.outer(stats.binom.pmf(np.arange(n + 1), n, p1),
                                stats.binom.pmf(np.arange(n + 1), n, p2)) * sig).sum())
        if power >= 0.8:
            return n
    return None


def paired_t(a, b):
    """Paired t of b - a: statistic, df, p, mean difference, interval."""
    d = np.asarray(b, float) - np.asarray(a, float)
    r = stats.ttest_rel(b, a)
    h = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return float(r.statistic), len(d) - 1, float(r.pvalue), d.mean(), \
        {"low": d.mean() - h, "high": d.mean() + h}


# ---------------------------------------------------------------------------------------
# one version of a flow


def version_figures(sessions):
    """Every per-version figure of docs/report.md's JSON, from the counted sessions."""
    tasks = defaultdict(list)
    steps = defaultdict(lambda: {"visits": 0, "hes": [], "dec": [], "backtracks": 0,
                                 "anticipations": 0, "choices": Counter(), "sessions": set(),
                                 "drop_offs": 0})
    answers = defaultdict(list)
    umux = []
    for s in sessions:
        threshold = (s.get("study") or {}).get("anticipation_ms", 100)
        for a in attempts(s, threshold):
            tasks[a["task"]].append(a)
            for st in a["path"]:
                steps[st]["sessions"].add(s["file"])
            for m in a["moves"]:
                # hesitation: every move (choice, continue, input, Esc); anticipations,
                # under the session's threshold, counted apart
                st = steps[m["step"]]
                if m["hes"] < threshold:
                    st["anticipations"] += 1
                else:
                    st["hes"].append(m["hes"] / 1000)
                    st["dec"].append(m["dec"] / 1000)
                if m["kind"] == "choose":
                    st["choices"][m["label"]] += 1
            for b in a["backtracks"]:
                steps[b]["backtracks"] += 1
            if a["outcome"] in ("gave up", "timed out", "aborted", "cut off") and a["path"]:
                steps[a["path"][-1]]["drop_offs"] += 1
        for e in s["events"]:
            if e["kind"] == "show":
                steps[e["step"]]["visits"] += 1
            if e["kind"] == "answer":
                answers[e["question"]].append(e["value"])
        vals = {e["question"]: e["value"] for e in s["events"] if e["kind"] == "answer"}
        if "umux1" in vals and "umux2" in vals:
            umux.append((vals["umux1"] + vals["umux2"] - 2) * 100 / 12)
        score = sus_of(vals)
        if score is not None:
            answers["__sus__"].append(score)
    return tasks, steps, answers, umux


def sus_of(vals):
    """Brooke 1996: odd items answer - 1, even items 5 - answer, the sum times 2.5."""
    if not all(f"sus{i}" in vals for i in range(1, 11)):
        return None
    return 2.5 * sum(vals[f"sus{i}"] - 1 if i % 2 else 5 - vals[f"sus{i}"]
                     for i in range(1, 11))


def audit_task(A, where, t, mine):
    counted = [a for a in mine if not a["technical"]]
    succ = [a for a in counted if a["success"]]
    n, x = len(counted), len(succ)
    A.value(f"{where}.attempts", t["attempts"], len(mine), "attempts started")
    A.value(f"{where}.counted", t["counted"], n, "technical endings left out")
    A.value(f"{where}.technical", t["technical"], len(mine) - n, "aborted and cut off")
    A.value(f"{where}.successes", t["successes"], x, "success steps reached")
    A.value(f"{where}.completion", t["completion"], wald_adj(x, n),
            "adjusted Wald (Agresti & Coull 1998)")
    direct = sum(1 for a in succ if not a["backtracks"])
    A.value(f"{where}.direct_success", t["direct_success"],
            {"count": direct, "of": n, "interval": wald_adj(direct, n)},
            "successes without a backtrack, adjusted Wald")
    A.value(f"{where}.indirect_success", t["indirect_success"], x - direct, "successes - direct")
    nob = sum(1 for a in counted if not a["backtracks"])
    A.value(f"{where}.directness", t["directness"],
            {"count": nob, "of": n, "interval": wald_adj(nob, n)},
            "Treejack directness: no backtrack, any outcome")
    outcomes = Counter(a["outcome"] for a in mine)
    A.value(f"{where}.outcomes", t["outcomes"], dict(outcomes), "one word for each ending")
    A.value(f"{where}.gave_up", t["gave_up"], outcomes["gave up"], "researcher's give-up only")
    A.value(f"{where}.timed_out", t["timed_out"], outcomes["timed out"], "timeouts")
    fails = sum(1 for a in counted if a["outcome"] not in ("success", "gave up", "timed out"))
    A.value(f"{where}.failures", t["failures"], fails, "end steps that are not success")
    moved = [a for a in counted if a["moves"]]
    if moved and mine[0]["expected"]:
        fc = sum(1 for a in moved if any(
            len(p) > 1 and a["moves"][0]["step"] == p[0] and a["moves"][0]["to"] == p[1]
            for p in a["expected"]))
        want = {"count": fc, "of": len(moved), "interval": wald_adj(fc, len(moved))}
    else:
        want = None
    A.value(f"{where}.first_choice_right", t["first_choice_right"], want, "first click")
    # lostness, Smith 1996 on nodes
    ls = []
    for a in succ:
        if not a["expected"]:
            continue
        S, N = len(a["nodes"]), len(set(a["nodes"]))
        R = min(len(p) for p in a["expected"])
        ls.append(math.sqrt((N / S - 1) ** 2 + (R / N - 1) ** 2))
    want = None
    if ls:
        ci = t_interval(ls, 0.0, math.sqrt(2))
        want = {"mean": float(np.mean(ls)), "interval": ci, "n": len(ls)}
    A.value(f"{where}.lostness", t["lostness"], want, "Smith 1996, distinct nodes")
    times = sorted(a["duration"] / 1000 for a in succ)
    A.value(f"{where}.success_times_s", t["success_times_s"], times, "durations of successes")
    if times:
        g, ci = geo(times)
        A.value(f"{where}.time_geometric_mean_s", t["time_geometric_mean_s"], g,
                "geometric mean (Sauro & Lewis 2010)")
        A.value(f"{where}.time_interval_s", t["time_interval_s"], ci, "t interval on logs")
        A.value(f"{where}.time_median_s", t["time_median_s"], hf7(times, 0.5), "HF7 median")
        ci = None
        if len(times) >= 6:
            q = stats.quantile_test(times, q=float(np.median(times)), p=0.5)
            r = q.confidence_interval(0.95)
            ci = {"low": float(r.low), "high": float(r.high)}
        A.value(f"{where}.time_median_interval_s", t["time_median_interval_s"], ci,
                "order statistics, scipy quantile_test (Conover 1999)")
    paths = Counter((" → ".join(a["path"]), a["outcome"]) for a in mine)
    top = sorted(paths.items(), key=lambda kv: (-kv[1], kv[0][0].count("→"), kv[0]))[:5]
    A.value(f"{where}.paths", [(p["path"], p["outcome"], p["count"]) for p in t["paths"]],
            [(p, o, c) for (p, o), c in top],
            "most frequent paths; ties: shorter, then name order")
    # funnel: the expected path most successful attempts walked exactly; prefixes walked
    # in order, detours allowed; never rises
    exp = mine[0]["expected"]
    if exp:
        best = max(exp, key=lambda p: (sum(1 for a in succ if a["path"] == p), -exp.index(p)))
        funnel = []
        for k in range(1, len(best) + 1):
            # the attempts completion counts: technical endings left out
            funnel.append([best[k - 1], sum(1 for a in mine
                                            if not a["technical"] and subseq(best[:k], a["path"]))])
        A.value(f"{where}.funnel", t["funnel"], funnel, "attempts that walked each prefix")
    f = [c for _, c in t["funnel"]]
    if any(f[i + 1] > f[i] for i in range(len(f) - 1)):
        A.statement("a funnel that rises", f"{where}.funnel", str(t["funnel"]))
    else:
        A.no_statement()


def subseq(prefix, path):
    it = iter(path)
    return all(any(p == q for q in it) for p in prefix)


def audit_version(A, where, v, sessions):
    tasks, steps, answers, umux = version_figures(sessions)
    A.value(f"{where}.sessions.total", v["sessions"]["total"], len(sessions),
            "counted sessions of the version")
    everyone = [s for s in ALL if s["flow"]["sha256"] == v["sha256"]
                and s["flow"]["variant"] == v["variant"] and not s.get("simulated")
                and not later(s) and not declined(s)]
    A.value(f"{where}.sessions.repeats_left_out", v["sessions"]["repeats_left_out"],
            len(everyone) - len(sessions), "later sessions of a participant")
    ends = [next((e["outcome"] for e in s["events"] if e["kind"] == "session_end"), "cut off")
            for s in sessions]
    A.value(f"{where}.sessions(complete, aborted, cut_off)",
            [v["sessions"]["complete"], v["sessions"]["aborted"], v["sessions"]["cut_off"]],
            [ends.count("complete"), ends.count("aborted"), ends.count("cut off")],
            "session endings")
    for i, t in enumerate(v["tasks"]):
        audit_task(A, f"{where}.tasks[{i}]", t, tasks.get(t["task"], []))
    A.value(f"{where}.tasks(names)", sorted(t["task"] for t in v["tasks"]), sorted(tasks),
            "tasks played")
    for i, st in enumerate(v["steps"]):
        mine = steps[st["step"]]
        w = f"{where}.steps[{i}]({st['step']})"
        A.value(f"{w}.visits", st["visits"], mine["visits"], "show events")
        A.value(f"{w}.backtracks", st["backtracks"], mine["backtracks"],
                "backtracks as docs/statistics.md defines them, on the step left")
        A.value(f"{w}.hesitations_s", st["hesitations_s"], sorted(mine["hes"]),
                "hesitations, anticipations left out")
        A.value(f"{w}.hesitation_median_s", st["hesitation_median_s"], hf7(mine["hes"], 0.5),
                "HF7")
        A.value(f"{w}.hesitation_p90_s", st["hesitation_p90_s"], hf7(mine["hes"], 0.9), "HF7")
        A.value(f"{w}.decision_median_s", st["decision_median_s"], hf7(mine["dec"], 0.5), "HF7")
        A.value(f"{w}.decision_p90_s", st["decision_p90_s"], hf7(mine["dec"], 0.9), "HF7")
        A.value(f"{w}.anticipations", st.get("anticipations", 0), mine["anticipations"],
                "moves under the threshold")
        A.value(f"{w}.sessions_reached", st["sessions_reached"], len(mine["sessions"]),
                "sessions whose path reached the step")
        A.value(f"{w}.drop_offs", st["drop_offs"], mine["drop_offs"],
                "last step of attempts not ended on an end step")
        A.value(f"{w}.choices", sorted(map(tuple, st["choices"])),
                sorted(mine["choices"].items()), "choices taken")
    # the decision line: completion of the first task, and the slowest step (the highest
    # median hesitation of the steps visited at least 3 times)
    m = re.search(r"slowest step: `([^`]+)`, median hesitation ([0-9.]+) s", v["summary"])
    slow = [(hf7(st["hes"], 0.5), n) for n, st in steps.items()
            if st["visits"] >= 3 and st["hes"]]
    if slow or m:
        h, n = max(slow) if slow else (None, None)
        A.value(f"{where}.summary(slowest step)",
                [m.group(1), float(m.group(2))] if m else None,
                [n, None if h is None else float(f"{h:.1f}")],
                "summary's slowest step (statistics.md, small n), to a tenth", tol=1e-9)
    # friction (statistics.md, "Reports"): steps visited 3+ times, hesitation ratio
    # (the step's median over the median of every step's median) + backtracks per visit
    # + drop-offs per visit; the five highest
    medians = [hf7(st["hes"], 0.5) for st in steps.values() if st["hes"]]
    typical = float(np.median(medians)) if medians else None
    scores = []
    for name, st in steps.items():
        if st["visits"] >= 3 and st["hes"] and typical:
            scores.append((hf7(st["hes"], 0.5) / typical + st["backtracks"] / st["visits"]
                           + st["drop_offs"] / st["visits"], name))
    scores.sort(key=lambda x: -x[0])
    A.value(f"{where}.friction(step, score)",
            [(fr["step"], fr["score"]) for fr in v["friction"]],
            [(n, sc) for sc, n in scores[:5]], "friction score, statistics.md")
    # friction wording: "N% of visits went back" must be backtracks / visits
    for i, fr in enumerate(v["friction"]):
        m = re.search(r"(\d+)% of visits went back", fr["reason"])
        if m:
            st = steps[fr["step"]]
            A.value(f"{where}.friction[{i}].went_back%", int(m.group(1)),
                    round(100 * st["backtracks"] / st["visits"]), "backtracks per visit")
    for i, q in enumerate(v["verdicts"]):
        vals = answers.get(q["question"], [])
        w = f"{where}.verdicts[{i}]({q['question']})"
        A.value(f"{w}.answers", q["answers"], len(vals), "answers")
        words = Counter(x for x in vals if isinstance(x, str))
        A.value(f"{w}.options", [tuple(o) for o in q["options"]], list(words.items()),
                "each option and how many gave it, in the order first given")
        nums = Counter(x for x in vals if not isinstance(x, str))
        A.value(f"{w}.distribution", [tuple(d) for d in q["distribution"]],
                sorted(nums.items()), "each scale point and how many gave it")
        words = [x for x in vals if isinstance(x, str)]
        if any(x.lower() in ("yes", "no") for x in words):
            y = sum(1 for x in words if x.lower() == "yes")
            want = {"count": y, "of": len(vals), "interval": wald_adj(y, len(vals))}
        else:
            want = None
        A.value(f"{w}.yes", q["yes"], want, "share of Yes, adjusted Wald")
        nums = [x for x in vals if isinstance(x, (int, float)) and not isinstance(x, bool)]
        if nums and len(nums) == len(vals):
            lo, hi = scale_of(sessions, q["question"])
            want = {"mean": float(np.mean(nums)), "interval": t_interval(nums, lo, hi),
                    "n": len(nums)}
            A.value(f"{w}.scale", q["scale"], want, "mean, t interval within the scale")
            if q["question"] == "nps":
                raw = 100 * (sum(1 for x in nums if x >= 9) - sum(1 for x in nums if x <= 6)) \
                    / len(nums)
                adj, var = rocks(nums)
                h = Z * math.sqrt(var)
                lo, hi = max(-100, 100 * (adj - h)), min(100, 100 * (adj + h))
                m = re.match(r"NPS ([+-]?\d+) \(([+-]?\d+)–([+-]?\d+)\)", q["standard"] or "")
                A.value(f"{w}.standard", [int(x) for x in m.groups()] if m else q["standard"],
                        [round(raw), round(lo), round(hi)], "NPS, Rocks's interval, whole points",
                        tol=1e-9)
            if q["question"] == "csat":
                top = sum(1 for x in nums if x >= 4)
                ci = wald_adj(top, len(nums))
                m = re.match(r"CSAT (\d+)% \(top two of 5; (\d+)–(\d+)%\)", q["standard"] or "")
                A.value(f"{w}.standard", [int(x) for x in m.groups()] if m else q["standard"],
                        [round(100 * top / len(nums)), round(100 * ci["low"]),
                         round(100 * ci["high"])], "CSAT top-two share, adjusted Wald", tol=1e-9)
            if q["question"] == "seq" and q["standard"]:
                m = re.match(r"SEQ ([0-9.]+) of 7 \(([0-9.]+)–([0-9.]+)\)", q["standard"])
                got = [float(x) for x in m.groups()] if m else q["standard"]
                ci = want["interval"] or {"low": None, "high": None}
                equal = re.match(r"SEQ ([0-9.]+) of 7 \(all values equal\)", q["standard"])
                if equal and ci["low"] == ci["high"]:  # docs/report.md: zero width
                    got = [float(equal.group(1))] * 3
                A.value(f"{w}.standard", got,
                        [float(f"{x:.2f}") for x in (want["mean"], ci["low"], ci["high"])],
                        "SEQ as printed (two places)", tol=1e-9)
    sus = answers.get("__sus__", [])
    if sus or v.get("sus") is not None:
        want = None if not sus else {"mean": float(np.mean(sus)),
                                     "interval": t_interval(sus, 0, 100), "n": len(sus)}
        A.value(f"{where}.sus", v["sus"], want, "SUS (Brooke 1996), t interval in 0-100")
    if umux or v.get("umux_lite") is not None:
        want = None if not umux else {"mean": float(np.mean(umux)),
                                      "interval": t_interval(umux, 0, 100), "n": len(umux)}
        A.value(f"{where}.umux_lite", v["umux_lite"], want, "UMUX-Lite (Lewis et al. 2013)")
    return tasks, answers, umux


def scale_of(sessions, q):
    for s in sessions:
        sc = (s["flow"].get("scales") or {}).get(q)
        if sc:
            return sc[0], sc[1]
    return -math.inf, math.inf


# ---------------------------------------------------------------------------------------
# per-flow comparisons


def holm(ps):
    return list(multipletests(ps, method="holm")[1]) if len(ps) > 1 else ps


def audit_flow(A, fi, f, counted):
    mine = [s for s in counted if s["flow"]["id"] == f["flow"]]
    by_version = defaultdict(list)
    for s in mine:
        by_version[(s["flow"]["variant"], s["flow"]["sha256"])].append(s)
    figures = {}
    for vi, v in enumerate(f["versions"]):
        w = f"flows[{fi}]({f['flow']}).versions[{vi}]({v['variant']})"
        figures[v["variant"]] = audit_version(A, w, v, by_version[(v["variant"], v["sha256"])])
    A.value(f"flows[{fi}].versions(count)", len(f["versions"]), len(by_version), "versions")
    seen = Counter()
    # a technical abort is no one's session to count, so it makes no one a repeat
    for s in [s for s in ALL if s["flow"]["id"] == f["flow"] and not s.get("simulated")
              and not later(s) and not declined(s) and not technical_abort(s)]:
        seen[(s["participant"],) + ((s["flow"]["variant"],) if within(s) else ())] += 1
    rep_want = Counter()
    for key, k in seen.items():
        if k > 1:
            rep_want[key[0]] += k
    A.value(f"flows[{fi}]({f['flow']}).repeated",
            sorted((r["participant"], r["sessions"]) for r in f["repeated"]),
            sorted(rep_want.items()), "participants with more than one session")
    is_within = any(within(s) for s in mine)
    A.holm_on = len({v["variant"] for v in f["versions"]}) >= 3
    families = defaultdict(list)  # figure -> [(comparison, row, p)]
    for ci, c in enumerate(f["comparisons"]):
        w = f"flows[{fi}]({f['flow']}).comparisons[{ci}]"
        A.value(f"{w}.holm", c["holm"], A.holm_on and not is_within, "Holm with 3+ variants")
        for side in ("baseline", "variant"):
            sd = c[side]
            A.value(f"{w}.{side}.sessions", sd["sessions"],
                    len(by_version[(sd["variant"], sd["sha256"])]), "the side's sessions")
        base = figures[c["baseline"]["variant"]]
        var = figures[c["variant"]["variant"]]
        for ri, row in enumerate(c["rows"]):
            w = f"flows[{fi}]({f['flow']}).comparisons[{ci}]({c['variant']['variant']})" \
                f".rows[{ri}]({row['figure']})"
            if is_within:
                A.value(f"{w}.test", row["test"], None,
                        "within: no unpaired test in the per-flow section (statistics.md)")
                A.value(f"{w}.difference_interval", row["difference_interval"], None,
                        "within: no unpaired interval in the per-flow section")
                A.value(f"{w}.effect", row["effect"], None,
                        "within: paired rows carry no risk ratio (statistics.md, effect sizes)")
                continue
            p = audit_row(A, w, row, base, var)
            if p is not None:
                families[row["figure"]].append((w, row, p))
    several = len({v["variant"] for v in f["versions"]}) >= 3  # Holm with 3+ variants
    for fig, rows in families.items():
        adj = holm([p for _, _, p in rows])
        for (w, row, _), pa in zip(rows, adj):
            A.value(f"{w}.p_adjusted", row["p_adjusted"], pa if several else None,
                    "Holm 1979 (statsmodels multipletests)")


def audit_words(A, w, row):
    """docs/report.md, "How figures are written": the p beside a verdict keeps it on its
    side of 0.05; an interval's end never prints as no difference (0 points, 1.00×) or
    across it unless it is exactly that."""
    test = row.get("test")
    if test and test.get("p_value") is not None:
        p = row["p_adjusted"] if row.get("p_adjusted") is not None else test["p_value"]
        m = re.search(r"p (=|<) ([0-9.]+)", row["verdict"])
        if m is None:
            A.value(f"{w}.verdict(p)", row["verdict"], "a p in the verdict", "report.md")
        elif m.group(1) == "<":
            A.value(f"{w}.verdict(p)", m.group(0), "p < 0.001" if p < 0.001 else "p = ...",
                    "p < 0.001 below 0.001")
        else:
            shown = float(m.group(2))
            if shown == 0:
                shown = 0.0
            places = len(m.group(2).split(".")[1]) if "." in m.group(2) else 0
            ok = abs(shown - p) <= 0.5 * 10 ** -places + 1e-12 and (
                p == 0.05 or (shown < 0.05) == (p < 0.05)) and (places == 3 or (
                    round(p, 3) == 0.05 and p != 0.05))
            A.value(f"{w}.verdict(p)", m.group(0), m.group(0) if ok else f"p = {p!r}",
                    "three places, more near 0.05 (report.md)")
    iv = row.get("difference_interval")
    directed = re.search(r"completed more often|was faster|scored higher|more Yes answers",
                         row["verdict"])
    if iv and directed and row.get("p_adjusted") is None:
        none = 1.0 if "×" in (row.get("difference") or "") else 0.0
        # an interval of another method that still holds none must say so
        said = "still holds no difference" in row["verdict"]
        A.value(f"{w}.verdict(direction)", iv["low"] > none or iv["high"] < none or said,
                True, "a verdict that names a direction beside an interval that excludes "
                "none, or says that its interval still holds none")
    text = row.get("difference") or ""
    dv = row.get("difference_value")
    head = re.match(r"([+-]?[0-9.]+)( points|×)?", text)
    if dv is not None and head and "adjusted" not in text:
        shown, unit = float(head.group(1)), head.group(2)
        places = len(head.group(1).split(".")[1]) if "." in head.group(1) else 0
        true = dv * 100 if unit == " points" else dv
        A.value(f"{w}.difference(printed)", text.split(" (")[0],
                text.split(" (")[0] if abs(shown - true) <= 0.5 * 10 ** -places + 1e-9
                else f"{true!r}", "the difference as printed, to its places")
    m = re.search(r"\(([^()]*) to ([^()]*)\)", text)
    if iv and m:
        for end, printed in (("low", m.group(1)), ("high", m.group(2))):
            true = iv[end]
            if "×" in printed:
                val, none = float(printed.strip().rstrip("×")), 1.0
            elif "points" in printed:
                val, none = float(printed.split()[0]), 0.0
                true = true * 100
            else:
                val, none = float(printed), 0.0
            ok = (val == none) == (true == none) and (
                (val > none) == (true > none) or true == none)
            A.value(f"{w}.difference({end} end printed)", printed.strip(),
                    printed.strip() if ok else f"an end on the side of {true!r}",
                    "an end never prints as no difference or across it (report.md)")


def audit_row(A, w, row, base, var):
    audit_words(A, w, row)
    fig = row["figure"]
    btasks, banswers, bumux = base
    vtasks, vanswers, vumux = var
    m = re.match(r"`(.+)` (completion|time \(geometric mean\)|answered Yes|SEQ)$", fig)
    if fig == "UMUX-Lite score":
        return audit_means(A, w, row, bumux, vumux, "UMUX-Lite")
    m2 = re.match(r"`(.+)` (NPS|CSAT \(top two of 5\))$", fig)
    if m2 and m2.group(2) == "NPS":
        return audit_nps(A, w, row, banswers[m2.group(1)], vanswers[m2.group(1)])
    if m2:
        a, b = banswers[m2.group(1)], vanswers[m2.group(1)]
        return audit_shares(A, w, row, sum(1 for x in a if x >= 4), len(a),
                            sum(1 for x in b if x >= 4), len(b))
    if fig == "SUS score":
        return audit_means(A, w, row, banswers["__sus__"], vanswers["__sus__"], "SUS")
    if not m:
        A.value(f"{w}(unknown figure)", fig, "a figure the audit knows", "audit coverage")
        return None
    name, kind = m.groups()
    if kind == "completion":
        a = [t for t in btasks[name] if not t["technical"]]
        b = [t for t in vtasks[name] if not t["technical"]]
        return audit_shares(A, w, row, sum(t["success"] for t in a), len(a),
                            sum(t["success"] for t in b), len(b))
    if kind == "answered Yes":
        a, b = banswers[name], vanswers[name]
        return audit_shares(A, w, row, sum(1 for x in a if str(x).lower() == "yes"), len(a),
                            sum(1 for x in b if str(x).lower() == "yes"), len(b))
    if kind == "SEQ":
        return audit_means(A, w, row, banswers[name], vanswers[name], "SEQ")
    a = [t["duration"] / 1000 for t in btasks[name] if t["success"]]
    b = [t["duration"] / 1000 for t in vtasks[name] if t["success"]]
    if len(a) < 2 or len(b) < 2:
        A.value(f"{w}.test", row["test"], None, "fewer than two successes on a side")
        return None
    t, df, p, d, ci = welch(np.log(a), np.log(b))
    A.value(f"{w}.difference_value", row["difference_value"], math.exp(d),
            "ratio of geometric means")
    A.value(f"{w}.difference_interval", row["difference_interval"],
            {"low": math.exp(ci["low"]), "high": math.exp(ci["high"])}, "Welch interval, exp")
    A.value(f"{w}.test", row["test"], {"name": "Welch t", "statistic": t, "df": df,
                                       "p_value": p}, "scipy ttest_ind(equal_var=False), logs")
    return p


def rocks(values):
    """Rocks 2016: 3/4 added to promoters and detractors, 3 to n."""
    n = len(values)
    pro = (sum(1 for x in values if x >= 9) + 0.75) / (n + 3)
    det = (sum(1 for x in values if x <= 6) + 0.75) / (n + 3)
    nps = pro - det
    return nps, (pro + det - nps ** 2) / (n + 3)


def audit_nps(A, w, row, a, b):
    (na, va), (nb, vb) = rocks(a), rocks(b)
    d, se = nb - na, math.sqrt(va + vb)
    z = d / se
    A.value(f"{w}.difference_value", row["difference_value"], 100 * d,
            "Rocks's adjusted NPS difference, points")
    A.value(f"{w}.difference_interval", row["difference_interval"],
            {"low": 100 * (d - Z * se), "high": 100 * (d + Z * se)}, "Rocks 2016")
    A.value(f"{w}.test", row["test"], {"name": "adjusted-Wald z", "statistic": z, "df": None,
                                       "p_value": 2 * stats.norm.sf(abs(z))}, "Rocks 2016")
    return 2 * stats.norm.sf(abs(z))


def audit_shares(A, w, row, x1, n1, x2, n2):
    A.value(f"{w}.sides", [row["baseline"], row["variant"]], [f"{x1}/{n1}", f"{x2}/{n2}"],
            "each side's count")
    if n1 == 0 or n2 == 0:
        A.value(f"{w}.test", row["test"], None, "nothing counted on one side")
        return None
    A.value(f"{w}.difference_value", row["difference_value"], x2 / n2 - x1 / n1,
            "risk difference")
    t = n1_or_fisher(x1, n1, x2, n2)
    if t is None:
        A.value(f"{w}.test", row["test"], None, "the same all-or-nothing result")
        return None
    A.value(f"{w}.difference_interval", row["difference_interval"],
            agresti_caffo(x1, n1, x2, n2), "Agresti & Caffo 2000")
    A.value(f"{w}.test", row["test"], {"name": t[0], "statistic": t[1], "df": None,
                                       "p_value": t[2]}, "Campbell 2007 (N-1 / Fisher-Irwin)")
    A.value(f"{w}.effect", row["effect"], katz(x1, n1, x2, n2),
            "Katz risk ratio (statsmodels Table2x2)")
    audit_fragility(A, w, row, x1, n1, x2, n2, A.holm_on)
    return t[2]


def audit_means(A, w, row, a, b, what):
    if len(a) < 2 or len(b) < 2:
        A.value(f"{w}.test", row["test"], None, "fewer than two answers on a side")
        return None
    if np.var(a) == 0 and np.var(b) == 0:
        A.value(f"{w}.test", row["test"], None, "no variation within either side")
        return None
    t, df, p, d, ci = welch(a, b)
    A.value(f"{w}.difference_value", row["difference_value"], d, f"{what} difference")
    A.value(f"{w}.difference_interval", row["difference_interval"], ci, "Welch interval")
    A.value(f"{w}.test", row["test"], {"name": "Welch t", "statistic": t, "df": df,
                                       "p_value": p}, "scipy ttest_ind(equal_var=False)")
    A.value(f"{w}.effect", row["effect"], hedges(a, b), "Hedges' g (Hedges & Olkin 1985)")
    return p


# ---------------------------------------------------------------------------------------
# study reports


def study_sessions(sessions, study_id):
    """docs/studies.md, "Who is counted": a session counts when complete, or partial
    with a task the participant ended (a technical abort's slot is given again); of a
    participant's counted sessions (per variant, within) the report takes the first."""
    out = []
    for s in sessions:
        if (s.get("study") or {}).get("id") != study_id:
            continue
        ended = [e for e in s["events"] if e["kind"] == "task_end"
                 and e["outcome"] != "aborted"]
        complete = any(e["kind"] == "session_end" and e["outcome"] == "complete"
                       for e in s["events"])
        if complete or ended:
            out.append(s)
    return first_sessions(out)


def per_participant(s):
    ats = attempts(s, 100)
    ok = all(a["success"] for a in ats) and bool(ats)
    total = sum(a["duration"] for a in ats if a["duration"] is not None) / 1000
    return ok, total


def seq_mean(s):
    v = [e["value"] for e in s["events"] if e["kind"] == "answer" and e["question"] == "seq"]
    return float(np.mean(v)) if v else None


def umux_of(s):
    v = {e["question"]: e["value"] for e in s["events"] if e["kind"] == "answer"}
    if "umux1" in v and "umux2" in v:
        return (v["umux1"] + v["umux2"] - 2) * 100 / 12
    return None


def audit_study(A, si, st, sessions):
    rep = st["report"]
    sid = st["study"]
    mine = study_sessions(sessions, sid)
    where = f"studies[{si}]({sid})"
    by = defaultdict(dict)  # variant -> participant -> session
    for s in mine:
        by[s["flow"]["variant"]][s["participant"]] = s
    for vi, v in enumerate(rep["variants"]):
        ss = list(by[v["variant"]].values())
        res = [per_participant(s) for s in ss]
        x = sum(ok for ok, _ in res)
        w = f"{where}.variants[{vi}]({v['variant']})"
        A.value(f"{w}.participants", v["participants"], len(ss), "counted participants")
        A.value(f"{w}.completed", v["completed"], x, "succeeded at every task")
        A.value(f"{w}.completion", v["completion"], wald_adj(x, len(ss)), "adjusted Wald")
        times = [t for ok, t in res if ok]
        if times:
            g, ci = geo(times)
            A.value(f"{w}.time", v["time"], [g, ci], "geometric mean of completers' time")
    design = load_yaml(st["path"]).get("design", "between")
    variants = [v["variant"] for v in rep["variants"]]
    base = variants[0]
    fams = defaultdict(list)
    A.holm_on = len(variants) >= 3
    margin = parse_margin(load_yaml(st["path"]).get("margin") or {})
    for ci, c in enumerate(rep["comparisons"]):
        c["margin_declared"] = margin
        w = f"{where}.comparisons[{ci}]({c['variant']})"
        if design == "within":
            audit_paired(A, w, c, by[base], by[c["variant"]], fams)
        else:
            audit_between_study(A, w, c, by[base], by[c["variant"]], fams)
    for key, rows in fams.items():
        adj = holm([p for _, _, p in rows])
        for (w, got, _), pa in zip(rows, adj):
            A.value(f"{w}.p_adjusted", got, pa if len(variants) >= 3 else None,
                    "Holm 1979, with the study's three or more variants")
    if design == "within":
        audit_positions(A, where, rep, mine, len(variants))
        # docs/statistics.md: the per-flow section of a within study counts each
        # participant's session of every variant, "so its figures agree with the study's"
        report = CURRENT["report"]
        for v in rep["variants"]:
            for f in report["flows"]:
                for ver in f["versions"]:
                    sha = {s["flow"]["sha256"] for s in mine
                           if s["flow"]["variant"] == v["variant"]}
                    if ver["variant"] == v["variant"] and ver["sha256"] in sha:
                        A.value(f"{where}.variants({v['variant']}) vs "
                                f"flows({f['flow']}).counted",
                                [t["counted"] for t in ver["tasks"]][:1], [v["participants"]],
                                "the per-flow section agrees with the study (statistics.md)")
    audit_study_decision(A, where, rep, design, by)
    audit_status(A, where, rep, sessions, sid, mine)
    study = load_yaml(st["path"])
    if int(study.get("sessions", 1)) > 1 or "retention" in study:
        if "returns" not in rep:
            A.value(f"{where}.returns", None, "a returns section", "a study with returns")
        else:
            audit_returns(A, where, rep["returns"], sessions, st)
    else:
        A.value(f"{where}.returns", rep.get("returns"), None, "a study without returns")
    answers = Counter()
    for s in mine:
        for e in s["events"]:
            if e["kind"] == "answer" and e["question"] in {
                    q["id"] for q in load_yaml(st["path"]).get("questions") or []}:
                answers[(s["flow"]["variant"], e["question"], e["value"])] += 1
    got = sorted((q["id"], v, a, k) for q in rep["questions"] for v, a, k in q["answers"])
    A.value(f"{where}.questions", got, sorted((q, v, a, k) for (v, q, a), k in answers.items()),
            "the study's questions, each answer by the variant it was answered in")


# ---------------------------------------------------------------------------------------
# returns: repeat sessions and learning (docs/returns.md)

REL = 1e-12  # the returns figures: tolerances relative to the value itself, down to 1e-12
DURATION_UNITS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}


def duration_ms(text):
    """docs/returns.md: a whole number and a unit (90s, 30m, 12h, 1d, 2w), or 0."""
    text = str(text).strip()
    if text == "0":
        return 0
    m = re.fullmatch(r"(\d+)([smhdw])", text)
    return int(m.group(1)) * DURATION_UNITS[m.group(2)] if m else None


def power_law(n, a, b):
    return a * n ** (-b)


def exponential_curve(n, plateau, amplitude, rate):
    return plateau + amplitude * np.exp(-rate * (n - 1.0))


TIGHT = {"ftol": 1e-14, "xtol": 1e-14, "gtol": 1e-14, "maxfev": 100000}


def fit_quality(t, fitted):
    sse = float(np.sum((t - fitted) ** 2))
    sst = float(np.sum((t - t.mean()) ** 2))
    return {"points": len(t), "r2": None if sst == 0 else 1 - sse / sst,
            "rmse": math.sqrt(sse / len(t))}, sse


def scipy_power(points):
    """curve_fit of T = a n^-b, least squares in seconds, the lowest sum of squares over
    several starts. docs/returns.md: a participant's power fit from two successful trials."""
    n = np.array([p[0] for p in points], float)
    t = np.array([p[1] for p in points], float)
    if len(points) < 2 or len(set(n)) < 2:
        return None, "too_few_points"
    from scipy.optimize import curve_fit
    best = None
    for b0 in (-0.5, 0.1, 0.3, 0.7, 1.5):
        try:
            params, _ = curve_fit(power_law, n, t, p0=[t[n == n.min()].mean(), b0], **TIGHT)
        except RuntimeError:
            continue
        q, sse = fit_quality(t, power_law(n, *params))
        if best is None or sse < best[1]:
            best = ({"a": params[0], "b": params[1], "quality": q}, sse)
    return best[0], None


def scipy_exponential(points):
    """curve_fit of T = p + c e^(-r(n-1)); more points than its three parameters, on three
    trials or more (with two, the rate is not pinned down)."""
    n = np.array([p[0] for p in points], float)
    t = np.array([p[1] for p in points], float)
    if len(points) < 4 or len(set(n)) < 3:
        return None, "too_few_points"
    from scipy.optimize import curve_fit
    best = None
    last, first = t[n == n.max()].mean(), t[n == n.min()].mean()
    for r0 in (-1.0, -0.1, 0.01, 0.1, 0.3, 1.0, 3.0, 10.0):
        try:
            with np.errstate(over="ignore"):
                params, _ = curve_fit(exponential_curve, n, t, p0=[last, first - last, r0],
                                      **TIGHT)
        except RuntimeError:
            continue
        q, sse = fit_quality(t, exponential_curve(n, *params))
        if best is None or sse < best[1]:
            best = ({"plateau": params[0], "amplitude": params[1], "rate": params[2],
                     "quality": q}, sse)
    return best[0], None


def audit_fit(A, w, got, want, why, names):
    """A fit against SciPy's, or the same reason for none."""
    if want is None:
        A.value(w, got, {"none": why}, "no fit: " + why, floor=REL)
        return
    if "fit" not in got:
        A.value(w, got, {"fit": "SciPy fits"}, "curve_fit finds an optimum", floor=REL)
        return
    f = got["fit"]
    for k in names:
        A.value(f"{w}.{k}", f[k], want[k], "scipy.optimize.curve_fit (tight)", 1e-6, floor=REL)
    A.value(f"{w}.points", f["quality"]["points"], want["quality"]["points"], "points fitted",
            floor=REL)
    A.value(f"{w}.r2", f["quality"]["r2"], want["quality"]["r2"], "1 - SSE/SST", 1e-6, floor=REL)
    A.value(f"{w}.rmse", f["quality"]["rmse"], want["quality"]["rmse"], "sqrt(SSE/n)", 1e-6)


def returns_visits(sessions, sid):
    """Each counted session of the study with its trial (header `study.visit.trial`,
    absent: 1): the participant's first counted session of each trial (docs/returns.md,
    "Who is counted"; docs/studies.md)."""
    keep = {}
    for s in sessions:
        st = s.get("study") or {}
        if st.get("id") != sid or s.get("simulated") or declined(s):
            continue
        ended = [e for e in s["events"] if e["kind"] == "task_end"
                 and e["outcome"] != "aborted"]
        complete = any(e["kind"] == "session_end" and e["outcome"] == "complete"
                       for e in s["events"])
        if not (complete or ended):
            continue
        visit = st.get("visit") or {}
        trial = visit.get("trial", 1)
        key = (s["participant"], trial)
        if key not in keep or (s["utc"], s["order"]) < (keep[key]["utc"], keep[key]["order"]):
            keep[key] = s
        s["trial"] = trial
    return keep


def audit_returns(A, where, rep, sessions, st):
    study = load_yaml(st["path"])
    sid = st["study"]
    w = f"{where}.returns"
    sessions_n = int(study.get("sessions", 1))
    schedule = [duration_ms(d) for d in study.get("schedule", [0])]
    retention = duration_ms(study["retention"]) if "retention" in study else None
    trials = sessions_n + (retention is not None)
    A.value(f"{w}.sessions", rep["sessions"], sessions_n, "the study's sessions", floor=REL)
    A.value(f"{w}.trials", rep["trials"], trials, "sessions + the retention trial", floor=REL)
    A.value(f"{w}.schedule(ms)", [duration_ms(d) for d in rep["schedule"]], schedule,
            "the study's schedule, as durations", floor=REL)
    A.value(f"{w}.retention(ms)", duration_ms(rep["retention"]), retention,
            "the study's retention delay", floor=REL)
    crit = str(study.get("criterion"))
    crit_ms = None if crit == "success" else duration_ms(crit)
    A.value(f"{w}.criterion", rep["criterion"],
            "success" if crit == "success" else {"within": {"ms": crit_ms}},
            "the study's criterion", floor=REL)
    # the labels as YAML 1.2 reads them (PyYAML's YAML 1.1 reads `Yes` as true)
    with open(st["path"]) as f:
        labels = yaml.load(f, Loader=yaml.BaseLoader)
    question = next(q for q in labels["questions"] if q["id"] == study["intention"])
    yes = question["options"][0]
    A.value(f"{w}.intention", rep["intention"], [study["intention"], yes],
            "the intention question and its first option", floor=REL)
    keep = returns_visits(sessions, sid)
    as_of = max(s["utc"] for s in keep.values())
    A.value(f"{w}.as_of", rep["as_of"],
            as_of.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (as_of.microsecond // 1000),
            "the newest counted session's start", floor=REL)
    names = [flow_variant(st["path"], v) for v in study["variants"]]
    fitted_b = {}
    for vi, name in enumerate(names):
        vr = rep["variants"][vi]
        wv = f"{w}.variants[{vi}]({name})"
        A.value(f"{wv}.variant", vr["variant"], name, "the study's variants, in order", floor=REL)
        mine = {k: s for k, s in keep.items() if s["flow"]["variant"] == name}
        audit_came_back(A, wv, vr, mine, schedule, retention, sessions_n, as_of)
        audit_said_and_did(A, wv, vr, mine, study["intention"], yes, schedule, as_of)
        audit_sus_learnability(A, wv, vr, mine, trials)
        fitted_b[name] = audit_learning(A, wv, vr, mine, sessions_n, trials, crit, crit_ms,
                                        retention)
    comps = rep["rate_comparisons"]
    want = []
    base = names[0]
    for other in names[1:]:
        for task, b_other in fitted_b[other].items():
            a = list(fitted_b[base].get(task, {}).values())
            b = list(b_other.values())
            if len(a) < 2 or len(b) < 2:
                continue
            tstat, df, p, d, ci = welch(a, b)
            want.append({"task": task, "baseline": base, "variant": other, "paired": False,
                         "n": [len(a), len(b)], "difference": d, "interval": ci,
                         "test": {"name": "Welch t", "statistic": tstat, "df": df,
                                  "p_value": p}})
    A.value(f"{w}.rate_comparisons", comps, want,
            "Welch's difference of the participants' power-law b, variant - baseline "
            "(scipy.stats.ttest_ind, equal_var=False)", 1e-6, floor=REL)


def flow_variant(study_path, rel):
    return load_yaml(os.path.normpath(os.path.join(os.path.dirname(study_path), rel)))["variant"]


def opens_at(k, starts, schedule, retention):
    """When trial k opens: its schedule entry after the first trial's start; the retention
    trial, its delay after the start of the last scheduled trial."""
    if k <= len(schedule):
        return starts[1] + dt.timedelta(milliseconds=schedule[k - 1])
    return starts[len(schedule)] + dt.timedelta(milliseconds=retention)


def audit_came_back(A, wv, vr, mine, schedule, retention, sessions_n, as_of):
    people = sorted({p for p, _ in mine})
    A.value(f"{wv}.participants", vr["participants"], sum(1 for p, t in mine if t == 1),
            "participants of trial 1", floor=REL)
    want = []
    for k in range(2, sessions_n + (retention is not None) + 1):
        invited, back, not_due, days, early = 0, 0, 0, [], 0
        for p in people:
            if (p, k - 1) not in mine:
                continue
            invited += 1
            starts = {t: s["utc"] for (q, t), s in mine.items() if q == p}
            if (p, k) in mine:
                back += 1
                early += bool(mine[(p, k)]["study"]["visit"].get("early"))
                days.append((starts[k] - starts[k - 1]).total_seconds() / 86400)
            elif opens_at(k, starts, schedule, retention) > as_of:
                not_due += 1
        due = invited - not_due
        want.append({"trial": k, "retention": k > sessions_n, "invited": invited,
                     "not_due": not_due, "due": due, "returned": back, "early": early,
                     "rate": back / due if due else None, "interval": wald_adj(back, due),
                     "days_median": float(np.median(days)) if days else None,
                     "days_min": min(days) if days else None,
                     "days_max": max(days) if days else None})
    A.value(f"{wv}.returns", vr["returns"], want,
            "came back: of the invited whose session had opened by as of; adjusted Wald",
            1e-9, floor=REL)


def answer_of(s, question):
    v = [e["value"] for e in s["events"] if e["kind"] == "answer" and e["question"] == question]
    return v[0] if v else None


def audit_said_and_did(A, wv, vr, mine, question, yes, schedule, as_of):
    asked = said = 0
    yes_due = yes_back = other_due = other_back = 0
    for (p, t), s in sorted(mine.items()):
        if t != 1:
            continue
        a = answer_of(s, question)
        if a is None:
            continue
        asked += 1
        said += a == yes
        back = (p, 2) in mine
        due = back or opens_at(2, {1: s["utc"]}, schedule, None) <= as_of
        if a == yes:
            yes_due += due
            yes_back += back
        else:
            other_due += due
            other_back += back
    A.value(f"{wv}.intention", vr["intention"],
            {"asked": asked, "said_yes": said, "said_yes_interval": wald_adj(said, asked),
             "yes_due": yes_due, "yes_returned": yes_back, "others_due": other_due,
             "others_returned": other_back},
            "said and did: trial 1's answer, trial 2 due and played", 1e-9, floor=REL)


def audit_sus_learnability(A, wv, vr, mine, trials):
    """Lewis & Sauro 2009: items 4 and 10, each 5 - answer, the sum times 12.5 (0-100)."""
    want = []
    for k in range(1, trials + 1):
        vals = []
        for (p, t), s in sorted(mine.items()):
            if t != k:
                continue
            a4, a10 = answer_of(s, "sus4"), answer_of(s, "sus10")
            if a4 is not None and a10 is not None:
                vals.append(((5 - a4) + (5 - a10)) * 12.5)
        if vals:
            want.append({"trial": k, "n": len(vals), "mean": float(np.mean(vals)),
                         "interval": t_interval(vals)})
    A.value(f"{wv}.sus_learnability", vr["sus_learnability"], want,
            "SUS learnability per trial, t interval", 1e-9, floor=REL)


def audit_learning(A, wv, vr, mine, sessions_n, trials, crit, crit_ms, retention):
    """Per task: each trial's completion and time, the pooled and per-participant curves,
    trials to criterion, retention. Returns {task: {participant: b}}."""
    done = defaultdict(dict)  # (task) -> (participant, trial) -> first attempt
    for (p, t), s in mine.items():
        for a in attempts(s, 100):
            if not a["technical"]:
                done[a["task"]].setdefault((p, t), a)
    rates = {}
    A.value(f"{wv}.tasks[*].task", sorted(x["task"] for x in vr["tasks"]), sorted(done),
            "the tasks played", floor=REL)
    for ti, tl in enumerate(vr["tasks"]):
        task = tl["task"]
        d = done[task]
        wt = f"{wv}.tasks[{ti}]({task})"

        def secs(a):
            return a["duration"] / 1000

        want = []
        for k in range(1, trials + 1):
            at = [a for (p, t), a in d.items() if t == k]
            ok = [secs(a) for a in at if a["success"]]
            g, ci = geo(ok) if ok else (None, None)
            want.append({"trial": k, "retention": k > sessions_n, "participants": len(at),
                         "completed": len(ok), "completion": wald_adj(len(ok), len(at)),
                         "time_s": g, "time_interval": ci})
        A.value(f"{wt}.trials", tl["trials"], want,
                "per trial: adjusted Wald; geometric mean and t interval on the logs", 1e-9,
                floor=REL)
        people = sorted({p for p, t in d if t <= sessions_n})
        points = {p: [(t, secs(a)) for (q, t), a in sorted(d.items())
                      if q == p and t <= sessions_n and a["success"]] for p in people}
        pooled = [pt for p in people for pt in points[p]]
        fit, why = scipy_power(pooled)
        audit_fit(A, f"{wt}.power", tl["power"], fit, why, ["a", "b"])
        fit, why = scipy_exponential(pooled)
        audit_exponential(A, f"{wt}.exponential", tl["exponential"], fit, why, pooled)
        got = {x["participant"]: x for x in tl["participants"]}
        A.value(f"{wt}.participants[*]", sorted(got), people,
                "every participant of a scheduled trial", floor=REL)
        bs = {}
        met = {}
        for p in people:
            wp = f"{wt}.participants({p})"
            fit, why = scipy_power(points[p])
            if p in got:
                audit_fit(A, f"{wp}.power", got[p]["power"], fit, why, ["a", "b"])
                efit, ewhy = scipy_exponential(points[p])
                audit_exponential(A, f"{wp}.exponential", got[p]["exponential"], efit, ewhy,
                                  points[p])
            if fit is not None:
                bs[p] = fit["b"]
            first = next((t for (q, t), a in sorted(d.items(), key=lambda x: x[0][1])
                          if q == p and t <= sessions_n and meets(a, crit, crit_ms)), None)
            met[p] = first
            if p in got:
                A.value(f"{wp}.trials_to_criterion", got[p]["trials_to_criterion"], first,
                        "the first scheduled trial meeting the criterion", floor=REL)
        rates[task] = bs
        A.value(f"{wt}.median_rate", tl["median_rate"],
                float(np.median(list(bs.values()))) if bs else None,
                "median of the participants' power-law b", 1e-6)
        reached = [t for t in met.values() if t is not None]
        played_all = {p for p in people
                      if all((p, k) in mine for k in range(1, sessions_n + 1))}
        never = sum(1 for p, t in met.items() if t is None and p in played_all)
        A.value(f"{wt}.criterion", tl["criterion"],
                {"reached": len(reached),
                 "median_trials": float(np.median(reached)) if reached else None,
                 "never": never,
                 "not_yet": sum(1 for t in met.values() if t is None) - never},
                "trials to criterion: reached, median; never (every scheduled trial "
                "played), not yet (the others)", 1e-9, floor=REL)
        if retention is not None:
            # docs/returns.md: a retention trial played early measures no retention
            played = [p for p in people if (p, sessions_n) in d and (p, sessions_n + 1) in d]
            early = [p for p in played
                     if mine[(p, sessions_n + 1)]["study"]["visit"].get("early")]
            pairs = [(d[(p, sessions_n)], d[(p, sessions_n + 1)]) for p in played
                     if p not in early]
            both = [math.log(secs(a) / secs(b)) for b, a in pairs
                    if a["success"] and b["success"]]
            ci = t_interval(both)
            A.value(f"{wt}.retention", tl["retention"],
                    {"pairs": len(pairs),
                     "early": len(early),
                     "completed_before": sum(b["success"] for b, _ in pairs),
                     "completed_after": sum(a["success"] for _, a in pairs),
                     "both_succeeded": len(both),
                     "ratio": math.exp(np.mean(both)) if both else None,
                     "interval": None if ci is None else {"low": math.exp(ci["low"]),
                                                          "high": math.exp(ci["high"])}},
                    "retention / last scheduled time: geometric mean, t interval on the "
                    "log ratios", 1e-9, floor=REL)
    return rates


def meets(a, crit, crit_ms):
    """docs/returns.md: succeeded within the duration (or, for `success`, at all)."""
    if not a["success"]:
        return False
    return crit == "success" or a["duration"] <= crit_ms


RATES_SEARCHED = (1e-3, 30.0)  # src/stats/learning.rs: not in the docs (see the report)


def audit_exponential(A, w, got, want, why, points):
    """The exponential fit against SciPy's. SciPy's unconstrained optimum can have a rate
    at or below 0 (times falling faster with practice, or the line's limit): mvx
    searches rates in (1e-3, 30) and calls an optimum outside them not identified."""
    if want is not None and not (RATES_SEARCHED[0] < want["rate"] < RATES_SEARCHED[1]):
        A.value(w, got, {"none": "not_identified"},
                f"SciPy's optimum rate {want['rate']:.6g} lies outside the rates searched",
                floor=REL)
        return
    audit_fit(A, w, got, want, why, ["plateau", "amplitude", "rate"])



def audit_paired(A, w, c, a, b, fams):
    for r in c["rows"]:
        audit_words(A, f"{w}.rows({r['figure']})", r)
    both = sorted(set(a) & set(b))
    pa = {p: per_participant(a[p]) for p in both}
    pb = {p: per_participant(b[p]) for p in both}
    n12 = sum(1 for p in both if pb[p][0] and not pa[p][0])
    n21 = sum(1 for p in both if pa[p][0] and not pb[p][0])
    n = len(both)
    A.value(f"{w}.discordant", c["discordant"], [n12, n21], "pairs completing with one only")
    mid, exact = mcnemar(n12, n21)
    rows = {r["figure"]: r for r in c["rows"]}
    row = rows.get("completion")
    if mid is not None:
        A.value(f"{w}.completion_test.p_value", c["completion_test"]["p_value"], mid,
                "McNemar mid-p (scipy binom)")
        A.value(f"{w}.completion_exact.p_value", c["completion_exact"]["p_value"], exact,
                "McNemar exact conditional (scipy binomtest)")
        fams["completion"].append((f"{w}.rows(completion)", row["p_adjusted"], mid))
    A.value(f"{w}.completion_difference", c["completion_difference"],
            [(n12 - n21) / n, bonett_price(n12, n21, n)], "Bonett & Price 2012")
    A.value(f"{w}.rows(completion).sides", [row["baseline"], row["variant"]],
            [f"{sum(pa[p][0] for p in both)}/{n}", f"{sum(pb[p][0] for p in both)}/{n}"],
            "the pairs' own figures")
    if c.get("needed_in_all") is not None or (mid is not None and mid >= 0.05):
        A.value(f"{w}.needed_in_all", c["needed_in_all"], connor(n12, n21, n),
                "Connor 1987")
    ok = [p for p in both if pa[p][0] and pb[p][0]]
    basis = {x["figure"]: x for x in c["basis"]}
    A.value(f"{w}.basis(completion)", [basis["completion"]["pairs"], basis["completion"]["of"]],
            [n, n], "pairs who tried both")
    A.value(f"{w}.basis(time)", [basis["time (geometric mean)"]["pairs"],
                                 basis["time (geometric mean)"]["of"]], [len(ok), n],
            "pairs where both succeeded")
    if len(ok) >= 2:
        la = np.log([pa[p][1] for p in ok])
        lb = np.log([pb[p][1] for p in ok])
        d = lb - la
        if np.ptp(d) < 1e-12:
            A.value(f"{w}.time_ratio", c["time_ratio"],
                    [math.exp(d[0]), None, None], "every pair the same ratio: no interval")
        else:
            t, df, p, md, ci = paired_t(la, lb)
            A.value(f"{w}.time_ratio", c["time_ratio"],
                    [math.exp(md), {"low": math.exp(ci["low"]), "high": math.exp(ci["high"])},
                     {"name": "paired t", "statistic": t, "df": df, "p_value": p}],
                    "scipy ttest_rel on log times")
            fams["time"].append((f"{w}.rows(time)", rows["time (geometric mean)"]["p_adjusted"],
                                 p))
    margin = c.get("margin_declared")
    if margin:
        audit_paired_equivalence(A, w, c, (n12, n21, n), [(pa[p][1], pb[p][1]) for p in ok],
                                 margin)
    for fig, fn in (("SEQ", seq_mean), ("UMUX-Lite score", umux_of)):
        pairs = [(fn(a[p]), fn(b[p])) for p in both]
        pairs = [x for x in pairs if x[0] is not None and x[1] is not None]
        if not pairs:
            A.value(f"{w}.rows({fig})", fig in rows, False, "no pairs, no row")
            continue
        A.value(f"{w}.basis({fig})", [basis[fig]["pairs"], basis[fig]["of"]], [len(pairs), n],
                "pairs with both values")
        t, df, p, md, ci = paired_t([x[0] for x in pairs], [x[1] for x in pairs])
        r = rows[fig]
        A.value(f"{w}.rows({fig}).difference_value", r["difference_value"], md, "mean diff")
        A.value(f"{w}.rows({fig}).difference_interval", r["difference_interval"], ci,
                "paired t interval")
        A.value(f"{w}.rows({fig}).test", r["test"], {"name": "paired t", "statistic": t,
                                                     "df": df, "p_value": p},
                "scipy ttest_rel")
        fams[fig].append((f"{w}.rows({fig})", r["p_adjusted"], p))


def audit_between_study(A, w, c, a, b, fams):
    for r in c["rows"]:
        audit_words(A, f"{w}.rows({r['figure']})", r)
    ra = [per_participant(s) for s in a.values()]
    rb = [per_participant(s) for s in b.values()]
    rows = {r["figure"]: r for r in c["rows"]}
    x1, n1 = sum(ok for ok, _ in ra), len(ra)
    x2, n2 = sum(ok for ok, _ in rb), len(rb)
    p = audit_shares(A, f"{w}.rows(completion)", rows["completion"], x1, n1, x2, n2)
    if p is not None:
        fams["completion"].append((f"{w}.rows(completion)", rows["completion"]["p_adjusted"], p))
    ta = [t for ok, t in ra if ok]
    tb = [t for ok, t in rb if ok]
    r = rows.get("time (geometric mean)")
    if r and len(ta) >= 2 and len(tb) >= 2:
        t, df, pt, d, ci = welch(np.log(ta), np.log(tb))
        A.value(f"{w}.rows(time).difference_value", r["difference_value"], math.exp(d),
                "ratio of geometric means")
        A.value(f"{w}.rows(time).test", r["test"], {"name": "Welch t", "statistic": t,
                                                    "df": df, "p_value": pt}, "Welch on logs")
        fams["time"].append((f"{w}.rows(time)", r["p_adjusted"], pt))
    if c.get("needed_per_variant") is not None:
        A.value(f"{w}.needed_per_variant", c["needed_per_variant"],
                exact_power_size(x1 / n1, x2 / n2), "exact power (Campbell's rule)")
    margin = c.get("margin_declared")
    if margin:
        audit_equivalence(A, w, c, (x1, n1, x2, n2), ta, tb, margin)


def fragility_one(x1, n1, x2, n2):
    """Whether one outcome changed, on either side, turns the verdict at 0.05 (Walsh et
    al. 2014; Khan et al. 2020 for the reverse), by Campbell's rule; untestable tables
    count as no difference."""
    def sig(a, b):
        t = n1_or_fisher(a, n1, b, n2)
        return t is not None and t[2] < 0.05
    now = sig(x1, x2)
    for a, b in ((x1 + 1, x2), (x1 - 1, x2), (x1, x2 + 1), (x1, x2 - 1)):
        if 0 <= a <= n1 and 0 <= b <= n2 and sig(a, b) != now:
            return True
    return False


def audit_fragility(A, w, row, x1, n1, x2, n2, holm_on):
    if row is None or row["test"] is None:
        return
    want = (not holm_on) and fragility_one(x1, n1, x2, n2)
    A.value(f"{w}.fragile", "fragile" in row["verdict"], want,
            "fragility index 1, brute force (Walsh 2014, Khan 2020)")


def audit_paired_equivalence(A, w, c, counts, times, margin):
    """Two one-sided tests pair by pair (docs/statistics.md): completion as z tests on
    Bonett & Price's adjusted estimate, whose 90% interval decides; time by statsmodels'
    ttost_paired on log times of the pairs where both succeeded."""
    eq = {e["figure"]: e for e in c.get("equivalence") or []}
    n12, n21, n = counts

    def verdict(lo, hi, a, b):
        if a < lo and hi < b:
            return "equivalent"
        if hi <= a or lo >= b:
            return "not_equivalent"
        return "inconclusive"

    if "completion" in margin and n > 0:
        m = margin["completion"]
        p1, p2 = (n12 + 1) / (n + 2), (n21 + 1) / (n + 2)
        d = p1 - p2
        se = math.sqrt((p1 + p2 - d * d) / (n + 2))
        p = max(1 - stats.norm.cdf((d + m) / se), stats.norm.cdf((d - m) / se))
        h = stats.norm.ppf(0.95) * se
        lo, hi = max(-1.0, d - h), min(1.0, d + h)
        A.value(f"{w}.equivalence(completion)", eq.get("completion"),
                {"figure": "completion", "margin": m, "p_value": p,
                 "interval": {"low": lo, "high": hi}, "verdict": verdict(lo, hi, -m, m)},
                "TOST on Bonett & Price's paired estimate")
    d = [math.log(b) - math.log(a) for a, b in times]
    if "time" in margin and len(d) >= 2 and np.ptp(d) > 1e-12:
        m = margin["time"]
        la, lb = np.log([a for a, _ in times]), np.log([b for _, b in times])
        p, _, _ = ttost_paired(lb, la, -math.log(m), math.log(m))
        se = np.std(d, ddof=1) / math.sqrt(len(d))
        h = stats.t.ppf(0.95, len(d) - 1) * se
        lo, hi = math.exp(np.mean(d) - h), math.exp(np.mean(d) + h)
        A.value(f"{w}.equivalence(time)", eq.get("time"),
                {"figure": "time", "margin": m, "p_value": float(p),
                 "interval": {"low": lo, "high": hi}, "verdict": verdict(lo, hi, 1 / m, m)},
                "TOST, statsmodels ttost_paired on log times")


def audit_equivalence(A, w, c, counts, ta, tb, margin):
    """Two one-sided tests (Schuirmann 1987): statsmodels tost_proportions_2indep
    (Agresti-Caffo) and ttost_ind on log times (Welch); the 90% interval decides."""
    eq = {e["figure"]: e for e in c.get("equivalence") or []}
    x1, n1, x2, n2 = counts
    z90 = stats.norm.ppf(0.95)

    def verdict(lo, hi, a, b):
        if a <= lo and hi <= b:
            return "equivalent"
        if hi < a or lo > b:
            return "not_equivalent"
        return "inconclusive"

    if "completion" in margin and (n1 == 0 or n2 == 0):
        A.value(f"{w}.equivalence(completion)", eq.get("completion"), None,
                "nothing counted on one side: nothing to test")
    elif "completion" in margin:
        m = margin["completion"]
        r = tost_proportions_2indep(x2, n2, x1, n1, -m, m, method="agresti-caffo",
                                    compare="diff")
        p1, p2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
        se = math.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
        lo, hi = p2 - p1 - z90 * se, p2 - p1 + z90 * se
        A.value(f"{w}.equivalence(completion)", eq.get("completion"),
                {"figure": "completion", "margin": m, "p_value": float(r.pvalue),
                 "interval": {"low": lo, "high": hi}, "verdict": verdict(lo, hi, -m, m)},
                "TOST, statsmodels tost_proportions_2indep(agresti-caffo)")
    if "time" in margin and len(ta) >= 2 and len(tb) >= 2:
        m = margin["time"]
        la, lb = np.log(ta), np.log(tb)
        p, _, _ = ttost_ind(lb, la, -math.log(m), math.log(m), usevar="unequal")
        va, vb = la.var(ddof=1) / len(la), lb.var(ddof=1) / len(lb)
        df = (va + vb) ** 2 / (va ** 2 / (len(la) - 1) + vb ** 2 / (len(lb) - 1))
        d = lb.mean() - la.mean()
        h = stats.t.ppf(0.95, df) * math.sqrt(va + vb)
        lo, hi = math.exp(d - h), math.exp(d + h)
        A.value(f"{w}.equivalence(time)", eq.get("time"),
                {"figure": "time", "margin": m, "p_value": float(p),
                 "interval": {"low": lo, "high": hi}, "verdict": verdict(lo, hi, 1 / m, m)},
                "TOST, statsmodels ttost_ind(usevar=unequal) on log times")


def audit_positions(A, where, rep, mine, k):
    pos = defaultdict(list)
    for s in mine:
        i = s["study"]["order"].index(s["flow"]["variant"])
        pos[i + 1].append(per_participant(s))
    for pi, p in enumerate(rep["positions"]):
        res = pos[p["position"]]
        w = f"{where}.positions[{pi}]"
        A.value(f"{w}.participants", p["participants"], len(res), "sessions at this position")
        A.value(f"{w}.completed", p["completed"], sum(ok for ok, _ in res), "completed")
        times = [t for ok, t in res if ok]
        if len(times) >= 2:
            g, ci = geo(times)
            A.value(f"{w}.time", p["time"], [g, ci], "geometric mean")
    if k != 2:
        A.value(f"{where}.period", rep.get("period"), None, "period tested with two only")
        return
    # period effect, Hills & Armitage 1979: d = ln(second) - ln(first) per participant
    # who succeeded with both; the two order groups' mean d, averaged
    groups = defaultdict(list)
    per = defaultdict(dict)
    for s in mine:
        per[s["participant"]][s["flow"]["variant"]] = s
    for p, v in per.items():
        if len(v) < 2:
            continue
        order = next(iter(v.values()))["study"]["order"]
        r1, r2 = per_participant(v[order[0]]), per_participant(v[order[1]])
        if r1[0] and r2[0]:
            groups[tuple(order)].append(math.log(r2[1]) - math.log(r1[1]))
    g1, g2 = [groups[k] for k in sorted(groups)]
    rp = rep["period"]
    if np.ptp(g1) < 1e-12 and np.ptp(g2) < 1e-12:
        A.value(f"{where}.period", rp, None, "no variation within either order group")
        return
    period = (np.mean(g1) + np.mean(g2)) / 2
    r = stats.ttest_ind(g1, [-x for x in g2])
    n1, n2 = len(g1), len(g2)
    sp = math.sqrt(((n1 - 1) * np.var(g1, ddof=1) + (n2 - 1) * np.var(g2, ddof=1))
                   / (n1 + n2 - 2))
    h = stats.t.ppf(0.975, n1 + n2 - 2) * sp * math.sqrt(1 / n1 + 1 / n2) / 2
    A.value(f"{where}.period.ratio", rp["ratio"], math.exp(period), "Hills & Armitage 1979")
    A.value(f"{where}.period.interval", rp["interval"],
            {"low": math.exp(period - h), "high": math.exp(period + h)}, "pooled t interval")
    A.value(f"{where}.period.test.p_value", rp["test"]["p_value"], float(r.pvalue),
            "scipy ttest_ind(d1, -d2)")
    A.value(f"{where}.period.groups", sorted(rp["groups"]), sorted([n1, n2]), "order groups")


def audit_study_decision(A, where, rep, design, by):
    comps = {c["variant"]: c for c in rep["comparisons"]}
    base = rep["variants"][0]["variant"]
    for di, d in enumerate(rep["decision"]):
        w = f"{where}.decision[{di}]"
        if d["kind"] == "time":
            c = comps[d["faster"] if d["faster"] != base else d["slower"]]
            row = {x["figure"]: x for x in c["rows"]}["time (geometric mean)"]
            p = row["p_adjusted"] if row["p_adjusted"] is not None else row["test"]["p_value"]
            A.value(f"{w}(ratio, interval, p)", [d["ratio"], d["interval"], d["p"]],
                    [row["difference_value"], row["difference_interval"], p],
                    "the decision is its row's verdict")
        if d["kind"] == "time" and design == "within":
            c = comps[d["faster"] if d["faster"] != base else d["slower"]]
            b = {x["figure"]: x for x in c["basis"]}["time (geometric mean)"]
            A.value(f"{w}.pairs", d["pairs"], [b["pairs"], b["of"]],
                    "a within time decision names its pairs")
        if d["kind"] == "cannot_tell":
            c = comps[d["variant"]]
            if design == "within" and c["needed_in_all"] is not None:
                both = len(set(by[base]) & set(by[d["variant"]]))
                A.value(f"{w}.needed_in_all", d["needed_in_all"],
                        [c["needed_in_all"], c["needed_in_all"] - both],
                        "Connor's size, and how many more than tried both")
            if design != "within" and c["needed_per_variant"] is not None:
                have = min(len(by[base]), len(by[d["variant"]]))
                A.value(f"{w}.more_per_variant", d["more_per_variant"],
                        max(0, c["needed_per_variant"] - have),
                        "how many more each of the two compared variants needs")


def audit_status(A, where, rep, sessions, sid, mine):
    """docs/studies.md, "Who is counted" and "Status": per variant, the counted
    participants, declined sessions and technical aborts; simulated sessions left out."""
    counted = Counter(s["flow"]["variant"] for s in mine)
    declined_n, technical = Counter(), Counter()
    ids = {id(s) for s in mine}
    for s in sessions:
        if (s.get("study") or {}).get("id") != sid or s.get("simulated") or later(s):
            continue
        if declined(s):
            declined_n[s["study"]["variant"]] += 1
            continue
        ended = any(e["kind"] == "task_end" and e["outcome"] != "aborted"
                    for e in s["events"])
        complete = any(e["kind"] == "session_end" and e["outcome"] == "complete"
                       for e in s["events"])
        if not (ended or complete) and id(s) not in ids:
            technical[s["flow"]["variant"]] += 1
    for vi, v in enumerate(rep["status"]["variants"]):
        A.value(f"{where}.status.variants[{vi}]({v['name']})",
                [v["counted"], v["declined"], v["technical_aborts"]],
                [counted[v["name"]], declined_n[v["name"]], technical[v["name"]]],
                "counted, declined, technical aborts (studies.md)")


def parse_margin(m):
    """docs/studies.md: `{completion: N points, time: R x}`."""
    out = {}
    if "completion" in m:
        out["completion"] = float(str(m["completion"]).split()[0]) / 100
    if "time" in m:
        out["time"] = float(str(m["time"]).rstrip("x× ").strip())
    return out


ALL = []  # every session of the set being audited
CURRENT = {}  # the report being audited
YAMLS = {}


def load_yaml(path):
    if path not in YAMLS:
        with open(path) as f:
            YAMLS[path] = yaml.safe_load(f)
    return YAMLS[path]


# ---------------------------------------------------------------------------------------
# statements the docs rule out (issue 20)


FORBIDDEN = [
    (r"p = 0\.050(?!\d)", "p = 0.050 printed for a p that is not 0.05"),
    (r"\(0 points to|between 0 points and|somewhere between 0 points", "an interval end of "
     "0 points (docs: an end that is not exactly 0 never prints as 0)"),
    (r"needs? about [0-2] participants", "a sample size no test can work with"),
    (r": 0 more each", "0 more each"),
    (r"no answers on one side", "'no answers on one side' (a side answered Maybe/Partly)"),
    (r"learning or fatigue", "'learning or fatigue, not design' of an untested table"),
    (r"Endings: gave-up", "the endings line in another word than the columns"),
    (r"Time: –", "Time: – where a ratio exists"),
]


def audit_statements(A, name, text):
    plain = re.sub(r"<[^>]+>", " ", text)
    plain = plain.replace("&ndash;", "–").replace("&#8211;", "–").replace("&amp;", "&")
    for pattern, what in FORBIDDEN:
        m = re.search(pattern, plain)
        if m:
            ctx = plain[max(0, m.start() - 80): m.end() + 40].replace("\n", " ")
            A.statement(what, f"{name}:{pattern}", ctx)
        else:
            A.no_statement()
    # a within study's time decision states its pairs ("rests on the 7 of 14 pairs")
    for section in re.split(r"\n# ", plain):
        if "within design" not in section:
            continue
        decision = section.split("Progress")[0]
        for line in re.findall(r"[^\n]*was faster than[^\n]*", decision):
            if re.search(r"rests on the \d+ of \d+ pairs", line):
                A.no_statement()
            else:
                A.statement("a within time decision without its pairs", f"{name}:pairs", line)
    # "N% of visits went back" is checked against the JSON in audit_version


# ---------------------------------------------------------------------------------------
# the export recipe of docs/export.md


def audit_export(A, out, report, sessions):
    import pandas as pd
    # sessions.csv: the UTC instant and whether the report counts each session, by the
    # audit's own reading of the rules
    firsts = {s["file"] for s in first_sessions(sessions, asides=False)}
    rows = pd.read_csv(os.path.join(out, "sessions.csv"), keep_default_na=False)
    for s in sessions:
        r = rows[rows.file == s["file"]]
        w = f"export.sessions[{s['session']}]"
        why = ("declined" if declined(s) else "simulated" if s.get("simulated")
               else "later session" if later(s)
               else "technical" if technical_abort(s)
               else "" if s["file"] in firsts else "repeat")
        want_utc = s["utc"].strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (
            s["utc"].microsecond // 1000)
        got = [str(r.counted.iloc[0]).lower(), r.not_counted.iloc[0], r.started_utc.iloc[0]] \
            if len(r) == 1 else None
        A.value(w, got, ["true" if not why else "false", why, want_utc],
                "counted, not_counted, started_utc (export.md)")
    t = pd.read_csv(os.path.join(out, "tasks.csv"))
    # the recipe deciding `counted` itself
    u = t[~t.not_counted.isin(["simulated", "declined", "later session"])]
    aborted = u.groupby("file").technical.transform("all")
    first = (u[~aborted].sort_values("started_utc", kind="stable")
             .drop_duplicates(["flow", "participant"])["file"])
    mine = u[u.file.isin(first) & ~u.technical]
    A.value("export.counted(recipe)", sorted(t[t.counted].index.tolist()),
            sorted(mine.index.tolist()), "docs/export.md: the recipe's rows are t[t.counted]")
    # the recipe without the first-session filter (--all-attempts) and without the
    # technical one (--count-technical: a technical abort may then be a first session),
    # against those reports
    first_any = (u.sort_values("started_utc", kind="stable")
                 .drop_duplicates(["flow", "participant"])["file"])
    for suffix, rows in (("all", u[~u.technical]), ("technical", u[u.file.isin(first_any)])):
        other = json.loads(open(os.path.join(os.path.dirname(out), f"export-{suffix}.json"),
                                encoding="utf-8").read())
        recipe_figures(A, f"export[{suffix}]", rows, other)
    recipe_figures(A, "export", t[t.counted], report)


def recipe_figures(A, where, tc, report):
    """docs/export.md: the report's figures from the rows of tasks.csv."""
    g = tc.groupby(["flow", "variant", "flow_sha256", "task"], dropna=False)
    sums = g.success.agg(["sum", "count"])
    direct = g.direct.sum()
    directness = g.backtracks.apply(lambda b: (b == 0).sum())
    for f in report["flows"]:
        for v in f["versions"]:
            for task in v["tasks"]:
                key = (f["flow"], v["variant"], v["sha256"], task["task"])
                w = f"{where}[{'/'.join(map(str, key[:2]))}]"
                A.value(f"{w}.successes", task["successes"], int(sums.loc[key, "sum"]),
                        "recipe: successes")
                A.value(f"{w}.counted", task["counted"], int(sums.loc[key, "count"]),
                        "recipe: counted")
                A.value(f"{w}.direct_success", task["direct_success"]["count"],
                        int(direct.loc[key]), "recipe: direct")
                A.value(f"{w}.directness", task["directness"]["count"],
                        int(directness.loc[key]), "recipe: directness (Treejack)")
                d = tc[(tc.flow_sha256 == v["sha256"]) & tc.success].duration_ms
                if len(d):
                    A.value(f"{w}.time_geometric_mean_s", task["time_geometric_mean_s"],
                            float(np.exp(np.log(d / 1000).mean())), "recipe: geometric mean")


# ---------------------------------------------------------------------------------------


def make_outputs(mvx, sets, name):
    """What tests/independent.rs does, for a run by hand."""
    out = os.path.join(sets, "out")
    os.makedirs(out, exist_ok=True)
    folder = os.path.join(sets, name)
    for fmt in ("json", "md", "html"):
        subprocess.run([mvx, "report", folder, "--format", fmt, "-o",
                        os.path.join(out, f"{name}.{fmt}")], check=True,
                       stdin=subprocess.DEVNULL, capture_output=True)
    if name == "export":
        for flag, suffix in (("--all-attempts", "all"), ("--count-technical", "technical")):
            subprocess.run([mvx, "report", folder, flag, "--format", "json", "-o",
                            os.path.join(out, f"{name}-{suffix}.json")], check=True,
                           stdin=subprocess.DEVNULL, capture_output=True)
    subprocess.run([mvx, "export", folder, "--format", "csv", "-o",
                    os.path.join(out, f"{name}-export")], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)


def output(sets, name, fmt):
    with open(os.path.join(sets, "out", f"{name}.{fmt}"), encoding="utf-8") as f:
        return f.read()


def audit_set(A, sets, name):
    A.set = name
    folder = os.path.join(sets, name)
    report = json.loads(output(sets, name, "json"))
    CURRENT["report"] = report
    A.value("data_problems", report["data_problems"], [], "mvx reads every file")
    A.value("skipped", report["skipped"], [], "mvx reads every file")
    sessions = discover(folder)
    ALL[:] = sessions
    counted = first_sessions(sessions)
    for fi, f in enumerate(report["flows"]):
        audit_flow(A, fi, f, counted)
    for si, st in enumerate(report.get("studies", [])):
        if "report" not in st:
            A.value(f"studies[{si}].report", st.get("not_reported"), None, "study reported")
            continue
        audit_study(A, si, st, sessions)
    for fmt in ("md", "html"):
        audit_statements(A, fmt, output(sets, name, fmt))
    if name == "export":
        audit_export(A, os.path.join(sets, "out", "export-export"), report, sessions)


def main():
    args = sys.argv[1:]
    mvx = None
    if args[:1] == ["--mvx"]:
        mvx, args = args[1], args[2:]
    sets, names = args[0], args[1:]
    A = Audit()
    for name in names:
        if mvx:
            make_outputs(mvx, sets, name)
        audit_set(A, sets, name)
    print(f"compared {A.compared} figures and statements: {A.matched} matched, "
          f"{len(A.open)} open, {len(A.mismatches)} mismatched")
    for row in A.open:
        print("open:", " | ".join(map(str, row)))
    for row in A.mismatches:
        print("MISMATCH:", " | ".join(map(str, row)))
    sys.exit(1 if A.mismatches else 0)


if __name__ == "__main__":
    main()
