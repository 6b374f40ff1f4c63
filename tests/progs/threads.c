// SPDX-License-Identifier: GPL-2.0
/*
 * threads N [exit-main]: a process with N threads (the main one and N-1
 * more) that all sleep until killed. Prints "ready <pid> <tid of the last
 * thread>" once every thread runs. With exit-main the main thread then
 * exits (pthread_exit), leaving a process whose leader is gone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int started;
static long last_tid;

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	started++;
	last_tid = syscall(SYS_gettid);
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t t;

	if (n < 1 || n > 256) {
		fprintf(stderr, "usage: threads N (1..256)\n");
		return 2;
	}
	for (int i = 1; i < n; i++) {
		if (pthread_create(&t, NULL, worker, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (started < n - 1)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("ready %d %ld\n", getpid(), n > 1 ? last_tid : (long)getpid());
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "exit-main"))
		pthread_exit(NULL);
	for (;;)
		pause();
}
