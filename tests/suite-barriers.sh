#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Barriers (Documentation/barriers.rst): root inside a context, without
# namespaces, cannot name a process outside its subtree in any syscall
# (ESRCH, as for a free pid, and nothing changes: the host reads its
# process back afterwards), while the same calls on its own processes
# work; an exited, unreaped child stays in its context; machine-wide
# state guarded only by file permissions (/proc/sys, sysrq-trigger, the
# kernel log, the ftrace switch) is closed to members.
. /vctx/tests/lib/ktap.sh
t_begin barriers
B=/vctx/bin

# The barriers do not depend on capabilities: test them against root with
# every capability (a capability mask, where the CLI has one, would only
# make the subtree checks fail for want of CAP_SYS_NICE).
caps=
vctx create --help 2>&1 | grep -q -- '--caps' && caps='--caps all'
# shellcheck disable=SC2086
vctx create $caps /a
# shellcheck disable=SC2086
vctx create $caps /a/b

# A host process that leads its own session and process group.
rm -f /tmp/host.pid
setsid sh -c 'echo $$ >/tmp/host.pid; exec sleep 1000' &
until_ok 50 test -s /tmp/host.pid
host=$(cat /tmp/host.pid)
# A free pid: one that was just used (pids are not reused at once).
sh -c 'exit 0' & free=$!
wait "$free"

# ---- process-naming syscalls ----
before=$($B/barrier_probe state "$host")
run_prog "from /a, every call on a host pid: ESRCH" vctx exec /a -- $B/barrier_probe absent "$host"
check_eq "the host process is unchanged (nice, limits, affinity, policy, ioprio, group)" \
	"$($B/barrier_probe state "$host")" "$before"
run_prog "from /a, every call on a free pid: ESRCH" vctx exec /a -- $B/barrier_probe absent "$free"
run_prog "from /a, through a pidfd to a host process opened before entering: signals and the rest refused" \
	$B/barrier_probe hold "$host" vctx exec /a -- $B/barrier_probe held "$host"
check "... the host process survived SIGKILL by its pidfd" kill -0 "$host"
run_prog "from /a, the same calls on its own child work" vctx exec /a -- $B/barrier_probe subtree
run_prog "from /a/b, every call on a pid of the parent context: ESRCH" \
	sh -c "vctx exec /a -- sleep 1000 & p=\$!; sleep 0.3; vctx exec /a/b -- $B/barrier_probe absent \$p; r=\$?; kill \$p; exit \$r"
run_prog "the host can still name every process" $B/barrier_probe subtree
vctx create --spectator /spy
run_prog "a spectator context sees the host in /proc but cannot name it: ESRCH" \
	vctx exec /spy -- $B/barrier_probe absent "$host"

# PRIO_PGRP 0 and PRIO_USER 0 from a member whose process group is the
# suite's (host) one: its own processes change, the host's do not.
self_pgid=$(cut -d' ' -f5 /proc/$$/stat)
check_eq "a member shares the host's process group" \
	"$(vctx exec /a -- sh -c "cut -d' ' -f5 /proc/self/stat")" "$self_pgid"
me_before=$($B/barrier_probe state $$)
kt_before=$($B/barrier_probe state 2)
init_before=$($B/barrier_probe state 1)
check_out "PRIO_PGRP 0 / PRIO_USER 0 from /a change the member" "^ok" \
	vctx exec /a -- $B/barrier_probe pgrp
check_eq "PRIO_PGRP 0 from /a: the host process of the group is unchanged" \
	"$($B/barrier_probe state $$)" "$me_before"
check_eq "PRIO_USER 0 from /a: pid 1 is unchanged" "$($B/barrier_probe state 1)" "$init_before"
check_eq "PRIO_USER 0 from /a: kthreadd is unchanged" "$($B/barrier_probe state 2)" "$kt_before"
check_eq "PRIO_USER 0 from /a: the host process is unchanged" \
	"$($B/barrier_probe state "$host")" "$before"

# getpriority of a group or a user counts only the processes the caller may
# name: the probe (nice 5) sees neither the host shell of its group (nice
# -3) nor the host's processes and kernel threads of uid 0.
renice -n -3 -p $$ >/dev/null
check_out "getpriority(PRIO_PGRP/PRIO_USER, 0) from /a: only its own processes" \
	"^self=15 pgrp=15 user=15$" vctx exec /a -- $B/barrier_probe prio
check_out "the host's getpriority(PRIO_PGRP/PRIO_USER, 0) sees them all" "^self=15 pgrp=(2[3-9]|3[0-9]|40) user=(2[3-9]|3[0-9]|40)$" \
	$B/barrier_probe prio
renice -n 0 -p $$ >/dev/null

# Zombies.
run_prog "an exited, unreaped child stays in /a" vctx exec /a -- $B/barrier_probe zombie

