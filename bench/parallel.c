// SPDX-License-Identifier: GPL-2.0
/*
 * vctx-bench -P: the parallel benchmark. Two workers, one pinned to each
 * of two CPUs, fork+exit+wait in a loop and read /proc every PAR_READDIR_EVERY
 * forks, at the same time, for a fixed time; the figure is their combined
 * throughput. Configurations:
 *
 *   unloaded     module not loaded, workers in /
 *   loaded_root  loaded, a context elsewhere has a member, workers in /
 *                (the host's paths: no lock, one index lookup)
 *   same_ctx     both workers in the same context /p
 *   two_ctx      one worker in /p1, the other in /p2
 *
 * The rounds alternate unloaded and loaded phases (as the main benchmark),
 * and each ratio is unloaded / configuration throughput of one round (so
 * above 1 is slower). On a kernel with CONFIG_LOCK_STAT, /proc/lock_stat is
 * cleared before each loaded configuration and read after it: the
 * contentions and acquisitions of every lock class whose name holds
 * "vctx" are summed over the rounds. Meant for multi-threaded TCG or KVM
 * (host time); see Documentation/performance.rst.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define PAR_READDIR_EVERY	8
#define PAR_CLASSES		16
#define LOCK_STAT		"/proc/lock_stat"

enum pcfg { P_UNLOADED, P_ROOT, P_SAME, P_APART, P_COUNT };

static const char *const pnames[P_COUNT] = {
	[P_UNLOADED] = "unloaded", [P_ROOT] = "loaded_root",
	[P_SAME] = "same_ctx", [P_APART] = "two_ctx",
};

/* Where each worker runs, per configuration (NULL: stays in /). */
static const char *const where[P_COUNT][2] = {
	[P_SAME] = { "/p", "/p" }, [P_APART] = { "/p1", "/p2" },
};

struct lock_class {
	char name[64];
	double contentions, acquisitions;
};

struct shared {
	volatile int ready, go, stop;
	long forks[2], readdirs[2];
	int err[2];
};

struct par_results {
	double ops[P_COUNT][MAX_ROUNDS];	/* forks per second, both workers */
	struct lock_class cls[P_COUNT][PAR_CLASSES];
	int ncls[P_COUNT];
	int lock_stat;				/* /proc/lock_stat was read */
};

static struct shared *sh;
static pid_t member = -1;	/* the member of /m while loaded */

static void pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static int readdir_proc(void)
{
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while (readdir(d))
		;
	closedir(d);
	return 0;
}

static void par_worker(int i, const char *ctx)
{
	int rc = 0;

	sleepers_unmap();
	pin(i);
	if (ctx) {
		int fd = dev_open();

		rc = fd < 0 ? fd : dev_enter(fd, ctx, 0);
		if (fd >= 0)
			close(fd);
	}
	sh->err[i] = -rc;
	__sync_fetch_and_add(&sh->ready, 1);
	while (!sh->go)
		sched_yield();
	while (!rc && !sh->stop) {
		pid_t p = fork();
		int status;

		if (p < 0) {
			rc = -errno;
			break;
		}
		if (p == 0)
			_exit(0);
		if (waitpid(p, &status, 0) != p) {
			rc = -errno;
			break;
		}
		if (++sh->forks[i] % PAR_READDIR_EVERY == 0) {
			rc = readdir_proc();
			sh->readdirs[i]++;
		}
	}
	sh->err[i] = -rc;
	_exit(rc ? 1 : 0);
}

