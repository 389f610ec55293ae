#!/bin/bash
# frame-cost.sh - where one frame's fixed cost goes: per thread of gfx-device
# and gfx-compositor, CPU, system calls (by kind) and context switches per
# frame, with N animated gfx-demo-clients (the compositor benchmark's client,
# 400x300, fully redrawn each frame) at 1920x1080@60 on the direct backend.
#
# Counted by `perf stat --per-thread` (software events and syscall
# tracepoints: counting, not tracing, so the spins and wake-ups are not
# slowed as under strace) over SECONDS - 1 s while the clients run; per
# frame divides by the vblanks in that window (60 a second). Needs perf and
# root (or perf_event_paranoid <= -1) for the tracepoints.
#
# Usage: scripts/frame-cost.sh [WINDOWS [SECONDS]]    (1 window, 4 s)
set -u
cd "$(dirname "$0")/.."
N=${1:-1}
SECS=${2:-4}
BIN=build/bin
command -v perf >/dev/null || { echo "frame-cost: perf is not installed (linux-perf)"; exit 2; }
[ "$SECS" -ge 2 ] || { echo "frame-cost: SECONDS must be at least 2"; exit 2; }
run=$(mktemp -d /tmp/gfx-frame-cost.XXXXXX)
export XDG_RUNTIME_DIR=$run
unset WAYLAND_DISPLAY DISPLAY
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$run"' EXIT

"$BIN/gfx-device" --socket "$run/gpu.sock" --display none --mode 1920x1080@60 >"$run/device.log" 2>&1 &
dev=$!; pids+=($dev)
for _ in $(seq 100); do [ -S "$run/gpu.sock" ] && break; sleep 0.05; done
"$BIN/gfx-compositor" --device "direct:$run/gpu.sock" --socket wl-cost >"$run/comp.log" 2>&1 &
comp=$!; pids+=($comp)
for _ in $(seq 100); do [ -S "$run/wl-cost" ] && break; sleep 0.05; done
for i in $(seq "$N"); do
	WAYLAND_DISPLAY=wl-cost "$BIN/gfx-demo-client" --size 400x300 --seconds "$SECS" \
		--hue $((i * 37)) >/dev/null 2>>"$run/clients.log" &
	pids+=($!)
done
sleep 0.5	# past the first, full-screen frames

EVENTS=(task-clock context-switches raw_syscalls:sys_enter)
for s in poll epoll_wait read write recvmsg sendmsg timerfd_settime clock_nanosleep sched_yield; do
	EVENTS+=("syscalls:sys_enter_$s")
done
ev=$(printf -- '-e %s ' "${EVENTS[@]}")
# shellcheck disable=SC2086
perf stat --per-thread -x, $ev -o "$run/dev.csv" -p "$dev" -- sleep $((SECS - 1)) &
p1=$!
# shellcheck disable=SC2086
perf stat --per-thread -x, $ev -o "$run/comp.csv" -p "$comp" -- sleep $((SECS - 1)) &
p2=$!
wait $p1 $p2

python3 - "$run" $(((SECS - 1) * 60)) <<'PY'
import collections, sys
run, frames = sys.argv[1], int(sys.argv[2])
print("per frame:")
print("%-24s %8s %8s %8s  %s" % ("thread", "CPU ms", "switches", "syscalls", "by kind"))
for f in ('dev.csv', 'comp.csv'):
    t = collections.defaultdict(dict)
    for line in open('%s/%s' % (run, f)):
        p = line.strip().split(',')
        if len(p) < 4 or line.startswith('#'):
            continue
        try:
            t[p[0]][p[3].split(':')[-1].replace('sys_enter_', '')] = float(p[1])
        except ValueError:
            pass	# <not counted>: the thread never ran
    for name, e in sorted(t.items()):
        if e.get('task-clock', 0) / frames < 0.001:
            continue
        kinds = ' '.join('%s %.1f' % (k, v / frames) for k, v in sorted(e.items())
                         if k not in ('task-clock', 'context-switches', 'sys_enter') and v)
        print('%-24s %8.3f %8.2f %8.2f  %s' % (name, e.get('task-clock', 0) / frames,
              e.get('context-switches', 0) / frames, e.get('sys_enter', 0) / frames, kinds))
PY
