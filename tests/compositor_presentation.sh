#!/bin/bash
# compositor_presentation.sh - wp_presentation feedback carries the device's
# vblank clock: sequences step by one while a client draws every frame,
# timestamps sit on the device's vblank grid (seq * period + constant), no
# frame is reported before it was committed, flags and refresh are right;
# frame callbacks keep coming for a window hidden under another.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"
FRAMES=${FRAMES:-120}

start_stack 1280x720@60
"$CLIENT" --size 256x256 --color ff102030 --feedback "$FRAMES" >"$TMP/a.out" 2>"$TMP/a.err" &
PIDS+=($!)
for _ in $(seq 200); do grep -q '^feedback-done' "$TMP/a.out" 2>/dev/null && break; sleep 0.05; done
now=$(date +%s%N)
if ! grep -q '^feedback-done' "$TMP/a.out"; then
	fail presentation_feedback "only $(grep -c '^presented' "$TMP/a.out") of $FRAMES frames reported"
else
	r=$(python3 - "$TMP/a.out" "$now" <<'PYEOF'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.startswith('presented')]
now = int(sys.argv[2])
seqs = [int(l[1]) for l in lines]; ts = [int(l[2]) for l in lines]; commits = [int(l[3]) for l in lines]
refresh = {int(l[4]) for l in lines}; flags = {int(l[5]) for l in lines}
disc = sum(1 for l in open(sys.argv[1]) if l.startswith('discarded'))
period = 1e9 / 60
out = []
steps = [b - a for a, b in zip(seqs, seqs[1:])]
# The first frames may land while the loop starts; after that, one per vblank.
late = [s for s in steps[5:] if s != 1]
if any(s <= 0 for s in steps): out.append('sequence not increasing')
if len(late) > len(steps) // 50: out.append('%d of %d steps are not 1: %s' % (len(late), len(steps), late[:10]))
offs = [t - s * period for s, t in zip(seqs, ts)]
if max(offs) - min(offs) > 1.5e6: out.append('timestamps off the vblank grid by %.2f ms' % ((max(offs) - min(offs)) / 1e6))
early = [i for i, (t, c) in enumerate(zip(ts, commits)) if t < c]
if early: out.append('%d frames presented before their commit' % len(early))
if max(ts) > now: out.append('timestamp in the future')
if refresh != {16666666}: out.append('refresh %s' % refresh)
if flags != {7}: out.append('flags %s (want VSYNC|HW_CLOCK|HW_COMPLETION = 7)' % flags)
if disc: out.append('%d discarded' % disc)
print('; '.join(out) or 'ok')
PYEOF
)
	[ "$r" = ok ] && pass presentation_feedback || fail presentation_feedback "$r"
fi
stop_stack

# Lost interrupts: the GPU drops the next 5; the compositor's watchdog reads
# the flip log and the client keeps getting frames.
start_stack 1280x720@60
client lost --size 128x128 --color ff336699 --feedback 120
sleep 0.3
ctl drop-irqs 5 >/dev/null
for _ in $(seq 200); do grep -q '^feedback-done' "$TMP/lost.out" 2>/dev/null && break; sleep 0.05; done
if grep -q '^feedback-done' "$TMP/lost.out"; then pass lost_flip_interrupts
else fail lost_flip_interrupts "stalled after $(grep -c '^presented' "$TMP/lost.out") frames"; fi
stop_stack

# A hung engine: the compositor resets it after half a second and goes on.
start_stack 1280x720@60
client hang --size 128x128 --color ff336699 --feedback 150
sleep 0.3
ctl hang >/dev/null
for _ in $(seq 200); do grep -q '^feedback-done' "$TMP/hang.out" 2>/dev/null && break; sleep 0.05; done
if ! grep -q '^feedback-done' "$TMP/hang.out"; then
	fail engine_hang_recovered "stalled after $(grep -c '^presented' "$TMP/hang.out") frames"
elif ! grep -q "resetting the GPU engine" "$TMP/compositor.log"; then
	fail engine_hang_recovered "no reset (did the hang happen?)"
else pass engine_hang_recovered; fi
stop_stack

# A window fully hidden under another still gets frame callbacks, throttled
# to the refresh rate: the big window is raised over the small one (Alt+Tab).
start_stack 1280x720@60
client top --size 600x500 --color ffff0000
client hidden --size 100x100 --color ff00ff00 --feedback 90
t0=$(date +%s%N)
ctl key 56 1 >/dev/null; ctl key 15 1 >/dev/null; ctl key 15 0 >/dev/null; ctl key 56 0 >/dev/null
for _ in $(seq 200); do grep -q '^feedback-done' "$TMP/hidden.out" 2>/dev/null && break; sleep 0.02; done
t1=$(date +%s%N)
shot "$TMP/hidden.png"
covered=$(pyimg "$TMP/hidden.png" "print('yes' if img.get(100, 120) == (255, 0, 0) else 'no')")
ms=$(( (t1 - t0) / 1000000 ))
if ! grep -q '^feedback-done' "$TMP/hidden.out"; then
	fail hidden_surface_frame_callbacks "hidden client stalled after $(grep -cE '^(presented|discarded)' "$TMP/hidden.out") frames"
elif [ "$covered" != yes ]; then fail hidden_surface_frame_callbacks "the window was not hidden"
elif [ "$ms" -lt 1200 ]; then fail hidden_surface_frame_callbacks "90 frames in $ms ms: not throttled to 60 Hz"
else pass hidden_surface_frame_callbacks; fi
stop_stack
exit 0
