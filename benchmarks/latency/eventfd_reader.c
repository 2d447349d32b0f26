// SPDX-License-Identifier: Apache-2.0
/*
 * The host reference reader: the C epoll loop of epoll_reader.c, woken by a
 * handle of the simulated device (core's SimulatedSysGenId) that the Java
 * harness (HostLatency) opened for it. It takes that handle's eventfd out
 * of the harness process with pidfd_getfd(2), maps the simulator's counter
 * page (the memfd named "sysgenid-simulated") read-only as the Java handles
 * do, and for each wake-up reads the counter, takes the time and writes
 * "generation nanoseconds" (CLOCK_MONOTONIC) to stdout; the harness reads
 * that line and acknowledges the handle for it (the simulator's ack is Java).
 * After COUNT events it prints "cpu NANOSECONDS": the CPU time its loop
 * used (CLOCK_THREAD_CPUTIME_ID), for the CPU-per-event comparison.
 *
 * Usage: eventfd_reader PID EVENTFD COUNT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define now_ns() clock_ns(CLOCK_MONOTONIC)

/* Opens the harness's memfd counter page through /proc/PID/fd. */
static int open_counter(int pid)
{
	char dir[64], link[PATH_MAX + 64], target[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int fd = -1;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (strstr(target, "memfd:sysgenid-simulated"))
			fd = open(link, O_RDONLY | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	volatile unsigned int *page;
	int pid, remote, count, pidfd, efd, epfd, cfd, i;
	long long cpu;

	if (argc < 4 || (pid = atoi(argv[1])) <= 0 || (count = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: eventfd_reader PID EVENTFD COUNT\n");
		return 2;
	}
	remote = atoi(argv[2]);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	efd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, remote, 0);
	cfd = open_counter(pid);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0 || cfd < 0 || epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) < 0) {
		fprintf(stderr, "eventfd_reader: pid %d fd %d: %s\n", pid, remote, strerror(errno));
		return 1;
	}
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, cfd, 0);
	if (page == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fprintf(stderr, "eventfd_reader: ready\n");
	cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (i = 0; i < count;) {
		unsigned int gen;
		long long seen;
		uint64_t n;

		if (epoll_wait(epfd, &ev, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			return 1;
		}
		if (read(efd, &n, sizeof(n)) != sizeof(n)) {
			if (errno == EAGAIN)
				continue;
			perror("read");
			return 1;
		}
		gen = *page;
		seen = now_ns();
		i++;
		printf("%u %lld\n", gen, seen);
		fflush(stdout);
	}
	printf("cpu %lld\n", clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu);
	return 0;
}
