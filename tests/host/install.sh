#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of make install / make uninstall into a DESTDIR: every file in
# place with its mode, the module where depmod finds it for its kernel,
# the installed CLI runs and finds its man pages, and uninstall leaves
# nothing of ours. KTAP on stdout.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=$(mktemp -d "${TMPDIR:-/tmp}/vctx-destdir.XXXXXX")
trap 'rm -rf "$dest"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "    ok $n $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "    not ok $n $1"; [ -z "${2:-}" ] || sed 's/^/    # /' <<<"$2"; }
check() { d=$1; shift; if out=$("$@" 2>&1); then ok "$d"; else notok "$d" "$out"; fi; }

echo "    KTAP version 1"
echo "    # Subtest: install"
log=$(make -s -C "$root" install DESTDIR="$dest" PREFIX=/usr 2>&1)
check "make install DESTDIR=... PREFIX=/usr succeeds" test $? -eq 0
[ "$failed" -eq 0 ] || echo "$log" | sed 's/^/    # /'
kout=$("$root/tools/build-kernel" 2>/dev/null)
rel=$(cat "$kout/include/config/kernel.release")
ko="$dest/lib/modules/$rel/extra/vctx.ko"
check "the module is in /lib/modules/$rel/extra (the test kernel's release)" test -f "$ko"
check "its vermagic is that release" sh -c "modinfo -F vermagic '$ko' | grep -q '^$rel '"
check "depmod ran: modules.dep lists extra/vctx.ko" grep -q '^extra/vctx.ko:' "$dest/lib/modules/$rel/modules.dep"
check "the CLI is PREFIX/bin/vctx, mode 755" sh -c "[ \"\$(stat -c %a '$dest/usr/bin/vctx')\" = 755 ]"
check "... and runs" sh -c "'$dest/usr/bin/vctx' --version | grep -q '^vctx '"
check "... statically linked" sh -c "file -L '$dest/usr/bin/vctx' | grep -Eq 'static(ally|-pie) linked'"
pages=$(ls "$dest/usr/share/man/man1" 2>/dev/null | wc -l)
subs=$("$dest/usr/bin/vctx" --help | sed -n '/^Commands:/,/^$/p' | grep -Ec '^  [a-z]')
# 'vctx guest' has subcommands of its own: a page each ('help' has none).
nested=$(("$("$dest/usr/bin/vctx" guest --help | sed -n '/^Commands:/,/^$/p' | grep -Ec '^  [a-z]')" - 1))
# One page per subcommand ('help' has none) plus vctx.1.
check "man pages: vctx.1 and one per subcommand ($pages for $subs commands with help, $nested of guest)" test "$pages" -eq "$((subs + nested))"
check "man finds vctx-top(1) under PREFIX/share/man" sh -c \
	"MANPATH='$dest/usr/share/man' MANPAGER=cat man vctx-top 2>&1 | grep -q 'vctx-top - Show the contexts'"
check "bash completion installed" test -s "$dest/usr/share/bash-completion/completions/vctx"
check "zsh completion installed" test -s "$dest/usr/share/zsh/site-functions/_vctx"
check "fish completion installed" test -s "$dest/usr/share/fish/vendor_completions.d/vctx.fish"
check "modules-load.d snippet names vctx" grep -qx vctx "$dest/usr/lib/modules-load.d/vctx.conf"
unit="$dest/usr/lib/systemd/system/vctx-guest@.service"
check "systemd unit vctx-guest@.service installed, mode 644" sh -c "[ \"\$(stat -c %a '$unit')\" = 644 ]"
check "... its ExecStart runs PREFIX/bin/vctx guest supervise %i" grep -qx 'ExecStart=/usr/bin/vctx guest supervise %i' "$unit"
check "... its ExecStop stops the guest" grep -qx 'ExecStop=/usr/bin/vctx guest stop %i' "$unit"
check "no udev rule: the module makes /dev/vctx 0666 itself" sh -c "! find '$dest' -path '*udev*' | grep -q ."

log=$(make -s -C "$root" uninstall DESTDIR="$dest" PREFIX=/usr 2>&1)
check "make uninstall succeeds" test $? -eq 0
left=$(find "$dest" -type f ! -path "*/lib/modules/$rel/modules.*" | sed "s|^$dest||")
check "uninstall leaves none of our files (depmod's indexes aside)" test -z "$left"
check "... and depmod forgot the module" sh -c "! grep -q vctx '$dest/lib/modules/$rel/modules.dep'"
[ -z "$left" ] || echo "$left" | sed 's/^/    # left: /'
echo "    1..$n"
if [ "$failed" -eq 0 ]; then echo "ok 1 install"; else echo "not ok 1 install"; fi
[ "$failed" -eq 0 ]
