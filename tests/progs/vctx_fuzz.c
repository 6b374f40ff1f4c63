// SPDX-License-Identifier: GPL-2.0
/*
 * vctx_fuzz: a structure-aware fuzzer of /dev/vctx's ioctls, and the
 * invariants checked after it (Documentation/testing.rst, "The fuzzer").
 *
 *   vctx_fuzz run [-s SEED] [-n CALLS] [-p PROCS] [-t SECONDS]
 *   vctx_fuzz check      every live process in one context, counts = /proc
 *   vctx_fuzz cleanup    every context emptied and destroyed
 *
 * run: PROCS workers (default 8), half inside contexts of their own
 * (/fz/w<i>g<generation>, where anything goes, KILL of their own context
 * included) and half in the root context (whose mutating calls only name
 * contexts below /fz/r or /fz/w*, so that the fuzzer never kills the
 * guest's init), with fork/exec/exit and thread churn, until CALLS calls
 * are made. A worker that dies (its context killed, a signal) is
 * replaced, into a new context. Arguments are mostly well formed (the
 * real command numbers and sizes, flags within their masks) and then
 * mutated: random command numbers, short, long and huge sizes, size
 * fields that disagree, padding and reserved bits set, path strings from
 * a pool of good, hostile and malformed ones, pointers valid, NULL,
 * unmapped, read-only, crossing into an unmapped page, or kernel
 * addresses. Every process's sequence follows from the seed, which is
 * printed ("seed 0x..."; -s replays it; the interleaving of the
 * processes is the scheduler's). At the end every worker is stopped (not
 * killed) and the invariants are checked with the workers still in their
 * contexts, then they are killed. Output is KTAP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

#define MAXPROCS 32
#define NCMD 22
#define CGROUPS 3

/* ---- shared between all processes of a run ---- */
struct shared {
	volatile uint64_t calls;
	volatile uint64_t limit;
	volatile int stop;
	volatile uint32_t gen[MAXPROCS];	/* generation of inside worker i */
	volatile uint64_t ok[NCMD + 1], fail[NCMD + 1];
	volatile uint64_t forks, execs, threads, respawns, efault, reopen;
};
static struct shared *sh;

/* ---- random numbers: xorshift64*, one state per process/thread ---- */
static __thread uint64_t rs;
static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ULL;
}
static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static int chance(uint32_t n) { return below(n) == 0; }	/* 1 in n */
/* A clean call (half of them) is well formed throughout: no mutation. */
static __thread int clean;
#define MUT(n) (!clean && chance(n))

/* ---- memory: the places pointers point to ---- */
static unsigned char *buf;	/* 64 KiB, valid, read-write */
static unsigned char *edge;	/* a page followed by an inaccessible one */
static unsigned char *unmapped;	/* PROT_NONE */
static unsigned char *rdonly;	/* PROT_READ */
#define BUFSZ (64 * 1024)
#define PAGE 4096

static void mem_init(void)
{
	unsigned char *p;

	buf = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rdonly = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || p == MAP_FAILED || unmapped == MAP_FAILED || rdonly == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	/* PROT_NONE, not unmapped: a later mmap must not land in the hole. */
	mprotect(p + PAGE, PAGE, PROT_NONE);
	edge = p;
}

/* A pointer for an output array or buffer of @len bytes. */
static uint64_t some_ptr(unsigned char *good, size_t len)
{
	switch (clean ? 15 : below(16)) {
	case 0: return 0;
	case 1: return chance(2) ? (uint64_t)(uintptr_t)unmapped : 0x1000;	/* below mmap_min_addr */
	case 2: return (uint64_t)(uintptr_t)rdonly;
	case 3: return 0xffffffff81000000ULL;		/* kernel text */
	case 4: return 0xffff888000000000ULL;		/* direct map */
	case 5: return ~0ULL - below(64);
	case 6: /* crossing into the unmapped page */
		return (uint64_t)(uintptr_t)(edge + PAGE - (len > 1 ? below((uint32_t)len) + 1 : 1));
	case 7: return (uint64_t)(uintptr_t)good + 1 + below(7);	/* misaligned */
	default: return (uint64_t)(uintptr_t)good;
	}
}

/* ---- the path pool ---- */
static const char *names_good[] = { "a", "b", "web", "db", "x-1", "A.Z_9", "...", ".h", "unnamed1" };
static const char *paths_hostile[] = {
	"", "/", "//", "..", ".", "/..", "a/..", "a/../b", "./a", "a//b", "a/", "/a/", "a b",
	"a\tb", "caf\xc3\xa9", "\xff\xfe", "*", "a/*", "fz", "/fz", "w0g0", "-", "a/b/c/d",
	"unnamed0", "\x01", "a\\b",
};
static char *path_long;	/* 1024 bytes, valid names */
static char *path_toolong;	/* 1025 bytes */
static char *path_deep;	/* 33 levels */
static char *path_deep32;	/* 32 levels */
static char *name_64;		/* a 64-byte name */
static char *name_63;

static void pool_init(void)
{
	size_t i;
	char *p;

	path_long = malloc(2048);
	path_toolong = malloc(2048);
	for (i = 0; i < 1024; i++)
		path_long[i] = (i % 8 == 7) ? '/' : 'q';
	path_long[1023] = 'q';
	path_long[1024] = 0;
	memcpy(path_toolong, path_long, 1024);
	path_toolong[1024] = 'q';
	path_toolong[1025] = 0;
	path_deep = malloc(128);
	path_deep32 = malloc(128);
	p = path_deep;
	for (i = 0; i < 33; i++)
		p += sprintf(p, "%sd", i ? "/" : "");
	p = path_deep32;
	for (i = 0; i < 32; i++)
		p += sprintf(p, "%sd", i ? "/" : "");
	name_64 = malloc(80);
	memset(name_64, 'n', 64);
	name_64[64] = 0;
	name_63 = malloc(80);
	memset(name_63, 'n', 63);
	name_63[63] = 0;
}

