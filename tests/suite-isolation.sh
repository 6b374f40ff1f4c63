#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Isolation: /proc shows a context only its own subtree; signals and ptrace
# across the boundary fail as if the target did not exist; the host sees
# everything; a spectator sees everything but touches only its subtree;
# rmmod restores normal visibility at once.
. /vctx/tests/lib/ktap.sh
t_begin isolation

# pids of the members of PATH (its own processes only, not the subtree).
members() {
	vctx --json ps "$1" | tr -d '\n ' | sed 's/},{/}\n{/g' |
		grep "\"context\":\"$1\"" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'
}
wait_members() { # PATH N: until PATH has N member processes
	i=0
	while [ "$(members "$1" | wc -l)" -lt "$2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

vctx create -p /a/b
vctx create /c
vctx create --spectator /spy
sleep 1000 & host=$!
vctx exec /a -- sleep 1000 & 
vctx exec /a/b -- sleep 1000 &
vctx exec /c -- sleep 1000 &
wait_members /a 1; wait_members /a/b 1; wait_members /c 1
a=$(members /a) b=$(members /a/b) c=$(members /c)
check_eq "three contexts have one member each" "$(echo $a $b $c | wc -w)" 3

# ls /proc from /a: exactly /a's subtree plus the listing process itself.
seen=$(vctx exec /a -- sh -c 'echo self=$$; ls /proc | grep "^[0-9]" | tr "\n" " "')
self=$(echo "$seen" | sed -n 's/^self=//p')
got=$(echo "$seen" | tail -n 1 | tr ' ' '\n' | grep . | grep -vx "$self" | sort -n | tr '\n' ' ')
# The ls and grep of the pipeline are members too; keep only long-lived pids.
got_long=$(for p in $got; do [ "$p" = "$a" ] || [ "$p" = "$b" ] && echo "$p"; done | tr '\n' ' ')
want=$(printf '%s\n%s\n' "$a" "$b" | sort -n | tr '\n' ' ')
check_eq "ls /proc in /a shows /a's and /a/b's processes" "$got_long" "$want"
others=$(for p in $got; do case " $want " in *" $p "*) ;; *) [ "$p" -lt "$self" ] && echo "$p" ;; esac; done)
check_eq "ls /proc in /a shows nothing older from outside" "$others" ""
check_out "ls /proc in /a shows itself" "^self=[0-9]+" echo "$seen"
check "ls /proc in /a does not show the host's process" sh -c "! echo '$got' | grep -qw $host"
check "ls /proc in /a does not show /c's process" sh -c "! echo '$got' | grep -qw $c"
check "ls /proc in /a does not show pid 1" sh -c "! echo ' $got ' | grep -q ' 1 '"
check_out "cat /proc/<host pid>/status in /a: ENOENT" "No such file" \
	vctx exec /a -- sh -c "cat /proc/$host/status 2>&1; true"
check_out "stat /proc/1 in /a: ENOENT" "No such file|can't stat" \
	vctx exec /a -- sh -c "stat /proc/1 2>&1; true"
check_out "/proc/<host pid>/task/<tid> in /a: ENOENT" "No such file" \
	vctx exec /a -- sh -c "ls /proc/$host/task/$host 2>&1; true"
check_out "/proc/<child context pid>/status in /a: visible" "^Name:" \
	vctx exec /a -- sh -c "cat /proc/$b/status"
check_out "/proc/self in /a works" "^Name:" vctx exec /a -- cat /proc/self/status
check_out "/proc/thread-self in /a works" "^Name:" vctx exec /a -- cat /proc/thread-self/status
check_out "from /a/b, the parent context /a is invisible" "No such file" \
	vctx exec /a/b -- sh -c "cat /proc/$a/status 2>&1; true"
check_out "siblings do not see each other (/c -> /a)" "No such file" \
	vctx exec /c -- sh -c "cat /proc/$a/status 2>&1; true"
check_out "busybox ps in /c lists only /c" "^1$" \
	vctx exec /c -- sh -c "ps -o pid | grep -cw $c; ! ps -o pid | grep -qw -e $a -e $b -e $host"
# a dentry the host has cached (it just looked) must not leak as EPERM
cat /proc/$host/status >/dev/null
check_out "a /proc/<pid> dentry cached by the host is still ENOENT" "No such file" \
	vctx exec /a -- sh -c "cat /proc/$host/cmdline 2>&1; true"

# Signals.
check_out "kill -0 <host pid> from /a: ESRCH" "No such process" \
	vctx exec /a -- sh -c "kill -0 $host 2>&1; true"
check_out "kill -0 <sibling pid> from /a: ESRCH" "No such process" \
	vctx exec /a -- sh -c "kill -0 $c 2>&1; true"
