/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vctx-bench: what the parts of the benchmark share (configurations,
 * operations, the result store, the helpers of each file).
 */
#ifndef VCTX_BENCH_H
#define VCTX_BENCH_H

#include <stdint.h>
#include <sys/types.h>

#define MAX_ROUNDS	64
#define MAX_LEVELS	4

/* The configurations measured in one boot, interleaved per round. */
enum cfg {
	CFG_UNLOADED,		/* module not loaded, workload in / */
	CFG_LOADED,		/* loaded, workload in / */
	CFG_IDLE,		/* loaded, no context has members yet, workload in / */
	CFG_NESTED,		/* loaded, workload in /b1/b2/b3 (holds 10 sleepers) */
	CFG_LIMITED,		/* loaded, workload in /lim with an nproc limit */
	CFG_CGROUP,		/* not loaded, workload in a cgroup with pids.max */
	CFG_HIDEPID,		/* not loaded, procfs hidepid=invisible, uid nobody */
	CFG_COUNT
};

/* The timed operations. */
enum op {
	OP_FORK, OP_THREAD, OP_EXEC, OP_PIPE, OP_READDIR, OP_STAT, OP_GETPPID,
	OP_INFO, OP_STATIOC, OP_SNAPSHOT, OP_CREATE, OP_ENTER, OP_CAPSET,
	OP_COUNT
};

/* Why a figure is missing. */
enum status { ST_NONE, ST_OK, ST_NA, ST_FAIL };

/* The environment of a worker: where it runs its operations. */
struct env {
	int dev;		/* /dev/vctx, or -1 */
	const char *proc;	/* the procfs mount to read */
	pid_t stat_pid;		/* a pid visible in every configuration */
	uint64_t features;	/* VCTX_IOC_VERSION features (0: not loaded) */
};

struct op_desc {
	const char *name;	/* JSON key */
	const char *what;	/* table label */
	long count;		/* iterations per sample (full run) */
	int needs_module;
	/* runs n iterations; *ns: their total time, *items: op-specific */
	int (*run)(const struct env *e, long n, double *ns, long *items);
};

extern const struct op_desc ops[OP_COUNT];
extern const char *const cfg_names[CFG_COUNT];

/* One figure: ns per operation of each round, and what was seen. */
struct cell {
	enum status st[MAX_ROUNDS];
	double ns[MAX_ROUNDS];	/* the fastest of the round's batches */
	double mean[MAX_ROUNDS];	/* the round's average */
	long items;		/* e.g. entries a readdir returned */
	int err;		/* errno of a failure or of n/a */
};

struct scale_row {
	long contexts, procs;	/* the state measured */
	struct cell c[OP_COUNT];
};

struct memory {
	long contexts;		/* contexts created for the figure */
	long tasks;		/* processes moved into contexts */
	double slab_per_ctx, avail_per_ctx;	/* bytes */
	double slab_per_task, avail_per_task;	/* bytes */
};

struct results {
	int rounds;
	double div;		/* iteration counts divided by this */
	long sleepers, sleepers_seen;
	long scale_procs, scale_procs_seen;
	int nlevels, scale_rounds;
	struct cell c[CFG_COUNT][OP_COUNT];
	char cfg_note[CFG_COUNT][80];
	struct scale_row scale[MAX_LEVELS][2];
	struct memory mem[MAX_LEVELS];
	uint64_t features;
	char kernel[160];
	double seconds;
};

/* ops.c: CLOCK_MONOTONIC */
double now_ns(void);

/* ops.c: each returns 0 or -errno (-ENOTTY, -EOPNOTSUPP: n/a) */
long iterations(enum op o, double div);
int time_op(enum op o, const struct env *e, long n, double *ns, double *mean, long *items);

/* dev.c: /dev/vctx (each returns 0 or -errno) */
int dev_open(void);
int dev_version(int fd, uint64_t *features);
int dev_create(int fd, const char *path);
int dev_destroy(int fd, const char *path);
int dev_enter(int fd, const char *path, pid_t pid);
int dev_info_self(int fd);
int dev_stat(int fd, const char *path);
int dev_snapshot(int fd, const char *path);
int dev_set_nproc(int fd, const char *path, uint64_t limit);

/* sys.c: the guest: module, cgroup, procfs, processes, memory */
int module_load(void);
int module_unload(void);
int module_loaded(void);
int cgroup_setup(long pids_max);
int cgroup_join(void);
void cgroup_cleanup(void);
int hidepid_setup(void);
void hidepid_cleanup(void);
extern const char *const hidepid_mount;
long count_processes(void);
int meminfo(long *slab_kb, long *avail_kb);
void raise_threads_max(long n);
pid_t *sleepers_spawn(long n, long nobody, long *got);
void sleepers_kill(pid_t *pids, long n);
void sleepers_unmap(void);

/* stats.c */
int cell_summary(const struct cell *c, int rounds, double *med, double *min, double *max);
int ratio_summary(const struct cell *a, const struct cell *b, int rounds,
		  double *med, double *min, double *max);

/* report.c */
void print_table(const struct results *r);

/* parallel.c: vctx-bench -P (two workers on two CPUs at once) */
int parallel_main(int rounds, double seconds, const char *json);
int write_json(const struct results *r, const char *path);

#endif
