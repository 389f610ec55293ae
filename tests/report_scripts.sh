#!/bin/bash
# report_scripts.sh - the benchmark reports' own arithmetic, on fixtures:
# scripts/ktrace.py's kernel time from a function_graph trace (an interrupt
# nested in a system call is the interrupt's; other processes' calls are not
# counted; __do_sys_X inside __x64_sys_X is one call; kinds summed apart),
# scripts/cmp_report.py's three-path ratios of the compositor's frame, and
# the kernel's time per compositor frame (kframe), scripts/cmp_doc.py's page
# made from one run (intervals, ties, the +-5 % widths, a missing figure
# refused), and docs/comparison.md made from the run kept beside it.
# build/tests and build/asan/tests hold links to this file: the repository is the link's target's.
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
out=$(cd "$REPO/scripts" && python3 -c '
import sys
from ktrace import kernel_time
t = kernel_time(sys.argv[1], 305)
print("%.2f %d %.2f %d %.2f %d" % (t["syscall"].us, t["syscall"].calls, t["irq"].us, t["irq"].calls,
                                  t["work"].us, t["work"].calls))
' "$REPO/tests/data/ktrace_sample.txt" 2>&1)
want="13.50 4 11.00 2 4.25 1"
if [ "$out" = "$want" ]; then echo "PASS ktrace_exclusive_time"
else echo "FAIL ktrace_exclusive_time: got '$out', want '$want'"; fi

# scripts/cmp_report.py's three-path compositor frame (gcomp): rounds in which
# the compositor spends 1.0 (uio), 1.25 (userq) and 2.0 (drm) ms of CPU per
# frame, 60 frames a second, give those ratios with 95 % intervals.
tmp=$(mktemp -d)
python3 - "$tmp" <<'PY'
import json, sys
out = sys.argv[1]
ms = {"uio": 1.0, "userq": 1.25, "drm": 2.0}
with open(out + "/raw.jsonl", "w") as f:
    for r in range(1, 7):
        for p, m in ms.items():
            m *= 1 + 0.01 * ((r * 7) % 5 - 2)	# a little noise, the same for every path
            secs, frames = 10, 600		# 60 flips per vblank-second
            comp_ns = int(m * 1e6 * frames)
            snap0 = "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
            snap1 = "%d %d %d %d 0 0 0 0 0 0 0 0 0 0 0" % (2 * comp_ns, secs * 10**9, comp_ns, comp_ns // 2)
            f.write(json.dumps({"w": "gcomp", "path": p, "round": r, "windows": 1, "count": 0, "secs": secs,
                                "snap0": snap0, "snap1": snap1, "hz": 100,
                                "dev0": "vblanks=0 flips=0 commands=0 missed_vblanks=0 irqs=0 kicks=0",
                                "dev1": "vblanks=600 flips=600 commands=600 missed_vblanks=0 irqs=600 kicks=600",
                                "hist": "", "perf": "", "late": "",
                                "clients": ["frames=600 presented=600 missed=0 p50_us=16000 p99_us=17000"],
                                "tag": "g%s-1-r%d" % (p, r)}) + "\n")
PY
(cd "$REPO" && python3 scripts/cmp_report.py "$tmp" --jsonl "$tmp/out.jsonl" >"$tmp/report.txt" 2>&1)
out=$(python3 - "$tmp/out.jsonl" <<'PY'
import json, sys
lines = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
for n in ("vm_cpu_per_frame_uio_vs_drm_userq_1_windows", "vm_cpu_per_frame_gpu_clients_uio_vs_drm_1_windows",
          "vm_cpu_per_frame_drm_userq_vs_drm_1_windows"):
    r = lines.get(n)
    print("%s %.2f %s" % (n, r["ratio"], r["ci_low"] <= r["ratio_of_rounds"] <= r["ci_high"]) if r else n + " missing")
PY
)
want="vm_cpu_per_frame_uio_vs_drm_userq_1_windows 0.80 True
vm_cpu_per_frame_gpu_clients_uio_vs_drm_1_windows 0.50 True
vm_cpu_per_frame_drm_userq_vs_drm_1_windows 0.62 True"
if [ "$out" = "$want" ]; then echo "PASS cmp_report_gcomp_three_paths"
else echo "FAIL cmp_report_gcomp_three_paths: got '$out' ($(tail -3 "$tmp/report.txt"))"; fi
rm -rf "$tmp"

# scripts/cmp_doc.py and cmp_fill.py: a page from one run. A ratio with its
# interval ("C"), ", a tie" when the interval holds 1.0, the widths of the
# answer's intervals against +-5 %, and a name the run lacks fails the page.
tmp=$(mktemp -d)
cat >"$tmp/bench.jsonl" <<'J'
{"name": "a_ratio", "value": 1.0, "reference": 2.0, "ratio": 0.5, "ratio_of_rounds": 0.5, "ci_low": 0.49, "ci_high": 0.51, "tie": false}
{"name": "b_ratio", "value": 1.0, "reference": 1.0, "ratio": 1.0, "ratio_of_rounds": 1.02, "ci_low": 0.90, "ci_high": 1.10, "tie": true}
{"name": "vm_irq_to_user_p99_uio_vs_drm", "value": 1.1, "reference": 1.0, "ratio": 1.1, "ratio_of_rounds": 1.1, "ci_low": 1.0, "ci_high": 1.3, "tie": true}
J
echo "header line" >"$tmp/report.md"; echo "| t | 1 |" >>"$tmp/report.md"
echo '{"date": "2026-12-07T18:00Z", "load": "1.0 1.0 1.0", "mode": "1920x1080@30", "tree": "abc1234"}' >"$tmp/host.json"
echo '{"load_after": "1.5 1.0 1.0", "vm_seconds": 600}' >"$tmp/host-after.json"
printf '%s\n' '# t' '## The answer' 'A [[C .2f a_ratio]]; B [[C .2f b_ratio]]; V [[V .1f a_ratio]].' \
	'## Goals' 'irq: @@IRQ_GOAL@@; tree @@TREE@@, @@MINUTES@@ min' '@@WIDTHS@@' '@@TABLES@@' >"$tmp/tpl.md"
python3 "$REPO/scripts/cmp_doc.py" "$tmp/tpl.md" "$tmp/out.md" "$tmp" 2>"$tmp/err"; rc=$?
got=$(grep -E "^A |^irq:|within ±5 %\.$|^\| t " "$tmp/out.md" | tr '\n' '/')
want="A 0.50 [0.49–0.51]; B 1.02 [0.90–1.10], a tie; V 1.0./irq: by the median, not the interval's top; tree abc1234, 10 min/1 of 2 within ±5 %./| t | 1 |/"
if [ $rc = 0 ] && [ "$got" = "$want" ]; then echo "PASS cmp_doc_one_run"
else echo "FAIL cmp_doc_one_run: rc $rc, got '$got', want '$want' ($(cat "$tmp/err"))"; fi
echo '[[C .2f no_such_ratio]]' >"$tmp/tpl.md"
if python3 "$REPO/scripts/cmp_doc.py" "$tmp/tpl.md" "$tmp/out.md" "$tmp" 2>"$tmp/err"; then
	echo "FAIL cmp_doc_missing_figure: a name the run lacks made a page"
elif grep -q "no data for: \[\[C .2f no_such_ratio\]\]" "$tmp/err"; then echo "PASS cmp_doc_missing_figure"
else echo "FAIL cmp_doc_missing_figure: $(cat "$tmp/err")"; fi
rm -rf "$tmp"

# cmp_report.py's kernel time per compositor frame (kframe): the same trace
# for every path, but uio traced for 2 s and the others for 1 s at 60 frames a
# second, so uio's kernel time per frame is half the others'.
tmp=$(mktemp -d)
mkdir -p "$tmp/ktime" && cp "$REPO/tests/data/ktrace_sample.txt" "$tmp/ktime/k.txt"
python3 - "$tmp" <<'PY'
import json, sys
with open(sys.argv[1] + "/raw.jsonl", "w") as f:
    for r in range(1, 4):
        for p, secs in (("uio", 2), ("userq", 1), ("drm", 1)):
            f.write(json.dumps({"w": "kframe", "path": p, "round": r, "windows": 1, "count": 0, "secs": secs,
                                "snap0": "0 0 0 0 0 0 0 0 0 0 0 0", "snap1": "1 %d 1 1 0 0 0 0 0 0 0 0" % (secs * 10**9),
                                "hz": 100, "dev0": "vblanks=0 flips=0 commands=0 missed_vblanks=0 irqs=0 kicks=0",
                                "dev1": "vblanks=600 flips=600 commands=0 missed_vblanks=0 irqs=0 kicks=0",
                                "hist": "", "perf": "", "late": "", "clients": [], "tag": "k%s-1-r%d" % (p, r),
                                "cpid": 305, "trace": "ktime/k.txt", "traced_ns": secs * 10**9}) + "\n")
PY
(cd "$REPO" && python3 scripts/cmp_report.py "$tmp" --jsonl "$tmp/out.jsonl" >"$tmp/report.txt" 2>&1)
out=$(python3 - "$tmp/out.jsonl" <<'PY'
import json, sys
lines = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
for n in ("vm_kernel_us_per_frame_uio_vs_drm_userq_1_windows", "vm_kernel_us_per_frame_drm_userq_vs_drm_1_windows"):
    r = lines.get(n)
    print("%s %.2f %.4f" % (n, r["ratio"], r["value"]) if r else n + " missing")
PY
)
# 13.50 + 11.00 + 4.25 µs of the compositor's (pid 305) and everyone's interrupts and kworkers, over 120 frames
want="vm_kernel_us_per_frame_uio_vs_drm_userq_1_windows 0.50 0.2396
vm_kernel_us_per_frame_drm_userq_vs_drm_1_windows 1.00 0.4792"
if [ "$out" = "$want" ] && grep -q "^| 1 | uio | 60.0 |" "$tmp/report.md"; then
	echo "PASS cmp_report_kframe_per_frame"
else echo "FAIL cmp_report_kframe_per_frame: got '$out', want '$want' ($(tail -3 "$tmp/report.txt"))"; fi
rm -rf "$tmp"

# docs/comparison.md is what its template makes from the run kept beside it
# (a template or kernel change without the page made again fails here:
# scripts/cmp_doc.py scripts/comparison.md.in docs/comparison.md docs/comparison/run-*).
tmp=$(mktemp -d)
run=$(ls -d "$REPO"/docs/comparison/run-* 2>/dev/null | tail -1)
if [ -z "$run" ]; then echo "FAIL comparison_md_from_its_run: no docs/comparison/run-* kept"
elif ! python3 "$REPO/scripts/cmp_doc.py" "$REPO/scripts/comparison.md.in" "$tmp/c.md" "$run" 2>"$tmp/err"; then
	echo "FAIL comparison_md_from_its_run: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/c.md" "$REPO/docs/comparison.md"; then
	echo "FAIL comparison_md_from_its_run: docs/comparison.md differs from what $(basename "$run") makes: $(diff "$tmp/c.md" "$REPO/docs/comparison.md" | head -3 | tr '\n' ' ')"
else echo "PASS comparison_md_from_its_run"; fi
rm -rf "$tmp"
