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
