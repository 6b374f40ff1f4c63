// SPDX-License-Identifier: GPL-2.0
/*
 * sysinfo: prints what sysinfo(2) says, one "key value" a line, memory in
 * bytes and loads as fixed point (1.0 = 65536, SI_LOAD_SHIFT):
 *   uptime S / load1 L / load5 L / load15 L / procs N / totalram B / freeram B
 */
#include <stdio.h>
#include <sys/sysinfo.h>

int main(void)
{
	struct sysinfo si;

	if (sysinfo(&si)) {
		perror("sysinfo");
		return 1;
	}
	printf("uptime %ld\n", si.uptime);
	printf("load1 %lu\nload5 %lu\nload15 %lu\n", si.loads[0], si.loads[1], si.loads[2]);
	printf("procs %u\n", si.procs);
	printf("totalram %llu\n", (unsigned long long)si.totalram * si.mem_unit);
	printf("freeram %llu\n", (unsigned long long)si.freeram * si.mem_unit);
	return 0;
}
