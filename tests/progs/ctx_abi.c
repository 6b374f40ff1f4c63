// SPDX-License-Identifier: GPL-2.0
/*
 * ctx_abi: the context ioctls of /dev/vctx probed with raw, bad input:
 * unknown flags, padding, bad pointers, long and malformed paths and
 * names, buffers too small (ERANGE with the size needed), bad signals,
 * waiting on one's own context. Run as root in the root context, with no
 * context named "abi", "z" or "A..." present; it leaves none behind.
 * "ctx_abi missing-pid" runs only the requests naming a missing pid.
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

static int fd;
/* Above any pid_max (4194304): a pid that cannot exist. */
#define MISSING_PID 0x3fffff00

static struct vctx_str mkstr(const void *p, size_t len)
{
	struct vctx_str s = { .ptr = (uintptr_t)p, .len = (__u32)len };
	return s;
}

static struct vctx_str S(const char *p)
{
	return mkstr(p, strlen(p));
}

static int create(struct vctx_str path, __u32 flags, __u64 *id)
{
	struct vctx_create c = { .size = sizeof(c), .flags = flags, .path = path };
	int r = ioctl(fd, VCTX_IOC_CREATE, &c);

	if (r == 0 && id)
		*id = c.id;
	return r;
}

static int destroy(const char *path)
{
	struct vctx_destroy d = { .size = sizeof(d), .path = S(path) };

	return ioctl(fd, VCTX_IOC_DESTROY, &d);
}

/* RENAME with exactly @len bytes of @name in new_name (the rest zero). */
static int rename_raw(const char *path, const char *name, size_t len)
{
	struct vctx_rename r = { .size = sizeof(r), .path = S(path) };

	memcpy(r.new_name, name, len);
	return ioctl(fd, VCTX_IOC_RENAME, &r);
}

static int info(struct vctx_str path, struct vctx_info *out, char *buf, __u32 buflen)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->path = path;
	out->path_buf = (uintptr_t)buf;
	out->path_buf_len = buflen;
	return ioctl(fd, VCTX_IOC_INFO, out);
}

static int info_pid(int pid, struct vctx_info *out, char *buf, __u32 buflen)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->flags = VCTX_INFO_BY_PID;
	out->pid = pid;
	out->path_buf = (uintptr_t)buf;
	out->path_buf_len = buflen;
	return ioctl(fd, VCTX_IOC_INFO, out);
}

static __u64 id_of(const char *path)
{
	struct vctx_info in;

	return info(S(path), &in, NULL, 0) == 0 ? in.entry.id : VCTX_ID_NONE;
}

static int enter(const char *path, int pid)
{
	struct vctx_enter e = { .size = sizeof(e), .path = S(path), .pid = pid };

	return ioctl(fd, VCTX_IOC_ENTER, &e);
}

static int wait_ctx(const char *path, __u64 timeout_ms, struct vctx_wait *out)
{
	struct vctx_wait w = { .size = sizeof(w), .path = S(path), .timeout_ms = timeout_ms };
	int r = ioctl(fd, VCTX_IOC_WAIT, &w);

	if (out)
		*out = w;
	return r;
}

/*
 * One request of each path-taking command, valid and harmless as built
 * (every struct has flags at offset 4 and its path at offset 8), so a test
 * can break exactly one thing in it.
 */
enum { C_CREATE, C_DESTROY, C_RENAME, C_LIST, C_INFO, C_ENTER, C_PIDS, C_KILL, C_WAIT, C_N };
static const char *const cmd_name[C_N] = {
	"CREATE", "DESTROY", "RENAME", "LIST", "INFO", "ENTER", "PIDS", "KILL", "WAIT",
};

union req {
	struct vctx_create create;
	struct vctx_destroy destroy;
	struct vctx_rename rename;
	struct vctx_list list;
	struct vctx_info info;
	struct vctx_enter enter;
	struct vctx_pids pids;
	struct vctx_kill kill;
	struct vctx_wait wait;
	unsigned char raw[512];
};

