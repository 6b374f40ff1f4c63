#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Capability masks and reboot(2) (issue 12): root inside a context without
# namespaces is not root of the machine. The default mask is Docker's
# baseline without MKNOD; what a member holds and uses stays within its
# context's mask after exec, setuid-root exec, enter --pid and narrowing;
# reboot(2) inside ends the context, not the machine.
. /vctx/tests/lib/ktap.sh
t_begin caps

B=/vctx/bin
# Docker's default capabilities without CAP_MKNOD (bits 0-1, 3-8, 10, 13,
# 18, 29, 31), as /proc/PID/status prints a set.
DEFAULT_HEX=00000000a00425fb
FULL_HEX=000001ffffffffff

# status_of PID KEY: the hex set KEY (CapEff, CapBnd, ...) of PID.
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
# jfield PATH KEY: a number of vctx --json info PATH.
jfield() { vctx --json info "$1" | tr -d ' \n' | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
mask_hex() { printf '%016x' "$(jfield "$1" caps)"; }

# ---- the default mask, read back and in effect ----
vctx create /d
check_out "vctx info shows the default mask" '^caps: +default \(CHOWN,DAC_OVERRIDE,' vctx info /d
check_eq "INFO reads back Docker's set without MKNOD" "$(mask_hex /d)" "$DEFAULT_HEX"
check_out "vctx caps shows it" '^/d: default \(' vctx caps /d
inside=$(vctx exec /d -- cat /proc/self/status)
check_eq "CapBnd inside equals the mask" "$(echo "$inside" | sed -n 's/^CapBnd:[[:space:]]*//p')" "$DEFAULT_HEX"
check_eq "CapEff inside equals the mask" "$(echo "$inside" | sed -n 's/^CapEff:[[:space:]]*//p')" "$DEFAULT_HEX"
check_eq "CapPrm inside equals the mask" "$(echo "$inside" | sed -n 's/^CapPrm:[[:space:]]*//p')" "$DEFAULT_HEX"
check_eq "the host keeps the full set" "$(status_of $$ CapEff)" "$FULL_HEX"
vctx create --caps all /all
check_eq "--caps all keeps everything" "$(vctx exec /all -- cat /proc/self/status | sed -n 's/^CapEff:[[:space:]]*//p')" "$FULL_HEX"
vctx create --caps 'default,-net_raw,+CAP_SYS_NICE' /mix
check_out "names in any case, with or without CAP_, read left to right" \
	'^/mix: CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,SETGID,SETUID,SETPCAP,NET_BIND_SERVICE,SYS_CHROOT,SYS_NICE,AUDIT_WRITE,SETFCAP$' \
	vctx caps /mix

# ---- machine-wide changes from root inside /d (no namespaces) ----
run_prog "the host gets past every capability check (control)" $B/caps_probe host
run_prog "root in /d: each machine-wide change is refused" vctx exec /d -- $B/caps_probe machine
hn=$(hostname)
check_eq "the host name is unchanged" "$(hostname)" "$hn"
check "no tmpfs was mounted on the host" sh -c "! grep -q ' /tmp/.caps_mnt ' /proc/mounts"
check "no block device node was made" test ! -e /tmp/.caps_blk
check_fail "rmmod vctx from inside fails" '' vctx exec /d -- rmmod vctx
check "vctx is still loaded" sh -c "lsmod | grep -q '^vctx '"
sleep 1000 & host=$!
check_out "isolation still holds afterwards: a host pid is absent in /d" "No such file" \
	vctx exec /d -- sh -c "cat /proc/$host/status 2>&1; true"

# ---- exec cannot gain beyond the mask ----
cp $B/caps_probe /tmp/suid_probe
chmod 4755 /tmp/suid_probe
check_out "control: a setuid-root binary run by nobody on the host gets root's set" \
	"^CapEff:[[:space:]]*$FULL_HEX" asnobody /tmp/suid_probe status
out=$(vctx exec /d -- su -s /bin/sh nobody -c '/tmp/suid_probe status')
check_out "in /d, nobody running it becomes euid 0" '^Uid:[[:space:]]+65534[[:space:]]+0' echo "$out"
check_eq "... and gains nothing beyond the mask (CapEff)" "$(echo "$out" | sed -n 's/^CapEff:[[:space:]]*//p')" "$DEFAULT_HEX"
check_out "... so sethostname still fails (EPERM)" '^sethostname 1$' echo "$out"
cp $B/caps_probe /tmp/fcap_probe
$B/caps_probe setcap /tmp/fcap_probe 200000 >"$T_OUT" 2>&1
rc=$?
if [ $rc -eq 2 ]; then
	t_skip "a file-capability binary gains nothing beyond the mask" \
		"no file system with xattrs in this kernel (TMPFS_XATTR, EXT2_FS_XATTR off)"
else
	# Either it runs with nothing (the bounding set drops SYS_ADMIN from
	# its permitted set), or, as its file capabilities carry the effective
	# bit, the kernel refuses the exec outright (EPERM: a capability-dumb
	# binary does not run with less than its file grants).
	out=$(vctx exec /d -- su -s /bin/sh nobody -c '/tmp/fcap_probe status' 2>&1)
	check_out "a file-capability binary (+SYS_ADMIN) gains nothing beyond the mask" \
		'^CapEff:[[:space:]]*0000000000000000$|[Oo]peration not permitted' echo "$out"
fi

# ---- +SYS_ADMIN with its own mount namespace ----
mkdir -p /tmp/capsmnt
before=$(cat /proc/mounts)
vctx create --caps default,+SYS_ADMIN /m
check_out "+SYS_ADMIN and --ns mnt: a tmpfs mounts inside" 'mounted' \
	vctx exec --ns mnt /m -- sh -c 'mount -t tmpfs none /tmp/capsmnt && grep -q " /tmp/capsmnt " /proc/mounts && echo mounted'
check_eq "the host's mount table is unchanged" "$(cat /proc/mounts)" "$before"
vctx create /dm
check_fail "the default mask with --ns mnt: mount is refused" '' \
	vctx exec --ns mnt /dm -- mount -t tmpfs none /tmp/capsmnt

# ---- enter --pid ----
vctx create /e
check_fail "enter --pid of a full-capability host process into /e is refused with a message" \
	"pid $host holds capabilities outside /e's mask \(.*SYS_ADMIN" vctx enter /e --pid "$host"
check_eq "... and it stays on the host" "$(vctx current --pid "$host")" "/"
su -s /bin/sh nobody -c 'exec sleep 1000' & nob=$!
until_ok 20 test "$(status_of $nob Uid | cut -f1)" = 65534
check "enter --pid of a process with no capabilities works" vctx enter /e --pid "$nob"
check_eq "... it is in /e" "$(vctx current --pid "$nob")" "/e"
kill "$nob"

# ---- narrowing with a member running ----
vctx create --caps default,+SYS_ADMIN /n
vctx exec /n -- sh -c "$B/caps_probe loop > /tmp/narrow.out" &
until_ok 50 grep -qx ok /tmp/narrow.out
check "a member of /n (+SYS_ADMIN) can sethostname" grep -qx ok /tmp/narrow.out
loop=$(sed -n 's/^pid //p' /tmp/narrow.out)
check_out "vctx caps -SYS_ADMIN narrows it" '^/n: default \(' vctx caps /n -SYS_ADMIN
check "the running member's next sethostname fails (EPERM)" until_ok 20 grep -qx EPERM /tmp/narrow.out
check_out "its credentials still list SYS_ADMIN (kept, not usable)" "^CapEff:[[:space:]]*00000000a02425fb" \
	cat "/proc/$loop/status"
vctx caps /n +SYS_ADMIN >/dev/null
# The member says it runs, the narrowing happens, then the member execs
# (markers, not sleeps: the debug kernel is slow enough to reorder them).
rm -f /tmp/narrow2.started /tmp/narrow2.go
vctx exec /n -- sh -c ': > /tmp/narrow2.started
	while [ ! -e /tmp/narrow2.go ]; do sleep 0.1; done
	cat /proc/self/status' > /tmp/narrow2.out &
sh1=$!
until_ok 300 test -e /tmp/narrow2.started
vctx caps /n -SYS_ADMIN >/dev/null
: > /tmp/narrow2.go
wait $sh1
check_eq "a member started before narrowing: its next exec gets the narrowed set" \
	"$(sed -n 's/^CapBnd:[[:space:]]*//p' /tmp/narrow2.out)" "$DEFAULT_HEX"
vctx kill -s KILL /n >/dev/null
vctx caps /n +SYS_ADMIN >/dev/null
vctx create --caps default,+SYS_ADMIN /n/c
check_eq "a child may have what its parent has" "$(mask_hex /n/c)" 00000000a02425fb
vctx caps /n -SYS_ADMIN >/dev/null
check_eq "narrowing a context narrows its children" "$(mask_hex /n/c)" "$DEFAULT_HEX"

# ---- bad input ----
check_status 2 "create --caps with an unknown name is a usage error" vctx create --caps FOO /x
check_fail "caps +FOO: unknown capability" "unknown capability 'FOO'" vctx caps /d +FOO
vctx create --caps CHOWN /p
vctx create /p/c
check_eq "a child asking for the default gets its parent's mask at most" "$(mask_hex /p/c)" 0000000000000001
check_fail "a mask wider than the parent's is refused" 'within the parent' vctx caps /p/c +SYS_ADMIN
vctx create /s
vctx seal /s
check_fail "a sealed context's mask is frozen" 'sealed context' vctx caps /s -KILL
check_fail "from inside, even with SYS_ADMIN, a context cannot change its own mask" 'not permitted' \
	vctx exec /all -- vctx caps / -KILL
vctx create /all/sub
check "from above, within its own mask, a context may narrow a child" \
	vctx exec /all -- vctx caps /sub -KILL
check_fail "no privilege: nobody cannot change a mask" 'not permitted' asnobody vctx caps /d -KILL
check_out "nobody can read a mask" '^/d: default' asnobody vctx caps /d
check_fail "without SYS_ADMIN in its mask, root in /d cannot create contexts" 'permission denied' \
	vctx exec /d -- vctx create /x
run_prog "raw SET_CAPS and CREATE caps with bad input (caps_probe abi)" $B/caps_probe abi

# ---- reboot(2) inside ----
check_out "reboot(CAD_OFF) from root in /d: EPERM" 'Operation not permitted' \
	vctx exec /d -- $B/caps_probe reboot cad_off
check_out "reboot(CAD_ON): EPERM" 'Operation not permitted' vctx exec /d -- $B/caps_probe reboot cad_on
check_out "reboot with bad magic: EINVAL" 'Invalid argument' vctx exec /d -- $B/caps_probe reboot restart 7
check_out "reboot with an unknown command: EINVAL" 'Invalid argument' vctx exec /d -- $B/caps_probe reboot bogus
check_out "reboot(RESTART) from nobody in /d: EPERM" 'Operation not permitted' \
	vctx exec /d -- su -s /bin/sh nobody -c "$B/caps_probe reboot restart"
vctx create /rb
vctx events -f > /tmp/events.out 2>&1 & ev=$!
vctx exec /rb -- sh -c "sleep 1000 & $B/caps_probe reboot restart; echo survived" > /tmp/rb.out 2>&1 &
until_ok 30 nprocs_ge /rb 1
check_out "vctx wait reports the reboot" 'empty after .*reboot requested' vctx wait --timeout 10s /rb
check "the rebooting process did not return" sh -c "! grep -q survived /tmp/rb.out"
check "its other process is gone too" nprocs_is /rb 0
check_out "vctx --json wait carries the reason" '"reason": *"reboot"' vctx --json wait --timeout 1s /rb
until_ok 20 grep -q 'reboot requested' /tmp/events.out
check_out "vctx events says reboot requested" '/rb: reboot requested \(pid [0-9]+ caps_probe\)' cat /tmp/events.out
vctx create /ht
vctx exec /ht -- $B/caps_probe reboot poweroff > /dev/null 2>&1
check_out "poweroff inside ends the context: halt requested" 'halt requested' vctx wait --timeout 10s /ht
vctx exec /rb -- true
check_out "after a restart the reason is history" '^/rb: empty after [^,]*ran\)$' vctx wait --timeout 1s /rb
kill $ev
check "the host keeps running" test -r /proc/uptime
vctx create /pidns
check_out "in its own pid namespace, the kernel decides (no SYS_BOOT in the mask: EPERM)" \
	'Operation not permitted' vctx exec --ns pid /pidns -- $B/caps_probe reboot restart

kill $host
# Leave no context behind (children first).
for c in /n/c /p/c /all/sub /d /all /mix /m /dm /e /n /p /s /rb /ht /pidns; do
	vctx kill -s KILL --grace 2s --then KILL "$c" >/dev/null 2>&1
	vctx wait --timeout 5s "$c" >/dev/null 2>&1
	vctx destroy "$c" >/dev/null 2>&1
done
check_eq "leaves no context behind" "$(vctx --json tree / | grep -c '"path"')" 1
t_end
