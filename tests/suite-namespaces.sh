#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Namespaces and seal (issue 7): a context as a container — exec --ns
# creates the namespaces of its first process (PID 1, its own /proc, its
# own host name), a second exec and enter join them, --no-ns does not,
# children add namespaces of their own, the namespaces are gone once the
# context empties and is destroyed (listns(2) counts), sealing freezes a
# context against its own processes; the raw ioctl rules (ns_abi.c).
. /vctx/tests/lib/ktap.sh
t_begin namespaces

B=/vctx/bin
cd /tmp || exit 1
exec 2>/tmp/namespaces.stderr

# ns_ino PATH TYPE: the inode vctx --json info PATH reports for TYPE.
ns_ino() {
	vctx --json info "$1" | tr -d ' \n' | sed 's/},{/}\n{/g' |
		sed -n "s/.*\"type\":\"$2\",\"ino\":\([0-9]*\).*/\1/p" | head -n 1
}
# ns_own PATH TYPE: true/false: held by PATH itself.
ns_own() {
	vctx --json info "$1" | tr -d ' \n' | sed 's/},{/}\n{/g' |
		sed -n "s/.*\"type\":\"$2\",\"ino\":[0-9]*,\"own\":\([a-z]*\).*/\1/p" | head -n 1
}
# pino PID TYPE: the inode of /proc/PID/ns/TYPE.
pino() { stat -L -c %i "/proc/$1/ns/$2"; }
features() { vctx --json version | tr -d ' \n'; }
first_pid() { vctx --json ps "$1" | sed -n 's/^ *"pid": \([0-9]*\),$/\1/p' | sort -n | tail -n 1; }

HOST=$(hostname)
COUNT0=$($B/ns_abi count)

check_out "the module reports the namespaces and seal features" '"namespaces".*"seal"|"seal".*"namespaces"' features

# ---------------------------------------------------------------- a container

vctx exec -p --ns uts,ipc,pid,net,mnt --hostname web1 /box -- \
	sh -c 'echo "host=$(hostname) pid=$$ procs=$(ls /proc | grep -c "^[0-9]") comm1=$(cat /proc/1/comm)"; exec sleep 300' \
	>/tmp/box.out 2>&1 &
BOXCLI=$!
check "exec --ns uts,ipc,pid,net,mnt --hostname web1 starts" until_ok 100 grep -q host= /tmp/box.out
check_out "inside: the host name is web1" 'host=web1 ' cat /tmp/box.out
check_eq "outside: the host name is unchanged" "$(hostname)" "$HOST"
check_out "inside: the first process is PID 1 of a new pid namespace" ' pid=1 ' cat /tmp/box.out
check_out "inside: a fresh /proc shows only the container's processes" 'procs=[1-6] comm1=sh' cat /tmp/box.out
check "the container's processes are members of /box" until_ok 50 nprocs_ge /box 2
P1=$(first_pid /box)
check_out "vctx info shows the namespaces" 'namespaces: .*uts:\[[0-9]+\].*pid:\[[0-9]+\]' vctx info /box
for t in uts ipc net mnt; do
	check_eq "info: $t inode is PID 1's" "$(ns_ino /box $t)" "$(pino "$P1" $t)"
done
check_eq "info: pid inode is PID 1's" "$(ns_ino /box pid)" "$(pino "$P1" pid)"
check_eq "info --json: own namespaces" "$(ns_own /box uts)" true
check "the container's net namespace is not the host's" [ "$(ns_ino /box net)" != "$(pino 1 net)" ]

# A second exec joins them: same host name, same namespace inodes.
J=$(vctx exec /box -- sh -c 'echo "$(hostname) $$ $(stat -L -c %i /proc/self/ns/uts) $(stat -L -c %i /proc/self/ns/pid) $(stat -L -c %i /proc/self/ns/net) $(stat -L -c %i /proc/self/ns/mnt) $(stat -L -c %i /proc/self/ns/ipc)"')
set -- $J
check_eq "second exec: host name web1" "$1" web1
check "second exec: a process of the container's pid namespace (not PID 1)" [ "${2:-0}" -gt 1 ]
check_eq "second exec: same uts, pid, net, mnt, ipc inodes" "$3 $4 $5 $6 $7" \
	"$(pino "$P1" uts) $(pino "$P1" pid) $(pino "$P1" net) $(pino "$P1" mnt) $(pino "$P1" ipc)"
check_out "second exec: sees the container's /proc (its PID 1 is the sleep)" '^sleep$' vctx exec /box -- cat /proc/1/comm
check_status 7 "second exec: the exit status is passed on" vctx exec /box -- sh -c 'exit 7'

