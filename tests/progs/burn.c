// SPDX-License-Identifier: GPL-2.0
/*
 * burn MS [exit]: spins in user mode until this process has used MS ms of
 * CPU, prints "done <pid>", then sleeps until killed (so /proc/<pid>/stat
 * can be compared with the context's counters); with "exit" it exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	volatile unsigned long x = 0;
	long long ms = argc > 1 ? atoll(argv[1]) : 0;

	if (ms <= 0) {
		fprintf(stderr, "usage: burn MS [exit]\n");
		return 2;
	}
	while (cpu_ms() < ms)
		for (int i = 0; i < 100000; i++)
			x += i;
	printf("done %d\n", getpid());
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "exit"))
		return 0;
	for (;;)
		pause();
}
