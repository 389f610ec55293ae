# guest_gpu_bench.sh - GPU-rendering clients in the guest, UIO contexts
# against DRM render nodes and dma-buf, in one boot (guest.sh gpubench,
# driven by tests/vm/bench_gpu_clients.sh). For N = 1, 4, 8 clients of
# gfx-demo-client --gpu (320x240, animating at 60 Hz) under gfx-compositor,
# first on uio (each client its own context), then on gfx_drm (render node,
# dma-buf): CPU per frame of the compositor, of the clients and of the whole
# guest (/proc/stat), system calls per client frame (perf stat on the
# raw_syscalls tracepoint, first client), and the first client's commit ->
# presented latency. JSON lines into $out/gpubench.jsonl.
#
# Uses guest.sh's uio_dev, host_ctl, $bin, $out, $kmod.

GB_SECS=${GB_SECS:-8}
GB_HZ=$(getconf CLK_TCK)
. "$repo/scripts/proc_ticks.sh"
gb_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }	# user nice system irq softirq steal
gb_flips() { host_ctl stats | awk '$1 == "flips" {print $2}'; }

# gb_one PATH SPEC N: one measurement; prints "comp clients guest flips syscalls frames p50 p99" (ms, us)
gb_one() {
	local path=$1 spec=$2 n=$3 run cp=() comp t0c t0k t0g f0 i kp
	run=$(mktemp -d /tmp/gb.XXXXXX)
	export XDG_RUNTIME_DIR=$run WAYLAND_DISPLAY=wl-gb
	"$bin/gfx-compositor" --device "$spec" --socket wl-gb >"$out/gb-$path-$n.log" 2>&1 &
	comp=$!
	for _ in $(seq 300); do [ -S "$run/wl-gb" ] && break; sleep 0.1; done
	# The clients outlive the measurement by far (TCG starts them slowly), so
	# the same processes are read at both ends: one that exited in between
	# would take its ticks with it.
	perf stat -x, -o "$run/perf.txt" -e raw_syscalls:sys_enter -- \
		"$bin/gfx-demo-client" --gpu --seconds $((GB_SECS + 20)) --stats >"$run/c1.txt" 2>>"$run/clients.err" &
	cp+=($!)
	for i in $(seq 2 "$n"); do
		"$bin/gfx-demo-client" --gpu --seconds $((GB_SECS + 20)) --hue $((i * 37)) >/dev/null 2>>"$run/clients.err" &
		cp+=($!)
	done
	sleep 5	# mapped, warmed up
	kp=$(pgrep -f "gfx-demo-client --gpu" | tr '\n' ' ')
	t0c=$(ticks $comp); t0k=$(ticks $kp); t0g=$(gb_busy); f0=$(gb_flips)
	sleep "$GB_SECS"
	echo "$(( ($(ticks $comp) - t0c) * 1000 / GB_HZ )) $(( ($(ticks $kp) - t0k) * 1000 / GB_HZ ))" \
	     "$(( ($(gb_busy) - t0g) * 1000 / GB_HZ )) $(( $(gb_flips) - f0 ))" >"$run/cpu.txt"
	for i in "${cp[@]}"; do wait "$i" 2>/dev/null; done
	kill $comp; wait $comp 2>/dev/null
	grep -q "drawing with the GPU" "$run/clients.err" || echo "gb: $path: $(tail -1 "$run/clients.err")" >>"$out/gpubench.err"
	echo "$(cat "$run/cpu.txt") $(awk -F, '/raw_syscalls/ {print $1}' "$run/perf.txt") $(sed -n 's/frames=\([0-9]*\).*p50_us=\([0-9]*\) p99_us=\([0-9]*\)/\1 \2 \3/p' "$run/c1.txt")"
	rm -rf "$run"
}

