#!/usr/bin/env python3
"""cmp_doc.py - docs/comparison.md from its template and one bench-vm run.

Usage: cmp_doc.py TEMPLATE OUT RUN_DIR
  TEMPLATE  scripts/comparison.md.in
  RUN_DIR   the kept run (build/bench/cmp-DATE, written by scripts/bench-cmp.sh)

Every figure of the page comes from that one run: its report.md gives the
tables (@@TABLES@@), its bench.jsonl every figure in the text
(scripts/cmp_fill.py's double-bracketed placeholders), its host.json and
host-after.json the date, the load, the tree, the mode and the length
(@@RUNDATE@@, @@TREE@@, @@MODE@@, @@MINUTES@@). @@KERNEL_LINES@@ (and
@@KLINES_UIO@@, @@KLINES_USERQ@@) are counted in the tree the page is made
in; @@IRQ_GOAL@@ says whether the interrupt goal is met; @@WIDTHS@@ lists
how wide the interval of every ratio in "The answer" is. A placeholder the
run has no data for fails the page.
"""
import json
import os
import re
import subprocess
import sys


def tables(report):
    """The run's report.md less its first line (the run's header) and rows that say nothing."""
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
    return "\n".join(out).strip()


def code_lines(path):
    """Lines of C code in a file: not blank, not only a comment."""
    n, in_comment = 0, False
    for line in open(path):
        t = line.strip()
        if in_comment:
            if "*/" not in t:
                continue
            t, in_comment = t.split("*/", 1)[1].strip(), False
        if t.startswith("/*"):
            if "*/" not in t:
                in_comment = True
                continue
            t = t.split("*/", 1)[1].strip()
        if t and not t.startswith("//"):
            n += 1
    return n


def kernel_lines(repo):
    """What each path asks of the kernel, in lines of C (the tree the page is made in)."""
    k = os.path.join(repo, "kernel")
    drm = sorted(f for f in os.listdir(k) if f.startswith("gfx_drm_") and f.endswith((".c", ".h")))
    count = {f: code_lines(os.path.join(k, f)) for f in drm + ["uio_gfx.c", "gfx_irq_page.h"]}
    queue = [f for f in drm if f.startswith("gfx_drm_userq")]
    names = ", ".join("`%s`" % f for f in queue)
    userq = sum(count[f] for f in queue) + count["gfx_irq_page.h"]
    classic = sum(count[f] for f in drm if f not in queue)
    rows = [("UIO with contexts", "`uio_gfx.c`, `gfx_irq_page.h`", count["uio_gfx.c"] + count["gfx_irq_page.h"]),
            ("DRM with user-mode queues", "all of gfx_drm (the queue needs its GEM, fences and ring)", classic + userq),
            ("… of which the queues", names + ", `gfx_irq_page.h`", userq),
            ("DRM classic", "gfx_drm less " + names, classic)]
    out = ["| path | kernel code | lines of C |", "| --- | --- | ---: |"]
    out += ["| %s | %s | %d |" % r for r in rows]
    return "\n".join(out), rows[0][2], rows[1][2]


def answer_widths(template, lines):
    """How wide each interval of the answer is: the issue's goal is +-5 % of the median."""
    part = template.split("## The answer", 1)[-1].split("\n## ", 1)[0]
    out = ["| ratio in the answer | median [95 % interval] | half-width | within ±5 % |",
           "| --- | --- | ---: | --- |"]
    seen = []
    for name in re.findall(r"\[\[C \S+ (\w+)\]\]", part):
        r = lines.get(name)
        if name in seen or not r or r.get("ci_low") is None:
            continue
        seen.append(name)
        m = r.get("ratio_of_rounds", r["ratio"])
        half = (r["ci_high"] - r["ci_low"]) / 2 / m * 100
        out.append("| `%s` | %.2f [%.2f–%.2f] | %.1f %% | %s |" % (
            name, m, r["ci_low"], r["ci_high"], half, "yes" if half <= 5 else "no"))
    n_ok = sum(1 for l in out[2:] if l.endswith("| yes |"))
    return "\n".join(out) + "\n\n%d of %d within ±5 %%." % (n_ok, len(out) - 2)


def irq_goal(lines):
    """Issue 18's interrupt goal: UIO's p99 at most 1.2x DRM's."""
    r = lines.get("vm_irq_to_user_p99_uio_vs_drm")
    if not r or r.get("ci_high") is None:
        return "not measured"
    m = r.get("ratio_of_rounds", r["ratio"])
    if r["ci_high"] <= 1.2:
        return "yes, the interval's top included"
    return "by the median, not the interval's top" if m <= 1.2 else "no"


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tpl, out, run = sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    host = json.load(open(os.path.join(run, "host.json")))
    after = json.load(open(os.path.join(run, "host-after.json")))
    date = "%s UTC (load average %s before, %s after)" % (
        host["date"].replace("T", ", ").rstrip("Z"), host["load"].split()[0], after["load_after"].split()[0])
    text = open(tpl).read()
    text = text.replace("@@TABLES@@", tables(os.path.join(run, "report.md"))).replace("@@RUNDATE@@", date)
    text = text.replace("@@TREE@@", host.get("tree", "unrecorded"))
    text = text.replace("@@MINUTES@@", "%d" % round(after.get("vm_seconds", 0) / 60))
    text = text.replace("@@MODE@@", host.get("mode", "?"))
    table, uio, userq = kernel_lines(os.path.dirname(here))
    text = text.replace("@@KERNEL_LINES@@", table)
    text = text.replace("@@KLINES_UIO@@", "{:,}".format(uio)).replace("@@KLINES_USERQ@@", "{:,}".format(userq))
    bench = os.path.join(run, "bench.jsonl")
    lines = {r["name"]: r for r in (json.loads(l) for l in open(bench) if l.strip())}
    text = text.replace("@@IRQ_GOAL@@", irq_goal(lines))
    if "@@WIDTHS@@" in text:
        text = text.replace("@@WIDTHS@@", answer_widths(text, lines))
    tmp = out + ".tmp"
    open(tmp, "w").write(text)
    r = subprocess.run([sys.executable, os.path.join(here, "cmp_fill.py"), tmp, out, bench])
    os.unlink(tmp)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
