// SPDX-License-Identifier: GPL-2.0
/*
 * The watcher of the snapshot scenario (snapshot-guest.sh): opens the
 * device, blocks in read() until the generation changes - in a clone, that
 * is the VM-fork backend's doing - then acknowledges and checks the ack
 * took. Prints WATCHER-READY, WATCHER-WOKE, WATCHER-ACKED, or WATCHER-FAIL
 * with a reason and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sysgenid.h>

static void fail(const char *what)
{
	printf("WATCHER-FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(void)
{
	volatile unsigned int *page;
	unsigned int start, gen, again;
	int fd, outdated;
	ssize_t n;

	setvbuf(stdout, NULL, _IONBF, 0);
	fd = open("/dev/sysgenid", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail("open /dev/sysgenid");
	page = mmap(NULL, sizeof(*page), PROT_READ, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		fail("mmap");
	start = *page;
	printf("WATCHER-READY gen=%u\n", start);

	n = read(fd, &gen, sizeof(gen));
	if (n != sizeof(gen)) {
		if (n >= 0) {
			printf("WATCHER-FAIL blocking read returned %zd bytes\n", n);
			return 1;
		}
		fail("blocking read");
	}
	if (gen == start) {
		errno = 0;
		fail("read returned the generation the watcher started at");
	}
	printf("WATCHER-WOKE gen=%u\n", gen);

	if (*page != gen) {
		printf("WATCHER-FAIL the mapping says %u, read said %u\n", *page, gen);
		return 1;
	}
	if (write(fd, &gen, sizeof(gen)) != sizeof(gen))
		fail("ack");
	outdated = ioctl(fd, SYSGENID_GET_OUTDATED_WATCHERS, 0);
	if (outdated != 0) {
		printf("WATCHER-FAIL %d outdated watcher(s) after the ack\n", outdated);
		return 1;
	}
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		fail("fcntl O_NONBLOCK");
	n = read(fd, &again, sizeof(again));
	if (n != -1 || errno != EAGAIN) {
		printf("WATCHER-FAIL a read after the ack gave %zd (%s), not EAGAIN\n",
		       n, n < 0 ? strerror(errno) : "data");
		return 1;
	}
	printf("WATCHER-ACKED gen=%u\n", gen);
	return 0;
}