/* A relative or absolute path from the pool into @out (NUL-terminated). */
static void pool_path(char *out, size_t max)
{
	const char *n1 = names_good[below(9)], *n2 = names_good[below(9)];

	if (clean) {
		/* Names that exist more often: the own context, four names. */
		n1 = names_good[below(4)];
		n2 = names_good[below(4)];
		switch (below(6)) {
		case 0: snprintf(out, max, "%s", chance(2) ? "/" : ""); return;
		case 1: snprintf(out, max, "%s/%s", n1, n2); return;
		case 2: snprintf(out, max, "/%s", n1); return;
		default: snprintf(out, max, "%s", n1); return;
		}
	}
	switch (below(14)) {
	case 0: case 1: case 2:
		snprintf(out, max, "%s", paths_hostile[below(sizeof(paths_hostile) / sizeof(*paths_hostile))]);
		break;
	case 3: snprintf(out, max, "%s", path_long); break;
	case 4: snprintf(out, max, "%s", path_toolong); break;
	case 5: snprintf(out, max, "%s", chance(2) ? path_deep : path_deep32); break;
	case 6: snprintf(out, max, "%s", chance(2) ? name_64 : name_63); break;
	case 7: { /* random bytes */
		size_t n = below(24), i;

		for (i = 0; i < n && i + 1 < max; i++)
			out[i] = (char)(below(2) ? "ab/._-"[below(6)] : (int)below(256));
		out[i] = 0;
		break;
	}
	case 8: case 9: snprintf(out, max, "%s/%s", n1, n2); break;
	case 10: snprintf(out, max, "/%s", n1); break;
	default: snprintf(out, max, "%s", n1); break;
	}
}

/* ---- the process's role ---- */
static int inside;	/* a worker inside a context of its own */
static int nprocs = 8;
static int vfd = -1, vfd_nb = -1;	/* /dev/vctx: blocking, O_NONBLOCK */
static int ns_fds[VCTX_NS_COUNT + 1];
static int cg_fds[CGROUPS];
static pid_t kids[4];

/*
 * A path for a call: the caller's own view for an inside worker (anything
 * goes); for a root worker mutating something, only below /fz/r or an
 * inside worker's /fz/w*, so it never names the root context or /fz.
 */
static void pick_path(char *out, size_t max, int mutating)
{
	char tail[1100];

	pool_path(tail, sizeof(tail));
	if (inside || (!mutating && chance(3))) {
		snprintf(out, max, "%s", tail);
		return;
	}
	{
		char base[64];
		unsigned w = below((uint32_t)nprocs);

		if (chance(2))
			snprintf(base, sizeof(base), "%sfz/r", chance(4) ? "" : "/");
		else
			snprintf(base, sizeof(base), "/fz/w%ug%u", w, sh->gen[w] - below(2));
		if (chance(3))
			snprintf(out, max, "%s", base);
		else
			snprintf(out, max, "%s/%s", base, tail);
	}
}

/* Fills a vctx_str with a path placed somewhere in memory. */
static void set_str(struct vctx_str *s, int mutating, unsigned char *where)
{
	char p[1300];
	size_t n;

	pick_path(p, sizeof(p), mutating);
	n = strlen(p);
	switch (clean ? 12 : below(12)) {
	case 0: /* at the end of the edge page: a longer len crosses into nothing */
		memcpy(edge + PAGE - n, p, n);
		s->ptr = (uint64_t)(uintptr_t)(edge + PAGE - n);
		s->len = (uint32_t)n + (chance(2) ? 1 + below(8) : 0);
		break;
	case 1:
		s->ptr = some_ptr(where, n);
		s->len = (uint32_t)n;
		break;
	case 2:
		memcpy(where, p, n);
		s->ptr = (uint64_t)(uintptr_t)where;
		s->len = (uint32_t)(chance(2) ? ~0U - below(4) : VCTX_PATH_MAX + below(3));
		break;
	default:
		memcpy(where, p, n);
		s->ptr = (uint64_t)(uintptr_t)where;
		s->len = (uint32_t)n;
	}
	s->__pad = MUT(40) ? (uint32_t)rnd() : 0;
}

/* A pid: the caller, a child, or invalid ones; inside: also small pids. */
static int32_t some_pid(int allow_self)
{
	switch (below(8)) {
	case 0: return -(int32_t)below(3) - 1;
	case 1: return INT32_MIN;
	case 2: return 4000000 + (int32_t)below(1000);	/* beyond pid_max */
	case 3: if (kids[0] > 0) return kids[below(4)] > 0 ? kids[below(4)] : kids[0];
		/* fall through */
	case 4: if (inside) return (int32_t)below(400) + 1;	/* anyone: outside ones invisible */
		/* fall through */
	default: return allow_self ? 0 : 4000000;
	}
}

static uint32_t some_sig(void)
{
	uint32_t s;

	switch (below(6)) {
	case 0: return 0;
	case 1: if (clean) return 0;
		return 65 + below(1000);	/* invalid */
	default:
		/* Stop signals would leave workers stopped for ever. */
		do
			s = below(65);
		while (s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU);
		return s;
	}
}

static uint64_t some_limit(void)
{
	switch (below(6)) {
	case 0: return VCTX_LIMIT_NONE;
	case 1: return 0;
	case 2: return rnd();
	case 3: return 1ULL << below(64);
	default: return below(64);
	}
}

static uint64_t some_caps(void)
{
	switch (below(5)) {
	case 0: return VCTX_CAPS_ALL;
	case 1: return rnd();
	case 2: return VCTX_CAPS_ALL & ~(1ULL << below(41));
	case 3: return 1ULL << below(64);
	default: return rnd() & VCTX_CAPS_ALL;
	}
}

static int some_fd(int *pool, int n)
{
	switch (below(6)) {
	case 0: return -1;
	case 1: return (int)below(1024);
	case 2: return vfd;
	default: return pool[below((uint32_t)n)];
	}
}

/* ---- the commands ---- */
struct cmd {
	const char *name;
	unsigned nr, dir, size, min;	/* min: the first version's size */
	int mutating;			/* restricted for root workers */
};

