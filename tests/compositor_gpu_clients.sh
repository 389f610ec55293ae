#!/bin/bash
# compositor_gpu_clients.sh - clients that draw with the GPU in their own
# hardware contexts (protocol/gfx-context-v1.xml), shown with no copy, on the
# host's direct backend: exact pixels, a commit waits for its fence (and a
# fence that never passes stalls only its own window), a buffer outside the
# context's window is refused, buffers are released, the contexts run out and
# come back, and gfx-demo-client --gpu animates. (On uio and drm: the VM's
# compositor cases, tests/vm/guest_compositor.sh.)
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"
GPU=$HERE/helpers/gpu-test-client

# gclient NAME ARGS...: gpu-test-client, like client (compositor_lib.sh).
gclient() {
	local name=$1; shift
	"$GPU" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=($!); eval "${name}_PID=$!"
	wait_for 10 "GPU client $name to be ready" grep -q '^ready' "$TMP/$name.out" && return 0
	WHY="$WHY ($(tail -1 "$TMP/$name.out") $(tail -1 "$TMP/$name.err"))"
	return 1
}
# colour_at FILE X Y R,G,B: the pixel there is that colour.
colour_at() { [ "$(pyimg "$1" "$NEAR" "print('ok' if near(img.get($2, $3), ($4)) else img.get($2, $3))")" = ok ]; }

start_stack 640x480@60

# 1. A GPU fill in the client's own context, composited from its window.
if gclient a --size 200x150 --color ff0000 && settled_shot "$TMP/a.png"; then
	r=$(pyimg "$TMP/a.png" "$NEAR" "
bad=[]
for x, y in ((X0, Y0), (X0 + 199, Y0 + 149), (X0 + 100, Y0 + 70)):
    if not near(img.get(x, y), (255, 0, 0)): bad.append(((x, y), img.get(x, y)))
if not near(img.get(X0 + 200, Y0 + 150), BG): bad.append(('outside', img.get(X0 + 200, Y0 + 150)))
print(bad or 'ok')")
	grep -q '^ready context [1-9]' "$TMP/a.out" || r="not on a context: $(cat "$TMP/a.out")"
	[ "$r" = ok ] && pass gpu_client_pixels || fail gpu_client_pixels "$r"
else fail gpu_client_pixels "$WHY"; fi

# 2. The next commit names its fence: shown once it passed (green).
if kill -USR1 "$a_PID" 2>/dev/null; then :; fi
if gclient b --size 100x80 --color 0000ff --next 00ff00 && kill -USR1 "$b_PID" &&
   expect_n b '^next' 1 && settled_shot "$TMP/b.png"; then
	colour_at "$TMP/b.png" $((X0 + STEP + 10)) $((Y0 + STEP + 10)) "0, 255, 0" &&
		pass gpu_commit_after_fence || fail gpu_commit_after_fence "not green after its fence passed"
else fail gpu_commit_after_fence "$WHY"; fi

# 3. A fence that never passes: that window keeps its old buffer; another
# client's frames go on meanwhile (each waits for its buffer's release).
if gclient c --size 100x80 --color ffff00 --next ff00ff --stall && kill -USR1 "$c_PID" &&
   expect_n c '^next' 1 && settled_shot "$TMP/c.png"; then
	x=$((X0 + 2 * STEP + 10)) y=$((Y0 + 2 * STEP + 10))
	if ! colour_at "$TMP/c.png" $x $y "255, 255, 0"; then
		fail gpu_stalled_fence_stalls_only_itself "the unsignalled buffer was shown: $(pyimg "$TMP/c.png" "print(img.get($x, $y))")"
	elif gclient d --size 80x60 --color 808080 --frames 40 && expect_n d '^frames 40' 1; then
		r=$(grep '^frames' "$TMP/d.out")
		[ "${r##* }" -ge 38 ] && pass gpu_stalled_fence_stalls_only_itself ||
			fail gpu_stalled_fence_stalls_only_itself "another client: $r"
	else fail gpu_stalled_fence_stalls_only_itself "another client stalled: $WHY"; fi
else fail gpu_stalled_fence_stalls_only_itself "$WHY"; fi
kill "$c_PID" "$b_PID" 2>/dev/null

# 4. A buffer outside the client's window: a protocol error for it alone.
"$GPU" --bad-buffer >"$TMP/bad.out" 2>&1
if grep -q '^refused with a protocol error' "$TMP/bad.out" && alive && settle; then
	pass gpu_buffer_outside_window_refused
else fail gpu_buffer_outside_window_refused "$(tail -1 "$TMP/bad.out"), compositor alive: $(alive && echo yes || echo no)"; fi

# 5. The contexts run out (-> failed), and one comes back when its client leaves.
kill "$a_PID" "$d_PID" 2>/dev/null; wait "$a_PID" "$d_PID" 2>/dev/null
n=$(ctl stats | awk '$1 == "contexts" {print $2}')
ok=1
for i in $(seq 1 $((n - 1))); do gclient "k$i" --size 40x30 --color 00ffff || { ok=0; break; }; done
if [ $ok = 1 ]; then
	"$GPU" --size 40x30 >"$TMP/over.out" 2>&1
	if grep -q 'no GPU context' "$TMP/over.out"; then
		kill "$k1_PID"; wait "$k1_PID" 2>/dev/null
		if gclient again --size 40x30 --color 00ffff; then pass gpu_contexts_run_out_and_come_back
		else fail gpu_contexts_run_out_and_come_back "no context after a client left: $WHY"; fi
	else fail gpu_contexts_run_out_and_come_back "client $n got: $(tail -1 "$TMP/over.out")"; fi
else fail gpu_contexts_run_out_and_come_back "$WHY"; fi
stop_stack

# 6. gfx-demo-client --gpu animates at the output's rate.
start_stack 640x480@60
out=$(timeout 20 "$BIN/gfx-demo-client" --gpu --seconds 3 --stats 2>"$TMP/demo.err")
p=$(sed -n 's/.*presented=\([0-9]*\).*/\1/p' <<<"$out")
if grep -q 'drawing with the GPU (context)' "$TMP/demo.err" && [ "${p:-0}" -ge 90 ]; then
	pass gpu_demo_client_animates
else fail gpu_demo_client_animates "$out $(tail -1 "$TMP/demo.err")"; fi
stop_stack
