#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The foundation: the module loads, /dev/vctx answers, the CLI reports
# versions and fails cleanly, the raw ioctl ABI rules hold, rmmod works.
. /vctx/tests/lib/ktap.sh
t_begin foundation

check "vctx.ko is loaded" sh -c 'lsmod | grep -q "^vctx "'
# The layout self-check ran at load (on every kernel: it is not KUnit) and
# every struct field the module touches agreed between C and Rust.
check_out "the load-time layout self-check passed" 'vctx: layout check: [0-9]+ items agree' dmesg
check_out "/dev/vctx is a character device, mode 0666" '^crw-rw-rw-' ls -l /dev/vctx
check_out "vctx version prints the CLI version" '^vctx [0-9]+\.[0-9]+\.[0-9]+ \(abi 1\)' vctx version
check_out "vctx version prints the module ABI version" '^module abi: 1$' vctx version
check_out "vctx version --json is a document with the ABI version" '"abi_version": 1' vctx --json version
check_status 2 "an unknown subcommand exits 2" vctx frobnicate
check_out "an unknown subcommand prints usage" '[Uu]sage' sh -c 'vctx frobnicate 2>&1; true'
check_out "an unprivileged user can ask for the version" '^module abi: 1$' su -s /bin/sh nobody -c 'vctx version'

# Raw ioctls: sizes, padding, unknown numbers, bad pointers.
# (its own KTAP, nested one level deeper: each of its checks counts)
run_prog "raw ioctl ABI rules (tests/progs/ioctl_abi.c)" /vctx/bin/ioctl_abi

check "rmmod vctx succeeds with no context in use" rmmod vctx
check_fail "without the module, vctx version says how to load it" 'module not loaded: run .insmod' vctx version
check "insmod vctx.ko again" insmod /lib/modules/vctx.ko
check_out "and the device answers again" '^module abi: 1$' vctx version
t_end
