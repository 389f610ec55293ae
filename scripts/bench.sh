#!/bin/bash
# bench.sh - run every benchmark and append JSON lines to one results file.
#
# Usage: scripts/bench.sh [RESULTS.jsonl]
# gfx-bench on the host (direct backend), then the VM (uio), the uio-against-drm
# comparison in the VM (scripts/bench-cmp.sh, `make bench-vm`) and the compositor
# benchmarks when their scripts exist. Each prints its own table.
set -u
cd "$(dirname "$0")/.."
out=${1:-build/bench/results.jsonl}
mkdir -p "$(dirname "$out")"
: >"$out"
tmp=$(mktemp -d)
trap 'kill $dev 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

echo "== gfx-bench (direct backend, $(nproc) CPUs, $(uname -r))"
build/bin/gfx-device --socket "$tmp/gpu.sock" --display none --mode 1920x1080@60 2>"$tmp/device.log" &
dev=$!
for _ in $(seq 100); do [ -S "$tmp/gpu.sock" ] && break; sleep 0.05; done
export GFX_DEVICE="direct:$tmp/gpu.sock"
build/bin/gfx-bench --json >"$tmp/host.jsonl" || { echo "bench: gfx-bench failed" >&2; exit 1; }
cat "$tmp/host.jsonl" >>"$out"
python3 scripts/bench_table.py "$tmp/host.jsonl"
kill $dev; wait $dev 2>/dev/null
unset GFX_DEVICE

for s in tests/vm/bench.sh scripts/bench-cmp.sh scripts/bench-compositor.sh scripts/bench-gpu-clients.sh; do
	[ -x "$s" ] || { echo "== $s: not present, skipped"; continue; }
	echo "== $s"
	"$s" "$out" || echo "bench: $s failed" >&2
done
echo "results: $out"
