// SPDX-License-Identifier: GPL-2.0
/*
 * ns_abi: the issue-7 ioctls of /dev/vctx (SET_FLAGS, SEAL, NS_SET, NS_GET,
 * NS_OPEN) probed with raw, bad input, plus the unprivileged refusals and
 * a round trip of a namespace file through a context. Run as root in the
 * root context with no context named "nsabi"; it leaves none behind.
 *
 * "ns_abi hold PATH" makes new uts and ipc namespaces, records them on the
 * context PATH and exits: the module is then their only holder.
 *
 * "ns_abi count" instead prints the number of active namespaces of each
 * type the kernel knows (listns(2)): a namespace the module still held
 * would still be counted.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

#ifndef __NR_listns
#define __NR_listns 470
#endif

static int fd;

static struct vctx_str S(const char *p)
{
	struct vctx_str s = { .ptr = (uintptr_t)p, .len = (__u32)strlen(p) };
	return s;
}

static int set_flags(const char *path, __u32 set, __u32 clear)
{
	struct vctx_set_flags f = { .size = sizeof(f), .path = S(path), .set = set, .clear = clear };

	return ioctl(fd, VCTX_IOC_SET_FLAGS, &f);
}

static int seal(const char *path)
{
	struct vctx_seal s = { .size = sizeof(s), .path = S(path) };

	return ioctl(fd, VCTX_IOC_SEAL, &s);
}

static int ns_set1(const char *path, int type, int nsfd)
{
	struct vctx_ns_set n = { .size = sizeof(n), .path = S(path), .mask = 1U << type };

	n.fds[type] = nsfd;
	return ioctl(fd, VCTX_IOC_NS_SET, &n);
}

static int ns_get(const char *path, struct vctx_ns_get *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->path = S(path);
	return ioctl(fd, VCTX_IOC_NS_GET, out);
}

static int ns_open(const char *path, __u32 type, struct vctx_ns_open *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->path = S(path);
	out->type = type;
	return ioctl(fd, VCTX_IOC_NS_OPEN, out);
}

static __u64 ino_of_fd(int f)
{
	struct stat st;

	return fstat(f, &st) == 0 ? st.st_ino : 0;
}

/* listns(2) request (include/uapi/linux/nsfs.h, struct ns_id_req). */
struct ns_req {
	__u32 size;
	__u32 spare;
	__u64 ns_id;
	__u32 ns_type;
	__u32 spare2;
	__u64 user_ns_id;
};

static long count_ns(__u32 type)
{
	static __u64 ids[512];
	struct ns_req req = { .size = sizeof(req), .ns_type = type };
	long total = 0, n;

	for (;;) {
		n = syscall(__NR_listns, &req, ids, 512, 0);
		if (n < 0)
			return -1;
		total += n;
		if (n < 512)
			return total;
		req.ns_id = ids[n - 1];
	}
}

