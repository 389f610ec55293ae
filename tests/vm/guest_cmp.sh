#!/bin/bash
# guest_cmp.sh - runs inside the VM guest (scripts/bench-cmp.sh boots it):
# the same workloads on the uio path (uio_gfx + libgfx's user-mode driver)
# and the drm path (gfx_drm + libgfx's DRM driver), switching the driver
# with rmmod/insmod, in counterbalanced order within each workload (uio,
# drm, drm, uio, uio, drm, ...: each path goes first in half the rounds), so
# that the machine's drift and whatever the previous run leaves behind hit
# both alike. Raw JSON lines go to OUT/raw.jsonl
# for scripts/cmp_report.py.
#
# Usage: tests/vm/guest_cmp.sh OUT KMOD_DIR
#   OUT        the results directory shared with the host (read-write)
#   KMOD_DIR   uio_gfx.ko and gfx_drm.ko built for this kernel (BUILD/vm-cmp/kmod)
# Environment: CMP_BIN (the programs; default BUILD/bin), CMP_SECONDS (compositor window per run, 30), CMP_COUNT_SECONDS
# (the perf-counted runs, 10), CMP_ROUNDS (10: the rounds' ratios give the
# 95 % intervals, scripts/stats.py), CMP_WINDOWS ("1 4 16"),
# CMP_BATCHES (200), CMP_SAMPLES (300), CMP_WINDOW_SIZE (160x120: TCG draws
# about 20x slower than the host, where the compositor bench uses 400x300),
# CMP_ENGINE_ARGS (gfx-bench's, "--frames 120"), CMP_COUNT_MINUTES (repeat the
# counted pass for that long), CMP_GCOMP_ROUNDS and CMP_GCOMP_SECONDS (the
# GPU-client compositor runs: CMP_ROUNDS, 10 s), CMP_KFRAME_ROUNDS and
# CMP_KFRAME_SECONDS (the same compositor traced: 6, 3 s), CMP_ONLY (the
# workloads to run, of "irq submit ktime kframe pipe comp gcomp count engine
# profile"; profile, perf record of pipelined submission on the three paths in
# batches of CMP_PROFILE_FILLS fills ("1000"; a list for more) and of the
# compositor runs at CMP_PROFILE_WINDOWS windows ("16"; "none" for none), only
# when asked for).
#
# Timing runs are never traced: the kernel-operation counts (perf stat with
# tracepoints and two kprobes) come from separate runs, since tracing costs
# more on the path that enters the kernel more often.
set -u
out=$1 kdir=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CMP_BIN:-$(cd "$kdir/../../bin" && pwd)}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export GFX_VM_OUT=$out
SECS=${CMP_SECONDS:-30} CSECS=${CMP_COUNT_SECONDS:-10} ROUNDS=${CMP_ROUNDS:-10}
WINDOWS=${CMP_WINDOWS:-1 4 16} BATCHES=${CMP_BATCHES:-200} SAMPLES=${CMP_SAMPLES:-300}
SIZE=${CMP_WINDOW_SIZE:-160x120} WARM=3
raw=$out/raw.jsonl
log=$out/guest.log
read -r up _ </proc/uptime; echo "$up" >"$out/started"
cd /tmp || exit 1
mkdir -p "$out/comp"
# CMP_APPEND=1: the second boot of a run (bench-cmp.sh) adds to the first's results.
[ "${CMP_APPEND:-0}" = 1 ] || : >"$raw"
say() { echo "cmp: $*" | tee -a "$log" >&2; }
rec() { echo "$*" >>"$raw"; }
host_ctl() { "${CMP_CTL:-$repo/tests/vm/guest-ctl.sh}" "$@"; }

# ---- the two drivers ----

. "$(dirname "$0")/guest_drivers.sh"

# ---- tracing: perf stat (software events and tracepoints) and kprobes ----

