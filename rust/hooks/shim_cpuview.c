// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim, the CPU count seen inside a context (Documentation/virt.rst,
 * "The CPUs a context sees"; rust/hooks/cpuview.rs calls in here).
 *
 * The visible CPUs of a caller are the first N of the CPUs it may run on
 * (its affinity, which the kernel keeps within its cpuset's effective
 * CPUs) that are online, where N is the smaller of their number and
 * ceil(quota / period) of the tightest cpu.max of its cgroup and the
 * cgroup's ancestors (the LXCFS formula). The quota and period are read
 * through the cpu controller's own read functions (its legacy cftypes
 * cfs_quota_us / cfs_period_us, which exist on the v2 hierarchy too and
 * take a css): struct task_group is private to kernel/sched.
 *
 * - vctx_cpuview_redirect() is called from an ftrace callback (atomic): it
 *   reads only, under RCU, and redirects the hooked call if the caller's
 *   view differs from the host's.
 * - The replacements (complete functions of the hooked prototypes, which
 *   never call the original and never sleep): /proc/stat with the visible
 *   CPUs' lines, /sys/devices/system/cpu/online with the visible CPUs, and
 *   for /proc/cpuinfo a show that prints nothing for a CPU not visible.
 *
 * Everything here is notrace.
 */
#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/ftrace.h>
#include <linux/kernel_stat.h>
#include <linux/math64.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <asm/processor.h>

#include "shim.h"

/* The caller's context's runnable tasks, from rust/virt.rs. */
bool vctx_virt_loadavg(u64 *avg, u32 *running, u32 *threads, s32 *last_pid);

/* ---- the count ---- */

#if defined(CONFIG_CGROUP_SCHED) && defined(CONFIG_CFS_BANDWIDTH)
static notrace struct cftype *vctx_cft(struct cgroup_subsys *ss, const char *name)
{
	struct cftype *cft;

	for (cft = ss->legacy_cftypes; cft && cft->name[0]; cft++)
		if (!strcmp(cft->name, name))
			return cft;
	return NULL;
}

/*
 * ceil(quota / period) of the tightest cpu.max of the caller's cgroup and
 * its ancestors; U32_MAX if none is set. Under RCU: a css (and its
 * task_group) is freed only after a grace period, so one that goes
 * offline meanwhile is still readable.
 */
static notrace u32 vctx_cpu_quota_limit(void)
{
	struct cgroup_subsys_state *css;
	struct cftype *q = NULL, *p = NULL;
	struct cgroup *cgrp;
	u32 limit = U32_MAX;

	rcu_read_lock();
	for (cgrp = task_dfl_cgroup(current); cgrp; cgrp = cgroup_parent(cgrp)) {
		s64 quota;
		u64 period, n;

		css = rcu_dereference(cgrp->subsys[cpu_cgrp_id]);
		if (!css)
			continue;
		if (!q) {
			q = vctx_cft(css->ss, "cfs_quota_us");
			p = vctx_cft(css->ss, "cfs_period_us");
			if (!q || !p || !q->read_s64 || !p->read_u64)
				break;
		}
		quota = q->read_s64(css, q);
		period = p->read_u64(css, p);
		if (quota <= 0 || !period)
			continue;	/* -1: "max" */
		n = div64_u64((u64)quota + period - 1, period);
		limit = min_t(u64, limit, max_t(u64, n, 1));
	}
	rcu_read_unlock();
	return limit;
}
#else
static notrace u32 vctx_cpu_quota_limit(void)
{
	return U32_MAX;
}
#endif

/* The caller's CPUs: its affinity (not a temporary migrate_disable() one). */
static notrace const struct cpumask *vctx_my_cpus(void)
{
	return &current->cpus_mask;
}

/* The next visible CPU after @cpu (-1: the first); >= nr_cpu_ids: none. */
static notrace unsigned int vctx_next_visible(int cpu, u32 limit, u32 *seen)
{
	if (*seen >= limit)
		return nr_cpu_ids;
	cpu = cpumask_next_and(cpu, vctx_my_cpus(), cpu_online_mask);
	if (cpu < nr_cpu_ids)
		(*seen)++;
	return cpu;
}

#define for_each_visible_cpu(cpu, limit, seen)                                  \
	for ((seen) = 0, (cpu) = vctx_next_visible(-1, limit, &(seen));         \
	     (cpu) < nr_cpu_ids; (cpu) = vctx_next_visible(cpu, limit, &(seen)))

/* Whether @cpu is one the caller sees. */
static notrace bool vctx_cpu_visible(unsigned int cpu, u32 limit)
{
	unsigned int c;
	u32 seen;

	for_each_visible_cpu(c, limit, seen)
		if (c == cpu)
			return true;
	return false;
}

/* The number of CPUs the caller sees. */
notrace u32 vctx_cpuview_count(void)
{
	u32 n = cpumask_weight_and(vctx_my_cpus(), cpu_online_mask);

	return min(n, vctx_cpu_quota_limit());
}

/* ---- /proc/cpuinfo: show_cpuinfo(m, v), once per online CPU ---- */

/* Prints nothing: the CPU is not the caller's. */
static noinline notrace int vctx_cpuinfo_skip(struct seq_file *m, void *v)
{
	return 0;
}

/* ---- /proc/stat: show_stat(p, v) ---- */

