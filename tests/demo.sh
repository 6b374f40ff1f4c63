#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make run` demo: what vctx does, shown in the guest.
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }

say "The module is loaded: /dev/vctx answers"
run vctx version

say "Contexts are a tree of names"
run vctx create -p /web/app
run vctx create /web/cache
run vctx create /db
vctx exec /web/app -- sh -c 'sleep 300 & sleep 300' &
vctx exec /web/cache -- sleep 300 &
vctx exec /db -- sleep 300 &
sleep 0.5
run vctx tree
run vctx ps

say "Names are relative: inside /web, '/' is /web and nothing above it has a name"
run vctx exec /web -- sh -c 'echo "I am in: $(vctx current)"; vctx tree; vctx ls /../db || true'

say "You never leave a context, not even as root"
pid=$(vctx --json ps /web/app | sed -n 's/.*"pid": \([0-9]*\).*/\1/p' | head -n 1)
run vctx enter /web --pid "$pid"
run vctx enter /db --pid "$pid"
run vctx current --pid "$pid"

say "Root inside a context is not root of the machine: its capability mask"
run vctx caps /db
run vctx exec /db -- sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status; hostname evil || true; rmmod vctx || true'

say "Isolation: the host sees every process; /web sees only its own subtree"
run sh -c 'ps | wc -l'
run vctx exec /web -- ps
run vctx exec /web -- sh -c "cat /proc/1/status; kill -0 1"

say "Virtualized views: uptime and free on the host, then inside /web (created seconds ago)"
run cat /proc/uptime
run uptime
run free
run vctx exec /web -- sh -c 'uptime; free; cat /proc/uptime /proc/loadavg'
say "A busy loop in /web/app drives /web's load average; the host's is the machine's"
vctx exec /web/app -- sh -c 'while :; do :; done' &
sleep 11
run vctx exec /web -- cat /proc/loadavg
run vctx exec /db -- cat /proc/loadavg
run cat /proc/loadavg
run vctx create --novirt /web/legacy
run vctx exec /web/legacy -- uptime

say "Killing /web kills everything below it, nothing else"
run vctx kill /web
run vctx wait --timeout 5s /web
run vctx ps

say "Limits: /db may hold 2 processes; with its sleep and forkn, every fork fails (EAGAIN), nothing is killed"
run vctx limit /db nproc=2
vctx events --follow >/tmp/demo-events.out &
evp=$!
sleep 0.3
run vctx exec /db -- /vctx/bin/forkn tries 3
run vctx limit /db
sleep 0.3
kill $evp 2>/dev/null
run cat /tmp/demo-events.out

say "Accounting: every context's counters, live"
vctx exec /db -- /vctx/bin/burn 3000 exit >/dev/null &
run vctx top --once
run vctx stat /db

say "Prometheus metrics: every context's counters and limits (vctx metrics --listen 9187 serves them)"
run sh -c 'vctx metrics | grep -E "^vctx_(processes|forks_total|cpu_user_seconds_total|limit)\{path=\"/db\"" | grep -v "resource=\"nthreads\""'

say "An ephemeral context lives as long as its processes"
run vctx exec --new / -- sh -c 'echo "running in an unnamed context, seen from the host as $(vctx --json current | sed -n "s/.*\"id\": \([0-9]*\).*/id \1/p")"; vctx tree /'
run vctx tree
vctx kill -s KILL /db >/dev/null

say "A context as a container: its own namespaces, PID 1, host name and /proc"
vctx exec -p --ns uts,ipc,pid,net,mnt --hostname web1 /box -- sleep 300 &
sleep 1
run vctx info /box
run vctx exec /box -- sh -c 'echo "inside: host $(hostname), I am pid $$, /proc shows:"; ls /proc | grep "^[0-9]" | tr "\n" " "; echo'
run sh -c 'echo "outside: host $(hostname)"'
run sh -c 'echo "echo in a shell: \$(hostname); ip link 2>/dev/null | grep -c mtu || true" | vctx enter /box'
run vctx exec --no-ns /box -- hostname

say "Seal: after setup, nothing inside can loosen the container; the host still can"
run vctx seal /box
run vctx exec /box -- vctx flags / --set spectator || true
run vctx flags /box --set spectator
run vctx kill -s KILL /box
run vctx wait --timeout 5s /box
run vctx destroy /box

say "A guest: a busybox system in /srv/site booted with its own init (Documentation/guests.rst)"
. /vctx/tests/lib/guestfs.sh
mk_guest /srv/site site
run vctx guest create site --root /srv/site --hostname site --limit nproc=50 \
	--net veth,ip=10.88.0.2/24,gw=10.88.0.1,host=10.88.0.1/24
run vctx guest start site
sleep 2
run vctx guest enter site sh -c 'echo "inside: $(hostname), uptime $(cut -d" " -f1 /proc/uptime)s"; ps -o pid,comm; ip -4 -o addr show dev eth0'
say "... and its page from the host, over the veth pair (host end vx-site)"
printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 10.88.0.2 80 | tail -n 1
run vctx guest status site
run vctx guest stop site
run cat /srv/site/var/shutdown-ran
vctx guest destroy site >/dev/null
