#!/bin/bash
# bench_smoke.sh - gfx-bench runs end to end and reports every required name
# with a number. It checks the report, not the speed: timings are for
# `make bench`, not for tests on a noisy machine.
set -u
bin=$(cd "$(dirname "$0")/../bin" && pwd)
tmp=$(mktemp -d)
trap 'kill $dev 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$bin/gfx-device" --socket "$tmp/gpu.sock" --display none 2>"$tmp/device.log" &
dev=$!
for _ in $(seq 100); do [ -S "$tmp/gpu.sock" ] && break; sleep 0.05; done

if ! GFX_DEVICE="direct:$tmp/gpu.sock" "$bin/gfx-bench" --quick --json >"$tmp/out.jsonl" 2>"$tmp/err"; then
	echo "FAIL bench_runs: gfx-bench exited non-zero: $(head -c 300 "$tmp/err")"
	exit 1
fi
echo "PASS bench_runs"

python3 - "$tmp/out.jsonl" <<'PY'
import json, sys, math
need = ["memcpy_1080p", "fill_1080p", "copy_1080p", "blend_1080p", "blend_1080p_vs_pixman",
        "scale_1080p", "small_fills", "small_fills_vs_pixman", "pixman_small_fills",
        "fence_roundtrip", "fence_roundtrip_event_loop",
        "vblank_missed"]
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[r["name"]] = r
bad = []
for n in need:
    r = rows.get(n)
    if r is None:
        bad.append(n + " missing")
    elif not isinstance(r["value"], (int, float)) or math.isnan(r["value"]) or r["value"] < 0:
        bad.append(n + " has no valid value")
    elif r["reference"] is not None and not (r["ratio"] > 0):
        bad.append(n + " has a reference but no ratio")
print("PASS bench_json_complete" if not bad else "FAIL bench_json_complete: " + "; ".join(bad))
PY
