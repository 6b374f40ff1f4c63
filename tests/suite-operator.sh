#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The operator's commands as a user runs them: vctx metrics (the text
# checked here; the whole output is printed between BEGIN/END markers for
# tools/run-tests to check with promtool on the host), metrics --listen
# fetched over loopback with busybox wget, its bad input; the format
# version of every --json document; and vctx top's interactive screen
# driven under tmux (keys, resize, quit, Ctrl-C and SIGTERM restore the
# terminal), where the initramfs has tmux; top against a context's cgroup
# limits (cpu=50% mem=64M mem.high=48M, a busy loop) as text, JSON and
# under tmux; and a panic in top (the VCTX_TOP_PANIC_AFTER test hook)
# restoring the terminal.
. /vctx/tests/lib/ktap.sh
t_begin operator

B=/vctx/bin
cd /tmp || exit 1
exec 2>/tmp/operator.stderr

reap() { for _p in "$@"; do kill -9 "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done; }

vctx create -p /op/web/app
vctx create /op/db
vctx create /op/empty
vctx limit /op/web nproc=20 rss=1G >/dev/null
vctx exec /op/web/app -- $B/burn 300 >/dev/null &
AP=$!
vctx exec /op/db -- sleep 600 &
DP=$!
until_ok 100 nprocs_is /op 2
# The burn is done when its CPU time is in.
burnt() { vctx metrics /op/web/app | grep -Eq '^vctx_cpu_user_seconds_total\{path="/op/web/app",scope="self"\} (0\.[2-9]|[1-9])'; }
until_ok 200 burnt

# ------------------------------------------------------------- metrics

vctx metrics >/tmp/m.prom
check_out "metrics: a counter family has HELP and TYPE" '^# TYPE vctx_forks_total counter$' cat /tmp/m.prom
check_out "metrics: HELP says what it counts" '^# HELP vctx_forks_total Processes and threads created\.' cat /tmp/m.prom
check_out "metrics: a gauge family" '^# TYPE vctx_rss_bytes gauge$' cat /tmp/m.prom
check_eq "metrics: one HELP per TYPE" "$(grep -c '^# HELP ' /tmp/m.prom)" "$(grep -c '^# TYPE ' /tmp/m.prom)"
check_out "metrics: a context's processes by path and scope" '^vctx_processes\{path="/op/db",scope="self"\} 1$' cat /tmp/m.prom
check_out "metrics: subtree figures add up (/op has 2)" '^vctx_processes\{path="/op",scope="subtree"\} 2$' cat /tmp/m.prom
check_out "metrics: CPU in seconds (burn used 0.3 s)" \
	'^vctx_cpu_user_seconds_total\{path="/op/web/app",scope="self"\} 0\.[2-9]' cat /tmp/m.prom
check_out "metrics: the nproc limit of /op/web" '^vctx_limit\{path="/op/web",resource="nproc"\} 20$' cat /tmp/m.prom
check_out "metrics: the rss limit in bytes" '^vctx_limit\{path="/op/web",resource="rss"\} 1073741824$' cat /tmp/m.prom
check_out "metrics: no limit is +Inf" '^vctx_limit\{path="/op/db",resource="nproc"\} \+Inf$' cat /tmp/m.prom
check_out "metrics: what the subtree holds" '^vctx_limit_held\{path="/op/web",resource="nproc"\} 1$' cat /tmp/m.prom
check_out "metrics: a context's id and name" '^vctx_context_info\{path="/op/web/app",id="[0-9]+",name="app"\} 1$' cat /tmp/m.prom
check "metrics: every sample line is NAME{LABELS} VALUE" sh -c \
	"! grep -v '^#' /tmp/m.prom | grep -Ev '^vctx_[a-z_]+(\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\})? (\+Inf|[0-9.e+-]+)$'"
check_out "metrics PATH: the subtree only" '^vctx_contexts 5$' vctx metrics /op
check_out "metrics from inside /op/web: paths from there" '^vctx_processes\{path="/app",scope="self"\} 1$' \
	vctx exec /op/web -- vctx metrics
check "... and nothing outside it" sh -c "! vctx exec /op/web -- vctx metrics | grep -q 'path=\"/op'"
check_fail "metrics --json: one line (no JSON form)" '^vctx: metrics: no JSON form' vctx --json metrics
check_fail "metrics of a missing context" '^vctx: .*no such context' vctx metrics /op/nosuch

# For promtool on the host (tools/run-tests).
echo "    # BEGIN vctx-metrics"
sed 's/^/    # /' /tmp/m.prom
echo "    # END vctx-metrics"

# ------------------------------------------------------ metrics --listen

vctx metrics --listen 9187 2>/tmp/listen.err &
LP=$!
check "metrics --listen 9187: /metrics over loopback (busybox wget)" \
	until_ok 100 wget -q -O /tmp/w.prom http://127.0.0.1:9187/metrics
check_out "... the same families" '^# TYPE vctx_limit_failures_total counter$' cat /tmp/w.prom
check_out "... and series" '^vctx_processes\{path="/op/db",scope="self"\} 1$' cat /tmp/w.prom
check_out "... says where it serves" '^vctx: serving the metrics of / on http://127.0.0.1:9187/metrics$' cat /tmp/listen.err
# /proc/net/tcp: local address 0100007F:23E3 is 127.0.0.1:9187, state 0A LISTEN.
check_out "... bound to 127.0.0.1 only by default" '^ *[0-9]+: 0100007F:23E3 00000000:0000 0A ' cat /proc/net/tcp
check_fail "... another path is 404" '404' wget -q -O - http://127.0.0.1:9187/nope
vctx metrics --listen 9187 >/tmp/inuse.out 2>&1
rc=$?
check_eq "a port in use: exit 1" "$rc" 1
check_eq "... and one line" "$(cat /tmp/inuse.out)" "vctx: --listen 127.0.0.1:9187: address in use"
check_status 2 "a bad address: a usage error" vctx metrics --listen 1.2.3:80
check_out "... that says what it wants" "^error: invalid value 'nowhere' .*not PORT or ADDR:PORT" \
	sh -c 'vctx metrics --listen nowhere 2>&1; true'
check_fail "an address not on this machine: one line" '^vctx: --listen 192.0.2.1:9187: address not available$' \
	vctx metrics --listen 192.0.2.1:9187
kill "$LP"; wait "$LP" 2>/dev/null
vctx metrics --listen 0.0.0.0:9188 2>/dev/null &
LP=$!
check "--listen 0.0.0.0:9188 binds every address" \
	until_ok 100 grep -Eq '^ *[0-9]+: 00000000:23E4 00000000:0000 0A ' /proc/net/tcp
reap "$LP"

# -------------------------------------------------- JSON format version

# has_version CMD...: the document CMD prints says format_version 1.
has_version() { "$@" | head -n 2 | grep -Eq '"format_version": ?1,'; }
vctx create /op/new >/dev/null
for c in "version" "ls /op" "tree /op" "info /op" "current" "stat /op" "limit /op/web" \
	"ps /op" "flags /op" "kill -s 0 /op/db" "wait /op/empty" "create /op/made" "seal /op/new" \
	"top --once --interval 100ms /op"; do
	# shellcheck disable=SC2086
	check "json: vctx --json $c has format_version 1" has_version vctx --json $c
done
vctx --json events --follow >/tmp/ev.json &
EP=$!
sleep 0.5
vctx limit /op/new nproc=1 >/dev/null
# A fork (busybox sh would exec a last command without one) is refused.
vctx exec /op/new -- sh -c '/bin/true & wait' 2>/dev/null
until_ok 100 grep -q '"ctx_path":"/op/new"' /tmp/ev.json
reap "$EP"
check "json: every line of vctx --json events --follow has format_version 1" sh -c \
	'cat /tmp/ev.json; grep -q "\"ctx_path\":\"/op/new\"" /tmp/ev.json && ! grep -v "^{\"format_version\":1," /tmp/ev.json'
check_out "json: ls is an object with the contexts" '^  "contexts": \[$' vctx --json ls /op

# ------------------------------------------------------- top under tmux

# pane: the screen of the tmux session, as text.
pane() { tmux capture-pane -p -t optop; }
# shows REGEX: the screen matches (for until_ok).
shows() { pane | grep -Eq -- "$1"; }
# check_shows DESC REGEX: passes once the screen matches (10 s), else
# prints the screen.
check_shows() {
	if until_ok 100 shows "$2"; then t_ok "$1"; else t_notok "$1"; echo "    # wanted /$2/"; pane | sed 's/^/    # | /'; fi
}
# The pane runs top, then says how it ended and whether the terminal is
# back in canonical mode with echo (raw mode undone).
cat >/tmp/topwrap.sh <<'WRAP'
sh -c 'echo $$ >/tmp/top.pid; exec vctx top --interval 300ms /op'
echo "TOP-EXIT=$?"
echo "MODE: $(stty -a | tr ' ' '\n' | grep -x -e '-\{0,1\}icanon' -e '-\{0,1\}echo' | tr '\n' ' ')"
sleep 600
WRAP
topcmd() { echo "sh /tmp/topwrap.sh"; }

if command -v tmux >/dev/null 2>&1; then
	export SHELL=/bin/sh TERM=xterm LANG=C.UTF-8
	tmux -f /dev/null new-session -d -s optop -x 100 -y 30 "$(topcmd)"
	check_shows "top under tmux: the header names the subtree, interval and sort" \
		'^vctx top /op  every 300ms  sorted by cpu'
fi
if command -v tmux >/dev/null 2>&1 && ! shows '^vctx top /op'; then
	tmux kill-server 2>/dev/null
	t_skip "top under tmux: the rest" "top did not start under tmux (see above)"
elif command -v tmux >/dev/null 2>&1; then
	check_shows "... the machine's totals" '^[0-9]+ contexts  [0-9]+ processes  cpu .* of [0-9]+ CPUs  rss .* of .*  load '
	check_shows "... the table with the sort column marked" '^CONTEXT .* PROCS +CPU%▼ +RSS +FORKS/s +IO/s +HITS'
	check_shows "... the tree" '^    └── app '
	check "... the alternate screen (the shell's line is not shown)" sh -c "! tmux capture-pane -p -t optop | grep -q TOP-EXIT"
	tmux send-keys -t optop n
	check_shows "key n: sorted by name" 'sorted by name$'
	check_shows "... db before empty before new before web" '^├── db .*'
	tmux send-keys -t optop m
	check_shows "key m: sorted by rss" 'sorted by rss$'
	tmux send-keys -t optop p
	check_shows "key p: sorted by processes" 'sorted by procs$'
	tmux send-keys -t optop f
	check_shows "key f: sorted by forks" 'sorted by forks$'
	tmux send-keys -t optop i
	check_shows "key i: sorted by I/O" 'sorted by io$'
	tmux send-keys -t optop n
	tmux send-keys -t optop '?'
	check_shows "key ?: the help" 'sort by cpu, memory \(rss\), processes'
	tmux send-keys -t optop x
	check "... any key closes it" until_ok 100 sh -c "! tmux capture-pane -p -t optop | grep -q 'sort by cpu, memory'"
	tmux send-keys -t optop z
	check_shows "an unknown key: one status line" "^unknown key 'z' \(\? lists the keys\)"
	# By name: /op, db, empty, made, new, web, app: End is app, Up is web.
	tmux send-keys -t optop End Up Enter
	check_shows "Enter folds the selected subtree" '└── web \[\+\]'
	check "... and app is hidden" until_ok 50 sh -c "! tmux capture-pane -p -t optop | grep -q '└── app'"
	tmux send-keys -t optop Right
	check_shows "Right unfolds it" '^    └── app '
	tmux send-keys -t optop Space
	check_shows "Space pauses" 'sorted by name  PAUSED$'
	tmux send-keys -t optop Space
	check_shows "... and again resumes" 'sorted by name$'
	tmux resize-window -t optop -x 60 -y 15
	check_shows "a resize: the table follows the new width" '^CONTEXT▼ +PROCS +CPU% +RSS +FORKS/s +IO/s +HITS$'
	# The CONTEXT column gave way: the header (▼ aside) is 60 columns now.
	check_eq "... its header is 60 columns wide, HITS last" \
		"$(pane | grep '^CONTEXT' | sed 's/▼//' | awk '{ print length }')" 59
	tmux send-keys -t optop q
	check_shows "q quits with status 0" '^TOP-EXIT=0$'
	check_shows "... the terminal is restored (canonical mode and echo)" '^MODE: icanon echo ?$'
	check "... and the main screen is back (no top on it)" sh -c "! tmux capture-pane -p -t optop | grep -q 'vctx top /op'"
	tmux kill-server

	tmux -f /dev/null new-session -d -s optop -x 100 -y 30 "$(topcmd)"
	check_shows "Ctrl-C: top runs" '^vctx top /op'
	tmux send-keys -t optop C-c
	check_shows "... Ctrl-C quits with status 0" '^TOP-EXIT=0$'
	check_shows "... the terminal is restored" '^MODE: icanon echo ?$'
	tmux kill-server

	tmux -f /dev/null new-session -d -s optop -x 100 -y 30 "$(topcmd)"
	check_shows "SIGTERM: top runs" '^vctx top /op'
	kill -TERM "$(cat /tmp/top.pid)"
	check_shows "... SIGTERM ends it with status 0" '^TOP-EXIT=0$'
	check_shows "... the terminal is restored" '^MODE: icanon echo ?$'
	tmux kill-server

	check_out "bad --interval: one usage line" "^error: invalid value '5x' for '--interval <DUR>'" \
		sh -c 'vctx top --interval 5x /op 2>&1; true'
else
	t_skip "top under tmux" "no tmux in the initramfs (tools/deps installs it on the host)"
fi

# ---------------------------------------- top against the cgroup limits

# /toplim: cpu=50% mem=64M mem.high=48M, a busy loop and 8 MiB held.
# top shows CPU% against the quota and memory.current against both.
CG=/sys/fs/cgroup
if grep -q "^cgroup2 $CG " /proc/mounts; then
	vctx create /toplim
	vctx limit /toplim cpu=50% mem=64M mem.high=48M >/dev/null
	vctx exec /toplim -- $B/spin 0 &
	SP=$!
	vctx exec /toplim -- $B/memtouch 8 >/tmp/memtouch.out &
	MP=$!
	until_ok 100 grep -q ready /tmp/memtouch.out
	vctx top --once --interval 1s /toplim >/tmp/toplim.txt
	check_out "top --once: the memory columns appear for a context with a cgroup" \
		'^CONTEXT +PROCS +CPU% +RSS +MEM/MAX +MEM.HIGH +FORKS/s +IO/s +HITS$' cat /tmp/toplim.txt
	check_out "... CPU% against cpu=50%, memory.current against mem=64M, mem.high 48M" \
		'^/toplim +2 +[0-9]+\.[0-9]/50% +[0-9.]+M +[0-9.]+M/64\.0M +48\.0M ' cat /tmp/toplim.txt
	vctx --json top --once --interval 1s /toplim >/tmp/toplim.json
	check_out "top --json: cgroup.cpu_max_percent 50" '"cpu_max_percent":50\.0' cat /tmp/toplim.json
	check_out "... memory_max_bytes (64M) and memory_high_bytes (48M)" \
		'"memory_max_bytes":67108864,"memory_high_bytes":50331648' cat /tmp/toplim.json
	check_out "... memory_bytes: the 8 MiB held at least" '"memory_bytes":([89][0-9]{6}|[0-9]{8})' cat /tmp/toplim.json
	# The busy loop wants a whole CPU; the quota holds it near 50%.
	pct=$(sed -n 's/^{[^[]*"contexts":\[{[^}]*"cpu_percent":\([0-9]*\).*/\1/p' /tmp/toplim.json)
	check "... and the busy loop's cpu_percent is held near the quota (got ${pct:-none})" \
		sh -c "[ ${pct:-0} -ge 25 ] && [ ${pct:-0} -le 65 ]"
	if command -v tmux >/dev/null 2>&1; then
		tmux -f /dev/null new-session -d -s optop -x 100 -y 30 \
			"sh -c 'vctx top --interval 300ms /toplim; echo TOP-EXIT=\$?; sleep 600'"
		check_shows "top under tmux: MEM/MAX and MEM.HIGH columns" \
			'^CONTEXT +PROCS +CPU%▼ +RSS +MEM/MAX +MEM.HIGH +FORKS/s +IO/s +HITS'
		check_shows "... /toplim's CPU% of cpu=50% and memory of mem=64M, mem.high=48M" \
			'^/toplim +2 +[0-9]+\.[0-9]/50% +[0-9.]+M +[0-9.]+M/64\.0M +48\.0M '
		tmux send-keys -t optop q
		check_shows "... q quits" '^TOP-EXIT=0$'
		tmux kill-server
	fi
	reap "$SP" "$MP"
	until_ok 100 nprocs_is /toplim 0
	vctx destroy /toplim
else
	t_skip "top against the cgroup limits" "cgroup2 is not mounted in this guest"
fi

# ------------------------------------------------ top panics, under tmux

# The test hook VCTX_TOP_PANIC_AFTER=1 makes top panic after its first
# frame: the panic message must land on the normal screen (not the
# alternate one), the terminal be back in canonical mode with echo, and
# the exit status non-zero (the release build aborts: 134).
if command -v tmux >/dev/null 2>&1; then
	cat >/tmp/toppanic.sh <<'WRAP'
VCTX_TOP_PANIC_AFTER=1 vctx top --interval 300ms /op
echo "TOP-EXIT=$?"
echo "MODE: $(stty -a | tr ' ' '\n' | grep -x -e '-\{0,1\}icanon' -e '-\{0,1\}echo' | tr '\n' ' ')"
sleep 600
WRAP
	tmux -f /dev/null new-session -d -s optop -x 100 -y 30 "sh /tmp/toppanic.sh"
	check_shows "a panic in top: the message is on the screen" 'VCTX_TOP_PANIC_AFTER: the test hook.s panic after 1 frames'
	check_shows "... the exit status is non-zero (abort: 134)" '^TOP-EXIT=134$'
	check_shows "... the terminal is restored (canonical mode and echo)" '^MODE: icanon echo ?$'
	check_eq "... on the normal screen: the alternate screen is off" \
		"$(tmux display-message -p -t optop '#{alternate_on}')" 0
	check "... and top's frame is not on it" sh -c "! tmux capture-pane -p -t optop | grep -q '^CONTEXT'"
	tmux kill-server
else
	t_skip "top panics under tmux" "no tmux in the initramfs"
fi

# -------------------------------------------------------------- cleanup
reap "$AP" "$DP"
until_ok 100 nprocs_is /op 0
for c in /op/web/app /op/web /op/db /op/empty /op/new /op/made /op; do vctx destroy "$c" 2>/dev/null; done
check "cleanup: /op is gone" sh -c '! vctx info /op'
t_end
