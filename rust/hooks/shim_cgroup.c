// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim: the cgroup glue of rust/cgroup.rs and rust/hooks/cgroup.rs
 * (Documentation/cgroups.rst). Static inlines of <linux/cgroup.h> and the
 * kernfs fields the hooks read; no vctx state lives here.
 *
 * Everything here is notrace: the shim must never be an ftrace target.
 */
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/kernfs.h>
#include <linux/memcontrol.h>
#include <linux/page_counter.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "shim.h"

/* A counted reference to the cgroup v2 directory open at @fd, or ERR_PTR. */
notrace struct cgroup *vctx_cgroup_get_fd(int fd)
{
	return cgroup_get_from_fd(fd);
}

notrace void vctx_cgroup_get(struct cgroup *cgrp)
{
	cgroup_get(cgrp);
}

notrace void vctx_cgroup_put(struct cgroup *cgrp)
{
	cgroup_put(cgrp);
}

notrace u64 vctx_cgroup_id(struct cgroup *cgrp)
{
	return cgroup_id(cgrp);
}

/* @cgrp is @ancestor or below it. */
notrace bool vctx_cgroup_within(struct cgroup *cgrp, struct cgroup *ancestor)
{
	return cgroup_is_descendant(cgrp, ancestor);
}

/*
 * Whether @t's cgroup (on the v2 hierarchy) is @ancestor or below it (the
 * css_set read under RCU: what it is at this moment).
 */
notrace bool vctx_task_in_cgroup(struct task_struct *t, struct cgroup *ancestor)
{
	bool in;

	rcu_read_lock();
	in = cgroup_is_descendant(task_dfl_cgroup(t), ancestor);
	rcu_read_unlock();
	return in;
}

/*
 * The same for the process of @pid (its thread group leader), without
 * taking a task reference (callers hold the vctx state lock); a process
 * that is gone counts as inside (it is in no cgroup any more).
 */
notrace bool vctx_pid_in_cgroup(struct pid *pid, struct cgroup *ancestor)
{
	struct task_struct *t;
	bool in = true;

	rcu_read_lock();
	t = pid_task(pid, PIDTYPE_PID);
	if (t)
		in = cgroup_is_descendant(task_dfl_cgroup(t), ancestor);
	rcu_read_unlock();
	return in;
}

/* @cgrp's path relative to the caller's cgroup namespace root. */
notrace int vctx_cgroup_path(struct cgroup *cgrp, char *buf, size_t len)
{
	return cgroup_path_ns(cgrp, buf, len, current->nsproxy->cgroup_ns);
}

/*
 * The cgroup of a cgroup directory's kernfs node (its priv), or NULL for a
 * node of another kernfs (sysfs): the hooks only see cgroup nodes, but
 * check the root anyway.
 */
static notrace struct cgroup *vctx_kn_dir_cgroup(struct kernfs_node *kn)
{
	struct cgroup *cgrp = kn ? kn->priv : NULL;

	if (!cgrp || kernfs_type(kn) != KERNFS_DIR)
		return NULL;
	return cgrp;
}

/*
 * cgroup_file_write(of, ...): the cgroup whose interface file is written
 * (the priv of the file's parent directory, as kn_priv() in
 * kernel/cgroup/cgroup.c) and whether the file is one nsdelegate lets a
 * namespace write at its own root (CFTYPE_NS_DELEGATABLE: cgroup.procs,
 * cgroup.threads, cgroup.subtree_control).
 */
notrace struct cgroup *vctx_kof_cgroup(struct kernfs_open_file *of, bool *delegatable)
{
	struct kernfs_node *parent;
	struct cftype *cft = of->kn->priv;

	/* The parent of a cgroup file is invariant (KERNFS_ROOT_INVARIANT_PARENT). */
	parent = rcu_dereference_raw(of->kn->__parent);
	*delegatable = cft && (cft->flags & CFTYPE_NS_DELEGATABLE);
	return vctx_kn_dir_cgroup(parent);
}

/* cgroup_mkdir(parent_kn, ...), cgroup_rmdir(kn): the cgroup of @kn. */
notrace struct cgroup *vctx_kn_cgroup(struct kernfs_node *kn)
{
	return vctx_kn_dir_cgroup(kn);
}

/*
 * The memory limit in effect for @cgrp (the lowest memory.max of its
 * memory cgroup and the ancestors') and that memory cgroup's usage, in
 * bytes; false if no memory.max bounds it (or there is no memcg).
 */
notrace bool vctx_cgroup_mem(struct cgroup *cgrp, u64 *max_bytes, u64 *usage_bytes)
{
#ifdef CONFIG_MEMCG
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg, *iter;
	unsigned long max = PAGE_COUNTER_MAX;

	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return false;
	memcg = mem_cgroup_from_css(css);
	for (iter = memcg; iter; iter = parent_mem_cgroup(iter))
		max = min(max, READ_ONCE(iter->memory.max));
	*usage_bytes = (u64)page_counter_read(&memcg->memory) << PAGE_SHIFT;
	css_put(css);
	if (max == PAGE_COUNTER_MAX)
		return false;
	*max_bytes = (u64)max << PAGE_SHIFT;
	return true;
#else
	return false;
#endif
}
