// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim: the readdir of /proc a member runs instead of
 * proc_pid_readdir() (rust/hooks/proc.rs, Documentation/hooks.rst).
 *
 * Module code (unlike shim_proc.c, which reads fs/proc/internal.h as
 * built-in code): THIS_MODULE is this module, and cond_resched() is the
 * call modules make. Only exported symbols and the inode_operations the
 * VFS itself calls through are used: no address found at run time, so
 * nothing here calls into a function IBT seals.
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/mnt_idmapping.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/threads.h>

#include "shim.h"

/*
 * rust/hooks/proc.rs: the caller's context if its view is filtered (NULL:
 * it sees everything), and whether that context sees @task; both valid
 * only under the RCU read lock the caller holds.
 */
const void *vctx_proc_viewer(void);
bool vctx_proc_viewer_sees(const void *viewer, struct task_struct *task);

/* As fs/proc/base.c: the readdir position of pid 0 (shim_proc.c). */
#define VCTX_TGID_OFFSET vctx_proc_tgid_offset

/* As struct tgid_iter of fs/proc/base.c, with no task reference. */
struct vctx_tgid_iter {
	unsigned int tgid;
	bool visible;
	struct pid_namespace *pid_ns;
};

/* Hidden pids skipped under one RCU read lock before a cond_resched(). */
#define VCTX_HIDDEN_BATCH 64

/*
 * The next pid number after @it->tgid in the mount's namespace (false: no
 * more), as next_tgid(), and in @it->visible whether it is a process (not
 * a thread's number) the caller may see. Up to VCTX_HIDDEN_BATCH hidden
 * pids are passed over in one call (then @it->visible is false and the
 * caller reschedules, as the original does per pid).
 *
 * Everything runs under the RCU read lock that find_ge_pid() and
 * pid_task() need anyway. The caller's context is decided once for it
 * (vctx_proc_viewer()), then each process costs one lookup in the index
 * (vctx_proc_viewer_sees()). Safe because the task pid_task() returns is
 * freed only a grace period after it is unhashed
 * (delayed_put_task_struct()), and an index entry and the context it holds
 * likewise (rust/model/index.rs); nothing is taken over the unlock. No
 * task reference is taken (next_tgid() takes one for
 * proc_pid_instantiate(); here the lookup of vctx_proc_fill() finds the
 * process again by number): nothing of the target is written, and a hidden
 * process costs no dentry work. A process that exits after the test is not
 * listed: its lookup fails.
 */
static notrace bool vctx_next_tgid(struct vctx_tgid_iter *it)
{
	unsigned int budget = VCTX_HIDDEN_BATCH;
	struct task_struct *task;
	const void *viewer;
	struct pid *pid;

	rcu_read_lock();
	viewer = vctx_proc_viewer();
	for (;;) {
		pid = find_ge_pid(it->tgid + 1, it->pid_ns);
		if (!pid) {
			rcu_read_unlock();
			return false;
		}
		it->tgid = pid_nr_ns(pid, it->pid_ns);
		task = pid_task(pid, PIDTYPE_TGID);
		it->visible = task && (!viewer || vctx_proc_viewer_sees(viewer, task));
		if (it->visible || !--budget)
			break;
	}
	rcu_read_unlock();
	return true;
}

/*
 * Whether the mount's hidepid= hides some processes from the caller
 * (has_pid_permissions(fs_info, task, HIDEPID_INVISIBLE) of fs/proc/base.c
 * not true for every task): then each visible pid is asked as below. The
 * answer depends only on the mount and the caller's credentials, so it is
 * taken once per getdents.
 */
static notrace bool vctx_hidepid_applies(const struct proc_fs_info *fs_info)
{
	if (fs_info->hide_pid == HIDEPID_NOT_PTRACEABLE)
		return true;
	if (fs_info->hide_pid < HIDEPID_INVISIBLE)
		return false;
	return !in_group_p(fs_info->pid_gid);
}

/*
 * proc_fill_cache() for the /proc/<pid> entry @name, without the
 * non-exported proc_pid_instantiate(): a cached dentry is used as it is;
 * an uncached one is made as lookup_slow() makes it, d_alloc_parallel()
 * and the directory's ->lookup (proc_root_lookup(), reached through the
 * inode_operations as the VFS reaches it, so it has its ENDBR) on the
 * in-lookup dentry, under the i_rwsem that iterate_dir() holds shared for
 * this readdir, then d_lookup_done().
 *
 * @hidepid: the mount hides processes the caller may not ptrace
 * (vctx_hidepid_applies()). Then the pid's own ->permission
 * (proc_pid_permission(), again through its inode_operations) decides, with
 * no access asked: it answers has_pid_permissions(HIDEPID_NO_ACCESS), the
 * same as readdir's has_pid_permissions(HIDEPID_INVISIBLE) for every
 * hide_pid >= HIDEPID_INVISIBLE, then generic_permission() with mask 0,
 * which grants. (ptrace_may_access() is not exported.) The dentry this
 * makes for a pid hidepid hides exists after a lookup of /proc/<pid> by
 * the same caller too (proc_pid_lookup() checks only ptraceable=).
 *
 * A pid whose lookup fails (the process is gone, or hidepid=ptraceable
 * hides it) is skipped: true, nothing emitted. When no dentry can be had
 * at all (an allocation failed), the entry is emitted with inode 1 and
 * DT_UNKNOWN as proc_fill_cache() emits it, unless hidepid= must be
 * asked, which needs the inode: then it is skipped. False: the user's
 * buffer is full (dir_emit()).
 */
