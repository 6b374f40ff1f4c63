// SPDX-License-Identifier: GPL-2.0
/*
 * vctx-bench: the timed operations. Each runs n iterations and reports the
 * time of the loop alone (CLOCK_MONOTONIC), set-up excluded.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vctx.h>

#include "bench.h"

#define TINY "/vctx/bin/bench-tiny"

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int op_fork(const struct env *e, long n, double *ns, long *items)
{
	double t = now_ns();

	(void)e; (void)items;
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return -errno;
		if (p == 0)
			_exit(0);
		if (reap(p))
			return -ECHILD;
	}
	*ns = now_ns() - t;
	return 0;
}

static void *noop(void *arg)
{
	return arg;
}

static int op_thread(const struct env *e, long n, double *ns, long *items)
{
	double t = now_ns();

	(void)e; (void)items;
	for (long i = 0; i < n; i++) {
		pthread_t th;
		int rc = pthread_create(&th, NULL, noop, NULL);

		if (rc)
			return -rc;
		pthread_join(th, NULL);
	}
	*ns = now_ns() - t;
	return 0;
}

static int op_exec(const struct env *e, long n, double *ns, long *items)
{
	char *argv[] = { TINY, NULL }, *envp[] = { NULL };
	double t = now_ns();

	(void)e; (void)items;
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return -errno;
		if (p == 0) {
			execve(TINY, argv, envp);
			_exit(127);
		}
		if (reap(p))
			return -ENOEXEC;
	}
	*ns = now_ns() - t;
	return 0;
}

/*
 * One round trip of one byte between two processes: two context switches.
 * Both on CPU 0, as lat_ctx does: across CPUs the figure would be the
 * (emulated) wake-up IPI and idle exit, not the switch.
 */
