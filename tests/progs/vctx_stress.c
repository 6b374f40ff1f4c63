// SPDX-License-Identifier: GPL-2.0
/*
 * vctx_stress: load at scale (make stress, tests/stress.sh).
 *
 *   vctx_stress [-c CONTEXTS] [-f STORMS] [-o OPERATORS] [-t SECONDS] [-s SEED]
 *
 * Creates CONTEXTS contexts (/s/c0 ... default 1000), some with nproc
 * limits, then for SECONDS (default 120): STORMS processes (default 16),
 * each in a context of its own choosing, fork storms (children that fork
 * again and exit, against the limits); OPERATORS root processes (default
 * 6) create and destroy subcontexts, rename contexts back and forth, move
 * sleepers in, set limits, kill with escalation (TERM, then KILL after a
 * grace), read STAT, SNAPSHOT of the whole tree, LIST, PIDS; one process
 * reads the event stream. A storm process whose context is killed is
 * replaced. At the end everything is stopped in place and
 * "vctx_fuzz check" judges the invariants; then all are killed. Prints
 * the figures as KTAP diagnostics; exits with the check's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vctx.h"

struct shared {
	volatile int stop;
	volatile uint64_t forks, fork_fail, ops, op_fail, kills, escalated, signalled, events, lost;
	volatile uint64_t snapshots, snap_entries_max, respawns;
};
static struct shared *sh;
static int ncontexts = 1000;
static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ULL;
}
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static int dev(void)
{
	int fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("open /dev/vctx");
		exit(2);
	}
	return fd;
}

static int pio(int fd, unsigned long req, void *arg, struct vctx_str *s, const char *path)
{
	s->ptr = (uint64_t)(uintptr_t)path;
	s->len = (uint32_t)strlen(path);
	return ioctl(fd, req, arg);
}

static int create(int fd, const char *path, uint32_t ctx_flags)
{
	struct vctx_create c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = VCTX_CREATE_PARENTS | VCTX_CREATE_EXIST_OK;
	c.ctx_flags = ctx_flags;
	return pio(fd, VCTX_IOC_CREATE, &c, &c.path, path);
}

static int set_nproc(int fd, const char *path, uint64_t n)
{
	struct vctx_set_limit l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.mask = 1U << VCTX_RES_NPROC;
	l.limit[VCTX_RES_NPROC] = n;
	return pio(fd, VCTX_IOC_SET_LIMIT, &l, &l.path, path);
}

static int enter(int fd, const char *path, int pid)
{
	struct vctx_enter e;

	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.pid = pid;
	return pio(fd, VCTX_IOC_ENTER, &e, &e.path, path);
}

static void ctx_path(char *out, size_t n, uint32_t i)
{
	snprintf(out, n, "/s/c%u", i);
}

/* A fork storm in a context: children fork grandchildren, all exit. */
static void storm(int fd)
{
	char p[64];
	int i;

	ctx_path(p, sizeof(p), below((uint32_t)ncontexts));
	if (enter(fd, p, 0) != 0)
		_exit(3);
	close(fd);
	while (!sh->stop) {
		pid_t k[8];

		for (i = 0; i < 8; i++) {
			k[i] = fork();
			if (k[i] == 0) {
				pid_t g = fork();

				if (g == 0)
					_exit(0);
				if (g > 0)
					waitpid(g, NULL, 0);
				_exit(0);
			}
			if (k[i] > 0)
				__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
			else
				__atomic_add_fetch(&sh->fork_fail, 1, __ATOMIC_RELAXED);
		}
		for (i = 0; i < 8; i++)
			if (k[i] > 0)
				waitpid(k[i], NULL, 0);
	}
	_exit(0);
}

static struct vctx_snap_entry *snap;

