// SPDX-License-Identifier: GPL-2.0
/*
 * memtouch MIB [exit]: maps MIB MiB of anonymous memory, writes to every
 * page (so all of it is resident), prints "ready <pid>" and holds it until
 * killed; with "exit" it exits instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 0;
	size_t len = (size_t)mib << 20;
	char *p;

	if (mib <= 0) {
		fprintf(stderr, "usage: memtouch MIB [exit]\n");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	printf("ready %d\n", getpid());
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "exit"))
		return 0;
	for (;;)
		pause();
}
