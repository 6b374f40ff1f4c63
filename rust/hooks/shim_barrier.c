// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim, barriers part: what the process-naming and machine-wide
 * barriers need from C (Documentation/barriers.rst).
 *
 * - The task a number names for the caller, found the way the hooked
 *   lookups find it but through functions vctx never hooks (find_pid_ns,
 *   pid_task), so a callback never re-enters a hooked function.
 *
 * - getpriority(2) for a member: the kernel's own, but blind to processes
 *   the caller may not name (its PRIO_PGRP and PRIO_USER loops have no
 *   out-of-line point to hook: task_nice() is inline).
 *
 * Everything here is notrace: the shim must never be an ftrace target.
 */
#include <linux/cred.h>
#include <linux/ftrace.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/prio.h>
#include <linux/sched/task.h>
#include <linux/resource.h>
#include <linux/uidgid.h>

#include "shim.h"
#include "shim_threads.h"

/* The task (thread or process) @nr names for the caller, with a reference. */
notrace struct task_struct *vctx_vnr_task_get(int nr)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_pid_ns(nr, task_active_pid_ns(current)), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

/*
 * The task behind @pid whatever the number names (a thread, a process, a
 * process group or session whose leader has gone: its first member), with
 * a reference, or NULL if nothing uses it.
 */
notrace struct task_struct *vctx_pid_owner_get(struct pid *pid)
{
	struct task_struct *t = NULL;
	enum pid_type type;

	if (!pid)
		return NULL;
	rcu_read_lock();
	for (type = PIDTYPE_PID; type < PIDTYPE_MAX && !t; type++)
		t = pid_task(pid, type);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

/* vctx_pid_owner_get() of the number @nr as the caller sees it. */
notrace struct task_struct *vctx_vnr_owner_get(int nr)
{
	struct task_struct *t;

	rcu_read_lock();
	t = vctx_pid_owner_get(find_pid_ns(nr, task_active_pid_ns(current)));
	rcu_read_unlock();
	return t;
}

/* Whether @t leads its thread group (the last task of a group reaped). */
notrace bool vctx_task_is_leader(struct task_struct *t)
{
	return thread_group_leader(t);
}

/* The number of @pid in the initial pid namespace. */
notrace pid_t vctx_pid_nr(struct pid *pid)
{
	return pid_nr(pid);
}

/* ---- getpriority(2) (rust/hooks/prio.rs) ---- */

#ifdef CONFIG_X86_64
/* rust/policy/isolation.rs: may the caller name @t in a syscall? */
bool vctx_may_name(struct task_struct *t);

static notrace void vctx_prio_max(struct task_struct *p, long *retval)
{
	long niceval;

	if (!vctx_may_name(p))
		return;
	niceval = nice_to_rlimit(task_nice(p));
	if (niceval > *retval)
		*retval = niceval;
}

/*
 * getpriority(which, who) as kernel/sys.c has it (7.3), each process
 * filtered by vctx_may_name(); without find_user(), an optimization
 * (no user_struct: no process of that uid, and the loop finds none), and
 * without tasklist_lock (below).
 */
static noinline notrace long vctx_sys_getpriority(const struct pt_regs *regs)
{
	int which = regs->di, who = regs->si;
	const struct cred *cred = current_cred();
	struct task_struct *g, *p;
	long retval = -ESRCH;
	struct pid *pgrp;
	kuid_t uid;

	if (which > PRIO_USER || which < PRIO_PROCESS)
		return -EINVAL;

	switch (which) {
	case PRIO_PROCESS:
		p = who ? vctx_vnr_task_get(who) : get_task_struct(current);
		if (p) {
			vctx_prio_max(p, &retval);
			put_task_struct(p);
		}
		break;
	case PRIO_PGRP:
		/*
		 * Under RCU only (tasklist_lock is not exported): the group's
		 * list and each thread list are RCU lists, and a reader that
		 * misses a process forking or exiting meanwhile answers as if
		 * it had asked a moment earlier or later.
		 */
		rcu_read_lock();
		pgrp = who ? find_vpid(who) : task_pgrp(current);
		do_each_pid_thread(pgrp, PIDTYPE_PGID, p) {
			vctx_prio_max(p, &retval);
		} while_each_pid_thread(pgrp, PIDTYPE_PGID, p);
		rcu_read_unlock();
		break;
	case PRIO_USER:
		uid = who ? make_kuid(cred->user_ns, who) : cred->uid;
		rcu_read_lock();
		for_each_process_thread(g, p) {
			if (uid_eq(task_uid(p), uid) && task_pid_vnr(p))
				vctx_prio_max(p, &retval);
		}
		rcu_read_unlock();
		break;
	}
	return retval;
}

/* Make the hooked __x64_sys_getpriority run vctx_sys_getpriority. */
notrace void vctx_getpriority_redirect(struct ftrace_regs *fregs)
{
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)vctx_sys_getpriority);
}
#endif
