// SPDX-License-Identifier: GPL-2.0
/*
 * caps_probe: capability masks and reboot(2), seen from a process
 * (tests/suite-caps.sh). Each mode calls the syscalls directly:
 *
 *   caps_probe machine        KTAP: every machine-wide change is refused
 *                             with EPERM (harmless arguments), as root
 *                             inside a context with the default mask
 *   caps_probe host           KTAP: the same calls from the host get past
 *                             the capability check (the control)
 *   caps_probe status         prints CapEff/CapPrm/CapBnd (hex) and the
 *                             errno of sethostname(own name): "sethostname 0"
 *   caps_probe loop           prints "pid N", then every 100 ms tries
 *                             sethostname(own name) and prints "ok" or
 *                             "EPERM" each time the answer changes
 *   caps_probe reboot CMD [MAGIC2]
 *                             reboot(2) with CMD restart|halt|poweroff|
 *                             cad_off|cad_on|bogus; prints "reboot
 *                             <strerror>" if it returns (exit 0)
 *   caps_probe abi            KTAP: SET_CAPS and CREATE caps with bad input
 *                             (as host root, no context "capsabi")
 *   caps_probe setcap FILE HEX
 *                             gives FILE the file capabilities HEX
 *                             (permitted, effective); exit 2 if the file
 *                             system has no xattrs
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

static int my_reboot(unsigned int magic2, unsigned int cmd)
{
	return (int)syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, magic2, cmd, NULL);
}

static int same_hostname(void)
{
	char name[65] = "";

	gethostname(name, sizeof(name) - 1);
	return sethostname(name, strlen(name));
}

static int same_time(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return settimeofday(&tv, NULL);
}

/* open_by_handle_at of a file of /tmp (tmpfs exports handles). */
static int by_handle(void)
{
	struct {
		struct file_handle fh;
		unsigned char buf[128];
	} h;
	int mnt_id, dir, r;

	close(open("/tmp/.caps_probe", O_CREAT | O_WRONLY, 0600));
	h.fh.handle_bytes = sizeof(h.buf);
	if (name_to_handle_at(AT_FDCWD, "/tmp/.caps_probe", &h.fh, &mnt_id, 0) < 0)
		return -2;
	dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	r = open_by_handle_at(dir, &h.fh, O_RDONLY);
	if (r >= 0)
		close(r);
	close(dir);
	return r < 0 ? -1 : 0;
}

static int machine(void)
{
	ktap_begin("caps_machine");
	EXPECT_ERRNO(EPERM, my_reboot(LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF),
		     "reboot(CAD_OFF): EPERM");
	EXPECT_ERRNO(EPERM, same_hostname(), "sethostname (own name): EPERM");
	EXPECT_ERRNO(EPERM, same_time(), "settimeofday (now): EPERM");
	unlink("/tmp/.caps_blk");
	EXPECT_ERRNO(EPERM, mknod("/tmp/.caps_blk", S_IFBLK | 0600, makedev(254, 0)),
		     "mknod of a block device: EPERM");
	mkdir("/tmp/.caps_mnt", 0700);
	EXPECT_ERRNO(EPERM, mount("none", "/tmp/.caps_mnt", "tmpfs", 0, NULL),
		     "mount of a tmpfs on the host's mount table: EPERM");
	EXPECT_ERRNO(EPERM, syscall(SYS_init_module, NULL, 0UL, ""), "init_module: EPERM");
	EXPECT_ERRNO(EPERM, syscall(SYS_delete_module, "vctx_no_such_module", O_NONBLOCK),
		     "delete_module of a missing name: EPERM (not ENOENT)");
	EXPECT_ERRNO(EPERM, syscall(SYS_delete_module, "vctx", O_NONBLOCK),
		     "delete_module(vctx): EPERM");
	EXPECT_ERRNO(EPERM, swapoff("/tmp/.caps_no_such_swap"), "swapoff of a missing path: EPERM");
	EXPECT_ERRNO(EPERM, by_handle(), "open_by_handle_at: EPERM");
	return ktap_end();
}

