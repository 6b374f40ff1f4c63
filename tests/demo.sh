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

say "An ephemeral context lives as long as its processes"
run vctx exec --new / -- sh -c 'echo "running in an unnamed context, seen from the host as $(vctx --json current | sed -n "s/.*\"id\": \([0-9]*\).*/id \1/p")"; vctx tree /'
run vctx tree
vctx kill -s KILL /db >/dev/null