# gb_strace PATH SPEC: one GPU client under strace -c, to name the system
# calls a client frame makes (perf counts them, strace says which); prints
# JSON lines vm_gpu_client_syscalls_per_frame_PATH_<call> (startup included,
# under 0.1 per frame at 600 frames).
gb_strace() {
	local path=$1 spec=$2 run
	run=$(mktemp -d /tmp/gs.XXXXXX)
	XDG_RUNTIME_DIR=$run "$bin/gfx-compositor" --device "$spec" --socket wl-gs >"$out/gs-$path.log" 2>&1 &
	local comp=$!
	for _ in $(seq 300); do [ -S "$run/wl-gs" ] && break; sleep 0.1; done
	XDG_RUNTIME_DIR=$run WAYLAND_DISPLAY=wl-gs strace -c -f -o "$out/gpubench-strace-$path.txt" \
		"$bin/gfx-demo-client" --gpu --seconds 10 --stats >"$run/c.txt" 2>/dev/null
	kill $comp; wait $comp 2>/dev/null
	python3 - "$path" "$out/gpubench-strace-$path.txt" "$(sed -n 's/^frames=\([0-9]*\).*/\1/p' "$run/c.txt")" <<'PY'
import json, sys
path, f, frames = sys.argv[1], sys.argv[2], int(sys.argv[3] or 0)
for l in open(f):
    w = l.split()
    if frames and len(w) >= 5 and w[0][0].isdigit() and w[-1] != 'total':
        calls = int(w[3])
        if calls / frames >= 0.1:
            print(json.dumps({'name': 'vm_gpu_client_syscalls_per_frame_%s_%s' % (path, w[-1]),
                              'value': round(calls / frames, 2), 'unit': 'calls/frame',
                              'reference': None, 'ratio': None}))
PY
	rm -rf "$run"
}

gb_drm_bind() {
	rmmod uio_gfx 2>/dev/null
	modprobe drm_kms_helper && insmod "$(dirname "$kmod")/gfx_drm.ko" || return 1
	for _ in $(seq 50); do [ -c /dev/dri/card0 ] && [ -c /dev/dri/renderD128 ] && return 0; sleep 0.1; done
	return 1
}

gpu_bench() {
	local n path r
	: >"$out/gpubench.raw"
	modprobe uio && insmod "$kmod" || { echo "gpubench: cannot load uio_gfx" >"$out/gpubench.err"; return 1; }
	for n in 1 4 8; do echo "uio $n $(gb_one uio uio "$n")" >>"$out/gpubench.raw"; done
	gb_strace uio uio >"$out/gpubench-calls.jsonl"
	gb_drm_bind || { echo "gpubench: cannot bind gfx_drm" >>"$out/gpubench.err"; return 1; }
	for n in 1 4 8; do echo "drm $n $(gb_one drm drm:/dev/dri/card0 "$n")" >>"$out/gpubench.raw"; done
	gb_strace drm drm:/dev/dri/card0 >>"$out/gpubench-calls.jsonl"
	python3 - "$out/gpubench.raw" >"$out/gpubench.jsonl" <<'PY'
import json, sys
r = {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) == 10:
        r[(f[0], int(f[1]))] = list(map(int, f[2:]))
def emit(name, v, unit, refname, ref):
    print(json.dumps({'name': name, 'value': round(v, 4), 'unit': unit, 'reference': refname,
                      'reference_value': round(ref, 4), 'ratio': round(v / ref, 4) if ref else None}))
for n in (1, 4, 8):
    u, d = r.get(('uio', n)), r.get(('drm', n))
    if not u or not d:
        continue
    # comp clients guest flips syscalls frames p50 p99
    pf = lambda v, i: v[i] / v[3] if v[3] else float('nan')
    emit('vm_gpu_clients_cpu_per_frame_uio_vs_drm_%d' % n, pf(u, 2), 'ms/frame', 'vm_gpu_clients_cpu_per_frame_drm_%d' % n, pf(d, 2))
    emit('vm_gpu_clients_compositor_cpu_per_frame_uio_vs_drm_%d' % n, pf(u, 0), 'ms/frame', 'drm', pf(d, 0))
    emit('vm_gpu_clients_client_cpu_per_frame_uio_vs_drm_%d' % n, pf(u, 1) / n, 'ms/frame', 'drm', pf(d, 1) / n)
    emit('vm_gpu_clients_syscalls_per_client_frame_uio_vs_drm_%d' % n, u[4] / u[5] if u[5] else 0, 'syscalls', 'drm', d[4] / d[5] if d[5] else 0)
    emit('vm_gpu_clients_latency_p50_uio_vs_drm_%d' % n, u[6] / 1000, 'ms', 'drm', d[6] / 1000)
    emit('vm_gpu_clients_latency_p99_uio_vs_drm_%d' % n, u[7] / 1000, 'ms', 'drm', d[7] / 1000)
PY
	cat "$out/gpubench-calls.jsonl" >>"$out/gpubench.jsonl"
}
