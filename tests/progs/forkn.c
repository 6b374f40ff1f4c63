// SPDX-License-Identifier: GPL-2.0
/*
 * forkn: known numbers of forks and threads, for the accounting and limit
 * tests. Prints one line and, in the hold modes, sleeps until killed.
 *
 *   forkn N           forks N children that exit at once, reaps them;
 *                     prints "forked K failed F" (F: forks that failed)
 *   forkn hold N      forks up to N children that sleep, stopping at the
 *                     first failure; prints "started K errno NAME" (NAME is
 *                     EAGAIN, another errno, or 0), then sleeps
 *   forkn threads N   the same with N more threads in this process
 *   forkn tries N     tries N forks (children exit at once); prints
 *                     "ok K eagain A other O"
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e)
{
	return e == 0 ? "0" : e == EAGAIN ? "EAGAIN" : strerror(e);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void hold(int started, int err)
{
	printf("started %d errno %s\n", started, errname(err));
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode = argc == 3 ? argv[1] : "run";
	int n = argc == 2 || argc == 3 ? atoi(argv[argc - 1]) : -1;
	int k = 0, err = 0;

	if (n < 0) {
		fprintf(stderr, "usage: forkn N | hold N | threads N | tries N\n");
		return 2;
	}
	if (!strcmp(mode, "run")) {
		int failed = 0;

		for (int i = 0; i < n; i++) {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p < 0) {
				failed++;
				continue;
			}
			waitpid(p, NULL, 0);
			k++;
		}
		printf("forked %d failed %d\n", k, failed);
		return 0;
	}
	if (!strcmp(mode, "hold")) {
		for (; k < n; k++) {
			pid_t p = fork();

			if (p == 0)
				for (;;)
					pause();
			if (p < 0) {
				err = errno;
				break;
			}
		}
		hold(k, err);
	}
	if (!strcmp(mode, "threads")) {
		for (; k < n; k++) {
			pthread_t t;

			err = pthread_create(&t, NULL, sleeper, NULL);
			if (err)
				break;
		}
		hold(k, err);
	}
	if (!strcmp(mode, "tries")) {
		int eagain = 0, other = 0;

		for (int i = 0; i < n; i++) {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p > 0) {
				waitpid(p, NULL, 0);
				k++;
			} else if (errno == EAGAIN) {
				eagain++;
			} else {
				other++;
			}
		}
		printf("ok %d eagain %d other %d\n", k, eagain, other);
		return 0;
	}
	fprintf(stderr, "forkn: unknown mode %s\n", mode);
	return 2;
}
