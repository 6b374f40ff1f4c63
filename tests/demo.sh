#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make run` demo: what vctx does, shown in the guest.
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "vctx is loaded: /dev/vctx speaks ABI $(vctx --json version | sed -n 's/.*"abi_version": \([0-9]*\).*/\1/p')"
run vctx version