static notrace bool vctx_proc_fill(struct file *file, struct dir_context *ctx,
				   const char *name, unsigned int len, bool hidepid)
{
	struct dentry *child, *dir = file->f_path.dentry;
	struct inode *dinode = d_inode(dir), *inode;
	struct qstr qname = QSTR_INIT(name, len);
	unsigned int type = DT_UNKNOWN;
	ino_t ino = 1;

	child = try_lookup_noperm(&qname, dir);
	if (IS_ERR(child))
		goto no_dentry;
	if (!child) {
		child = d_alloc_parallel(dir, &qname);
		if (IS_ERR(child))
			goto no_dentry;
		if (d_in_lookup(child)) {
			struct dentry *res = dinode->i_op->lookup(dinode, child, 0);

			d_lookup_done(child);
			if (unlikely(res)) {
				dput(child);
				if (IS_ERR(res))
					return true;
				child = res;
			}
		}
	}
	inode = d_inode(child);
	if (!inode) {
		dput(child);
		return true;
	}
	if (hidepid && inode->i_op->permission &&
	    inode->i_op->permission(&nop_mnt_idmap, inode, 0)) {
		dput(child);
		return true;
	}
	ino = inode->i_ino;
	type = inode->i_mode >> 12;
	dput(child);
	return dir_emit(ctx, name, len, ino, type);
no_dentry:
	if (hidepid)
		return true;
	return dir_emit(ctx, name, len, ino, type);
}

/* The inode number of @name ("self", "thread-self") in @sb's root, or 1. */
static notrace ino_t vctx_proc_root_ino(struct super_block *sb, const char *name)
{
	struct qstr qname = QSTR_INIT(name, strlen(name));
	struct dentry *d = try_lookup_noperm(&qname, sb->s_root);
	ino_t ino = 1;

	if (IS_ERR_OR_NULL(d))
		return ino;
	if (d_inode(d))
		ino = d_inode(d)->i_ino;
	dput(d);
	return ino;
}

/*
 * Replaces proc_pid_readdir(file, ctx) (fs/proc/base.c) for a caller the
 * isolation filters (rust/hooks/proc.rs decides once per getdents): the
 * same listing, positions and end (self, thread-self, then one entry per
 * pid at tgid + TGID_OFFSET, PID_MAX_LIMIT + TGID_OFFSET after the last, so
 * a readdir resumes across getdents calls and telldir/seekdir work), with
 * the processes outside the caller's subtree left out before any dentry
 * work (vctx_next_tgid()), and hidepid= kept (vctx_proc_fill()).
 *
 * "self" and "thread-self" are the dentries proc_setup_self() and
 * proc_setup_thread_self() made persistent in the root: their inode
 * numbers (self_inum, thread_self_inum) are not exported.
 *
 * It sleeps (cond_resched(), dentry allocation, the lookup): it holds the
 * module reference throughout (see vctx_hold() in shim_virt.c). Without
 * it (the module is going) the listing ends here: 0, nothing emitted, no
 * pid shown that the caller must not see.
 */
static noinline notrace int vctx_proc_pid_readdir(struct file *file, struct dir_context *ctx)
{
	struct super_block *sb = file_inode(file)->i_sb;
	struct proc_fs_info *fs_info = proc_sb_info(sb);
	struct vctx_tgid_iter iter = { .pid_ns = fs_info->pid_ns };
	loff_t pos = ctx->pos;
	bool hidepid;

	if (pos >= PID_MAX_LIMIT + VCTX_TGID_OFFSET)
		return 0;
	if (!try_module_get(THIS_MODULE))
		return 0;
	if (pos == VCTX_TGID_OFFSET - 2) {
		if (!dir_emit(ctx, "self", 4, vctx_proc_root_ino(sb, "self"), DT_LNK))
			goto out;
		ctx->pos = pos = pos + 1;
	}
	if (pos == VCTX_TGID_OFFSET - 1) {
		if (!dir_emit(ctx, "thread-self", 11,
			      vctx_proc_root_ino(sb, "thread-self"), DT_LNK))
			goto out;
		ctx->pos = pos = pos + 1;
	}
	hidepid = vctx_hidepid_applies(fs_info);
	/* As make_tgid_iter(): the first pid looked for is pos - TGID_OFFSET. */
	iter.tgid = pos - VCTX_TGID_OFFSET - 1;
	while (vctx_next_tgid(&iter)) {
		char name[10 + 1];
		unsigned int len;

		cond_resched();
		if (!iter.visible)
			continue;
		len = snprintf(name, sizeof(name), "%u", iter.tgid);
		ctx->pos = iter.tgid + VCTX_TGID_OFFSET;
		if (!vctx_proc_fill(file, ctx, name, len, hidepid))
			goto out;
	}
	ctx->pos = PID_MAX_LIMIT + VCTX_TGID_OFFSET;
out:
	module_put(THIS_MODULE);
	return 0;
}

/* Makes the hooked proc_pid_readdir() run vctx_proc_pid_readdir() instead. */
notrace void vctx_proc_readdir_redirect(struct ftrace_regs *fregs)
{
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)vctx_proc_pid_readdir);
}