static int count_main(void)
{
	static const struct { const char *name; __u32 type; } t[] = {
		{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "pid", CLONE_NEWPID },
		{ "net", CLONE_NEWNET }, { "mnt", CLONE_NEWNS }, { "user", CLONE_NEWUSER },
		{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		printf("%s%s=%ld", i ? " " : "", t[i].name, count_ns(t[i].type));
	printf("\n");
	return 0;
}

static int hold_main(const char *path)
{
	struct vctx_ns_set n = { .size = sizeof(n), .path = S(path),
				 .mask = 1U << VCTX_NS_UTS | 1U << VCTX_NS_IPC };

	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	if (fd < 0 || unshare(CLONE_NEWUTS | CLONE_NEWIPC) != 0) {
		perror("ns_abi hold");
		return 1;
	}
	n.fds[VCTX_NS_UTS] = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	n.fds[VCTX_NS_IPC] = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (ioctl(fd, VCTX_IOC_NS_SET, &n) != 0) {
		perror("ns_abi hold: NS_SET");
		return 1;
	}
	return 0;
}

/* A child that drops to nobody and expects @want from every privileged call. */
static void unprivileged(void)
{
	int status;
	pid_t p = fork();

	if (p == 0) {
		struct vctx_ns_get g;
		struct vctx_ns_open o;
		int ok = setgid(65534) == 0 && setuid(65534) == 0;
		int root_fd = fd;

		/* Its own file, opened without privilege. */
		fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
		ok = ok && fd >= 0;
		ok = ok && set_flags("/nsabi", VCTX_CTX_EPHEMERAL, 0) == -1 && errno == EPERM;
		ok = ok && seal("/nsabi") == -1 && errno == EPERM;
		ok = ok && ns_set1("/nsabi", VCTX_NS_UTS, 0) == -1 && errno == EPERM;
		ok = ok && ns_open("/nsabi", VCTX_NS_UTS, &o) == -1 && errno == EPERM;
		ok = ok && ns_get("/nsabi", &g) == 0;
		/* The file root opened carries root's right to NS_SET (only):
		 * the call gets past the permission check to the bad fd. */
		fd = root_fd;
		ok = ok && ns_set1("/nsabi", VCTX_NS_UTS, 0) == -1 && errno != EPERM;
		ok = ok && seal("/nsabi") == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	EXPECT(p > 0 && waitpid(p, &status, 0) == p && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	       "as nobody: SET_FLAGS, SEAL, NS_SET, NS_OPEN are EPERM; NS_GET works; "
	       "a file root opened still passes NS_SET's permission check");
}

int main(int argc, char **argv)
{
	struct vctx_create c = { .size = sizeof(c), .path = S("/nsabi") };
	struct vctx_destroy d = { .size = sizeof(d), .path = S("/nsabi") };
	struct vctx_set_flags f;
	struct vctx_seal s;
	struct vctx_ns_set n;
	struct vctx_ns_get g;
	struct vctx_ns_open o;
	int uts, net, null;

	if (argc > 1 && !strcmp(argv[1], "count"))
		return count_main();
	if (argc > 2 && !strcmp(argv[1], "hold"))
		return hold_main(argv[2]);

	ktap_begin("ns_abi");
	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	EXPECT(fd >= 0 && uts >= 0 && net >= 0 && null >= 0, "open /dev/vctx and namespace files");
	EXPECT_OK(ioctl(fd, VCTX_IOC_CREATE, &c), "create /nsabi");

	/* SET_FLAGS */
	f = (struct vctx_set_flags){ .size = sizeof(f), .flags = 1, .path = S("/nsabi") };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_FLAGS, &f), "SET_FLAGS: unknown flags");
	f = (struct vctx_set_flags){ .size = sizeof(f), .path = S("/nsabi"), .__pad = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_FLAGS, &f), "SET_FLAGS: non-zero padding");
	f = (struct vctx_set_flags){ .size = sizeof(f), .path = S("/nsabi"), .ctx_flags = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_FLAGS, &f), "SET_FLAGS: output field set on input");
	f = (struct vctx_set_flags){ .size = sizeof(f) - 8, .path = S("/nsabi") };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SET_FLAGS, &f), "SET_FLAGS: size differs from the ioctl's");
	EXPECT_ERRNO(EINVAL, set_flags("/nsabi", 1U << 5, 0), "SET_FLAGS: unknown context flag");
	EXPECT_ERRNO(EINVAL, set_flags("/nsabi", VCTX_CTX_SEALED, 0), "SET_FLAGS: SEALED is read-only");
	EXPECT_ERRNO(EINVAL, set_flags("/nsabi", 0, VCTX_CTX_KILLING), "SET_FLAGS: KILLING is read-only");
	EXPECT_ERRNO(EINVAL, set_flags("/nsabi", VCTX_CTX_SPECTATOR, VCTX_CTX_SPECTATOR),
		     "SET_FLAGS: set and clear overlap");
	EXPECT_ERRNO(ENOENT, set_flags("/nosuch", VCTX_CTX_SPECTATOR, 0), "SET_FLAGS: missing context");
	f = (struct vctx_set_flags){ .size = sizeof(f), .path = S("/nsabi"),
				     .set = VCTX_CTX_SPECTATOR | VCTX_CTX_NOVIRT };
	EXPECT(ioctl(fd, VCTX_IOC_SET_FLAGS, &f) == 0 &&
	       f.ctx_flags == (VCTX_CTX_SPECTATOR | VCTX_CTX_NOVIRT),
	       "SET_FLAGS: sets and reports the flags");
	f = (struct vctx_set_flags){ .size = sizeof(f), .path = S("/nsabi"), .clear = VCTX_CTX_LOOSENING };
	EXPECT(ioctl(fd, VCTX_IOC_SET_FLAGS, &f) == 0 && f.ctx_flags == 0, "SET_FLAGS: clears them");

	/* NS_SET */
	n = (struct vctx_ns_set){ .size = sizeof(n), .path = S("/nsabi") };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_SET, &n), "NS_SET: empty mask");
	n.mask = 1U << VCTX_NS_COUNT;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_SET, &n), "NS_SET: unknown type bit");
	n.mask = 1U << VCTX_NS_UTS;
	n.fds[VCTX_NS_UTS] = uts;
	n.fds[VCTX_NS_NET] = net;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_SET, &n), "NS_SET: fd for a type not in the mask");
	n.fds[VCTX_NS_NET] = 0;
	n.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_SET, &n), "NS_SET: non-zero padding");
	n.__pad = 0;
	n.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_SET, &n), "NS_SET: unknown flags");
	EXPECT_ERRNO(EBADF, ns_set1("/nsabi", VCTX_NS_UTS, 999), "NS_SET: a closed fd is EBADF");
	EXPECT_ERRNO(EBADF, ns_set1("/nsabi", VCTX_NS_UTS, -1), "NS_SET: a negative fd is EBADF");
	EXPECT_ERRNO(EINVAL, ns_set1("/nsabi", VCTX_NS_UTS, null), "NS_SET: /dev/null is not a namespace");
	EXPECT_ERRNO(EINVAL, ns_set1("/nsabi", VCTX_NS_UTS, fd), "NS_SET: /dev/vctx is not a namespace");
	EXPECT_ERRNO(EINVAL, ns_set1("/nsabi", VCTX_NS_NET, uts), "NS_SET: a uts file given as net");
	EXPECT_ERRNO(EPERM, ns_set1("/", VCTX_NS_UTS, uts), "NS_SET: the root context holds none");
	EXPECT_ERRNO(ENOENT, ns_set1("/nosuch", VCTX_NS_UTS, uts), "NS_SET: missing context");
	EXPECT_OK(ns_set1("/nsabi", VCTX_NS_UTS, uts), "NS_SET: records a uts namespace");
	EXPECT_ERRNO(EBUSY, ns_set1("/nsabi", VCTX_NS_UTS, uts), "NS_SET: a held type is EBUSY");
	EXPECT_OK(ns_set1("/nsabi", VCTX_NS_NET, net), "NS_SET: adds a net namespace");

	/* NS_GET */
	memset(&g, 0, sizeof(g));
	g.size = sizeof(g);
	g.path = S("/nsabi");
	g.ino[3] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_GET, &g), "NS_GET: output field set on input");
	EXPECT(ns_get("/nsabi", &g) == 0 &&
	       g.own == (1U << VCTX_NS_UTS | 1U << VCTX_NS_NET) && g.mask == g.own &&
	       g.ino[VCTX_NS_UTS] == ino_of_fd(uts) && g.ino[VCTX_NS_NET] == ino_of_fd(net) &&
	       g.ino[VCTX_NS_PID] == 0 && g.holder[VCTX_NS_UTS] != 0,
	       "NS_GET: own and effective types, inode numbers of the files given");
	EXPECT(ns_get("/", &g) == 0 && g.own == 0 && g.mask == 0, "NS_GET: the root holds none");

	/* NS_OPEN */
	EXPECT_ERRNO(EINVAL, ns_open("/nsabi", VCTX_NS_COUNT, &o), "NS_OPEN: unknown type");
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.path = S("/nsabi");
	o.fd = 5;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_NS_OPEN, &o), "NS_OPEN: output fd set on input");
	EXPECT_ERRNO(ENODATA, ns_open("/nsabi", VCTX_NS_PID, &o), "NS_OPEN: a type not held is ENODATA");
	EXPECT(ns_open("/nsabi", VCTX_NS_NET, &o) == 0 && o.fd > 2 && o.ino == ino_of_fd(net) &&
	       ino_of_fd(o.fd) == o.ino && (fcntl(o.fd, F_GETFD) & FD_CLOEXEC),
	       "NS_OPEN: a close-on-exec fd of the same namespace");
	EXPECT(o.fd > 2 && setns(o.fd, CLONE_NEWNET) == 0, "NS_OPEN: the fd works with setns");
	if (o.fd > 2)
		close(o.fd);

	/* SEAL */
	s = (struct vctx_seal){ .size = sizeof(s), .flags = 1, .path = S("/nsabi") };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SEAL, &s), "SEAL: unknown flags");
	s = (struct vctx_seal){ .size = sizeof(s), .path = S("/nsabi"), .id = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_SEAL, &s), "SEAL: output id set on input");
	EXPECT_ERRNO(ENOENT, seal("/nosuch"), "SEAL: missing context");
	unprivileged();
	s = (struct vctx_seal){ .size = sizeof(s), .path = S("/nsabi") };
	EXPECT(ioctl(fd, VCTX_IOC_SEAL, &s) == 0 && s.id != 0, "SEAL: seals and reports the id");
	EXPECT_OK(seal("/nsabi"), "SEAL: sealing again is fine");
	EXPECT_OK(set_flags("/nsabi", VCTX_CTX_SPECTATOR, 0), "SET_FLAGS: the host can still loosen it");

	EXPECT_OK(ioctl(fd, VCTX_IOC_DESTROY, &d), "destroy /nsabi (releases its namespaces)");
	return ktap_end();
}