#define RW (_IOC_READ | _IOC_WRITE)
#define W _IOC_WRITE
static const struct cmd cmds[NCMD] = {
	{ "VERSION", 0x00, RW, sizeof(struct vctx_version), sizeof(struct vctx_version), 0 },
	{ "CREATE", 0x01, RW, sizeof(struct vctx_create), offsetof(struct vctx_create, caps), 1 },
	{ "DESTROY", 0x02, W, sizeof(struct vctx_destroy), sizeof(struct vctx_destroy), 0 },
	{ "RENAME", 0x03, W, sizeof(struct vctx_rename), sizeof(struct vctx_rename), 1 },
	{ "LIST", 0x04, RW, sizeof(struct vctx_list), sizeof(struct vctx_list), 0 },
	{ "INFO", 0x05, RW, sizeof(struct vctx_info),
	  offsetof(struct vctx_info, entry) + offsetof(struct vctx_entry, caps), 0 },
	{ "ENTER", 0x06, W, sizeof(struct vctx_enter), sizeof(struct vctx_enter), 1 },
	{ "PIDS", 0x07, RW, sizeof(struct vctx_pids), sizeof(struct vctx_pids), 0 },
	{ "KILL", 0x08, RW, sizeof(struct vctx_kill), sizeof(struct vctx_kill), 1 },
	{ "WAIT", 0x09, RW, sizeof(struct vctx_wait), offsetof(struct vctx_wait, totals), 0 },
	{ "STAT", 0x0A, RW, sizeof(struct vctx_stat), sizeof(struct vctx_stat), 0 },
	{ "SNAPSHOT", 0x0B, RW, sizeof(struct vctx_snapshot), sizeof(struct vctx_snapshot), 0 },
	{ "SET_LIMIT", 0x0C, W, sizeof(struct vctx_set_limit), sizeof(struct vctx_set_limit), 1 },
	{ "CHECKPOINT", 0x0D, RW, sizeof(struct vctx_checkpoint), sizeof(struct vctx_checkpoint), 0 },
	{ "SET_FLAGS", 0x10, RW, sizeof(struct vctx_set_flags), sizeof(struct vctx_set_flags), 1 },
	{ "SEAL", 0x11, RW, sizeof(struct vctx_seal), sizeof(struct vctx_seal), 1 },
	{ "NS_SET", 0x12, W, sizeof(struct vctx_ns_set), sizeof(struct vctx_ns_set), 0 },
	{ "NS_GET", 0x13, RW, sizeof(struct vctx_ns_get), sizeof(struct vctx_ns_get), 0 },
	{ "NS_OPEN", 0x14, RW, sizeof(struct vctx_ns_open), sizeof(struct vctx_ns_open), 0 },
	{ "SET_CAPS", 0x20, RW, sizeof(struct vctx_set_caps), sizeof(struct vctx_set_caps), 1 },
	{ "CGROUP_SET", 0x30, W, sizeof(struct vctx_cgroup_set), sizeof(struct vctx_cgroup_set), 1 },
	{ "CGROUP_GET", 0x31, RW, sizeof(struct vctx_cgroup_get), sizeof(struct vctx_cgroup_get), 0 },
};

/* Output array space: after the argument struct in buf. */
#define ARR (buf + 8192)
#define STR (buf + 4096)

static uint32_t some_entry_size(uint32_t real)
{
	switch (clean ? 9 : below(10)) {
	case 0: return 0;
	case 1: return 8 * below(8) + 8;
	case 2: return real + 8 * below(4);
	case 3: return 4096 + 8;
	case 4: return real - 1;
	default: return real;
	}
}

static uint32_t some_cap(void) { return chance(4) ? below(4) : (chance(2) ? 40 : ~0U - below(2)); }

