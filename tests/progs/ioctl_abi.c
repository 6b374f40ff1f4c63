// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_abi: the extensible-struct and dispatch rules of /dev/vctx, probed
 * with raw ioctls (sizes, padding, unknown numbers, bad pointers).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

/* A VERSION ioctl number for a struct of @size bytes. */
#define VERSION_SIZED(size) _IOC(_IOC_READ | _IOC_WRITE, VCTX_IOC_MAGIC, 0x00, (size))

int main(void)
{
	struct vctx_version v;
	unsigned char big[64];
	int fd;

	ktap_begin("ioctl_abi");
	fd = open("/dev/vctx", O_RDWR | O_CLOEXEC);
	EXPECT(fd >= 0, "open /dev/vctx");
	if (fd < 0)
		return ktap_end();

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	EXPECT_OK(ioctl(fd, VCTX_IOC_VERSION, &v), "VERSION succeeds");
	EXPECT(v.abi_version == VCTX_ABI_VERSION, "VERSION reports the header's ABI version");
	EXPECT(v.features & VCTX_FEAT_VERSION, "VERSION reports its own feature bit");
	EXPECT(v.name_max == VCTX_NAME_MAX && v.path_max == VCTX_PATH_MAX &&
	       v.depth_max == VCTX_DEPTH_MAX, "VERSION reports the header's limits");
	EXPECT(v.size == sizeof(v) && v.__pad == 0, "VERSION leaves size and padding alone");

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v) + 8;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_VERSION, &v), "size field != ioctl size: EINVAL");

	memset(&v, 0, sizeof(v));
	v.size = 16;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VERSION_SIZED(16), &v), "struct shorter than version 1: EINVAL");

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.__pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_VERSION, &v), "non-zero padding: EINVAL");

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.features = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VCTX_IOC_VERSION, &v), "non-zero output field on input: EINVAL");

	memset(big, 0, sizeof(big));
	*(uint32_t *)big = sizeof(big);
	EXPECT_OK(ioctl(fd, VERSION_SIZED(sizeof(big)), big), "longer struct with a zero tail is accepted");
	EXPECT(((struct vctx_version *)big)->abi_version == VCTX_ABI_VERSION && big[sizeof(v)] == 0,
	       "longer struct: known part written, tail untouched");

	memset(big, 0, sizeof(big));
	*(uint32_t *)big = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_ERRNO(E2BIG, ioctl(fd, VERSION_SIZED(sizeof(big)), big), "longer struct with a non-zero tail: E2BIG");

	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IOWR(VCTX_IOC_MAGIC, 0x7f, struct vctx_version), &v),
		     "unknown command number: ENOTTY");
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IOWR('x', 0x00, struct vctx_version), &v),
		     "wrong magic: ENOTTY");
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IOR(VCTX_IOC_MAGIC, 0x00, struct vctx_version), &v),
		     "wrong direction: ENOTTY");
	EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_VERSION, NULL), "NULL argument: EFAULT");
	{
		void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_VERSION, p), "unreadable argument: EFAULT");
		munmap(p, 4096);
	}
	{
		/* The struct ends where the readable memory ends: read fine, the
		 * write-back must fault cleanly too when the page is read-only. */
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct vctx_version *rv = (void *)(p + 4096 - sizeof(*rv));

		memset(rv, 0, sizeof(*rv));
		rv->size = sizeof(*rv);
		mprotect(p, 4096, PROT_READ);
		EXPECT_ERRNO(EFAULT, ioctl(fd, VCTX_IOC_VERSION, rv), "read-only argument: EFAULT on write-back");
		munmap(p, 4096);
	}
	close(fd);
	return ktap_end();
}
