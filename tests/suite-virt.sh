#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Virtualized /proc views: inside a context /proc/uptime, /proc/loadavg,
# /proc/meminfo and sysinfo(2) are the context's; the host's are untouched;
# NOVIRT shows the host's and is inherited; rmmod restores the host's for
# everybody.
. /vctx/tests/lib/ktap.sh
t_begin virt
B=/vctx/bin

# awk-true: passes if the awk expression (on the given numbers) holds.
holds() { # EXPR A B C...: $1..$n are the numbers
	e=$1; shift
	echo "$@" | awk "{ exit !($e) }"
}
jfield() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -n 1; }
field() { vctx --json info "$1" 2>/dev/null | jfield "$2"; }
up() { cut -d' ' -f1 /proc/uptime; }
# LINE FIELD: a field of a /proc/loadavg line
lfield() { echo "$1" | cut -d' ' -f"$2"; }

check_out "vctx version reports the virt feature" '"virt"' vctx --json version

# --- uptime -----------------------------------------------------------
vctx create /v
h1=$(up)
c=$(vctx exec /v -- cut -d' ' -f1 /proc/uptime)
h2=$(up)
created=$(field /v created_ns)
check "a fresh context's /proc/uptime starts near 0 ($c s)" holds '$1 >= 0 && $1 < 5' "$c"
check "host /proc/uptime is the host's: creation + context uptime ($created ns + $c s in [$h1, $h2])" \
	holds '$1 - 0.6 <= $2 / 1e9 + $3 && $2 / 1e9 + $3 <= $4 + 0.6' "$h1" "$created" "$c" "$h2"
sleep 2
c2=$(vctx exec /v -- cut -d' ' -f1 /proc/uptime)
check "the context's uptime grows ($c -> $c2)" holds '$2 - $1 >= 1.5 && $2 - $1 < 10' "$c" "$c2"
# A time namespace's boottime offset (10 days) moves the context's view as
# it moves the host's (uptime_proc_show and do_sysinfo add it). unshare
# needs CAP_SYS_ADMIN: a context with every capability.
vctx create --caps all /vt
tu=$(vctx exec /vt -- /vctx/bin/timens_uptime 2>&1)
check "in a time namespace +10 days, the context's /proc/uptime is 10 days further ($tu)" \
	holds '$2 >= 863998 && $2 <= 864002' $tu
check "in a time namespace +10 days, the context's sysinfo uptime is 10 days further ($tu)" \
	holds '$4 >= 863998 && $4 <= 864002' $tu
vctx destroy /vt
tu=$(/vctx/bin/timens_uptime 2>&1)
check "on the host too ($tu)" holds '$2 >= 863998 && $2 <= 864002 && $4 >= 863998 && $4 <= 864002' $tu
ncpu=$(grep -c '^processor' /proc/cpuinfo)
vctx exec /v -- cat /proc/uptime >/tmp/v.up
check "its idle time is scaled: at most uptime x CPUs ($(cat /tmp/v.up), $ncpu CPUs)" \
	holds '$2 <= $1 * $3 + 0.05' "$(cat /tmp/v.up)" "$ncpu"
check "the host's idle time is not scaled down (host idle > context idle)" \
	holds '$2 > $4' "$(cat /proc/uptime)" "$(cat /tmp/v.up)"

vctx exec /v -- sh -c "cat /proc/uptime; $B/sysinfo" >/tmp/v.si
u=$(head -n 1 /tmp/v.si | cut -d' ' -f1)
si=$(sed -n 's/^uptime //p' /tmp/v.si)
check "sysinfo() uptime inside agrees with /proc/uptime inside ($si vs $u)" \
	holds '$1 >= $2 && $1 <= $2 + 1.5' "$si" "$u"
h1=$(up)
hsi=$($B/sysinfo | sed -n 's/^uptime //p')
h2=$(up)
check "sysinfo() uptime on the host is the host's ($hsi in [$h1, $h2 + 1])" \
	holds '$1 >= $2 && $1 <= $3 + 1' "$hsi" "$h1" "$h2"