/* Builds a well-formed (mostly) argument of command @c at @a. */
static void build(int c, unsigned char *a)
{
	memset(a, 0, 4096);
	switch (c) {
	case 0: break;
	case 1: {
		struct vctx_create *r = (void *)a;

		r->flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_CREATE_FLAGS));
		r->ctx_flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_CTX_SETTABLE));
		if (r->flags & VCTX_CREATE_CAPS || MUT(10))
			r->caps = some_caps();
		set_str(&r->path, 1, STR);
		if (MUT(30))
			r->id = rnd();
		if (MUT(30))
			r->name[below(64)] = 'x';
		break;
	}
	case 2: {
		struct vctx_destroy *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		break;
	}
	case 3: {
		struct vctx_rename *r = (void *)a;
		char p[80];

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		if (chance(3))
			pool_path(p, sizeof(p));
		else
			snprintf(p, sizeof(p), "%s%u", names_good[below(9)], below(4));
		memcpy(r->new_name, p, strlen(p) > 64 ? 64 : strlen(p));
		if (MUT(10))
			r->new_name[63] = 'z';	/* no NUL */
		if (MUT(10))
			r->new_name[strlen(p) + 1 < 64 ? strlen(p) + 1 : 63] = 'y';	/* junk after the NUL */
		break;
	}
	case 4: case 7: case 11: {
		/* LIST, PIDS, SNAPSHOT share the shape up to count. */
		struct vctx_list *r = (void *)a;
		uint32_t real = c == 4 ? sizeof(struct vctx_entry) :
				c == 7 ? sizeof(struct vctx_pid_entry) : sizeof(struct vctx_snap_entry);

		r->flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_LIST_FLAGS));
		if (c == 11)
			r->flags = MUT(8) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		r->entry_size = some_entry_size(real);
		r->capacity = some_cap();
		r->entries = some_ptr(ARR, (size_t)r->entry_size * 4);
		if (r->capacity > 40 && r->entries == (uint64_t)(uintptr_t)ARR && r->entry_size * (uint64_t)r->capacity > BUFSZ - 8192)
			r->capacity = (BUFSZ - 8192) / (r->entry_size ? r->entry_size : 1);
		if (MUT(30))
			r->count = (uint32_t)rnd();
		if (MUT(30))
			r->__pad = 1;
		break;
	}
	case 5: {
		struct vctx_info *r = (void *)a;

		r->flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_INFO_FLAGS));
		if (r->flags & VCTX_INFO_BY_PID) {
			r->pid = some_pid(1);
			if (MUT(10))
				set_str(&r->path, 0, STR);
		} else {
			set_str(&r->path, 0, STR);
			if (MUT(10))
				r->pid = some_pid(1);
		}
		r->path_buf_len = chance(3) ? below(8) : 1100;
		r->path_buf = chance(4) ? 0 : some_ptr(ARR, r->path_buf_len);
		if (MUT(30))
			r->entry.id = 1;
		break;
	}
	case 6: {
		struct vctx_enter *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		/* A root worker moves only its children (or nobody), never itself. */
		r->pid = some_pid(inside);
		break;
	}
	case 8: {
		struct vctx_kill *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		r->signal = some_sig();
		if (chance(2)) {
			r->then_signal = some_sig();
			r->grace_ms = MUT(10) ? rnd() % 200 : rnd() % 30;
		}
		if (MUT(30))
			r->signalled = 1;
		/* Inside, the own context ("/"): mostly a probe, sometimes real. */
		break;
	}
	case 9: {
		struct vctx_wait *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		r->timeout_ms = rnd() % 20;
		if (MUT(30))
			r->reason = 1;
		break;
	}
	case 10: {
		struct vctx_stat *r = (void *)a;

		r->flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_STAT_FLAGS));
		set_str(&r->path, 0, STR);
		if (MUT(30))
			r->self.forks = 1;
		break;
	}
	case 12: {
		struct vctx_set_limit *r = (void *)a;
		int i;

		r->mask = (uint32_t)(MUT(8) ? rnd() : (rnd() & 7));
		set_str(&r->path, 1, STR);
		for (i = 0; i < VCTX_RES_COUNT; i++)
			if (r->mask & (1U << i) || MUT(20))
				r->limit[i] = some_limit();
		/* Keep forks possible most of the time. */
		if ((r->mask & 3) && r->limit[0] < 4 && !chance(4))
			r->limit[0] = VCTX_LIMIT_NONE;
		if ((r->mask & 3) && r->limit[1] < 4 && !chance(4))
			r->limit[1] = VCTX_LIMIT_NONE;
		if (MUT(30))
			r->__pad = 1;
		break;
	}
	case 13: {
		struct vctx_checkpoint *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		break;
	}
	case 14: {
		struct vctx_set_flags *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		r->set = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_CTX_SETTABLE));
		r->clear = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_CTX_SETTABLE & ~r->set));
		break;
	}
	case 15: {
		struct vctx_seal *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		break;
	}
	case 16: {
		struct vctx_ns_set *r = (void *)a;
		int i;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		/* Root workers: any path (the root holds none: EPERM), else
		 * below /fz. */
		set_str(&r->path, !chance(4), STR);
		r->mask = (uint32_t)(MUT(8) ? rnd() : (1U << below(VCTX_NS_COUNT)) | (rnd() & VCTX_NS_ALL & rnd()));
		for (i = 0; i < VCTX_NS_COUNT; i++)
			if (r->mask & (1U << i) || MUT(20))
				r->fds[i] = chance(3) ? ns_fds[i] : some_fd(ns_fds, VCTX_NS_COUNT + 1);
		break;
	}
	case 17: {
		struct vctx_ns_get *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		if (MUT(30))
			r->ino[3] = 1;
		break;
	}
	case 18: {
		struct vctx_ns_open *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		r->type = MUT(8) ? (uint32_t)rnd() : below(VCTX_NS_COUNT + 1);
		if (MUT(30))
			r->fd = 5;
		break;
	}
	case 19: {
		struct vctx_set_caps *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 1, STR);
		r->caps = some_caps();
		/* Keep CAP_SYS_ADMIN most of the time. */
		if (!chance(4))
			r->caps |= 1ULL << 21;
		break;
	}
	case 20: {
		struct vctx_cgroup_set *r = (void *)a;

		r->flags = (uint32_t)(MUT(8) ? rnd() : (rnd() & VCTX_CGROUP_SET_FLAGS));
		set_str(&r->path, 1, STR);
		r->fd = (r->flags & VCTX_CGROUP_CLEAR) && chance(2) ? -1 : some_fd(cg_fds, CGROUPS);
		break;
	}
	case 21: {
		struct vctx_cgroup_get *r = (void *)a;

		r->flags = MUT(10) ? (uint32_t)rnd() : 0;
		set_str(&r->path, 0, STR);
		r->path_buf_len = chance(3) ? below(8) : 1100;
		r->path_buf = chance(4) ? 0 : some_ptr(ARR, r->path_buf_len);
		break;
	}
	}
}

/* Root workers never KILL what resolves to the root or /fz, except /fz
 * itself now and then (all inside workers at once). */
static int root_kill_ok(const struct vctx_kill *k)
{
	const char *p = (const char *)(uintptr_t)k->path.ptr;

	if (k->path.ptr != (uint64_t)(uintptr_t)STR && k->path.ptr < (uint64_t)(uintptr_t)edge)
		return 1;	/* a bad pointer: EFAULT */
	if ((unsigned char *)p != STR && !((unsigned char *)p >= edge && (unsigned char *)p < edge + PAGE))
		return 1;
	return k->path.len >= 5 && (!memcmp(p, "/fz/r", 5) || !memcmp(p, "/fz/w", 5) ||
				    !memcmp(p, "fz/r", 4));
}

/* Is @nr the number of a command root workers restrict? */
static int mutating_nr(unsigned nr)
{
	int i;

	for (i = 0; i < NCMD; i++)
		if (cmds[i].nr == nr)
			return cmds[i].mutating || nr == 0x12;
	return 0;
}

