// SPDX-License-Identifier: GPL-2.0
/*
 * forkloop: processes that fork, for the kill tests.
 *
 *   forkloop bomb [MAX]  every process forks continuously, children too, and
 *                        some exit, keeping about MAX alive: forks race the
 *                        kill all the time. Never ends by itself.
 *   forkloop probe       ignores SIGTERM and forks a short-lived child every
 *                        20 ms; the first time fork fails it prints
 *                        "fork failed: <errno name>" (once per errno).
 *   forkloop ignore      ignores SIGTERM and sleeps until killed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int bomb(int max)
{
	/* A population counter shared by the whole family. */
	int *alive = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned int seed = getpid();

	if (alive == MAP_FAILED)
		return 1;
	*alive = 1;
	/* Children are reaped automatically: no zombies pile up. */
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if (__atomic_load_n(alive, __ATOMIC_RELAXED) < max) {
			pid_t p = fork();

			if (p == 0) {
				seed = getpid();
				__atomic_add_fetch(alive, 1, __ATOMIC_RELAXED);
				continue;
			}
		} else {
			usleep(2000);
		}
		/* Churn: now and then a process (never the first) exits. */
		if (rand_r(&seed) % 8 == 0 && getpid() != getpgrp()) {
			__atomic_sub_fetch(alive, 1, __ATOMIC_RELAXED);
			_exit(0);
		}
	}
}

static int probe(void)
{
	int seen_eagain = 0, seen_other = 0;

	signal(SIGTERM, SIG_IGN);
	for (;;) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p < 0) {
			int e = errno;

			if ((e == EAGAIN && !seen_eagain) || (e != EAGAIN && !seen_other)) {
				printf("fork failed: %s\n", e == EAGAIN ? "EAGAIN" : strerror(e));
				fflush(stdout);
				if (e == EAGAIN)
					seen_eagain = 1;
				else
					seen_other = 1;
			}
		} else {
			waitpid(p, NULL, 0);
		}
		usleep(20000);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "bomb")) {
		/* Its own process group, so the first process knows it is first. */
		setpgid(0, 0);
		return bomb(argc > 2 ? atoi(argv[2]) : 40);
	}
	if (argc >= 2 && !strcmp(argv[1], "probe"))
		return probe();
	if (argc >= 2 && !strcmp(argv[1], "ignore")) {
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: forkloop bomb [MAX] | probe | ignore\n");
	return 2;
}