static int op_pipe(const struct env *e, long n, double *ns, long *items)
{
	int to[2], from[2], rc = 0;
	cpu_set_t all, one;
	char b = 0;
	pid_t p;
	double t;

	(void)e; (void)items;
	if (pipe(to) || pipe(from))
		return -errno;
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
	p = fork();
	if (p < 0)
		return -errno;
	if (p == 0) {
		close(to[1]);
		close(from[0]);
		while (read(to[0], &b, 1) == 1)
			if (write(from[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	t = now_ns();
	for (long i = 0; i < n && !rc; i++)
		if (write(to[1], &b, 1) != 1 || read(from[0], &b, 1) != 1)
			rc = -EIO;
	*ns = now_ns() - t;
	close(to[1]);
	close(from[0]);
	sched_setaffinity(0, sizeof(all), &all);
	return reap(p) ?: rc;
}

static int op_readdir(const struct env *e, long n, double *ns, long *items)
{
	static char buf[32768];
	double t = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(e->proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		long got, entries = 0;

		if (fd < 0)
			return -errno;
		while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (long off = 0; off < got; entries++)
				off += ((struct dirent64 *)(buf + off))->d_reclen;
		close(fd);
		if (got < 0)
			return -errno;
		*items = entries;
	}
	*ns = now_ns() - t;
	return 0;
}

static int op_stat(const struct env *e, long n, double *ns, long *items)
{
	char path[64];
	struct stat st;
	double t;

	(void)items;
	snprintf(path, sizeof(path), "%s/%d", e->proc, e->stat_pid);
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (stat(path, &st))
			return -errno;
	*ns = now_ns() - t;
	return 0;
}

static int op_getppid(const struct env *e, long n, double *ns, long *items)
{
	double t = now_ns();

	(void)e; (void)items;
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	*ns = now_ns() - t;
	return 0;
}

/*
 * capset(2) of the caller's own capabilities: one security_capable() check
 * per call (cap_capset() asks for CAP_SETPCAP), the path of vctx's
 * capability-mask hook.
 */
static int op_capset(const struct env *e, long n, double *ns, long *items)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	double t;

	(void)e; (void)items;
	if (syscall(SYS_capget, &h, d))
		return -errno;
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_capset, &h, d))
			return -errno;
	*ns = now_ns() - t;
	return 0;
}

static int op_info(const struct env *e, long n, double *ns, long *items)
{
	double t = now_ns();

	(void)items;
	for (long i = 0; i < n; i++) {
		int rc = dev_info_self(e->dev);

		if (rc)
			return rc;
	}
	*ns = now_ns() - t;
	return 0;
}

/* Times @n calls of the path-taking ioctl wrapper @call on "/". */
static int time_path_ioctl(int (*call)(int, const char *), const struct env *e,
			   long n, double *ns)
{
	double t = now_ns();

	if (!(e->features & VCTX_FEAT_ACCOUNTING))
		return -EOPNOTSUPP;
	for (long i = 0; i < n; i++) {
		int rc = call(e->dev, "/");

		if (rc)
			return rc;
	}
	*ns = now_ns() - t;
	return 0;
}

static int op_statioc(const struct env *e, long n, double *ns, long *items)
{
	(void)items;
	return time_path_ioctl(dev_stat, e, n, ns);
}

static int op_snapshot(const struct env *e, long n, double *ns, long *items)
{
	(void)items;
	return time_path_ioctl(dev_snapshot, e, n, ns);
}

/* /cd is created and destroyed below the worker's own context. */
static int op_create(const struct env *e, long n, double *ns, long *items)
{
	double t = now_ns();

	(void)items;
	for (long i = 0; i < n; i++) {
		int rc = dev_create(e->dev, "/cd") ?: dev_destroy(e->dev, "/cd");

		if (rc)
			return rc;
	}
	*ns = now_ns() - t;
	return 0;
}

/*
 * A process enters a context once and never leaves: each iteration is a
 * fresh child that times its own move into /e (below the worker's context,
 * made by the orchestrator) and adds it to a shared total.
 */
static int op_enter(const struct env *e, long n, double *ns, long *items)
{
	double *sum = mmap(NULL, 2 * sizeof(double), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rc = 0;

	(void)items;
	if (sum == MAP_FAILED)
		return -errno;
	sum[0] = sum[1] = 0;
	for (long i = 0; i < n && !rc; i++) {
		pid_t p = fork();

		if (p < 0) {
			rc = -errno;
			break;
		}
		if (p == 0) {
			double t = now_ns();
			int r = dev_enter(e->dev, "/e", 0);

			sum[0] += now_ns() - t;
			sum[1] = r;
			_exit(0);
		}
		rc = reap(p) ?: (int)sum[1];
	}
	*ns = sum[0];
	munmap(sum, 2 * sizeof(double));
	return rc;
}

const struct op_desc ops[OP_COUNT] = {
	[OP_FORK]     = { "fork_exit_wait", "fork+exit+wait",         200, 0, op_fork },
	[OP_THREAD]   = { "thread_create_join", "thread create+join", 200, 0, op_thread },
	[OP_EXEC]     = { "fork_exec_wait", "fork+exec tiny+wait",    100, 0, op_exec },
	[OP_PIPE]     = { "pipe_pingpong", "pipe ping-pong (rtt)",   2000, 0, op_pipe },
	[OP_READDIR]  = { "proc_readdir", "readdir /proc",             10, 0, op_readdir },
	[OP_STAT]     = { "proc_pid_stat", "stat /proc/<pid>",       2000, 0, op_stat },
	[OP_GETPPID]  = { "getppid", "getppid (trivial syscall)",   20000, 0, op_getppid },
	[OP_INFO]     = { "ioctl_info", "ioctl INFO (self)",         5000, 1, op_info },
	[OP_STATIOC]  = { "ioctl_stat", "ioctl STAT /",              2000, 1, op_statioc },
	[OP_SNAPSHOT] = { "ioctl_snapshot", "ioctl SNAPSHOT /",      1000, 1, op_snapshot },
	[OP_CREATE]   = { "ctx_create_destroy", "context create+destroy", 500, 1, op_create },
	[OP_ENTER]    = { "ctx_enter", "enter (one ioctl)",           100, 1, op_enter },
	[OP_CAPSET]   = { "capset", "capset (a capability check)", 20000, 0, op_capset },
};

long iterations(enum op o, double div)
{
	long n = ops[o].count / div;

	return n < 1 ? 1 : n;
}

/*
 * A warm-up of a tenth, then the timed run in BATCHES batches. The sample
 * is the fastest batch: other guests on the host only ever add time (a
 * vCPU descheduled by the host), so the fastest batch is the one least
 * disturbed; *mean is the whole run's average, disturbances included.
 */
#define BATCHES 10

int time_op(enum op o, const struct env *e, long n, double *ns, double *mean, long *items)
{
	long per = n / BATCHES ? n / BATCHES : 1;
	double t, total = 0;
	int rc;

	*items = 0;
	*ns = 0;
	rc = ops[o].run(e, n / 10 ? n / 10 : 1, &t, items);
	for (int b = 0; !rc && b < BATCHES; b++) {
		rc = ops[o].run(e, per, &t, items);
		total += t;
		if (!rc && (b == 0 || t / per < *ns))
			*ns = t / per;
	}
	*mean = total / (per * BATCHES);
	return rc;
}