TR=/sys/kernel/tracing
PERF_OK=0
trace_setup() {
	mountpoint -q $TR || mount -t tracefs nodev $TR 2>/dev/null || { say "no tracefs"; return 1; }
	command -v perf >/dev/null && perf version >/dev/null 2>&1 || { say "no perf for $(uname -r) (linux-perf)"; return 1; }
	# Bytes copied from user space: copy_from_user is notrace, so the probe
	# is on hardened usercopy's __check_object_size(ptr, n, to_user), which
	# every copy of a size not known at compile time passes (ioctl arguments
	# in drm_ioctl, the SUBMIT stream and relocations, poll's fds, the data
	# of write/sendmsg through copy_from_iter); copies of a constant size
	# (an eventfd's 8 bytes) do not. Counted only with to_user == 0.
	echo 'p:gfxcmp/cfu __check_object_size n=%si:u64 to_user=%dx:u8' >>$TR/kprobe_events ||
		{ say "cannot add the kprobe"; return 1; }
	PERF_OK=1
}
# The hist triggers sum the size argument per thread in the kernel; they
# are on only while a counted run counts (they cost a little per copy).
HIST='hist:keys=common_pid:vals=hitcount,n:size=4096 if to_user == 0'
hist_on() { echo "$HIST" >>$TR/events/gfxcmp/cfu/trigger; }
hist_off() { echo "!$HIST" >>$TR/events/gfxcmp/cfu/trigger; }
# hist_get PID: "calls bytes calls_pid bytes_pid"
hist_get() {
	sed -nE 's/.*common_pid: *([0-9]+) *\} *hitcount: *([0-9]+) *n: *([0-9]+).*/\1 \2 \3/p' \
		$TR/events/gfxcmp/cfu/hist | awk -v pid="$1" '{h += $2; n += $3; if ($1 == pid) {hp += $2; np += $3}}
		END {printf "%d %d %d %d\n", h, n, hp, np}'
}

# perf_start PID TAG: perf stat on every CPU, counting disabled until perf_ctl enable.
PERF_PID=
perf_start() {
	local pid=$1 tag=$2 irq
	irq=$(gpu_irq)
	rm -f /tmp/perf.ctl /tmp/perf.ack && mkfifo /tmp/perf.ctl /tmp/perf.ack
	# The order is the one cmp_report.py reads back.
	perf stat -a -x, -o "$out/comp/$tag.perf" -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack \
		-e raw_syscalls:sys_enter \
		-e raw_syscalls:sys_enter --filter "common_pid == $pid" \
		-e context-switches -e cpu-migrations \
		-e sched:sched_switch --filter "prev_pid == $pid" \
		-e sched:sched_wakeup \
		-e sched:sched_wakeup --filter "pid == $pid" \
		-e irq:irq_handler_entry \
		-e irq:irq_handler_entry --filter "irq == ${irq:-0}" \
		-e irq:softirq_entry \
		-e irq_vectors:local_timer_entry \
		-e irq_vectors:reschedule_entry \
		-e irq_vectors:call_function_single_entry -e irq_vectors:call_function_entry \
		-e workqueue:workqueue_execute_start \
		-e gfxcmp:cfu --filter "to_user == 0" \
		-e gfxcmp:cfu --filter "to_user == 0 && common_pid == $pid" \
		-e syscalls:sys_enter_clock_gettime \
		-e syscalls:sys_enter_clock_gettime --filter "common_pid == $pid" \
		-e syscalls:sys_enter_ioctl --filter "common_pid == $pid" \
		-e syscalls:sys_enter_epoll_wait --filter "common_pid == $pid" \
		-e syscalls:sys_enter_read --filter "common_pid == $pid" \
		-e syscalls:sys_enter_write --filter "common_pid == $pid" \
		-e syscalls:sys_enter_recvmsg --filter "common_pid == $pid" \
		-e syscalls:sys_enter_sendmsg --filter "common_pid == $pid" \
		-e syscalls:sys_enter_ppoll --filter "common_pid == $pid" \
		-e syscalls:sys_enter_sched_yield --filter "common_pid == $pid" \
		2>"$out/comp/$tag.perf.err" &
	PERF_PID=$!
	sleep 1
	kill -0 $PERF_PID 2>/dev/null || { say "perf stat failed: $(tail -2 "$out/comp/$tag.perf.err" | tr '\n' ' ')"; PERF_PID=; return 1; }
	export CMP_PERF_CTL=/tmp/perf.ctl CMP_PERF_ACK=/tmp/perf.ack
}
perf_ctl() { timeout 10 bash -c "echo $1 >/tmp/perf.ctl && read -r _ </tmp/perf.ack" || say "perf: no ack for $1"; }
perf_stop() {
	local i
	if [ -n "$PERF_PID" ]; then
		kill -INT $PERF_PID
		for i in $(seq 100); do kill -0 $PERF_PID 2>/dev/null || break; sleep 0.1; done
		if kill -0 $PERF_PID 2>/dev/null; then
			say "perf stat did not stop: $(cat /proc/$PERF_PID/wchan 2>/dev/null); killed"
			cat /proc/$PERF_PID/stack >>"$log" 2>/dev/null
			kill -9 $PERF_PID
		fi
		wait $PERF_PID 2>/dev/null
	fi
	PERF_PID=
	unset CMP_PERF_CTL CMP_PERF_ACK
}
# watchdog SECONDS PID WHAT: if PID still runs after SECONDS, log where it waits, then kill it.
watchdog() {
	local s=$1 pid=$2 what=$3 t
	( sleep "$s"; kill -0 "$pid" 2>/dev/null || exit 0
	  for t in /proc/$pid/task/*; do echo "== $what: ${t##*/} $(cat $t/wchan 2>/dev/null)"; cat $t/stack 2>/dev/null; done >>"$log"
	  say "$what still runs after ${s}s: killed (stacks in guest.log)"
	  kill -9 "$pid" ) &
	WATCHDOG=$!
}

