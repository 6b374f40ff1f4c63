// SPDX-License-Identifier: GPL-2.0
/*
 * evreader: limit events read with raw read()/poll() on /dev/vctx: whole
 * records only (EINVAL for a buffer that holds none), the record's fields
 * (pid, tgid, comm, context, limit, attempted), one cursor per open file
 * starting at the oldest record kept, POLLIN only while records wait, a reader that falls
 * more than VCTX_EVENTS_KEPT behind gets one OVERFLOW record, and a reader
 * inside a context sees no events of contexts outside it.
 * Run as root in the root context on a quiet system (nothing else hitting
 * limits); creates and removes /evr and /evs.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vctx.h"
#include "ktap.h"

#define REC sizeof(struct vctx_event)

static int ctl;
static __u64 evr_id;
static pid_t last_child;

static struct vctx_str S(const char *p)
{
	struct vctx_str s = { .ptr = (uintptr_t)p, .len = (__u32)strlen(p) };
	return s;
}

static int dev_open(void)
{
	return open("/dev/vctx", O_RDWR | O_CLOEXEC);
}

static int waiting(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/*
 * A child enters /evr (nproc limit 1, so it fills it) and tries @n forks;
 * returns how many failed with EAGAIN (-1 on a setup failure).
 */
static int hits(int n)
{
	int pfd[2], got = -1;
	pid_t c;

	if (pipe(pfd))
		return -1;
	c = fork();
	if (c == 0) {
		struct vctx_enter e = { .size = sizeof(e), .path = S("/evr") };
		int eagain = 0;

		if (ioctl(ctl, VCTX_IOC_ENTER, &e))
			_exit(1);
		for (int i = 0; i < n; i++) {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p > 0)
				waitpid(p, NULL, 0);
			else if (errno == EAGAIN)
				eagain++;
		}
		if (write(pfd[1], &eagain, sizeof(eagain)) != sizeof(eagain))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (c > 0) {
		if (read(pfd[0], &got, sizeof(got)) != sizeof(got))
			got = -1;
		waitpid(c, NULL, 0);
		last_child = c;
	}
	close(pfd[0]);
	return got;
}

/* Reads every waiting record of @fd into @out (at most @max). */
static int drain(int fd, struct vctx_event *out, int max)
{
	int n = 0;

	while (n < max && waiting(fd)) {
		ssize_t r = read(fd, out + n, (size_t)(max - n) * REC);

		if (r <= 0 || r % REC)
			return -1;
		n += (int)(r / REC);
	}
	return n;
}

static int is_hit(const struct vctx_event *e, pid_t pid)
{
	return e->type == VCTX_EVENT_LIMIT && e->resource == VCTX_RES_NPROC &&
	       e->ctx_id == evr_id && e->origin_id == evr_id && e->limit == 1 &&
	       e->attempted == 2 && e->pid == pid && e->tgid == pid &&
	       !strncmp(e->comm, "evreader", sizeof(e->comm)) && e->time_ns > 0;
}

static int consecutive(const struct vctx_event *e, int n)
{
	for (int i = 1; i < n; i++)
		if (e[i].seq != e[i - 1].seq + 1 || e[i].time_ns < e[i - 1].time_ns)
			return 0;
	return 1;
}

/* A reader in /evs (a sibling of /evr) sees none of /evr's events. */
static void outside_reader(void)
{
	int go[2], ready[2], st = -1;
	char ch;
	pid_t c;

	if (pipe(go) || pipe(ready))
		return;
	c = fork();
	if (c == 0) {
		struct vctx_enter e = { .size = sizeof(e), .path = S("/evs") };
		int fd;

		if (ioctl(ctl, VCTX_IOC_ENTER, &e))
			_exit(3);
		fd = dev_open();
		if (fd < 0 || write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) != 1)
			_exit(3);
		_exit(waiting(fd) ? 1 : 0);
	}
	if (read(ready[0], &ch, 1) == 1)
		EXPECT(hits(2) == 2, "two more hits in /evr while a reader in /evs watches");
	if (write(go[1], "g", 1) != 1)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "a reader in /evs sees no event of /evr (outside its subtree)");
}