/* One call: build, mutate, issue. Returns the command index. */
static int one_call(void)
{
	unsigned char *a = buf;
	int c = (int)below(NCMD);
	const struct cmd *cm = &cmds[c];
	unsigned size = cm->size, dir = cm->dir, nr = cm->nr;
	unsigned long req;
	void *argp;
	long r;

	clean = chance(2);
	build(c, a);
	*(uint32_t *)a = size;
	switch (clean ? 23 : below(24)) {
	case 0: size = cm->min; *(uint32_t *)a = size; break;	/* the first version */
	case 1: size += 8; *(uint32_t *)a = size; break;	/* longer, zero tail */
	case 2: size += 8; *(uint32_t *)a = size; a[size - 1 - below(8)] = (unsigned char)(rnd() | 1); break;
	case 3: size = below(16) * 8; *(uint32_t *)a = size; break;	/* short */
	case 4: *(uint32_t *)a = (uint32_t)rnd(); break;	/* disagreeing size field */
	case 5: size = 4096 - below(4) * 8; *(uint32_t *)a = size; break;	/* long */
	case 6: size = (1U << 14) - 1; *(uint32_t *)a = size; break;	/* huge */
	case 7: a[4 + below(size > 4 ? size - 4 : 1)] ^= (unsigned char)(1U << below(8)); break;
	case 8: nr = below(0x40); break;	/* another number, this size */
	case 9: dir = below(4); break;
	default: break;
	}
	if (!inside && cm->mutating && nr == cm->nr && c == 8 &&
	    !root_kill_ok((struct vctx_kill *)a))
		return -1;
	if (!inside && nr != cm->nr && mutating_nr(nr))
		return -1;	/* a random number could be KILL with any path */
	req = _IOC(dir, VCTX_IOC_MAGIC, nr, size);
	switch (clean ? 19 : below(20)) {
	case 0: argp = NULL; break;
	case 1: argp = unmapped; break;
	case 2: argp = (void *)0xffffffff81000000UL; break;
	case 3: /* the struct crosses into the unmapped page */
		/* A random size (up to 16 KiB) must not start it before the edge page. */
		argp = edge + PAGE - (size > 8 ? (size / 2 < PAGE ? size / 2 : PAGE) : 4);
		memcpy(argp, a, (size_t)(edge + PAGE - (unsigned char *)argp));
		break;
	case 4: argp = rdonly; break;
	default: argp = a; break;
	}
	if (!inside && c == 8 && argp != a && argp != NULL && argp != unmapped &&
	    argp != (void *)0xffffffff81000000UL)
		return -1;	/* the copy might be a KILL we did not vet */
	r = ioctl(chance(8) ? vfd_nb : vfd, req, argp);
	__atomic_add_fetch(&sh->calls, 1, __ATOMIC_RELAXED);
	if (r == 0) {
		__atomic_add_fetch(&sh->ok[c], 1, __ATOMIC_RELAXED);
		if (c == 18 && nr == cm->nr && argp == a) {
			int fd = ((struct vctx_ns_open *)a)->fd;

			if (fd > 2 && fd != vfd && fd != vfd_nb)
				close(fd);
		}
	} else {
		__atomic_add_fetch(&sh->fail[c], 1, __ATOMIC_RELAXED);
		if (errno == EFAULT)
			__atomic_add_fetch(&sh->efault, 1, __ATOMIC_RELAXED);
	}
	return c;
}

/* Other file operations: read and poll events, reopen the device. */
static void other_call(void)
{
	static unsigned char ev[sizeof(struct vctx_event) * 4];
	struct pollfd p = { .fd = vfd_nb, .events = POLLIN };

	switch (below(4)) {
	case 0: {
		size_t n = chance(3) ? below(sizeof(ev)) : sizeof(struct vctx_event) * (1 + below(4));

		if (read(vfd_nb, chance(10) ? (void *)unmapped : ev, n) < 0 && errno == EFAULT)
			__atomic_add_fetch(&sh->efault, 1, __ATOMIC_RELAXED);
		break;
	}
	case 1:
		poll(&p, 1, 0);
		break;
	case 2:
		if (poll(&p, 1, 0) == 1)
			(void)!read(vfd, ev, sizeof(ev));
		break;
	default: {
		/* Reopen: the release path, with whatever checkpoints it held. */
		int fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, vfd);
			close(fd);
			__atomic_add_fetch(&sh->reopen, 1, __ATOMIC_RELAXED);
		}
	}
	}
	__atomic_add_fetch(&sh->calls, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->ok[NCMD], 1, __ATOMIC_RELAXED);
}

static int done(void)
{
	return sh->stop || sh->calls >= sh->limit;
}

static void *thread_main(void *arg)
{
	int i, n = (int)(uintptr_t)arg;

	rs = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ULL + 1;
	for (i = 0; i < n && !done(); i++)
		(void)one_call();
	return NULL;
}

static void reap_kids(int block)
{
	int i;

	for (i = 0; i < 4; i++)
		if (kids[i] > 0 && waitpid(kids[i], NULL, block ? 0 : WNOHANG) == kids[i])
			kids[i] = 0;
}

/* Fork/exit churn: a child makes a few calls (or execs, or exits at once). */
static void churn(void)
{
	int i, slot = -1;
	pid_t p;
	uint64_t seed = rnd();

	reap_kids(0);
	for (i = 0; i < 4; i++)
		if (kids[i] <= 0)
			slot = i;
	if (slot < 0)
		return;
	p = fork();
	if (p < 0)
		return;
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		rs = seed | 1;
		memset(kids, 0, sizeof(kids));
		switch (below(4)) {
		case 0: _exit(0);
		case 1:
			__atomic_add_fetch(&sh->execs, 1, __ATOMIC_RELAXED);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		case 2:
			usleep(1000 * below(50));
			_exit(0);
		default:
			for (i = (int)below(20); i > 0 && !done(); i--)
				(void)one_call();
			_exit(0);
		}
	}
	kids[slot] = p;
	__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
}

static void worker_loop(void)
{
	while (!done()) {
		uint32_t what = below(100);

		if (what < 2)
			churn();
		else if (what < 3) {
			pthread_t t;

			if (pthread_create(&t, NULL, thread_main, (void *)(uintptr_t)(1 + below(20))) == 0) {
				pthread_join(t, NULL);
				__atomic_add_fetch(&sh->threads, 1, __ATOMIC_RELAXED);
			}
		} else if (what < 6)
			other_call();
		else if (what == 6 && inside && chance(50)) {
			/* reboot(2) inside ends the context (VCTX_FEAT_REBOOT). */
			struct vctx_info in;

			memset(&in, 0, sizeof(in));
			in.size = sizeof(in);
			in.flags = VCTX_INFO_BY_PID;
			if (ioctl(vfd, VCTX_IOC_INFO, &in) == 0 && in.entry.id != 0 &&
			    in.entry.parent_id == VCTX_ID_NONE)
				/* Only where this worker is in a context of its own. */
				reboot(chance(2) ? RB_AUTOBOOT : RB_HALT_SYSTEM);
		} else
			(void)one_call();
	}
	reap_kids(1);
}

static int open_dev(int flags)
{
	int fd = open("/dev/vctx", O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		perror("open /dev/vctx");
		exit(2);
	}
	return fd;
}