static int host(void)
{
	ktap_begin("caps_host_control");
	EXPECT_OK(same_hostname(), "sethostname (own name) works on the host");
	EXPECT_OK(same_time(), "settimeofday (now) works on the host");
	EXPECT_ERRNO(ENOENT, syscall(SYS_delete_module, "vctx_no_such_module", O_NONBLOCK),
		     "delete_module of a missing name: ENOENT on the host");
	EXPECT_ERRNO(ENOENT, swapoff("/tmp/.caps_no_such_swap"),
		     "swapoff of a missing path: ENOENT on the host");
	EXPECT_OK(by_handle(), "open_by_handle_at works on the host");
	return ktap_end();
}

static int status(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cap", 3) || !strncmp(line, "Uid:", 4))
			fputs(line, stdout);
	if (f)
		fclose(f);
	printf("sethostname %d\n", same_hostname() ? errno : 0);
	return 0;
}

static int loop(void)
{
	int last = -1;

	printf("pid %d\n", getpid());
	for (int i = 0; i < 600; i++) {
		int e = same_hostname() ? errno : 0;

		if (e != last) {
			printf("%s\n", e == 0 ? "ok" : e == EPERM ? "EPERM" : strerror(e));
			fflush(stdout);
			last = e;
		}
		usleep(100 * 1000);
	}
	return 0;
}

static int do_reboot(const char *what, const char *magic2)
{
	unsigned int m2 = magic2 ? (unsigned int)strtoul(magic2, NULL, 0) : LINUX_REBOOT_MAGIC2;
	unsigned int cmd = !strcmp(what, "restart")  ? LINUX_REBOOT_CMD_RESTART :
			   !strcmp(what, "halt")     ? LINUX_REBOOT_CMD_HALT :
			   !strcmp(what, "poweroff") ? LINUX_REBOOT_CMD_POWER_OFF :
			   !strcmp(what, "cad_on")   ? LINUX_REBOOT_CMD_CAD_ON :
			   !strcmp(what, "cad_off")  ? LINUX_REBOOT_CMD_CAD_OFF : 0x12345u;
	int r = my_reboot(m2, cmd);

	printf("reboot %s\n", r ? strerror(errno) : "returned 0");
	fflush(stdout);
	return 0;
}

/* ---- raw ABI ---- */

static int dev;

static struct vctx_str S(const char *p)
{
	struct vctx_str s = { .ptr = (uintptr_t)p, .len = (__u32)strlen(p) };
	return s;
}

static int set_caps(const char *path, __u64 caps)
{
	struct vctx_set_caps c = { .size = sizeof(c), .path = S(path), .caps = caps };

	return ioctl(dev, VCTX_IOC_SET_CAPS, &c);
}

static __u64 caps_of(const char *path)
{
	struct vctx_info i = { .size = sizeof(i), .path = S(path) };

	if (ioctl(dev, VCTX_IOC_INFO, &i))
		return ~0ULL;
	return i.entry.caps;
}