int main(void)
{
	static struct vctx_event ev[VCTX_EVENTS_KEPT + 64];
	struct vctx_create c = { .size = sizeof(c), .path = S("/evr") };
	struct vctx_create cs = { .size = sizeof(cs), .path = S("/evs") };
	struct vctx_set_limit l = { .size = sizeof(l), .mask = 1U << VCTX_RES_NPROC, .path = S("/evr") };
	int a, b, d, n, lost_ok;
	char small[REC + REC / 2];

	ktap_begin("evreader");
	alarm(120);	/* a read that blocks fails the test instead of hanging it */
	ctl = dev_open();
	a = dev_open();
	EXPECT(ctl >= 0 && a >= 0, "open /dev/vctx twice");
	if (ctl < 0 || a < 0)
		return ktap_end();
	EXPECT_OK(ioctl(ctl, VCTX_IOC_CREATE, &c), "setup: create /evr");
	EXPECT_OK(ioctl(ctl, VCTX_IOC_CREATE, &cs), "setup: create /evs");
	evr_id = c.id;
	l.limit[VCTX_RES_NPROC] = 1;
	EXPECT_OK(ioctl(ctl, VCTX_IOC_SET_LIMIT, &l), "setup: /evr nproc limit 1");

	drain(a, ev, VCTX_EVENTS_KEPT + 64);	/* what earlier tests left */
	EXPECT(!waiting(a), "a reader that read what was kept: no POLLIN");
	EXPECT(hits(3) == 3, "3 forks in a full /evr fail with EAGAIN");
	EXPECT(waiting(a), "then the reader polls POLLIN");
	EXPECT_ERRNO(EINVAL, read(a, small, REC - 1), "read() into a buffer smaller than a record: EINVAL");
	EXPECT(read(a, small, sizeof(small)) == (ssize_t)REC, "read() into 1.5 records returns one whole record");
	memcpy(&ev[0], small, REC);
	n = drain(a, ev + 1, 16);
	EXPECT(n == 2, "the other 2 records follow");
	EXPECT(is_hit(&ev[0], last_child) && is_hit(&ev[1], last_child) && is_hit(&ev[2], last_child),
	       "each record: LIMIT, NPROC, /evr (ctx and origin), limit 1, attempted 2, the pid, tgid and comm");
	if (!is_hit(&ev[0], last_child))
		printf("    # type %u res %u ctx %llu/%llu origin %llu limit %llu attempted %llu pid %d/%d tgid %d comm %.16s\n",
		       ev[0].type, ev[0].resource, (unsigned long long)ev[0].ctx_id,
		       (unsigned long long)evr_id, (unsigned long long)ev[0].origin_id,
		       (unsigned long long)ev[0].limit, (unsigned long long)ev[0].attempted,
		       ev[0].pid, last_child, ev[0].tgid, ev[0].comm);
	EXPECT(consecutive(ev, 3) && ev[0].seq > 0, "seq counts up by one, time_ns does not go back");
	EXPECT(!waiting(a), "drained: no POLLIN");

	/* Cursors: each open file its own; reading one consumes nothing of another. */
	b = dev_open();
	d = dev_open();
	{
		struct vctx_event ea[8], eb[8], ed[8];
		__u64 last = ev[2].seq;

		n = drain(b, ev + 8, VCTX_EVENTS_KEPT);
		EXPECT(n >= 3 && ev[8 + n - 1].seq == last,
		       "a reader opened later starts at the oldest record kept: it reads the earlier hits too");
		drain(d, ev + 8, VCTX_EVENTS_KEPT);
		EXPECT(hits(2) == 2, "2 more hits");
		EXPECT(drain(b, eb, 8) == 2, "then it reads only the 2 new ones");
		EXPECT(drain(d, ed, 8) == 2, "a third reader reads the same 2 (the second one's read took nothing)");
		EXPECT(drain(a, ea, 8) == 2, "the first reader reads the same 2, no more");
		EXPECT(ea[0].seq == last + 1 && eb[0].seq == ea[0].seq && ed[1].seq == ea[1].seq,
		       "same records (seq) for every reader, continuing the first batch");
	}

	/* Overflow: more than VCTX_EVENTS_KEPT hits while b does not read. */
	n = hits(VCTX_EVENTS_KEPT + 100);
	EXPECT(n == VCTX_EVENTS_KEPT + 100, "1124 refused forks (the kernel is not held up by readers that do not read)");
	n = drain(b, ev, VCTX_EVENTS_KEPT + 64);
	EXPECT(n > 0 && ev[0].type == VCTX_EVENT_OVERFLOW, "the reader that fell behind first gets an OVERFLOW record");
	lost_ok = n > 0 && ev[0].lost >= 100 && ev[0].lost + (n - 1) == VCTX_EVENTS_KEPT + 100;
	EXPECT(lost_ok, "OVERFLOW.lost + the records it still reads = the 1124 hits (lost >= 100)");
	if (n > 0 && !lost_ok)
		printf("    # read %d records, lost %llu\n", n, (unsigned long long)ev[0].lost);
	EXPECT(n > 1 && is_hit(&ev[n - 1], last_child) && consecutive(ev + 1, n - 1),
	       "then the latest records, consecutive, ending with the last hit");
	EXPECT(n > 1 && ev[0].seq <= ev[1].seq, "OVERFLOW's seq is that of the first record after the gap");
	EXPECT(!waiting(b), "after that nothing waits");
	n = drain(d, ev, VCTX_EVENTS_KEPT + 64);
	EXPECT(n > 0 && ev[0].type == VCTX_EVENT_OVERFLOW, "another reader that did not read: its own OVERFLOW");

	outside_reader();
	n = drain(a, ev, VCTX_EVENTS_KEPT + 64);
	EXPECT(n > 0 && is_hit(&ev[n - 1], last_child), "while the root reader saw them");

	{
		struct vctx_destroy dr = { .size = sizeof(dr), .path = S("/evr") };
		struct vctx_destroy ds = { .size = sizeof(ds), .path = S("/evs") };

		EXPECT_OK(ioctl(ctl, VCTX_IOC_DESTROY, &dr), "cleanup: destroy /evr");
		EXPECT_OK(ioctl(ctl, VCTX_IOC_DESTROY, &ds), "cleanup: destroy /evs");
	}
	return ktap_end();
}
