// SPDX-License-Identifier: GPL-2.0
/*
 * timens_uptime: /proc/uptime and sysinfo(2) in a time namespace whose
 * boottime offset is 10 days, against the caller's own.
 *
 * Prints "delta_uptime S delta_sysinfo S": how many seconds further the
 * child in the new time namespace sees both than its parent (10 days is
 * 864000; the kernel adds the offset, and so must a context's view).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OFFSET (10 * 24 * 3600)

static double proc_uptime(void)
{
	double up = -1;
	FILE *f = fopen("/proc/uptime", "r");

	if (!f || fscanf(f, "%lf", &up) != 1)
		up = -1;
	if (f)
		fclose(f);
	return up;
}

int main(void)
{
	int p[2], fd, status;
	double before, child[2];
	struct sysinfo si;
	long si_before;
	char off[64];
	pid_t k;

	if (unshare(CLONE_NEWTIME)) {
		perror("unshare(CLONE_NEWTIME)");
		return 2;
	}
	fd = open("/proc/self/timens_offsets", O_WRONLY);
	snprintf(off, sizeof(off), "%d %d 0", CLOCK_BOOTTIME, OFFSET);
	if (fd < 0 || write(fd, off, strlen(off)) < 0) {
		perror("timens_offsets");
		return 2;
	}
	close(fd);
	if (pipe(p))
		return 2;
	before = proc_uptime();
	sysinfo(&si);
	si_before = si.uptime;
	k = fork();
	if (k == 0) {
		/* Born in the new time namespace. */
		child[0] = proc_uptime();
		sysinfo(&si);
		child[1] = (double)si.uptime;
		if (write(p[1], child, sizeof(child)) != sizeof(child))
			_exit(1);
		_exit(0);
	}
	if (k < 0 || read(p[0], child, sizeof(child)) != sizeof(child))
		return 2;
	waitpid(k, &status, 0);
	printf("delta_uptime %.0f delta_sysinfo %.0f\n", child[0] - before, child[1] - (double)si_before);
	return 0;
}
