// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim, virtualized /proc views (Documentation/virt.rst).
 *
 * - The replacements an ftrace callback redirects a call to when the
 *   caller is in a virtualized context: complete show functions for
 *   /proc/uptime, /proc/loadavg and /proc/meminfo, and a complete
 *   sysinfo(2). They never call the original (NOTES in
 *   Documentation/hooks.rst); they ask Rust (rust/virt.rs) for the
 *   context's figures and print them the way the kernel does.
 * - The per-thread-group load count the sampler and /proc/loadavg use
 *   (task state is read here, where the compiler knows the layout).
 * - The sampler's delayed work: the Rust workqueue API of 7.3 has
 *   DelayedWork but no cancel, and unload needs cancel_delayed_work_sync().
 *
 * Everything here is notrace. The show replacements never sleep (seq_printf
 * writes into the preallocated buffer), so the RCU-tasks wait of
 * unregister_ftrace_function() covers a task inside one at unload. The
 * sysinfo replacement may sleep in copy_to_user(): it holds a module
 * reference across it.
 */
#include <linux/ftrace.h>
#include <linux/kernel_stat.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/idr.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sysinfo.h>
#include <linux/time64.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "shim.h"
#include "shim_threads.h"

/* The figures, from rust/virt.rs (false: the caller is in no context). */
bool vctx_virt_uptime(u64 *created_ns);
bool vctx_virt_loadavg(u64 *avg, u32 *running, u32 *threads, s32 *last_pid);
bool vctx_virt_mem(u64 *total, u64 *used);
void vctx_sampler_run(void);

/* ---- load of one thread group ---- */

/*
 * Adds the threads of the process whose tgid is @tgid to @threads, those
 * runnable to @running, and those that count towards the load average to
 * @active: runnable, or uninterruptible and not TASK_NOLOAD nor frozen,
 * as the scheduler counts them (kernel/sched/core.c block_task()).
 */
notrace void vctx_group_load(struct pid *tgid, u32 *running, u32 *active, u32 *threads)
{
	struct task_struct *leader, *t;

	rcu_read_lock();
	leader = pid_task(tgid, PIDTYPE_TGID);
	if (leader) {
		for_each_thread(leader, t) {
			unsigned int state = READ_ONCE(t->__state);

			(*threads)++;
			if (state == TASK_RUNNING) {
				(*running)++;
				(*active)++;
			} else if ((state & TASK_UNINTERRUPTIBLE) &&
				   !(state & (TASK_NOLOAD | TASK_FROZEN))) {
				(*active)++;
			}
		}
	}
	rcu_read_unlock();
}

/* The host's 1/5/15-minute load averages (avenrun), 1.0 = FIXED_1. */
notrace void vctx_host_avenrun(u64 *avg)
{
	int i;

	for (i = 0; i < 3; i++)
		avg[i] = READ_ONCE(avenrun[i]);
}

/* ---- /proc/uptime ---- */

static notrace u64 vctx_host_idle_ns(void)
{
	u64 idle = 0;
	int i;

	for_each_possible_cpu(i)
		idle += kcpustat_field(CPUTIME_IDLE, i);
	return idle;
}

/*
 * @up moved by the reader's time namespace's boottime offset, as
 * uptime_proc_show() and do_sysinfo() move the host's (never below 0: a
 * negative offset can exceed a young context's age).
 */
static notrace u64 vctx_timens_up(u64 up)
{
	s64 off = (s64)timens_add_boottime_ns(0);

	if (off < 0 && (u64)-off > up)
		return 0;
	return up + off;
}

/*
 * The context's uptime is the time since its creation, plus the reader's
 * time namespace offset (as the kernel adds it); its idle time is
 * the host's scaled by the same ratio, idle * ctx_uptime / host_uptime,
 * so idle/uptime (how idle the CPUs were) matches the host's and both
 * grow monotonically.
 */
static noinline notrace int vctx_uptime_show(struct seq_file *m, void *v)
{
	u64 now = ktime_get_boottime_ns(), created = 0, up, idle, up_s, idle_s;
	u32 up_rem, idle_rem;

	idle = vctx_host_idle_ns();
	if (vctx_virt_uptime(&created) && created <= now) {
		up = now - created;
		idle = now ? mul_u64_u64_div_u64(idle, up, now) : 0;
	} else {
		up = now;
	}
	up = vctx_timens_up(up);
	/*
	 * The quotient first, then the remainder it writes: C leaves the order
	 * in which seq_printf()'s arguments are evaluated unspecified.
	 */
	up_s = div_u64_rem(up, NSEC_PER_SEC, &up_rem);
	idle_s = div_u64_rem(idle, NSEC_PER_SEC, &idle_rem);
	seq_printf(m, "%llu.%02u %llu.%02u\n", up_s, up_rem / (u32)(NSEC_PER_SEC / 100),
		   idle_s, idle_rem / (u32)(NSEC_PER_SEC / 100));
	return 0;
}

