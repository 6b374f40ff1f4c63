#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mk_guest DIR NAME: a small busybox system in DIR (for suite-guests and the
# demo): init with an inittab, syslogd, httpd serving /www/index.html, and a
# shutdown action that writes /var/shutdown-ran. Built from the static
# busybox of the test initramfs; no device nodes (vctx --root binds them).
mk_guest() {
	_d=$1 _n=$2
	mkdir -p "$_d/bin" "$_d/sbin" "$_d/etc/init.d" "$_d/proc" "$_d/sys" "$_d/dev" \
		"$_d/tmp" "$_d/var/log" "$_d/www" "$_d/root" "$_d/usr/bin" "$_d/usr/sbin"
	cp /bin/busybox "$_d/bin/busybox"
	for _a in $(/bin/busybox --list); do
		[ "$_a" = busybox ] || ln -sf /bin/busybox "$_d/bin/$_a"
	done
	ln -sf /bin/busybox "$_d/sbin/init"
	cat >"$_d/etc/inittab" <<INITTAB
::sysinit:/etc/init.d/rcS
::respawn:/bin/httpd -f -p 80 -h /www
::respawn:/bin/syslogd -n -O /var/log/messages
::shutdown:/bin/sh -c 'echo "shutdown action ran at \$(cat /proc/uptime)" > /var/shutdown-ran'
INITTAB
	cat >"$_d/etc/init.d/rcS" <<'RCS'
#!/bin/sh
echo "rcS: $(hostname) booting, pid $$"
date +%s > /var/booted
RCS
	chmod 755 "$_d/etc/init.d/rcS"
	echo "<h1>hello from guest $_n</h1>" >"$_d/www/index.html"
	echo "root:x:0:0:root:/root:/bin/sh" >"$_d/etc/passwd"
	echo "root:x:0:" >"$_d/etc/group"
	echo "$_n" >"$_d/etc/hostname"
}
