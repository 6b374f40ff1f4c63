#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Accounting, limits and events: counters against ground truth (/proc/<pid>/
# stat, status, io) after known workloads, hierarchical sums, counters that
# never go back, nproc/nthreads limits (exactly the allowed processes start,
# then EAGAIN; a limit on /a constrains /a/b; enter into a full context),
# the soft rss limit, limit events (vctx events), checkpoint windows, the
# final record of vctx wait (also for ephemeral contexts), vctx stat, limit
# and top as a user runs them, and the raw ABI (tests/progs/acct_abi.c) and
# event reader (tests/progs/evreader.c).
#
# Tolerances against /proc (Documentation/admin-guide.rst): CPU times within
# 10% + 20 ms per process (USER_HZ ticks); RSS within 5% + 2 MiB (per-CPU
# counter batching); I/O bytes within 64 KiB (the programs' own output).
. /vctx/tests/lib/ktap.sh
t_begin accounting

B=/vctx/bin
MiB=1048576
cd /tmp || exit 1
exec 2>/tmp/accounting.stderr

# ---- helpers (their variables start with _: check* use d, re, rc, want) ----

reap() { for _p in "$@"; do kill -9 "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done; }

# jtop KEY: a top-level scalar of the JSON document on stdin.
jtop() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -n 1; }
# jin OBJ KEY: KEY inside the first object called OBJ ("self", "subtree",
# "totals", "nproc", ...) of the pretty JSON document on stdin.
jin() {
	awk -v o="\"$1\": {" -v k="\"$2\":" '
		index($0, o) { inside = 1; next }
		inside && /^ *}/ { exit }
		inside && index($0, k) == index($0, "\"") { v = $2; gsub(/[",]/, "", v); print v; exit }'
}
# st PATH OBJ KEY: KEY of OBJ in vctx --json stat PATH.
st() { vctx --json stat "$1" 2>/dev/null | jin "$2" "$3"; }
# lim PATH RES KEY: held, peak, limit or failures of a limit.
lim() { st "$1" "$2" "$3"; }
# proc_stat PID FIELD: a field of /proc/PID/stat (1-based, after the comm).
proc_stat() { sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f$(($2 - 2)); }
# proc_kb PID KEY: a "KEY: N kB" figure of /proc/PID/status.
proc_kb() { sed -n "s/^$2:[^0-9]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
# proc_io PID KEY: a figure of /proc/PID/io.
proc_io() { sed -n "s/^$2: //p" "/proc/$1/io"; }
# near GOT WANT ABS PCT: |GOT - WANT| <= ABS + WANT * PCT / 100.
near() {
	_d=$(($1 - $2)); [ "$_d" -ge 0 ] || _d=$((-_d))
	[ "$_d" -le $(($3 + $2 * $4 / 100)) ]
}
# lim_ge PATH RES KEY N: a limit figure is at least N (for until_ok).
lim_ge() { _v=$(lim "$1" "$2" "$3"); [ -n "$_v" ] && [ "$_v" -ge "$4" ]; }
# check_near DESC GOT WANT ABS PCT
check_near() {
	if [ -n "$2" ] && [ -n "$3" ] && near "$2" "$3" "$4" "$5"; then t_ok "$1"
	else t_notok "$1"; echo "    # got '$2', wanted '$3' within $4 + $5%"; fi
}
# check_ge DESC GOT MIN
check_ge() {
	if [ -n "$2" ] && [ "$2" -ge "$3" ]; then t_ok "$1"; else t_notok "$1"; echo "    # got '$2', wanted >= $3"; fi
}
# cleanup PATH...: kill the subtrees, destroy them (deepest first).
cleanup() {
	for _c in "$@"; do vctx kill -s KILL "$_c" >/dev/null 2>&1; done
	for _c in "$@"; do until_ok 50 nprocs_is "$_c" 0; done
	for _c in "$@"; do
		for _x in $(vctx --json tree "$_c" 2>/dev/null | sed -n 's/^ *"path": "\(\/..*\)",$/\1/p' | tac); do
			vctx destroy "$_x" >/dev/null 2>&1
		done
	done
}

# ------------------------------------------------------- the module speaks it

feat=$(vctx --json version | tr -d ' \n')
case $feat in
*'"accounting","limits","events"'*) check_eq "vctx version: accounting, limits and events" ok ok ;;
*)
	check_eq "vctx version: accounting, limits and events" "$feat" "...accounting,limits,events..."
	for s in counters hierarchy limits events wait top abi evreader; do
		t_skip "$s" "the module does not implement accounting"
	done
	t_end
	exit
	;;
esac

# ------------------------------------------------------------ vctx stat

vctx create /s
check_out "stat /s: a key: value block" '^uptime: +[0-9]' vctx stat /s
check_out "stat /s: a table of counters, self and subtree" '^forks +0 +0$' vctx stat /s
check_out "stat /s: the limits, max when unset" '^nproc +0 +0 +max +0$' vctx stat /s
check_out "stat --json: limits are \"max\"" '"limit": "max",' vctx --json stat /s
sleep 1.1
check_ge "stat --json: uptime_ns = now - created, >= 1 s after creation" \
	"$(vctx --json stat /s | jtop uptime_ns)" 1000000000
check_out "stat --json has loadavg" '"loadavg": \[' vctx --json stat /s
check_fail "stat of a missing context: no such context" '^vctx: /nope: no such context' vctx stat /nope
check_out "nobody can stat" '^path: +/s$' asnobody vctx stat /s
vctx destroy /s

# -------------------------------------------------- counters vs ground truth

# Forks and exits: forkn 25 forks 25 children that exit.
vctx create /fk
check_out "forkn 25 in /fk" '^forked 25 failed 0$' vctx exec /fk -- $B/forkn 25
check_eq "/fk: forks 25" "$(st /fk self forks)" 25
check_eq "/fk: exits 26 (the children and forkn)" "$(st /fk self exits)" 26
check_eq "/fk: execs 1 (vctx exec became forkn after entering)" "$(st /fk self execs)" 1
check_eq "/fk: no process now" "$(st /fk self processes)" 0
check_out "stat /fk text: forks 25 25" '^forks +25 +25$' vctx stat /fk
# execs: a loop in sh forks and execs each program.
check "sh runs forkn 0 three times in /fk" vctx exec /fk -- sh -c "for i in 1 2 3; do $B/forkn 0 >/dev/null; done"
check_eq "/fk: forks 28 (25 + 3)" "$(st /fk self forks)" 28
check_eq "/fk: execs 5 (forkn, sh, 3 forkn)" "$(st /fk self execs)" 5
check_eq "/fk: exits 30" "$(st /fk self exits)" 30
cleanup /fk

# CPU: two burners wait in the root, are moved into /cpu (bringing none of
# their past), then burn 800 ms each and sleep; compare with what /proc says
# they used since the move.
# enter --pid of host root processes: the mask must allow what they hold
vctx create --caps all /cpu
$B/burn 800 wait >/tmp/burn1.out &
P1=$!
$B/burn 800 wait >/tmp/burn2.out &
P2=$!
check "two burners wait in the root" until_ok 100 sh -c 'grep -q waiting /tmp/burn1.out && grep -q waiting /tmp/burn2.out'
check "vctx enter moves them into /cpu" sh -c "vctx enter /cpu --pid $P1 && vctx enter /cpu --pid $P2"
# ticks PID FIELD...: the sum of /proc/PID/stat fields, in ms (USER_HZ 100).
ticks() { _p=$1 _t=0; shift; for _f in "$@"; do _t=$((_t + $(proc_stat "$_p" "$_f"))); done; echo $((_t * 10)); }
u0=$(( $(ticks $P1 14) + $(ticks $P2 14) ))
t0=$(( $(ticks $P1 14 15) + $(ticks $P2 14 15) ))
check_near "/cpu: after the move it counts none of their past CPU" \
	"$(( ($(st /cpu self cpu_user_ns) + $(st /cpu self cpu_system_ns)) / 1000000 ))" 0 20 0
kill -USR1 $P1 $P2
check "they burn 800 ms each" until_ok 300 sh -c 'grep -q done /tmp/burn1.out && grep -q done /tmp/burn2.out'
ut=$(( $(ticks $P1 14) + $(ticks $P2 14) - u0 ))
tt=$(( $(ticks $P1 14 15) + $(ticks $P2 14 15) - t0 ))
cu=$(( $(st /cpu self cpu_user_ns) / 1000000 ))
cs=$(( $(st /cpu self cpu_system_ns) / 1000000 ))
check_near "/cpu: cpu_user ($cu ms) = the burners' utime in /proc since the move ($ut ms)" "$cu" "$ut" 40 10
check_near "/cpu: cpu_user + cpu_system = utime + stime since the move ($tt ms)" "$((cu + cs))" "$tt" 40 10
check_ge "/cpu: cpu_user + cpu_system >= 1.5 s (2 x 800 ms burnt)" "$((cu + cs))" 1500
check_eq "/cpu: processes 2" "$(st /cpu self processes)" 2
check_eq "/cpu: threads 2" "$(st /cpu self threads)" 2
reap $P1 $P2
until_ok 50 nprocs_is /cpu 0
check_ge "/cpu: after they exit the CPU time stays (folded in at exit)" "$(( $(st /cpu self cpu_user_ns) / 1000000 ))" "$cu"
cleanup /cpu

# I/O: write 8 MiB to a tmpfs file; rchar/wchar against /proc/<pid>/io.
vctx create /io
vctx exec /io -- $B/writer /tmp/acct.data 8 >/tmp/writer.out &
P=$!
check "writer writes 8 MiB to tmpfs" until_ok 300 grep -q done /tmp/writer.out
w=$(st /io self io_write_bytes)
check_ge "/io: io_write_bytes >= 8 MiB" "$w" $((8 * MiB))
check_near "/io: io_write_bytes = wchar of /proc/<pid>/io" "$w" "$(proc_io $P wchar)" 65536 0
check_near "/io: io_read_bytes = rchar" "$(st /io self io_read_bytes)" "$(proc_io $P rchar)" 65536 0
check_near "/io: io_storage_write_bytes = write_bytes" "$(st /io self io_storage_write_bytes)" "$(proc_io $P write_bytes)" 65536 0
reap $P
rm -f /tmp/acct.data
check_ge "/io: after it exits io_write_bytes stays" "$(st /io self io_write_bytes)" "$w"
cleanup /io

# Memory: touch 32 MiB and hold it; threads share one address space.
vctx create /mem
vctx exec /mem -- $B/memtouch 32 >/tmp/mem.out &
P=$!
check "memtouch holds 32 MiB" until_ok 300 grep -q ready /tmp/mem.out
rss=$(st /mem self rss_bytes)
check_near "/mem: rss_bytes = VmRSS of the toucher" "$((rss / 1024))" "$(proc_kb $P VmRSS)" 2048 5
check_ge "/mem: rss_bytes >= 32 MiB" "$rss" $((32 * MiB))
check_ge "/mem: rss_peak_bytes >= 32 MiB" "$(st /mem self rss_peak_bytes)" $((32 * MiB))
check_eq "/mem: the rss limit's held is the subtree's rss" "$(lim /mem rss held)" "$(st /mem subtree rss_bytes)"
reap $P
until_ok 50 nprocs_is /mem 0
check_ge "/mem: after it exits rss_peak_bytes stays >= 32 MiB" "$(st /mem self rss_peak_bytes)" $((32 * MiB))
check_near "/mem: rss_bytes drops to about 0" "$(st /mem self rss_bytes)" 0 $MiB 0
vctx exec /mem -- $B/threads 8 >/tmp/thr.out &
P=$!
check "an 8-thread process runs in /mem" until_ok 100 grep -q ready /tmp/thr.out
check_near "/mem: its address space counts once (rss = its VmRSS, not 8 times)" \
	"$(( $(st /mem self rss_bytes) / 1024 ))" "$(proc_kb $P VmRSS)" 2048 5
check_eq "/mem: threads 8" "$(st /mem self threads)" 8
reap $P
cleanup /mem

# ------------------------------------------------------ hierarchical sums

vctx create -p /h/a
vctx create /h/b
vctx exec /h -- sleep 300 &
S1=$!
vctx exec /h/a -- $B/burn 300 >/tmp/hb.out &
S2=$!
vctx exec /h/b -- $B/forkn hold 2 >/tmp/hh.out &
S3=$!
check "workloads in /h, /h/a and /h/b" until_ok 300 sh -c 'grep -q done /tmp/hb.out && grep -q started /tmp/hh.out'
for k in processes threads forks execs exits cpu_user_ns cpu_system_ns rss_bytes io_write_bytes limit_hits; do
	sum=$(( $(st /h self $k) + $(st /h/a subtree $k) + $(st /h/b subtree $k) ))
	check_eq "/h: subtree $k = self + the subtrees of a and b" "$(st /h subtree $k)" "$sum"
done
check_eq "/h: subtree processes 5 (sleep, burn, forkn and 2 children)" "$(st /h subtree processes)" 5
check_eq "/h/b: self = subtree (no children)" "$(st /h/b self forks)" "$(st /h/b subtree forks)"
check_eq "the nproc limit's held is the subtree's processes" "$(lim /h nproc held)" 5
f0=$(st /h subtree forks) c0=$(st /h subtree cpu_user_ns) e0=$(st /h subtree exits)
vctx kill -s KILL /h >/dev/null
check "/h empties" until_ok 50 nprocs_is /h 0
check_ge "/h: forks do not go back when members exit" "$(st /h subtree forks)" "$f0"
check_ge "/h: cpu_user_ns does not go back (folded in at exit)" "$(st /h subtree cpu_user_ns)" "$c0"
check_eq "/h: exits grew by the 5 members" "$(st /h subtree exits)" "$((e0 + 5))"
wait $S1 $S2 $S3 2>/dev/null
cleanup /h

# ------------------------------------------------------------ limits

vctx create --caps all /l
vctx events --follow --json >/tmp/ev.json &
EVP=$!
sleep 0.5
check "vctx limit /l nproc=3" vctx limit /l nproc=3
check_out "vctx limit /l shows it" '^nproc +0 +0 +3 +0$' vctx limit /l
check_out "vctx limit --json: limit 3" '"limit": 3,' vctx --json limit /l
vctx exec /l -- $B/forkn hold 5 >/tmp/hold.out &
FP=$!
check "forkn hold 5 runs in /l" until_ok 100 grep -q started /tmp/hold.out
check_eq "exactly 2 children start (3 processes), the 3rd fork fails with EAGAIN" "$(cat /tmp/hold.out)" "started 2 errno EAGAIN"
check_eq "/l: 3 processes" "$(nprocs /l)" 3
check_eq "/l nproc: held 3" "$(lim /l nproc held)" 3
check_eq "/l nproc: failures 1" "$(lim /l nproc failures)" 1
check_eq "/l: limit_hits 1" "$(st /l self limit_hits)" 1
check_out "vctx limit /l: held 3, peak 3, max 3, 1 failure" '^nproc +3 +3 +3 +1$' vctx limit /l
check "the event arrives" until_ok 50 grep -q '"type":"limit"' /tmp/ev.json
ev=$(grep '"type":"limit"' /tmp/ev.json | head -n 1)
check_out "event: nproc of /l, limit 3, attempted 4" '"resource":"nproc","ctx_id":[0-9]+,"ctx_path":"/l",.*"limit":3,"attempted":4,' echo "$ev"
check_out "event: the pid, tgid and comm of forkn" "\"pid\":$FP,\"tgid\":$FP,\"comm\":\"forkn\"" echo "$ev"
sleep 100 &
SP=$!
check_fail "enter into the full /l: at a limit (EAGAIN)" 'at a limit' vctx enter /l --pid $SP
check_fail "exec into the full /l: at a limit" 'at a limit' vctx exec /l -- true
check_eq "/l: still 3 processes, nothing was killed" "$(nprocs /l)" 3
check "lower the limit below what is held: allowed" vctx limit /l nproc=1
check_eq "... and nothing is killed" "$(nprocs /l)" 3
check_out "vctx stat --window 0.5s: the nproc peak in the window is 3" '^nproc +3 +3 +1 +' vctx stat --window 0.5s /l
check_out "vctx limit nproc=max" '^nproc +3 +3 +max +' vctx limit /l nproc=max
check "enter now works" vctx enter /l --pid $SP
reap $SP $FP
cleanup /l

# nthreads: the main thread and 3 more reach a limit of 4.
vctx create /t
vctx limit /t nthreads=4 >/dev/null
vctx exec /t -- $B/forkn threads 10 >/tmp/thr2.out &
P=$!
check "forkn threads 10 runs in /t" until_ok 100 grep -q started /tmp/thr2.out
check_eq "exactly 3 more threads start, then pthread_create fails with EAGAIN" "$(cat /tmp/thr2.out)" "started 3 errno EAGAIN"
check_eq "/t nthreads: held 4, failures 1" "$(lim /t nthreads held) $(lim /t nthreads failures)" "4 1"
reap $P
cleanup /t

# A limit on /p constrains /p/c; the failure counts where the limit is.
vctx create -p /p/c
vctx limit /p nproc=2 >/dev/null
vctx exec /p/c -- $B/forkn hold 5 >/tmp/hold2.out &
P=$!
check "forkn hold 5 runs in /p/c" until_ok 100 grep -q started /tmp/hold2.out
check_eq "a limit of 2 on /p lets 1 child start in /p/c" "$(cat /tmp/hold2.out)" "started 1 errno EAGAIN"
check_eq "/p nproc: failures 1 (where the limit is)" "$(lim /p nproc failures)" 1
check_eq "/p/c nproc: failures 0" "$(lim /p/c nproc failures)" 0
check "the event names /p, and /p/c as origin" until_ok 50 grep -q '"ctx_path":"/p","origin_id":[0-9]*,"origin_path":"/p/c"' /tmp/ev.json
reap $P
cleanup /p

# rss is soft: crossing it counts a failure and an event, nothing is refused.
vctx create /r
vctx limit /r rss=8M >/dev/null
check_out "vctx limit shows rss 8.0M" '^rss +0B +0B +8.0M +0$' vctx limit /r
vctx exec /r -- $B/memtouch 24 >/tmp/mem2.out &
P=$!
check "memtouch 24 MiB runs past an 8 MiB rss limit" until_ok 300 grep -q ready /tmp/mem2.out
check "the rss limit counts a failure" until_ok 50 lim_ge /r rss failures 1
check "and an rss event arrives" until_ok 50 grep -q '"resource":"rss","ctx_id":[0-9]*,"ctx_path":"/r"' /tmp/ev.json
check_eq "nothing was killed" "$(nprocs /r)" 1
reap $P
cleanup /r

check_fail "limit of a missing context: no such context" 'no such context' vctx limit /nope nproc=1
check_status 2 "limit nproc=lots: a usage error" vctx limit / nproc=lots
check_status 2 "limit cpu=1 (no such resource): a usage error" vctx limit / cpu=1
check_status 2 "limit rss=12Q (no such unit): a usage error" vctx limit / rss=12Q
check_status 2 "top --sort mem (no such key): a usage error" vctx top --once --sort mem
vctx create /np
check_fail "nobody cannot set a limit: permission denied" 'permission denied' asnobody vctx limit /np nproc=5
check_out "nobody can show limits" '^nproc ' asnobody vctx limit /np
vctx destroy /np
reap $EVP
check "vctx events without --follow prints what waits and exits" timeout 10 vctx events
check "vctx events --json too" timeout 10 vctx --json events

# ---------------------------------------------------------- events (raw)

run_prog "event reader: records, cursors, POLLIN, overflow, subtree view" $B/evreader

# ------------------------------------------------------ the final record

# The workload holds until it has been seen (/tmp/w.go): a poll whose period
# (a vctx process under TCG on a loaded host) outlasts a ~1 s workload would
# otherwise never see it running.
rm -f /tmp/w.go
vctx create /w
vctx exec /w -- sh -c "while [ ! -e /tmp/w.go ]; do sleep 0.1; done; $B/forkn 5 >/dev/null; $B/burn 300 exit >/dev/null; sleep 0.5" &
check "a workload runs in /w" until_ok 300 nprocs_ge /w 1
touch /tmp/w.go
check "vctx wait /w prints the final record" sh -c 'vctx --json wait --timeout 60s /w >/tmp/w.json'
check_ge "final record: forks >= 7 (sh ran forkn, burn and sleep; forkn forked 5)" "$(jin totals forks </tmp/w.json)" 7
check_eq "final record: exits = forks + 1 (everyone, and the first process)" \
	"$(jin totals exits </tmp/w.json)" "$(( $(jin totals forks </tmp/w.json) + 1 ))"
check_ge "final record: execs >= 3" "$(jin totals execs </tmp/w.json)" 3
# burn counts its own CPU time (user + system: CLOCK_PROCESS_CPUTIME_ID), and
# the user/system split is the scheduler's tick sampling: on a loaded host a
# few ticks of the 300 ms land in system time, so check the sum.
check_ge "final record: cpu_user_ns + cpu_system_ns >= 300 ms (burn alone used 300 ms)" \
	"$(( $(jin totals cpu_user_ns </tmp/w.json) + $(jin totals cpu_system_ns </tmp/w.json) ))" 300000000
check_eq "final record: no live figures (processes 0)" "$(jin totals processes </tmp/w.json)" 0
check_ge "final record: peak processes >= 2" "$(jin nproc peak </tmp/w.json)" 2
check_ge "final record: lifetime > 0" "$(jtop lifetime_ns </tmp/w.json)" 1
check_out "vctx wait text: the record's lines" '^  [0-9]+ forks, [0-9]+ execs, [0-9]+ exits; io ' vctx wait /w
cleanup /w

# Ephemeral: the record comes back although the context is then destroyed.
# The workload holds until /tmp/e.go, made 3 s after the name is read: the
# wait must have found the context before it empties, and the lookups before
# it (vctx ls twice) take longer than the workload's own second on a loaded
# host.
rm -f /tmp/e.go
vctx exec --new / -- sh -c "while [ ! -e /tmp/e.go ]; do sleep 0.1; done; $B/forkn 3 >/dev/null; sleep 0.2" &
EP=$!
check "an ephemeral context appears" until_ok 300 sh -c "vctx ls | grep -q '^unnamed'"
E=/$(vctx ls | sed -n 's/^\(unnamed[0-9]*\) .*/\1/p' | head -n 1)
(sleep 3; touch /tmp/e.go) &
GO=$!
check "vctx wait $E returns its final record" sh -c "vctx --json wait --timeout 60s $E >/tmp/we.json"
wait $GO 2>/dev/null
check_ge "ephemeral final record: forks >= 3" "$(jin totals forks </tmp/we.json)" 3
check_eq "ephemeral final record: exits = forks + 1" \
	"$(jin totals exits </tmp/we.json)" "$(( $(jin totals forks </tmp/we.json) + 1 ))"
wait $EP 2>/dev/null
check "... and the ephemeral context is gone" until_ok 50 sh -c "! vctx info $E"

# ---------------------------------------------------------------- top

vctx create -p /tp/hot
vctx create /tp/cold
vctx exec /tp/hot -- $B/burn 600000 exit >/dev/null &
HP=$!
vctx exec /tp/cold -- sleep 300 &
CP=$!
until_ok 50 nprocs_is /tp 2
vctx top --once --interval 1s /tp >/tmp/top.out
check_out "top --once: a summary line" '^3 contexts, 2 processes, cpu [0-9.]+%' cat /tmp/top.out
check_out "top --once: the header" '^CONTEXT +PROCS +CPU% +RSS +FORKS/s +IO/s +HITS$' cat /tmp/top.out
check_out "top --once --sort cpu: hot first" '^├── hot ' cat /tmp/top.out
hot=$(sed -n 's/^├── hot *1 *\([0-9]*\)\..*/\1/p' /tmp/top.out)
check_ge "top: hot burns >= 30% CPU" "$hot" 30
check_out "top --sort name: cold first" '^├── cold ' vctx top --once --interval 200ms --sort name /tp
check_out "top --json: the contexts with their rates" '"path":"/tp/hot","depth":1,"processes":1,"cpu_percent":[0-9.]+' \
	vctx --json top --once --interval 200ms /tp
check_out "top -n 2 prints two frames" '^CONTEXT' sh -c "vctx top -n 2 --interval 100ms /tp | grep -c '^CONTEXT' | grep -qx 2 && echo CONTEXT"
reap $HP $CP
cleanup /tp

# ---------------------------------------------- simultaneous forks

# 16 threads fork at the same instant, 10 rounds, against nproc 5: the
# admitted forks are reserved until born, so together they never pass it.
vctx create /race
vctx limit /race nproc=5 >/dev/null
vctx exec /race -- $B/forkrace 16 10 >/tmp/race.out 2>&1
check_out "16 simultaneous forks against nproc 5: at most 5 processes at once" '^max 5$' cat /tmp/race.out
check_out "... the other forks failed with EAGAIN, nothing else" '^eagain [1-9][0-9]* other 0$' cat /tmp/race.out
check_eq "... and /race counted one failure per refused fork" \
	"$(lim /race nproc failures)" "$(sed -n 's/^eagain \([0-9]*\) .*/\1/p' /tmp/race.out)"
cleanup /race

# ---------------------------------------------------------- the raw ABI

run_prog "the accounting ioctls with bad input" $B/acct_abi

if [ -s /tmp/accounting.stderr ]; then
	sed 's/^/    # stderr: /' /tmp/accounting.stderr
fi
t_end
