# guest_gpu_clients.sh - clients that draw with the GPU, in the guest on the
# real kernel, sourced by tests/vm/guest.sh after guest_compositor.sh (whose
# comp_start, comp_stop, comp_shot, comp_wait it uses).
#
#   gpu_clients_case uio   gfx-compositor on uio hands each GPU client its
#                          own context (an open /dev/uioN passed over the
#                          Wayland socket): exact pixels beside a wl_shm
#                          window, a fence that never passes stalls only its
#                          window, a buffer outside the window is refused,
#                          gfx-demo-client --gpu animates
#   gpu_clients_case drm   the same clients on gfx_drm: the render node,
#                          dma-buf (PRIME) and zwp_linux_dmabuf_v1
#   gpu_clients_case userq on gfx_drm, each client on a user-mode queue of
#                          its own (GFX_WL_QUEUE=1): planes inside its
#                          window's dma-buf, acquire points the compositor
#                          reads with GET_PARAM CONTEXT_FENCE; the stalled
#                          fence keeps its window's old buffer, as on uio
#
# Uses guest.sh's result, case_, host_ctl, $bin, $tests, $out.

GPU_CLIENT=$tests/helpers/gpu-test-client

# gpu_client TAG ARGS...: gpu-test-client; waits for its "ready".
gpu_client() {
	local tag=$1; shift
	"$GPU_CLIENT" "$@" >"$COMP_RUN/$tag.out" 2>"$COMP_RUN/$tag.err" &
	COMP_PIDS+=($!); eval "gpu_${tag}_pid=$!"
	comp_wait 60 grep -q '^ready' "$COMP_RUN/$tag.out" ||
		{ echo "GPU client $tag never got ready: $(tail -1 "$COMP_RUN/$tag.out") $(tail -1 "$COMP_RUN/$tag.err")"; return 1; }
}

# gpu_pixels FILE X,Y=R,G,B...: each listed pixel has that colour (within 2).
gpu_pixels() {
	local f=$1; shift
	python3 "$repo/tests/pyimg.py" "$f" "
bad = []
for spec in '''$*'''.split():
    xy, rgb = spec.split('=')
    x, y = map(int, xy.split(',')); want = tuple(map(int, rgb.split(',')))
    got = img.get(x, y)
    if any(abs(a - b) > 2 for a, b in zip(got, want)): bad.append((x, y, got, want))
print(bad or 'ok')"
}

gpu_clients_run() {
	local tag=$1 spec=uio path=context demo_path=context layout x0 y0 step r out_demo p
	[ "$tag" = drm ] && spec=drm:/dev/dri/card0 path=dma-buf demo_path=dma-buf
	[ "$tag" = userq ] && spec=drm:/dev/dri/card0 path=userq demo_path="user-mode queue"
	if [ "$tag" = userq ]; then export GFX_WL_QUEUE=1; else unset GFX_WL_QUEUE; fi
	layout=$("$bin/gfx-compositor" --print-layout) || return 1
	x0=$(sed -n 's/^LAYOUT_PLACE_X=//p' <<<"$layout"); y0=$(sed -n 's/^LAYOUT_PLACE_Y=//p' <<<"$layout")
	step=$(sed -n 's/^LAYOUT_PLACE_STEP=//p' <<<"$layout")
	comp_start "$spec" "gpu-$tag" || return 1
	# A GPU client beside a wl_shm one, then one whose next fence never passes.
	gpu_client a --size 200x150 --color ff0000 &&
		comp_client s --size 120x90 --color ff2080ff &&
		gpu_client b --size 100x80 --color ffff00 --next ff00ff --stall || return 1
	grep -q "^ready $path" "$COMP_RUN/a.out" || { echo "client a: $(cat "$COMP_RUN/a.out"), not on $path"; return 1; }
	kill -USR1 "$gpu_b_pid"
	comp_wait 30 grep -q '^next' "$COMP_RUN/b.out" || { echo "client b drew nothing more"; return 1; }
	comp_stable_shot "$out/gpu-$tag.png" || return 1
	# On a context or queue the stalled commit never shows (yellow stays); on drm there is
	# no client fence to name: the kernel orders the jobs, and the new buffer shows (magenta).
	local b_rgb=255,255,0
	[ "$tag" = drm ] && b_rgb=255,0,255
	r=$(gpu_pixels "$out/gpu-$tag.png" "$x0,$y0=255,0,0" "$((x0 + 199)),$((y0 + 149))=255,0,0" \
		"$((x0 + step + 5)),$((y0 + step + 5))=32,128,255" "$((x0 + 2 * step + 5)),$((y0 + 2 * step + 5))=$b_rgb")
	[ "$r" = ok ] || { echo "pixels: $r"; return 1; }
	"$GPU_CLIENT" --bad-buffer >"$COMP_RUN/bad.out" 2>&1
	# On a context the compositor refuses it; on dma-buf libgfx has nothing to export there.
	if [ "$tag" = uio ]; then
		grep -q '^refused with a protocol error' "$COMP_RUN/bad.out" ||
			{ echo "a buffer outside the window: $(tail -1 "$COMP_RUN/bad.out")"; return 1; }
	else
		grep -q '^refused by libgfx' "$COMP_RUN/bad.out" ||
			{ echo "a buffer outside the GPU's buffers: $(tail -1 "$COMP_RUN/bad.out")"; return 1; }
	fi
	out_demo=$(timeout 60 "$bin/gfx-demo-client" --gpu --seconds 4 --stats 2>"$COMP_RUN/demo.err")
	grep -q "drawing with the GPU ($demo_path)" "$COMP_RUN/demo.err" ||
		{ echo "gfx-demo-client --gpu: $(tail -1 "$COMP_RUN/demo.err")"; return 1; }
	p=$(sed -n 's/.*presented=\([0-9]*\).*/\1/p' <<<"$out_demo")
	[ "${p:-0}" -ge 60 ] || { echo "gfx-demo-client --gpu presented only ${p:-0} frames in 4 s: $out_demo"; return 1; }
	kill -0 "${COMP_PIDS[0]}" || { echo "the compositor died: $(tail -1 "$out/comp-gpu-$tag.log")"; return 1; }
	echo "ok on $path: exact pixels beside a wl_shm window$([ "$tag" = uio ] && echo ", an unsignalled fence kept its window's old buffer, a buffer outside the window refused")$([ "$tag" = userq ] && echo ", an unsignalled fence kept its window's old buffer"), gfx-demo-client --gpu $p frames in 4 s"
}
gpu_clients_case() { gpu_clients_run "$1"; local rc=$?; comp_stop; unset GFX_WL_QUEUE; return $rc; }