# ---- kernel time, measured: function_graph on the kernel's ways in ----
#
# Every system call (its __x64_sys_* function, or __do_sys_* for those
# without arguments: do_syscall_64 itself is noinstr), device interrupt handled (handle_irq_event) and kworker item
# (process_one_work) is timed by the graph tracer with
# sleep-time off, so a call's time leaves out what it slept; timer ticks and
# IPIs (sysvec entries) are not among them. The trace goes to OUT/ktime for
# cmp_report.py; the reference call (getppid) scales guest time to the host's.
KT_OK=0
ktime_setup() {
	[ -w $TR/current_tracer ] && grep -qw function_graph $TR/available_tracers ||
		{ say "no function_graph tracer: kernel time is not measured"; return 1; }
	echo 0 >$TR/tracing_on
	# The filter before the tracer: never every function patched at once.
	echo '__x64_sys_*' >$TR/set_ftrace_filter && echo '__do_sys_*' >>$TR/set_ftrace_filter &&
	echo 'handle_irq_event process_one_work' >>$TR/set_ftrace_filter &&
	echo function_graph >$TR/current_tracer ||
		{ say "cannot trace the kernel's ways in"; echo nop >$TR/current_tracer; return 1; }
	echo 0 >$TR/options/sleep-time
	echo 1 >$TR/options/funcgraph-proc
	echo 1 >$TR/options/funcgraph-tail
	echo 4096 >$TR/buffer_size_kb
	mkdir -p "$out/ktime"
	KT_OK=1
}
ktime_off() { echo nop >$TR/current_tracer; echo >$TR/set_ftrace_filter; echo 1 >$TR/tracing_on; }
# ktime_run TAG CMD...: CMD with CMP_TRACING_ON, its trace saved as OUT/ktime/TAG.txt; prints CMD's pid last.
ktime_run() {
	local tag=$1; shift
	echo >$TR/trace
	CMP_TRACING_ON=$TR/tracing_on "$@" &
	local pid=$!
	wait $pid
	cp $TR/trace "$out/ktime/$tag.txt"
	echo $pid
}
wl_ktime() {
	local p=$1 r=$2 n b pid
	for n in 1 100; do
		b=$((BATCHES / 2))
		say "kernel time: submit $p N=$n round $r"
		pid=$(ktime_run "submit-$p-$n-r$r" "$bin/gfx-vm-cmp" loop "$p" "$r" "$n" "$b" 2>>"$log" | tee /tmp/kt.json | tail -1)
		rec "{\"w\": \"ktime\", \"path\": \"$p\", \"round\": $r, \"n\": $n, \"batches\": $b," \
			"\"pid\": $pid, \"trace\": \"ktime/submit-$p-$n-r$r.txt\"}"
	done
	pid=$(ktime_run "refcall-$p-r$r" "$bin/gfx-vm-cmp" refcall "$p" "$r" 20000 2>>"$log" | tee /tmp/kt.json | tail -1)
	rec "{\"w\": \"ktime_ref\", \"path\": \"$p\", \"round\": $r, \"pid\": $pid," \
		"\"trace\": \"ktime/refcall-$p-r$r.txt\", \"ref\": $(head -1 /tmp/kt.json)}"
}

# ---- snapshots ----

