#!/bin/bash
# report_scripts.sh - the benchmark reports' own arithmetic, on fixtures:
# scripts/ktrace.py's kernel time from a function_graph trace (an interrupt
# nested in a system call is the interrupt's; other processes' calls are not
# counted; __do_sys_X inside __x64_sys_X is one call; kinds summed apart).
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
