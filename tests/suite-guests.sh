#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guests (issue 15): vctx exec --root (pivot_root, fresh /proc, read-only
# /sys, a minimal /dev of bound host nodes, nothing left on the host) and
# vctx guest: a busybox system (init + inittab, syslogd, httpd, a shutdown
# action) created, started detached as PID 1 of its pid namespace with its
# own host name, uptime and limits, entered, rebooted from inside (a new
# PID 1), stopped (the shutdown action ran), destroyed; bad input refused
# with one line and nothing half-made.
. /vctx/tests/lib/ktap.sh
. /vctx/tests/lib/guestfs.sh
t_begin guests

cd /tmp || exit 1
exec 2>/tmp/guests.stderr
export VCTX_ETC=/tmp/g-etc VCTX_RUN=/tmp/g-run
G=/tmp/groot
mk_guest "$G" g1
HOST=$(hostname)
MOUNTS0=$(wc -l </proc/mounts)
NPROC0=$(ls -d /proc/[0-9]* | wc -l)

# ------------------------------------------------------------ exec --root

vctx exec -p --ns pid,uts --hostname r1 --root "$G" /r -- sh -c \
	'echo "pid=$$ host=$(hostname) procs=$(ls -d /proc/[0-9]* | wc -l)"; echo "dev=$(ls /dev | tr "\n" " ")"; grep -c . /proc/mounts; touch /sys/x 2>&1; ls /old 2>&1; echo "www=$(cat /www/index.html)"' >/tmp/root.out 2>&1
check_out "exec --root: PID 1 in the new root, its host name, its own /proc" '^pid=1 host=r1 procs=[1-5]$' cat /tmp/root.out
check_out "... /dev holds only the minimal set" '^dev=console fd full null ptmx pts random shm stderr stdin stdout tty urandom zero $|^dev=fd full null ptmx pts random shm stderr stdin stdout tty urandom zero $' cat /tmp/root.out
check_out "... /sys is read-only" 'Read-only file system' cat /tmp/root.out
check_out "... it sees the root's files" '^www=<h1>hello from guest g1</h1>$' cat /tmp/root.out
check "... the host's mount table is as before" [ "$(wc -l </proc/mounts)" -eq "$MOUNTS0" ]
vctx destroy /r
check_out "... the old root is detached: no host mount inside" '^[0-9]+$' sh -c "vctx exec -p --root '$G' /r2 -- sh -c 'grep -vc -e \" / \" -e \" /proc \" -e \" /sys \" -e \" /dev\" /proc/mounts; exit 0'"
vctx destroy /r2
check_out "... /dev/null works, /dev/sda-style host nodes absent" '^ok absent$' \
	vctx exec -p --ns pid --root "$G" /r3 -- sh -c 'echo x >/dev/null && printf "ok "; [ -e /dev/vctx ] || [ -e /dev/vda ] && echo present || echo absent'
vctx destroy /r3

check_fail "exec --root: a relative root is refused" '^vctx: --root rel/dir: not an absolute path$' vctx exec --new --root rel/dir / -- sh
check_fail "... a missing one" '^vctx: --root /nonexistent: no such directory$' vctx exec --new --root /nonexistent / -- sh
check_fail "... a file" '^vctx: --root /etc/passwd: not a directory$' vctx exec --new --root /etc/passwd / -- sh
check_fail "... the host's /" "this system's own root directory" vctx exec --new --root / / -- sh
check_fail "... one without the program" "^vctx: --root $G: it has no executable /sbin/nosuch\$" vctx exec --new --root "$G" / -- /sbin/nosuch
check "... nor a mount" [ "$(wc -l </proc/mounts)" -eq "$MOUNTS0" ]
check_eq "no context left by the refused ones" "$(vctx --json ls / | grep -c '"name"')" "0"

# ------------------------------------------------------------ guest create

