// SPDX-License-Identifier: Apache-2.0
/*
 * The reference reader for the latency benchmark: the seed's example 2, an
 * epoll loop that reads each new generation, records when it saw it, and
 * acknowledges it. Prints "generation seen acked" for each event once COUNT
 * events have been handled: when it had read the generation and when its
 * acknowledgement was written, in CLOCK_MONOTONIC nanoseconds. With COUNT 0
 * it runs until killed and prints nothing (a party of the orchestration
 * run).
 *
 * Usage: epoll_reader COUNT [DEVICE]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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
	const char *path = argc > 2 ? argv[2] : "/dev/sysgenid";
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int *gens;
	long long *seen, *acked;
	int count, fd, epfd, i;

	if (argc < 2 || (count = atoi(argv[1])) < 0) {
		fprintf(stderr, "usage: epoll_reader COUNT [DEVICE]\n");
		return 2;
	}
	gens = calloc(count + 1, sizeof(*gens));
	seen = calloc(count + 1, sizeof(*seen));
	acked = calloc(count + 1, sizeof(*acked));
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!gens || !seen || !acked || fd < 0 || epfd < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fprintf(stderr, "epoll_reader: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "epoll_reader: ready\n");
	for (i = 0; count == 0 || i < count;) {
		unsigned int gen;

		if (epoll_wait(epfd, &ev, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			return 1;
		}
		if (read(fd, &gen, sizeof(gen)) != sizeof(gen)) {
			if (errno == EAGAIN)
				continue;
			perror("read");
			return 1;
		}
		seen[i] = now_ns();
		gens[i] = gen;
		if (write(fd, &gen, sizeof(gen)) != sizeof(gen) && errno != EINVAL) {
			perror("write");
			return 1;
		}
		acked[i] = now_ns();
		if (count > 0)
			i++;
	}
	for (i = 0; i < count; i++)
		printf("%u %lld %lld\n", gens[i], seen[i], acked[i]);
	return 0;
}
