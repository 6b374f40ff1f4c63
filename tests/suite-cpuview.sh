#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CPUs a context sees (issue 13): with cpus= and/or cpu=, the context's
# count is min(|cpuset|, ceil(quota/period)) of its cgroup and the
# cgroup's ancestors, and /proc/cpuinfo, /proc/stat, /sys/devices/system/
# cpu/online and the C library's counts (get_nprocs, sysconf) agree on it;
# sched_getaffinity follows the cpuset; --novirt and the host keep the
# host's figures; root inside cannot change what it sees.
# The guest has 2 vCPUs (tools/vm-run -smp 2).
. /vctx/tests/lib/ktap.sh
t_begin cpuview

CG=/sys/fs/cgroup
B=/vctx/bin

if ! grep -q "^cgroup2 $CG " /proc/mounts; then
	t_skip "cpuview suite" "cgroup2 is not mounted in this guest"
	t_end
	exit 0
fi

# The figures a process sees, one line: processors in /proc/cpuinfo, their
# numbers, cpuN lines in /proc/stat, their numbers, cpu/online, and
# get_nprocs() (glibc: cpu/online), sysconf(_SC_NPROCESSORS_ONLN),
# sched_getaffinity's count.
VIEW='printf "%s|%s|%s|%s|%s|%s|%s|%s\n" \
	"$(grep -c "^processor" /proc/cpuinfo)" \
	"$(sed -n "s/^processor[[:space:]]*: //p" /proc/cpuinfo | tr "\n" " ")" \
	"$(grep -c "^cpu[0-9]" /proc/stat)" \
	"$(sed -n "s/^\(cpu[0-9][0-9]*\) .*/\1/p" /proc/stat | tr "\n" " ")" \
	"$(cat /sys/devices/system/cpu/online)" \
	"$(/vctx/bin/nprocs | sed -n "s/^nprocs //p")" \
	"$(/vctx/bin/nprocs | sed -n "s/^onln //p")" \
	"$(/vctx/bin/nprocs | sed -n "s/^affinity //p")"'
view() { sh -c "$VIEW"; }
view_in() { vctx exec "$1" -- sh -c "$VIEW"; }
# The aggregate line of /proc/stat minus the sum of its cpuN lines, column
# by column, from one read, then "ok" if every difference is within
# [LO, HI] ticks. A CPU's line is read just after the aggregate, so it may
# have grown by a tick in between (the view's lines are never less than
# their share of the sum; the host's kernel rounds each CPU and the sum
# separately, so its differ by a tick either way).
cat >/tmp/agg.awk <<'AWK'
/^cpu / { for (i = 2; i <= 11; i++) a[i] = $i }
/^cpu[0-9]/ { for (i = 2; i <= 11; i++) s[i] += $i }
END { r = "ok"; for (i = 2; i <= 11; i++) { d = a[i] - s[i]; printf "%d ", d; if (d < lo || d > hi) r = "off" } print r }
AWK
agg() { awk -v lo="$1" -v hi="$2" -f /tmp/agg.awk /proc/stat; }
AGG="awk -v lo=-2 -v hi=0 -f /tmp/agg.awk /proc/stat"

host=$(view)
check_eq "the host sees 2 CPUs everywhere (cpuinfo|ids|stat|ids|online|nprocs|onln|affinity)" \
	"$host" "2|0 1 |2|cpu0 cpu1 |0-1|2|2|2"
check_out "the module reports the cpu view feature" '"cpuview"' vctx --json version

# ---- cpus=0 ----
vctx create /one
vctx limit /one cpus=0 >/dev/null
vctx exec /one -- sh -c 'sleep 1000 & exec sleep 1000' &
until_ok 100 sh -c "[ \$(vctx --json ps /one | grep -c '\"pid\"') -ge 2 ]"
aff=$(vctx --json ps /one | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' |
	while read -r p; do sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$p/status; done | sort -u)
check_eq "cpus=0: every member's affinity is CPU 0 (Cpus_allowed_list)" "$aff" 0
check_out "cpus=0: nproc inside prints 1" "^1$" vctx exec /one -- nproc
check_eq "cpus=0: cpuinfo, stat, online, get_nprocs, sysconf, affinity all say CPU 0" \
	"$(view_in /one)" "1|0 |1|cpu0 |0|1|1|1"
check_out "cpus=0: /proc/stat's cpu line is the sum of its cpuN line" " ok$" \
	vctx exec /one -- sh -c "$AGG"
check_out "cpus=0: /proc/stat keeps btime and procs_running" "^btime [0-9]+$" vctx exec /one -- cat /proc/stat
check_out "cpus=0: busybox top inside runs on the view" "^CPU:" vctx exec /one -- top -b -n 1
check_eq "the host's view is unchanged while the context exists" "$(view)" "$host"
check_out "... and its cpu line is still about the sum of its cpuN lines" " ok$" agg -3 3

# ---- cpus=1: the real CPU number, not renumbered ----
vctx create /second
vctx limit /second cpus=1 >/dev/null
check_eq "cpus=1: the CPU is shown by its own number (1) everywhere" \
	"$(view_in /second)" "1|1 |1|cpu1 |1|1|1|1"

# ---- a quota alone ----
vctx create /q100
vctx limit /q100 cpu=100% >/dev/null
check_eq "cpu=100% with no cpuset: the files and get_nprocs say 1 CPU; the affinity stays 2" \
	"$(view_in /q100)" "1|0 |1|cpu0 |0|1|1|2"