dev_stats() { host_ctl stats | awk '$1 ~ /^(vblanks|flips|commands|irqs|kicks|fence_done|missed_vblanks)$/ {printf "%s=%s ", $1, $2}'; }

# ---- workloads ----

wl_irq() {
	local p=$1 r=$2
	say "irq $p round $r"
	timeout 120 "$bin/gfx-vm-cmp" irq "$p" "$r" "$SAMPLES" >>"$raw" 2>>"$log" || say "irq $p failed"
}

wl_submit() {
	local p=$1 r=$2
	say "submit $p round $r"
	timeout 600 "$bin/gfx-vm-cmp" submit "$p" "$r" "$BATCHES" >>"$raw" 2>>"$log" || say "submit $p failed"
}

# A compositor run: N animated clients; with COUNT=1 under perf, else timed.
# GPU=1 (wl_gcomp): the clients draw with the GPU (gfx-demo-client --gpu), at
# most 4 processes with N/4 windows each (a context or queue per process):
# on uio a context the compositor hands out, on drm the render node's ring,
# on userq a user-mode queue of each client's own (GFX_WL_QUEUE=1); the
# compositor itself is on uio's master or on gfx_drm's ring and KMS.
COMP_PIDS=()
comp_stop() {
	local p
	for p in "${COMP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${COMP_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	COMP_PIDS=()
}
wl_comp() {
	local p=$1 n=$2 r=$3 count=${4:-0} spec=uio secs=$SECS tag run cpid i cl=() clients
	local procs=$n per=1 gflags=() w=comp
	[ "$p" != uio ] && spec=drm:/dev/dri/card0
	[ "$count" = 1 ] && secs=$CSECS
	if [ "${GPU:-0}" = 1 ]; then
		w=gcomp procs=$((n < 4 ? n : 4)); per=$((n / procs)); gflags=(--gpu --windows "$per")
	fi
	[ "${KFRAME:-0}" = 1 ] && w=kframe
	tag=$(case $w in gcomp) echo g ;; kframe) echo k ;; esac)$p-$n-r$r$([ "$count" = 1 ] && echo -count)
	say "compositor $p $n windows round $r$([ "$count" = 1 ] && echo ', counted')"
	run=$(mktemp -d /tmp/cmp.XXXXXX)
	export XDG_RUNTIME_DIR=$run
	"$bin/gfx-compositor" --device "$spec" --socket wl-cmp >"$out/comp/$tag.log" 2>&1 &
	cpid=$!; COMP_PIDS=($cpid)
	for _ in $(seq 300); do [ -S "$run/wl-cmp" ] && break; sleep 0.1; done
	[ -S "$run/wl-cmp" ] || { say "the compositor did not start on $spec: $(tail -1 "$out/comp/$tag.log")"; comp_stop; return 1; }
	for i in $(seq "$procs"); do
		WAYLAND_DISPLAY=wl-cmp GFX_WL_QUEUE=$([ "$p" = userq ] && echo 1 || echo 0) \
			"$bin/gfx-demo-client" --size "$SIZE" --seconds $((WARM + secs + 60)) "${gflags[@]}" \
			--stats --hue $((i * 37)) --latency-file "$out/comp/$tag-lat-$i.txt" \
			>"$out/comp/$tag-client-$i.txt" 2>>"$out/comp/$tag-clients.err" &
		cl+=($!); COMP_PIDS+=($!)
	done
	clients=${cl[*]}
	[ "$count" = 1 ] && { perf_start "$cpid" "$tag" || { comp_stop; return 1; }; }
	sleep $WARM
	# The device's counters enclose the window (a request to the host takes
	# a while): they give flips per vblank, and frames = that rate x the
	# window's vblanks. One process reads the guest side at each end.
	local d0 d1 s0 s1 hd=
	d0=$(dev_stats)
	[ "$count" = 1 ] && { hist_on; perf_ctl enable; }
	s0=$("$bin/gfx-vm-cmp" snap $cpid $clients)
	local t0 t1 traced=0
	if [ "$w" = kframe ]; then
		echo >$TR/trace; t0=$(date +%s%N); echo 1 >$TR/tracing_on
	fi
	sleep "$secs"
	if [ "$w" = kframe ]; then
		echo 0 >$TR/tracing_on; t1=$(date +%s%N); traced=$((t1 - t0))
		cp $TR/trace "$out/ktime/$tag.txt"
	fi
	s1=$("$bin/gfx-vm-cmp" snap $cpid $clients)
	[ "$count" = 1 ] && { perf_ctl disable; hd=$(hist_get $cpid); hist_off; }
	d1=$(dev_stats)
	for i in "${cl[@]}"; do kill -TERM "$i" 2>/dev/null; done
	for i in "${cl[@]}"; do wait "$i" 2>/dev/null; done
	[ "$count" = 1 ] && perf_stop
	kill -TERM $cpid 2>/dev/null; wait $cpid 2>/dev/null
	COMP_PIDS=()
	rm -rf "$run"
	local stats=
	for i in $(seq "$procs"); do stats+="\"$(cat "$out/comp/$tag-client-$i.txt" 2>/dev/null)\", "; done
	rec "{\"w\": \"$w\", \"path\": \"$p\", \"round\": $r, \"windows\": $n, \"count\": $count," \
		"\"secs\": $secs, \"snap0\": \"$s0\", \"snap1\": \"$s1\", \"hz\": $(getconf CLK_TCK)," \
		"\"dev0\": \"$d0\", \"dev1\": \"$d1\"," \
		"\"hist\": \"$hd\", \"perf\": \"$([ "$count" = 1 ] && echo "comp/$tag.perf")\"," \
		"\"late\": \"$(sed -nE 's/.* ([0-9]+) frames, ([0-9]+) latched later.*/\1 \2/p' "$out/comp/$tag.log" | tail -1)\"," \
		"\"clients\": [${stats%, }], \"tag\": \"$tag\", \"cpid\": $cpid," \
		"\"trace\": \"$([ "$w" = kframe ] && echo "ktime/$tag.txt")\", \"traced_ns\": $traced}"
}

