#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest, for tools/run-peer: run the kernel's selftests listed in
# /vctx/peer/run.txt ("target/program timeout ENV [arg...]" lines, ENV:
# VAR=VALUE[,VAR=VALUE...] or -) in the passes named:
#   off     vctx.ko not loaded (boot with vm-run --no-load)
#   root    vctx.ko loaded (insmod here if it is not), tests in the root context
#   inside  tests inside the context /peer (vctx exec /peer -- PROGRAM)
# For each test it prints "PEER begin PASS NAME", the test's output with
# every line prefixed by "| ", and "PEER end PASS NAME STATUS SECONDS"
# (STATUS: the exit status, "timeout" if it was killed at its timeout).
# tools/run-peer turns that into KTAP and compares the passes.
P=/vctx/peer
cd /tmp || exit 1

# now: seconds since boot, with hundredths.
now() { cut -d' ' -f1 /proc/uptime; }

run_pass() {
	pass=$1
	wrap=
	case "$pass" in
		off) lsmod | grep -q '^vctx ' && { echo "PEER error off: vctx.ko is loaded"; return 1; } ;;
		root) lsmod | grep -q '^vctx ' || insmod /lib/modules/vctx.ko || return 1 ;;
		inside)
			lsmod | grep -q '^vctx ' || insmod /lib/modules/vctx.ko || return 1
			# Full capabilities where the CLI has capability masks
			# (new contexts get a reduced default set).
			caps=
			vctx create --help 2>&1 | grep -q -- '--caps' && caps="--caps all"
			vctx create -p $caps /peer || return 1
			echo "PEER note inside: context /peer${caps:+ created with $caps}"
			wrap="vctx exec /peer --"
			;;
		*) echo "PEER error: unknown pass $pass"; return 1 ;;
	esac
	p0=$(now)
	while read -r name to envs args; do
		[ "$envs" = - ] && envs=
		t=${name%/*} prog=${name#*/}
		echo "PEER begin $pass $name"
		rm -f /tmp/peer.timedout
		t0=$(now)
		# Each test is a session of its own (setsid execs: its pid is the
		# group's id), so a timeout kills it with everything it forked,
		# and nothing it leaves behind runs into the next test.
		# shellcheck disable=SC2086 # $wrap and $args are words
		(cd "$P/$t" && for v in $(echo "$envs" | tr , ' '); do export "$v"; done &&
			exec setsid $wrap "./$prog" $args) </dev/null >/tmp/peer.out 2>&1 &
		tp=$!
		setsid sh -c "sleep $to; echo $tp >/tmp/peer.timedout; kill -KILL -$tp" </dev/null >/dev/null 2>&1 &
		wd=$!
		wait "$tp"
		rc=$?
		# The watchdog by pid too: it may not have called setsid yet.
		kill -KILL "$wd" 2>/dev/null
		kill -KILL -"$wd" 2>/dev/null
		kill -KILL -"$tp" 2>/dev/null
		t1=$(now)
		[ "$(cat /tmp/peer.timedout 2>/dev/null)" = "$tp" ] && rc=timeout
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
		sed 's/^/| /' /tmp/peer.out
		echo "PEER end $pass $name $rc $secs"
		[ "$pass" = inside ] && vctx kill -s KILL /peer >/dev/null 2>&1
	done <"$P/run.txt"
	echo "PEER pass $pass $(awk -v a="$p0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
}

for pass in "$@"; do
	run_pass "$pass" || { echo "PEER error $pass: setup failed"; exit 1; }
done
exit 0