check_out "busybox uptime inside says 'up 0 min'" "up 0 min" vctx exec /v -- uptime
# Digit by digit: both fields are whole seconds and truncated hundredths
# (the remainder of each division, not a stale one), the uptime between
# two readings of vctx stat, the idle time the host's scaled by
# context/host uptime between two host readings.
stat_up_ns() { vctx --json stat /v | tr -d ' \n' | sed 's/.*"uptime_ns":\([0-9]*\).*/\1/'; }
s1=$(stat_up_ns)
hu1=$(cat /proc/uptime)
cu=$(vctx exec /v -- cat /proc/uptime)
hu2=$(cat /proc/uptime)
s2=$(stat_up_ns)
echo "    # stat $s1 ns, host '$hu1', inside '$cu', host '$hu2', stat $s2 ns"
check_out "/proc/uptime inside is two numbers with two decimals ($cu)" \
	'^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}$' echo "$cu"
# In hundredths, as integers: S.CC -> S * 100 + CC.
cs() { echo "$1" | awk -F. '{ printf "%d", $1 * 100 + $2 }'; }
check "its uptime, in hundredths, is vctx stat's truncated ($s1 ns <= $(cs "${cu% *}") cs <= $s2 ns)" \
	holds 'int($1 / 1e7) <= $2 && $2 <= int($3 / 1e7)' "$s1" "$(cs "${cu% *}")" "$s2"
# idle = host idle x up / host up, each taken between the two host
# readings (idle grows by at most 0.01 s per CPU within a hundredth).
idle_within() { # C_UP C_IDLE H1_UP H1_IDLE H2_UP H2_IDLE NCPU
	echo "$@" | awk '{ lo = $4 * $1 / ($5 + 0.01) - 0.011
		hi = ($6 + 0.01 * $7) * ($1 + 0.01) / $3 + 0.011
		exit !($2 >= lo && $2 <= hi) }'
}
check "its idle time is the host's x context/host uptime, to the hundredth ($cu; host $hu1 .. $hu2)" \
	idle_within "${cu% *}" "${cu#* }" "${hu1% *}" "${hu1#* }" "${hu2% *}" "${hu2#* }" "$ncpu"

# --- loadavg ----------------------------------------------------------
vctx create -p /p/busy
vctx create /p/idle
for _ in 1 2 3; do vctx exec /p/busy -- sh -c 'while :; do :; done' & done
vctx exec /p/idle -- sleep 1000 &
idle=$!
sleep 31
lb=$(vctx exec /p/busy -- cat /proc/loadavg)
lp=$(vctx exec /p -- cat /proc/loadavg)
li=$(vctx exec /p/idle -- cat /proc/loadavg)
lh=$(cat /proc/loadavg)
echo "    # /p/busy: $lb   /p: $lp   /p/idle: $li   host: $lh"
check "3 busy loops for 30 s: /p/busy's 1-min load rises towards 3 ($(lfield "$lb" 1))" \
	holds '$1 >= 0.7 && $1 <= 3.5' "$(lfield "$lb" 1)"
check "its 5- and 15-minute loads rise more slowly" holds '$2 < $1 && $3 <= $2 && $2 > 0' \
	"$(lfield "$lb" 1)" "$(lfield "$lb" 2)" "$(lfield "$lb" 3)"
check "the parent /p carries its subtree's load ($(lfield "$lp" 1))" holds '$1 >= 0.7' "$(lfield "$lp" 1)"
check "the sibling /p/idle stays near 0 ($(lfield "$li" 1))" holds '$1 < 0.3' "$(lfield "$li" 1)"
rb=$(lfield "$lb" 4)
check "/p/busy: runnable/total tasks count its 3 loops and cat ($rb)" \
	holds '$1 >= 3 && $1 <= 4 && $2 == 4' "${rb%/*}" "${rb#*/}"
