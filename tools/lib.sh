# SPDX-License-Identifier: GPL-2.0
# Shared settings for the vctx scripts (sourced, not run).
# shellcheck shell=bash

VCTX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VCTX_CACHE=${VCTX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vctx}
KSRC=${KSRC:-$VCTX_CACHE/src/linux-source-7.3}
KERNEL_PKG=linux-source-7.3
KERNEL_SUITE=trixie-backports
LLVM_SUFFIX=-19
# The test kernel is built as if pahole were absent (it has no BTF), so its
# build and the module builds against it do not depend on whether the
# machine has dwarves installed (the Debian kernel's metadata needs it): a
# pahole that appears later would otherwise make kbuild warn on every
# module build that "pahole version differs".
TEST_KERNEL_PAHOLE=PAHOLE=vctx-no-pahole
# The Debian kernel every test also runs on (tools/kernels/<release>.env).
DEBIAN_TEST_RELEASE=7.3.4+deb13-amd64
# Build output of this checkout (module objects, test programs): one
# directory per work tree, so clones and git worktrees share the cached
# kernels without overwriting each other's module builds.
VCTX_TREE_CACHE=$VCTX_CACHE/trees/$(printf '%s' "$VCTX_ROOT" | sha256sum | cut -c1-12)
export VCTX_ROOT VCTX_CACHE KSRC VCTX_TREE_CACHE

# The release of the running kernel; VCTX_RUNNING_RELEASE stands in for
# uname -r (to test what another machine would do).
running_release() { echo "${VCTX_RUNNING_RELEASE:-$(uname -r)}"; }

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'vctx: %s\n' "$*" >&2; exit 1; }

# The kernel build directory for a variant (plain or debug): keyed by the
# kernel source version and the hash of the fragments, so a change of either
# builds a new tree and an unchanged pair reuses the cached one.
kernel_build_dir() {
	local variant=$1 key
	key=$( { cat "$KSRC/.vctx-version" 2>/dev/null || echo unknown
		cat "$VCTX_ROOT/tools/kernel.config"
		[ "$variant" = debug ] && cat "$VCTX_ROOT/tools/kernel-debug.config"
		echo "$variant"; } | sha256sum | cut -c1-12)
	echo "$VCTX_CACHE/build/$variant-$key"
}

# apt-get with a private state in $VCTX_CACHE/apt (trixie-backports): the
# machine's own sources and package lists are left as they were. The lists
# are fetched once per run of a caller (apt_private_update).
apt_private_opts() {
	local apt="$VCTX_CACHE/apt"
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	printf 'deb http://deb.debian.org/debian %s main\n' "$KERNEL_SUITE" >"$apt/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
		-o "Dir::Cache=$apt" -o "APT::Get::List-Cleanup=0")
}
apt_private_update() {
	apt_private_opts
	step "fetching the package list of $KERNEL_SUITE"
	apt-get "${APT_OPTS[@]}" update -qq
}

# Download package=version into DIR (apt-get download); dies with what is
# missing if the archive no longer has it.
apt_private_download() {
	local dir=$1
	shift
	apt_private_opts
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${APT_OPTS[@]}" download -qq "$@") ||
		die "cannot download $* from $KERNEL_SUITE (not in the archive any more?)"
}

fetch_kernel_source() {
	local apt="$VCTX_CACHE/apt" deb
	mkdir -p "$VCTX_CACHE/src"
	apt_private_update
	step "apt-get download $KERNEL_PKG (about 170 MB)"
	rm -f "$apt"/*.deb
	apt_private_download "$apt" "$KERNEL_PKG"
	deb=$(ls "$apt"/"$KERNEL_PKG"_*.deb)
	step "unpacking $(basename "$deb")"
	rm -rf "$apt/pkg" "$KSRC.tmp"
	dpkg-deb -x "$deb" "$apt/pkg"
	mkdir -p "$KSRC.tmp"
	tar -xf "$apt/pkg/usr/src/$KERNEL_PKG.tar.xz" -C "$KSRC.tmp" --strip-components=1
	dpkg-deb -f "$deb" Version >"$KSRC.tmp/.vctx-version"
	rm -rf "$KSRC" "$apt/pkg" "$deb"
	mv "$KSRC.tmp" "$KSRC"
}