/* ---- /proc/loadavg ---- */

static noinline notrace int vctx_loadavg_show(struct seq_file *m, void *v)
{
	u64 avg[3] = { 0, 0, 0 };
	u32 running = 0, threads = 0;
	s32 last_pid = 0;
	int i;

	vctx_virt_loadavg(avg, &running, &threads, &last_pid);
	/*
	 * The context's last pid is recorded in the initial namespace's
	 * numbering; inside a pid namespace, show that namespace's own last
	 * pid, as the kernel's loadavg_proc_show() does.
	 */
	if (task_active_pid_ns(current) != &init_pid_ns)
		last_pid = idr_get_cursor(&task_active_pid_ns(current)->idr) - 1;
	/* As get_avenrun(avnrun, FIXED_1/200, 0): round to 1/100. */
	for (i = 0; i < 3; i++) {
		unsigned long a = avg[i] + FIXED_1 / 200;

		seq_printf(m, "%lu.%02lu ", LOAD_INT(a), LOAD_FRAC(a));
	}
	seq_printf(m, "%u/%u %d\n", running, threads, last_pid);
	return 0;
}

/*
 * A replacement runs module text reached from an ftrace callback. rmmod
 * waits (RCU-tasks) for a task preempted there, but not for one that
 * sleeps: a replacement takes the module reference before anything that
 * can sleep and does only non-sleeping work without it (the module is
 * going). With it held, rmmod is refused (EAGAIN) until it is put; the
 * instructions after module_put() run preemptible only, which RCU-tasks
 * waits for.
 */
static notrace bool vctx_hold(void)
{
	return try_module_get(THIS_MODULE);
}

/* ---- /proc/meminfo ---- */

struct vctx_mem {
	unsigned long total, free, available;	/* pages */
};

/*
 * The context's memory: its rss limit, less its rss; else the host's.
 * Reading the rss allocates (GFP_KERNEL) and so may sleep: only with the
 * module reference @held (see vctx_hold()); without it, the host's.
 */
static notrace void vctx_mem_of(struct vctx_mem *mem, bool held)
{
	u64 total, used;

	if (held && vctx_virt_mem(&total, &used)) {
		mem->total = total >> PAGE_SHIFT;
		mem->free = (total - min(used, total)) >> PAGE_SHIFT;
		mem->available = mem->free;
	} else {
		mem->total = totalram_pages();
		mem->free = global_zone_page_state(NR_FREE_PAGES);
		mem->available = si_mem_available();
	}
}

static notrace void vctx_show_kb(struct seq_file *m, const char *s, unsigned long pages)
{
	seq_printf(m, "%s%8lu kB\n", s, pages << (PAGE_SHIFT - 10));
}

/*
 * A context's memory is its rss: no page cache, buffers, swap or slab of
 * its own, so those lines say 0 (free(1) and top read them by name).
 */
static noinline notrace int vctx_meminfo_show(struct seq_file *m, void *v)
{
	struct vctx_mem mem;
	bool held = vctx_hold();

	vctx_mem_of(&mem, held);
	vctx_show_kb(m, "MemTotal:       ", mem.total);
	vctx_show_kb(m, "MemFree:        ", mem.free);
	vctx_show_kb(m, "MemAvailable:   ", mem.available);
	vctx_show_kb(m, "Buffers:        ", 0);
	vctx_show_kb(m, "Cached:         ", 0);
	vctx_show_kb(m, "SwapCached:     ", 0);
	vctx_show_kb(m, "SwapTotal:      ", 0);
	vctx_show_kb(m, "SwapFree:       ", 0);
	vctx_show_kb(m, "Shmem:          ", 0);
	vctx_show_kb(m, "SReclaimable:   ", 0);
	if (held)
		module_put(THIS_MODULE);
	return 0;
}

/* ---- sysinfo(2) ---- */

