#!/usr/bin/env python3
"""cmp_doc.py - docs/comparison.md from its template and bench-vm runs.

Usage: cmp_doc.py TEMPLATE OUT TABLE_RUN_DIR RUNS_TEXT RUN_DIR...
  TEMPLATE       scripts/comparison.md.in
  TABLE_RUN_DIR  the kept run (build/bench/cmp-DATE) whose report.md gives the tables
  RUNS_TEXT      how the runs are named in the verdict ("four runs (...)")
  RUN_DIR...     every kept run whose bench.jsonl gives the ranges (cmp_fill.py)
"""
import json
import os
import subprocess
import sys


def tables(report):
    lines = open(report).read().split("\n")
    out = []
    for l in lines[1:]:
        if l.startswith("|") and not l.startswith("| ---"):
            cells = [c.strip() for c in l.strip("|").split("|")]
            if cells[1:] and all(c in ("0.00", "-", "") for c in cells[1:]):
                continue
            if "clock_gettime" in l:
                continue
        out.append(l)
    return "\n".join(out).strip(), lines[0]


def main():
    tpl, out, trun, runs_text, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(tpl).read()
    t, header = tables(os.path.join(trun, "report.md"))
    host = json.load(open(os.path.join(trun, "host.json")))
    after = json.load(open(os.path.join(trun, "host-after.json")))
    date = "%s UTC (load average %s before, %s after)" % (
        host["date"].replace("T", ", ").rstrip("Z"), host["load"].split()[0], after["load_after"].split()[0])
    jsonls = [os.path.join(r, "bench.jsonl") for r in runs]
    ranges = subprocess.run([sys.executable, os.path.join(here, "cmp_ranges.py")] + jsonls,
                            capture_output=True, text=True, check=True).stdout.strip()
    text = text.replace("@@TABLES@@", t).replace("@@RUNDATE@@", date).replace("@@RANGES@@", ranges)
    text = text.replace("@@RUNS@@", runs_text)
    tmp = out + ".tmp"
    open(tmp, "w").write(text)
    r = subprocess.run([sys.executable, os.path.join(here, "cmp_fill.py"), tmp, out] + jsonls)
    os.unlink(tmp)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
