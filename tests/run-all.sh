#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest: run the suites named (default: all tests/suite-*.sh) as one
# KTAP document, each suite a subtest. Exits 1 if any failed.
cd /tmp || exit 1
if [ $# -eq 0 ]; then
	set -- /vctx/tests/suite-*.sh
fi
echo "KTAP version 1"
echo "1..$#"
n=0 failed=0
for s in "$@"; do
	n=$((n + 1))
	name=$(basename "$s" .sh)
	name=${name#suite-}
	if sh "$s"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		failed=1
	fi
done
exit $failed
