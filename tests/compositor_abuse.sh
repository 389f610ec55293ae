#!/bin/bash
# compositor_abuse.sh - bad clients affect only themselves: garbage bytes,
# half messages, requests on unknown objects, buffers outside their pool,
# pools truncated under the compositor (SIGBUS), strides too short for the
# width (rows past the pool), bad roles, clients killed
# mid-commit, many clients that connect and vanish. The compositor and a
# well-behaved client carry on, and the compositor's memory does not grow.
HERE=$(dirname "$0"); BIN=$HERE/../bin
. "$(dirname "$(readlink -f "$0")")/compositor_lib.sh"

start_stack
# The well-behaved client, on screen all along.
if ! client good --size 200x150 --color ff00ff00; then fail good_client_starts "$WHY"; exit 0; fi

survived() { alive && kill -0 "$good_PID" 2>/dev/null; }

# abuse_case NAME MODE EXPECT_RC N: run the abuse mode N times.
abuse_case() {
	local name=$1 mode=$2 want=$3 n=${4:-1} rc i
	for i in $(seq "$n"); do
		timeout 10 "$CLIENT" --abuse "$mode" >>"$TMP/abuse.out" 2>&1
		rc=$?
		if [ "$rc" != "$want" ]; then fail "$name" "run $i: exit $rc, expected $want"; return; fi
	done
	survived && pass "$name" || fail "$name" "compositor or the good client died"
}

abuse_case garbage_bytes garbage 0 20
abuse_case half_message half-message 0 20
abuse_case unknown_object_error bad-object 0 5
abuse_case buffer_outside_pool_error outside-pool 0 5
abuse_case truncated_pool_sigbus_error sigbus 0 5
abuse_case short_stride_error short-stride 0 5
abuse_case bad_role_error bad-role 0 5
abuse_case huge_coordinates huge-coords 0 3
abuse_case deep_subsurfaces_refused deep-subsurfaces 0 2
abuse_case deep_popups_refused deep-popups 0 2

# Clients killed mid-commit: animating at full speed, SIGKILL at random times.
for i in $(seq 10); do
	"$CLIENT" --size 300x300 --color ff8000ff --feedback 100000 >/dev/null 2>&1 &
	p=$!
	sleep 0.$((RANDOM % 3 + 1))
	kill -9 "$p"; wait "$p" 2>/dev/null
done
survived && pass killed_mid_commit || fail killed_mid_commit "compositor or the good client died"

# Many clients with windows that vanish without cleaning up; memory flat.
churn() { for _ in $(seq "$1"); do timeout 10 "$CLIENT" --abuse many-surfaces >/dev/null 2>&1; done; }
churn 20; sleep 0.3
rss1=$(rss_kb "$COMP_PID")
churn 40; sleep 0.3
rss2=$(rss_kb "$COMP_PID")
if ! survived; then fail many_clients_memory "compositor or the good client died"
elif [ -z "$rss1" ] || [ -z "$rss2" ]; then fail many_clients_memory "no RSS"
elif [ $((rss2 - rss1)) -gt ${RSS_SLACK_KB:-2048} ]; then
	fail many_clients_memory "RSS grew from $rss1 kB to $rss2 kB over 40 clients"
else pass many_clients_memory; echo "# RSS $rss1 kB -> $rss2 kB" >&2; fi

# The good client is still drawn, and the GPU saw no bad command.
settled_shot "$TMP/after.png" &&
	r=$(pyimg "$TMP/after.png" "print('ok' if img.get(X0 + 8, Y0 + 4) == (0, 255, 0) else ('good window is', img.get(X0 + 8, Y0 + 4)))") ||
	r=$WHY
errs=$(ctl stats | awk '$1 == "errors" {print $2}')
if [ "$r" != ok ]; then fail good_client_unaffected "$r"
elif [ "${errs:-1}" != 0 ]; then fail good_client_unaffected "$errs GPU errors"
else pass good_client_unaffected; fi

# A clean exit (checked by stop_stack): under ASan, no leaks or errors either.
stop_stack
exit 0
