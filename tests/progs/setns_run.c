// SPDX-License-Identifier: GPL-2.0
/*
 * setns_run FD CMD [ARG...]: setns(2) into the cgroup namespace open at
 * FD (inherited), then exec CMD. Prints "setns: <strerror>" and exits 1
 * if the kernel refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: setns_run FD CMD [ARG...]\n");
		return 2;
	}
	if (setns(atoi(argv[1]), CLONE_NEWCGROUP)) {
		printf("setns: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	printf("exec %s: %s\n", argv[2], strerror(errno));
	return 1;
}
