// SPDX-License-Identifier: GPL-2.0
/*
 * vctx-bench: the guest around the workload: loading the module, the
 * cgroup and hidepid anchors, the sleeping processes that populate /proc,
 * and /proc/meminfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define CGROOT	"/sys/fs/cgroup"
#define CGDIR	CGROOT "/vctx-bench"
const char *const hidepid_mount = "/tmp/vctx-bench-proc";
static int cg_mounted;

static int run_quiet(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -EIO;
}

int module_load(void)
{
	return run_quiet("insmod /lib/modules/vctx.ko");
}

/* rmmod is refused while someone holds /dev/vctx: the workers are gone. */
int module_unload(void)
{
	return run_quiet("rmmod vctx");
}

int module_loaded(void)
{
	return access("/sys/module/vctx", F_OK) == 0;
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int cgroup_setup(long pids_max)
{
	char v[32];
	int rc;

	mkdir(CGROOT, 0755);
	if (access(CGROOT "/cgroup.controllers", F_OK)) {
		if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
			return -errno;
		cg_mounted = 1;
	}
	rc = put(CGROOT "/cgroup.subtree_control", "+pids");
	if (rc)
		return rc;
	if (mkdir(CGDIR, 0755) && errno != EEXIST)
		return -errno;
	snprintf(v, sizeof(v), "%ld", pids_max);
	return put(CGDIR "/pids.max", v);
}

int cgroup_join(void)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", getpid());
	return put(CGDIR "/cgroup.procs", v);
}

void cgroup_cleanup(void)
{
	rmdir(CGDIR);
	if (cg_mounted)
		umount(CGROOT);
}

int hidepid_setup(void)
{
	mkdir(hidepid_mount, 0755);
	if (mount("proc", hidepid_mount, "proc", 0, "hidepid=invisible"))
		return -errno;
	return 0;
}

void hidepid_cleanup(void)
{
	umount(hidepid_mount);
	rmdir(hidepid_mount);
}

/* Processes in /proc as root sees them (pid directories). */
long count_processes(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	long n = -1;

	/* "0.00 0.00 0.00 1/123 456": runnable/total tasks. */
	if (f && fscanf(f, "%*s %*s %*s %*d/%ld", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

int meminfo(long *slab_kb, long *avail_kb)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	int got = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "SUnreclaim: %ld kB", slab_kb) == 1;
		got += sscanf(line, "MemAvailable: %ld kB", avail_kb) == 1;
	}
	fclose(f);
	return got == 2 ? 0 : -EINVAL;
}

void raise_threads_max(long n)
{
	char v[32];

	snprintf(v, sizeof(v), "%ld", n);
	put("/proc/sys/kernel/threads-max", v);
}

/*
 * Sleepers: processes (not threads: each its own signal_struct, so each a
 * vctx member of its own) that mostly share the benchmark's memory (CLONE_VM), so
 * ten thousand of them cost kernel memory only. They make raw system calls
 * alone and never return.
 */
#define SLEEPER_STACK 16384

/* The sleepers' stacks, which a worker unmaps from its copy. */
static struct { void *p; size_t len; } stacks_of[4];

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

/*
 * A sleeper of uid nobody (for the hidepid anchor) has an address space of
 * its own: a uid change makes the mm non-dumpable, and a shared one would
 * hide the benchmark itself and every sibling from procfs's ptrace check.
 */
static pid_t nobody_sleeper(void)
{
	pid_t p = fork();

	if (p == 0) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(1);
		prctl(PR_SET_DUMPABLE, 1);
		for (;;)
			pause();
	}
	return p;
}

pid_t *sleepers_spawn(long n, long nobody, long *got)
{
	pid_t *pids = calloc(n, sizeof(pid_t));
	char *stacks = mmap(NULL, n * SLEEPER_STACK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	*got = 0;
	if (!pids || stacks == MAP_FAILED)
		return pids;
	for (size_t i = 0; i < sizeof(stacks_of) / sizeof(stacks_of[0]); i++)
		if (!stacks_of[i].p) {
			stacks_of[i].p = stacks;
			stacks_of[i].len = n * SLEEPER_STACK;
			break;
		}
	for (long i = 0; i < n; i++) {
		pid_t p = i < nobody ? nobody_sleeper() :
			clone(sleeper, stacks + (i + 1) * SLEEPER_STACK, CLONE_VM | SIGCHLD, NULL);

		if (p < 0) {
			fprintf(stderr, "vctx-bench: sleeper %ld of %ld: %m\n", i, n);
			break;
		}
		pids[(*got)++] = p;
	}
	return pids;
}

void sleepers_kill(pid_t *pids, long n)
{
	for (long i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (long i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
}

void sleepers_unmap(void)
{
	for (size_t i = 0; i < sizeof(stacks_of) / sizeof(stacks_of[0]); i++)
		if (stacks_of[i].p)
			munmap(stacks_of[i].p, stacks_of[i].len);
}
