/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vctx C shim: the functions rust/ calls (declared again there in extern
 * "C" blocks; keep both in step). See shim.c.
 */
#ifndef VCTX_SHIM_H
#define VCTX_SHIM_H

#include <linux/types.h>

struct cgroup;
struct file;
struct kernfs_node;
struct kernfs_open_file;
struct ftrace_regs;
struct pid;
struct task_struct;

long vctx_layout_lookup(const char *name);

void *vctx_task_group(struct task_struct *t);
bool vctx_group_alive(struct task_struct *t);
int vctx_signal_threads(void *sig);
struct pid *vctx_task_tgid_get(struct task_struct *t);
struct pid *vctx_pid_get(struct pid *pid);
struct task_struct *vctx_find_process(pid_t nr);
struct task_struct *vctx_pid_task_get(struct pid *pid);
void vctx_task_put(struct task_struct *t);
bool vctx_capable_admin(void);

u32 vctx_nsfs_type(struct file *f);
u64 vctx_nsfs_ino(struct file *f);

unsigned long vctx_fregs_arg(struct ftrace_regs *fregs, unsigned int n);
bool vctx_fregs_return(struct ftrace_regs *fregs, long ret);
struct task_struct *vctx_proc_inode_task(void *inode);

void vctx_tracepoint_sync(void);

/* shim_cgroup.c (rust/cgroup.rs, rust/hooks/cgroup.rs) */
struct cgroup *vctx_cgroup_get_fd(int fd);
void vctx_cgroup_get(struct cgroup *cgrp);
void vctx_cgroup_put(struct cgroup *cgrp);
u64 vctx_cgroup_id(struct cgroup *cgrp);
bool vctx_cgroup_within(struct cgroup *cgrp, struct cgroup *ancestor);
bool vctx_task_in_cgroup(struct task_struct *t, struct cgroup *ancestor);
bool vctx_pid_in_cgroup(struct pid *pid, struct cgroup *ancestor);
int vctx_cgroup_path(struct cgroup *cgrp, char *buf, size_t len);
struct cgroup *vctx_kof_cgroup(struct kernfs_open_file *of, bool *delegatable);
struct cgroup *vctx_kn_cgroup(struct kernfs_node *kn);
bool vctx_cgroup_mem(struct cgroup *cgrp, u64 *max_bytes, u64 *usage_bytes);

/* shim_virt.c: the hooked functions a virtualized view replaces
 * (keep in step with rust/hooks/virt_redirect.rs). */
#define VCTX_VIRT_UPTIME	0
#define VCTX_VIRT_LOADAVG	1
#define VCTX_VIRT_MEMINFO	2
#define VCTX_VIRT_SYSINFO	3
bool vctx_virt_redirect(struct ftrace_regs *fregs, unsigned int which);
void vctx_group_load(struct pid *tgid, u32 *running, u32 *active, u32 *threads);
void vctx_host_avenrun(u64 *avg);
void vctx_sampler_start(void);
void vctx_sampler_stop(void);

#endif