/* The ten columns show_stat() prints, in its order. */
static const u8 vctx_stat_cols[] = {
	CPUTIME_USER, CPUTIME_NICE, CPUTIME_SYSTEM, CPUTIME_IDLE,
	CPUTIME_IOWAIT, CPUTIME_IRQ, CPUTIME_SOFTIRQ, CPUTIME_STEAL,
	CPUTIME_GUEST, CPUTIME_GUEST_NICE,
};
#define VCTX_STAT_COLS ARRAY_SIZE(vctx_stat_cols)

/* @cpu's columns in USER_HZ ticks, as nsec_to_clock_t() (not exported). */
static notrace void vctx_cpu_ticks(unsigned int cpu, u64 *t)
{
	struct kernel_cpustat kcs;
	int i;

	kcpustat_cpu_fetch(&kcs, cpu);
	for (i = 0; i < VCTX_STAT_COLS; i++)
		t[i] = div_u64(kcs.cpustat[vctx_stat_cols[i]], NSEC_PER_SEC / USER_HZ);
}

static notrace void vctx_put_ticks(struct seq_file *p, const u64 *t)
{
	int i;

	for (i = 0; i < VCTX_STAT_COLS; i++)
		seq_put_decimal_ull(p, " ", t[i]);
	seq_putc(p, '\n');
}

/*
 * The kernel's format (fs/proc/stat.c): the aggregate "cpu" line is the
 * sum of the visible CPUs' lines (summed in ticks, so it is exactly their
 * sum), then one "cpuN" line each (real CPU numbers), btime, and
 * procs_running of the caller's context. The machine-wide counters (intr,
 * ctxt, processes, procs_blocked, softirq) are not per context and not
 * shown.
 */
static noinline notrace int vctx_stat_show(struct seq_file *p, void *v)
{
	u32 limit = vctx_cpu_quota_limit(), seen, running = 0, threads = 0;
	u64 sum[VCTX_STAT_COLS] = { 0 }, t[VCTX_STAT_COLS], avg[3];
	struct timespec64 boottime;
	unsigned int cpu;
	s32 last_pid;
	int i;

	for_each_visible_cpu(cpu, limit, seen) {
		vctx_cpu_ticks(cpu, t);
		for (i = 0; i < VCTX_STAT_COLS; i++)
			sum[i] += t[i];
	}
	seq_puts(p, "cpu ");
	vctx_put_ticks(p, sum);
	/*
	 * The CPUs' times only grow: a line read after the sum is at least
	 * its share of it (the two reads are a few microseconds apart).
	 */
	for_each_visible_cpu(cpu, limit, seen) {
		vctx_cpu_ticks(cpu, t);
		seq_printf(p, "cpu%u", cpu);
		vctx_put_ticks(p, t);
	}
	getboottime64(&boottime);
	timens_sub_boottime(&boottime);
	vctx_virt_loadavg(avg, &running, &threads, &last_pid);
	seq_printf(p, "btime %llu\nprocs_running %u\n",
		   (unsigned long long)boottime.tv_sec, running);
	return 0;
}

/* ---- /sys/devices/system/cpu/online: show_cpus_attr(dev, attr, buf) ---- */

/* The visible CPUs as a range list ("0", "0-1", "0,2"), as %*pbl prints. */
static noinline notrace ssize_t vctx_cpus_online_show(struct device *dev,
						       struct device_attribute *attr,
						       char *buf)
{
	u32 limit = vctx_cpu_quota_limit(), seen;
	unsigned int cpu, first = nr_cpu_ids, last = nr_cpu_ids;
	int at = 0;

	for_each_visible_cpu(cpu, limit, seen) {
		if (first < nr_cpu_ids && cpu == last + 1) {
			last = cpu;
			continue;
		}
		if (first < nr_cpu_ids)
			at += first == last ? sysfs_emit_at(buf, at, "%u,", first)
					    : sysfs_emit_at(buf, at, "%u-%u,", first, last);
		first = last = cpu;
	}
	if (first < nr_cpu_ids)
		at += first == last ? sysfs_emit_at(buf, at, "%u", first)
				    : sysfs_emit_at(buf, at, "%u-%u", first, last);
	at += sysfs_emit_at(buf, at, "\n");
	return at;
}

/* ---- the redirection (ftrace callback context: atomic, reads only) ---- */

/*
 * The caller is in a context whose CPU view is virtualized (decided in
 * Rust): run the replacement for @which (VCTX_CPUVIEW_*) if what it would
 * show differs from the host's; otherwise the original runs.
 */
notrace void vctx_cpuview_redirect(struct ftrace_regs *fregs, unsigned int which)
{
	unsigned long ip;

	if (vctx_cpuview_count() >= num_online_cpus())
		return;
	switch (which) {
#ifdef CONFIG_X86
	case VCTX_CPUVIEW_CPUINFO: {
		const struct cpuinfo_x86 *c =
			(const struct cpuinfo_x86 *)ftrace_regs_get_argument(fregs, 1);

		if (vctx_cpu_visible(c->cpu_index, vctx_cpu_quota_limit()))
			return;
		ip = (unsigned long)vctx_cpuinfo_skip;
		break;
	}
#endif
	case VCTX_CPUVIEW_STAT:
		ip = (unsigned long)vctx_stat_show;
		break;
	case VCTX_CPUVIEW_CPUS_ATTR: {
		const struct device_attribute *attr =
			(const struct device_attribute *)ftrace_regs_get_argument(fregs, 1);

		/* online, possible and present share show_cpus_attr. */
		if (!attr->attr.name || strcmp(attr->attr.name, "online"))
			return;
		ip = (unsigned long)vctx_cpus_online_show;
		break;
	}
	default:
		return;
	}
	ftrace_regs_set_instruction_pointer(fregs, ip);
}