/* A simple ioctl on a path, for the supervisor and the checks. */
static int path_ioctl(int fd, unsigned long req, void *arg, struct vctx_str *s, const char *path)
{
	s->ptr = (uint64_t)(uintptr_t)path;
	s->len = (uint32_t)strlen(path);
	return ioctl(fd, req, arg);
}

static int create_ctx(int fd, const char *path)
{
	struct vctx_create c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = VCTX_CREATE_PARENTS | VCTX_CREATE_EXIST_OK;
	return path_ioctl(fd, VCTX_IOC_CREATE, &c, &c.path, path);
}

static void open_pools(void)
{
	static const char *ns[VCTX_NS_COUNT] = { "uts", "ipc", "pid_for_children", "net", "mnt",
						  "user", "cgroup", "time_for_children" };
	char p[64];
	int i;

	for (i = 0; i < VCTX_NS_COUNT; i++) {
		snprintf(p, sizeof(p), "/proc/self/ns/%s", ns[i]);
		ns_fds[i] = open(p, O_RDONLY | O_CLOEXEC);
	}
	ns_fds[VCTX_NS_COUNT] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < CGROUPS; i++) {
		snprintf(p, sizeof(p), "/sys/fs/cgroup/vctx/fz%d", i);
		mkdir(p, 0755);
		cg_fds[i] = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
}

/* Starts worker @i (a new generation of it). */
static pid_t spawn(int i, uint64_t seed)
{
	pid_t p;
	uint32_t gen = __atomic_add_fetch(&sh->gen[i], 1, __ATOMIC_RELAXED);

	p = fork();
	if (p != 0)
		return p;
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rs = (seed ^ ((uint64_t)i * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)gen << 40)) | 1;
	inside = i < nprocs / 2;
	vfd = open_dev(0);
	vfd_nb = open_dev(O_NONBLOCK);
	if (inside) {
		char path[64];
		struct vctx_enter e;
		int tries;

		snprintf(path, sizeof(path), "/fz/w%dg%u", i, gen);
		for (tries = 0; tries < 200; tries++) {
			if (create_ctx(vfd, path) == 0) {
				memset(&e, 0, sizeof(e));
				e.size = sizeof(e);
				if (path_ioctl(vfd, VCTX_IOC_ENTER, &e, &e.path, path) == 0)
					break;
			}
			/* /fz being killed, limited, renamed by a root worker: retry. */
			usleep(5000);
		}
		if (tries == 200)
			_exit(3);
	}
	worker_loop();
	_exit(0);
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* /fz stays usable for the supervisor: no limits, all capabilities. */
static void fz_reset(int fd)
{
	struct vctx_set_limit l;
	struct vctx_set_flags f;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.mask = 7;
	l.limit[0] = l.limit[1] = l.limit[2] = VCTX_LIMIT_NONE;
	path_ioctl(fd, VCTX_IOC_SET_LIMIT, &l, &l.path, "/fz");
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.clear = VCTX_CTX_EPHEMERAL;
	path_ioctl(fd, VCTX_IOC_SET_FLAGS, &f, &f.path, "/fz");
}

static int check_main(int fd);

static int run_main(uint64_t seed, uint64_t calls, int seconds)
{
	pid_t pids[MAXPROCS];
	uint64_t t0 = now_ms(), last = 0;
	int i, fd, status, rc;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset((void *)sh, 0, sizeof(*sh));
	sh->limit = calls;
	printf("# seed 0x%llx calls %llu procs %d (replay: vctx_fuzz run -s 0x%llx -n %llu -p %d)\n",
	       (unsigned long long)seed, (unsigned long long)calls, nprocs,
	       (unsigned long long)seed, (unsigned long long)calls, nprocs);
	fflush(stdout);
	fd = open_dev(0);
	if (create_ctx(fd, "/fz/r") != 0) {
		perror("create /fz/r");
		return 2;
	}
	for (i = 0; i < nprocs; i++)
		pids[i] = spawn(i, seed);
	while (!done()) {
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p <= 0) {
			usleep(20000);
			if (now_ms() - t0 > (uint64_t)seconds * 1000) {
				printf("# time limit of %d s reached\n", seconds);
				sh->stop = 1;
			}
			if (sh->calls - last >= 100000 || (last == 0 && sh->calls > 0 && now_ms() - t0 > 10000)) {
				last = sh->calls;
				printf("# %llu calls, %llu s\n", (unsigned long long)last,
				       (unsigned long long)((now_ms() - t0) / 1000));
				fflush(stdout);
			}
			continue;
		}
		for (i = 0; i < nprocs; i++)
			if (pids[i] == p)
				break;
		if (i == nprocs)
			continue;	/* an orphan reparented to us */
		if (done())
			break;
		fz_reset(fd);
		create_ctx(fd, "/fz/r");
		pids[i] = spawn(i, seed);
		sh->respawns++;
	}
	sh->stop = 1;
	/*
	 * Stop every worker family where it is, give the last calls time to
	 * return, and check the invariants with them still in their contexts.
	 */
	usleep(300000);
	for (i = 0; i < nprocs; i++)
		kill(-pids[i], SIGSTOP);
	usleep(300000);
	printf("# %llu calls in %llu ms: %llu forks, %llu execs, %llu threads, %llu workers replaced, "
	       "%llu EFAULT, %llu reopens\n",
	       (unsigned long long)sh->calls, (unsigned long long)(now_ms() - t0),
	       (unsigned long long)sh->forks, (unsigned long long)sh->execs,
	       (unsigned long long)sh->threads, (unsigned long long)sh->respawns,
	       (unsigned long long)sh->efault, (unsigned long long)sh->reopen);
	for (i = 0; i < NCMD; i++)
		printf("#   %-10s ok %8llu  failed %8llu\n", cmds[i].name,
		       (unsigned long long)sh->ok[i], (unsigned long long)sh->fail[i]);
	printf("#   read/poll/reopen %llu\n", (unsigned long long)sh->ok[NCMD]);
	fflush(stdout);
	rc = check_main(fd);
	for (i = 0; i < nprocs; i++) {
		kill(-pids[i], SIGKILL);
		kill(-pids[i], SIGCONT);
	}
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	return rc;
}

/* ---- invariants ---- */

struct proc_info { int pid; int threads; int zombie; };

