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
