// SPDX-License-Identifier: GPL-2.0
/*
 * barrier_probe: every syscall that names a process, called directly
 * (raw syscall() where libc has no wrapper), for tests/suite-barriers.sh.
 *
 *   barrier_probe absent PID   each call on PID answers ESRCH (a process
 *                              outside the caller's subtree, or a free pid)
 *   barrier_probe subtree      the same calls on a child of the probe work
 *   barrier_probe state PID    one line: what the host reads back of PID
 *                              (nice, rlimit, affinity, policy, ioprio, ...)
 *   barrier_probe pgrp         setpriority/ioprio_set on the caller's own
 *                              process group (PRIO_PGRP 0) and on its
 *                              user (PRIO_USER 0): succeed, and change the
 *                              caller (what the host checks is the rest)
 *   barrier_probe prio         sets its own nice to 5, then prints
 *                              getpriority(2)'s raw answer (20 - nice) for
 *                              itself, its process group and its user:
 *                              "self=15 pgrp=N user=N"
 *   barrier_probe zombie       an exited, unreaped child is still there:
 *                              kill, pidfd_open, getpgid, /proc, pidfd_getfd
 *                              (ESRCH: it has no files), waitpid
 *   barrier_probe hold PID CMD...
 *                              opens a pidfd to PID (here, before any
 *                              context), keeps it open across exec and runs
 *                              CMD with its number in $PROBE_PIDFD
 *   barrier_probe held PID     through that inherited pidfd, from inside a
 *                              context: signals (pidfd_send_signal with each
 *                              scope, rt_sigqueueinfo), pidfd_getfd and
 *                              process_madvise on the outside PID refused
 *
 * absent, subtree, zombie and held print a KTAP subtest; exit status 1 if
 * a check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_BE 2
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#define IOPRIO_BE(level) ((IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | (level))
/* include/uapi/linux/sched/types.h (its struct sched_param clashes with libc's) */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

/* A page the child and the parent both have at the same address (fork). */
static char page[4096] __attribute__((aligned(4096))) = "barrier_probe";

static long sys_getprio(int which, int who) { return syscall(SYS_getpriority, which, who); }
static long sys_setprio(int which, int who, int nice) { return syscall(SYS_setpriority, which, who, nice); }
static long sys_ioprio_get(int which, int who) { return syscall(SYS_ioprio_get, which, who); }
static long sys_ioprio_set(int which, int who, int prio) { return syscall(SYS_ioprio_set, which, who, prio); }
static long sys_pidfd_open(pid_t pid) { return syscall(SYS_pidfd_open, pid, 0); }

static long sys_prlimit(pid_t pid, int res, const struct rlimit *new, struct rlimit *old)
{
	return syscall(SYS_prlimit64, pid, res, new, old);
}

static long sys_sched_setattr(pid_t pid, int policy)
{
	struct sched_attr a = { .size = sizeof(a), .sched_policy = policy, .sched_nice = 7 };

	return syscall(SYS_sched_setattr, pid, &a, 0);
}

static long sys_sched_getattr(pid_t pid)
{
	struct sched_attr a;

	return syscall(SYS_sched_getattr, pid, &a, sizeof(a), 0);
}

static long sys_perf_open(pid_t pid)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	long fd = syscall(SYS_perf_event_open, &a, pid, -1, -1, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long sys_capget(pid_t pid)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, pid };
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d);
}

static long sys_robust(pid_t pid)
{
	void *head;
	size_t len;

	return syscall(SYS_get_robust_list, pid, &head, &len);
}

static long sys_migrate(pid_t pid)
{
	unsigned long nodes = 1;

	return syscall(SYS_migrate_pages, pid, 8 * sizeof(nodes), &nodes, &nodes);
}

static long sys_move_pages(pid_t pid)
{
	void *pages[1] = { page };
	int status[1];

	return syscall(SYS_move_pages, pid, 1, pages, NULL, status, 0);
}

static long vm_read(pid_t pid)
{
	char buf[16];
	struct iovec l = { buf, sizeof(buf) }, r = { page, sizeof(buf) };

	return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

static long vm_write(pid_t pid)
{
	char buf[16] = "barrier_probe";
	struct iovec l = { buf, sizeof(buf) }, r = { page, sizeof(buf) };

	return process_vm_writev(pid, &l, 1, &r, 1, 0);
}

static long affinity_set(pid_t pid)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(0, &s);
	return sched_setaffinity(pid, sizeof(s), &s);
}

static long affinity_get(pid_t pid)
{
	cpu_set_t s;

	return sched_getaffinity(pid, sizeof(s), &s);
}

static long rr_interval(pid_t pid)
{
	struct timespec ts;

	return sched_rr_get_interval(pid, &ts);
}

