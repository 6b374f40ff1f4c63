// SPDX-License-Identifier: GPL-2.0
/*
 * vctx-bench: the cost of vctx, measured in one boot.
 *
 * Every round runs every configuration once (module absent, loaded with
 * no context holding a process yet, loaded with the workload in /, in a
 * context 3 deep, in a context with an nproc limit,
 * and the mainline anchors: a cgroup with pids.max, procfs with
 * hidepid=invisible), the phases with and without the module alternating
 * from round to round (U L L U U L ...), so a ratio compares figures taken
 * moments apart. Each configuration runs in a fresh worker process that
 * places itself (enter, cgroup.procs, setresuid) and then times every
 * operation. The scale phase then repeats some operations with 10, 1,000
 * and 10,000 contexts, then with 10,000 processes spread over them, and
 * measures the module's memory per context and per tracked process.
 *
 * Run as root in the test guest; see Documentation/performance.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vctx.h>

#include "bench.h"

#define NOBODY_SLEEPERS	10
#define NPROC_LIMIT	100000

const char *const cfg_names[CFG_COUNT] = {
	[CFG_UNLOADED] = "unloaded",
	[CFG_LOADED]   = "loaded",
	[CFG_IDLE]     = "loaded_idle",
	[CFG_NESTED]   = "nested3",
	[CFG_LIMITED]  = "limited",
	[CFG_CGROUP]   = "cgroup_pids",
	[CFG_HIDEPID]  = "hidepid",
};

static struct results *res;	/* shared with the workers */
static pid_t *sleepers;
static long nsleepers;
static int limit_err, cgroup_err, hidepid_err;

static int usage(FILE *f)
{
	fprintf(f, "usage: vctx-bench [-r ROUNDS] [-d DIV] [-p PROCS] [-l N,N,N] [-s PROCS] [-o FILE]\n"
		"       vctx-bench -P SECONDS [-r ROUNDS] [-o FILE]\n"
		"  -r ROUNDS  rounds of every configuration (default 15, max %d)\n"
		"  -d DIV     divide every iteration count by DIV (smoke runs)\n"
		"  -p PROCS   sleeping processes populating /proc (default 1000)\n"
		"  -l LEVELS  context counts of the scale phase (default 10,1000,10000; 0: none)\n"
		"  -s PROCS   processes spread over the contexts there (default 10000)\n"
		"  -o FILE    write the JSON document to FILE\n"
		"  -P SECONDS the parallel benchmark instead: two workers on two CPUs fork and\n"
		"             read /proc at once for SECONDS per configuration (bench/parallel.c)\n",
		MAX_ROUNDS);
	return f == stdout ? 0 : 2;
}

static int applies(enum cfg c, enum op o)
{
	int loaded = c == CFG_LOADED || c == CFG_IDLE || c == CFG_NESTED || c == CFG_LIMITED;

	if (ops[o].needs_module && !loaded)
		return 0;
	if (c == CFG_HIDEPID)
		return o == OP_READDIR || o == OP_STAT || o == OP_GETPPID;
	return 1;
}

static void record(struct cell *cl, int round, int rc, double ns, double mean, long items)
{
	if (rc == 0) {
		cl->st[round] = ST_OK;
		cl->ns[round] = ns;
		cl->mean[round] = mean;
		if (items)
			cl->items = items;
	} else {
		cl->st[round] = rc == -ENOTTY || rc == -EOPNOTSUPP ? ST_NA : ST_FAIL;
		cl->err = -rc;
	}
}

/* Marks every applicable figure of a configuration n/a for a round. */
static void mark_na(struct cell *row, int round, int err, const int *mask)
{
	for (int o = 0; o < OP_COUNT; o++)
		if (mask[o])
			record(&row[o], round, -err, 0, 0, 0);
}

/*
 * A worker: places itself (enter PATH, or the cgroup, or uid nobody on the
 * hidepid mount), then times each operation of mask into row[].
 */
/*
 * Everything a worker starts runs on CPU 0 with it: a fork's child, a
 * thread, the pipe partner. On the emulated machine a wake-up across CPUs
 * is an IPI whose cost depends on how the host schedules the other vCPU's
 * thread (other guests share the host): pinned, a figure is the work of
 * the operation, which is what the module can change.
 */
