/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal KTAP output for the in-guest test programs (one subtest level). */
#ifndef VCTX_TEST_KTAP_H
#define VCTX_TEST_KTAP_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int ktap_n, ktap_failed;

static inline void ktap_begin(const char *suite)
{
	printf("    KTAP version 1\n    # Subtest: %s\n", suite);
	fflush(stdout);
}

static inline void ktap_result(int ok, const char *desc)
{
	ktap_n++;
	if (!ok)
		ktap_failed++;
	printf("    %sok %d %s\n", ok ? "" : "not ", ktap_n, desc);
	fflush(stdout);
}

/* An ioctl-like call that should fail with errno @want. */
#define EXPECT_ERRNO(want, call, desc)                                          \
	do {                                                                    \
		errno = 0;                                                      \
		long r_ = (long)(call);                                         \
		int e_ = errno;                                                 \
		ktap_result(r_ == -1 && e_ == (want), desc);                    \
		if (!(r_ == -1 && e_ == (want)))                                \
			printf("    # got %ld errno %d (%s), wanted errno %d (%s)\n", \
			       r_, e_, strerror(e_), (want), strerror(want));   \
	} while (0)

#define EXPECT_OK(call, desc)                                                   \
	do {                                                                    \
		errno = 0;                                                      \
		long r_ = (long)(call);                                         \
		ktap_result(r_ >= 0, desc);                                     \
		if (r_ < 0)                                                     \
			printf("    # failed: %s\n", strerror(errno));          \
	} while (0)

#define EXPECT(cond, desc)                                                      \
	do {                                                                    \
		int c_ = !!(cond);                                              \
		ktap_result(c_, desc);                                          \
		if (!c_)                                                        \
			printf("    # false: %s\n", #cond);                     \
	} while (0)

static inline int ktap_end(void)
{
	printf("    1..%d\n", ktap_n);
	return ktap_failed ? 1 : 0;
}

#endif
