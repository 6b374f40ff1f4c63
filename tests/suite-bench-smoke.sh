#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark smoke run: vctx-bench (bench/) with tiny counts runs, reports
# every configuration and operation, and its numbers are numbers. No
# timing is judged here: benchmarks are not tests (make bench).
. /vctx/tests/lib/ktap.sh
t_begin bench-smoke

cd /tmp || exit 1
not_grep() { ! grep -q "$@"; }
# items CONFIG: the entries one readdir of /proc returned there.
items() {
	grep "\"config\": \"$1\", \"op\": \"proc_readdir\"" "$J" | sed -n 's/.*"items": \([0-9]*\).*/\1/p'
}
J=/tmp/bench-smoke.json
O=/tmp/bench-smoke.out
was_loaded=no
grep -q '^vctx ' /proc/modules && was_loaded=yes

check "vctx-bench runs with tiny counts (2 rounds, 2 and 4 contexts)" \
	sh -c "/vctx/bin/vctx-bench -r 2 -d 200 -p 20 -l 2,4 -s 10 -o $J >$O 2>&1"
now_loaded=no
grep -q '^vctx ' /proc/modules && now_loaded=yes
check_eq "it leaves the module as it found it (loaded: $was_loaded)" "$now_loaded" "$was_loaded"
[ "$was_loaded" = yes ] && check_out "... without any context of its own" '^  "contexts": \[\]$' vctx --json ls
check "the JSON document is complete (opening and closing brace)" \
	sh -c "head -n 1 $J | grep -qx '{' && tail -n 1 $J | grep -qx '}'"
for cfg in unloaded loaded loaded_idle nested3 limited cgroup_pids hidepid; do
	check "the table has a column for $cfg" grep -Eq "^operation .* $cfg( |\$)" "$O"
	check "the JSON has the configuration $cfg" grep -q "\"name\": \"$cfg\"" "$J"
done
for op in fork_exit_wait thread_create_join fork_exec_wait pipe_pingpong proc_readdir \
	proc_pid_stat getppid ioctl_info ctx_create_destroy ctx_enter; do
	check_out "$op: a median in ns (loaded)" '"median_ns": [0-9]+\.[0-9]' \
		grep "\"config\": \"loaded\", \"op\": \"$op\"" "$J"
done
# The configurations that need no other engineer's feature are measured.
for cfg in unloaded loaded_idle nested3 cgroup_pids; do
	check_out "$cfg: fork+exit+wait measured" '"status": "ok"' \
		grep "\"config\": \"$cfg\", \"op\": \"fork_exit_wait\"" "$J"
done
check_out "hidepid: readdir measured" '"status": "ok"' \
	grep '"config": "hidepid", "op": "proc_readdir"' "$J"
# Limits and accounting are other issues: measured, or n/a (ENOTTY), never failed.
check_out "limited: fork is measured or n/a" '"status": "(ok|n/a)"' \
	grep '"config": "limited", "op": "fork_exit_wait"' "$J"
check_out "ioctl STAT is measured or n/a" '"status": "(ok|n/a)"' \
	grep '"config": "loaded", "op": "ioctl_stat"' "$J"
check "no figure failed" not_grep '"status": "fail"' "$J"
check "every sample is a number or null" not_grep -E '"samples_ns": \[[0-9., nul]*[^]0-9., nul]' "$J"
check "a ratio per round for fork: loaded / unloaded" \
	grep -Eq '"name": "fork_exit_wait: loaded / unloaded", "status": "ok", "median": [0-9]' "$J"
check_out "the scale phase ran at 2 and 4 contexts" '"contexts": 4, "processes": 10, "op": "ctx_enter", "status": "ok"' cat "$J"
check_out "memory per context and per process are reported" '"slab_bytes_per_context": -?[0-9]' cat "$J"
host=$(items unloaded) hp=$(items hidepid) ctx=$(items nested3)
check "hidepid=invisible as nobody lists fewer entries ($hp) than the host view ($host)" \
	test "${hp:-0}" -gt 0 -a "${hp:-0}" -lt "${host:-0}"
check "inside /b1/b2/b3 lists fewer entries ($ctx) than the host view ($host)" \
	test "${ctx:-0}" -gt 0 -a "${ctx:-0}" -lt "${host:-0}"
t_end