J=$(vctx exec --no-ns /box -- sh -c 'echo "$(hostname) $(stat -L -c %i /proc/self/ns/net)"')
check_eq "exec --no-ns: host name and net namespace of the host" "$J" "$HOST $(pino 1 net)"
check_out "exec --no-ns: still a member of /box" '^/$' vctx exec --no-ns /box -- vctx current

check_out "enter (a shell) joins the namespaces" '^web1$' sh -c 'echo hostname | SHELL=/bin/sh vctx enter /box'
# A process without capabilities: the default mask of /box lets it in.
su -s /bin/sh nobody -c 'exec sleep 300' &
S=$!
until_ok 50 grep -q '^Uid:.*65534' /proc/$S/status
check_out "enter --pid: the process joins the context only (a note says so)" 'not its namespaces' vctx enter /box --pid $S
check_eq "enter --pid: its namespaces are unchanged" "$(pino $S uts)" "$(pino 1 uts)"
kill $S; wait $S 2>/dev/null

check_fail "exec --ns into a context that holds them: refused" 'already holds' \
	vctx exec --ns uts /box -- true
check_fail "--hostname without a uts namespace: refused" 'needs a new uts' \
	vctx exec -p --ns net --hostname x /box2 -- true
vctx destroy /box2 >/dev/null 2>&1

# A child adds a namespace of its own and inherits the others.
vctx exec -p --ns net /box/sub -- sh -c 'echo "sub $(hostname) $(stat -L -c %i /proc/self/ns/net)"; exec sleep 300' >/tmp/sub.out 2>&1 &
SUB=$!
until_ok 100 grep -q sub /tmp/sub.out
set -- $(cat /tmp/sub.out)
check_eq "a child context with --ns net: inherits the host name" "${2:-}" web1
check "a child context with --ns net: its own net namespace" [ "${3:-0}" != "$(pino "$P1" net)" ]
check_eq "info: the child holds net, inherits uts" "$(ns_own /box/sub net) $(ns_own /box/sub uts)" "true false"
check_eq "info: the inherited uts is the container's" "$(ns_ino /box/sub uts)" "$(pino "$P1" uts)"

check_out "the namespaces are counted while the container runs" . $B/ns_abi count
check "more namespaces exist than before" [ "$($B/ns_abi count)" != "$COUNT0" ]
check_out "kill /box" 'signalled' vctx kill -s KILL /box
check_out "wait /box" empty vctx wait --timeout 20s /box
wait $BOXCLI $SUB 2>/dev/null
check_eq "emptied: /box holds no namespaces" "$(ns_ino /box uts)" ""
check "destroy /box/sub and /box" sh -c 'vctx destroy /box/sub && vctx destroy /box'
check "the namespaces are gone (listns counts as before)" until_ok 100 sh -c "[ \"\$($B/ns_abi count)\" = \"$COUNT0\" ]"
check_eq "after destroy: counts" "$($B/ns_abi count)" "$COUNT0"

# Namespaces recorded on a context that never had a member go with destroy.
vctx create /held
vctx exec /held -- true
check "a member process with --ns uts exits at once" vctx exec --ns uts,net /held -- true
check_eq "emptied at once: nothing held" "$(ns_ino /held uts)" ""
vctx destroy /held
check "the module holds nothing: counts as before" until_ok 100 sh -c "[ \"\$($B/ns_abi count)\" = \"$COUNT0\" ]"

# The other types: user (root mapped to root), cgroup, time.
vctx exec -p --ns user,uts --hostname u1 /u -- sh -c \
	'echo "$(id -u) $(hostname) $(stat -L -c %i /proc/self/ns/user)"; sleep 1000' >/tmp/u.out &
upid=$!
until_ok 100 grep -q . /tmp/u.out
check_out "exec --ns user,uts: root inside, mapped; the host name set in its uts" '^0 u1 ' cat /tmp/u.out
uino=$(cut -d' ' -f3 /tmp/u.out)
check_eq "the context holds that user namespace" "$(ns_ino /u user)" "$uino"
check "it is not the host's user namespace" [ "$uino" != "$(pino 1 user)" ]
check_out "a second exec joins it (same user namespace, host name u1)" "^$uino u1\$" \
	vctx exec /u -- sh -c 'echo "$(stat -L -c %i /proc/self/ns/user) $(hostname)"'
vctx kill -s KILL /u >/dev/null 2>&1
wait $upid 2>/dev/null
check_out "exec --ns cgroup,time: runs (as a child, for the time namespace)" '^ok$' \
	vctx exec -p --ns cgroup,time /t -- echo ok
vctx destroy /u; vctx destroy /t