check_out "... so busybox nproc (sched_getaffinity) prints 2" "^2$" vctx exec /q100 -- nproc
check_out "... and the stat cpu line is the sum of the shown line" " ok$" \
	vctx exec /q100 -- sh -c "$AGG"
vctx create /q150
vctx limit /q150 cpu=150% >/dev/null
check_eq "cpu=150%: ceil(1.5) = 2 CPUs" "$(view_in /q150)" "2|0 1 |2|cpu0 cpu1 |0-1|2|2|2"
check_eq "cpus=0-1 cpu=150%: the view is the host's (both CPUs)" "$(vctx limit /q150 cpus=0-1 >/dev/null; view_in /q150)" \
	"2|0 1 |2|cpu0 cpu1 |0-1|2|2|2"
vctx create /q30
vctx limit /q30 cpu=30% >/dev/null
check_eq "cpu=30%: at least 1 CPU" "$(view_in /q30)" "1|0 |1|cpu0 |0|1|1|2"
vctx create /both
vctx limit /both cpus=1 cpu=200% >/dev/null
check_eq "cpus=1 cpu=200%: the cpuset is the smaller" "$(view_in /both)" "1|1 |1|cpu1 |1|1|1|1"

# ---- nesting: the tightest quota of the cgroup and its ancestors ----
vctx create -p /nest/c
vctx limit /nest cpu=200% >/dev/null
vctx limit /nest/c cpu=50% >/dev/null
check_eq "a child with a smaller quota (50% under 200%) sees 1 CPU" \
	"$(view_in /nest/c)" "1|0 |1|cpu0 |0|1|1|2"
vctx create -p /up/c
vctx limit /up cpu=100% >/dev/null
vctx limit /up/c cpu=200% >/dev/null
check_eq "a child with a larger quota (200% under 100%) is bounded by its parent: 1 CPU" \
	"$(view_in /up/c)" "1|0 |1|cpu0 |0|1|1|2"
vctx create -p /inh/k
vctx limit /inh cpus=1 >/dev/null
check_eq "a child without a cgroup of its own sees its parent's (inherited)" \
	"$(view_in /inh/k)" "1|1 |1|cpu1 |1|1|1|1"

# ---- who keeps the host's view ----
vctx create --novirt /nv
vctx limit /nv cpus=0 >/dev/null
check_eq "--novirt: the host's files; only the affinity follows the cpuset" \
	"$(view_in /nv)" "2|0 1 |2|cpu0 cpu1 |0-1|2|2|1"
vctx create /plain
check_eq "a context with no cgroup sees the host's CPUs" "$(view_in /plain)" "$host"
check_eq "the host's view is still the host's" "$(view)" "$host"

# ---- root inside cannot change what it sees ----
for mode in ns no-ns; do
	flag=; [ $mode = no-ns ] && flag=--no-ns
	out=$(vctx exec $flag /q100 -- sh -c "(echo max > $CG/vctx/q100/cpu.max) 2>&1; true")
	check_out "($mode) writing its own cpu.max fails" "Permission denied|Operation not permitted" echo "$out"
	check_eq "($mode) ... cpu.max is unchanged" "$(cat $CG/vctx/q100/cpu.max)" "100000 100000"
	out=$(vctx exec $flag /one -- sh -c "(echo 0-1 > $CG/vctx/one/cpuset.cpus) 2>&1; true")
	check_out "($mode) writing its own cpuset.cpus fails" "Permission denied|Operation not permitted" echo "$out"
	check_eq "($mode) ... cpuset.cpus is unchanged" "$(cat $CG/vctx/one/cpuset.cpus)" 0
	out=$(vctx exec $flag /nest/c -- sh -c "(echo max > $CG/vctx/nest/cpu.max) 2>&1; true")
	check_out "($mode) from /nest/c, writing the parent's cpu.max fails" "Permission denied|Operation not permitted" echo "$out"
	check_eq "($mode) ... the parent's cpu.max is unchanged" "$(cat $CG/vctx/nest/cpu.max)" "200000 100000"
done
check_eq "widening its affinity (taskset 0x3) inside cpus=0 still shows CPU 0 only" \
	"$(vctx exec /one -- sh -c "taskset -p 3 \$\$ >/dev/null 2>&1; $VIEW")" "1|0 |1|cpu0 |0|1|1|1"
# A cgroup of its own below its cgroup, with no quota: the parent's still binds.
out=$(vctx exec /q100 -- sh -c "mkdir $CG/vctx/q100/sub && echo \$\$ > $CG/vctx/q100/sub/cgroup.procs &&
	cat /proc/self/cgroup && $VIEW; echo \$\$ > $CG/vctx/q100/cgroup.procs; rmdir $CG/vctx/q100/sub")
check_out "root inside may make a sub-cgroup and move into it" "^0::/sub$" echo "$out"
check_out "... where the quota above it still gives 1 CPU" "^1\|0 \|1\|cpu0 \|0\|1\|1\|2$" echo "$out"

# ---- teardown ----
vctx kill -s KILL /one; vctx wait --timeout 10s /one >/dev/null
for c in /one /second /q100 /q150 /q30 /both /nest/c /nest /up/c /up /inh/k /inh /nv /plain; do
	vctx destroy $c
done
check_eq "after the contexts are gone the host's view is the host's" "$(view)" "$host"
t_end