/* Runs both workers for `seconds`; forks per second, or -errno. */
static double par_run(enum pcfg c, double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	pid_t w[2];
	double t0, t;

	memset(sh, 0, sizeof(*sh));
	fflush(NULL);
	for (int i = 0; i < 2; i++) {
		w[i] = fork();
		if (w[i] == 0)
			par_worker(i, where[c][i]);
	}
	while (sh->ready < 2)
		usleep(1000);
	t0 = now_ns();
	sh->go = 1;
	nanosleep(&ts, NULL);
	sh->stop = 1;
	t = now_ns() - t0;
	for (int i = 0; i < 2; i++)
		if (w[i] > 0)
			waitpid(w[i], NULL, 0);
	for (int i = 0; i < 2; i++)
		if (w[i] < 0 || sh->err[i]) {
			fprintf(stderr, "vctx-bench -P: %s worker %d: %s\n", pnames[c], i,
				strerror(w[i] < 0 ? EAGAIN : sh->err[i]));
			return -1;
		}
	return (sh->forks[0] + sh->forks[1]) / (t / 1e9);
}

static int put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = fputs(val, f) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : rc;
}

/* Adds the vctx lock classes of /proc/lock_stat to cls[]. */
static void lock_stat_read(struct par_results *r, enum pcfg c)
{
	FILE *f = fopen(LOCK_STAT, "r");
	char line[512];

	if (!f)
		return;
	r->lock_stat = 1;
	while (fgets(line, sizeof(line), f)) {
		double v[12];
		char *colon = strrchr(line, ':'), *name = line;
		int k;

		/* "  class name:  con-bounces contentions ... acquisitions ..." */
		if (!colon || !strstr(line, "vctx"))
			continue;
		if (sscanf(colon + 1, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			   &v[9], &v[10], &v[11]) != 12)
			continue;
		*colon = 0;
		while (*name == ' ')
			name++;
		for (k = 0; k < r->ncls[c]; k++)
			if (!strcmp(r->cls[c][k].name, name))
				break;
		if (k == r->ncls[c]) {
			if (k == PAR_CLASSES)
				continue;
			snprintf(r->cls[c][k].name, sizeof(r->cls[c][k].name), "%.63s", name);
			r->ncls[c]++;
		}
		r->cls[c][k].contentions += v[1];
		r->cls[c][k].acquisitions += v[7];
	}
	fclose(f);
}

static int par_contexts(void)
{
	int fd = dev_open(), rc;
	pid_t s;

	if (fd < 0)
		return fd;
	rc = dev_create(fd, "/p") ?: dev_create(fd, "/p1") ?: dev_create(fd, "/p2") ?:
		dev_create(fd, "/m");
	/* A member elsewhere, so the hooks do not take their no-member exit. */
	s = fork();
	if (s == 0) {
		pause();
		_exit(0);
	}
	member = s;
	if (!rc)
		rc = s < 0 ? -errno : dev_enter(fd, "/m", s);
	close(fd);
	return rc;
}

/* Ends the loaded phase: its member, then the module. */
static int par_unload(void)
{
	if (member > 0) {
		kill(member, SIGKILL);
		waitpid(member, NULL, 0);
		member = -1;
	}
	return module_loaded() ? module_unload() : 0;
}

static void print_par(const struct par_results *r, int rounds, double seconds)
{
	printf("\nparallel: 2 workers on CPUs 0 and 1, %g s each, fork+exit+wait and a "
	       "readdir of /proc every %d forks\n", seconds, PAR_READDIR_EVERY);
	printf("%-12s %14s   %s\n", "config", "forks/s med", "unloaded / config, per round: median [min-max]");
	for (int c = 0; c < P_COUNT; c++) {
		struct cell a = { 0 }, b = { 0 };
		double med, min, max, m2, n2, x2;

		for (int i = 0; i < rounds; i++) {
			/* Ratios of times: 1/throughput. */
			a.st[i] = r->ops[c][i] > 0 ? ST_OK : ST_FAIL;
			a.ns[i] = r->ops[c][i] > 0 ? 1e9 / r->ops[c][i] : 0;
			b.st[i] = r->ops[P_UNLOADED][i] > 0 ? ST_OK : ST_FAIL;
			b.ns[i] = r->ops[P_UNLOADED][i] > 0 ? 1e9 / r->ops[P_UNLOADED][i] : 0;
		}
		if (cell_summary(&a, rounds, &m2, &n2, &x2)) {
			printf("%-12s %14s\n", pnames[c], "failed");
			continue;
		}
		if (ratio_summary(&a, &b, rounds, &med, &min, &max))
			med = min = max = 0;
		printf("%-12s %14.0f   %.3f [%.3f-%.3f]\n", pnames[c], 1e9 / m2, med, min, max);
	}
	if (!r->lock_stat) {
		printf("lock_stat: not in this kernel (CONFIG_LOCK_STAT: the debug kernel)\n");
		return;
	}
	printf("lock_stat, vctx lock classes, summed over the rounds:\n");
	for (int c = P_ROOT; c < P_COUNT; c++) {
		if (!r->ncls[c])
			printf("  %-12s no vctx lock acquired\n", pnames[c]);
		for (int k = 0; k < r->ncls[c]; k++)
			printf("  %-12s %-24s contentions %.0f of %.0f acquisitions\n", pnames[c],
			       r->cls[c][k].name, r->cls[c][k].contentions, r->cls[c][k].acquisitions);
	}
}

