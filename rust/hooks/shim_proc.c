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
