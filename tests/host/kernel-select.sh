#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test (KTAP): which kernel `make module` builds for, and what it says
# about a running kernel it cannot build for. Each case stands in for
# another machine: VCTX_RUNNING_RELEASE is its uname -r, VCTX_SYSROOT holds
# its /boot/config-<release>.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "    ok $n $*"; }
notok() { n=$((n + 1)) failed=$((failed + 1)); echo "    not ok $n $*"; sed 's/^/    # /' "$tmp/out"; }
# expect DESC STATUS REGEX CMD...: CMD exits STATUS and prints REGEX (stdout+stderr).
expect() {
	local d=$1 want=$2 re=$3 rc=0
	shift 3
	"$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$tmp/out"; then ok "$d"; else
		echo "exit $rc, wanted $want and /$re/" >>"$tmp/out"; notok "$d"; fi
}
# A machine whose kernel RELEASE has CONFIG LINES in /boot/config-RELEASE.
machine() {
	mkdir -p "$tmp/$1/boot"
	printf '%s\n' "${@:2}" >"$tmp/$1/boot/config-$1"
	echo "$tmp/$1"
}

echo "    KTAP version 1"
echo "    # Subtest: host_kernel_select"

norust=$(machine 6.12.41+deb13-amd64 '# CONFIG_RUST is not set' 'CONFIG_MODULES=y')
expect "a kernel without CONFIG_RUST: refused, saying so" 1 \
	'kernel 6\.12\.41\+deb13-amd64: CONFIG_RUST is not set .*needs a kernel built with Rust support' \
	env VCTX_RUNNING_RELEASE=6.12.41+deb13-amd64 VCTX_SYSROOT="$norust" \
	"$root/tools/debian-kernel" --running --check

newer=$(machine 7.4.1+deb13-amd64 'CONFIG_RUST=y' \
	'CONFIG_RUSTC_VERSION_TEXT="rustc 1.86.0 (05f9846f8 2025-03-31) (built from a source tarball)"' \
	'CONFIG_BINDGEN_VERSION_TEXT="bindgen 0.72.0"')
expect "a Rust kernel with no recipe: refused, naming its rustc and bindgen and what is supported" 1 \
	'kernel 7\.4\.1\+deb13-amd64: no recipe in tools/kernels/.*rustc 1\.86\.0 .*bindgen 0\.72\.0; supported: 7\.3\.4\+deb13-amd64' \
	env VCTX_RUNNING_RELEASE=7.4.1+deb13-amd64 VCTX_SYSROOT="$newer" \
	"$root/tools/debian-kernel" --running --check

expect "a kernel we know nothing about (no config either): refused, no recipe" 1 \
	'kernel 6\.1\.0-99-cloud: no recipe in tools/kernels/' \
	env VCTX_RUNNING_RELEASE=6.1.0-99-cloud VCTX_SYSROOT="$tmp/none" \
	"$root/tools/debian-kernel" --running --check

expect "Debian's 7.3.4 backports kernel: buildable, with the pinned tools" 0 \
	'kernel 7\.3\.4\+deb13-amd64: buildable \(rustc 1\.85\.1, bindgen 0\.71\.1, linux-source-7\.3 7\.3\.4-1~bpo13\+1\)' \
	env VCTX_RUNNING_RELEASE=7.3.4+deb13-amd64 VCTX_SYSROOT="$tmp/none" \
	"$root/tools/debian-kernel" --running --check

expect "--kernel running on an unsupported kernel: the build stops with the reason" 1 \
	'vctx: kernel 7\.4\.1\+deb13-amd64: no recipe' \
	env VCTX_RUNNING_RELEASE=7.4.1+deb13-amd64 VCTX_SYSROOT="$newer" \
	"$root/tools/build-module" --kernel running

expect "--kernel auto on an unsupported kernel: says why, then builds for the test kernel" 0 \
	'not building for the running kernel: kernel 6\.12\.41\+deb13-amd64: CONFIG_RUST is not set.*building for the test kernel instead' \
	env VCTX_RUNNING_RELEASE=6.12.41+deb13-amd64 VCTX_SYSROOT="$norust" \
	"$root/tools/build-module" --kernel auto
grep -q '/module/plain-[0-9a-f]*/vctx.ko$' "$tmp/out" && ok "and that build is the test kernel's vctx.ko" ||
	notok "and that build is the test kernel's vctx.ko"

expect "--kernel running on Debian's 7.3.4 kernel: builds against its headers and the regenerated metadata" 0 \
	'/module/debian-7\.3\.4\+deb13-amd64-[0-9a-f]*/vctx\.ko$' \
	env VCTX_RUNNING_RELEASE=7.3.4+deb13-amd64 VCTX_SYSROOT="$tmp/none" \
	"$root/tools/build-module" --kernel running
ko=$(tail -n 1 "$tmp/out")
expect "and the module's vermagic is that kernel's release" 0 '^vermagic: +7\.3\.4\+deb13-amd64 SMP' \
	modinfo "$ko"

echo "    1..$n"
if ((failed)); then echo "not ok 1 host_kernel_select"; else echo "ok 1 host_kernel_select"; fi
exit $((failed > 0))