static int write_par_json(const struct par_results *r, int rounds, double seconds, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"parallel\": { \"seconds\": %g, \"rounds\": %d, \"readdir_every\": %d,\n",
		seconds, rounds, PAR_READDIR_EVERY);
	fprintf(f, "    \"forks_per_s\": {");
	for (int c = 0; c < P_COUNT; c++) {
		fprintf(f, "%s\n      \"%s\": [", c ? "," : "", pnames[c]);
		for (int i = 0; i < rounds; i++)
			fprintf(f, "%s%.1f", i ? ", " : "", r->ops[c][i]);
		fprintf(f, "]");
	}
	fprintf(f, " },\n    \"lock_stat\": %s", r->lock_stat ? "{" : "null");
	for (int c = P_ROOT; r->lock_stat && c < P_COUNT; c++) {
		fprintf(f, "%s\n      \"%s\": [", c > P_ROOT ? "," : "", pnames[c]);
		for (int k = 0; k < r->ncls[c]; k++)
			fprintf(f, "%s{ \"class\": \"%s\", \"contentions\": %.0f, \"acquisitions\": %.0f }",
				k ? ", " : "", r->cls[c][k].name, r->cls[c][k].contentions,
				r->cls[c][k].acquisitions);
		fprintf(f, "]");
	}
	fprintf(f, "%s\n  }\n}\n", r->lock_stat ? " }" : "");
	return fclose(f) ? -errno : 0;
}

int parallel_main(int rounds, double seconds, const char *json)
{
	struct par_results *r = calloc(1, sizeof(*r));
	int was_loaded = module_loaded(), fail = 0;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!r || sh == MAP_FAILED || rounds < 1 || rounds > MAX_ROUNDS || seconds <= 0)
		return 2;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "vctx-bench -P: needs two CPUs\n");
		return 2;
	}
	put("/proc/sys/kernel/lock_stat", "1");
	for (int i = 0; !fail && i < rounds; i++) {
		int first = i % 2;

		printf("parallel round %d/%d\n", i + 1, rounds);
		fflush(stdout);
		for (int ph = 0; !fail && ph < 2; ph++) {
			int loaded = ph ? !first : first;

			fail = par_unload() ||
			       (loaded && (module_load() || par_contexts()));
			if (fail) {
				fprintf(stderr, "vctx-bench -P: setting up the module: failed\n");
				break;
			}
			if (!loaded) {
				r->ops[P_UNLOADED][i] = par_run(P_UNLOADED, seconds);
				continue;
			}
			for (int k = 0; k < 3; k++) {
				enum pcfg c = P_ROOT + (k + i) % 3;

				put(LOCK_STAT, "0");
				r->ops[c][i] = par_run(c, seconds);
				lock_stat_read(r, c);
			}
		}
	}
	par_unload();
	if (was_loaded)
		module_load();
	print_par(r, rounds, seconds);
	if (json && write_par_json(r, rounds, seconds, json))
		fail = 1;
	return fail;
}