static int abi(void)
{
	struct vctx_version v = { .size = sizeof(v) };
	struct vctx_create c = { .size = sizeof(c), .path = S("/capsabi"),
				 .flags = VCTX_CREATE_CAPS, .caps = 1ULL << 5 };
	struct vctx_set_caps sc;
	struct vctx_destroy d = { .size = sizeof(d), .path = S("/capsabi") };
	struct vctx_info old = { .size = 168, .path = S("/capsabi") };
	char oldbuf[176];

	dev = open("/dev/vctx", O_RDWR);
	ktap_begin("caps_abi");
	EXPECT(dev >= 0, "open /dev/vctx");
	EXPECT(ioctl(dev, VCTX_IOC_VERSION, &v) == 0 &&
	       (v.features & (VCTX_FEAT_CAPS | VCTX_FEAT_REBOOT)) == (VCTX_FEAT_CAPS | VCTX_FEAT_REBOOT),
	       "VERSION reports VCTX_FEAT_CAPS and VCTX_FEAT_REBOOT");
	EXPECT(caps_of("/") == VCTX_CAPS_ALL, "the root context has every capability");

	c.caps = 1ULL << 63;
	EXPECT_ERRNO(EINVAL, ioctl(dev, VCTX_IOC_CREATE, &c), "CREATE: a bit beyond CAP_LAST_CAP: EINVAL");
	c.flags = 0;
	c.caps = 1;
	EXPECT_ERRNO(EINVAL, ioctl(dev, VCTX_IOC_CREATE, &c), "CREATE: caps without VCTX_CREATE_CAPS: EINVAL");
	c.flags = VCTX_CREATE_CAPS;
	c.caps = (1ULL << 5) | (1ULL << 21);
	EXPECT_OK(ioctl(dev, VCTX_IOC_CREATE, &c), "CREATE with caps KILL|SYS_ADMIN");
	EXPECT(caps_of("/capsabi") == ((1ULL << 5) | (1ULL << 21)), "INFO reads the mask back");

	memset(oldbuf, 0xAA, sizeof(oldbuf));
	memcpy(oldbuf, &old, sizeof(old) - 8);
	EXPECT_OK(ioctl(dev, _IOWR(VCTX_IOC_MAGIC, 0x05, char[168]), oldbuf),
		  "INFO with the struct of before VCTX_FEAT_CAPS (168 bytes)");
	EXPECT(oldbuf[168] == (char)0xAA, "... writes nothing past what the caller knows");

	sc = (struct vctx_set_caps){ .size = sizeof(sc), .path = S("/capsabi"), .flags = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(dev, VCTX_IOC_SET_CAPS, &sc), "SET_CAPS: unknown flags: EINVAL");
	sc.flags = 0;
	sc.old_caps = 1;
	EXPECT_ERRNO(EINVAL, ioctl(dev, VCTX_IOC_SET_CAPS, &sc), "SET_CAPS: old_caps not zero: EINVAL");
	sc.old_caps = 0;
	sc.size = 32;
	EXPECT_ERRNO(EINVAL, ioctl(dev, VCTX_IOC_SET_CAPS, &sc), "SET_CAPS: size field != ioctl size: EINVAL");
	EXPECT_ERRNO(EINVAL, ioctl(dev, _IOWR(VCTX_IOC_MAGIC, 0x20, char[32]), &sc),
		     "SET_CAPS: shorter than the first version: EINVAL");
	EXPECT_ERRNO(EINVAL, set_caps("/capsabi", 1ULL << 41), "SET_CAPS: unknown capability bit: EINVAL");
	EXPECT_ERRNO(ENOENT, set_caps("/capsabi_none", 0), "SET_CAPS: missing context: ENOENT");
	EXPECT_ERRNO(EPERM, set_caps("/", 0), "SET_CAPS on the caller's own context: EPERM");
	sc = (struct vctx_set_caps){ .size = sizeof(sc), .path = S("/capsabi"), .caps = 1ULL << 5 };
	EXPECT(ioctl(dev, VCTX_IOC_SET_CAPS, &sc) == 0 && sc.old_caps == ((1ULL << 5) | (1ULL << 21)),
	       "SET_CAPS narrows and reports the old mask");
	EXPECT(caps_of("/capsabi") == 1ULL << 5, "the narrowed mask reads back");
	EXPECT_OK(ioctl(dev, VCTX_IOC_DESTROY, &d), "destroy /capsabi");
	return ktap_end();
}

/* File capabilities: struct vfs_cap_data, revision 2, effective bit. */
static int setcap(const char *file, const char *hex)
{
	unsigned long long caps = strtoull(hex, NULL, 16);
	__u32 data[5] = { 0x02000000 | 1, (__u32)caps, 0, (__u32)(caps >> 32), 0 };

	if (setxattr(file, "security.capability", data, sizeof(data), 0)) {
		printf("setxattr %s: %s\n", file, strerror(errno));
		return errno == EOPNOTSUPP ? 2 : 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "machine"))
		return machine();
	if (!strcmp(m, "host"))
		return host();
	if (!strcmp(m, "status"))
		return status();
	if (!strcmp(m, "loop"))
		return loop();
	if (!strcmp(m, "reboot") && argc > 2)
		return do_reboot(argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(m, "abi"))
		return abi();
	if (!strcmp(m, "setcap") && argc > 3)
		return setcap(argv[2], argv[3]);
	fprintf(stderr, "usage: caps_probe machine|host|status|loop|reboot CMD [MAGIC2]|abi|setcap FILE HEX\n");
	return 2;
}
