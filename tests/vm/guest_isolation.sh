# guest_isolation.sh - a malicious client context against gfx-compositor on
# uio, in the guest on the real kernel; sourced by tests/vm/guest.sh after
# guest_gpu_clients.sh (gpu_client, and guest_compositor.sh's helpers).
#
# Bystanders: a GPU client (its own context) and a wl_shm client, and a
# frame-rate probe (gfx-demo-client, CPU-drawn, animating). Each attack is a
# gpu-test-client on a context of its own (tests/gpu_evil.c):
#   other-window, master-memory, beyond-vram   its commands address another
#                      client's window, the compositor's memory, past VRAM
#   ring-outside       its ring base moved into the compositor's memory
#   flood              huge bilinear blits as fast as the GPU takes them
#   hang               the host's gfx-ctl hangs its context mid-frame
#   kill9              killed with -9 mid-frame
#   keep-fd            leaves the Wayland connection, keeps its context's fd
#                      and draws on: the context is revoked (SIGBUS)
#   doorbells          rings every doorbell vector, the device's and the
#                      guest's own (interrupts), as fast as it can (the
#                      master's share of vblanks under it: vm-uio-doorbell-flood)
# In every case: no pixel outside the attacker's and the probe's windows
# changes (screenshots before and after), the probe's frame rate stays at
# least half of what it was before the attacks, the compositor lives, the
# kernel log stays clean (case_), and the attacker's context is handed to
# nobody else until it is free. Then two processes open the master: the
# second gets EBUSY and the compositor's frames go on.

ISO_PROBE_S=3

# iso_rect TITLE: the place of the last window mapped with that title, as X,Y,WxH.
iso_rect() {
	sed -n "s/.*map toplevel '$1' at \([0-9-]*\),\([0-9-]*\) size \([0-9]*x[0-9]*\).*/\1,\2,\3/p" \
		"$out/comp-iso.log" | tail -1
}

# iso_probe: presented frames of the probe window in ISO_PROBE_S seconds.
iso_probe() {
	timeout $((ISO_PROBE_S + 30)) "$bin/gfx-demo-client" --size 160x100 --title iso-probe \
		--seconds "$ISO_PROBE_S" --stats 2>/dev/null | sed -n 's/.*presented=\([0-9]*\).*/\1/p'
}

# iso_attack NAME ARGS...: start the attacker, wait for ready; its context in ISO_CTX.
iso_attack() {
	local tag=$1; shift
	gpu_client "$tag" --size 60x40 --color ff8000 "$@" || return 1
	ISO_CTX=$(awk '/^ready/ {print $3}' "$COMP_RUN/$tag.out")
}

# iso_unchanged BEFORE AFTER TAG: no pixel changed outside the attacker's window (the
# probe's is gone from both: it ran between them).
iso_unchanged() {
	local n mask
	mask=$(iso_rect "iso-$3")
	[ -n "$mask" ] || { echo "$3: no map line for its window"; return 1; }
	n=$("$tests/helpers/png-diff" "$1" "$2" "$mask") || { echo "png-diff failed"; return 1; }
	[ "$n" = 0 ] || { echo "$3: $n pixels of other clients changed ($1 -> $2)"; return 1; }
}