static long prlimit_set(pid_t pid)
{
	struct rlimit r = { 123, 123 };

	return sys_prlimit(pid, RLIMIT_NOFILE, &r, NULL);
}

static long prlimit_get(pid_t pid)
{
	struct rlimit r;

	return sys_prlimit(pid, RLIMIT_NOFILE, NULL, &r);
}

static long param_get(pid_t pid)
{
	struct sched_param p;

	return sched_getparam(pid, &p);
}

static long param_set(pid_t pid)
{
	struct sched_param p = { 0 };

	return sched_setparam(pid, &p);
}

static long batch_set(pid_t pid)
{
	struct sched_param p = { 0 };

	return sched_setscheduler(pid, SCHED_BATCH, &p);
}

/* Every call that names @pid; @pid's process group is @pid too. */
#define EACH_CALL(X, pid)                                                        \
	X(sys_getprio(PRIO_PROCESS, pid), "getpriority(PRIO_PROCESS)")           \
	X(sys_setprio(PRIO_PROCESS, pid, 7), "setpriority(PRIO_PROCESS)")        \
	X(sys_getprio(PRIO_PGRP, pid), "getpriority(PRIO_PGRP, its group)")      \
	X(sys_setprio(PRIO_PGRP, pid, 7), "setpriority(PRIO_PGRP, its group)")   \
	X(prlimit_get(pid), "prlimit64 get")                                     \
	X(prlimit_set(pid), "prlimit64 set")                                     \
	X(affinity_get(pid), "sched_getaffinity")                                \
	X(affinity_set(pid), "sched_setaffinity")                                \
	X(sched_getscheduler(pid), "sched_getscheduler")                         \
	X(batch_set(pid), "sched_setscheduler")                                  \
	X(param_get(pid), "sched_getparam")                                      \
	X(param_set(pid), "sched_setparam")                                      \
	X(sys_sched_getattr(pid), "sched_getattr")                               \
	X(sys_sched_setattr(pid, SCHED_BATCH), "sched_setattr")                  \
	X(rr_interval(pid), "sched_rr_get_interval")                             \
	X(getsid(pid), "getsid")                                                 \
	X(getpgid(pid), "getpgid")                                               \
	X(setpgid(pid, pid), "setpgid")                                          \
	X(sys_ioprio_get(IOPRIO_WHO_PROCESS, pid), "ioprio_get(WHO_PROCESS)")    \
	X(sys_ioprio_set(IOPRIO_WHO_PROCESS, pid, IOPRIO_BE(7)), "ioprio_set(WHO_PROCESS)") \
	X(sys_ioprio_get(IOPRIO_WHO_PGRP, pid), "ioprio_get(WHO_PGRP, its group)") \
	X(sys_ioprio_set(IOPRIO_WHO_PGRP, pid, IOPRIO_BE(7)), "ioprio_set(WHO_PGRP, its group)") \
	X(vm_read(pid), "process_vm_readv")                                      \
	X(vm_write(pid), "process_vm_writev")                                    \
	X(syscall(SYS_kcmp, pid, getpid(), KCMP_VM, 0, 0), "kcmp(pid, self)")    \
	X(syscall(SYS_kcmp, getpid(), pid, KCMP_FILES, 0, 0), "kcmp(self, pid)") \
	X(sys_robust(pid), "get_robust_list")                                    \
	X(sys_migrate(pid), "migrate_pages")                                     \
	X(sys_move_pages(pid), "move_pages")                                     \
	X(sys_perf_open(pid), "perf_event_open(pid)")                            \
	X(sys_capget(pid), "capget(pid)")

/* A pid that was just freed: a child's, once it is reaped. */
static pid_t freed_pid(void)
{
	pid_t c = fork();

	if (c == 0)
		_exit(0);
	if (c > 0)
		waitpid(c, NULL, 0);
	return c;
}

static int absent(pid_t pid)
{
	char d[128];
	int perf_free;

	ktap_begin("process-naming syscalls on an absent pid");
	/*
	 * perf_event_open checks perf_event_paranoid before it looks the pid
	 * up: Debian's default of 3 answers EACCES to a caller without
	 * CAP_PERFMON for any pid, a free one too. The barrier's promise is
	 * the answer a free pid gets, so that is what is compared.
	 */
	errno = 0;
	perf_free = sys_perf_open(freed_pid()) < 0 ? errno : 0;
#define X_ESRCH(call, desc)                                                      \
	if (strcmp(desc, "perf_event_open(pid)") == 0) {                         \
		snprintf(d, sizeof(d), "%s: as a free pid (%s)", desc,           \
			 strerror(perf_free));                                   \
		EXPECT_ERRNO(perf_free, call, d);                                \
	} else {                                                                 \
		snprintf(d, sizeof(d), "%s: ESRCH", desc);                       \
		EXPECT_ERRNO(ESRCH, call, d);                                    \
	}
	EACH_CALL(X_ESRCH, pid)
	EXPECT_ERRNO(ESRCH, sys_pidfd_open(pid), "pidfd_open: ESRCH");
	EXPECT_ERRNO(ESRCH, kill(pid, 0), "kill(pid, 0): ESRCH");
	return ktap_end();
}