check_out "guest create writes NAME.toml" '^g1: created' vctx guest create g1 --root "$G" --hostname web1 --limit nproc=40
check_out "... a versioned TOML document" '^version = 1$' cat /tmp/g-etc/guests/g1.toml
check_fail "... an existing guest is refused" '^vctx: g1: the guest exists already' vctx guest create g1 --root "$G"
check_fail "... a name that is no context name" "not a valid guest name" vctx guest create 'a/b' --root "$G"
check_fail "... a relative root" 'not an absolute path' vctx guest create g2 --root rel
check_fail "... a missing root" 'no such directory' vctx guest create g2 --root /nonexistent
check_fail "... a bad limit" 'limits:' vctx guest create g2 --root "$G" --limit bogus=1
check_fail "... an unknown network mode" "^vctx: --net bogus: unknown mode 'bogus'" vctx guest create g2 --root "$G" --net bogus
check "... none of them wrote a configuration" [ ! -e /tmp/g-etc/guests/g2.toml ]
printf 'version = 1\nroot = "%s"\ncolour = "red"\n' "$G" >/tmp/g-etc/guests/bad.toml
check_fail "a configuration with an unknown key: one line naming it" 'unknown field `colour`' vctx guest start bad
printf 'version = 2\nroot = "%s"\n' "$G" >/tmp/g-etc/guests/bad.toml
check_fail "... a wrong version" 'version 2 is not supported' vctx guest start bad
rm -f /tmp/g-etc/guests/bad.toml
check_fail "stopping a stopped guest" '^vctx: g1: not running$' vctx guest stop g1
check_fail "a guest that does not exist" 'no such guest' vctx guest start nosuch
check_eq "no context was made by any of it" "$(vctx --json ls / | grep -c '"name"')" "0"

# ------------------------------------------------------------ guest start

check_out "guest start: returns once its init runs" '^g1: running \(init pid [0-9]+' vctx guest start g1
check_fail "... starting it again is refused" '^vctx: g1: already running' vctx guest start g1
until_ok 100 sh -c 'vctx guest enter g1 cat /var/booted'
check_out "enter: PID 1 is its init, ps shows only its processes" '^1 init$' sh -c \
	"vctx guest enter g1 sh -c 'ps -o pid,comm' | awk 'NR>1 && \$1==1 {print \$1, \$2}'"