/* The live processes of /proc, sorted by pid; zombies marked. */
static int read_proc(struct proc_info *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char p[64], line[256];
		FILE *f;
		int pid = atoi(e->d_name);

		if (pid <= 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%d/status", pid);
		f = fopen(p, "r");
		if (!f)
			continue;
		out[n].pid = pid;
		out[n].threads = 0;
		out[n].zombie = 0;
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "State:", 6) && (strchr(line, 'Z') || strchr(line, 'X')))
				out[n].zombie = 1;
			if (!strncmp(line, "Threads:", 8))
				out[n].threads = atoi(line + 8);
		}
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

static int find_proc(struct proc_info *ps, int n, int pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (ps[i].pid == pid)
			return i;
	return -1;
}

#define MAXP 8192
#define MAXC 8192
static struct proc_info procs[MAXP], procs2[MAXP];
static struct vctx_pid_entry pents[MAXP];
static struct vctx_entry cents[MAXC];
static struct vctx_snap_entry sents[MAXC];
static char cpaths[MAXC][VCTX_PATH_MAX + 1];

static int get_list(int fd)
{
	struct vctx_list l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.flags = VCTX_LIST_RECURSIVE;
	l.entries = (uint64_t)(uintptr_t)cents;
	l.entry_size = sizeof(cents[0]);
	l.capacity = MAXC;
	if (path_ioctl(fd, VCTX_IOC_LIST, &l, &l.path, "/") != 0)
		return -1;
	return (int)l.count;
}

/* Paths of the listed contexts, from their names and depths (pre-order). */
static void list_paths(int n)
{
	int i, d;
	int stack[VCTX_DEPTH_MAX + 2];

	for (i = 0; i < n; i++) {
		d = (int)cents[i].depth;
		stack[d] = i;
		if (d == 0)
			strcpy(cpaths[i], "/");
		else
			snprintf(cpaths[i], sizeof(cpaths[i]), "%s%s%s", cpaths[stack[d - 1]],
				 d > 1 ? "/" : "", cents[i].name);
	}
}

/* One consistent comparison; returns the number of disagreements. */
static int compare_once(int fd, int report)
{
	struct vctx_pids pr;
	int np, np2, nc, i, j, bad = 0;

	np = read_proc(procs, MAXP);
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	pr.flags = VCTX_LIST_RECURSIVE;
	pr.entries = (uint64_t)(uintptr_t)pents;
	pr.entry_size = sizeof(pents[0]);
	pr.capacity = MAXP;
	if (path_ioctl(fd, VCTX_IOC_PIDS, &pr, &pr.path, "/") != 0) {
		if (report)
			printf("    # PIDS /: %s\n", strerror(errno));
		return 1;
	}
	nc = get_list(fd);
	np2 = read_proc(procs2, MAXP);
	if (nc < 0)
		return 1;

	/* Every member is live in /proc, once. */
	for (i = 0; i < (int)pr.count; i++) {
		int k = find_proc(procs, np, pents[i].pid), k2 = find_proc(procs2, np2, pents[i].pid);

		if (k < 0 && k2 < 0) {
			bad++;
			if (report)
				printf("    # member %d (context %llu) is not in /proc\n", pents[i].pid,
				       (unsigned long long)pents[i].ctx_id);
		}
		for (j = 0; j < i; j++)
			if (pents[j].pid == pents[i].pid) {
				bad++;
				if (report)
					printf("    # pid %d listed twice\n", pents[i].pid);
			}
		if (k >= 0 && k2 >= 0 && !procs[k].zombie && procs[k].threads == procs2[k2].threads &&
		    (int)pents[i].nr_threads != procs[k].threads) {
			bad++;
			if (report)
				printf("    # pid %d: %u threads listed, /proc says %d\n", pents[i].pid,
				       pents[i].nr_threads, procs[k].threads);
		}
	}
	/* Every live process is a member of the context INFO says (the root: not listed). */
	for (i = 0; i < np; i++) {
		struct vctx_info in;
		int listed = -1;

		if (procs[i].zombie || find_proc(procs2, np2, procs[i].pid) < 0)
			continue;
		for (j = 0; j < (int)pr.count; j++)
			if (pents[j].pid == procs[i].pid)
				listed = j;
		memset(&in, 0, sizeof(in));
		in.size = sizeof(in);
		in.flags = VCTX_INFO_BY_PID;
		in.pid = procs[i].pid;
		if (ioctl(fd, VCTX_IOC_INFO, &in) != 0) {
			if (errno == ESRCH)
				continue;	/* exited in between */
			bad++;
			if (report)
				printf("    # INFO of pid %d: %s\n", procs[i].pid, strerror(errno));
			continue;
		}
		if (in.entry.id == VCTX_ROOT_ID ? listed >= 0 : (listed < 0 || pents[listed].ctx_id != in.entry.id)) {
			bad++;
			if (report)
				printf("    # pid %d: INFO says context %llu, PIDS says %lld\n", procs[i].pid,
				       (unsigned long long)in.entry.id,
				       listed < 0 ? -1LL : (long long)pents[listed].ctx_id);
		}
	}
	/* Counts per context equal the members found. */
	for (i = 0; i < nc; i++) {
		uint32_t p = 0, t = 0, sub = 0;

		if (cents[i].id == VCTX_ROOT_ID)
			continue;
		for (j = 0; j < (int)pr.count; j++)
			if (pents[j].ctx_id == cents[i].id) {
				int k = find_proc(procs, np, pents[j].pid);

				p++;
				t += k >= 0 ? (uint32_t)procs[k].threads : pents[j].nr_threads;
			}
		/* Subtree: this entry and the following deeper ones. */
		for (j = i; j < nc && (j == i || cents[j].depth > cents[i].depth); j++)
			sub += cents[j].nr_processes;
		if (cents[i].nr_processes != p || cents[i].nr_threads != t || cents[i].subtree_processes != sub) {
			bad++;
			if (report)
				printf("    # context %llu (%s): %u processes, %u threads, subtree %u listed; "
				       "found %u, %u, %u\n",
				       (unsigned long long)cents[i].id, cents[i].name, cents[i].nr_processes,
				       cents[i].nr_threads, cents[i].subtree_processes, p, t, sub);
		}
	}
	return bad;
}

