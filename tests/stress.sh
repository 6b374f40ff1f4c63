#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make stress (in the guest): the long fuzzer run, load at scale, and an
# rmmod/insmod loop under load, each followed by the invariants. Not part
# of make test (tens of minutes). Kernel arguments (VCTX_APPEND, or make
# stress CALLS=... SECONDS=...): vctx_stress.calls (default 1000000),
# vctx_stress.seconds (the scale run, default 180), vctx_stress.seed,
# vctx_stress.rounds (rmmod/insmod, default 50).
. /vctx/tests/lib/ktap.sh
t_begin stress
B=/vctx/bin
calls=1000000 seconds=180 seed= rounds=50
for a in $(cat /proc/cmdline); do
	case $a in
		vctx_stress.calls=*) calls=${a#*=} ;;
		vctx_stress.seconds=*) seconds=${a#*=} ;;
		vctx_stress.seed=*) seed="-s ${a#*=}" ;;
		vctx_stress.rounds=*) rounds=${a#*=} ;;
	esac
done
leakcheck=0
[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak && leakcheck=1
kmemleak_ok() { # DESC
	if [ "$leakcheck" = 0 ]; then t_skip "$1" "no kmemleak in this kernel"; return; fi
	echo scan >/sys/kernel/debug/kmemleak; sleep 6; echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$T_OUT"
	if [ -s "$T_OUT" ]; then t_notok "$1"; head -n 40 "$T_OUT" | sed 's/^/    # /'; else t_ok "$1"; fi
	echo clear >/sys/kernel/debug/kmemleak
}
secs() { cut -d. -f1 /proc/uptime; }

# 1. The fuzzer, long.
t=$(secs)
# shellcheck disable=SC2086
run_prog "fuzzer: $calls calls, invariants" $B/vctx_fuzz run -n "$calls" $seed -t 14400
run_prog "fuzzer: every context emptied and destroyed" $B/vctx_fuzz cleanup
echo "    # fuzzer: $(($(secs) - t)) s"
check "rmmod after the fuzzer" rmmod vctx
kmemleak_ok "kmemleak clean after the fuzzer"
check "insmod" insmod /lib/modules/vctx.ko

# 2. Scale: 1000 contexts, fork storms, concurrent operators.
t=$(secs)
# shellcheck disable=SC2086
run_prog "scale: 1000 contexts, 16 fork storms, 6 operators, events for $seconds s; invariants" \
	$B/vctx_stress -c 1000 -t "$seconds" $seed
run_prog "scale: every context emptied and destroyed" $B/vctx_fuzz cleanup
echo "    # scale: $(($(secs) - t)) s"
check "rmmod after the scale run" rmmod vctx
kmemleak_ok "kmemleak clean after the scale run"

# 3. rmmod/insmod under load: forks and /proc reads in the root, members
# in a context while it unloads.
sh -c 'while :; do /bin/true; done' & f1=$!
sh -c 'while :; do cat /proc/[0-9]*/stat /proc/loadavg /proc/uptime >/dev/null 2>&1; ls /proc >/dev/null 2>&1; done' & r1=$!
t=$(secs) bad=0
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	if ! insmod /lib/modules/vctx.ko 2>"$T_OUT"; then bad=$((bad + 1)); echo "    # round $i: insmod: $(cat "$T_OUT")"; continue; fi
	vctx create -p /l/m >/dev/null 2>&1
	vctx exec /l/m -- sh -c 'while :; do /bin/true; done' </dev/null >/dev/null 2>&1 &
	m=$!
	vctx exec /l -- sh -c 'while :; do cat /proc/self/stat /proc/[0-9]*/status >/dev/null 2>&1; done' </dev/null >/dev/null 2>&1 &
	p=$!
	sleep 0.$((i % 5 + 1))
	if ! rmmod vctx 2>"$T_OUT"; then bad=$((bad + 1)); echo "    # round $i: rmmod: $(cat "$T_OUT")"; fi
	kill "$m" "$p" 2>/dev/null
	wait "$m" "$p" 2>/dev/null
done
kill "$f1" "$r1"; wait "$f1" "$r1" 2>/dev/null
check_eq "rmmod/insmod $rounds rounds with forks and /proc reads: every one clean" "$bad" 0
echo "    # rmmod/insmod loop: $(($(secs) - t)) s"
kmemleak_ok "kmemleak clean after the rmmod/insmod loop"
check "insmod at the end" insmod /lib/modules/vctx.ko
t_end