# 4 M fills a run: at 400 k (about 0.2 s) UIO's guest CPU per fill came out
# 2.2x the queue's at 100 fills in one run; at 4 M, 1.07 (2 rounds, 1.4 s a run).
PIPE_FILLS=4000000
wl_pipe() {
	local p=$1 r=$2 n
	for n in 100 1000; do
		say "pipelined submission $p N=$n round $r"
		timeout 300 "$bin/gfx-vm-cmp" pipe "$p" "$r" "$n" $((PIPE_FILLS / n)) >>"$raw" 2>>"$log" ||
			say "pipe $p $n failed"
	done
}
# The same under perf record, reported by command and symbol.
wl_pipe_profile() {
	local p=$1 n=$2 tag=prof-pipe-$1$([ "$2" != 1000 ] && echo "-$2")
	say "profile: pipelined submission $p N=$n"
	timeout 300 perf record -q -a -g -F 997 -e cpu-clock -o /tmp/$tag.data -- \
		"$bin/gfx-vm-cmp" pipe "$p" 0 "$n" $((PIPE_FILLS / n)) >/dev/null 2>>"$log"
	perf report -q -i /tmp/$tag.data --stdio --no-children --sort comm,dso,sym -g none --percent-limit 0.5 \
		>"$out/comp/$tag.txt" 2>/dev/null
	# cpu-clock samples taken while interrupts are off land on the irqrestore: who called it
	perf report -q -i /tmp/$tag.data --stdio --no-children --comm gfx-vm-cmp --sort sym \
		-g caller,0.5,callee,function,percent --percent-limit 3 >"$out/comp/$tag-calls.txt" 2>/dev/null
	rm -f /tmp/$tag.data
}

