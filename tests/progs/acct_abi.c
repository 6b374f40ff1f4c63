// SPDX-License-Identifier: GPL-2.0
/*
 * acct_abi: the accounting ioctls (STAT, SNAPSHOT, SET_LIMIT, CHECKPOINT)
 * and the extended WAIT probed with raw, bad input: sizes, unknown flags and
 * mask bits, non-zero padding and output fields, bad pointers, ERANGE with
 * the count needed, shorter entries, the checkpoint window and its limit,
 * privileges. Run as root in the root context with no context named "acct"
 * present; it leaves none behind.
 */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

/* A command with another size in its number (an older or newer struct). */
#define SIZED(dir, nr, size) _IOC((dir), VCTX_IOC_MAGIC, (nr), (size))

static int fd;
static void *noaccess;

static struct vctx_str S(const char *p)
{
	struct vctx_str s = { .ptr = (uintptr_t)p, .len = (__u32)strlen(p) };
	return s;
}

static int create(const char *path)
{
	struct vctx_create c = { .size = sizeof(c), .path = S(path) };

	return ioctl(fd, VCTX_IOC_CREATE, &c);
}

static int destroy(const char *path)
{
	struct vctx_destroy d = { .size = sizeof(d), .path = S(path) };

	return ioctl(fd, VCTX_IOC_DESTROY, &d);
}

static void stat_req(struct vctx_stat *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->path = S(path);
}

static struct vctx_snap_entry snap_buf[8];

static void snap_req(struct vctx_snapshot *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->path = S(path);
	s->entries = (uintptr_t)snap_buf;
	s->entry_size = sizeof(snap_buf[0]);
	s->capacity = 8;
}

static void limit_req(struct vctx_set_limit *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->path = S(path);
	l->mask = 1U << VCTX_RES_NPROC;
	l->limit[VCTX_RES_NPROC] = VCTX_LIMIT_NONE;
}

static void ckpt_req(struct vctx_checkpoint *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->path = S(path);
}

/* The common rules for one path-taking request: flags, pad, pointers, paths. */
static void common(const char *name, unsigned long cmd, void *req, size_t len, __u32 bad_flag)
{
	unsigned char saved[512];
	struct vctx_str *path = (void *)((char *)req + 8);
	char desc[160];

	memcpy(saved, req, len);
#define RESTORE() memcpy(req, saved, len)
	snprintf(desc, sizeof(desc), "%s as built is accepted (the control)", name);
	EXPECT_OK(ioctl(fd, cmd, req), desc);
	RESTORE();
	*(__u32 *)((char *)req + 4) |= bad_flag;
	snprintf(desc, sizeof(desc), "%s with an unknown flag or mask bit %#x: EINVAL", name, bad_flag);
	EXPECT_ERRNO(EINVAL, ioctl(fd, cmd, req), desc);
	RESTORE();
	*(__u32 *)req = len - 8;
	snprintf(desc, sizeof(desc), "%s with size != the ioctl's size: EINVAL", name);
	EXPECT_ERRNO(EINVAL, ioctl(fd, cmd, req), desc);
	RESTORE();
	path->__pad = 1;
	snprintf(desc, sizeof(desc), "%s with non-zero vctx_str.__pad: EINVAL", name);
	EXPECT_ERRNO(EINVAL, ioctl(fd, cmd, req), desc);
	RESTORE();
	path->ptr = (uintptr_t)noaccess;
	snprintf(desc, sizeof(desc), "%s with an unreadable path: EFAULT", name);
	EXPECT_ERRNO(EFAULT, ioctl(fd, cmd, req), desc);
	RESTORE();
	path->len = VCTX_PATH_MAX + 1;
	snprintf(desc, sizeof(desc), "%s with a path of 1025 bytes: ENAMETOOLONG", name);
	EXPECT_ERRNO(ENAMETOOLONG, ioctl(fd, cmd, req), desc);
	RESTORE();
	*path = S("/acct/none");
	snprintf(desc, sizeof(desc), "%s of a missing context: ENOENT", name);
	EXPECT_ERRNO(ENOENT, ioctl(fd, cmd, req), desc);
	RESTORE();
	*path = S("/acct//a");
	snprintf(desc, sizeof(desc), "%s of a malformed path: EINVAL", name);
	EXPECT_ERRNO(EINVAL, ioctl(fd, cmd, req), desc);
	RESTORE();
	snprintf(desc, sizeof(desc), "%s with a NULL argument: EFAULT", name);
	EXPECT_ERRNO(EFAULT, ioctl(fd, cmd, NULL), desc);
	{
		/* A longer struct with a non-zero tail: E2BIG; with a zero tail: fine. */
		unsigned char big[512 + 8];

		memset(big, 0, sizeof(big));
		memcpy(big, saved, len);
		*(__u32 *)big = len + 8;
		snprintf(desc, sizeof(desc), "%s as a longer struct with a zero tail: accepted", name);
		EXPECT_OK(ioctl(fd, SIZED(_IOC_DIR(cmd), _IOC_NR(cmd), len + 8), big), desc);
		memcpy(big, saved, len);
		*(__u32 *)big = len + 8;
		big[len + 7] = 1;
		snprintf(desc, sizeof(desc), "%s as a longer struct with a non-zero tail: E2BIG", name);
		EXPECT_ERRNO(E2BIG, ioctl(fd, SIZED(_IOC_DIR(cmd), _IOC_NR(cmd), len + 8), big), desc);
	}
#undef RESTORE
}