check "kill -0 <child context pid> from /a works" vctx exec /a -- kill -0 "$b"
check_out "kill -0 1 from /a: ESRCH" "No such process" vctx exec /a -- sh -c "kill -0 1 2>&1; true"
vctx exec /a/b -- sh -c 'kill -9 -1' >/dev/null 2>&1
sleep 0.3
check "kill -9 -1 as root in /a/b: the host process survives" kill -0 "$host"
check "kill -9 -1 in /a/b: /a's process (the parent context) survives" kill -0 "$a"
check "kill -9 -1 in /a/b: /c's process survives" kill -0 "$c"
check_eq "kill -9 -1 in /a/b: /a/b's process is gone" "$(members /a/b)" ""
vctx exec /a/b -- sleep 1000 &
wait_members /a/b 1; b=$(members /a/b)

# ptrace and friends.
check_out "ptrace attach of the host process from /a: ESRCH" "^attach ESRCH" \
	vctx exec /a -- /vctx/bin/ptrace_probe "$host"
check_out "ptrace seize of the host process from /a: ESRCH" "^seize ESRCH" \
	vctx exec /a -- /vctx/bin/ptrace_probe "$host"
check_out "process_vm_readv of the host process from /a fails" "^process_vm_readv E" \
	vctx exec /a -- /vctx/bin/ptrace_probe "$host"
check_out "/proc/<host pid>/mem from /a: ENOENT" "^proc_mem ENOENT" \
	vctx exec /a -- /vctx/bin/ptrace_probe "$host"
check_out "ptrace attach of a child context's process from /a works" "^attach ok" \
	vctx exec /a -- /vctx/bin/ptrace_probe "$b"
check_out "the host can ptrace a context's process" "^attach ok" /vctx/bin/ptrace_probe "$b"

# The host sees everything.
hostseen=$(ls /proc | grep '^[0-9]' | tr '\n' ' ')
for p in 1 $a $b $c $host; do
	check "the host sees pid $p" sh -c "echo ' $hostseen ' | grep -q ' $p '"
done

# Spectator.
check_out "a spectator context sees the host's processes" "^Name:" \
	vctx exec /spy -- cat /proc/$host/status
check_out "a spectator context sees pid 1" "^Name:" vctx exec /spy -- cat /proc/1/status
check_out "a spectator context still cannot signal outside" "No such process" \
	vctx exec /spy -- sh -c "kill -0 $host 2>&1; true"
check_out "vctx info shows the spectator flag" "flags: +spectator" vctx info /spy

# Readdir of /proc by a member runs the shim's copy of proc_pid_readdir()
# (hooks/proc.rs). Visible and hidden processes interleaved by pid: the
# host's, /m's, /x's and /m/s's in turn. procdir (tests/progs/procdir.c)
# exits 2 on a name listed twice or pids out of order, 3 on an inode number
# lstat() does not confirm.
vctx create -p /m/s
vctx create /x
hs=
for i in 1 2 3 4 5 6; do
	sleep 1000 & hs="$hs $!"
	vctx exec /m -- sleep 1000 &
	vctx exec /x -- sleep 1000 &
	vctx exec /m/s -- sleep 1000 &
	sleep 0.1
