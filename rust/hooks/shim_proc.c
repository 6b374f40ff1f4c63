// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim, procfs part: the task behind a /proc/<pid> inode.
 *
 * This is the one place vctx reads a private kernel header
 * (fs/proc/internal.h, for PROC_I()->pid): the permission hook of a
 * /proc/<pid> directory gets only its inode. The header comes from the
 * tree the module is built against, so the layout always matches.
 */
/*
 * internal.h asserts PROC_ENTRY_PERMANENT != 0, which holds only for code
 * built into the kernel. Nothing here uses it, THIS_MODULE or anything
 * else MODULE changes, so read the header as built-in code does.
 */
#undef MODULE
#include "internal.h"

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>

#include "shim.h"

/* The task of a /proc/<pid> inode, with a reference, or NULL. */
notrace struct task_struct *vctx_proc_inode_task(void *inode)
{
	return get_pid_task(proc_pid(inode), PIDTYPE_PID);
}

/* ---- /proc/sys writes (rust/hooks/machine.rs) ---- */

#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

/* Whether @set is the sysctl set of one of the initial namespaces. */
static notrace bool vctx_initial_set(const struct ctl_table_set *set)
{
#ifdef CONFIG_SYSCTL
#ifdef CONFIG_NET
	if (set == &init_net.sysctls)
		return true;
#endif
#if defined(CONFIG_SYSVIPC) || defined(CONFIG_POSIX_MQUEUE)
	if (set == &init_ipc_ns.ipc_set || set == &init_ipc_ns.mq_set)
		return true;
#endif
	if (set == &init_pid_ns.set || set == &init_user_ns.set)
		return true;
#endif
	return false;
}

/*
 * Whether a write of the sysctl file of @iocb changes only a namespace
 * that is not an initial one (so not the machine):
 * - a table of a per-namespace set (its root has a lookup: net.*, the ipc
 *   kernel.shm..., msg..., sem and fs.mqueue.*, user.*, vm.memfd_noexec) that
 *   is not the set of an initial namespace;
 * - kernel.hostname and kernel.domainname, machine-wide entries whose
 *   handler writes the writer's uts namespace, when that is not the
 *   initial one.
 * Anything else under /proc/sys is the machine's.
 */
notrace bool vctx_sysctl_write_is_ns(struct kiocb *iocb)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct ctl_table_header *head = PROC_I(inode)->sysctl;
	const struct ctl_table *table = PROC_I(inode)->sysctl_entry;

	if (!head || !table)
		return false;
	if (head->root && head->root->lookup)
		return !vctx_initial_set(head->set);
	if (table->data == init_uts_ns.name.nodename ||
	    table->data == init_uts_ns.name.domainname)
		return current->nsproxy && current->nsproxy->uts_ns != &init_uts_ns;
	return false;
}

/* The task of the /proc/<pid>/... inode @path names, as vctx_proc_inode_task. */
notrace struct task_struct *vctx_proc_path_task(const void *path)
{
	return vctx_proc_inode_task(d_inode(((const struct path *)path)->dentry));
}

/*
 * The task proc_pid_lookup() would find for @dentry (a name in a procfs
 * root): the thread group leader with that number in the mount's pid
 * namespace, with a reference; NULL if the name is not a pid (as
 * name_to_int(): decimal, no leading zero) or no such process exists.
 */
notrace struct task_struct *vctx_proc_lookup_task(const void *dentry)
{
	const struct dentry *d = dentry;
	const unsigned char *name = d->d_name.name;
	unsigned int len = d->d_name.len, i, tgid = 0;
	struct task_struct *task;

	if (len == 0 || len > 10 || (len > 1 && name[0] == '0'))
		return NULL;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return NULL;
		if (tgid > (~0U - 9) / 10)
			return NULL;
		tgid = tgid * 10 + (name[i] - '0');
	}
	rcu_read_lock();
	/* find_task_by_pid_ns(), which is not exported. */
	task = pid_task(find_pid_ns(tgid, proc_sb_info(d->d_sb)->pid_ns), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/*
 * The readdir position of pid 0 in a procfs root, TGID_OFFSET of
 * fs/proc/base.c, for shim_procdir.c (which is built as module code and so
 * cannot read internal.h).
 */
const loff_t vctx_proc_tgid_offset = FIRST_PROCESS_ENTRY + 2;
