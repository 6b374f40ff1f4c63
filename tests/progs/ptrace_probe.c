// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_probe PID: tries to reach process PID the ways a debugger would
 * (PTRACE_ATTACH, PTRACE_SEIZE, process_vm_readv, /proc/PID/mem) and
 * prints one line per way: "<way> ok" or "<way> <errno name>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *way, int ok)
{
	if (ok)
		printf("%s ok\n", way);
	else
		printf("%s %s\n", way, strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	char buf[16], path[64];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)0x400000, sizeof(buf) };
	pid_t pid;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: ptrace_probe PID\n");
		return 2;
	}
	pid = atoi(argv[1]);

	if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) {
		report("attach", 1);
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	} else {
		report("attach", 0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		report("seize", 1);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	} else {
		report("seize", 0);
	}
	/* EFAULT means the call got as far as the target's memory. */
	errno = 0;
	report("process_vm_readv",
	       process_vm_readv(pid, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	report("proc_mem", fd >= 0);
	if (fd >= 0)
		close(fd);
	return 0;
}
