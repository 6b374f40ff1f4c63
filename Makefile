# SPDX-License-Identifier: GPL-2.0
# vctx: every entry point. `make help` lists them.
#
# This file is also read by kbuild when the module is built (make -C <kernel>
# M=$(CURDIR)); kbuild uses Kbuild, so only the user targets live here.

SHELL := /bin/bash
DEBUG ?=
# KERNEL: which kernel to build for and test on. module: auto (the running
# kernel if it is a supported Debian one, else ours), ours, debian, running.
# test, run, shell: ours, debian (test: both, the default).
KERNEL ?=
VFLAGS := $(if $(filter 1 y yes,$(DEBUG)),--debug)
KFLAGS := $(if $(KERNEL),--kernel $(KERNEL))

.PHONY: help deps kernel module cli progs run test test-host peer stress test-guest shell check bench clean distclean install uninstall

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14
	@echo
	@echo "Variables: DEBUG=1 (debug kernel: KASAN, lockdep, kmemleak), KDIR=<kernel build dir>,"
	@echo "KERNEL=ours|debian|both|running|auto (see README: Debian 13),"
	@echo "VCTX_CACHE (default ~/.cache/vctx: kernel source and builds), VCTX_KVM=1,"
	@echo "PREFIX (default /usr/local) and DESTDIR for install and uninstall."

deps: ## install what is missing (apt, rustup, cargo, kernel source)
	tools/deps

kernel: deps ## build (or reuse) the test kernel
	tools/build-kernel $(VFLAGS) >/dev/null

module: deps ## build vctx.ko (for the running kernel if supported, KERNEL=, or KDIR)
	tools/build-module $(VFLAGS) --kernel $(or $(KERNEL),auto)

cli: deps ## build the vctx CLI (static), its man pages and completions
	tools/build-cli

install: deps ## install the module (+depmod), CLI, man pages, completions, modules-load.d
	tools/install

uninstall: ## remove what install installed (same PREFIX, DESTDIR, KDIR)
	tools/install --uninstall

progs: deps ## build the in-guest test programs
	tools/build-progs >/dev/null

run: deps ## build everything, boot, load the module, run the demo
	tools/vm-run $(VFLAGS) $(KFLAGS) --script tests/demo.sh

shell: deps ## an interactive guest with the module loaded (Ctrl-A x quits)
	tools/vm-run $(VFLAGS) $(KFLAGS) --shell

test: deps ## every test: host, then in-guest suites, KUnit, splat checks on both kernels
	tools/run-tests $(VFLAGS) $(KFLAGS)

peer: deps ## the kernel's selftests without vctx, with it, inside a context
	tools/run-peer $(VFLAGS)

# CALLS, SECONDS, ROUNDS, SEED: tests/stress.sh's settings, as kernel arguments.
STRESS_ARGS := $(strip $(if $(CALLS),vctx_stress.calls=$(CALLS)) $(if $(SECONDS),vctx_stress.seconds=$(SECONDS)) \
	$(if $(ROUNDS),vctx_stress.rounds=$(ROUNDS)) $(if $(SEED),vctx_stress.seed=$(SEED)))
stress: deps ## fuzzer 1M calls, 1000 contexts under load, rmmod loop (DEBUG=1; 30-90 min)
	VCTX_TIMEOUT=$${VCTX_TIMEOUT:-14400} VCTX_APPEND="$(STRESS_ARGS)" \
		tools/vm-run $(VFLAGS) $(KFLAGS) --script tests/stress.sh

test-host: deps ## host tests only (cargo test)
	tools/run-tests --host-only

bench: deps ## benchmarks in one boot: table, JSON in bench/results/ (3-10 min)
	tools/bench

check: deps ## lints: module's layer order (tools/check-layers), module with CLIPPY=1, cargo clippy, shellcheck
	tools/check-layers
	tools/build-module $(VFLAGS) --clippy >/dev/null
	cd userspace && cargo clippy --quiet --all-targets --locked -- -D warnings
	if command -v shellcheck >/dev/null; then shellcheck -x $$(grep -sL '^#!.*python' tools/*[!.]?) tools/lib.sh tools/guest/init tests/*.sh tests/lib/*.sh; fi

clean: ## remove build output of the module and the CLI (not the kernel)
	rm -rf rust/generated userspace/target
	. tools/lib.sh && rm -rf "$$VCTX_TREE_CACHE"

distclean: clean ## also the cached kernel builds (not the source)
	rm -rf "$${VCTX_CACHE:-$$HOME/.cache/vctx}/build"