# ps's output is read on the host: inside, only ps and its shell join the
# guest's own processes (a pipeline inside would race its own members).
check_out "... only the guest's processes (init, httpd, syslogd, the shell, ps)" \
	'^init httpd syslogd sh ps$' sh -c \
	"vctx guest enter g1 sh -c 'ps -o comm' | awk 'NR>1 { seen[\$1]++; if (\$1 !~ /^(init|httpd|syslogd|sh|ps)\$/) bad = bad \" \" \$1 }
		END { if (bad != \"\") print \"unexpected:\" bad; else print \"init httpd syslogd sh ps\" (seen[\"init\"] && seen[\"httpd\"] && seen[\"syslogd\"] ? \"\" : \" (missing one)\") }'"
check_out "... its host name" '^web1$' vctx guest enter g1 hostname
up=$(vctx guest enter g1 cut -d. -f1 /proc/uptime)
hup=$(cut -d. -f1 /proc/uptime)
check "... its own /proc/uptime (${up}s, the host's ${hup}s)" [ "$up" -lt "$hup" ]
until_ok 50 sh -c 'vctx guest enter g1 wget -qO- http://127.0.0.1/ | grep -q hello'
check_out "... httpd serves its page (inside, over its own lo)" 'hello from guest g1' vctx guest enter g1 wget -qO- http://127.0.0.1/
check_out "... syslogd runs" 'syslogd' vctx guest enter g1 ps -o comm
check_out "... its /dev/console is a terminal" '^console: tty$' \
	vctx guest enter g1 sh -c 'exec 3>/dev/console; [ -t 3 ] && echo "console: tty"'
vctx guest enter g1 sh -c 'echo "console line from pid $$" >/dev/console'
check "... what is written to it lands in the console log" \
	until_ok 50 grep -q '^console line from pid' /tmp/g-run/logs/g1.log
check_out "... the limit applied" 'nproc' vctx limit /g1
check_out "guest status: running, its init, processes" 'g1: running' vctx guest status g1
check_out "guest list" '^g1 +running' vctx guest list
check_eq "the host's name is unchanged" "$(hostname)" "$HOST"
check_fail "destroy refuses a running guest" '^vctx: g1: running' vctx guest destroy g1

# ------------------------------------------------------------ reboot inside

P1=$(vctx --json guest status g1 | sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p')
vctx guest enter g1 reboot >/dev/null 2>&1
new_init() {
	p=$(vctx --json guest status g1 | sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p')
	[ -n "$p" ] && [ "$p" != "$P1" ] && vctx guest enter g1 cat /var/booted >/dev/null
}
check "reboot inside: the guest comes back with a new PID 1 (was host pid $P1)" until_ok 300 new_init
check_out "... booted twice" '"boots": 2' vctx --json guest status g1
check "... the shutdown action ran on the way down" [ -s "$G/var/shutdown-ran" ]
rm -f "$G/var/shutdown-ran"
until_ok 50 sh -c 'vctx guest enter g1 wget -qO- http://127.0.0.1/ | grep -q hello'
check_out "... and serves its page again" 'hello from guest g1' vctx guest enter g1 wget -qO- http://127.0.0.1/

# ------------------------------------------------------------ stop

check_out "guest stop: returns once it is down, says how" '^g1: stopped \(halt or power-off requested\)$' vctx guest stop g1 --timeout 20s
check "... its shutdown action ran" [ -s "$G/var/shutdown-ran" ]
check_out "... status says stopped" 'g1: stopped' vctx guest status g1
check_fail "... its context is gone" 'no such context' vctx info /g1
check_out "... its console was logged" 'rcS: web1 booting' cat /tmp/g-run/logs/g1.log
check_eq "the host's mounts are as before" "$(wc -l </proc/mounts)" "$MOUNTS0"
check_eq "the host's name is as before" "$(hostname)" "$HOST"
# The supervisor may still be on its way out: a moment, not a fixed sleep.
nproc_back() { [ "$(ls -d /proc/[0-9]* | wc -l)" -le "$((NPROC0 + 2))" ]; }
if until_ok 50 nproc_back; then
	t_ok "the host's processes are as before (no guest process left)"
else
	t_notok "the host's processes are as before (no guest process left)"
	echo "    # $(ls -d /proc/[0-9]* | wc -l) processes, $NPROC0 before; now:"
	ps -o pid,ppid,stat,args | sed 's/^/    # /'
fi

# ------------------------------------------------------------ network: veth

# The page over TCP from the host (busybox nc: the host's busybox wget
# crashes on a refused connection, where the host has glibc's NSS libraries).
fetch() { printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 "$1" 80 2>/dev/null; }
fetch_has() { fetch "$1" | grep -q "hello from guest $2"; }
# Interface names in the namespace of the caller (ip -o link: "2: eth0@if3: ...").
links() { ip -o link | sed 's/^[0-9]*: \([^:@]*\).*/\1/' | sort | tr '\n' ' '; }
LINKS0=$(links) ADDRS0=$(ip -o addr | sort) ROUTES0=$(ip route | sort)
NR=/tmp/nroot
mk_guest "$NR" n1

check_fail "--net: a bridge that does not exist" '^vctx: n9: --net veth:br9: bridge br9: no such interface on the host' \
	vctx guest create n9 --root "$NR" --net veth:br9
check_fail "... an address that does not parse" "^vctx: ip=10.77.0.300/24: '10.77.0.300' is not an IP address\$" \
	vctx guest create n9 --root "$NR" --net veth,ip=10.77.0.300/24
check_fail "... a prefix > 32" "^vctx: ip=10.77.0.2/33: prefix length '33' is not 0 to 32\$" \
	vctx guest create n9 --root "$NR" --net veth,ip=10.77.0.2/33
check_fail "... a gateway outside its network" 'gw=10.9.0.1 is not another address in ip=10.77.0.2/24' \
	vctx guest create n9 --root "$NR" --net veth,ip=10.77.0.2/24,gw=10.9.0.1
check_fail "... a mode that does not exist" "^vctx: --net bogus: unknown mode" vctx guest create n9 --root "$NR" --net bogus
check "... no configuration written" [ ! -e /tmp/g-etc/guests/n9.toml ]
check_eq "... no interface made" "$(links)" "$LINKS0"

check_out "guest create --net veth (routed: an address for the host end)" '^n1: created' \
	vctx guest create n1 --root "$NR" --net veth,ip=10.77.0.2/24,gw=10.77.0.1,host=10.77.0.1/24
check_out "... stored in its configuration" '^net = "veth,ip=10.77.0.2/24,gw=10.77.0.1,host=10.77.0.1/24"$' cat /tmp/g-etc/guests/n1.toml
check_out "guest start: running" '^n1: running' vctx guest start n1
check_out "... the host end vx-n1 is up with the host= address" 'inet 10.77.0.1/24' ip addr show dev vx-n1
check_out "... a veth" 'DEVTYPE=veth|INTERFACE=vx-n1' cat /sys/class/net/vx-n1/uevent
check "... the host has no eth0" [ ! -e /sys/class/net/eth0 ]
check "the host fetches the guest's page over the veth" until_ok 300 fetch_has 10.77.0.2 n1
check_out "... its content" 'hello from guest n1' fetch 10.77.0.2
check_eq "inside: only lo and eth0 (no host interface can be named)" "$(vctx guest enter n1 sh -c "ip -o link | sed 's/^[0-9]*: \([^:@]*\).*/\1/' | sort | tr '\n' ' '")" "eth0 lo "
check_eq "... its own sysfs shows the same" "$(vctx guest enter n1 ls /sys/class/net | sort | tr '\n' ' ')" "eth0 lo "
check_out "... eth0 has its address" 'inet 10.77.0.2/24' vctx guest enter n1 ip addr show dev eth0
check_out "... the default route via gw" '^default via 10.77.0.1 dev eth0' vctx guest enter n1 ip route
check_out "... lo is up" 'UP' vctx guest enter n1 ip link show dev lo
check_out "guest status: the interface and address" 'inside +eth0 up, 10\.77\.0\.2/24' vctx guest status n1
check_out "... the host end" 'host end +vx-n1 up, 10\.77\.0\.1/24' vctx guest status n1
check_out "... in JSON too" '"name": "eth0"' vctx --json guest status n1
# Root inside holds NET_ADMIN over its own network namespace (its user
# namespace owns it: the kernel's rule, the mask bounds the initial one
# only), and no handle on any other.
check "root inside (its user namespace): configures its own eth0" vctx guest enter n1 ip addr add 10.77.0.99/24 dev eth0
check "... 'ip link set eth0 netns 1' (its own init's) leaves it inside" sh -c \
	'vctx guest enter n1 ip link set eth0 netns 1; vctx guest enter n1 ip link show dev eth0'
check "... the host still has no eth0" [ ! -e /sys/class/net/eth0 ]
check_out "... it cannot reach a host interface" 'No such device|find device' \
	sh -c '! vctx guest enter n1 ip link set vx-n1 down 2>&1'
check_out "... the host end is untouched" ',UP' ip link show dev vx-n1

# Reboot: a new network namespace, so a new pair, page served again.
P1=$(vctx --json guest status n1 | sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p')
vctx guest enter n1 reboot >/dev/null 2>&1
n1_back() {
	p=$(vctx --json guest status n1 | sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p')
	[ -n "$p" ] && [ "$p" != "$P1" ] && fetch_has 10.77.0.2 n1
}
check "reboot inside: a new pair, the page fetchable again" until_ok 400 n1_back
check_out "guest stop" '^n1: stopped' vctx guest stop n1 --timeout 20s
check "... the host end is gone" [ ! -e /sys/class/net/vx-n1 ]

# A bridge: the host end a port of it, the page over an address on it.
ip link add br0 type bridge && ip addr add 10.78.0.1/24 dev br0 && ip link set br0 up
LINKS1=$(links)
mk_guest /tmp/nroot2 n2
check_out "guest create --net veth:br0 (no user namespace: root is the host's uid 0 under the mask)" '^n2: created' \
	vctx guest create n2 --root /tmp/nroot2 --ns uts,ipc,pid,net,mnt --net veth:br0,ip=10.78.0.2/24,gw=10.78.0.1
check_out "guest start" '^n2: running' vctx guest start n2
check_out "... the host end is a port of br0" '^INTERFACE=br0$' cat /sys/class/net/vx-n2/master/uevent
check "... the page over br0's network" until_ok 300 fetch_has 10.78.0.2 n2
check_out "guest status: the bridge" 'host end +vx-n2 up, port of br0' vctx guest status n2
check_out "root inside (default mask, no NET_ADMIN): cannot change its eth0" 'Operation not permitted' \
	sh -c '! vctx guest enter n2 ip addr add 10.78.0.9/24 dev eth0 2>&1'
check_out "... nor move it" 'Operation not permitted' sh -c '! vctx guest enter n2 ip link set eth0 netns 1 2>&1'
check_out "... nor touch the bridge (not in its namespace)" 'No such device|find device' \
	sh -c '! vctx guest enter n2 ip link set br0 down 2>&1'
check_out "... br0 is still up" 'UP' ip link show dev br0
check_out "guest stop" '^n2: stopped' vctx guest stop n2 --timeout 20s
check "... the port is gone from br0" [ ! -e /sys/class/net/vx-n2 ]
check_eq "... the host's interfaces are as before it" "$(links)" "$LINKS1"

# A bridge that went away between create and start: one line, nothing made.
ip link add brtmp type bridge
vctx guest create n3 --root /tmp/nroot2 --net veth:brtmp >/dev/null
ip link del brtmp
check_fail "start: a bridge gone since create is refused" '^vctx: n3: net veth:brtmp: bridge brtmp: no such interface on the host' \
	vctx guest start n3
check_fail "... no context made" 'no such context' vctx info /n3
ip link del br0
check_eq "the host's interfaces are as before" "$(links)" "$LINKS0"
check_eq "... its addresses" "$(ip -o addr | sort)" "$ADDRS0"
check_eq "... its routes" "$(ip route | sort)" "$ROUTES0"
for n in n1 n2 n3; do vctx guest destroy "$n" >/dev/null; done

# ------------------------------------------------------------ autostart, destroy

vctx guest create g3 --root "$G" --hostname auto --autostart >/dev/null
check_out "start --all starts the autostart guests" '^g3: running' vctx guest start --all
check_out "... g1 (no autostart) stays stopped" '^g1 +stopped' vctx guest list
check_out "restart: a new boot" '^g3: running' vctx guest restart g3
check_out "stop with a 1 s grace: down either way (SIGKILL after it)" '^g3: stopped' vctx guest stop g3 --timeout 1s
check_out "destroy: the configuration goes, the root stays" '^g1: destroyed' vctx guest destroy g1
check "... no g1.toml" [ ! -e /tmp/g-etc/guests/g1.toml ]
check "... the root directory is still there" [ -x "$G/sbin/init" ]
vctx guest destroy g3 >/dev/null
check_eq "no context left" "$(vctx --json ls / | grep -c '"name"')" "0"

t_end
