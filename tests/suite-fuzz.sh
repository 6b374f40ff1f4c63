#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ioctl fuzzer, short run (tests/progs/vctx_fuzz.c): 8 processes, half
# inside contexts of their own, half in the root, fork/exec/exit and
# thread churn; then the invariants (every live process in exactly one
# context, counts equal to /proc), every context emptied and destroyed,
# the module unloaded (kmemleak clean on the debug kernel) and loaded again.
# The kernel command line may carry vctx_fuzz.seed=N and vctx_fuzz.calls=N
# (VCTX_APPEND=... tools/run-tests --guest-only fuzz) to replay a run.
. /vctx/tests/lib/ktap.sh
t_begin fuzz
B=/vctx/bin

seed= calls=30000
for a in $(cat /proc/cmdline); do
	case $a in
		vctx_fuzz.seed=*) seed="-s ${a#*=}" ;;
		vctx_fuzz.calls=*) calls=${a#*=} ;;
	esac
done
leakcheck=0
if [ -w /sys/kernel/debug/kmemleak ]; then
	# Only what is allocated from here on is judged.
	echo clear >/sys/kernel/debug/kmemleak && leakcheck=1
fi

# shellcheck disable=SC2086
run_prog "fuzzer: $calls calls, then the invariants with the workers stopped in place" \
	$B/vctx_fuzz run -n "$calls" $seed -t 900
run_prog "every context can be emptied and destroyed" $B/vctx_fuzz cleanup
check "rmmod vctx after the fuzzer" rmmod vctx
if [ "$leakcheck" = 1 ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$T_OUT"
	if [ -s "$T_OUT" ]; then
		t_notok "kmemleak: no leak after the fuzzer and rmmod"
		head -n 40 "$T_OUT" | sed 's/^/    # /'
	else
		t_ok "kmemleak: no leak after the fuzzer and rmmod"
	fi
else
	t_skip "kmemleak: no leak after the fuzzer and rmmod" "no kmemleak in this kernel"
fi
check "insmod vctx.ko again" insmod /lib/modules/vctx.ko
check_out "the reloaded module answers" '^module abi: 1$' vctx version
t_end