# The vctx parent of a pid-namespace container passes SIGTERM on to its
# PID 1, as a service manager stopping the container expects. (The kernel
# ignores a signal to a namespace's init that has no handler for it, even
# from outside, SIGKILL apart: this PID 1 traps TERM, as services do.)
vctx exec -p --ns pid,mnt /sig -- sh -c 'trap "exit 7" TERM; while :; do sleep 0.2; done' &
sp=$!
until_ok 100 nprocs_ge /sig 3
kill -TERM $sp
wait $sp
check_eq "SIGTERM to the vctx parent reaches PID 1 (its trap exits 7)" "$?" 7
check "and the container is empty" until_ok 50 nprocs_is /sig 0
vctx destroy /sig

# Held by the module alone (no process is in them): destroy and rmmod
# release them.
vctx create /keep
check "a context holds fresh namespaces no process is in" $B/ns_abi hold /keep
check "the module alone keeps them alive (counted)" [ "$($B/ns_abi count)" != "$COUNT0" ]
check_eq "info shows them held" "$(ns_own /keep uts) $(ns_own /keep ipc)" "true true"
check "destroy releases them" vctx destroy /keep
check "after destroy: counts as before" until_ok 100 sh -c "[ \"\$($B/ns_abi count)\" = \"$COUNT0\" ]"
vctx create /keep
$B/ns_abi hold /keep
check "rmmod with a context holding namespaces" rmmod vctx
check "rmmod released them: counts as before" until_ok 100 sh -c "[ \"\$($B/ns_abi count)\" = \"$COUNT0\" ]"
check "insmod again" insmod /lib/modules/vctx.ko

# ---------------------------------------------------------------- seal

# Root inside must hold SYS_ADMIN for the seal, not the mask, to be what refuses.
vctx create --caps all /sealed
check_out "seal /sealed" 'sealed' vctx seal /sealed
check_out "info shows it sealed" 'flags: *sealed' vctx info /sealed
check_fail "inside: setting spectator is refused" 'permission denied' \
	vctx exec /sealed -- vctx flags / --set spectator
check_fail "inside: any flag change of the sealed context is refused" 'permission denied' \
	vctx exec /sealed -- vctx flags / --set ephemeral
check_fail "inside: sealing is irreversible (no flag to clear it)" 'unknown flag' \
	vctx exec /sealed -- vctx flags / --clear sealed
check_fail "inside: a spectator child cannot be created" 'permission denied' \
	vctx exec /sealed -- vctx create --spectator /peek
check "inside: an ordinary child can" vctx exec /sealed -- vctx create /kid
check_fail "inside: a child cannot become a spectator" 'permission denied' \
	vctx exec /sealed -- vctx flags /kid --set spectator
check "inside: a child can be made ephemeral (not loosening)" \
	vctx exec /sealed -- vctx flags /kid --set ephemeral
check_fail "inside: its namespaces cannot change" 'permission denied' \
	vctx exec /sealed -- vctx exec --ns uts / -- true
check "inside: a child may add namespaces" vctx exec /sealed -- vctx exec --ns uts /kid -- true
check_out "from the host: setting spectator works" 'spectator' vctx flags /sealed --set spectator
check_out "from the host: clearing it works" '^sealed$' vctx flags /sealed --clear spectator
check_fail "sealing needs CAP_SYS_ADMIN" 'permission denied' asnobody vctx seal /kid
check_fail "changing flags needs CAP_SYS_ADMIN" 'permission denied' asnobody vctx flags /kid --set ephemeral
check_fail "seal of a missing context: no such context" 'no such context' vctx seal /nope
check_fail "flags --set bogus: unknown flag" 'unknown flag' vctx flags /kid --set bogus
if features | grep -q '"limits"'; then
	check "from the host: vctx limit /sealed nproc=100" vctx limit /sealed nproc=100
	check_fail "inside: raising its limit is refused" 'permission denied' \
		vctx exec /sealed -- vctx limit / nproc=1000
	check_fail "inside: removing it (max) is refused" 'permission denied' \
		vctx exec /sealed -- vctx limit / nproc=max
	check "inside: lowering it is allowed" vctx exec /sealed -- vctx limit / nproc=90
	check_out "from the host: raising works" '1000' vctx limit /sealed nproc=1000
else
	t_skip "inside: vctx limit is refused" "module without the limits feature"
	t_skip "from the host: vctx limit works" "module without the limits feature"
fi
vctx create --caps all /open
check_out "an unsealed context changes its own flags as before" 'spectator' \
	vctx exec /open -- vctx flags / --set spectator
vctx destroy /open
vctx destroy /sealed/kid 2>/dev/null
vctx destroy /sealed

run_prog "raw ioctl rules: SET_FLAGS, SEAL, NS_SET, NS_GET, NS_OPEN" $B/ns_abi

LEFT=$(vctx --json tree / | grep -c '"path"')
check_eq "leaves no context behind" "$LEFT" 1
if [ -s /tmp/namespaces.stderr ]; then
	echo "    # stderr:"; sed 's/^/    #   /' /tmp/namespaces.stderr
fi
t_end
