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
# Build output of this checkout (module objects, test programs): one
# directory per work tree, so clones and git worktrees share the cached
# kernels without overwriting each other's module builds.
VCTX_TREE_CACHE=$VCTX_CACHE/trees/$(printf '%s' "$VCTX_ROOT" | sha256sum | cut -c1-12)
export VCTX_ROOT VCTX_CACHE KSRC VCTX_TREE_CACHE

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

# apt-get download from trixie-backports with a private apt state: the
# machine's own sources and package lists are left as they were.
fetch_kernel_source() {
	local apt="$VCTX_CACHE/apt" deb
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$VCTX_CACHE/src"
	printf 'deb http://deb.debian.org/debian %s main\n' "$KERNEL_SUITE" >"$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
		-o "Dir::Cache=$apt" -o "APT::Get::List-Cleanup=0")
	step "fetching the $KERNEL_PKG package list ($KERNEL_SUITE)"
	apt-get "${opts[@]}" update -qq
	step "apt-get download $KERNEL_PKG (about 170 MB)"
	(cd "$apt" && rm -f ./*.deb && apt-get "${opts[@]}" download -qq "$KERNEL_PKG")
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
