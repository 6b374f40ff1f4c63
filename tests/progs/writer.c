// SPDX-License-Identifier: GPL-2.0
/*
 * writer FILE MIB [exit]: writes MIB MiB to FILE in 64 KiB write() calls,
 * prints "done <pid>", then holds until killed (so /proc/<pid>/io can be
 * compared with the context's counters); with "exit" it exits instead.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[64 << 10];
	long mib = argc > 2 ? atol(argv[2]) : 0;
	int fd;

	if (mib <= 0) {
		fprintf(stderr, "usage: writer FILE MIB [exit]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(buf, 'w', sizeof(buf));
	for (long i = 0; i < mib * 16; i++) {
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			perror("write");
			return 1;
		}
	}
	close(fd);
	printf("done %d\n", getpid());
	fflush(stdout);
	if (argc > 3 && !strcmp(argv[3], "exit"))
		return 0;
	for (;;)
		pause();
}