# Where the time goes: perf record (cpu-clock, every CPU, call graphs) during
# a compositor run, reported in the guest (its kallsyms): by command and
# symbol, and the compositor's own symbols.
wl_profile() {
	local p=$1 n=$2 spec=uio tag run cpid i cl=()
	[ "$p" = drm ] && spec=drm:/dev/dri/card0
	tag=prof-$p-$n
	say "profile: compositor $p $n windows"
	run=$(mktemp -d /tmp/cmp.XXXXXX)
	export XDG_RUNTIME_DIR=$run
	"$bin/gfx-compositor" --device "$spec" --socket wl-cmp >"$out/comp/$tag.log" 2>&1 &
	cpid=$!; COMP_PIDS=($cpid)
	for _ in $(seq 300); do [ -S "$run/wl-cmp" ] && break; sleep 0.1; done
	for i in $(seq "$n"); do
		WAYLAND_DISPLAY=wl-cmp "$bin/gfx-demo-client" --size "$SIZE" --seconds $((WARM + CSECS + 60)) \
			--hue $((i * 37)) >/dev/null 2>&1 &
		cl+=($!); COMP_PIDS+=($!)
	done
	sleep $WARM
	timeout $((CSECS + 60)) perf record -q -a -g -F 997 -e cpu-clock -o /tmp/$tag.data -- sleep "$CSECS" \
		>/dev/null 2>>"$log"
	comp_stop
	rm -rf "$run"
	perf report -q -i /tmp/$tag.data --stdio --no-children --sort comm,dso,sym -g none --percent-limit 0.5 \
		>"$out/comp/$tag.txt" 2>/dev/null
	perf report -q -i /tmp/$tag.data --stdio --no-children --comm gfx-compositor --sort dso,sym \
		-g caller,0.5,callee,function,percent --percent-limit 2 >"$out/comp/$tag-compositor.txt" 2>/dev/null
	# the compositor's samples alone, flat: where its own CPU goes (kernel and user)
	perf report -q -i /tmp/$tag.data --stdio --no-children --comm gfx-compositor --sort dso,sym -g none \
		--percent-limit 0.3 >"$out/comp/$tag-compositor-flat.txt" 2>/dev/null
	perf report -q -i /tmp/$tag.data --stdio --no-children --sort comm -g none \
		>"$out/comp/$tag-comms.txt" 2>/dev/null
	rm -f /tmp/$tag.data
}

# Submission counted: perf around `gfx-vm-cmp loop` (counting only during the batches).
wl_submit_count() {
	local p=$1 n b
	for n in 1 10 100 1000; do
		b=$((n >= 1000 ? BATCHES / 4 : BATCHES))
		say "submit $p N=$n, counted"
		perf_start 0 "submit-$p-$n" || return 1
		# gfx-vm-cmp turns perf and the hist triggers on for the batches only.
		CMP_HIST=$TR/events/gfxcmp "$bin/gfx-vm-cmp" loop "$p" 0 "$n" "$b" >/tmp/loop.json 2>>"$log" &
		local lp=$!
		watchdog 120 $lp "gfx-vm-cmp loop $p $n"
		wait $lp
		kill $WATCHDOG 2>/dev/null; wait $WATCHDOG 2>/dev/null
		perf_stop
		[ -s /tmp/loop.json ] || continue
		rec "{\"w\": \"submit_count\", \"path\": \"$p\", \"n\": $n, \"batches\": $b," \
			"\"perf\": \"comp/submit-$p-$n.perf\", \"loop\": $(cat /tmp/loop.json)}"
	done
}

wl_engine() {
	local p=$1 r=$2
	say "gfx-bench $p round $r"
	timeout 900 "$bin/gfx-bench" --json ${CMP_ENGINE_ARGS:---frames 120} 2>>"$log" |
		sed "s/^/{\"w\": \"engine\", \"path\": \"$p\", \"round\": $r, \"line\": /; s/\$/}/" >>"$raw"
}

# ---- the run ----

dmesg -c >>"$out/dmesg.log" 2>&1
rec "{\"w\": \"guest\", \"kernel\": \"$(uname -r)\", \"cpus\": $(nproc), \"hz_user\": $(getconf CLK_TCK)," \
	"\"clocksource\": \"$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)\"," \
	"\"cpu\": \"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)\", \"mem_kb\": $(awk '/MemTotal/ {print $2}' /proc/meminfo)}"
trace_setup || say "kernel counts unavailable: the counted runs are skipped"

