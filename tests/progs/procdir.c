// SPDX-License-Identifier: GPL-2.0
/*
 * procdir: reads a /proc directory with getdents64(2) and a buffer of the
 * given size (a tiny one makes one call per entry, so the listing resumes
 * from the file position on every call), and checks what it gets.
 *
 *   procdir list DIR BUFSZ [UID]   the entries in order, "name ino type"
 *       a line, then "me PID" (its own pid). Run as UID if given
 *       (setresgid/setresuid first). Exit 2 if a name comes twice or the
 *       pid entries are not in increasing order, 3 if the inode number of
 *       a pid, self or thread-self entry is not what lstat() of DIR/name
 *       says (a name gone by then is left out of that check).
 *   procdir seek DIR BUFSZ         reads the whole listing, then, for every
 *       entry, lseek()s to the offset the entry before it reported (d_off;
 *       0 for the first, as telldir/seekdir do) and reads one entry: it
 *       must be the same one. Prints "seek ok N"; exit 4 otherwise.
 *   procdir kill DIR BUFSZ PID     as list, with SIGKILL sent to PID after
 *       the first getdents call (an exit in the middle of the readdir).
 *   procdir sleepas UID SECONDS    sleeps as UID (a process hidepid= can
 *       show to UID).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define MAX_ENTRIES 8192

struct entry {
	char name[64];
	unsigned long long ino;
	long long off;
	unsigned char type;
};

static struct entry ents[MAX_ENTRIES];

/*
 * Drops to @uid (and the same gid, no supplementary group: root's group 0
 * would be hidepid's default gid=), dumpable again so that hidepid's ptrace
 * check lets the same uid see it.
 */
static void become(const char *uid)
{
	uid_t u = (uid_t)atol(uid);

	if (setgroups(0, NULL) || setresgid(u, u, u) || setresuid(u, u, u) ||
	    prctl(PR_SET_DUMPABLE, 1)) {
		perror("setresuid");
		exit(1);
	}
}

/* Reads the directory open at @fd from its position; returns the count. */
static int read_all(int fd, size_t bufsz, pid_t kill_pid)
{
	char *buf = malloc(bufsz);
	int n = 0, calls = 0;
	long got;

	if (!buf) {
		perror("malloc");
		exit(1);
	}
	while ((got = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		for (long o = 0; o < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + o);

			if (n == MAX_ENTRIES) {
				fprintf(stderr, "too many entries\n");
				exit(1);
			}
			snprintf(ents[n].name, sizeof(ents[n].name), "%s", d->d_name);
			ents[n].ino = d->d_ino;
			ents[n].off = d->d_off;
			ents[n].type = d->d_type;
			n++;
			o += d->d_reclen;
		}
		if (++calls == 1 && kill_pid > 0) {
			kill(kill_pid, SIGKILL);
			usleep(300000);
		}
	}
	if (got < 0) {
		perror("getdents64");
		exit(1);
	}
	free(buf);
	return n;
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int list(const char *dir, size_t bufsz, pid_t kill_pid)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n, rc = 0;
	long last = -1;

	if (fd < 0) {
		perror(dir);
		return 1;
	}
	n = read_all(fd, bufsz, kill_pid);
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		printf("%s %llu %u\n", ents[i].name, ents[i].ino, ents[i].type);
		for (int j = 0; j < i; j++)
			if (!strcmp(ents[i].name, ents[j].name)) {
				fprintf(stderr, "%s comes twice\n", ents[i].name);
				rc = 2;
			}
		if (is_pid(ents[i].name)) {
			long p = atol(ents[i].name);

			if (p <= last) {
				fprintf(stderr, "%ld after %ld\n", p, last);
				rc = 2;
			}
			last = p;
		}
		if ((is_pid(ents[i].name) || !strcmp(ents[i].name, "self") ||
		     !strcmp(ents[i].name, "thread-self")) &&
		    snprintf(path, sizeof(path), "%.4000s/%.63s", dir, ents[i].name) > 0 &&
		    lstat(path, &st) == 0 && st.st_ino != ents[i].ino) {
			fprintf(stderr, "%s: readdir says inode %llu, lstat %llu\n", ents[i].name,
				ents[i].ino, (unsigned long long)st.st_ino);
			if (!rc)
				rc = 3;
		}
	}
	printf("me %d\n", getpid());
	close(fd);
	return rc;
}

static int seek(const char *dir, size_t bufsz)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n;
	char buf[4096];

	if (fd < 0) {
		perror(dir);
		return 1;
	}
	n = read_all(fd, bufsz, 0);
	for (int i = 0; i < n; i++) {
		long long off = i ? ents[i - 1].off : 0;
		struct dirent64 *d = (struct dirent64 *)buf;
		long got;

		if (lseek(fd, off, SEEK_SET) != off) {
			perror("lseek");
			return 4;
		}
		got = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (got <= 0 || strcmp(d->d_name, ents[i].name)) {
			fprintf(stderr, "at offset %lld: %s, wanted %s\n", off,
				got > 0 ? d->d_name : "(end)", ents[i].name);
			return 4;
		}
	}
	/* After the last entry: the end. */
	if (n && lseek(fd, ents[n - 1].off, SEEK_SET) == ents[n - 1].off &&
	    syscall(SYS_getdents64, fd, buf, sizeof(buf)) != 0) {
		fprintf(stderr, "entries after the last one\n");
		return 4;
	}
	printf("seek ok %d\n", n);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sleepas")) {
		become(argv[2]);
		sleep((unsigned int)atoi(argv[3]));
		return 0;
	}
	if (argc < 4)
		goto usage;
	size_t bufsz = (size_t)atol(argv[3]);

	if (!strcmp(argv[1], "list") && argc <= 5) {
		if (argc == 5)
			become(argv[4]);
		return list(argv[2], bufsz, 0);
	}
	if (!strcmp(argv[1], "seek") && argc == 4)
		return seek(argv[2], bufsz);
	if (!strcmp(argv[1], "kill") && argc == 5)
		return list(argv[2], bufsz, (pid_t)atol(argv[4]));
usage:
	fprintf(stderr, "usage: procdir list DIR BUFSZ [UID] | seek DIR BUFSZ | "
			"kill DIR BUFSZ PID | sleepas UID SECONDS\n");
	return 1;
}
