// SPDX-License-Identifier: GPL-2.0
/*
 * burn MS [exit|wait]: spins in user mode until this process has used MS
 * ms more CPU, prints "done <pid>", then sleeps until killed (so
 * /proc/<pid>/stat can be compared with the context's counters); with
 * "exit" it exits. With "wait" it first prints "waiting <pid>" and sleeps
 * until SIGUSR1 (so it can be moved into a context before it burns).
 */
#include <signal.h>
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

static void go(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	volatile unsigned long x = 0;
	long long ms = argc > 1 ? atoll(argv[1]) : 0;
	const char *mode = argc > 2 ? argv[2] : "";

	if (ms <= 0) {
		fprintf(stderr, "usage: burn MS [exit|wait]\n");
		return 2;
	}
	if (!strcmp(mode, "wait")) {
		sigset_t usr1, old;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		signal(SIGUSR1, go);
		sigprocmask(SIG_BLOCK, &usr1, &old);
		printf("waiting %d\n", getpid());
		fflush(stdout);
		sigsuspend(&old);
	}
	ms += cpu_ms();
	while (cpu_ms() < ms)
		for (int i = 0; i < 100000; i++)
			x += i;
	printf("done %d\n", getpid());
	fflush(stdout);
	if (!strcmp(mode, "exit"))
		return 0;
	for (;;)
		pause();
}
