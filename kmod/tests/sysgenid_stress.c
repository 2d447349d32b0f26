// SPDX-License-Identifier: GPL-2.0
/*
 * Stress run for /dev/sysgenid: worker threads open, read, acknowledge,
 * poll, ioctl, mmap and close at random while two bumper threads bump the
 * generation concurrently, each about every millisecond. Every result must
 * be one the ABI allows, the counts must stay in range, no thread may see
 * the generation go backwards, the final generation must be the start plus
 * the number of successful bumps exactly (none lost to a race), and at the
 * end no watcher may be left. TAP output, non-zero exit on any failure. Run as
 * root (the bumps need CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE).
 *
 * Usage: sysgenid_stress [SECONDS [THREADS]]   (default 60 s, 8 threads)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sysgenid.h>

#define DEV "/dev/sysgenid"
#define SYSFS "/sys/class/misc/sysgenid/"
#define MAX_FDS 4
#define MAX_ERRNO 160
#define NR_BUMPERS 2
#define NO_ERR 0		/* an allowed-errno list's terminator */

enum op {
	OPEN, READ, ACK, POLL, OUTDATED, TRACK, WAIT, WAIT_V2, UNKNOWN, MMAP, CLOSE,
	NR_WORKER_OPS, BUMP = NR_WORKER_OPS, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"open", "read", "ack", "poll", "get_outdated", "set_tracking",
	"wait(v4,1ms)", "wait(v2,1ms)", "unknown_ioctl", "mmap", "close", "trigger",
};

/* Per op: calls, successes, failures by errno, and how many were unexpected. */
static atomic_long calls[NR_OPS], oks[NR_OPS], errs[NR_OPS][MAX_ERRNO + 1];
static atomic_long unexpected[NR_OPS], backwards, out_of_range;
static atomic_bool stop_workers, stop_bumper;
static atomic_long bumps, values_read, acks_done;
static int nthreads = 8;

static void complain(enum op op, const char *what, long r, int err)
{
	if (atomic_fetch_add(&unexpected[op], 1) < 5)
		printf("# unexpected: %s: %s (returned %ld, errno %d %s)\n",
		       op_names[op], what, r, err, err ? strerror(err) : "-");
}

/*
 * Counts a result. ok: the call succeeded as it should; otherwise errno must
 * be in the zero-terminated list allowed.
 */
static void account(enum op op, bool ok, long r, int err, const int *allowed)
{
	atomic_fetch_add(&calls[op], 1);
	if (ok) {
		atomic_fetch_add(&oks[op], 1);
		return;
	}
	atomic_fetch_add(&errs[op][err > 0 && err <= MAX_ERRNO ? err : 0], 1);
	for (; allowed && *allowed != NO_ERR; allowed++)
		if (*allowed == err)
			return;
	complain(op, r >= 0 ? "wrong result" : "failed", r, err);
}

static const int none[] = { NO_ERR };
static const int e_again[] = { EAGAIN, NO_ERR };
static const int e_inval[] = { EINVAL, NO_ERR };
static const int e_badf[] = { EBADF, NO_ERR };
static const int e_intr[] = { EINTR, NO_ERR };
static const int e_time_intr[] = { ETIME, EINTR, NO_ERR };
static const int e_notty_inval[] = { ENOTTY, EINVAL, NO_ERR };

struct slot {
	int fd;
	bool rdwr;		/* O_RDWR | O_NONBLOCK; else O_RDONLY, blocking */
	unsigned int last_read;
};

struct worker {
	pthread_t thread;
	unsigned int seed;
	unsigned int seen;	/* the newest generation this thread saw */
	struct slot slots[MAX_FDS];
};

/* A thread must never see the generation go backwards (no wrap in a run). */
static void saw(struct worker *w, unsigned int gen, enum op op)
{
	if ((int32_t)(gen - w->seen) < 0) {
		if (atomic_fetch_add(&backwards, 1) < 5)
			printf("# %s: generation %u after %u\n", op_names[op], gen, w->seen);
	} else {
		w->seen = gen;
	}
}

