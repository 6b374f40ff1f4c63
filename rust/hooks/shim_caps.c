// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim for capability masks and reboot(2) (rust/policy/caps.rs,
 * rust/policy/reboot.rs, rust/hooks/caps.rs, rust/hooks/reboot.rs):
 *
 * - credentials: kernel_cap_t fields and prepare/commit_creds are read and
 *   written here, where the compiler knows struct cred;
 * - the reboot(2) replacement the ftrace hook on __x64_sys_reboot redirects
 *   a member's RESTART/HALT to (process context: it may sleep), and the
 *   kernel thread that ends the context (it holds a module reference and
 *   drops it with module_put_and_kthread_exit(), so rmmod cannot free the
 *   code it runs).
 *
 * The policy (which context, which mask, who may reboot) is in Rust.
 * Everything here is notrace.
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "shim.h"
#include "shim_threads.h"

/* rust/policy/reboot.rs */
long vctx_reboot_request(unsigned int cmd);
void vctx_reboot_run(void *data);
void vctx_reboot_drop(void *data);

/* ---- credentials ---- */

/*
 * Trims @c to @mask. Only credentials of the initial user namespace: the
 * capabilities of a process in another user namespace are that
 * namespace's, the kernel's business.
 */
static notrace void vctx_cred_and(struct cred *c, u64 mask)
{
	if (c->user_ns != &init_user_ns)
		return;
	c->cap_bset.val &= mask;
	c->cap_permitted.val &= mask;
	c->cap_effective.val &= mask;
	c->cap_inheritable.val &= mask;
	c->cap_ambient.val &= mask;
}

/*
 * The capabilities any thread of @t's process holds (permitted or
 * effective) in the initial user namespace: what it could use at once.
 */
notrace u64 vctx_group_caps(struct task_struct *t)
{
	struct task_struct *th;
	const struct cred *c;
	u64 caps = 0;

	rcu_read_lock();
	for_each_thread(t, th) {
		c = __task_cred(th);
		if (c->user_ns == &init_user_ns)
			caps |= c->cap_permitted.val | c->cap_effective.val;
	}
	rcu_read_unlock();
	return caps;
}

/* New credentials for current, trimmed to @mask; NULL if out of memory. */
notrace struct cred *vctx_creds_trimmed(u64 mask)
{
	struct cred *c = prepare_creds();

	if (c)
		vctx_cred_and(c, mask);
	return c;
}

notrace void vctx_creds_commit(struct cred *c)
{
	commit_creds(c);
}

notrace void vctx_creds_abort(struct cred *c)
{
	abort_creds(c);
}

/*
 * Trims the credentials an exec is about to commit. In
 * security_bprm_committing_creds() bprm->cred is the new, private set
 * (commit_creds() follows), so writing it is what an LSM may do there.
 */
notrace void vctx_bprm_trim(const struct linux_binprm *bprm, u64 mask)
{
	if (bprm->cred)
		vctx_cred_and(bprm->cred, mask);
}

/*
 * Whether a security_capable(@cred, @ns, @cap) call is one a mask can
 * decide: a check against the initial user namespace, in task context, of
 * a capability the credentials hold (otherwise the kernel refuses anyway,
 * or it is another user namespace's business).
 */
notrace bool vctx_cap_check_applies(const struct cred *cred, struct user_namespace *ns, int cap)
{
	return ns == &init_user_ns && in_task() && cap_valid(cap) &&
	       cap_raised(cred->cap_effective, cap);
}

/* ---- reboot(2) ---- */

/* The first three arguments of a reboot(2) call, from its pt_regs. */
notrace void vctx_reboot_args(const struct pt_regs *regs, int *magic1, int *magic2,
			      unsigned int *cmd)
{
	*magic1 = (int)regs->di;
	*magic2 = (int)regs->si;
	*cmd = (unsigned int)regs->dx;
}

/* Whether current is in the initial pid namespace. */
notrace bool vctx_in_init_pid_ns(void)
{
	return task_active_pid_ns(current) == &init_pid_ns;
}

/* Whether current's effective uid is 0 of its own user namespace. */
notrace bool vctx_euid_is_root(void)
{
	return uid_eq(current_euid(), make_kuid(current_user_ns(), 0));
}

/*
 * The replacement for __x64_sys_reboot a member's RESTART, RESTART2, HALT
 * or POWER_OFF runs: Rust ends the context (a kernel thread kills it), and
 * the caller, like after a real reboot(2), does not go on: it waits until
 * the kill reaches it (a signal), at most a minute. Holds a module
 * reference while it sleeps.
 */
static notrace long vctx_sys_reboot(const struct pt_regs *regs)
{
	long ret;
	int i;

	if (!try_module_get(THIS_MODULE))
		return -EPERM;
	ret = vctx_reboot_request((unsigned int)regs->dx);
	for (i = 0; ret == 0 && i < 600 && !signal_pending(current); i++)
		msleep_interruptible(100);
	module_put(THIS_MODULE);
	return ret;
}

/* Makes the hooked __x64_sys_reboot call run vctx_sys_reboot instead. */
notrace void vctx_reboot_redirect(struct ftrace_regs *fregs)
{
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)vctx_sys_reboot);
}

static notrace int vctx_reboot_thread(void *data)
{
	vctx_reboot_run(data);
	module_put_and_kthread_exit(0);
}

/*
 * Starts the kernel thread that ends a context; @data is Rust's (handed to
 * vctx_reboot_run, or to vctx_reboot_drop if no thread could start).
 */
notrace int vctx_reboot_spawn(void *data)
{
	struct task_struct *t;

	__module_get(THIS_MODULE);
	t = kthread_run(vctx_reboot_thread, data, "vctx-reboot");
	if (IS_ERR(t)) {
		module_put(THIS_MODULE);
		vctx_reboot_drop(data);
		return PTR_ERR(t);
	}
	return 0;
}