static void operator(int fd)
{
	char p[64], q[80];
	int r = 0;

	snap = malloc(sizeof(*snap) * (size_t)(ncontexts * 3 + 64));
	while (!sh->stop) {
		uint32_t c = below((uint32_t)ncontexts);

		ctx_path(p, sizeof(p), c);
		switch (below(10)) {
		case 0: { /* a subcontext, created and destroyed */
			struct vctx_destroy d;

			snprintf(q, sizeof(q), "%s/sub%u", p, below(4));
			r = create(fd, q, below(2) ? VCTX_CTX_EPHEMERAL : 0);
			memset(&d, 0, sizeof(d));
			d.size = sizeof(d);
			if (below(2))
				r |= pio(fd, VCTX_IOC_DESTROY, &d, &d.path, q);
			break;
		}
		case 1: { /* rename there and back */
			struct vctx_rename rn;

			memset(&rn, 0, sizeof(rn));
			rn.size = sizeof(rn);
			snprintf(rn.new_name, sizeof(rn.new_name), "c%u-r", c);
			r = pio(fd, VCTX_IOC_RENAME, &rn, &rn.path, p);
			if (r == 0) {
				snprintf(q, sizeof(q), "/s/c%u-r", c);
				snprintf(rn.new_name, sizeof(rn.new_name), "c%u", c);
				r = pio(fd, VCTX_IOC_RENAME, &rn, &rn.path, q);
			}
			break;
		}
		case 2: { /* move a sleeper in */
			pid_t k = fork();

			if (k == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				usleep(1000 * (20 + below(200)));
				_exit(0);
			}
			r = k > 0 ? enter(fd, p, k) : -1;
			break;
		}
		case 3:
			r = set_nproc(fd, p, below(4) ? 8 + below(64) : VCTX_LIMIT_NONE);
			break;
		case 4: { /* kill with escalation */
			struct vctx_kill k;

			memset(&k, 0, sizeof(k));
			k.size = sizeof(k);
			k.signal = SIGTERM;
			k.then_signal = SIGKILL;
			k.grace_ms = 20 + below(80);
			r = pio(fd, VCTX_IOC_KILL, &k, &k.path, p);
			if (r == 0) {
				__atomic_add_fetch(&sh->kills, 1, __ATOMIC_RELAXED);
				__atomic_add_fetch(&sh->signalled, k.signalled, __ATOMIC_RELAXED);
				__atomic_add_fetch(&sh->escalated, k.escalated, __ATOMIC_RELAXED);
			}
			break;
		}
		case 5: {
			struct vctx_stat st;

			memset(&st, 0, sizeof(st));
			st.size = sizeof(st);
			r = pio(fd, VCTX_IOC_STAT, &st, &st.path, below(4) ? p : "/s");
			break;
		}
		case 6: {
			struct vctx_snapshot s;

			memset(&s, 0, sizeof(s));
			s.size = sizeof(s);
			s.entries = (uint64_t)(uintptr_t)snap;
			s.entry_size = sizeof(*snap);
			s.capacity = (uint32_t)(ncontexts * 3 + 64);
			r = pio(fd, VCTX_IOC_SNAPSHOT, &s, &s.path, "/s");
			if (r == 0) {
				__atomic_add_fetch(&sh->snapshots, 1, __ATOMIC_RELAXED);
				if (s.count > sh->snap_entries_max)
					sh->snap_entries_max = s.count;
			}
			break;
		}
		case 7: {
			static struct vctx_entry e[64];
			struct vctx_list l;

			memset(&l, 0, sizeof(l));
			l.size = sizeof(l);
			l.entries = (uint64_t)(uintptr_t)e;
			l.entry_size = sizeof(e[0]);
			l.capacity = 64;
			r = pio(fd, VCTX_IOC_LIST, &l, &l.path, p);
			break;
		}
		case 8: {
			static struct vctx_pid_entry e[4096];
			struct vctx_pids l;

			memset(&l, 0, sizeof(l));
			l.size = sizeof(l);
			l.flags = VCTX_LIST_RECURSIVE;
			l.entries = (uint64_t)(uintptr_t)e;
			l.entry_size = sizeof(e[0]);
			l.capacity = 4096;
			r = pio(fd, VCTX_IOC_PIDS, &l, &l.path, below(4) ? p : "/s");
			break;
		}
		default: {
			struct vctx_wait w;

			memset(&w, 0, sizeof(w));
			w.size = sizeof(w);
			w.timeout_ms = below(10);
			r = pio(fd, VCTX_IOC_WAIT, &w, &w.path, p);
			if (r != 0 && errno == ETIMEDOUT)
				r = 0;
		}
		}
		__atomic_add_fetch(&sh->ops, 1, __ATOMIC_RELAXED);
		if (r != 0)
			__atomic_add_fetch(&sh->op_fail, 1, __ATOMIC_RELAXED);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	while (wait(NULL) > 0)
		;
	_exit(0);
}

static void events(int fd)
{
	struct vctx_event ev[64];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (!sh->stop) {
		ssize_t n;
		size_t i;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = read(fd, ev, sizeof(ev));
		for (i = 0; n > 0 && i < (size_t)n / sizeof(ev[0]); i++) {
			__atomic_add_fetch(&sh->events, 1, __ATOMIC_RELAXED);
			if (ev[i].type == VCTX_EVENT_OVERFLOW)
				__atomic_add_fetch(&sh->lost, ev[i].lost, __ATOMIC_RELAXED);
		}
	}
	_exit(0);
}

static pid_t start(void (*fn)(int), uint64_t seed)
{
	pid_t p = fork();

	if (p == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		rs = seed | 1;
		fn(dev());
	}
	return p;
}

int main(int argc, char **argv)
{
	int storms = 16, ops = 6, seconds = 120, opt, i, fd, status, rc;
	uint64_t seed = (uint64_t)time(NULL), t0;
	pid_t pids[256];
	int n;

	while ((opt = getopt(argc, argv, "c:f:o:t:s:")) != -1) {
		switch (opt) {
		case 'c': ncontexts = atoi(optarg); break;
		case 'f': storms = atoi(optarg); break;
		case 'o': ops = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (ncontexts < 1 || storms + ops + 1 > 256)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset((void *)sh, 0, sizeof(*sh));
	rs = seed | 1;
	fd = dev();
	t0 = now_ms();
	for (i = 0; i < ncontexts; i++) {
		char p[64];

		ctx_path(p, sizeof(p), (uint32_t)i);
		if (create(fd, p, 0) != 0) {
			printf("# create %s: %s\n", p, strerror(errno));
			return 1;
		}
		if (i % 3 == 0)
			set_nproc(fd, p, 16 + below(48));
	}
	printf("# seed 0x%llx: %d contexts created in %llu ms\n", (unsigned long long)seed, ncontexts,
	       (unsigned long long)(now_ms() - t0));
	t0 = now_ms();
	n = 0;
	for (i = 0; i < storms; i++)
		pids[n++] = start(storm, rnd());
	for (i = 0; i < ops; i++)
		pids[n++] = start(operator, rnd());
	pids[n++] = start(events, rnd());
	while (now_ms() - t0 < (uint64_t)seconds * 1000) {
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p <= 0) {
			usleep(50000);
			continue;
		}
		/* A storm process killed with its context: another one. */
		for (i = 0; i < storms; i++)
			if (pids[i] == p) {
				pids[i] = start(storm, rnd());
				sh->respawns++;
			}
	}
	sh->stop = 1;
	/* The operators finish their call; the storms are stopped in place. */
	for (i = 0; i < storms; i++)
		kill(-pids[i], SIGSTOP);
	for (i = storms; i < n; i++)
		waitpid(pids[i], NULL, 0);
	usleep(300000);
	printf("# %d s: %llu forks (%llu refused), %llu operations (%llu failed), %llu kills "
	       "(%llu signalled, %llu escalated), %llu snapshots (up to %llu entries), %llu events "
	       "(%llu lost), %llu storm processes replaced\n", seconds,
	       (unsigned long long)sh->forks, (unsigned long long)sh->fork_fail,
	       (unsigned long long)sh->ops, (unsigned long long)sh->op_fail,
	       (unsigned long long)sh->kills, (unsigned long long)sh->signalled,
	       (unsigned long long)sh->escalated, (unsigned long long)sh->snapshots,
	       (unsigned long long)sh->snap_entries_max, (unsigned long long)sh->events,
	       (unsigned long long)sh->lost, (unsigned long long)sh->respawns);
	rc = system("/vctx/bin/vctx_fuzz check");
	for (i = 0; i < storms; i++) {
		kill(-pids[i], SIGKILL);
		kill(-pids[i], SIGCONT);
	}
	while (wait(NULL) > 0)
		;
	return rc == 0 ? 0 : 1;
}