static void do_op(struct worker *w)
{
	struct slot *s = &w->slots[rand_r(&w->seed) % MAX_FDS];
	enum op op = rand_r(&w->seed) % NR_WORKER_OPS;
	unsigned int gen;
	long r;
	int err;

	if (s->fd < 0)
		op = OPEN;
	errno = 0;
	switch (op) {
	case OPEN:
		if (s->fd >= 0)
			close(s->fd);
		s->rdwr = rand_r(&w->seed) & 1;
		s->fd = open(DEV, (s->rdwr ? O_RDWR | O_NONBLOCK : O_RDONLY) | O_CLOEXEC);
		account(OPEN, s->fd >= 0, s->fd, errno, none);
		break;
	case READ:
		/* A blocking read sleeps until the bumper's next bump. */
		r = read(s->fd, &gen, sizeof(gen));
		err = errno;
		account(READ, r == sizeof(gen), r, err, s->rdwr ? e_again : none);
		if (r == sizeof(gen)) {
			s->last_read = gen;
			saw(w, gen, READ);
			atomic_fetch_add(&values_read, 1);
		}
		break;
	case ACK:
		/* EINVAL: superseded by a newer bump; EBADF: a read-only fd. */
		gen = s->last_read;
		r = write(s->fd, &gen, sizeof(gen));
		err = errno;
		if (s->rdwr)
			account(ACK, r == sizeof(gen), r, err, e_inval);
		else
			account(ACK, false, r, err, e_badf);
		if (r == sizeof(gen))
			atomic_fetch_add(&acks_done, 1);
		break;
	case POLL: {
		struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLRDNORM };

		r = poll(&p, 1, 0);
		err = errno;
		account(POLL, (r == 0 && !p.revents) ||
			(r == 1 && p.revents == (POLLIN | POLLRDNORM)), r, err, none);
		break;
	}
	case OUTDATED:
		r = ioctl(s->fd, SYSGENID_GET_OUTDATED_WATCHERS, 0);
		err = errno;
		account(OUTDATED, r >= 0, r, err, none);
		if (r > (long)nthreads * MAX_FDS && atomic_fetch_add(&out_of_range, 1) < 5)
			printf("# GET_OUTDATED_WATCHERS says %ld, more than %d files\n",
			       r, nthreads * MAX_FDS);
		break;
	case TRACK: {
		/* A read-only file may not become a watcher: EBADF. */
		int on = rand_r(&w->seed) & 1;

		r = ioctl(s->fd, SYSGENID_SET_WATCHER_TRACKING, on);
		err = errno;
		if (s->rdwr || !on)
			account(TRACK, r == 0, r, err, none);
		else
			account(TRACK, false, r, err, e_badf);
		break;
	}
	case WAIT:
		/* 0; EINTR: on timeout (v4), or when this fd is outdated. */
		r = ioctl(s->fd, SYSGENID_WAIT_WATCHERS, 1);
		account(WAIT, r == 0, r, errno, e_intr);
		break;
	case WAIT_V2:
		r = ioctl(s->fd, SYSGENID_WAIT_WATCHERS_V2, 1);
		account(WAIT_V2, r == 0, r, errno, e_time_intr);
		break;
	case UNKNOWN:
		r = ioctl(s->fd, _IO(SYSGENID_IOCTL_V2, 0x7f), 0);
		account(UNKNOWN, false, r, errno, e_notty_inval);
		break;
	case MMAP: {
		volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, s->fd, 0);

		account(MMAP, page != MAP_FAILED, page == MAP_FAILED ? -1 : 0, errno, none);
		if (page != MAP_FAILED) {
			saw(w, *page, MMAP);
			munmap((void *)page, 4);
		}
		break;
	}
	case CLOSE:
		r = close(s->fd);
		account(CLOSE, r == 0, r, errno, none);
		s->fd = -1;
		break;
	default:
		break;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < MAX_FDS; i++)
		w->slots[i].fd = -1;
	while (!atomic_load(&stop_workers))
		do_op(w);
	for (i = 0; i < MAX_FDS; i++)
		if (w->slots[i].fd >= 0)
			close(w->slots[i].fd);
	return NULL;
}