static void as_nobody(const char *what, int want, void (*fn)(void))
{
	pid_t c = fork();
	int st = -1;

	if (c == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(99);
		fn();
		_exit(errno == want ? 0 : errno ? errno : 98);
	}
	waitpid(c, &st, 0);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, what);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("    # child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void nobody_set_limit(void)
{
	struct vctx_set_limit l;

	limit_req(&l, "/acct");
	errno = 0;
	if (ioctl(fd, VCTX_IOC_SET_LIMIT, &l) == 0)
		errno = 0;
}

static void nobody_stat(void)
{
	struct vctx_stat s;
	struct vctx_snapshot sn;
	struct vctx_checkpoint c;

	stat_req(&s, "/acct");
	snap_req(&sn, "/acct");
	ckpt_req(&c, "/acct");
	errno = 0;
	if (ioctl(fd, VCTX_IOC_STAT, &s) || ioctl(fd, VCTX_IOC_SNAPSHOT, &sn) ||
	    ioctl(fd, VCTX_IOC_CHECKPOINT, &c))
		return;
	errno = 0;
}

int main(void)
{
	struct vctx_stat s;
	struct vctx_snapshot sn;
	struct vctx_set_limit l;
	struct vctx_checkpoint c;
	struct vctx_version v = { .size = sizeof(v) };

	ktap_begin("acct_abi");
	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	EXPECT(fd >= 0, "open /dev/vctx");
	if (fd < 0)
		return ktap_end();
	noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_OK(ioctl(fd, VCTX_IOC_VERSION, &v), "VERSION");
	EXPECT((v.features & (VCTX_FEAT_ACCOUNTING | VCTX_FEAT_LIMITS | VCTX_FEAT_EVENTS)) ==
	       (VCTX_FEAT_ACCOUNTING | VCTX_FEAT_LIMITS | VCTX_FEAT_EVENTS),
	       "VERSION reports ACCOUNTING, LIMITS and EVENTS");
	EXPECT_OK(create("/acct"), "setup: create /acct");
	EXPECT_OK(create("/acct/b"), "setup: create /acct/b");
	EXPECT_OK(create("/acct/a"), "setup: create /acct/a");
	EXPECT_OK(create("/acct/a/x"), "setup: create /acct/a/x");

	/* The common rules on each command. */
	stat_req(&s, "/acct");
	common("STAT", VCTX_IOC_STAT, &s, sizeof(s), 1U << 31);
	snap_req(&sn, "/acct");
	common("SNAPSHOT", VCTX_IOC_SNAPSHOT, &sn, sizeof(sn), 1U << 0);
	limit_req(&l, "/acct");
	common("SET_LIMIT", VCTX_IOC_SET_LIMIT, &l, sizeof(l), 1U << VCTX_RES_COUNT);
	ckpt_req(&c, "/acct");
	common("CHECKPOINT", VCTX_IOC_CHECKPOINT, &c, sizeof(c), 1U << 0);

	/* STAT: padding, output fields, the answer. */
	stat_req(&s, "/acct");
	s.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_STAT, &s), "STAT with non-zero __pad: EINVAL");
	stat_req(&s, "/acct");
	s.id = 3;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_STAT, &s), "STAT with non-zero output id: EINVAL");
	stat_req(&s, "/acct");
	s.subtree.forks = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_STAT, &s), "STAT with a non-zero output counter: EINVAL");
	stat_req(&s, "/acct");
	EXPECT_OK(ioctl(fd, VCTX_IOC_STAT, &s), "STAT /acct");
	EXPECT(s.now_ns >= s.created_ns && s.created_ns > 0 && s.id != 0 && s.self.processes == 0 &&
	       s.subtree.processes == 0 && s.last_pid == 0,
	       "STAT /acct: created before now, no processes, no last pid");
	EXPECT(s.limits[VCTX_RES_NPROC].limit == VCTX_LIMIT_NONE &&
	       s.limits[VCTX_RES_NTHREADS].limit == VCTX_LIMIT_NONE &&
	       s.limits[VCTX_RES_RSS].limit == VCTX_LIMIT_NONE,
	       "a new context's limits are all VCTX_LIMIT_NONE");
	stat_req(&s, "/");
	EXPECT_OK(ioctl(fd, VCTX_IOC_STAT, &s), "STAT / (the root)");
	EXPECT(s.id == VCTX_ROOT_ID && s.subtree.processes >= s.self.processes,
	       "STAT /: id 0, subtree processes >= its own");

	/* STAT_WINDOW and CHECKPOINT. */
	stat_req(&s, "/acct/b");
	s.flags = VCTX_STAT_WINDOW;
	EXPECT_ERRNO(ENODATA, ioctl(fd, VCTX_IOC_STAT, &s), "STAT WINDOW without a checkpoint: ENODATA");
	ckpt_req(&c, "/acct/b");
	c.id = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_CHECKPOINT, &c), "CHECKPOINT with non-zero output id: EINVAL");
	ckpt_req(&c, "/acct/b");
	EXPECT_OK(ioctl(fd, VCTX_IOC_CHECKPOINT, &c), "CHECKPOINT /acct/b");
	stat_req(&s, "/acct/b");
	s.flags = VCTX_STAT_WINDOW;
	EXPECT_OK(ioctl(fd, VCTX_IOC_STAT, &s), "then STAT WINDOW /acct/b works");
	EXPECT(c.id == s.id, "CHECKPOINT returned the context's id");
	{
		int other = open("/dev/vctx", O_RDWR | O_CLOEXEC);

		stat_req(&s, "/acct/b");
		s.flags = VCTX_STAT_WINDOW;
		EXPECT_ERRNO(ENODATA, ioctl(other, VCTX_IOC_STAT, &s),
			     "another open file has no checkpoint there: ENODATA");
		close(other);
	}
	{
		/* At most VCTX_CHECKPOINTS_MAX contexts per open file. */
		int f2 = open("/dev/vctx", O_RDWR | O_CLOEXEC), ok = 1, i;
		char p[64];

		for (i = 0; i < VCTX_CHECKPOINTS_MAX + 1; i++) {
			snprintf(p, sizeof(p), "/acct/b/k%d", i);
			ok &= create(p) == 0;
		}
		EXPECT(ok, "setup: 65 contexts /acct/b/k0..k64");
		for (i = 0; i < VCTX_CHECKPOINTS_MAX; i++) {
			snprintf(p, sizeof(p), "/acct/b/k%d", i);
			ckpt_req(&c, p);
			if (ioctl(f2, VCTX_IOC_CHECKPOINT, &c))
				break;
		}
		EXPECT(i == VCTX_CHECKPOINTS_MAX, "64 checkpoints on one open file");
		ckpt_req(&c, "/acct/b/k0");
		EXPECT_OK(ioctl(f2, VCTX_IOC_CHECKPOINT, &c), "restarting one of them takes no new slot");
		ckpt_req(&c, "/acct/b/k64");
		EXPECT_ERRNO(ENOSPC, ioctl(f2, VCTX_IOC_CHECKPOINT, &c), "a 65th: ENOSPC");
		ckpt_req(&c, "/acct/b/k64");
		EXPECT_OK(ioctl(fd, VCTX_IOC_CHECKPOINT, &c), "... while another open file still may");
		close(f2);
		ok = 1;
		for (i = 0; i < VCTX_CHECKPOINTS_MAX + 1; i++) {
			snprintf(p, sizeof(p), "/acct/b/k%d", i);
			ok &= destroy(p) == 0;
		}
		EXPECT(ok, "contexts with checkpoints on them are destroyed as usual");
	}

	/* SNAPSHOT: ERANGE, order, shorter entries, output fields. */
	snap_req(&sn, "/acct");
	sn.capacity = 1;
	memset(snap_buf, 0xAA, sizeof(snap_buf));
	EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT /acct into 1 entry: ERANGE");
	EXPECT(sn.count == 4, "ERANGE: count is the number needed (acct, a, x, b)");
	EXPECT(((unsigned char *)snap_buf)[0] == 0xAA, "ERANGE: nothing was written");
	snap_req(&sn, "/acct");
	sn.capacity = 0;
	sn.entries = 0;
	EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT with capacity 0 (asking the size): ERANGE");
	snap_req(&sn, "/acct");
	EXPECT_OK(ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT /acct");
	EXPECT(sn.count == 4 && sn.now_ns > 0 && snap_buf[0].depth == 0 &&
	       snap_buf[0].parent_id == VCTX_ID_NONE && !strcmp(snap_buf[0].name, "acct") &&
	       !strcmp(snap_buf[1].name, "a") && snap_buf[1].depth == 1 &&
	       !strcmp(snap_buf[2].name, "x") && snap_buf[2].depth == 2 &&
	       snap_buf[2].parent_id == snap_buf[1].id && !strcmp(snap_buf[3].name, "b"),
	       "SNAPSHOT is in pre-order, children by name (acct, a, x, b), root's parent NONE");
	snap_req(&sn, "/acct");
	sn.count = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT with non-zero output count: EINVAL");
	snap_req(&sn, "/acct");
	sn.now_ns = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT with non-zero output now_ns: EINVAL");
	snap_req(&sn, "/acct");
	sn.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT with non-zero __pad: EINVAL");
	snap_req(&sn, "/acct");
	sn.entries = (uintptr_t)noaccess;
	EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT into an unwritable array: EFAULT");
	snap_req(&sn, "/acct");
	sn.entry_size = offsetof(struct vctx_snap_entry, self);
	memset(snap_buf, 0xAA, sizeof(snap_buf));
	EXPECT_OK(ioctl(fd, VCTX_IOC_SNAPSHOT, &sn), "SNAPSHOT with a shorter entry_size");
	{
		struct vctx_snap_entry *e1 = (void *)((char *)snap_buf + sn.entry_size);
		unsigned char *end = (unsigned char *)snap_buf + 4 * sn.entry_size;

		EXPECT(!strcmp(e1->name, "a") && end[0] == 0xAA,
		       "shorter entries: packed at that stride, nothing written past them");
	}

	/* SET_LIMIT: mask and values. */
	limit_req(&l, "/acct/a");
	l.mask = 0;
	l.limit[VCTX_RES_NPROC] = 0;
	/* The header does not say whether an empty mask is refused: either way it changes nothing. */
	ioctl(fd, VCTX_IOC_SET_LIMIT, &l);
	stat_req(&s, "/acct/a");
	EXPECT(ioctl(fd, VCTX_IOC_STAT, &s) == 0 && s.limits[VCTX_RES_NPROC].limit == VCTX_LIMIT_NONE &&
	       s.limits[VCTX_RES_NTHREADS].limit == VCTX_LIMIT_NONE && s.limits[VCTX_RES_RSS].limit == VCTX_LIMIT_NONE,
	       "SET_LIMIT with an empty mask changes nothing");
	limit_req(&l, "/acct/a");
	l.limit[VCTX_RES_RSS] = 5;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT with a value outside the mask: EINVAL");
	limit_req(&l, "/acct/a");
	l.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT with non-zero __pad: EINVAL");
	limit_req(&l, "/acct/a");
	l.mask = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT with mask bit 31: EINVAL");
	limit_req(&l, "/acct/a");
	l.mask = (1U << VCTX_RES_NPROC) | (1U << VCTX_RES_RSS);
	l.limit[VCTX_RES_NPROC] = 7;
	l.limit[VCTX_RES_RSS] = 64 << 20;
	EXPECT_OK(ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT /acct/a nproc 7, rss 64M");
	limit_req(&l, "/acct/a");
	l.mask = 1U << VCTX_RES_NTHREADS;
	l.limit[VCTX_RES_NPROC] = 0;
	l.limit[VCTX_RES_NTHREADS] = 9;
	EXPECT_OK(ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT /acct/a nthreads 9 (mask: only that one)");
	stat_req(&s, "/acct/a");
	EXPECT_OK(ioctl(fd, VCTX_IOC_STAT, &s), "STAT /acct/a");
	EXPECT(s.limits[VCTX_RES_NPROC].limit == 7 && s.limits[VCTX_RES_NTHREADS].limit == 9 &&
	       s.limits[VCTX_RES_RSS].limit == 64 << 20,
	       "STAT shows the limits set, the others unchanged by a later mask");
	stat_req(&s, "/acct/a/x");
	EXPECT_OK(ioctl(fd, VCTX_IOC_STAT, &s), "STAT /acct/a/x");
	EXPECT(s.limits[VCTX_RES_NPROC].limit == VCTX_LIMIT_NONE, "a child keeps its own limits (max)");
	limit_req(&l, "/acct/a");
	l.mask = 7;
	l.limit[0] = l.limit[1] = l.limit[2] = VCTX_LIMIT_NONE;
	EXPECT_OK(ioctl(fd, VCTX_IOC_SET_LIMIT, &l), "SET_LIMIT all three back to max");

	/* Privileges. */
	as_nobody("SET_LIMIT as an unprivileged user: EPERM", EPERM, nobody_set_limit);
	as_nobody("STAT, SNAPSHOT and CHECKPOINT as an unprivileged user: allowed", 0, nobody_stat);

	/* WAIT: the old 56-byte struct still works; the new one has the record. */
	{
		unsigned char old[56];
		struct vctx_wait w;

		memset(old, 0, sizeof(old));
		memset(&w, 0, sizeof(w));
		w.size = sizeof(old);
		w.path = S("/acct/b");
		memcpy(old, &w, sizeof(old));
		EXPECT_OK(ioctl(fd, SIZED(_IOC_READ | _IOC_WRITE, 0x09, sizeof(old)), old), "WAIT with the pre-accounting 56-byte struct");
		memcpy(&w, old, sizeof(old));
		EXPECT(w.id != 0 && w.id != VCTX_ID_NONE, "... answers its id");
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.path = S("/acct/b");
		w.totals.forks = 1;
		EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_WAIT, &w), "WAIT with a non-zero output total: EINVAL");
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.path = S("/acct/b");
		EXPECT_OK(ioctl(fd, VCTX_IOC_WAIT, &w), "WAIT /acct/b (never had members)");
		EXPECT(w.totals.forks == 0 && w.totals.processes == 0 && w.limits[VCTX_RES_NPROC].peak == 0 &&
		       w.limits[VCTX_RES_NPROC].failures == 0, "its final record is all zero");
	}

	EXPECT(destroy("/acct/a/x") == 0 && destroy("/acct/a") == 0 && destroy("/acct/b") == 0 &&
	       destroy("/acct") == 0, "cleanup: destroy /acct and below");
	close(fd);
	return ktap_end();
}
