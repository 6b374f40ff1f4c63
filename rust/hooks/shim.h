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
bool vctx_fatal_signal_pending(struct task_struct *t);

u32 vctx_nsfs_type(struct file *f);
u64 vctx_nsfs_ino(struct file *f);

unsigned long vctx_fregs_arg(struct ftrace_regs *fregs, unsigned int n);
bool vctx_fregs_return(struct ftrace_regs *fregs, long ret);
struct task_struct *vctx_proc_inode_task(void *inode);
struct kiocb;
bool vctx_sysctl_write_is_ns(struct kiocb *iocb);
struct task_struct *vctx_proc_path_task(const void *path);
struct task_struct *vctx_proc_lookup_task(const void *dentry);
/* shim_procdir.c, with shim_proc.c's tgid offset. */
extern const loff_t vctx_proc_tgid_offset;
void vctx_proc_readdir_redirect(struct ftrace_regs *fregs);

void vctx_tracepoint_sync(void);

/* shim_caps.c: credentials and reboot(2). */
struct cred;
struct linux_binprm;
struct pt_regs;
struct user_namespace;
u64 vctx_group_caps(struct task_struct *t);
struct cred *vctx_creds_trimmed(u64 mask);
void vctx_creds_commit(struct cred *c);
void vctx_creds_abort(struct cred *c);
void vctx_bprm_trim(const struct linux_binprm *bprm, u64 mask);
bool vctx_cap_check_applies(const struct cred *cred, struct user_namespace *ns, int cap);
void vctx_reboot_args(const struct pt_regs *regs, int *magic1, int *magic2, unsigned int *cmd);
bool vctx_in_init_pid_ns(void);
bool vctx_euid_is_root(void);
void vctx_reboot_redirect(struct ftrace_regs *fregs);
int vctx_reboot_spawn(void *data);
/* shim_barrier.c */
struct task_struct *vctx_vnr_task_get(int nr);
struct task_struct *vctx_pid_owner_get(struct pid *pid);
struct task_struct *vctx_vnr_owner_get(int nr);
bool vctx_task_is_leader(struct task_struct *t);
pid_t vctx_pid_nr(struct pid *pid);
void vctx_getpriority_redirect(struct ftrace_regs *fregs);
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
void vctx_cond_resched(void);

/* shim_cpuview.c: the CPU views (keep in step with rust/hooks/cpuview.rs). */
#define VCTX_CPUVIEW_CPUINFO	0
#define VCTX_CPUVIEW_STAT	1
#define VCTX_CPUVIEW_CPUS_ATTR	2
void vctx_cpuview_redirect(struct ftrace_regs *fregs, unsigned int which);
u32 vctx_cpuview_count(void);

/* shim_index.c: the membership index (rust/model/index.rs). */
struct vctx_index;
struct vctx_index *vctx_index_new(void);
void vctx_index_destroy(struct vctx_index *ix);
const void *vctx_index_lookup(struct vctx_index *ix, unsigned long key, bool *exited);
void *vctx_index_entry_alloc(bool atomic);
void vctx_index_entry_free(void *entry);
void vctx_index_set(struct vctx_index *ix, unsigned long key, const void *ctx,
		    bool exited, void *entry);
void vctx_index_clear(struct vctx_index *ix);
void vctx_index_barrier(void);
void vctx_smp_mb(void);
/* rust/model/index.rs: drops a context reference the index held. */
void vctx_ctx_put(const void *ctx);

#endif
