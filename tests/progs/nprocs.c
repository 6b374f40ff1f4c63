// SPDX-License-Identifier: GPL-2.0
/*
 * nprocs: what the C library says the CPU count is, one figure a line:
 *   affinity N   sched_getaffinity(2) (musl's and busybox nproc's source)
 *   nprocs N     get_nprocs() (glibc: /sys/devices/system/cpu/online,
 *                else /proc/stat, else the affinity)
 *   onln N       sysconf(_SC_NPROCESSORS_ONLN) (glibc: as get_nprocs)
 *   conf N       sysconf(_SC_NPROCESSORS_CONF) (the configured CPUs)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <unistd.h>

int main(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set)) {
		perror("sched_getaffinity");
		return 1;
	}
	printf("affinity %d\n", CPU_COUNT(&set));
	printf("nprocs %d\n", get_nprocs());
	printf("onln %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	printf("conf %ld\n", sysconf(_SC_NPROCESSORS_CONF));
	return 0;
}