static void pin_cpu0(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static void worker(enum cfg c, const char *ctx, pid_t stat_pid, struct cell *row,
		   int round, const int *mask)
{
	struct env e = { .dev = -1, .proc = "/proc", .stat_pid = stat_pid };
	int rc = 0;

	sleepers_unmap();	/* fork copies the address space: keep it small */
	pin_cpu0();
	if (module_loaded()) {
		e.dev = dev_open();
		if (e.dev >= 0)
			dev_version(e.dev, &e.features);
	}
	if (ctx)
		rc = e.dev < 0 ? e.dev : dev_enter(e.dev, ctx, 0);
	if (c == CFG_CGROUP)
		rc = cgroup_join();
	if (c == CFG_HIDEPID) {
		e.proc = hidepid_mount;
		/* Group root would pass procfs's pid_gid (0) test: drop it too. */
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			rc = -errno;
	}
	if (rc) {
		fprintf(stderr, "vctx-bench: %s: setting up: %s\n", cfg_names[c], strerror(-rc));
		mark_na(row, round, -rc == ENOTTY ? ENOTTY : EIO, mask);
		_exit(1);
	}
	for (int o = 0; o < OP_COUNT; o++) {
		double ns = 0, mean = 0;
		long items = 0;

		if (!mask[o])
			continue;
		rc = time_op(o, &e, iterations(o, res->div), &ns, &mean, &items);
		record(&row[o], round, rc, ns, mean, items);
	}
	_exit(0);
}

static void run_worker(enum cfg c, const char *ctx, pid_t stat_pid, struct cell *row,
		       int round, const int *mask)
{
	pid_t p;

	fflush(NULL);
	p = fork();
	if (p == 0)
		worker(c, ctx, stat_pid, row, round, mask);
	if (p > 0)
		waitpid(p, NULL, 0);
}

static void run_config(enum cfg c, int round)
{
	static const char *const where[CFG_COUNT] = {
		[CFG_NESTED] = "/b1/b2/b3", [CFG_LIMITED] = "/lim",
	};
	int mask[OP_COUNT], err = 0;

	for (int o = 0; o < OP_COUNT; o++)
		mask[o] = applies(c, o);
	if (c == CFG_LIMITED)
		err = limit_err;
	if (c == CFG_CGROUP)
		err = cgroup_err;
	if (c == CFG_HIDEPID)
		err = hidepid_err;
	if (err) {
		mark_na(res->c[c], round, err == ENOTTY ? ENOTTY : err, mask);
		return;
	}
	/* The limited context holds a sleeper of its own to stat. */
	run_worker(c, where[c], sleepers[c == CFG_LIMITED ? NOBODY_SLEEPERS : 0],
		   res->c[c], round, mask);
}

static int set_module(int load)
{
	if (module_loaded() == load)
		return 0;
	return load ? module_load() : module_unload();
}

/* /e, which the enter operation of a worker in / moves into. */
static int make_enter_target(void)
{
	int fd = dev_open(), rc;

	if (fd < 0)
		return fd;
	rc = dev_create(fd, "/e");
	close(fd);
	return rc;
}

/* The contexts of the loaded configurations, fresh after every load. */
static int setup_contexts(void)
{
	int fd = dev_open(), rc;

	if (fd < 0)
		return fd;
	dev_version(fd, &res->features);
	rc = dev_create(fd, "/e") ?: dev_create(fd, "/b1") ?: dev_create(fd, "/b1/b2") ?:
		dev_create(fd, "/b1/b2/b3") ?: dev_create(fd, "/b1/b2/b3/e") ?:
		dev_create(fd, "/lim") ?: dev_create(fd, "/lim/e");
	for (int i = 0; !rc && i < NOBODY_SLEEPERS; i++)
		rc = dev_enter(fd, "/b1/b2/b3", sleepers[i]);
	if (!rc)
		rc = dev_enter(fd, "/lim", sleepers[NOBODY_SLEEPERS]);
	if (!rc) {
		limit_err = -dev_set_nproc(fd, "/lim", NPROC_LIMIT);
		if (limit_err)
			snprintf(res->cfg_note[CFG_LIMITED], sizeof(res->cfg_note[0]),
				 "n/a: VCTX_IOC_SET_LIMIT: %s", strerror(limit_err));
	}
	close(fd);
	return rc;
}

static int phase(int loaded, int round)
{
	static const enum cfg u[] = { CFG_UNLOADED, CFG_CGROUP, CFG_HIDEPID };
	static const enum cfg l[] = { CFG_LOADED, CFG_NESTED, CFG_LIMITED };
	const enum cfg *list = loaded ? l : u;
	int rc = set_module(0);

	/*
	 * A fresh load: first the workload with no member anywhere (the hooks'
	 * fast path), then the contexts and their members.
	 */
	if (!rc && loaded)
		rc = set_module(1);
	if (!rc && loaded) {
		rc = make_enter_target();
		if (!rc)
			run_config(CFG_IDLE, round);
		rc = rc ?: setup_contexts();
	}
	if (rc) {
		fprintf(stderr, "vctx-bench: %s the module: %s\n",
			loaded ? "loading" : "unloading", strerror(-rc));
		return rc;
	}
	/* Rotate the order within the phase from round to round too. */
	for (int i = 0; i < 3; i++)
		run_config(list[(i + round) % 3], round);
	return 0;
}

/*
 * Lets the frees of earlier work land (task structs of exited workers go
 * after an RCU grace period) before a memory reading.
 */
static void settle(long *slab, long *avail)
{
	sleep(2);
	meminfo(slab, avail);
}

static void mem_delta(long *slab0, long *avail0, double *slab, double *avail, long n)
{
	long s, a;

	if (meminfo(&s, &a) || n <= 0)
		return;
	*slab = (s - *slab0) * 1024.0 / n;
	*avail = (*avail0 - a) * 1024.0 / n;
	*slab0 = s;
	*avail0 = a;
}

static const int scale_ops[] = { OP_FORK, OP_READDIR, OP_STAT, OP_INFO, OP_CREATE, OP_ENTER };

static void scale_measure(struct scale_row *row, int rounds)
{
	int mask[OP_COUNT] = { 0 };

	for (size_t i = 0; i < sizeof(scale_ops) / sizeof(scale_ops[0]); i++)
		mask[scale_ops[i]] = 1;
	for (int r = 0; r < rounds; r++)
		run_worker(CFG_LOADED, "/sx", sleepers[0], row->c, r, mask);
}

/*
 * One level: a fresh load, N contexts /s/cI (memory per context), the
 * operations from /sx; then the spread processes entered round-robin
 * (memory per tracked process), the operations again.
 */
static int scale_level(int l, long n, pid_t *procs, long nprocs, int rounds)
{
	struct memory *m = &res->mem[l];
	long slab, avail;
	char path[64];
	int fd, rc;

	rc = set_module(0) ?: set_module(1);
	if (rc)
		return rc;
	fd = dev_open();
	if (fd < 0)
		return fd;
	rc = dev_create(fd, "/sx") ?: dev_create(fd, "/sx/e") ?: dev_create(fd, "/s") ?:
		dev_enter(fd, "/sx", sleepers[0]);
	settle(&slab, &avail);
	for (long i = 0; !rc && i < n; i++) {
		snprintf(path, sizeof(path), "/s/c%ld", i);
		rc = dev_create(fd, path);
	}
	m->contexts = n;
	mem_delta(&slab, &avail, &m->slab_per_ctx, &m->avail_per_ctx, n);
	res->scale[l][0].contexts = res->scale[l][1].contexts = n;
	res->scale[l][1].procs = nprocs;
	if (!rc)
		scale_measure(&res->scale[l][0], rounds);
	settle(&slab, &avail);
	for (long i = 0; !rc && i < nprocs; i++) {
		snprintf(path, sizeof(path), "/s/c%ld", i % n);
		rc = dev_enter(fd, path, procs[i]);
	}
	m->tasks = nprocs;
	mem_delta(&slab, &avail, &m->slab_per_task, &m->avail_per_task, nprocs);
	if (!rc)
		scale_measure(&res->scale[l][1], rounds);
	close(fd);
	if (rc)
		fprintf(stderr, "vctx-bench: scale %ld: %s\n", n, strerror(-rc));
	return rc;
}

static void scale(const long *levels, int nlevels, long nprocs)
{
	int rounds = res->rounds < 5 ? res->rounds : 5;
	pid_t *procs;

	res->scale_rounds = rounds;

	procs = sleepers_spawn(nprocs, 0, &res->scale_procs);
	res->scale_procs_seen = count_processes();
	printf("scale: %ld of %ld processes spawned, %ld tasks in the system\n",
	       res->scale_procs, nprocs, res->scale_procs_seen);
	for (int l = 0; l < nlevels; l++) {
		printf("scale: %ld contexts\n", levels[l]);
		fflush(stdout);
		if (scale_level(l, levels[l], procs, res->scale_procs, rounds))
			break;
		res->nlevels = l + 1;
	}
	sleepers_kill(procs, res->scale_procs);
}

int main(int argc, char **argv)
{
	long levels[MAX_LEVELS] = { 10, 1000, 10000 }, scale_procs = 10000, want = 1000;
	int nlevels = 3, was_loaded = module_loaded(), opt, fail = 0;
	const char *json = NULL;
	double parallel = 0;
	struct utsname u;
	double t0 = now_ns();

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return 1;
	res->rounds = 15;
	res->div = 1;
	while ((opt = getopt(argc, argv, "r:d:p:l:s:o:P:h")) != -1) {
		switch (opt) {
		case 'r': res->rounds = atoi(optarg); break;
		case 'd': res->div = atof(optarg); break;
		case 'p': want = atol(optarg); break;
		case 's': scale_procs = atol(optarg); break;
		case 'o': json = optarg; break;
		case 'P': parallel = atof(optarg); break;
		case 'l':
			nlevels = 0;
			for (char *s = strtok(optarg, ","); s && nlevels < MAX_LEVELS; s = strtok(NULL, ","))
				if (atol(s) > 0)
					levels[nlevels++] = atol(s);
			break;
		case 'h': return usage(stdout);
		default: return usage(stderr);
		}
	}
	if (res->rounds < 1 || res->rounds > MAX_ROUNDS || res->div <= 0 || want <= NOBODY_SLEEPERS)
		return usage(stderr);
	if (parallel > 0) {
		signal(SIGPIPE, SIG_IGN);
		return parallel_main(res->rounds, parallel, json);
	}
	uname(&u);
	snprintf(res->kernel, sizeof(res->kernel), "%s %s", u.release, u.machine);
	signal(SIGPIPE, SIG_IGN);
	raise_threads_max(2 * (want + scale_procs) + 10000);

	cgroup_err = -cgroup_setup(NPROC_LIMIT);
	if (cgroup_err)
		snprintf(res->cfg_note[CFG_CGROUP], sizeof(res->cfg_note[0]), "n/a: cgroup: %s",
			 strerror(cgroup_err));
	hidepid_err = -hidepid_setup();
	if (hidepid_err)
		snprintf(res->cfg_note[CFG_HIDEPID], sizeof(res->cfg_note[0]), "n/a: mount: %s",
			 strerror(hidepid_err));
	sleepers = sleepers_spawn(want, NOBODY_SLEEPERS, &nsleepers);
	res->sleepers = nsleepers;
	res->sleepers_seen = count_processes();
	printf("vctx-bench: %s, %d rounds, counts / %g, %ld sleepers (%ld tasks in the system)\n",
	       res->kernel, res->rounds, res->div, nsleepers, res->sleepers_seen);
	if (nsleepers < want)
		fail = 1;

	for (int r = 0; !fail && r < res->rounds; r++) {
		int first = r % 2;	/* U L | L U | U L ... */

		printf("round %d/%d\n", r + 1, res->rounds);
		fflush(stdout);
		fail = phase(first, r) || phase(!first, r);
	}
	if (!fail && nlevels)
		scale(levels, nlevels, scale_procs);

	/* As found: loaded (freshly, without the benchmark's contexts) or not. */
	set_module(0);
	set_module(was_loaded);
	sleepers_kill(sleepers, nsleepers);
	cgroup_cleanup();
	hidepid_cleanup();
	res->seconds = (now_ns() - t0) / 1e9;
	print_table(res);
	if (json && write_json(res, json))
		fail = 1;
	return fail;
}
