// SPDX-License-Identifier: GPL-2.0
/*
 * spin SECONDS [GOFILE]: spins in user mode for SECONDS of wall-clock time
 * (at least one CPU's worth of wanting), then prints the CPU time it got,
 * in ms: "cpu_ms <n> wall_ms <m>". With SECONDS 0 it spins until killed (a
 * counter loop whose CPU time /proc/<pid>/stat shows). With GOFILE it
 * first sleeps until that file exists, so that several spinners start
 * together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long ms_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	volatile unsigned long x = 0;
	long long secs = argc > 1 ? atoll(argv[1]) : -1;
	long long start, cpu0;

	if (secs < 0) {
		fprintf(stderr, "usage: spin SECONDS (0: until killed)\n");
		return 2;
	}
	while (argc > 2 && access(argv[2], F_OK))
		usleep(10000);
	start = ms_of(CLOCK_MONOTONIC);
	cpu0 = ms_of(CLOCK_PROCESS_CPUTIME_ID);
	for (;;) {
		for (int i = 0; i < 100000; i++)
			x++;
		if (secs && ms_of(CLOCK_MONOTONIC) - start >= secs * 1000)
			break;
	}
	printf("cpu_ms %lld wall_ms %lld\n", ms_of(CLOCK_PROCESS_CPUTIME_ID) - cpu0,
	       ms_of(CLOCK_MONOTONIC) - start);
	return 0;
}
