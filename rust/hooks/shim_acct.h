/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vctx accounting shim: per-process figures the way /proc/<pid>/stat,
 * status and io compute them (see shim_acct.c). Declared again in
 * rust/kern/usage.rs; keep both in step (sizes are asserted on both sides).
 */
#ifndef VCTX_SHIM_ACCT_H
#define VCTX_SHIM_ACCT_H

#include <linux/types.h>

struct pid;
struct task_struct;

/* The raw figures of one process (thread group), live and exited threads. */
struct vctx_raw_usage {
	u64 utime;		/* tick-sampled user time, ns */
	u64 stime;		/* tick-sampled system time, ns */
	u64 runtime;		/* precise CPU time (sum_exec_runtime), ns */
	u64 rchar, wchar, read_bytes, write_bytes;
	u64 nvcsw, nivcsw;
	u64 threads;		/* live tasks */
};

bool vctx_group_usage(struct pid *tgid, struct vctx_raw_usage *out);
u64 vctx_group_rss(struct pid *tgid, u64 *mm_id);
u64 vctx_exit_hiwater_rss(struct task_struct *t);
void vctx_task_io(struct task_struct *t, u64 *out4);
bool vctx_task_is_worker(struct task_struct *t);
bool vctx_in_task(void);
void vctx_task_comm(struct task_struct *t, char *buf16);
int vctx_task_pid(struct task_struct *t);
int vctx_task_tgid(struct task_struct *t);
u64 vctx_group_threads(struct pid *tgid);
struct file;
bool vctx_file_nonblock(struct file *f);

#endif
