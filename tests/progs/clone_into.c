// SPDX-License-Identifier: GPL-2.0
/*
 * clone_into DIR: clone3(CLONE_INTO_CGROUP) a child into the cgroup v2
 * directory DIR; the child prints its /proc/self/cgroup line and exits.
 * Prints "created" and exits 0 if the kernel made the child, else
 * "refused: <strerror>" and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct clone_args args;
	int fd, status;
	long pid;

	if (argc != 2) {
		fprintf(stderr, "usage: clone_into DIR\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		printf("refused: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)fd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		printf("refused: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		char line[512];
		FILE *f = fopen("/proc/self/cgroup", "r");

		if (f && fgets(line, sizeof(line), f))
			printf("child in %s", line);
		_exit(0);
	}
	waitpid((pid_t)pid, &status, 0);
	printf("created\n");
	return 0;
}