done
wait_members /m 6; wait_members /x 6; wait_members /m/s 6
# A member whose parent reaps it at once (the exit mid-readdir below).
vctx exec /m/s -- sh -c 'sleep 1000 & echo $! >/tmp/victim; wait; exec sleep 1000' &
i=0
while [ ! -s /tmp/victim ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait_members /m/s 8
vis=$( (members /m; members /m/s) | sort -n)
check_eq "/m's subtree has 14 processes" "$(echo "$vis" | wc -l)" 14
# pids of a procdir listing ($1), without its own.
pids_of() {
	me=$(sed -n 's/^me //p' "$1")
	grep '^[0-9]' "$1" | cut -d' ' -f1 | grep -vx "$me"
}
vctx exec /m -- /vctx/bin/procdir list /proc 40 >/tmp/pd.tiny 2>/tmp/pd.err
check_eq "readdir in /m, one entry per getdents: no duplicate, in order, inodes right" "$? $(cat /tmp/pd.err)" "0 "
check_eq "readdir in /m, one entry per getdents: exactly /m's subtree" "$(pids_of /tmp/pd.tiny)" "$vis"
check_out "readdir in /m lists self (a symlink)" "^self [0-9]+ 10$" cat /tmp/pd.tiny
check_out "readdir in /m lists thread-self (a symlink)" "^thread-self [0-9]+ 10$" cat /tmp/pd.tiny
vctx exec /m -- /vctx/bin/procdir list /proc 32768 >/tmp/pd.big 2>&1
check_eq "readdir in /m with a large buffer: the same entries" \
	"$(pids_of /tmp/pd.big)" "$(pids_of /tmp/pd.tiny)"
check_out "seekdir/telldir in /m: every offset resumes at its entry" "^seek ok [0-9]+" \
	vctx exec /m -- /vctx/bin/procdir seek /proc 40
check_out "seekdir/telldir on the host: every offset resumes at its entry" "^seek ok [0-9]+" \
	/vctx/bin/procdir seek /proc 40
victim=$(cat /tmp/victim)
check_eq "the victim is /m's newest process" "$(echo "$vis" | tail -n 1)" "$victim"
vctx exec /m -- /vctx/bin/procdir kill /proc 40 "$victim" >/tmp/pd.kill 2>/tmp/pd.err
check_eq "an exit mid-readdir: no duplicate, in order" "$? $(cat /tmp/pd.err)" "0 "
check_eq "an exit mid-readdir: the rest of /m's subtree, the exited process not listed" \
	"$(pids_of /tmp/pd.kill)" "$(echo "$vis" | grep -vx "$victim")"
h1=$(echo $hs | cut -d' ' -f1) x1=$(members /x | head -n 1)
check_out "ls /proc/<host pid> in /m after the readdirs: ENOENT" "No such file" \
	vctx exec /m -- sh -c "ls /proc/$h1 2>&1; true"
check_out "stat /proc/<pid of /x> in /m: ENOENT" "No such file|can't stat" \
	vctx exec /m -- sh -c "stat /proc/$x1 2>&1; true"
check_out "cat /proc/<pid of /x>/status in /m: ENOENT" "No such file" \
	vctx exec /m -- sh -c "cat /proc/$x1/status 2>&1; true"
/vctx/bin/procdir list /proc 40 >/tmp/pd.host 2>&1
check_eq "the host's readdir, one entry per getdents: in order, inodes right" "$?" 0
missing=$(for p in $(members /m) $(members /m/s) $hs $(members /x) 1; do grep -q "^$p " /tmp/pd.host || echo "$p"; done)
check_eq "the host's readdir lists every process of /m, /x and the host" "$missing" ""
vctx exec /spy -- /vctx/bin/procdir list /proc 40 >/tmp/pd.spy 2>&1
missing=$(for p in $(members /m) $hs $(members /x) 1; do grep -q "^$p " /tmp/pd.spy || echo "$p"; done)
check_eq "a spectator's readdir lists every process too" "$missing" ""

# hidepid= on a procfs a member reads: both filters apply. Two processes of
# uid 65534 (hidepid shows them to uid 65534): one in /m, one on the host.
/vctx/bin/procdir sleepas 65534 1000 & hn=$!
vctx exec /m -- /vctx/bin/procdir sleepas 65534 1000 &
nobody_of_m() {
	members /m | while read -r p; do grep -q '^Uid:.*65534' "/proc/$p/status" 2>/dev/null && echo "$p"; done
}
has_nobody_of_m() { [ -n "$(nobody_of_m)" ]; }
until_ok 50 has_nobody_of_m
mn=$(nobody_of_m)
for opt in invisible ptraceable; do
	mkdir -p /tmp/hp-$opt
	mount -t proc -o hidepid=$opt proc /tmp/hp-$opt
	vctx exec /m -- /vctx/bin/procdir list /tmp/hp-$opt 40 65534 >/tmp/pd.hp 2>&1
	check_eq "hidepid=$opt, uid 65534 in /m: only its own uid's process of /m" \
		"$(pids_of /tmp/pd.hp)" "$mn"
	check_out "hidepid=$opt, uid 65534 in /m: self listed" "^self " cat /tmp/pd.hp
	/vctx/bin/procdir list /tmp/hp-$opt 40 65534 >/tmp/pd.hp 2>&1
	check_eq "hidepid=$opt, uid 65534 on the host: both uid 65534 processes" \
		"$(pids_of /tmp/pd.hp | grep -x -e "$mn" -e "$hn" | sort -n)" "$(printf '%s\n%s\n' "$mn" "$hn" | sort -n)"
	check "hidepid=$opt, uid 65534 on the host: pid 1 hidden" sh -c "! grep -q '^1 ' /tmp/pd.hp"
	umount /tmp/hp-$opt
done

# A context with its own pid and mount namespaces (a fresh /proc): the
# numbers of that namespace; its first process is 1.
vctx exec -p --ns pid,mnt /pn -- sh -c \
	'sleep 1000 & echo "ns $!"; exec /vctx/bin/procdir list /proc 40' >/tmp/pd.ns 2>&1
check_eq "readdir in a pid namespace's context: its two processes, by its numbers" \
	"$(grep '^[0-9]' /tmp/pd.ns | cut -d' ' -f1 | tr '\n' ' ')" "1 $(sed -n 's/^ns //p' /tmp/pd.ns) "
kill $hs $hn $(members /m) $(members /m/s) $(members /x) 2>/dev/null

# rmmod restores normal visibility at once.
# The member says when it is in /a, and reads /proc only once rmmod is done.
rm -f /tmp/in-a /tmp/rmmod-done
vctx exec /a -- sh -c 'touch /tmp/in-a; while [ ! -e /tmp/rmmod-done ]; do sleep 0.1; done
	cat /proc/1/status | head -n 1' >/tmp/after.out 2>&1 &
waiter=$!
i=0
while [ ! -e /tmp/in-a ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "rmmod with contexts holding processes" rmmod vctx
touch /tmp/rmmod-done
wait $waiter
check_out "after rmmod, a former member sees pid 1 again" "^Name:" cat /tmp/after.out
check "insmod again" insmod /lib/modules/vctx.ko
check_eq "after reload there are no contexts" "$(vctx --json ls / | grep -c '"id"')" 0
kill "$host" "$a" "$b" "$c" 2>/dev/null
t_end