# Counterbalanced within each workload: with two paths A, B in odd rounds and
# B, A in even ones; with three, the six orders in turn (a Williams design:
# each path in each place, and after each other path, equally often).
order_of() {	# order_of ROUND PATH...
	local r=$1; shift
	local p=("$@") o
	if [ ${#p[@]} = 2 ]; then
		o=("0 1" "1 0")
	else
		o=("0 1 2" "2 0 1" "1 2 0" "2 1 0" "0 2 1" "1 0 2")
	fi
	for i in ${o[$(((r - 1) % ${#o[@]}))]}; do printf '%s ' "${p[$i]}"; done
}
alt() {	# alt FUNC ARGS...: FUNC PATH ARGS... ROUND for each round and path of $ALT_PATHS
	local f=$1 r p; shift
	for r in $(seq "$ROUNDS"); do
		for p in $(order_of "$r" ${ALT_PATHS:-uio drm}); do
			use "$p" || { say "cannot load the $p driver"; continue; }
			"$f" "$p" "$@" "$r"
		done
	done
}
alt_irq() { wl_irq "$1" "$2"; }
alt_submit() { wl_submit "$1" "$2"; }
alt_ktime() { wl_ktime "$1" "$2"; }
alt_comp() { wl_comp "$1" "$2" "$3" 0; }
alt_gcomp() { GPU=1 wl_comp "$1" "$2" "$3" 0; }
alt_kframe() { GPU=1 KFRAME=1 wl_comp "$1" "$2" "$3" 0; }
alt_engine() { wl_engine "$1" "$2"; }

ONLY=" ${CMP_ONLY:-irq submit ktime kframe pipe comp gcomp count engine} "
[[ $ONLY == *" irq "* ]] && alt alt_irq
# Submission also on gfx_drm's user-mode queues (a client context driven by
# libgfx's user-mode driver, as on uio): the third column.
[[ $ONLY == *" submit "* ]] && ALT_PATHS="uio drm userq" alt alt_submit
[[ $ONLY == *" ktime "* || $ONLY == *" kframe "* ]] && ktime_setup
[[ $ONLY == *" ktime "* ]] && [ "$KT_OK" = 1 ] && ALT_PATHS="uio drm userq" alt alt_ktime
# The kernel's time in a compositor frame with GPU clients, on the three paths:
# the gcomp setup, traced for CMP_KFRAME_SECONDS (3) after the warm-up.
[[ $ONLY == *" kframe "* ]] && [ "$KT_OK" = 1 ] && for n in $WINDOWS; do
	ROUNDS=${CMP_KFRAME_ROUNDS:-6} SECS=${CMP_KFRAME_SECONDS:-3} ALT_PATHS="uio drm userq" \
		alt alt_kframe "$n"
done
[ "$KT_OK" = 1 ] && ktime_off
alt_pipe() { wl_pipe "$1" "$2"; }
[[ $ONLY == *" pipe "* ]] && ALT_PATHS="uio drm userq" alt alt_pipe
[[ $ONLY == *" comp "* ]] && for n in $WINDOWS; do alt alt_comp "$n"; done
# The compositor's frame with GPU clients, on the three paths: where user-mode
# queues enter a compositor's frame (its clients'; the compositor stays on the
# kernel's ring and KMS). CMP_GCOMP_ROUNDS, CMP_GCOMP_SECONDS: its own length.
[[ $ONLY == *" gcomp "* ]] && for n in $WINDOWS; do
	ROUNDS=${CMP_GCOMP_ROUNDS:-$ROUNDS} SECS=${CMP_GCOMP_SECONDS:-10} ALT_PATHS="uio drm userq" \
		alt alt_gcomp "$n"
done
# CMP_COUNT_MINUTES: the counted pass again and again for that long (make
# soak-vm's perf phase: the pass that locked up, docs/drm.md); once by default.
count_pass() {
	for p in uio drm; do use "$p" && wl_submit_count "$p"; done
	for n in $WINDOWS; do
		for p in uio drm; do use "$p" && wl_comp "$p" "$n" 1 1; done
	done
}
if [ "$PERF_OK" = 1 ] && [[ $ONLY == *" count "* ]]; then
	count_t0=$(cut -d. -f1 /proc/uptime) passes=0
	while :; do
		count_pass
		passes=$((passes + 1))
		say "counted pass $passes done"
		[ $(( $(cut -d. -f1 /proc/uptime) - count_t0 )) -lt $(( ${CMP_COUNT_MINUTES:-0} * 60 )) ] || break
	done
fi
[[ $ONLY == *" engine "* ]] && alt alt_engine
if [[ $ONLY == *" profile "* ]] && [ "$PERF_OK" = 1 ]; then
	for n in ${CMP_PROFILE_FILLS:-1000}; do
		for p in uio userq drm; do use "$p" && wl_pipe_profile "$p" "$n"; done
	done
	for n in ${CMP_PROFILE_WINDOWS:-16}; do	# "none": the pipelined profiles only
		[ "$n" = none ] && continue
		for p in uio drm; do use "$p" && wl_profile "$p" "$n"; done
	done
fi
dmesg >>"$out/dmesg.log" 2>&1
say "done"
echo done >"$out/cmp.done"