# The same inside a pid and mount namespace: nothing regresses.
# shellcheck disable=SC2086
vctx create $caps /ns
run_prog "--ns pid,mnt: a host pid number is absent" \
	vctx exec --ns pid,mnt /ns -- $B/barrier_probe absent "$host"
run_prog "--ns pid,mnt: calls on its own child work" vctx exec /ns -- $B/barrier_probe subtree
run_prog "--ns pid,mnt: an exited, unreaped child stays" vctx exec /ns -- $B/barrier_probe zombie
run_prog "--ns pid,mnt: through a pidfd held from before entering, a host process is refused" \
	$B/barrier_probe hold "$host" vctx exec /ns -- $B/barrier_probe held "$host"
check "... the host process survived" kill -0 "$host"

# /proc/loadavg's last pid inside a pid namespace is in its numbering: the
# shell, PID 1, was the namespace's last (and only) fork; the host's vctx
# parent made it, in the initial numbering.
check_out "--ns pid: /proc/loadavg's last pid is the namespace's" "^1 1$" \
	vctx exec -p --ns pid,mnt /lp -- sh -c 'read l < /proc/loadavg; echo "$$ ${l##* }"'

# A procfs mounted for a child pid namespace (pidns=) shows the member's own
# processes there; a fresh one of its own (the host's) pid namespace shows
# itself but not the host's pid 1 (the kernel's proc selftests expect
# /proc/1 there: by design they fail inside a context without --ns pid).
# shellcheck disable=SC2016
check_out "a procfs with pidns= of a member's child namespace shows its process" \
	"^1 sleep self-ok 1-ENOENT$" vctx exec -p $caps --ns mnt /pm -- sh -c '
	unshare -p -f sleep 100 & u=$!; sleep 0.5
	for p in /proc/[0-9]*; do [ "$(cut -d" " -f4 $p/stat)" = "$u" ] && pid=${p#/proc/}; done
	mkdir -p /tmp/pp /tmp/pa
	mount -t proc -o pidns=/proc/$pid/ns/pid proc /tmp/pp
	mount -t proc proc /tmp/pa
	n=$(ls /tmp/pp | grep "^[0-9]" | tr "\n" " ")
	c=$(head -n 1 /tmp/pp/1/status | cut -f2)
	ls -d /tmp/pa/self/ >/dev/null && s=self-ok
	ls -d /tmp/pa/1 >/dev/null 2>&1 || o=1-ENOENT
	kill $u; echo "$n$c $s $o"'

# ---- machine-wide state ----
eperm="Operation not permitted|[Pp]ermission denied"
# write_in CTX FILE VALUE: from CTX, writes VALUE to FILE; prints the
# shell's error, and "written" if the write succeeded.
write_in() { vctx exec "$1" -- sh -c "echo $3 > $2 && echo written" 2>&1; true; }
for f in kernel/domainname kernel/hostname vm/drop_caches kernel/shmmax net/core/somaxconn \
	kernel/sysrq kernel/ftrace_enabled; do
	old=$(cat /proc/sys/$f 2>/dev/null)
	new=3
	case $f in kernel/*name) new=evil ;; vm/drop_caches) new=1 ;; esac
	check_out "from /a, writing /proc/sys/$f: EPERM" "$eperm" write_in /a /proc/sys/$f $new
	check_eq "/proc/sys/$f of the host is unchanged" "$(cat /proc/sys/$f 2>/dev/null)" "$old"
done
if [ -d /proc/sys/fs/mqueue ]; then
	check_out "from /a, writing fs.mqueue.msg_max: EPERM" "$eperm" write_in /a /proc/sys/fs/mqueue/msg_max 20
fi
check_out "from /a, reading /proc/sys still works" "^[0-9]" vctx exec /a -- cat /proc/sys/kernel/pid_max
old=$(cat /proc/sys/kernel/domainname)
check "the host still writes kernel.domainname" sh -c "echo hostdom > /proc/sys/kernel/domainname && grep -qx hostdom /proc/sys/kernel/domainname && echo '$old' > /proc/sys/kernel/domainname"

# Sysctls of a namespace the context holds are its own.
host_name=$(cat /proc/sys/kernel/hostname)
check_out "--ns uts: kernel.hostname writes the context's" "^inner1 innerdom$" \
	vctx exec -p --ns uts /u -- sh -c 'echo inner1 > /proc/sys/kernel/hostname &&
		echo innerdom > /proc/sys/kernel/domainname && echo $(hostname) $(cat /proc/sys/kernel/domainname)'
check_eq "--ns uts: the host's hostname is unchanged" "$(cat /proc/sys/kernel/hostname)" "$host_name"
check_eq "--ns uts: the host's domainname is unchanged" "$(cat /proc/sys/kernel/domainname)" "$old"
check_out "--ns uts: vm.drop_caches is still the machine's: EPERM" "$eperm" \
	vctx exec -p --ns uts /u2 -- sh -c 'echo 1 > /proc/sys/vm/drop_caches; true'
somax=$(cat /proc/sys/net/core/somaxconn)
check_out "--ns net: net.core.somaxconn writes the context's" "^77$" \
	vctx exec -p --ns net /n -- sh -c 'echo 77 > /proc/sys/net/core/somaxconn && cat /proc/sys/net/core/somaxconn'
check_eq "--ns net: the host's net.core.somaxconn is unchanged" "$(cat /proc/sys/net/core/somaxconn)" "$somax"
check_out "--ns net: kernel.hostname is still the host's: EPERM" "$eperm" \
	vctx exec -p --ns net /n2 -- sh -c 'echo evil > /proc/sys/kernel/hostname; true'
shmmax=$(cat /proc/sys/kernel/shmmax)
mq=$(cat /proc/sys/fs/mqueue/msg_max 2>/dev/null)
check_out "--ns ipc: kernel.shmmax and fs.mqueue.msg_max write the context's" "^123456 21$" \
	vctx exec -p --ns ipc /i -- sh -c 'echo 123456 > /proc/sys/kernel/shmmax &&
		echo 21 > /proc/sys/fs/mqueue/msg_max &&
		echo $(cat /proc/sys/kernel/shmmax) $(cat /proc/sys/fs/mqueue/msg_max)'
check_eq "--ns ipc: the host's kernel.shmmax is unchanged" "$(cat /proc/sys/kernel/shmmax)" "$shmmax"
check_eq "--ns ipc: the host's fs.mqueue.msg_max is unchanged" "$(cat /proc/sys/fs/mqueue/msg_max 2>/dev/null)" "$mq"
# An fd the host opened for writing is refused in a member's hands too.
check_out "a /proc/sys fd opened on the host, written from /a: EPERM" "$eperm" \
	sh -c "exec 3>/proc/sys/kernel/domainname; vctx exec /a -- sh -c 'echo evil >&3' 2>&1; true"
check_eq "... and the host's domainname is unchanged" "$(cat /proc/sys/kernel/domainname)" "$old"

# sysrq ('h' only prints the help to the log).
check_out "from /a, writing /proc/sysrq-trigger: EPERM" "$eperm" write_in /a /proc/sysrq-trigger h
check "the host still writes /proc/sysrq-trigger" sh -c 'echo h > /proc/sysrq-trigger'

# The kernel log.
check_out "from /a, dmesg (syslog(2)): EPERM" "$eperm" vctx exec /a -- sh -c 'dmesg 2>&1; true'
check_out "from /a, dmesg -c (clear the host's log): EPERM" "$eperm" vctx exec /a -- sh -c 'dmesg -c 2>&1; true'
check_out "from /a, reading /dev/kmsg: EPERM" "$eperm" vctx exec /a -- sh -c 'head -c 1 /dev/kmsg 2>&1; true'
check_out "from /a, reading /proc/kmsg: EPERM" "$eperm" vctx exec /a -- sh -c 'head -c 1 /proc/kmsg 2>&1; true'
check_out "from /a, writing /dev/kmsg: EPERM" "$eperm" write_in /a /dev/kmsg vctx-injected-line
check "the line is not in the host's log" sh -c '! dmesg | grep -q vctx-injected-line'
check_out "the host still reads its log" "sysrq|SysRq|Linux" sh -c 'dmesg | tail -n 50'
check "--ns user,pid,mnt: dmesg fails there too" sh -c "! vctx exec -p --ns user,pid,mnt /un -- dmesg >/dev/null 2>&1"

# The ftrace switch cannot turn the hooks off, from anywhere.
check_out "from the host, kernel.ftrace_enabled=0 is refused" "rror|not supported|busy" \
	sh -c 'echo 0 > /proc/sys/kernel/ftrace_enabled; true'
check_eq "kernel.ftrace_enabled is still 1" "$(cat /proc/sys/kernel/ftrace_enabled)" 1
check_out "the barriers still hold: kill -0 <host pid> from /a: ESRCH" "No such process" \
	vctx exec /a -- sh -c "kill -0 $host 2>&1; true"

kill "$host" 2>/dev/null
# Leave no context behind (deepest first): the suites share one boot.
for c in $(vctx --json tree / | sed -n 's/.*"path": *"\([^"]*\)".*/\1/p' | grep -v '^/$' |
	awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2); do
	vctx kill -s KILL "$c" >/dev/null 2>&1
	vctx wait --timeout 5s "$c" >/dev/null 2>&1
	vctx destroy "$c" >/dev/null 2>&1
done
check_eq "leaves no context behind" "$(vctx --json tree / | grep -c '"path"')" 1
t_end