static int check_main(int fd)
{
	int i, n, bad = 0, tries, nc;
	struct vctx_snapshot s;

	ktap_begin("fuzz_invariants");
	for (tries = 0; tries < 10; tries++) {
		if (compare_once(fd, 0) == 0)
			break;
		usleep(200000);
	}
	bad = compare_once(fd, 1);
	ktap_result(bad == 0, "every live process is in exactly one context, counts equal /proc");
	if (tries)
		printf("    # consistent after %d retries\n", tries);

	/* STAT and SNAPSHOT agree with LIST (everything is stopped). */
	nc = get_list(fd);
	list_paths(nc > 0 ? nc : 0);
	bad = nc <= 0;
	for (i = 0; i < nc; i++) {
		struct vctx_stat st;

		memset(&st, 0, sizeof(st));
		st.size = sizeof(st);
		if (path_ioctl(fd, VCTX_IOC_STAT, &st, &st.path, cpaths[i]) != 0) {
			if (errno == ENOENT)
				continue;	/* an ephemeral one went */
			bad++;
			printf("    # STAT %s: %s\n", cpaths[i], strerror(errno));
			continue;
		}
		if (cents[i].id != 0 && (st.id != cents[i].id || st.self.processes != cents[i].nr_processes ||
					 st.self.threads != cents[i].nr_threads ||
					 st.subtree.processes != cents[i].subtree_processes)) {
			bad++;
			printf("    # STAT %s: id %llu processes %llu threads %llu subtree %llu; LIST: %llu %u %u %u\n",
			       cpaths[i], (unsigned long long)st.id, (unsigned long long)st.self.processes,
			       (unsigned long long)st.self.threads, (unsigned long long)st.subtree.processes,
			       (unsigned long long)cents[i].id, cents[i].nr_processes, cents[i].nr_threads,
			       cents[i].subtree_processes);
		}
	}
	ktap_result(bad == 0, "STAT of every context agrees with LIST");
	printf("    # %d contexts\n", nc);

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.entries = (uint64_t)(uintptr_t)sents;
	s.entry_size = sizeof(sents[0]);
	s.capacity = MAXC;
	bad = path_ioctl(fd, VCTX_IOC_SNAPSHOT, &s, &s.path, "/") != 0 || (int)s.count != nc;
	for (i = 0, n = 0; !bad && i < (int)s.count; i++)
		if (sents[i].id != cents[i].id || (sents[i].id != 0 &&
		    (sents[i].self.processes != cents[i].nr_processes ||
		     sents[i].subtree.processes != cents[i].subtree_processes)))
			n++;
	ktap_result(!bad && n == 0, "SNAPSHOT agrees with LIST");
	if (bad || n)
		printf("    # snapshot: %u entries (LIST %d), %d differ: %s\n", s.count, nc, n, strerror(errno));
	return ktap_end();
}

/* Every context: killed, waited for, destroyed (deepest first). */
static int cleanup_main(int fd)
{
	int n, i, bad = 0, round;

	ktap_begin("fuzz_cleanup");
	n = get_list(fd);
	list_paths(n > 0 ? n : 0);
	printf("    # %d contexts before\n", n);
	for (i = 1; i < n; i++) {
		struct vctx_kill k;
		struct vctx_wait w;

		memset(&k, 0, sizeof(k));
		k.size = sizeof(k);
		k.signal = SIGKILL;
		if (path_ioctl(fd, VCTX_IOC_KILL, &k, &k.path, cpaths[i]) != 0 && errno != ENOENT) {
			bad++;
			printf("    # KILL %s: %s\n", cpaths[i], strerror(errno));
		}
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.timeout_ms = 10000;
		if (path_ioctl(fd, VCTX_IOC_WAIT, &w, &w.path, cpaths[i]) != 0 && errno != ENOENT) {
			bad++;
			printf("    # WAIT %s: %s\n", cpaths[i], strerror(errno));
		}
	}
	ktap_result(n > 0 && bad == 0, "every context is emptied (KILL, WAIT)");
	bad = 0;
	for (round = 0; round < 3; round++) {
		n = get_list(fd);
		list_paths(n > 0 ? n : 0);
		for (i = n - 1; i > 0; i--) {
			struct vctx_destroy d;

			memset(&d, 0, sizeof(d));
			d.size = sizeof(d);
			if (path_ioctl(fd, VCTX_IOC_DESTROY, &d, &d.path, cpaths[i]) != 0 && errno != ENOENT &&
			    round == 2) {
				bad++;
				printf("    # DESTROY %s: %s\n", cpaths[i], strerror(errno));
			}
		}
	}
	n = get_list(fd);
	ktap_result(bad == 0 && n == 1, "every context is destroyed: only the root is left");
	if (n != 1)
		printf("    # %d contexts left\n", n);
	for (i = 0; i < CGROUPS; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/sys/fs/cgroup/vctx/fz%d", i);
		if (rmdir(p) != 0 && errno != ENOENT)
			bad++, printf("    # rmdir %s: %s\n", p, strerror(errno));
	}
	ktap_result(bad == 0, "the fuzzer's cgroups are removed");
	return ktap_end();
}

int main(int argc, char **argv)
{
	uint64_t seed = 0, calls = 20000;
	int seconds = 1200, opt, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: vctx_fuzz run [-s SEED] [-n CALLS] [-p PROCS] [-t SECONDS] | check | cleanup\n");
		return 2;
	}
	if (!strcmp(argv[1], "check") || !strcmp(argv[1], "cleanup")) {
		fd = open_dev(0);
		return !strcmp(argv[1], "check") ? check_main(fd) : cleanup_main(fd);
	}
	if (strcmp(argv[1], "run"))
		return 2;
	optind = 2;
	while ((opt = getopt(argc, argv, "s:n:p:t:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': calls = strtoull(optarg, NULL, 0); break;
		case 'p': nprocs = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		default: return 2;
		}
	}
	if (nprocs < 2 || nprocs > MAXPROCS)
		return 2;
	if (!seed) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		seed = ((uint64_t)t.tv_nsec << 20) ^ (uint64_t)t.tv_sec ^ (uint64_t)getpid();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	mem_init();
	pool_init();
	open_pools();
	signal(SIGPIPE, SIG_IGN);
	return run_main(seed, calls, seconds);
}