/* @held: the module reference is held, so the rss may be read (it sleeps). */
static notrace void vctx_sysinfo_fill(struct sysinfo *info, bool held)
{
	u64 now = ktime_get_boottime_ns(), created = 0, up, avg[3] = { 0, 0, 0 };
	u32 running = 0, threads = 0;
	s32 last_pid;
	u64 mem_total, mem_used;
	struct sysinfo host;
	int i;

	memset(info, 0, sizeof(*info));
	up = vctx_virt_uptime(&created) && created <= now ? now - created : now;
	up = vctx_timens_up(up);
	/* As do_sysinfo(): whole seconds, rounded up. */
	info->uptime = div_u64(up + NSEC_PER_SEC - 1, NSEC_PER_SEC);
	vctx_virt_loadavg(avg, &running, &threads, &last_pid);
	for (i = 0; i < 3; i++)
		info->loads[i] = avg[i] << (SI_LOAD_SHIFT - FSHIFT);
	info->procs = threads;
	/* In bytes (mem_unit 1), as do_sysinfo() does when it fits. */
	if (held && vctx_virt_mem(&mem_total, &mem_used)) {
		info->totalram = mem_total;
		info->freeram = mem_total - min(mem_used, mem_total);
	} else {
		/* No limit: the host's memory, as /proc/meminfo shows it. */
		si_meminfo(&host);
		info->totalram = host.totalram * host.mem_unit;
		info->freeram = host.freeram * host.mem_unit;
		info->sharedram = host.sharedram * host.mem_unit;
		info->bufferram = host.bufferram * host.mem_unit;
	}
	info->mem_unit = 1;
}

#ifdef CONFIG_X86_64
/*
 * Replaces __x64_sys_sysinfo(regs): do_sysinfo() is inlined into it, so the
 * syscall wrapper is the narrowest hookable point; the user pointer is the
 * first syscall argument, regs->di.
 *
 * The module reference (vctx_hold()) covers the rss reading and a task
 * sleeping in copy_to_user() (a page fault) during rmmod; without it (the
 * module is going), the host's memory and a copy that must not sleep.
 */
static noinline notrace long vctx_sys_sysinfo(const struct pt_regs *regs)
{
	struct sysinfo __user *uinfo = (struct sysinfo __user *)regs->di;
	struct sysinfo info;
	bool held = vctx_hold();
	long ret = 0;

	vctx_sysinfo_fill(&info, held);
	if (held) {
		if (copy_to_user(uinfo, &info, sizeof(info)))
			ret = -EFAULT;
		module_put(THIS_MODULE);
	} else if (copy_to_user_nofault(uinfo, &info, sizeof(info))) {
		ret = -EFAULT;
	}
	return ret;
}
#endif

/* ---- redirection ---- */

/*
 * Make the hooked function @which (VCTX_VIRT_*) run its replacement
 * instead: the replacement has the same prototype and gets the same
 * arguments, still in their registers. False if there is none.
 */
notrace bool vctx_virt_redirect(struct ftrace_regs *fregs, unsigned int which)
{
	unsigned long ip;

	switch (which) {
	case VCTX_VIRT_UPTIME: ip = (unsigned long)vctx_uptime_show; break;
	case VCTX_VIRT_LOADAVG: ip = (unsigned long)vctx_loadavg_show; break;
	case VCTX_VIRT_MEMINFO: ip = (unsigned long)vctx_meminfo_show; break;
#ifdef CONFIG_X86_64
	case VCTX_VIRT_SYSINFO: ip = (unsigned long)vctx_sys_sysinfo; break;
#endif
	default: return false;
	}
	ftrace_regs_set_instruction_pointer(fregs, ip);
	return true;
}

/* ---- the sampler tick ---- */

static void vctx_sampler_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vctx_sampler, vctx_sampler_fn);

/* Every LOAD_FREQ (5 s), in process context, as the kernel samples load. */
static notrace void vctx_sampler_fn(struct work_struct *work)
{
	vctx_sampler_run();
	queue_delayed_work(system_unbound_wq, &vctx_sampler, LOAD_FREQ);
}

notrace void vctx_sampler_start(void)
{
	queue_delayed_work(system_unbound_wq, &vctx_sampler, LOAD_FREQ);
}

/*
 * A resched point between the sampler's per-context lock holds
 * (cond_resched() is a macro over a static call: not callable from Rust).
 */
notrace void vctx_cond_resched(void)
{
	cond_resched();
}

/* Waits for a tick in flight; a self-requeueing work is cancelled too. */
notrace void vctx_sampler_stop(void)
{
	cancel_delayed_work_sync(&vctx_sampler);
}
