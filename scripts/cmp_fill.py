#!/usr/bin/env python3
"""cmp_fill.py - fill a document's measured figures from bench-vm runs.

Usage: cmp_fill.py TEMPLATE OUT RUN.jsonl...

In TEMPLATE, [[KIND FMT NAME[,NAME...]]] becomes the range over every run and
every NAME, formatted with FMT (a Python format spec such as .2f):
  R ratio (value / reference, e.g. uio / drm)   I 1 / ratio    V value
  F reference              P per cent below 1 of the ratio (100 - 100 ratio)
  D reference - value (what the first side saves)
A range whose ends print alike is one number.
  C the ratio of the rounds with its 95 % interval, "0.88 [0.84–0.95]", and
    ", a tie" when the interval holds 1.0; one NAME, each run's apart ("; ").
"""
import json
import re
import sys


def main():
    tpl, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append({r["name"]: r for r in (json.loads(l) for l in f if l.strip())})
    missing = []

    def one(kind, r):
        v, ref, ratio = r.get("value"), r.get("reference"), r.get("ratio")
        if kind == "R":
            return ratio
        if kind == "I":
            return 1 / ratio if ratio else None
        if kind == "V":
            return v
        if kind == "F":
            return ref
        if kind == "P":
            return 100 - 100 * ratio if ratio is not None else None
        if kind == "D":
            return ref - v if ref is not None and v is not None else None
        raise ValueError(kind)

    def interval(spec, r):
        if r.get("ci_low") is None:
            return None
        x = r.get("ratio_of_rounds", r["ratio"])
        s = "%s [%s–%s]" % (format(x, spec), format(r["ci_low"], spec), format(r["ci_high"], spec))
        return s + (", a tie" if r.get("tie") else "")

    def sub(m):
        kind, spec, names = m.group(1), m.group(2), m.group(3).split(",")
        if kind == "C":
            got = [interval(spec, run[names[0]]) for run in runs if names[0] in run]
            got = [g for g in got if g]
            if len(names) != 1 or not got:
                missing.append(m.group(0))
                return "?"
            return "; ".join(got)
        vals = []
        for run in runs:
            for n in names:
                if n in run:
                    x = one(kind, run[n])
                    if x is not None:
                        vals.append(x)
        if not vals:
            missing.append(m.group(0))
            return "?"
        lo, hi = format(min(vals), spec), format(max(vals), spec)
        if kind == "P":	# per cent below: the larger saving first reads oddly; keep low–high
            pass
        return lo if lo == hi else "%s–%s" % (lo, hi)

    text = open(tpl).read()
    text = re.sub(r"\[\[([RIVFPDC]) (\S+) ([\w,]+)\]\]", sub, text)
    open(out, "w").write(text)
    if missing:
        print("cmp_fill: no data for: " + " ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