ri=$(lfield "$li" 4)
check_eq "/p/idle: 1 runnable (cat) of 2 tasks (sleep, cat)" "$ri" "1/2"
rh=$(lfield "$lh" 4)
check "the host's /proc/loadavg is the host's: all tasks (${rh#*/} > 20)" holds '$1 > 20' "${rh#*/}"
check "the host's 1-min load counts the busy loops too" holds '$1 >= 0.7' "$(lfield "$lh" 1)"
# (sh stays: busybox sh would exec its last command in place of itself)
# The load moves every 5 s (the sampler's tick): /proc/loadavg is read
# before and after sysinfo(), and sysinfo() must agree with one of them
# (one tick at most falls between the three reads).
vctx exec /p/busy -- sh -c "cat /proc/loadavg; $B/sysinfo; cat /proc/loadavg; true" >/tmp/b.si
sl=$(sed -n 's/^load1 //p' /tmp/b.si)
fl0=$(head -n 1 /tmp/b.si | cut -d' ' -f1)
fl=$(tail -n 1 /tmp/b.si | cut -d' ' -f1)
check "sysinfo() load inside agrees with /proc/loadavg inside ($sl/65536 vs $fl0, $fl)" \
	holds '($1 / 65536 - $2 < 0.02 && $2 - $1 / 65536 < 0.02) || ($1 / 65536 - $3 < 0.02 && $3 - $1 / 65536 < 0.02)' \
	"$sl" "$fl0" "$fl"
sp=$(sed -n 's/^procs //p' /tmp/b.si)
rs=$(tail -n 1 /tmp/b.si | cut -d' ' -f4)
check_eq "sysinfo() procs inside is the subtree's task count, as /proc/loadavg says" "$sp" "${rs#*/}"
# vctx stat (from the host) shows the load and uptime the files show inside
# (the load moves every 5 s: a reading that straddles a tick is retried).
# The uptime stat reports is read after the one inside, by no more than
# the host's uptime moved across both reads (each is a CLI start, which
# takes seconds on a loaded machine).
stat_agrees() {
	_t0=$(up)
	vctx exec /p/busy -- sh -c 'cat /proc/loadavg /proc/uptime; true' >/tmp/b.files
	vctx --json stat /p/busy | tr -d ' \n' >/tmp/b.stat
	_t1=$(up)
	_fl=$(head -n 1 /tmp/b.files | cut -d' ' -f1)
	_fu=$(sed -n 2p /tmp/b.files | cut -d' ' -f1)
	_sl=$(sed 's/.*"loadavg":\[\([0-9.]*\),.*/\1/' /tmp/b.stat)
	_su=$(sed 's/.*"uptime_ns":\([0-9]*\).*/\1/' /tmp/b.stat)
	echo "    # inside: load $_fl uptime $_fu; vctx stat: load $_sl uptime_ns $_su; host $_t0 -> $_t1"
	holds '$1 - $2 < 0.011 && $2 - $1 < 0.011 && $4 / 1e9 >= $3 && $4 / 1e9 - $3 <= $6 - $5 + 0.02' \
		"$_fl" "$_sl" "$_fu" "$_su" "$_t0" "$_t1"
}
check "vctx stat shows the 1-min load and the uptime /proc shows inside" until_ok 5 stat_agrees
vctx kill /p/busy >/dev/null
out=$(vctx exec /v -- sh -c 'true & p=$!; wait; read l </proc/loadavg; echo "$p $l"')
check_eq "the last field of /proc/loadavg is the latest pid of the subtree" \
	"$(echo "$out" | cut -d' ' -f1)" "$(echo "$out" | cut -d' ' -f6)"

# --- meminfo ----------------------------------------------------------
hm=$(sed -n 's/^MemTotal: *//p' /proc/meminfo)
check_eq "without an rss limit, MemTotal inside is the host's" \
	"$(vctx exec /v -- sed -n 's/^MemTotal: *//p' /proc/meminfo)" "$hm"
if vctx --json version | grep -q '"limits"'; then
	vctx create /m
	vctx limit /m rss=64M
	check_out "with rss=64M, free inside reports 64 MiB total" "^Mem: +65536 " vctx exec /m -- free
	check_out "with rss=64M, MemTotal inside is 65536 kB" "^MemTotal: +65536 kB" \
		vctx exec /m -- cat /proc/meminfo
	check_out "with rss=64M, sysinfo() totalram inside is 64 MiB" "^totalram 67108864$" \
		vctx exec /m -- "$B/sysinfo"
	vctx create /m/sub
	check_out "a child context under the limit sees it too" "^MemTotal: +65536 kB" \
		vctx exec /m/sub -- cat /proc/meminfo