static struct vctx_entry list_buf[64];
static struct vctx_pid_entry pids_buf[64];
static int sleeper;	/* a child process in /abi/c1 */

static unsigned long build(int c, union req *r)
{
	memset(r, 0, sizeof(*r));
	switch (c) {
	case C_CREATE:
		r->create.size = sizeof(r->create);
		r->create.path = S("/abi/new");
		return VCTX_IOC_CREATE;
	case C_DESTROY:
		r->destroy.size = sizeof(r->destroy);
		r->destroy.path = S("/abi/d");
		return VCTX_IOC_DESTROY;
	case C_RENAME:
		r->rename.size = sizeof(r->rename);
		r->rename.path = S("/abi/c2");
		strcpy(r->rename.new_name, "c2");
		return VCTX_IOC_RENAME;
	case C_LIST:
		r->list.size = sizeof(r->list);
		r->list.path = S("/abi");
		r->list.entries = (uintptr_t)list_buf;
		r->list.entry_size = sizeof(list_buf[0]);
		r->list.capacity = 64;
		return VCTX_IOC_LIST;
	case C_INFO:
		r->info.size = sizeof(r->info);
		r->info.path = S("/abi");
		return VCTX_IOC_INFO;
	case C_ENTER:
		/* Moves the sleeper to where it is already: a no-op. */
		r->enter.size = sizeof(r->enter);
		r->enter.path = S("/abi/c1");
		r->enter.pid = sleeper;
		return VCTX_IOC_ENTER;
	case C_PIDS:
		r->pids.size = sizeof(r->pids);
		r->pids.path = S("/abi");
		r->pids.entries = (uintptr_t)pids_buf;
		r->pids.entry_size = sizeof(pids_buf[0]);
		r->pids.capacity = 64;
		return VCTX_IOC_PIDS;
	case C_KILL:
		r->kill.size = sizeof(r->kill);
		r->kill.path = S("/abi/c2");	/* empty, and signal 0 only probes */
		return VCTX_IOC_KILL;
	case C_WAIT:
		r->wait.size = sizeof(r->wait);
		r->wait.path = S("/abi/c2");	/* empty: returns at once */
		return VCTX_IOC_WAIT;
	}
	abort();
}

#define FLAGS(r) (*(__u32 *)((r)->raw + 4))
#define PATH(r) (*(struct vctx_str *)((r)->raw + 8))

static void each_cmd(int want, const char *what, void (*tweak)(int c, union req *r))
{
	char desc[160];
	union req r;

	for (int c = 0; c < C_N; c++) {
		unsigned long nr = build(c, &r);

		tweak(c, &r);
		snprintf(desc, sizeof(desc), "%s with %s: %s", cmd_name[c], what, strerror(want));
		EXPECT_ERRNO(want, ioctl(fd, nr, &r), desc);
	}
}

static void t_flags(int c, union req *r) { (void)c; FLAGS(r) |= 1U << 31; }
static void t_str_pad(int c, union req *r) { (void)c; PATH(r).__pad = 1; }
static void *noaccess;
static void t_bad_ptr(int c, union req *r) { (void)c; PATH(r).ptr = (uintptr_t)noaccess; }
static char longpath[2048];
static void t_long(int c, union req *r) { (void)c; PATH(r) = mkstr(longpath, VCTX_PATH_MAX + 1); }
static void t_dslash(int c, union req *r) { (void)c; PATH(r) = S("/abi//c1"); }

/*
 * "ctx_abi missing-pid": only the requests naming a pid that does not
 * exist, apart because they have crashed the kernel (run them last).
 */
static int missing_pid(void)
{
	struct vctx_info in;

	ktap_begin("ctx_abi_missing_pid");
	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	EXPECT(fd >= 0, "open /dev/vctx");
	if (fd < 0)
		return ktap_end();
	EXPECT_ERRNO(ESRCH, info_pid(MISSING_PID, &in, NULL, 0), "INFO BY_PID of a missing pid: ESRCH");
	EXPECT_ERRNO(ESRCH, enter("/", MISSING_PID), "ENTER a missing pid: ESRCH");
	close(fd);
	return ktap_end();
}

