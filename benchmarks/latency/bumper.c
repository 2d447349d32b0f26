// SPDX-License-Identifier: Apache-2.0
/*
 * The other half of the latency benchmark: bumps the generation COUNT
 * times, recording when each bump was asked for, and after each one waits
 * until every watcher has acknowledged it (SYSGENID_WAIT_WATCHERS_V2) and
 * then lets the readers go idle for GAP_US microseconds, so every sample
 * measures a wake-up from idle. Prints "generation asked waited" per bump:
 * when the bump was asked for and when WAIT_WATCHERS returned, in
 * CLOCK_MONOTONIC nanoseconds. Needs CAP_SYS_ADMIN.
 *
 * Usage: bumper COUNT [GAP_US] [DEVICE]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sysgenid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 0;
	int gap_us = argc > 2 ? atoi(argv[2]) : 2000;
	const char *path = argc > 3 ? argv[3] : "/dev/sysgenid";
	volatile unsigned int *page;
	unsigned int *gens;
	long long *asked, *waited;
	int fd, i;

	if (count <= 0) {
		fprintf(stderr, "usage: bumper COUNT [GAP_US] [DEVICE]\n");
		return 2;
	}
	gens = calloc(count, sizeof(*gens));
	asked = calloc(count, sizeof(*asked));
	waited = calloc(count, sizeof(*waited));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (!gens || !asked || !waited || fd < 0) {
		fprintf(stderr, "bumper: %s: %s\n", path, strerror(errno));
		return 1;
	}
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < count; i++) {
		unsigned int gen;

		usleep(gap_us);
		asked[i] = now_ns();
		if (ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0) < 0) {
			perror("SYSGENID_TRIGGER_GEN_UPDATE");
			return 1;
		}
		gen = *page;
		gens[i] = gen;
		/* Our own fd is outdated now: ack it, or WAIT answers EINTR. */
		if (write(fd, &gen, sizeof(gen)) != sizeof(gen)) {
			perror("write");
			return 1;
		}
		if (ioctl(fd, SYSGENID_WAIT_WATCHERS_V2, 10000) < 0) {
			fprintf(stderr, "bumper: generation %u: the readers did not ack in 10 s: %s\n",
				gen, strerror(errno));
			return 1;
		}
		waited[i] = now_ns();
	}
	for (i = 0; i < count; i++)
		printf("%u %lld %lld\n", gens[i], asked[i], waited[i]);
	return 0;
}