/* A child that sleeps in its own process group; the parent kills it. */
static pid_t sleeper(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	/* EOF once the child has closed its end: it is in its own group. */
	if (read(p[0], &c, 1) < 0)
		return -1;
	close(p[0]);
	return pid;
}

static int subtree(void)
{
	struct iovec iov = { page, sizeof(page) };
	char d[128];
	pid_t pid;
	long fd;

	ktap_begin("process-naming syscalls on a pid of the caller's subtree");
	pid = sleeper();
	if (pid < 0) {
		printf("    # fork: %s\n", strerror(errno));
		return 1;
	}
#define X_WORKS(call, desc)                                                         \
	snprintf(d, sizeof(d), "%s: works", desc);                               \
	EXPECT_OK(call, d);
	EACH_CALL(X_WORKS, pid)
	EXPECT(sys_getprio(PRIO_PROCESS, pid) == 20 - 7, "the child's nice is 7");
	EXPECT(sched_getscheduler(pid) == SCHED_BATCH, "the child's policy is SCHED_BATCH");
	EXPECT(sys_ioprio_get(IOPRIO_WHO_PROCESS, pid) == IOPRIO_BE(7), "the child's ioprio is BE/7");
	fd = sys_pidfd_open(pid);
	EXPECT_OK(fd, "pidfd_open: works");
	if (fd >= 0) {
		long got = syscall(SYS_pidfd_getfd, fd, 1, 0);

		EXPECT_OK(got, "pidfd_getfd: works");
		if (got >= 0)
			close(got);
		EXPECT_OK(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0), "pidfd_send_signal(0): works");
		EXPECT_OK(syscall(SYS_process_madvise, fd, &iov, 1, MADV_COLD, 0), "process_madvise: works");
		close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return ktap_end();
}

static int state(pid_t pid)
{
	struct sched_param sp = { 0 };
	struct rlimit r = { 0, 0 };
	cpu_set_t s;
	unsigned long mask = 0;
	int i;

	CPU_ZERO(&s);
	sys_prlimit(pid, RLIMIT_NOFILE, NULL, &r);
	sched_getaffinity(pid, sizeof(s), &s);
	for (i = 0; i < 64; i++)
		if (CPU_ISSET(i, &s))
			mask |= 1UL << i;
	sched_getparam(pid, &sp);
	printf("nice=%ld nofile=%llu/%llu affinity=%lx policy=%d prio=%d ioprio=%ld pgid=%d sid=%d\n",
	       20 - sys_getprio(PRIO_PROCESS, pid), (unsigned long long)r.rlim_cur,
	       (unsigned long long)r.rlim_max, mask, sched_getscheduler(pid), sp.sched_priority,
	       sys_ioprio_get(IOPRIO_WHO_PROCESS, pid), getpgid(pid), getsid(pid));
	return 0;
}

static int pgrp(void)
{
	if (sys_setprio(PRIO_PGRP, 0, 5) || sys_ioprio_set(IOPRIO_WHO_PGRP, 0, IOPRIO_BE(6))) {
		perror("PRIO_PGRP 0");
		return 1;
	}
	if (sys_getprio(PRIO_PROCESS, 0) != 20 - 5 || sys_ioprio_get(IOPRIO_WHO_PROCESS, 0) != IOPRIO_BE(6)) {
		fprintf(stderr, "PRIO_PGRP 0 did not change the caller\n");
		return 1;
	}
	if (sys_setprio(PRIO_USER, 0, 6) || sys_ioprio_set(IOPRIO_WHO_USER, 0, IOPRIO_BE(5))) {
		perror("PRIO_USER 0");
		return 1;
	}
	if (sys_getprio(PRIO_PROCESS, 0) != 20 - 6 || sys_ioprio_get(IOPRIO_WHO_PROCESS, 0) != IOPRIO_BE(5)) {
		fprintf(stderr, "PRIO_USER 0 did not change the caller\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int prio(void)
{
	sys_setprio(PRIO_PROCESS, 0, 5);
	printf("self=%ld pgrp=%ld user=%ld\n", sys_getprio(PRIO_PROCESS, 0),
	       sys_getprio(PRIO_PGRP, 0), sys_getprio(PRIO_USER, 0));
	return 0;
}

static int zombie(void)
{
	char path[64];
	struct stat st;
	siginfo_t si;
	pid_t pid;
	long fd;

	ktap_begin("an exited, unreaped child is still in the caller's context");
	pid = fork();
	if (pid == 0)
		_exit(3);
	memset(&si, 0, sizeof(si));
	EXPECT_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), "waitid(WNOWAIT) sees it exit");
	EXPECT_OK(kill(pid, 0), "kill(zombie, 0) works");
	EXPECT(getpgid(pid) == getpgid(0), "getpgid(zombie) is the caller's group");
	snprintf(path, sizeof(path), "/proc/%d", pid);
	EXPECT_OK(stat(path, &st), "/proc/<zombie> exists");
	fd = sys_pidfd_open(pid);
	EXPECT_OK(fd, "pidfd_open(zombie) works");
	if (fd >= 0) {
		EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_getfd, fd, 0, 0), "pidfd_getfd(zombie): ESRCH (not EPERM)");
		EXPECT_OK(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0), "pidfd_send_signal(zombie, 0) works");
		close(fd);
	}
	EXPECT(waitpid(pid, NULL, 0) == pid, "waitpid reaps it");
	EXPECT_ERRNO(ESRCH, kill(pid, 0), "once reaped, kill: ESRCH");
	EXPECT_ERRNO(ESRCH, sys_pidfd_open(pid), "once reaped, pidfd_open: ESRCH");
	return ktap_end();
}