/* Runs until every worker is done, so no blocking read is left asleep. */
static void *bumper(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	int fd = open(DEV, O_RDONLY | O_CLOEXEC);
	long r;

	(void)arg;
	if (fd < 0)
		complain(BUMP, "open", fd, errno);
	while (fd >= 0 && !atomic_load(&stop_bumper)) {
		r = ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0);
		account(BUMP, r == 0, r, errno, none);
		if (r == 0)
			atomic_fetch_add(&bumps, 1);
		nanosleep(&ms, NULL);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static long sysfs(const char *name)
{
	char buf[32] = "";
	FILE *f = fopen(name, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

static int n, failed;

static void result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !ok;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 60;
	struct worker *workers;
	pthread_t bump_threads[NR_BUMPERS];
	long total = 0, bad = 0, w, o;
	unsigned int start, end;
	int i, e;

	if (argc > 2)
		nthreads = atoi(argv[2]);
	if (seconds <= 0 || nthreads <= 0) {
		fprintf(stderr, "usage: sysgenid_stress [SECONDS [THREADS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..6\n");
	w = sysfs(SYSFS "watchers");
	o = sysfs(SYSFS "outdated_watchers");
	start = sysfs(SYSFS "generation");
	if (geteuid() != 0 || w != 0 || o != 0 || access(DEV, R_OK | W_OK)) {
		printf("Bail out! needs root, %s and no watcher at the start (%ld/%ld)\n",
		       DEV, w, o);
		return 1;
	}
	printf("# %d worker threads and %d bumpers for %d s, from generation %u\n",
	       nthreads, NR_BUMPERS, seconds, start);

	workers = calloc(nthreads, sizeof(*workers));
	for (i = 0; i < nthreads; i++) {
		workers[i].seed = 0x5eed + i;
		workers[i].seen = start;
		pthread_create(&workers[i].thread, NULL, work, &workers[i]);
	}
	for (i = 0; i < NR_BUMPERS; i++)
		pthread_create(&bump_threads[i], NULL, bumper, NULL);
	sleep(seconds);
	atomic_store(&stop_workers, true);
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);
	atomic_store(&stop_bumper, true);
	for (i = 0; i < NR_BUMPERS; i++)
		pthread_join(bump_threads[i], NULL);
	end = sysfs(SYSFS "generation");

	for (i = 0; i < NR_OPS; i++) {
		char line[512];
		int len;

		len = snprintf(line, sizeof(line), "# %-14s %9ld calls %9ld ok",
			       op_names[i], calls[i], oks[i]);
		for (e = 0; e <= MAX_ERRNO; e++)
			if (errs[i][e] && len < (int)sizeof(line))
				len += snprintf(line + len, sizeof(line) - len, " %ld %s",
						errs[i][e], e ? strerrorname_np(e) : "other");
		if (unexpected[i] && len < (int)sizeof(line))
			snprintf(line + len, sizeof(line) - len, "  (%ld UNEXPECTED)",
				 unexpected[i]);
		printf("%s\n", line);
		total += calls[i];
		bad += unexpected[i];
	}
	printf("# %ld bumps, %ld calls, %ld values read, %ld acks; generation %u -> %u\n",
	       atomic_load(&bumps), total, atomic_load(&values_read),
	       atomic_load(&acks_done), start, end);

	result(bad == 0, "every result and errno was one the ABI allows (%ld not)", bad);
	result(out_of_range == 0, "GET_OUTDATED_WATCHERS stayed within the open files");
	result(backwards == 0, "no thread saw the generation go backwards");
	result(end - start == (unsigned int)bumps,
	       "the generation went %u -> %u: exactly one per successful TRIGGER(0) of %d "
	       "concurrent bumpers (%ld)", start, end, NR_BUMPERS, atomic_load(&bumps));
	result(total > 0 && bumps > 0 && values_read > 0 && acks_done > 0,
	       "the run did work");
	w = sysfs(SYSFS "watchers");
	o = sysfs(SYSFS "outdated_watchers");
	result(w == 0 && o == 0, "no watcher left (%ld watchers, %ld outdated)", w, o);
	free(workers);
	return failed ? 1 : 0;
}