int main(int argc, char **argv)
{
	struct vctx_info in;
	char buf[2048], name[128];
	union req r;
	__u64 c1, c2;

	if (argc > 1 && !strcmp(argv[1], "missing-pid"))
		return missing_pid();
	ktap_begin("ctx_abi");
	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	EXPECT(fd >= 0, "open /dev/vctx");
	if (fd < 0)
		return ktap_end();
	noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* The tree: /abi/{c1/g, c2, d}, and a sleeping child in /abi/c1. */
	EXPECT_OK(create(S("/abi"), 0, NULL), "setup: create /abi");
	EXPECT_OK(create(S("/abi/c1"), 0, &c1), "setup: create /abi/c1");
	EXPECT_OK(create(S("/abi/c2"), 0, &c2), "setup: create /abi/c2");
	EXPECT_OK(create(S("/abi/d"), 0, NULL), "setup: create /abi/d");
	EXPECT_OK(create(S("/abi/c1/g"), 0, NULL), "setup: create /abi/c1/g");
	sleeper = fork();
	if (sleeper == 0) {
		for (;;)
			pause();
	}
	EXPECT_OK(enter("/abi/c1", sleeper), "setup: move a child process into /abi/c1");

	/* Every request as built is valid (the control of what follows). */
	for (int c = 0; c < C_N; c++) {
		unsigned long nr = build(c, &r);

		snprintf(name, sizeof(name), "%s as built is accepted (the control)", cmd_name[c]);
		EXPECT_OK(ioctl(fd, nr, &r), name);
	}
	EXPECT_OK(create(S("/abi/d"), 0, NULL), "recreate /abi/d (the DESTROY control removed it)");
	EXPECT_OK(destroy("/abi/new"), "destroy /abi/new (the CREATE control made it)");

	/* Unknown flags, padding, bad pointers, long paths, on every command. */
	each_cmd(EINVAL, "an unknown flag", t_flags);
	each_cmd(EINVAL, "non-zero vctx_str.__pad", t_str_pad);
	each_cmd(EFAULT, "an unreadable path pointer", t_bad_ptr);
	memset(longpath, 'a', sizeof(longpath));
	for (int i = 0; i < (int)sizeof(longpath); i += 32)
		longpath[i] = '/';
	each_cmd(ENAMETOOLONG, "a path of 1025 bytes", t_long);
	each_cmd(EINVAL, "an empty path component (/abi//c1)", t_dslash);
	EXPECT(id_of("/abi/d") != VCTX_ID_NONE && id_of("/abi/new") == VCTX_ID_NONE,
	       "the refused requests changed nothing (/abi/d there, /abi/new not)");

	build(C_CREATE, &r);
	r.create.path = mkstr(NULL, 4);
	EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_CREATE, &r), "CREATE with a NULL path pointer: EFAULT");
	build(C_CREATE, &r);
	r.create.ctx_flags = 1U << 30;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_CREATE, &r), "CREATE with an unknown ctx_flags bit: EINVAL");
	destroy("/abi/new");	/* in case it was not refused */
	build(C_CREATE, &r);
	r.create.ctx_flags = VCTX_CTX_KILLING;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_CREATE, &r), "CREATE with read-only ctx_flags KILLING: EINVAL");
	build(C_CREATE, &r);
	r.create.id = 5;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_CREATE, &r), "CREATE with non-zero output id: EINVAL");

	/* The struct padding of the commands that have one. */
	build(C_CREATE, &r);
	r.create.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_CREATE, &r), "CREATE with non-zero __pad: EINVAL");
	build(C_LIST, &r);
	r.list.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_LIST, &r), "LIST with non-zero __pad: EINVAL");
	build(C_INFO, &r);
	r.info.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_INFO, &r), "INFO with non-zero __pad: EINVAL");
	build(C_ENTER, &r);
	r.enter.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_ENTER, &r), "ENTER with non-zero __pad: EINVAL");
	build(C_PIDS, &r);
	r.pids.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_PIDS, &r), "PIDS with non-zero __pad: EINVAL");
	EXPECT(id_of("/abi/new") == VCTX_ID_NONE, "no refused CREATE created anything");

	/* Malformed paths. */
	{
		static const struct { const char *p; size_t len; } bad[] = {
			{ "//", 2 }, { "/..", 3 }, { "/.", 2 }, { "/abi/../abi", 11 },
			{ "/abi/./c1", 9 }, { "/abi/c1 ", 8 }, { "/abi/c*", 7 },
			{ "/abi/c\0001", 8 }, { "/abi/\xc3\xa9", 7 }, { "abi//", 5 },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char shown[64];
			size_t k = 0;

			for (size_t j = 0; j < bad[i].len && k < sizeof(shown) - 5; j++) {
				unsigned char ch = bad[i].p[j];

				if (ch >= 0x20 && ch < 0x7f)
					shown[k++] = ch;
				else
					k += sprintf(shown + k, "\\x%02x", ch);
			}
			shown[k] = 0;
			snprintf(name, sizeof(name), "INFO of path \"%s\": EINVAL", shown);
			EXPECT_ERRNO(EINVAL, info(mkstr(bad[i].p, bad[i].len), &in, NULL, 0), name);
		}
	}
	EXPECT_OK(info(S("abi/c1"), &in, NULL, 0), "a path without a leading slash (abi/c1) is accepted");
	EXPECT(in.entry.id == c1, "abi/c1 names /abi/c1");
	EXPECT_OK(info(S("/abi/c1/"), &in, NULL, 0), "a path with a trailing slash (/abi/c1/) is accepted");
	EXPECT(in.entry.id == c1, "/abi/c1/ names /abi/c1");

	/* Names in CREATE paths: 63 bytes fine, 64 not; charset. */
	memset(name, 'n', sizeof(name));
	memcpy(name, "/abi/", 5);
	EXPECT_ERRNO(EINVAL, create(mkstr(name, 5 + 64), 0, NULL), "CREATE a 64-byte name: EINVAL");
	EXPECT_OK(create(mkstr(name, 5 + 63), 0, NULL), "CREATE a 63-byte name");
	name[5 + 63] = 0;
	EXPECT_OK(destroy(name), "DESTROY it");
	EXPECT_ERRNO(EINVAL, create(S("/abi/\xc3\xa9t\xc3\xa9"), 0, NULL), "CREATE a non-ASCII name: EINVAL");
	EXPECT_ERRNO(EINVAL, create(S("/abi/.."), 0, NULL), "CREATE \"..\": EINVAL");
	EXPECT_ERRNO(EINVAL, create(S("/abi/."), 0, NULL), "CREATE \".\": EINVAL");
	EXPECT_OK(create(S("/abi/A-z_0.9"), 0, NULL), "CREATE a name using every allowed kind of byte (A-z_0.9)");
	EXPECT_OK(destroy("/abi/A-z_0.9"), "DESTROY it");

	/* Names in RENAME. */
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "x/y", 3), "RENAME to a name with '/': EINVAL");
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "", 0), "RENAME to an empty name: EINVAL");
	memset(buf, 'r', 64);
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", buf, 64), "RENAME to 64 bytes without a NUL: EINVAL");
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "\xc3\xa9", 2), "RENAME to a non-ASCII name: EINVAL");
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "..", 2), "RENAME to \"..\": EINVAL");
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "a b", 3), "RENAME to a name with a space: EINVAL");
	EXPECT_ERRNO(EINVAL, rename_raw("/abi/c2", "ok\0junk", 7), "RENAME with bytes after the NUL: EINVAL");
	EXPECT(id_of("/abi/c2") == c2, "/abi/c2 kept its name through the refused renames");
	EXPECT_ERRNO(EEXIST, rename_raw("/abi/c2", "d", 1), "RENAME to a sibling's name: EEXIST");
	EXPECT_OK(rename_raw("/abi/c2", buf, 63), "RENAME to a 63-byte name");
	buf[63] = 0;
	snprintf(name, sizeof(name), "/abi/%.63s", buf);
	EXPECT(id_of(name) == c2 && id_of("/abi/c2") == VCTX_ID_NONE, "the context is found by its new name only");
	EXPECT_OK(rename_raw(name, "c2", 2), "RENAME it back");
	EXPECT_ERRNO(EBUSY, rename_raw("/", "x", 1), "RENAME / (one's own context): EBUSY");
	EXPECT_ERRNO(EBUSY, destroy("/"), "DESTROY / (one's own context): EBUSY");
	EXPECT_ERRNO(EBUSY, destroy("/abi"), "DESTROY a context with children: EBUSY");
	EXPECT_OK(destroy("/abi/c1/g"), "DESTROY an empty leaf (/abi/c1/g)");
	EXPECT_OK(create(S("/abi/c1/g"), 0, NULL), "recreate /abi/c1/g");
	EXPECT_ERRNO(ENOENT, destroy("/abi/nope"), "DESTROY a missing context: ENOENT");
	EXPECT_ERRNO(EEXIST, create(S("/abi"), 0, NULL), "CREATE an existing context: EEXIST");
	EXPECT_ERRNO(EEXIST, create(S("/"), 0, NULL), "CREATE /: EEXIST");
	EXPECT_ERRNO(ENOENT, create(S("/abi/x/y"), 0, NULL), "CREATE with a missing parent: ENOENT");
	EXPECT_OK(create(S("/abi"), VCTX_CREATE_EXIST_OK, NULL), "CREATE an existing context with EXIST_OK");

	/* Depth: 32 levels below the root, not 33; 1024 bytes, not 1025. */
	{
		char deep[128];
		int len = 0, ok = 1;

		for (int i = 0; i < 33; i++)
			len += sprintf(deep + len, "/z");
		EXPECT_ERRNO(ENAMETOOLONG, create(mkstr(deep, 66), VCTX_CREATE_PARENTS, NULL),
			     "CREATE -p 33 levels deep: ENAMETOOLONG");
		EXPECT(id_of("/z") == VCTX_ID_NONE, "and nothing of it was created");
		EXPECT_ERRNO(ENAMETOOLONG, info(mkstr(deep, 66), &in, NULL, 0), "INFO of a 33-level path: ENAMETOOLONG");
		EXPECT_OK(create(mkstr(deep, 64), VCTX_CREATE_PARENTS, NULL), "CREATE -p 32 levels deep");
		EXPECT_OK(info(mkstr(deep, 64), &in, NULL, 0), "INFO of the 32nd level");
		EXPECT(in.entry.depth == 0 && in.entry.nr_children == 0, "it is a leaf");
		for (int l = 32; l >= 1; l--)
			ok &= destroy((deep[2 * l] = 0, deep)) == 0;
		EXPECT(ok, "DESTROY the 32 levels bottom-up");

		/* 16 names of 63 bytes, each with its '/': exactly 1024 bytes. */
		for (int i = 0; i < 16; i++) {
			longpath[i * 64] = '/';
			memset(longpath + i * 64 + 1, 'L', 63);
			longpath[i * 64 + 1] = 'A' + i;
		}
		longpath[1024] = '/';
		EXPECT_OK(create(mkstr(longpath, 1024), VCTX_CREATE_PARENTS, NULL),
			  "CREATE -p a path of exactly 1024 bytes");
		EXPECT_OK(info(mkstr(longpath, 1025 - 1), &in, buf, sizeof(buf)), "INFO of it");
		EXPECT(in.path_len == 1024 && buf[1024] == 0 && !memcmp(buf, longpath, 1024),
		       "INFO reports its 1024-byte path");
		EXPECT_ERRNO(ENAMETOOLONG, info(mkstr(longpath, 1025), &in, NULL, 0),
			     "the same path with a trailing '/' (1025 bytes): ENAMETOOLONG");
		ok = 1;
		for (int l = 16; l >= 1; l--)
			ok &= destroy((longpath[l * 64] = 0, longpath)) == 0;
		EXPECT(ok, "DESTROY its 16 levels bottom-up");
	}

	/* LIST: ERANGE and the count needed, nothing written. */
	{
		struct vctx_list l;

		build(C_LIST, &r);
		l = r.list;
		l.capacity = 1;
		memset(list_buf, 0xAA, sizeof(list_buf));
		EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_LIST, &l), "LIST /abi into 1 entry: ERANGE");
		EXPECT(l.count == 4, "ERANGE: count is the number needed (/abi, c1, c2, d)");
		if (l.count != 4)
			printf("    # count %u\n", l.count);
		EXPECT(((unsigned char *)list_buf)[0] == 0xAA, "ERANGE: nothing was written");
		l = r.list;
		l.entries = 0;
		l.capacity = 0;
		EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_LIST, &l), "LIST with capacity 0 (asking the size): ERANGE");
		EXPECT(l.count == 4, "... and count 4");
		l = r.list;
		l.capacity = 4;
		EXPECT_OK(ioctl(fd, VCTX_IOC_LIST, &l), "LIST /abi into exactly 4 entries");
		EXPECT(l.count == 4 && list_buf[0].depth == 0 && !strcmp(list_buf[0].name, "abi") &&
		       !strcmp(list_buf[1].name, "c1") && !strcmp(list_buf[2].name, "c2") &&
		       !strcmp(list_buf[3].name, "d") && list_buf[1].depth == 1 && list_buf[1].id == c1,
		       "LIST gives /abi then its children by name");
		EXPECT(list_buf[1].nr_processes == 1 && list_buf[1].nr_children == 1 &&
		       list_buf[0].subtree_processes == 1 && list_buf[0].nr_processes == 0,
		       "LIST counts: c1 has the sleeper and a child, /abi has it in its subtree");
		l = r.list;
		l.flags = VCTX_LIST_RECURSIVE;
		l.capacity = 4;
		EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_LIST, &l), "recursive LIST into 4 entries: ERANGE");
		EXPECT(l.count == 5, "... and count 5 (with /abi/c1/g)");
		l = r.list;
		l.flags = VCTX_LIST_RECURSIVE;
		EXPECT_OK(ioctl(fd, VCTX_IOC_LIST, &l), "recursive LIST");
		EXPECT(l.count == 5 && !strcmp(list_buf[2].name, "g") && list_buf[2].depth == 2 &&
		       list_buf[2].parent_id == c1 && !strcmp(list_buf[3].name, "c2"),
		       "recursive LIST is in pre-order (abi, c1, g, c2, d)");
		l = r.list;
		l.count = 1;
		EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_LIST, &l), "LIST with non-zero output count: EINVAL");
		l = r.list;
		l.entries = (uintptr_t)noaccess;
		EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_LIST, &l), "LIST into an unwritable array: EFAULT");
		/* An older, shorter entry: the module writes that many bytes each. */
		l = r.list;
		l.entry_size = offsetof(struct vctx_entry, name);
		memset(list_buf, 0xAA, sizeof(list_buf));
		EXPECT_OK(ioctl(fd, VCTX_IOC_LIST, &l), "LIST with a shorter entry_size");
		{
			struct vctx_entry *e1 = (void *)((char *)list_buf + l.entry_size);
			unsigned char *end = (unsigned char *)list_buf + 4 * l.entry_size;

			EXPECT(e1->id == c1 && end[0] == 0xAA,
			       "shorter entries: packed at that stride, nothing written past them");
		}
	}

	/* PIDS: ERANGE with the count needed. */
	{
		struct vctx_pids p;

		build(C_PIDS, &r);
		p = r.pids;
		p.flags = VCTX_LIST_RECURSIVE;
		p.capacity = 0;
		p.entries = 0;
		EXPECT_ERRNO(ERANGE, ioctl(fd, VCTX_IOC_PIDS, &p), "recursive PIDS /abi with capacity 0: ERANGE");
		EXPECT(p.count == 1, "... and count 1 (the sleeper)");
		p = r.pids;
		EXPECT_OK(ioctl(fd, VCTX_IOC_PIDS, &p), "PIDS /abi (not recursive)");
		EXPECT(p.count == 0, "/abi itself has no member");
		p = r.pids;
		p.flags = VCTX_LIST_RECURSIVE;
		EXPECT_OK(ioctl(fd, VCTX_IOC_PIDS, &p), "recursive PIDS /abi");
		EXPECT(p.count == 1 && pids_buf[0].pid == sleeper && pids_buf[0].ctx_id == c1 &&
		       pids_buf[0].nr_threads == 1, "it lists the sleeper, in c1, with 1 thread");
	}

	/* INFO: ERANGE with the length needed; BY_PID rules. */
	memset(buf, 0x55, sizeof(buf));
	EXPECT_ERRNO(ERANGE, info(S("/abi/c1"), &in, buf, 3), "INFO /abi/c1 into 3 bytes: ERANGE");
	EXPECT(in.path_len == 7, "ERANGE: path_len is the length needed (7)");
	EXPECT(buf[0] == 0x55, "ERANGE: nothing was written");
	EXPECT_ERRNO(ERANGE, info(S("/abi/c1"), &in, buf, 7), "INFO into 7 bytes (no room for the NUL): ERANGE");
	EXPECT_OK(info(S("/abi/c1"), &in, buf, 8), "INFO into 8 bytes");
	EXPECT(in.path_len == 7 && !strcmp(buf, "/abi/c1") && in.entry.id == c1, "INFO writes \"/abi/c1\"");
	EXPECT_OK(info(S("/abi/c1"), &in, NULL, 0), "INFO with no path buffer");
	EXPECT(in.path_len == 7, "... still reports path_len");
	EXPECT_ERRNO(EFAULT, info(S("/abi/c1"), &in, noaccess, 64), "INFO into an unwritable buffer: EFAULT");
	EXPECT_OK(info_pid(sleeper, &in, buf, sizeof(buf)), "INFO BY_PID of the sleeper");
	EXPECT(!strcmp(buf, "/abi/c1") && in.entry.id == c1, "it is in /abi/c1");
	EXPECT_OK(info_pid(0, &in, buf, sizeof(buf)), "INFO BY_PID 0 (the caller)");
	EXPECT(!strcmp(buf, "/") && in.entry.id == VCTX_ROOT_ID && in.entry.parent_id == VCTX_ID_NONE &&
	       in.entry.name[0] == 0, "the caller is in / (id 0, no parent, empty name)");
	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.flags = VCTX_INFO_BY_PID;
	in.path = S("/abi");
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_INFO, &in), "INFO BY_PID with a path: EINVAL");
	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.path = S("/abi");
	in.pid = sleeper;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_INFO, &in), "INFO by path with a pid: EINVAL");

	/* ENTER. */
	EXPECT_ERRNO(ENOENT, enter("/abi/none", sleeper), "ENTER a missing context: ENOENT");
	EXPECT_ERRNO(EPERM, enter("/abi", sleeper), "ENTER the sleeper up (/abi/c1 -> /abi): EPERM");
	EXPECT_ERRNO(EPERM, enter("/abi/c2", sleeper), "ENTER it sideways (-> /abi/c2): EPERM");
	EXPECT_ERRNO(EPERM, enter("/", sleeper), "ENTER it into /: EPERM");
	EXPECT(info_pid(sleeper, &in, NULL, 0) == 0 && in.entry.id == c1, "the sleeper is still in /abi/c1");

	/* KILL. */
	build(C_KILL, &r);
	r.kill.signal = 65;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_KILL, &r), "KILL with signal 65: EINVAL");
	build(C_KILL, &r);
	r.kill.then_signal = 65;
	r.kill.grace_ms = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_KILL, &r), "KILL with then_signal 65: EINVAL");
	build(C_KILL, &r);
	r.kill.grace_ms = 100;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_KILL, &r), "KILL with a grace but no then_signal: EINVAL");
	build(C_KILL, &r);
	r.kill.signal = 64;
	EXPECT_OK(ioctl(fd, VCTX_IOC_KILL, &r), "KILL with signal 64 (the highest)");
	EXPECT(r.kill.signalled == 0, "... of an empty context signals nobody");
	build(C_KILL, &r);
	r.kill.path = S("/abi");
	EXPECT_OK(ioctl(fd, VCTX_IOC_KILL, &r), "KILL /abi with signal 0 (probe)");
	EXPECT(r.kill.signalled == 1 && kill(sleeper, 0) == 0, "the probe counts the sleeper and leaves it alive");

	/* AUTONAME: an ephemeral child named unnamed<id>. */
	{
		struct vctx_create c = {
			.size = sizeof(c), .flags = VCTX_CREATE_AUTONAME,
			.path = S("/abi/c2"), .ctx_flags = VCTX_CTX_EPHEMERAL,
		};
		char want[64];

		EXPECT_OK(ioctl(fd, VCTX_IOC_CREATE, &c), "CREATE AUTONAME|EPHEMERAL under /abi/c2");
		snprintf(want, sizeof(want), "unnamed%llu", (unsigned long long)c.id);
		EXPECT(!strcmp(c.name, want), "it is named unnamed<id>");
		snprintf(name, sizeof(name), "/abi/c2/%s", c.name);
		EXPECT(info(S(name), &in, NULL, 0) == 0 && in.entry.id == c.id &&
		       (in.entry.flags & VCTX_CTX_EPHEMERAL) && in.entry.parent_id == c2,
		       "it is there, ephemeral, a child of /abi/c2");
		EXPECT_OK(destroy(name), "a fresh ephemeral context stays until destroyed");
	}

	/* WAIT. */
	{
		struct vctx_wait w;
		int st = -1;
		pid_t child;

		EXPECT_ERRNO(EDEADLK, wait_ctx("/", 0, NULL), "WAIT on / (one's own context): EDEADLK");
		EXPECT_ERRNO(ETIMEDOUT, wait_ctx("/abi", 0, NULL), "WAIT with timeout 0 on a busy subtree: ETIMEDOUT");
		EXPECT_OK(wait_ctx("/abi/c2", 0, &w), "WAIT with timeout 0 on an empty context");
		EXPECT(w.id == c2 && w.total_processes == 0, "WAIT reports its id and 0 processes ran");
		/* A child enters /abi/c2 itself, then waits on its own context. */
		child = fork();
		if (child == 0) {
			struct vctx_info ci;
			char cb[64];

			if (enter("/abi/c2", 0))
				_exit(100);
			if (info_pid(0, &ci, cb, sizeof(cb)) || strcmp(cb, "/") || ci.entry.id != c2)
				_exit(101);
			if (wait_ctx("/", 1000, NULL) == 0)
				_exit(102);
			_exit(errno);
		}
		waitpid(child, &st, 0);
		EXPECT(WIFEXITED(st) && WEXITSTATUS(st) != 100, "a child moves itself into /abi/c2 (unprivileged ENTER of pid 0)");
		EXPECT(WIFEXITED(st) && WEXITSTATUS(st) != 101, "inside, it sees its context as /");
		EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == EDEADLK, "inside, WAIT on / fails with EDEADLK");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != EDEADLK)
			printf("    # child status 0x%x\n", st);
		EXPECT_OK(wait_ctx("/abi/c2", 1000, &w), "WAIT /abi/c2 once the child is gone");
		EXPECT(w.total_processes == 1, "... 1 process ran in it");
	}

	/* Clean up. */
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	EXPECT_OK(wait_ctx("/abi", 5000, NULL), "cleanup: /abi empties when the sleeper dies");
	EXPECT(!destroy("/abi/c1/g") && !destroy("/abi/c1") && !destroy("/abi/c2") &&
	       !destroy("/abi/d") && !destroy("/abi"), "cleanup: destroy the /abi tree");
	close(fd);
	return ktap_end();
}