# iso_case_one NAME: one attack, checked; ISO_BASE is the probe's rate before the attacks.
iso_one() {
	local name=$1 tag=${1//-/_} before=$out/iso-$1-before.png after=$out/iso-$1-after.png rate res pid
	iso_attack "$tag" --evil "$( [ "$name" = hang ] || [ "$name" = kill9 ] && echo spin || echo "$name")" \
		--evil-seconds $((ISO_PROBE_S + 1)) --title "iso-$name" || return 1
	comp_stable_shot "$before" >/dev/null 2>&1 || comp_shot "$before" || return 1
	eval "pid=\$gpu_${tag}_pid"
	case $name in
	hang) host_ctl hang "$ISO_CTX" >/dev/null || { echo "gfx-ctl hang $ISO_CTX failed"; return 1; } ;;
	esac
	rate=$(iso_probe)
	case $name in
	hang|kill9) kill -9 "$pid"; wait "$pid" 2>/dev/null ;;
	*) comp_wait 60 grep -q "^evil $name" "$COMP_RUN/$tag.out" ||
		{ echo "$name never finished: $(tail -1 "$COMP_RUN/$tag.err")"; return 1; } ;;
	esac
	res=$(grep "^evil" "$COMP_RUN/$tag.out" | cut -d: -f2-)
	case $name in
	other-window|master-memory|beyond-vram)
		grep -Eq "refused ([0-9]+) of \1$" <<<"$res" || { echo "$name: $res"; return 1; } ;;
	ring-outside)
		grep -q "error code 8 (counted in its own context)" <<<"$res" || { echo "$name: $res"; return 1; } ;;
	esac
	sleep 1
	comp_shot "$after" || return 1
	iso_unchanged "$before" "$after" "$name" || return 1
	[ "${rate:-0}" -ge $((ISO_BASE / 2)) ] ||
		{ echo "$name: the probe presented ${rate:-0} frames in ${ISO_PROBE_S} s, ${ISO_BASE} before the attacks"; return 1; }
	kill -0 "${COMP_PIDS[0]}" || { echo "$name: the compositor died"; return 1; }
	echo "$name:${res:- done} (probe $rate frames)" >>"$out/iso.txt"
}

# keep-fd: the compositor takes the context back when its client leaves (the
# holder's next access is a SIGBUS); it stays busy until the holder exits.
iso_keep_fd() {
	local ctx other
	iso_attack keepfd --keep-context 8 --title iso-keepfd || return 1
	ctx=$ISO_CTX
	comp_wait 30 grep -q '^left' "$COMP_RUN/keepfd.out" || { echo "keep-fd: never left"; return 1; }
	comp_wait 30 grep -Eq '^(revoked|kept)' "$COMP_RUN/keepfd.out" || { echo "keep-fd: the holder did not finish"; return 1; }
	grep -q '^revoked' "$COMP_RUN/keepfd.out" ||
		{ echo "keep-fd: the holder drew on after it left: $(grep '^kept' "$COMP_RUN/keepfd.out")"; return 1; }
	gpu_client other2 --size 40x30 --color 0080ff || return 1
	grep -q "^ready context $ctx$" "$COMP_RUN/other2.out" ||
		{ echo "keep-fd: context $ctx not handed out after its holder exited ($(cat "$COMP_RUN/other2.out"))"; return 1; }
	echo "keep-fd: context $ctx taken back when its client left ($(grep '^revoked' "$COMP_RUN/keepfd.out")), free after" >>"$out/iso.txt"
}

# Two processes open the master: EBUSY for the second; the compositor's frames go on.
iso_master_twice() {
	local node f0 f1
	node=/dev/$(basename "$(uio_dev)")
	f0=$(host_ctl stats | awk '$1 == "flips" {print $2}')
	"$bin/gfx-info" "uio:$node" >"$COMP_RUN/info.out" 2>&1 && { echo "a second process opened $node"; return 1; }
	grep -qi "busy" "$COMP_RUN/info.out" || { echo "second open: $(tail -1 "$COMP_RUN/info.out")"; return 1; }
	rate=$(iso_probe)
	[ "${rate:-0}" -ge $((ISO_BASE / 2)) ] || { echo "master twice: the probe got ${rate:-0} frames"; return 1; }
	echo "master opened twice: the second got EBUSY; the probe $rate frames" >>"$out/iso.txt"
}

iso_run() {
	local a
	rm -f "$out/iso.txt"
	comp_start uio iso || return 1
	gpu_client victim --size 300x200 --color 00ff00 && comp_client shm --size 200x150 --color ff2040ff || return 1
	ISO_BASE=$(iso_probe)
	[ "${ISO_BASE:-0}" -gt 0 ] || { echo "the probe presented nothing"; return 1; }
	for a in other-window master-memory beyond-vram ring-outside flood doorbells hang kill9; do
		iso_one "$a" || return 1
	done
	iso_keep_fd && iso_master_twice || return 1
	echo "ok probe $ISO_BASE frames in $ISO_PROBE_S s before; $(tr '\n' ';' <"$out/iso.txt")"
}
iso_case() { iso_run; local rc=$?; comp_stop; return $rc; }
