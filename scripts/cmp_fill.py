#!/usr/bin/env python3
"""cmp_fill.py - fill a document's measured ranges from several bench-vm runs.

Usage: cmp_fill.py TEMPLATE OUT RUN.jsonl...

In TEMPLATE, [[KIND FMT NAME[,NAME...]]] becomes the range over every run and
every NAME, formatted with FMT (a Python format spec such as .2f):
  R ratio (uio / drm)      I 1 / ratio (drm / uio)    V value (uio)
  F reference (drm)        P per cent below 1 of the ratio (100 - 100 ratio)
  D reference - value (what uio saves)
A range whose ends print alike is one number.
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

    def sub(m):
        kind, spec, names = m.group(1), m.group(2), m.group(3).split(",")
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
    text = re.sub(r"\[\[([RIVFPD]) (\S+) ([\w,]+)\]\]", sub, text)
    open(out, "w").write(text)
    if missing:
        print("cmp_fill: no data for: " + " ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
