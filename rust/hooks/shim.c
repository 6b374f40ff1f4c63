// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim: what the Rust bindings cannot express.
 *
 * - The layout table: C's own offsetof()/sizeof() for every kernel struct
 *   field the Rust side reads or writes, so that rust/abi/layout.rs can refuse
 *   to load when bindgen's idea of a struct differs from the compiler's
 *   (Documentation/design.rst, "Layout self-check").
 *
 * - Accessors for static inlines and macros the bindings lack (task and pid
 *   glue, ftrace_regs, tracepoint synchronization).
 * - The deny stubs an ftrace hook redirects a call to: leaf functions that
 *   only return an error (NOTES in Documentation/hooks.rst: decide in the
 *   callback, redirect only to code that finishes the job, never call the
 *   original).
 *
 * Everything here is notrace: the shim must never be an ftrace target.
 */
#include <linux/capability.h>
#include <linux/ftrace.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/miscdevice.h>
#include <linux/ns_common.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/stddef.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "shim.h"

#define FIELD(type, member) { #type "." #member, offsetof(struct type, member) }
#define SIZE(type) { "sizeof(" #type ")", sizeof(struct type) }

static const struct {
	const char *name;
	size_t value;
} vctx_layout[] = {
	SIZE(task_struct),
	FIELD(task_struct, pid),
	FIELD(task_struct, tgid),
	FIELD(task_struct, stats),
	FIELD(task_struct, group_leader),
	FIELD(task_struct, real_parent),
	FIELD(task_struct, signal),
	FIELD(task_struct, mm),
	FIELD(task_struct, flags),
	SIZE(miscdevice),
	FIELD(miscdevice, minor),
	FIELD(miscdevice, name),
	FIELD(miscdevice, fops),
	FIELD(miscdevice, mode),
	SIZE(file_operations),
	FIELD(file_operations, owner),
	FIELD(file_operations, unlocked_ioctl),
	FIELD(file_operations, compat_ioctl),
	FIELD(file_operations, open),
	FIELD(file_operations, release),
	FIELD(file_operations, read),
	FIELD(file_operations, poll),
	SIZE(file),
	FIELD(file, private_data),
	FIELD(tracepoint, name),
	SIZE(ftrace_ops),
	FIELD(ftrace_ops, func),
	FIELD(ftrace_ops, flags),
	FIELD(ftrace_ops, private),
};

/*
 * The C value for @name, or -1 if the shim does not list it (a field the
 * Rust side reads but nobody added here: also a refusal to load).
 */
notrace long vctx_layout_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vctx_layout); i++)
		if (!strcmp(vctx_layout[i].name, name))
			return vctx_layout[i].value;
	return -1;
}

/* ---- tasks and pids ---- */

/* The thread group's shared signal_struct: the key of a vctx membership. */
notrace void *vctx_task_group(struct task_struct *t)
{
	return t->signal;
}

/* True while the thread group has live threads (before group_dead). */
notrace bool vctx_group_alive(struct task_struct *t)
{
	return atomic_read(&t->signal->live) > 0;
}

/* Live threads of the group whose signal_struct is @sig. */
notrace int vctx_signal_threads(void *sig)
{
	return ((struct signal_struct *)sig)->nr_threads;
}

/* A counted reference to @t's thread group id (put with put_pid()). */
notrace struct pid *vctx_task_tgid_get(struct task_struct *t)
{
	return get_pid(task_tgid(t));
}

notrace struct pid *vctx_pid_get(struct pid *pid)
{
	return get_pid(pid);
}

/* The task of @pid (its thread or process), with a reference, or NULL. */
notrace struct task_struct *vctx_pid_task_get(struct pid *pid)
{
	return get_pid_task(pid, PIDTYPE_PID);
}

/* A counted reference to the task of process @nr as the caller sees it. */
notrace struct task_struct *vctx_find_process(pid_t nr)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	return t;
}

notrace void vctx_task_put(struct task_struct *t)
{
	put_task_struct(t);
}

notrace bool vctx_capable_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* Whether @t has a fatal signal pending (SIGKILL, or a group exit under way). */
notrace bool vctx_fatal_signal_pending(struct task_struct *t)
{
	return fatal_signal_pending(t);
}

/* ---- namespace files (rust/ns/namespaces.rs) ---- */

/*
 * The CLONE_NEW* type of the namespace behind @f, or 0 if @f is not a
 * namespace file (an nsfs inode, whose i_private is its ns_common: set by
 * nsfs when the inode is made and kept until it is evicted, which the
 * caller's file reference prevents).
 */
notrace u32 vctx_nsfs_type(struct file *f)
{
	struct inode *inode = file_inode(f);
	struct ns_common *ns;

	if (inode->i_sb->s_magic != NSFS_MAGIC)
		return 0;
	ns = inode->i_private;
	return ns ? ns->ns_type : 0;
}

/* The inode number of namespace file @f: the namespace's inum. */
notrace u64 vctx_nsfs_ino(struct file *f)
{
	return file_inode(f)->i_ino;
}

/* ---- ftrace ---- */

notrace unsigned long vctx_fregs_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return ftrace_regs_get_argument(fregs, n);
}

/*
 * Deny stubs: leaf functions that only return a value. They return long so
 * that one stub serves int, long, bool (0) and ERR_PTR() returns alike:
 * the whole of %rax is set.
 */
#define VCTX_STUB(name, value)					\
	static noinline notrace long vctx_stub_##name(void)	\
	{							\
		return (value);					\
	}
VCTX_STUB(zero, 0)
VCTX_STUB(one, 1)
VCTX_STUB(enoent, -ENOENT)
VCTX_STUB(esrch, -ESRCH)
VCTX_STUB(eagain, -EAGAIN)
VCTX_STUB(enomem, -ENOMEM)
VCTX_STUB(eperm, -EPERM)
VCTX_STUB(einval, -EINVAL)

/*
 * Make the hooked function return @ret without running: the ftrace
 * trampoline "returns" into a stub that returns @ret to the caller.
 * Returns false (and changes nothing) for a value there is no stub for.
 */
notrace bool vctx_fregs_return(struct ftrace_regs *fregs, long ret)
{
	unsigned long stub;

	switch (ret) {
	case 0: stub = (unsigned long)vctx_stub_zero; break;
	case 1: stub = (unsigned long)vctx_stub_one; break;
	case -ENOENT: stub = (unsigned long)vctx_stub_enoent; break;
	case -ESRCH: stub = (unsigned long)vctx_stub_esrch; break;
	case -EAGAIN: stub = (unsigned long)vctx_stub_eagain; break;
	case -ENOMEM: stub = (unsigned long)vctx_stub_enomem; break;
	case -EPERM: stub = (unsigned long)vctx_stub_eperm; break;
	case -EINVAL: stub = (unsigned long)vctx_stub_einval; break;
	default: return false;
	}
	ftrace_regs_set_instruction_pointer(fregs, stub);
	return true;
}

/* ---- tracepoints ---- */

notrace void vctx_tracepoint_sync(void)
{
	tracepoint_synchronize_unregister();
}
