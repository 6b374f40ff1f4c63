// SPDX-License-Identifier: GPL-2.0
/*
 * forkrace: many forks at the same instant against an nproc limit.
 *
 *   forkrace THREADS ROUNDS
 *
 * THREADS threads wait at a barrier, then each forks once; every child
 * sleeps until the round ends. Prints, per round, how many forks
 * succeeded, and at the end "max N": the most processes of this family
 * alive at once (this process included). Run in a context with an nproc
 * limit L, max must not exceed L, however the forks interleave.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t start;
static int ok_forks;
static int fail_eagain, fail_other;

static void *worker(void *arg)
{
	int *pipefd = arg;
	pid_t p;
	char c;

	pthread_barrier_wait(&start);
	p = fork();
	if (p == 0) {
		/* Hold the slot until the round ends (the pipe closes). */
		close(pipefd[1]);
		while (read(pipefd[0], &c, 1) > 0)
			;
		_exit(0);
	}
	if (p > 0)
		__atomic_add_fetch(&ok_forks, 1, __ATOMIC_RELAXED);
	else if (errno == EAGAIN)
		__atomic_add_fetch(&fail_eagain, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&fail_other, 1, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 8;
	int rounds = argc > 2 ? atoi(argv[2]) : 10;
	pthread_t *t = calloc(threads, sizeof(*t));
	int max = 0;

	if (!t || threads < 1)
		return 2;
	for (int r = 0; r < rounds; r++) {
		int pipefd[2];

		if (pipe(pipefd))
			return 2;
		ok_forks = 0;
		pthread_barrier_init(&start, NULL, threads);
		for (int i = 0; i < threads; i++)
			pthread_create(&t[i], NULL, worker, pipefd);
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&start);
		if (ok_forks + 1 > max)
			max = ok_forks + 1;
		printf("round %d: %d forks\n", r, ok_forks);
		close(pipefd[0]);
		close(pipefd[1]);
		while (wait(NULL) > 0)
			;
	}
	printf("eagain %d other %d\n", fail_eagain, fail_other);
	printf("max %d\n", max);
	return 0;
}
