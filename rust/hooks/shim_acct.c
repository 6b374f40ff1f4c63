// SPDX-License-Identifier: GPL-2.0
/*
 * vctx accounting shim: read a process's figures under the kernel's own
 * rules, for rust/kern/usage.rs.
 *
 * vctx_group_usage() sums what a thread group has used: the totals its
 * exited threads left in signal_struct plus every live thread's own,
 * under the stats_lock sequence count that __exit_signal() holds while it
 * moves a dying thread's figures into signal_struct (the same scheme as
 * thread_group_cputime(), which is not exported).
 *
 * I/O is the exception: wait_task_zombie() adds a reaped child's I/O to
 * its parent's signal_struct->ioac (which is why /proc/<pid>/io of a shell
 * includes its finished commands'), so signal->ioac cannot tell a dead
 * thread's bytes from a child's. Only live threads that are not exiting
 * are summed here; the module adds each thread's I/O when it exits
 * (vctx_task_io(), from the exit tracepoint, after PF_EXITING is set). The address space is
 * read under task_lock(), which keeps it from being dropped by exit_mm().
 * Callable in atomic context (the module's state lock is held).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seqlock.h>
#include <linux/string.h>
#include <linux/task_io_accounting_ops.h>
#include <linux/vtime.h>

#include "shim_acct.h"
#include "shim_threads.h"

static_assert(sizeof(struct vctx_raw_usage) == 10 * sizeof(u64));

/*
 * A thread's user and system time, as task_cputime() reads it. With
 * VIRT_CPU_ACCOUNTING_GEN (Debian's kernels) that function is out of line
 * and not exported: its body (kernel/sched/cputime.c, 7.3) from the
 * exported pieces, adding the time a task running tickless on a nohz_full
 * CPU has not yet been charged.
 */
static notrace void vctx_task_cputime(struct task_struct *t, u64 *utime, u64 *stime)
{
#ifdef CONFIG_VIRT_CPU_ACCOUNTING_GEN
	struct vtime *vtime = &t->vtime;
	unsigned int seq;
	u64 clock;

	if (!vtime_accounting_enabled()) {
		*utime = t->utime;
		*stime = t->stime;
		return;
	}
	do {
		seq = read_seqcount_begin(&vtime->seqcount);
		*utime = t->utime;
		*stime = t->stime;
		/* Sleeping or idle: nothing pending. */
		if (vtime->state < VTIME_SYS)
			continue;
		clock = sched_clock();
		clock = clock < vtime->starttime ? 0 : clock - vtime->starttime;
		if (vtime->state == VTIME_SYS)
			*stime += vtime->stime + clock;
		else
			*utime += vtime->utime + clock;
	} while (read_seqcount_retry(&vtime->seqcount, seq));
#else
	task_cputime(t, utime, stime);
#endif
}

static notrace void vctx_sum_threads(struct task_struct *p, struct vctx_raw_usage *u)
{
	struct signal_struct *sig = p->signal;
	struct task_io_accounting io = {};
	struct task_struct *t;
	u64 ut, st;

	u->utime = sig->utime;
	u->stime = sig->stime;
	u->runtime = sig->sum_sched_runtime;
	u->nvcsw = sig->nvcsw;
	u->nivcsw = sig->nivcsw;
	u->threads = 0;
	for_each_thread(p, t) {
		vctx_task_cputime(t, &ut, &st);
		u->utime += ut;
		u->stime += st;
		u->runtime += t->se.sum_exec_runtime;
		u->nvcsw += t->nvcsw;
		u->nivcsw += t->nivcsw;
		if (!(t->flags & PF_EXITING))
			task_io_accounting_add(&io, &t->ioac);
		u->threads++;
	}
#ifdef CONFIG_TASK_XACCT
	u->rchar = io.rchar;
	u->wchar = io.wchar;
#endif
	u->read_bytes = io.read_bytes;
	u->write_bytes = io.write_bytes;
}

notrace bool vctx_group_usage(struct pid *tgid, struct vctx_raw_usage *u)
{
	struct task_struct *p;
	struct signal_struct *sig;
	unsigned int seq;

	memset(u, 0, sizeof(*u));
	rcu_read_lock();
	p = pid_task(tgid, PIDTYPE_TGID);
	if (!p) {
		rcu_read_unlock();
		return false;
	}
	sig = p->signal;
	do {
		seq = read_seqbegin(&sig->stats_lock);
		vctx_sum_threads(p, u);
	} while (read_seqretry(&sig->stats_lock, seq));
	rcu_read_unlock();
	return true;
}

/*
 * Resident pages of the address space of the process whose tgid is @tgid,
 * and that address space's identity in @mm (0: none, e.g. a zombie).
 * Takes task_lock(), so it must not be called under the module's state
 * lock: ptrace_may_access() calls the ptrace hook, which takes the state
 * lock, with task_lock() held.
 */
notrace u64 vctx_group_rss(struct pid *tgid, u64 *mm_id)
{
	struct task_struct *p, *t;
	u64 pages = 0;

	*mm_id = 0;
	rcu_read_lock();
	p = pid_task(tgid, PIDTYPE_TGID);
	if (!p) {
		rcu_read_unlock();
		return 0;
	}
	for_each_thread(p, t) {
		struct mm_struct *mm;

		task_lock(t);
		mm = t->mm;
		if (mm && !(t->flags & PF_KTHREAD)) {
			pages = get_mm_rss(mm);
			*mm_id = (u64)(unsigned long)mm;
		}
		task_unlock(t);
		if (*mm_id)
			break;
	}
	rcu_read_unlock();
	return pages;
}

notrace void vctx_task_io(struct task_struct *t, u64 *out4)
{
#ifdef CONFIG_TASK_XACCT
	out4[0] = t->ioac.rchar;
	out4[1] = t->ioac.wchar;
#endif
	out4[2] = t->ioac.read_bytes;
	out4[3] = t->ioac.write_bytes;
}

/*
 * The high-water RSS of exiting task @t's address space, in pages. Called
 * from the exit tracepoint in @t itself, before exit_mm(): only the task
 * changes its own ->mm, so no lock is needed.
 */
notrace u64 vctx_exit_hiwater_rss(struct task_struct *t)
{
	return t->mm ? get_mm_hiwater_rss(t->mm) : 0;
}

/*
 * Whether @t is an io_uring or user (vhost) worker: created by
 * copy_process() without the fork tracepoint (see rust/model/pending.rs).
 */
notrace bool vctx_task_is_worker(struct task_struct *t)
{
	return t->flags & (PF_IO_WORKER | PF_USER_WORKER);
}

/* Whether we run in task context (not in an interrupt or softirq). */
notrace bool vctx_in_task(void)
{
	return in_task();
}

notrace void vctx_task_comm(struct task_struct *t, char *buf16)
{
	strscpy_pad(buf16, t->comm, 16);
}

notrace int vctx_task_pid(struct task_struct *t)
{
	return task_pid_nr(t);
}

notrace int vctx_task_tgid(struct task_struct *t)
{
	return task_tgid_nr(t);
}

notrace u64 vctx_group_threads(struct pid *tgid)
{
	struct task_struct *p;
	u64 n = 0;

	rcu_read_lock();
	p = pid_task(tgid, PIDTYPE_TGID);
	if (p)
		n = READ_ONCE(p->signal->nr_threads);
	rcu_read_unlock();
	return n;
}

notrace bool vctx_file_nonblock(struct file *f)
{
	return f->f_flags & O_NONBLOCK;
}