else
	t_skip "with rss=64M, free inside reports 64 MiB total" "no rss limits (VCTX_FEAT_LIMITS)"
	t_skip "with rss=64M, MemTotal inside is 65536 kB" "no rss limits (VCTX_FEAT_LIMITS)"
	t_skip "with rss=64M, sysinfo() totalram inside is 64 MiB" "no rss limits (VCTX_FEAT_LIMITS)"
	t_skip "a child context under the limit sees it too" "no rss limits (VCTX_FEAT_LIMITS)"
fi

# --- NOVIRT -----------------------------------------------------------
vctx create --novirt /nv
vctx create /nv/child
check_out "a NOVIRT context says so" "novirt" vctx --json info /nv
check_out "a context created below NOVIRT inherits it" "novirt" vctx --json info /nv/child
sleep 1
c=$(vctx exec /nv/child -- cut -d' ' -f1 /proc/uptime)
check "inside NOVIRT, /proc/uptime is the host's ($c vs $(up))" holds '$2 - $1 < 1 && $1 > 5' "$c" "$(up)"
t=$(vctx exec /nv/child -- cut -d' ' -f4 /proc/loadavg)
check "inside NOVIRT, /proc/loadavg counts all tasks (${t#*/})" holds '$1 > 20' "${t#*/}"

# --- rmmod --------------------------------------------------------------
# (each ftrace unregister takes ~200 ms under TCG: read once the module is gone)
vctx exec /v -- sh -c 'while [ -d /sys/module/vctx ]; do sleep 0.2; done
	cat /proc/uptime; cat /proc/loadavg' >/tmp/after.out 2>&1 &
waiter=$!
# Not a fixed sleep: on a loaded host the CLI may need longer to enter.
until_ok 100 nprocs_ge /v 1
check "rmmod with a process reading /proc in a context" rmmod vctx
wait $waiter
a=$(head -n 1 /tmp/after.out | cut -d' ' -f1)
check "after rmmod, a former member sees the host's uptime ($a vs $(up))" holds '$2 - $1 < 1 && $1 > 20' "$a" "$(up)"
t=$(tail -n 1 /tmp/after.out | cut -d' ' -f4)
check "after rmmod, a former member sees the host's task count (${t#*/})" holds '$1 > 20' "${t#*/}"
check "insmod again" insmod /lib/modules/vctx.ko

# The meminfo and sysinfo replacements read the rss, which allocates and may
# sleep: they hold a module reference meanwhile, so rmmod is refused
# (EAGAIN) and retried, never freeing text a reader sleeps in.
vctx create /mr && vctx limit /mr rss=64M >/dev/null
for i in 1 2; do
	vctx exec /mr -- sh -c "while :; do sed -n 's/^MemTotal: *//p' /proc/meminfo >/tmp/mr.$i.new
		mv /tmp/mr.$i.new /tmp/mr.$i; $B/sysinfo >/dev/null; done" \
		</dev/null >/dev/null 2>&1 &
	eval "mr$i=\$!"
done
until_ok 100 nprocs_ge /mr 2
# Both readers are in their loops (each has written a reading).
until_ok 300 test -s /tmp/mr.1
until_ok 300 test -s /tmp/mr.2
tries=0
until rmmod vctx 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -lt 200 ] || break
	sleep 0.05
done
check "rmmod while members read meminfo and sysinfo under an rss limit ($tries refused)" \
	sh -c '[ ! -d /sys/module/vctx ]'
# A reading taken after the unload (the loops go on without the module;
# one that read before it may land just after, so wait for the host's).
rm -f /tmp/mr.1
until_ok 300 grep -qx "$hm" /tmp/mr.1
check_eq "... and a former member's reading is then the host's MemTotal" "$(cat /tmp/mr.1)" "$hm"
kill "$mr1" "$mr2" 2>/dev/null; wait "$mr1" "$mr2" 2>/dev/null
check "insmod once more" insmod /lib/modules/vctx.ko
kill "$idle" 2>/dev/null
t_end
