# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for the in-guest suites (sourced by busybox sh).
# A suite calls t_begin NAME, then checks, then t_end; the results are
# printed as a KTAP subtest (4-space indented) followed by the suite line.
# shellcheck shell=sh

T_N=0
T_FAIL=0
T_NAME=
T_OUT=/tmp/.t_out

t_begin() {
	T_NAME=$1 T_N=0 T_FAIL=0
	echo "    KTAP version 1"
	echo "    # Subtest: $T_NAME"
}

t_end() {
	echo "    1..$T_N"
	echo "# $T_NAME: pass:$((T_N - T_FAIL)) fail:$T_FAIL"
	[ "$T_FAIL" -eq 0 ]
}

t_ok() { T_N=$((T_N + 1)); echo "    ok $T_N $*"; }
t_skip() { T_N=$((T_N + 1)); echo "    ok $T_N $1 # SKIP $2"; }
t_notok() {
	T_N=$((T_N + 1)) T_FAIL=$((T_FAIL + 1))
	echo "    not ok $T_N $*"
}
# Indented diagnostics: the last command's output.
t_diag() { sed 's/^/    # /' "$T_OUT"; }

# check DESC CMD...: passes if CMD exits 0.
check() {
	d=$1; shift
	if "$@" >"$T_OUT" 2>&1; then t_ok "$d"; else t_notok "$d"; t_diag; fi
}

# check_status WANT DESC CMD...: passes if CMD exits with status WANT.
check_status() {
	want=$1 d=$2; shift 2
	"$@" >"$T_OUT" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then t_ok "$d"; else t_notok "$d"; echo "    # exit $rc, wanted $want"; t_diag; fi
}

# check_out DESC REGEX CMD...: passes if CMD exits 0 and its output matches
# the extended regular expression REGEX.
check_out() {
	d=$1 re=$2; shift 2
	if "$@" >"$T_OUT" 2>&1 && grep -Eq -- "$re" "$T_OUT"; then
		t_ok "$d"
	else
		t_notok "$d"; echo "    # wanted /$re/"; t_diag
	fi
}

# check_fail DESC REGEX CMD...: passes if CMD fails (exit 1) and says REGEX.
check_fail() {
	d=$1 re=$2; shift 2
	"$@" >"$T_OUT" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ] && grep -Eq -- "$re" "$T_OUT"; then
		t_ok "$d"
	else
		t_notok "$d"; echo "    # exit $rc, wanted 1 and /$re/"; t_diag
	fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_notok "$1"; echo "    # got '$2', wanted '$3'"; fi
}

# run_prog DESC PROG [ARG...]: runs a test program that prints its own KTAP
# subtest (tests/progs/ktap.h), nests it one level deeper and sums it up.
run_prog() {
	d=$1; shift
	"$@" >"$T_OUT" 2>&1
	rc=$?
	sed 's/^/    /' "$T_OUT"
	if [ "$rc" -eq 0 ]; then t_ok "$d"; else t_notok "$d"; fi
}

# ---- shared helpers for the suites ----

# asnobody CMD...: runs CMD as the unprivileged user nobody.
asnobody() { su -s /bin/sh nobody -c "$*"; }

# until_ok TENTHS CMD...: polls CMD every 0.1 s until it succeeds; false if
# it still fails after TENTHS tries.
until_ok() {
	_n=$1; shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# nprocs PATH: the processes of PATH's subtree, as vctx ps lists them.
nprocs() { vctx --json ps "$1" 2>/dev/null | grep -c '"pid"'; }
nprocs_is() { [ "$(nprocs "$1")" -eq "$2" ]; }
nprocs_ge() { [ "$(nprocs "$1")" -ge "$2" ]; }
