// SPDX-License-Identifier: GPL-2.0
/* vctx-bench: the /dev/vctx ioctls the benchmark uses. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vctx.h>

#include "bench.h"

static int ret(int rc)
{
	return rc < 0 ? -errno : 0;
}

static void str(struct vctx_str *s, const char *path)
{
	s->ptr = (uintptr_t)path;
	s->len = strlen(path);
	s->__pad = 0;
}

int dev_open(void)
{
	int fd = open("/dev/" VCTX_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int dev_version(int fd, uint64_t *features)
{
	struct vctx_version v = { .size = sizeof(v) };

	if (ioctl(fd, VCTX_IOC_VERSION, &v) < 0)
		return -errno;
	*features = v.features;
	return 0;
}

int dev_create(int fd, const char *path)
{
	struct vctx_create c = { .size = sizeof(c), .flags = VCTX_CREATE_EXIST_OK };

	str(&c.path, path);
	return ret(ioctl(fd, VCTX_IOC_CREATE, &c));
}

int dev_destroy(int fd, const char *path)
{
	struct vctx_destroy d = { .size = sizeof(d) };

	str(&d.path, path);
	return ret(ioctl(fd, VCTX_IOC_DESTROY, &d));
}

int dev_enter(int fd, const char *path, pid_t pid)
{
	struct vctx_enter en = { .size = sizeof(en), .pid = pid };

	str(&en.path, path);
	return ret(ioctl(fd, VCTX_IOC_ENTER, &en));
}

int dev_info_self(int fd)
{
	struct vctx_info i = { .size = sizeof(i), .flags = VCTX_INFO_BY_PID };

	return ret(ioctl(fd, VCTX_IOC_INFO, &i));
}

int dev_stat(int fd, const char *path)
{
	struct vctx_stat s = { .size = sizeof(s) };

	str(&s.path, path);
	return ret(ioctl(fd, VCTX_IOC_STAT, &s));
}

int dev_snapshot(int fd, const char *path)
{
	static struct vctx_snap_entry ent[16];
	struct vctx_snapshot s = {
		.size = sizeof(s),
		.entries = (uintptr_t)ent,
		.entry_size = sizeof(ent[0]),
		.capacity = 16,
	};

	str(&s.path, path);
	return ret(ioctl(fd, VCTX_IOC_SNAPSHOT, &s));
}

int dev_set_nproc(int fd, const char *path, uint64_t limit)
{
	struct vctx_set_limit l = { .size = sizeof(l), .mask = 1U << VCTX_RES_NPROC };

	str(&l.path, path);
	l.limit[VCTX_RES_NPROC] = limit;
	return ret(ioctl(fd, VCTX_IOC_SET_LIMIT, &l));
}