#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)
#endif

static int hold(pid_t pid, char **cmd)
{
	char num[24];
	long fd = sys_pidfd_open(pid);

	if (fd < 0 || fcntl(fd, F_SETFD, 0)) {
		perror("barrier_probe hold: pidfd_open");
		return 2;
	}
	snprintf(num, sizeof(num), "%ld", fd);
	setenv("PROBE_PIDFD", num, 1);
	execvp(cmd[0], cmd);
	perror("barrier_probe hold: exec");
	return 2;
}

/*
 * A pidfd does not make an outside process reachable: each call that
 * takes one ends where the same call by pid does (kill_pid_info_type and
 * security_task_kill for signals, security_ptrace_access_check for the
 * rest). The suite checks afterwards that PID is alive and unchanged.
 */
static int held(pid_t pid)
{
	const char *env = getenv("PROBE_PIDFD");
	struct iovec iov = { page, sizeof(page) };
	siginfo_t si;
	int fd;

	ktap_begin("through a pidfd held from before the context, an outside process");
	if (!env) {
		fprintf(stderr, "barrier_probe held: no $PROBE_PIDFD (run under hold)\n");
		return 2;
	}
	fd = atoi(env);
	EXPECT(fcntl(fd, F_GETFD) >= 0, "the pidfd is open in the context");
	EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0), "pidfd_send_signal(0): ESRCH");
	EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0),
		     "pidfd_send_signal(SIGKILL): ESRCH");
	EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, PIDFD_SIGNAL_THREAD),
		     "pidfd_send_signal(SIGKILL, THREAD): ESRCH");
	EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, PIDFD_SIGNAL_THREAD_GROUP),
		     "pidfd_send_signal(SIGKILL, THREAD_GROUP): ESRCH");
	/* kill_pgrp_info: the group's tasks outside are skipped (kill(-pgrp)). */
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, PIDFD_SIGNAL_PROCESS_GROUP);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGKILL;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	EXPECT_ERRNO(ESRCH, syscall(SYS_pidfd_send_signal, fd, SIGKILL, &si, 0),
		     "pidfd_send_signal(SIGKILL, SI_QUEUE info): ESRCH");
	EXPECT_ERRNO(ESRCH, syscall(SYS_rt_sigqueueinfo, pid, SIGKILL, &si), "rt_sigqueueinfo(SIGKILL): ESRCH");
	EXPECT(syscall(SYS_pidfd_getfd, fd, 0, 0) < 0, "pidfd_getfd: refused");
	EXPECT(syscall(SYS_process_madvise, fd, &iov, 1, MADV_COLD, 0) < 0, "process_madvise: refused");
	EXPECT_ERRNO(ESRCH, kill(pid, 0), "kill(pid, 0): ESRCH");
	return ktap_end();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "absent"))
		return absent(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "subtree"))
		return subtree();
	if (argc == 3 && !strcmp(argv[1], "state"))
		return state(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "pgrp"))
		return pgrp();
	if (argc == 2 && !strcmp(argv[1], "prio"))
		return prio();
	if (argc == 2 && !strcmp(argv[1], "zombie"))
		return zombie();
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), argv + 3);
	if (argc == 3 && !strcmp(argv[1], "held"))
		return held(atoi(argv[2]));
	fprintf(stderr, "usage: barrier_probe absent PID | subtree | state PID | pgrp | prio | zombie |\n"
			"       hold PID CMD... | held PID\n");
	return 2;
}
