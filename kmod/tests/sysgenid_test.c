// SPDX-License-Identifier: GPL-2.0
/*
 * ABI conformance suite for /dev/sysgenid, both ioctl families
 * (see include/uapi/linux/sysgenid.h).
 *
 * Every test runs in a child process with its own time limit, so a test
 * that hangs fails alone, and must leave no watcher behind. Output is TAP;
 * the exit status is non-zero when any test fails. Must run as root. The
 * first test checks that the counter starts at 0 (Firecracker's 1..5), so
 * run the suite right after the module is loaded; every other test uses
 * relative values only.
 *
 * Where a test needs another thread to be asleep inside a system call
 * (a blocked read, a WAIT_WATCHERS), it watches the thread's state and
 * system call in /proc rather than sleeping and hoping.
 *
 * Usage: sysgenid_test [--firecracker] [-t TEST]... [-x] [-l] [DEVICE]
 *   --firecracker  only the 1..5 check (SKIP unless the generation is 0)
 *   -t TEST        only the named test(s)
 *   -x             stop at the first failing test
 *   -l             list the tests
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/sysgenid.h>

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

#define SYSFS "/sys/class/misc/sysgenid/"
#define TEST_TIMEOUT_S 120	/* per test, generous for TCG */

/* SYSGENID_TEST_TIMEOUT overrides it: mutants only need to fail, fast. */
static unsigned int test_timeout(void)
{
	const char *s = getenv("SYSGENID_TEST_TIMEOUT");

	return s && atoi(s) > 0 ? (unsigned int)atoi(s) : TEST_TIMEOUT_S;
}
#define BLOCK_TIMEOUT_MS 60000	/* how long a thread may take to fall asleep */
#define GRACE_MS 200		/* "still blocked" checks */
#define LONG_MS 60000		/* WAIT timeouts that must not fire */
#define SLACK_MS 5000		/* upper bound on "at once" and on a timeout's overrun */
#define NOBODY 65534
#define KSFT_SKIP 4

static const char *dev = "/dev/sysgenid";
static int failures;

/* ---- reporting --------------------------------------------------------- */

#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf(" [%s]\n", #cond);				\
		__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);	\
	}								\
} while (0)

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		EXPECT(cond, __VA_ARGS__);				\
		fflush(stdout);						\
		_exit(1);						\
	}								\
} while (0)

#define EXPECT_ERRNO(call, err) do {					\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	EXPECT(__r == -1 && __e == (err),				\
	       "%s gave %ld/%s, expected -1/%s", #call, __r,		\
	       strerror(__e), strerror(err));				\
} while (0)

static void skip(const char *why)
{
	printf("# SKIP %s\n", why);
	fflush(stdout);
	_exit(KSFT_SKIP);
}

/* ---- time -------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- device helpers ---------------------------------------------------- */

static int dev_open(int flags)
{
	int fd = open(dev, flags | O_CLOEXEC);

	ASSERT(fd >= 0, "open %s: %s", dev, strerror(errno));
	return fd;
}

static unsigned int sysfs(const char *name)
{
	char path[128], buf[32] = "";
	int fd, n;

	snprintf(path, sizeof(path), SYSFS "%s", name);
	fd = open(path, O_RDONLY);
	ASSERT(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT(n > 0, "read %s", path);
	return strtoul(buf, NULL, 10);
}

/* last_change_ns: CLOCK_MONOTONIC nanoseconds, too wide for sysfs(). */
static unsigned long long last_change_ns(void)
{
	char buf[32] = "";
	int fd, n;

	fd = open(SYSFS "last_change_ns", O_RDONLY);
	ASSERT(fd >= 0, "open " SYSFS "last_change_ns: %s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT(n > 0, "read last_change_ns");
	return strtoull(buf, NULL, 10);
}

#define generation()	sysfs("generation")
#define watchers()	sysfs("watchers")
#define outdated()	sysfs("outdated_watchers")

/* Moves the generation with the deployed ioctl on a fresh read-only fd. */
static unsigned int bump_to(unsigned int min)
{
	int fd = dev_open(O_RDONLY);

	ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, min) == 0,
	       "TRIGGER(%u): %s", min, strerror(errno));
	close(fd);
	return generation();
}

static unsigned int bump(void)
{
	return bump_to(0);
}

/* A read: the value, or -1 with errno set. */
static long read_gen(int fd)
{
	unsigned int gen;
	ssize_t n = read(fd, &gen, sizeof(gen));

	if (n == sizeof(gen))
		return gen;
	if (n >= 0)
		errno = EIO;
	return -1;
}

static bool ack(int fd, unsigned int gen)
{
	return write(fd, &gen, sizeof(gen)) == sizeof(gen);
}

/* A tracked watcher: nonblocking, read once (EAGAIN while up to date). */
static int watcher(void)
{
	int fd = dev_open(O_RDWR | O_NONBLOCK);

	EXPECT(read_gen(fd) == -1 && errno == EAGAIN, "a fresh watcher is not up to date");
	return fd;
}

/* An fd that is neither a watcher nor ever read or polled. */
static int untracked(void)
{
	return dev_open(O_RDWR | O_NONBLOCK);
}

/* Acknowledges what a nonblocking read of fd reports, if anything. */
static void ack_current(int fd)
{
	long gen = read_gen(fd);

	if (gen >= 0)
		ASSERT(ack(fd, gen), "ack %ld: %s", gen, strerror(errno));
	else
		ASSERT(errno == EAGAIN, "read: %s", strerror(errno));
}

static long wait_watchers(int fd, unsigned long cmd, unsigned long ms)
{
	return ioctl(fd, cmd, ms);
}

static const unsigned long wait_cmds[] = {
	SYSGENID_WAIT_WATCHERS, SYSGENID_WAIT_WATCHERS_V2,
};
static const char *const wait_names[] = { "v4 WAIT", "v2 WAIT" };

/* ---- watching another thread sleep -------------------------------------- */

static pid_t my_tid(void)
{
	return syscall(SYS_gettid);
}

/*
 * Whether thread tid is asleep (S) inside system call nr or nr2. Where
 * /proc/PID/syscall is missing, the sleep alone counts.
 */
static bool asleep_in(pid_t tid, long nr, long nr2)
{
	char path[64], buf[512];
	char *p;
	int fd, n;
	long sc;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != 'S')
		return false;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = 0;
	if (!strncmp(buf, "running", 7))
		return false;
	sc = strtol(buf, NULL, 10);
	return sc == nr || sc == nr2;
}

/*
 * Polls until thread tid sleeps in system call nr/nr2; false if *stop was
 * set (the thread returned from the call) or it never fell asleep.
 */
static bool wait_asleep(pid_t tid, long nr, long nr2, volatile bool *stop)
{
	long long t0 = now_ms();

	while (!asleep_in(tid, nr, nr2)) {
		if ((stop && *stop) || now_ms() - t0 > BLOCK_TIMEOUT_MS)
			return false;
		sleep_ms(2);
	}
	return true;
}

/* A helper thread that acts once the calling thread sleeps in a call. */
struct later {
	pthread_t thread;
	pid_t tid;			/* the thread to watch */
	long nr;			/* the system call it should sleep in */
	volatile bool done;		/* the watched call returned */
	bool acted;
	void (*fn)(struct later *);
	int fd, fd2;
};

static void *later_run(void *arg)
{
	struct later *l = arg;

	if (wait_asleep(l->tid, l->nr, l->nr, &l->done)) {
		l->acted = true;
		l->fn(l);
	}
	return NULL;
}

static void later(struct later *l, long nr, void (*fn)(struct later *), int fd, int fd2)
{
	memset(l, 0, sizeof(*l));
	l->tid = my_tid();
	l->nr = nr;
	l->fn = fn;
	l->fd = fd;
	l->fd2 = fd2;
	ASSERT(pthread_create(&l->thread, NULL, later_run, l) == 0, "pthread_create");
}

/* After the watched call returned: the helper must have acted first. */
static void later_join(struct later *l)
{
	l->done = true;
	pthread_join(l->thread, NULL);
	EXPECT(l->acted, "the call returned before it slept (the helper never acted)");
}

static void do_bump(struct later *l)
{
	(void)l;
	bump();
}

static void do_ack(struct later *l)
{
	ack_current(l->fd);
}

static void do_close(struct later *l)
{
	close(l->fd);
}

static void do_untrack(struct later *l)
{
	EXPECT(ioctl(l->fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
}

static void do_signal(struct later *l)
{
	syscall(SYS_tgkill, getpid(), l->tid, SIGUSR1);
}

/* Acks fd, checks the waiter stays asleep, then acks fd2. */
static void do_ack_two(struct later *l)
{
	ack_current(l->fd);
	sleep_ms(GRACE_MS);
	EXPECT(!l->done && asleep_in(l->tid, l->nr, l->nr),
	       "WAIT returned while a watcher was still outdated");
	ack_current(l->fd2);
}

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static void handle_usr1(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	ASSERT(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	usr1_seen = 0;
}

/* ---- a reader thread ----------------------------------------------------- */

struct reader {
	pthread_t thread;
	pid_t tid;
	int fd;
	long result;
	int err;
	volatile bool done;
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;

	r->tid = my_tid();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->result = read_gen(r->fd);
	r->err = errno;
	r->done = true;
	return NULL;
}

/* Starts a blocking read of fd in a thread and waits until it sleeps. */
static void reader_start(struct reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	ASSERT(pthread_create(&r->thread, NULL, reader_run, r) == 0, "pthread_create");
	while (!__atomic_load_n(&r->tid, __ATOMIC_SEQ_CST))
		sched_yield();
	ASSERT(wait_asleep(r->tid, SYS_read, SYS_read, &r->done),
	       "a blocking read of an up-to-date file returned %ld (%s) instead of sleeping",
	       r->result, strerror(r->err));
}

/* ---- capabilities -------------------------------------------------------- */

static int capget_sets(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	return 0;
}

static int capset_sets(uint64_t caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)caps, (uint32_t)caps, 0 },
		{ (uint32_t)(caps >> 32), (uint32_t)(caps >> 32), 0 },
	};

	return syscall(SYS_capset, &h, d);
}

#define CAPBIT(c) (1ULL << (c))

/* ---- tests: the counter ------------------------------------------------ */

/* Firecracker's tests expect 1, 2, 3, 4, 5 after five bumps from load. */
static void test_firecracker_counts_from_zero(void)
{
	volatile unsigned int *page;
	int fd, i;

	if (generation() != 0)
		skip("the generation is not 0: the module was not freshly loaded");
	fd = dev_open(O_RDWR);
	page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	EXPECT(*page == 0, "mapped counter %u at load", *page);
	for (i = 1; i <= 5; i++) {
		ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0) == 0, "TRIGGER(0): %s",
		       strerror(errno));
		EXPECT(*page == (unsigned int)i, "bump %d: mapped %u", i, *page);
		EXPECT(generation() == (unsigned int)i, "bump %d: sysfs %u", i, generation());
	}
	munmap((void *)page, 4);
	close(fd);
}

static void test_force_takes_max_of_min_and_next(void)
{
	int fd = dev_open(O_RDONLY);	/* FORCE/TRIGGER need no write access */
	int w = watcher();
	unsigned int g = generation();

	ASSERT(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, 0) == 0, "FORCE(0): %s", strerror(errno));
	EXPECT(generation() == g + 1, "FORCE(0) from %u gave %u", g, generation());
	EXPECT(read_gen(w) == g + 1, "the v4 FORCE did not outdate a watcher");
	EXPECT(outdated() == 1, "%u outdated after FORCE", outdated());
	ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, g + 10) == 0, "TRIGGER(g+10)");
	EXPECT(generation() == g + 10, "TRIGGER(%u) gave %u", g + 10, generation());
	ASSERT(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, g + 11) == 0, "FORCE(next)");
	EXPECT(generation() == g + 11, "FORCE(%u) (= cur + 1) gave %u", g + 11, generation());
	ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, g + 11) == 0, "TRIGGER(cur)");
	EXPECT(generation() == g + 12, "TRIGGER(%u) (= cur) gave %u", g + 11, generation());
	ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, g) == 0, "TRIGGER(old)");
	EXPECT(generation() == g + 13, "TRIGGER(%u) (< cur) gave %u", g, generation());
	ASSERT(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, g + 1000) == 0, "FORCE(g+1000)");
	EXPECT(generation() == g + 1000, "FORCE(%u) gave %u", g + 1000, generation());
	EXPECT(read_gen(w) == g + 1000, "the watcher reads %u", g + 1000);
	ack_current(w);
	close(w);
	close(fd);
}

/* A wrapped counter must not make a file that acked the same value long ago current. */
static void test_counter_wraps_and_stays_exact(void)
{
	int fd = watcher();
	unsigned int v = bump();

	ack_current(fd);
	EXPECT(bump_to(0xffffffffu) == 0xffffffffu, "FORCE(UINT_MAX)");
	EXPECT(bump_to(v) == v, "wrapped FORCE(%u) gave %u", v, generation());
	EXPECT(read_gen(fd) == v, "a file that acked %u before the wrap reads as up to date", v);
	ack_current(fd);
	EXPECT(bump_to(0xffffffffu) == 0xffffffffu, "FORCE(UINT_MAX) again");
	EXPECT(bump_to(0xffffffffu) == 0, "FORCE(UINT_MAX) at UINT_MAX must move, to 0");
	EXPECT(read_gen(fd) == 0, "read after the wrap to 0");
	ack_current(fd);
	close(fd);
}

/* ---- tests: read ----------------------------------------------------- */

static void test_read_sizes(void)
{
	int fd = dev_open(O_RDWR | O_NONBLOCK);
	char buf[8];

	EXPECT(read(fd, buf, 0) == 0, "read(0) must return 0");
	EXPECT_ERRNO(read(fd, buf, 1), EINVAL);
	EXPECT_ERRNO(read(fd, buf, 3), EINVAL);
	EXPECT_ERRNO(read(fd, buf, 8), EAGAIN);	/* large buffers are fine */
	bump();
	EXPECT(read(fd, buf, 0) == 0, "read(0) of an outdated file must return 0");
	EXPECT_ERRNO(read(fd, buf, 3), EINVAL);
	EXPECT(read(fd, buf, 8) == 4, "read(8) while outdated must return 4 bytes");
	EXPECT(read(fd, buf, 4) == 4, "read(4) while outdated must return 4 bytes");
	close(fd);
}

static void test_new_file_starts_up_to_date(void)
{
	int fd, ro;

	bump();
	fd = dev_open(O_RDWR | O_NONBLOCK);
	ro = dev_open(O_RDONLY | O_NONBLOCK);
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	EXPECT_ERRNO(read_gen(ro), EAGAIN);
	EXPECT(outdated() == 0, "%u outdated", outdated());
	close(fd);
	close(ro);
}

static void test_read_returns_counter_until_ack(void)
{
	int fd = watcher();
	unsigned int g = bump();
	int i;

	for (i = 0; i < 3; i++)
		EXPECT(read_gen(fd) == g, "read %d of an outdated file", i);
	EXPECT(outdated() == 1, "reads must not acknowledge: %u outdated", outdated());
	EXPECT(ack(fd, g), "ack %u: %s", g, strerror(errno));
	EXPECT(outdated() == 0, "after the ack: %u outdated", outdated());
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	close(fd);
}

static void test_read_returns_latest_of_several_bumps(void)
{
	int fd = watcher();
	unsigned int g;

	bump();
	bump();
	g = bump();
	EXPECT(read_gen(fd) == g, "read after three bumps");
	EXPECT(outdated() == 1, "%u outdated after three bumps", outdated());
	close(fd);
}

static void test_blocking_read_woken_by_bump(void)
{
	struct reader r;
	unsigned int g;
	int fd = dev_open(O_RDWR);

	reader_start(&r, fd);
	EXPECT(watchers() == 1, "a blocked reader is a watcher: %u", watchers());
	sleep_ms(GRACE_MS);
	EXPECT(!r.done, "a blocking read of an up-to-date file returned %ld", r.result);
	g = bump();
	pthread_join(r.thread, NULL);
	EXPECT(r.result == g, "the woken read returned %ld (%s), expected %u",
	       r.result, strerror(r.err), g);
	EXPECT(read_gen(fd) == g, "a second read of the outdated file");
	EXPECT(ack(fd, g), "ack");
	close(fd);
}

static void test_blocking_read_eintr_on_signal(void)
{
	struct reader r;
	int fd = dev_open(O_RDWR);

	handle_usr1(0);		/* no SA_RESTART */
	reader_start(&r, fd);
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT(usr1_seen == 1, "the handler ran %d times", (int)usr1_seen);
	EXPECT(r.result == -1 && r.err == EINTR, "read after a signal: %ld/%s",
	       r.result, strerror(r.err));
	close(fd);
}

static void test_blocking_read_restarts_with_sa_restart(void)
{
	struct reader r;
	unsigned int g;
	long long t0;
	int fd = dev_open(O_RDWR);

	handle_usr1(SA_RESTART);
	reader_start(&r, fd);
	pthread_kill(r.thread, SIGUSR1);
	for (t0 = now_ms(); !usr1_seen && now_ms() - t0 < BLOCK_TIMEOUT_MS;)
		sleep_ms(2);
	EXPECT(usr1_seen == 1, "the handler did not run");
	EXPECT(wait_asleep(r.tid, SYS_read, SYS_read, &r.done),
	       "the read did not restart: %ld/%s", r.result, strerror(r.err));
	sleep_ms(GRACE_MS);
	EXPECT(!r.done, "the restarted read returned %ld/%s", r.result, strerror(r.err));
	g = bump();
	pthread_join(r.thread, NULL);
	EXPECT(r.result == g, "the restarted read returned %ld/%s, expected %u",
	       r.result, strerror(r.err), g);
	close(fd);
}

/* ---- tests: write ---------------------------------------------------- */

static void test_write_rules(void)
{
	int fd = watcher();
	int ro = dev_open(O_RDONLY | O_NONBLOCK);
	unsigned int g = bump();
	unsigned long long wide = g;
	unsigned int wrong = g + 1;

	EXPECT_ERRNO(write(fd, &wrong, sizeof(wrong)), EINVAL);
	EXPECT_ERRNO(write(fd, &g, 0), EINVAL);
	EXPECT_ERRNO(write(fd, &g, 2), EINVAL);
	EXPECT_ERRNO(write(fd, &g, 3), EINVAL);
	EXPECT_ERRNO(write(fd, &wide, sizeof(wide)), EINVAL);
	EXPECT_ERRNO(write(ro, &g, sizeof(g)), EBADF);
	EXPECT(outdated() == 1, "a refused write acknowledged");
	EXPECT(read_gen(fd) == g, "a refused write acknowledged the fd");
	EXPECT(write(fd, &g, sizeof(g)) == 4, "ack: %s", strerror(errno));
	EXPECT(write(fd, &g, sizeof(g)) == 4, "re-ack of the current value must be a no-op");
	EXPECT(outdated() == 0, "after the ack");
	EXPECT_ERRNO(write(fd, &wrong, sizeof(wrong)), EINVAL);
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	/* A read-only file reads, can never acknowledge, and is no watcher. */
	EXPECT(read_gen(ro) == g, "read of the read-only fd");
	EXPECT_ERRNO(write(ro, &g, sizeof(g)), EBADF);
	EXPECT(watchers() == 1 && outdated() == 0, "the read-only file counted: %u/%u",
	       watchers(), outdated());
	EXPECT_ERRNO(read_gen(ro), EAGAIN);	/* it read the generation: up to date */
	close(ro);
	close(fd);
}

static void test_write_of_superseded_value_refused(void)
{
	int fd = watcher();
	unsigned int g1 = bump();
	unsigned int g2 = bump();

	EXPECT(read_gen(fd) == g2, "read");
	EXPECT_ERRNO(write(fd, &g1, sizeof(g1)), EINVAL);
	EXPECT(outdated() == 1, "acking an old generation counted");
	EXPECT(ack(fd, g2), "ack of the current one");
	EXPECT(outdated() == 0, "after the ack");
	close(fd);
}

/* Only read, poll and SET_WATCHER_TRACKING make a watcher; a write does not. */
static void test_write_alone_makes_no_watcher(void)
{
	int fd = untracked();
	unsigned int g = generation();

	EXPECT(ack(fd, g), "ack of the current value on a fresh fd: %s", strerror(errno));
	EXPECT(watchers() == 0, "a write made a watcher: %u", watchers());
	g = bump();
	EXPECT(ack(fd, g), "ack of an outdated untracked fd: %s", strerror(errno));
	EXPECT(watchers() == 0 && outdated() == 0, "%u/%u", watchers(), outdated());
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	close(fd);
}

/* ---- tests: poll and epoll ------------------------------------------- */

static int epoll_ready(int ep)
{
	struct epoll_event ev;

	return epoll_wait(ep, &ev, 1, 0) == 1 ? (int)ev.events : 0;
}

static void test_epoll_level_triggered_until_ack(void)
{
	int fd = dev_open(O_RDWR | O_NONBLOCK);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int g;
	int i;

	ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	EXPECT(watchers() == 1, "an epoll registration must make a watcher: %u", watchers());
	EXPECT(epoll_ready(ep) == 0, "ready while up to date");
	g = bump();
	for (i = 0; i < 3; i++)
		EXPECT(epoll_ready(ep) & EPOLLIN, "epoll_wait %d after a bump: not ready", i);
	EXPECT(read_gen(fd) == g, "read");
	EXPECT(epoll_ready(ep) & EPOLLIN, "a read must not clear readiness");
	EXPECT(ack(fd, g), "ack");
	EXPECT(epoll_ready(ep) == 0, "still ready after the ack");
	EXPECT(epoll_ready(ep) == 0, "ready again after the ack");
	close(ep);
	close(fd);
}

static void test_poll_pollin_until_ack(void)
{
	int fd = dev_open(O_RDWR | O_NONBLOCK);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDNORM };
	unsigned int g;
	int i;

	EXPECT(poll(&p, 1, 0) == 0, "ready while up to date");
	EXPECT(watchers() == 1, "poll must make a watcher: %u", watchers());
	g = bump();
	EXPECT(outdated() == 1, "a polled file was not outdated by a bump");
	for (i = 0; i < 3; i++) {
		p.revents = 0;
		EXPECT(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLRDNORM),
		       "poll %d: revents %#x after a bump", i, p.revents);
	}
	EXPECT(ack(fd, g), "ack");
	EXPECT(poll(&p, 1, 0) == 0, "ready after the ack");
	close(fd);
}

struct epoller {
	pid_t tid;
	int ep;
	int n;
	volatile bool done;
};

static void *epoll_blocked(void *arg)
{
	struct epoller *e = arg;
	struct epoll_event ev;

	e->tid = my_tid();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	e->n = epoll_wait(e->ep, &ev, 1, LONG_MS);
	e->done = true;
	return NULL;
}

static void test_epoll_wait_woken_by_bump(void)
{
	int fd = dev_open(O_RDWR | O_NONBLOCK);
	struct epoller e = { .ep = epoll_create1(EPOLL_CLOEXEC) };
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t t;

	ASSERT(epoll_ctl(e.ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	pthread_create(&t, NULL, epoll_blocked, &e);
	while (!__atomic_load_n(&e.tid, __ATOMIC_SEQ_CST))
		sched_yield();
	EXPECT(wait_asleep(e.tid, SYS_epoll_wait, SYS_epoll_pwait, &e.done),
	       "epoll_wait did not sleep: %d", e.n);
	bump();
	pthread_join(t, NULL);
	EXPECT(e.n == 1, "epoll_wait returned %d", e.n);
	close(e.ep);
	close(fd);
}

/* ---- tests: watchers ------------------------------------------------- */

static void test_outdated_counts(void)
{
	int a = watcher(), b = watcher(), c = watcher();
	int plain = untracked();
	unsigned int g;

	EXPECT(watchers() == 3, "%u watchers", watchers());
	EXPECT(ioctl(plain, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 0, "GET_OUTDATED before");
	g = bump();
	EXPECT(ioctl(a, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 3, "GET_OUTDATED after a bump");
	EXPECT(ioctl(plain, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 3,
	       "GET_OUTDATED on an untracked fd");
	EXPECT(outdated() == 3, "sysfs outdated after a bump");
	bump();
	EXPECT(outdated() == 3, "a second bump must not count twice: %u", outdated());
	EXPECT(!ack(a, g), "acked a superseded generation");
	ack_current(a);
	EXPECT(ioctl(a, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 2, "after one ack");
	ack_current(a);		/* a second ack of an up-to-date fd */
	EXPECT(ioctl(a, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 2, "after a repeated ack");
	ack_current(b);
	ack_current(c);
	EXPECT(ioctl(a, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 0, "after all acks");
	ack_current(plain);
	close(a);
	close(b);
	close(c);
	close(plain);
	EXPECT(watchers() == 0, "%u watchers after close", watchers());
}

static void test_tracking_rules(void)
{
	int fd = untracked(), fd2;
	struct pollfd p;

	bump();
	EXPECT(watchers() == 0 && outdated() == 0, "an opened file counted: %u/%u",
	       watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 1) == 0, "SET_TRACKING(1)");
	EXPECT(watchers() == 1 && outdated() == 1,
	       "tracking a file opened before the bump: %u/%u", watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	EXPECT(watchers() == 0 && outdated() == 0, "untracked: %u/%u", watchers(), outdated());
	close(fd);

	fd = untracked();
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 1) == 0, "SET_TRACKING(1)");
	EXPECT(watchers() == 1 && outdated() == 0, "tracked: %u/%u", watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 7) == 0, "SET_TRACKING(7) twice");
	EXPECT(watchers() == 1, "tracking twice counted twice: %u", watchers());
	bump();
	EXPECT(outdated() == 1, "a tracked file not outdated by a bump: %u", outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	EXPECT(watchers() == 0 && outdated() == 0, "untracked: %u/%u", watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0) twice");
	EXPECT(watchers() == 0 && outdated() == 0, "untracked twice: %u/%u",
	       watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 1) == 0, "SET_TRACKING(1) again");
	EXPECT(watchers() == 1 && outdated() == 1,
	       "re-tracking a file that is still outdated: %u/%u", watchers(), outdated());
	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	EXPECT(read_gen(fd) == generation(), "an untracked file still reads its news");
	EXPECT(watchers() == 0 && outdated() == 0,
	       "a read after SET_TRACKING(0) tracked again: %u/%u", watchers(), outdated());
	ack_current(fd);
	close(fd);

	/* A read that finds nothing (EAGAIN) still makes a watcher. */
	fd = untracked();
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	EXPECT(watchers() == 1, "an EAGAIN read did not track: %u", watchers());
	/* So does a poll, but not after SET_TRACKING(0). */
	fd2 = untracked();
	p = (struct pollfd){ .fd = fd2, .events = POLLIN };
	EXPECT(poll(&p, 1, 0) == 0, "poll");
	EXPECT(watchers() == 2, "a poll did not track: %u", watchers());
	EXPECT(ioctl(fd2, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	EXPECT(watchers() == 1, "%u", watchers());
	EXPECT(poll(&p, 1, 0) == 0, "poll");
	EXPECT(watchers() == 1, "a poll after SET_TRACKING(0) tracked again: %u", watchers());
	/* The other ioctls and an mmap do not. */
	close(fd);
	close(fd2);
	fd = untracked();
	EXPECT(ioctl(fd, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 0, "GET_OUTDATED");
	EXPECT(wait_watchers(fd, SYSGENID_WAIT_WATCHERS_V2, 1) == 0, "WAIT");
	EXPECT(watchers() == 0, "GET_OUTDATED or WAIT tracked the file: %u", watchers());
	close(fd);
}

/* AWS-LC: stat, open read-only, mmap, close, then read the mapping. */
static void test_awslc_probe_is_no_watcher(void)
{
	volatile unsigned int *page;
	struct stat st;
	unsigned int g;
	int fd;

	ASSERT(stat(dev, &st) == 0 && S_ISCHR(st.st_mode), "stat");
	fd = dev_open(O_RDONLY);
	page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	close(fd);
	EXPECT(*page == generation(), "the probe's mapping says %u", *page);
	g = bump();
	EXPECT(*page == g, "the probe's mapping says %u, expected %u", *page, g);
	EXPECT(watchers() == 0 && outdated() == 0, "the probe counted: %u/%u",
	       watchers(), outdated());
	fd = watcher();
	EXPECT(wait_watchers(fd, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by a probe: %s", strerror(errno));
	EXPECT(wait_watchers(fd, SYSGENID_WAIT_WATCHERS, LONG_MS) == 0,
	       "v4 WAIT stalled by a probe: %s", strerror(errno));
	close(fd);
	munmap((void *)page, 4);
}

/* Firecracker's tool: an O_RDWR fd whose mapping it spins on, never reading. */
static void test_firecracker_spinner_is_no_watcher(void)
{
	int fd = dev_open(O_RDWR);
	volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	unsigned int start;
	long long t0;
	int other;

	ASSERT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	start = *page;
	bump();
	for (t0 = now_ms(); *page == start && now_ms() - t0 < 10000;)
		;
	EXPECT(*page != start, "the mapping never changed");
	EXPECT(watchers() == 0 && outdated() == 0, "the spinner counted: %u/%u",
	       watchers(), outdated());
	other = watcher();
	EXPECT(wait_watchers(other, SYSGENID_WAIT_WATCHERS, LONG_MS) == 0,
	       "v4 WAIT stalled by a spinner: %s", strerror(errno));
	EXPECT(wait_watchers(other, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by a spinner: %s", strerror(errno));
	close(other);
	munmap((void *)page, 4);
	close(fd);
}

/*
 * A mapping holds no watcher: a watcher that maps, closes and keeps reading
 * the mapping stops being one at close, and stalls no WAIT.
 */
static void test_mapping_holds_no_watcher(void)
{
	int fd = watcher(), self;
	volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	unsigned int g;

	ASSERT(page != MAP_FAILED, "mmap");
	EXPECT(watchers() == 1, "%u watchers", watchers());
	close(fd);
	EXPECT(watchers() == 0, "the mapping kept the closed watcher: %u watchers", watchers());
	self = watcher();
	g = bump();
	ack_current(self);
	EXPECT(*page == g, "the mapping says %u, expected %u", *page, g);
	EXPECT(outdated() == 0, "the mapping left an outdated watcher: %u", outdated());
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by a mapping: %s", strerror(errno));
	munmap((void *)page, 4);
	close(self);
}

static void test_close_of_outdated_watcher(void)
{
	int fd = watcher(), fd2 = watcher();

	bump();
	EXPECT(outdated() == 2, "outdated: %u", outdated());
	close(fd);
	EXPECT(watchers() == 1 && outdated() == 1, "after one close: %u/%u",
	       watchers(), outdated());
	ack_current(fd2);
	close(fd2);
	EXPECT(watchers() == 0 && outdated() == 0, "after close: %u/%u",
	       watchers(), outdated());
}

/* ---- tests: WAIT_WATCHERS -------------------------------------------- */

static void test_wait_returns_at_once_when_none_outdated(void)
{
	int self = watcher(), plain = untracked(), stale = untracked();
	unsigned int i;

	bump();
	ack_current(self);
	ack_current(plain);
	/* stale: outdated but untracked, so never waited for */
	for (i = 0; i < 2; i++) {
		EXPECT(wait_watchers(self, wait_cmds[i], LONG_MS) == 0, "%s: %s",
		       wait_names[i], strerror(errno));
		EXPECT(wait_watchers(self, wait_cmds[i], 0) == 0, "%s(0): %s",
		       wait_names[i], strerror(errno));
		EXPECT(wait_watchers(plain, wait_cmds[i], LONG_MS) == 0,
		       "%s on an untracked fd: %s", wait_names[i], strerror(errno));
	}
	close(stale);
	close(plain);
	close(self);
}

static void test_wait_timeout_per_family(void)
{
	int self = watcher(), other = watcher();
	long long t0, t1;

	bump();
	ack_current(self);
	t0 = now_ms();
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, GRACE_MS), ETIME);
	t1 = now_ms() - t0;
	EXPECT(t1 >= GRACE_MS - 10 && t1 < GRACE_MS + SLACK_MS,
	       "v2 WAIT(%d) returned after %lld ms", GRACE_MS, t1);
	t0 = now_ms();
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS, GRACE_MS), EINTR);
	t1 = now_ms() - t0;
	EXPECT(t1 >= GRACE_MS - 10 && t1 < GRACE_MS + SLACK_MS,
	       "v4 WAIT(%d) returned after %lld ms", GRACE_MS, t1);
	t0 = now_ms();
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, 1), ETIME);
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS, 1), EINTR);
	t1 = now_ms() - t0;
	EXPECT(t1 < SLACK_MS, "two WAIT(1) took %lld ms", t1);
	/* A larger timeout that must not be clamped to something short. */
	t0 = now_ms();
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, 3 * GRACE_MS), ETIME);
	t1 = now_ms() - t0;
	EXPECT(t1 >= 3 * GRACE_MS - 10 && t1 < 3 * GRACE_MS + SLACK_MS,
	       "v2 WAIT(%d) returned after %lld ms", 3 * GRACE_MS, t1);
	/* An untracked caller waits all the same. */
	close(self);
	self = untracked();
	EXPECT_ERRNO(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, 1), ETIME);
	EXPECT(outdated() == 1, "%u outdated", outdated());
	ack_current(other);
	close(other);
	close(self);
}

static void test_wait_eintr_when_own_file_outdated(void)
{
	int self = untracked(), tself = watcher();
	int other = watcher();
	unsigned int i;

	bump();
	ack_current(other);
	for (i = 0; i < 2; i++) {
		EXPECT_ERRNO(wait_watchers(self, wait_cmds[i], LONG_MS), EINTR);
		EXPECT_ERRNO(wait_watchers(self, wait_cmds[i], 0), EINTR);
		EXPECT_ERRNO(wait_watchers(tself, wait_cmds[i], LONG_MS), EINTR);
	}
	EXPECT(watchers() == 2, "WAIT tracked the caller: %u", watchers());
	ack_current(self);
	EXPECT_ERRNO(wait_watchers(tself, SYSGENID_WAIT_WATCHERS_V2, LONG_MS), EINTR);
	ack_current(tself);
	for (i = 0; i < 2; i++) {
		EXPECT(wait_watchers(self, wait_cmds[i], LONG_MS) == 0,
		       "%s after acking itself: %s", wait_names[i], strerror(errno));
		EXPECT(wait_watchers(tself, wait_cmds[i], LONG_MS) == 0,
		       "%s after acking itself: %s", wait_names[i], strerror(errno));
	}
	close(other);
	close(tself);
	close(self);
}

static void test_wait_eintr_when_bump_arrives(void)
{
	int tself = watcher(), uself = untracked(), other = watcher();
	struct later l;
	unsigned int i, j;
	long long t0, t1;

	for (j = 0; j < 2; j++) {
		int self = j ? uself : tself;

		for (i = 0; i < 2; i++) {
			bump();
			ack_current(tself);
			ack_current(uself);
			later(&l, SYS_ioctl, do_bump, -1, -1);
			t0 = now_ms();
			EXPECT_ERRNO(wait_watchers(self, wait_cmds[i], LONG_MS), EINTR);
			t1 = now_ms() - t0;
			later_join(&l);
			/* At the bump, not at the end of the timeout (v4's EINTR too). */
			EXPECT(t1 < SLACK_MS, "%s returned %lld ms after it began",
			       wait_names[i], t1);
		}
	}
	close(other);
	close(uself);
	close(tself);
}

static void test_wait_woken_by_last_ack(void)
{
	int self = watcher(), a = watcher(), b = watcher();
	struct later l;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		bump();
		ack_current(self);
		later(&l, SYS_ioctl, do_ack_two, a, b);
		EXPECT(wait_watchers(self, wait_cmds[i], LONG_MS) == 0, "%s: %s",
		       wait_names[i], strerror(errno));
		later_join(&l);
		EXPECT(outdated() == 0, "%u", outdated());
	}
	for (i = 0; i < 2; i++) {
		bump();
		ack_current(self);
		ack_current(b);
		later(&l, SYS_ioctl, do_ack, a, -1);
		EXPECT(wait_watchers(self, wait_cmds[i], 0) == 0,
		       "%s(0), no time limit: %s", wait_names[i], strerror(errno));
		later_join(&l);
	}
	close(a);
	close(b);
	close(self);
}

static void test_wait_woken_by_close_of_outdated(void)
{
	int self = watcher(), other = watcher();
	struct later l;

	bump();
	ack_current(self);
	later(&l, SYS_ioctl, do_close, other, -1);
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT after the outdated watcher closed: %s", strerror(errno));
	later_join(&l);
	other = watcher();
	bump();
	ack_current(self);
	later(&l, SYS_ioctl, do_close, other, -1);
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS, 0) == 0,
	       "v4 WAIT after the outdated watcher closed: %s", strerror(errno));
	later_join(&l);
	close(self);
}

static void test_wait_woken_by_untracking_of_outdated(void)
{
	int self = watcher(), other = watcher();
	struct later l;

	bump();
	ack_current(self);
	later(&l, SYS_ioctl, do_untrack, other, -1);
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT after SET_TRACKING(0) of the outdated watcher: %s", strerror(errno));
	later_join(&l);
	EXPECT(outdated() == 0 && watchers() == 1, "%u/%u", watchers(), outdated());
	close(other);
	close(self);
}

static void test_wait_interrupted_by_signal(void)
{
	int self = watcher(), other = watcher();
	struct later l;
	unsigned int i, j;

	bump();
	ack_current(self);
	for (j = 0; j < 2; j++) {
		/* Not restarted, even with SA_RESTART. */
		handle_usr1(j ? SA_RESTART : 0);
		for (i = 0; i < 2; i++) {
			usr1_seen = 0;
			later(&l, SYS_ioctl, do_signal, -1, -1);
			EXPECT_ERRNO(wait_watchers(self, wait_cmds[i], LONG_MS), EINTR);
			later_join(&l);
			EXPECT(usr1_seen == 1, "%s%s: the handler ran %d times", wait_names[i],
			       j ? " (SA_RESTART)" : "", (int)usr1_seen);
		}
	}
	close(other);
	close(self);
}

/* ---- tests: privileges ----------------------------------------------- */

/* The refused bump, seen from an unprivileged or namespaced process. */
static void force_refused(void)
{
	unsigned int g = generation();
	int fd = dev_open(O_RDWR | O_NONBLOCK);
	int ro = dev_open(O_RDONLY);

	EXPECT_ERRNO(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, 0), EACCES);
	EXPECT_ERRNO(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0), EACCES);
	EXPECT_ERRNO(ioctl(ro, SYSGENID_TRIGGER_GEN_UPDATE, g + 100), EACCES);
	EXPECT(generation() == g, "a refused bump moved the generation to %u", generation());
	EXPECT_ERRNO(read_gen(fd), EAGAIN);	/* watching needs no privilege */
	EXPECT(ioctl(fd, SYSGENID_GET_OUTDATED_WATCHERS, 0) == 0, "GET_OUTDATED");
	close(ro);
	close(fd);
}

/* Becomes nobody with no capability, in the supplementary groups given. */
static void drop_to_user(int ngroups, const gid_t *groups)
{
	uint64_t eff = 0, prm = 0;
	int c, last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	for (c = 0; c <= last; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	ASSERT(setgroups(ngroups, groups) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0,
	       "dropping to nobody: %s", strerror(errno));
	ASSERT(capset_sets(0) == 0, "capset(0): %s", strerror(errno));
	ASSERT(capget_sets(&eff, &prm) == 0 && eff == 0 && prm == 0,
	       "capabilities left: %#llx/%#llx", (unsigned long long)eff,
	       (unsigned long long)prm);
	ASSERT(getuid() == NOBODY && geteuid() == NOBODY, "uid");
	/* setuid() made the process undumpable: /proc/self would be root's. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static void drop_to_nobody(void)
{
	drop_to_user(0, NULL);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	ASSERT(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s),
	       "writing %s: %s", path, strerror(errno));
	close(fd);
}

/* A new user namespace where this process is root with every capability. */
static void enter_user_namespace(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	uint64_t eff = 0, prm = 0;

	if (unshare(CLONE_NEWUSER)) {
		printf("# unshare(CLONE_NEWUSER): %s\n", strerror(errno));
		skip("no user namespaces here");
	}
	snprintf(map, sizeof(map), "0 %u 1", uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", gid);
	write_file("/proc/self/gid_map", map);
	ASSERT(setuid(0) == 0 && setgid(0) == 0, "becoming root in the namespace: %s",
	       strerror(errno));
	ASSERT(capget_sets(&eff, &prm) == 0, "capget");
	ASSERT(eff & CAPBIT(CAP_SYS_ADMIN) && eff & CAPBIT(CAP_CHECKPOINT_RESTORE),
	       "no CAP_SYS_ADMIN in the new namespace: %#llx", (unsigned long long)eff);
}

/* Runs fn in a child, with the device opened up to everyone meanwhile. */
static void in_child(void (*fn)(void))
{
	struct stat st;
	pid_t pid;
	int status;

	ASSERT(stat(dev, &st) == 0, "stat");
	ASSERT(chmod(dev, 0666) == 0, "chmod");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		failures = 0;
		fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	chmod(dev, st.st_mode & 07777);
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		skip("the child skipped");
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (%#x)", status);
}

static void nobody_force(void)
{
	drop_to_nobody();
	force_refused();
}

static void nobody_userns_force(void)
{
	drop_to_nobody();
	enter_user_namespace();
	force_refused();
}

static void root_userns_force(void)
{
	enter_user_namespace();
	force_refused();
}

/* As root (uid 0) with one of the two capabilities, then with neither. */
static void root_with_caps(uint64_t caps, const char *name)
{
	int fd = dev_open(O_RDONLY);
	unsigned int g = generation();

	ASSERT(capset_sets(caps) == 0, "capset %s: %s", name, strerror(errno));
	EXPECT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0) == 0,
	       "TRIGGER with %s only: %s", name, strerror(errno));
	EXPECT(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, 0) == 0,
	       "FORCE with %s only: %s", name, strerror(errno));
	EXPECT(generation() == g + 2, "with %s: %u -> %u", name, g, generation());
	ASSERT(capset_sets(0) == 0, "capset(0): %s", strerror(errno));
	ASSERT(getuid() == 0 && geteuid() == 0, "uid");
	force_refused();
	close(fd);
}

static void root_sys_admin_only(void)
{
	root_with_caps(CAPBIT(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
}

static void root_checkpoint_restore_only(void)
{
	root_with_caps(CAPBIT(CAP_CHECKPOINT_RESTORE), "CAP_CHECKPOINT_RESTORE");
}

static void test_force_needs_capability(void)
{
	in_child(nobody_force);
}

static void test_force_with_either_capability(void)
{
	in_child(root_sys_admin_only);
	in_child(root_checkpoint_restore_only);
}

static void test_force_refused_in_user_namespace(void)
{
	in_child(nobody_userns_force);
}

static void test_force_refused_in_user_namespace_as_root(void)
{
	in_child(root_userns_force);
}

/* ---- tests: ioctl and mmap edges ------------------------------------- */

static void test_unknown_ioctl(void)
{
	static const unsigned long bad[] = {
		_IO(SYSGENID_IOCTL, 0), _IO(SYSGENID_IOCTL, 4),
		_IO(SYSGENID_IOCTL_V2, 0), _IO(SYSGENID_IOCTL_V2, 4),
		_IO(SYSGENID_IOCTL_V2, 0x7f),
		_IOR(SYSGENID_IOCTL, 1, int), _IOW(SYSGENID_IOCTL_V2, 3, int),
		_IOWR(SYSGENID_IOCTL_V2, 1, int),
		0x5401 /* TCGETS */,
	};
	int fd = dev_open(O_RDWR);
	unsigned int i, g = generation();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT(ioctl(fd, bad[i], 0) == -1 && (errno == ENOTTY || errno == EINVAL),
		       "ioctl %#lx: %s", bad[i], strerror(errno));
	}
	EXPECT(generation() == g && watchers() == 0, "an unknown ioctl changed state");
	close(fd);
}

static void test_mmap_rejections(void)
{
	int fd = dev_open(O_RDWR), ro = dev_open(O_RDONLY);
	long pg = sysconf(_SC_PAGESIZE);
	void *p;

	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, pg) == MAP_FAILED &&
	       errno == EINVAL, "offset != 0: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EINVAL, "two pages: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, pg + 1, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EINVAL, "a page and a byte: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EPERM, "writable: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EPERM, "write-only: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED &&
	       errno == EINVAL, "private: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ, MAP_PRIVATE, ro, 0) == MAP_FAILED &&
	       errno == EINVAL, "private, read-only fd: %s", strerror(errno));

	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED, "a one-page read-only mapping: %s", strerror(errno));
	EXPECT(*(volatile unsigned int *)p == generation(), "the mapping holds the counter");
	errno = 0;
	EXPECT(mprotect(p, pg, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	       "mprotect(PROT_WRITE): %s", strerror(errno));
	munmap(p, pg);

	p = mmap(NULL, 4, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT(p != MAP_FAILED, "a mapping of a read-only fd: %s", strerror(errno));
	errno = 0;
	EXPECT(mprotect(p, 4, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	       "mprotect(PROT_WRITE) on the read-only fd's mapping: %s", strerror(errno));
	munmap(p, 4);
	EXPECT(watchers() == 0, "mmap made a watcher: %u", watchers());
	close(ro);
	close(fd);
}

static void test_mapping_outlives_fd(void)
{
	int fd = dev_open(O_RDONLY);
	volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	unsigned int g;

	ASSERT(page != MAP_FAILED, "mmap");
	close(fd);
	g = bump();
	EXPECT(*page == g, "after close the mapping says %u, expected %u", *page, g);
	g = bump_to(g + 5);
	EXPECT(*page == g, "and again: %u, expected %u", *page, g);
	munmap((void *)page, 4);
}

/*
 * last_change_ns is the CLOCK_MONOTONIC time of the last change: inside the
 * window of the bump that made it, and unmoved by reads, acks and opens.
 */
static void test_last_change_ns(void)
{
	int a = watcher();
	unsigned long long before, after, t;

	EXPECT(last_change_ns() <= now_ns(), "last_change_ns %llu is in the future", last_change_ns());
	before = now_ns();
	bump();
	after = now_ns();
	t = last_change_ns();
	EXPECT(t >= before && t <= after, "last_change_ns %llu outside [%llu, %llu], the bump's window",
	       t, before, after);
	ack_current(a);
	close(dev_open(O_RDWR));
	EXPECT(last_change_ns() == t, "last_change_ns moved from %llu to %llu without a change",
	       t, last_change_ns());
	close(a);
}

static void test_sysfs_agrees(void)
{
	int a = watcher(), b = watcher();
	volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, a, 0);
	unsigned int g;

	ASSERT(page != MAP_FAILED, "mmap");
	EXPECT(generation() == *page, "sysfs %u, mapping %u", generation(), *page);
	g = bump();
	EXPECT(generation() == g && *page == g, "sysfs %u, mapping %u", generation(), *page);
	EXPECT(read_gen(b) == g, "read");
	ack_current(a);
	EXPECT(outdated() == (unsigned int)ioctl(a, SYSGENID_GET_OUTDATED_WATCHERS, 0) &&
	       outdated() == 1, "sysfs %u vs ioctl", outdated());
	EXPECT(watchers() == 2, "%u watchers", watchers());
	munmap((void *)page, 4);
	close(a);
	close(b);
}

/* ---- tests: read-only files and the tracking choice -------------------- */

/* Read-only files never watch, yet hear of every bump once. */
static void test_readonly_files_never_watch(void)
{
	int ro = dev_open(O_RDONLY | O_NONBLOCK), ro2 = dev_open(O_RDONLY);
	int ep = epoll_create1(EPOLL_CLOEXEC), self;
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd p = { .fd = ro, .events = POLLIN };
	struct reader r;
	unsigned int g, g2;
	long long t0;

	ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, ro2, &ev) == 0, "epoll_ctl");
	EXPECT_ERRNO(read_gen(ro), EAGAIN);
	EXPECT(poll(&p, 1, 0) == 0, "a fresh read-only file is ready");
	EXPECT(watchers() == 0, "a read, poll or epoll of a read-only file tracked it: %u",
	       watchers());
	EXPECT_ERRNO(ioctl(ro, SYSGENID_SET_WATCHER_TRACKING, 1), EBADF);
	EXPECT(ioctl(ro, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0): %s",
	       strerror(errno));
	EXPECT(watchers() == 0, "SET_TRACKING(1) on a read-only file tracked it: %u",
	       watchers());
	g = bump();
	EXPECT(watchers() == 0 && outdated() == 0, "after a bump: %u/%u",
	       watchers(), outdated());
	EXPECT(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "not readable after a bump");
	EXPECT(epoll_ready(ep) & EPOLLIN, "the epoll of a read-only file not ready");
	self = watcher();
	t0 = now_ms();
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by read-only files: %s", strerror(errno));
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS, LONG_MS) == 0,
	       "v4 WAIT stalled by read-only files: %s", strerror(errno));
	EXPECT(now_ms() - t0 < SLACK_MS, "the WAITs took %lld ms", now_ms() - t0);
	/* Up to date again once it read the generation. */
	EXPECT(read_gen(ro) == g, "read of the outdated read-only file");
	EXPECT_ERRNO(read_gen(ro), EAGAIN);
	EXPECT(poll(&p, 1, 0) == 0, "still readable after reading %u", g);
	EXPECT(read_gen(ro2) == g, "read of the other read-only file");
	EXPECT(epoll_ready(ep) == 0, "the epoll still ready after reading %u", g);
	/* A blocking read-only reader sleeps until the next bump, then has it. */
	reader_start(&r, ro2);
	g2 = bump();
	pthread_join(r.thread, NULL);
	EXPECT(r.result == g2, "the blocked read-only read returned %ld (%s), expected %u",
	       r.result, strerror(r.err), g2);
	EXPECT(watchers() == 1 && outdated() == 1, "%u/%u", watchers(), outdated());
	ack_current(self);
	close(self);
	close(ep);
	close(ro2);
	close(ro);
}

/* A read-only epoll loop handles each bump once and sleeps in between. */
static void test_readonly_epoll_loop_sleeps_between_bumps(void)
{
	int ro = dev_open(O_RDONLY | O_NONBLOCK), self = watcher();
	int ep = epoll_create1(EPOLL_CLOEXEC), i;
	struct epoll_event ev = { .events = EPOLLIN };
	long long t0, t1;
	unsigned int g;

	ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, ro, &ev) == 0, "epoll_ctl");
	for (i = 0; i < 3; i++) {
		g = bump();
		ack_current(self);
		EXPECT(epoll_wait(ep, &ev, 1, LONG_MS) == 1, "bump %d did not wake the loop", i);
		EXPECT(read_gen(ro) == g, "the loop's read of %u", g);
		t0 = now_ms();
		EXPECT(epoll_wait(ep, &ev, 1, GRACE_MS) == 0,
		       "the loop spins: ready again after reading %u", g);
		t1 = now_ms() - t0;
		EXPECT(t1 >= GRACE_MS - 10, "epoll_wait slept only %lld ms", t1);
		EXPECT(watchers() == 1 && outdated() == 0, "%u/%u", watchers(), outdated());
		EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
		       "WAIT stalled by the read-only loop: %s", strerror(errno));
	}
	close(ep);
	close(self);
	close(ro);
}

/* SET_WATCHER_TRACKING(0) and (1) stick: no read or poll undoes them. */
static void test_tracking_choice_sticks(void)
{
	int fd = untracked(), fd2 = untracked(), self = watcher();
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int g;

	EXPECT(ioctl(fd, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	EXPECT(watchers() == 1, "a read or poll after SET_TRACKING(0) tracked: %u", watchers());
	g = bump();
	/* Under epoll the poll that follows the bump must not track either. */
	EXPECT(epoll_ready(ep) & EPOLLIN, "the untracked file hears of the bump");
	EXPECT(read_gen(fd) == g, "read");
	ack_current(self);
	EXPECT(watchers() == 1 && outdated() == 0,
	       "SET_TRACKING(0) undone at the bump: %u/%u", watchers(), outdated());
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by a file that chose 0: %s", strerror(errno));
	EXPECT(epoll_ready(ep) & EPOLLIN, "a writable file stays readable until its ack");
	EXPECT(ack(fd, g), "ack");
	EXPECT(epoll_ready(ep) == 0, "ready after the ack");

	EXPECT(ioctl(fd2, SYSGENID_SET_WATCHER_TRACKING, 1) == 0, "SET_TRACKING(1)");
	EXPECT(watchers() == 2, "%u", watchers());
	EXPECT(ioctl(fd2, SYSGENID_SET_WATCHER_TRACKING, 0) == 0, "SET_TRACKING(0)");
	EXPECT(read_gen(fd2) == g, "read of the outdated untracked file");
	EXPECT(watchers() == 1, "a read after 1 then 0 tracked: %u", watchers());
	close(ep);
	close(fd2);
	close(fd);
	close(self);
}

/* ---- tests: hardening ---------------------------------------------------- */

static void test_force_rejects_wide_argument(void)
{
	int fd = dev_open(O_RDONLY);
	unsigned int g = generation();

	EXPECT_ERRNO(ioctl(fd, SYSGENID_FORCE_GEN_UPDATE, 1UL << 32), EINVAL);
	EXPECT_ERRNO(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, (1UL << 32) | (g + 5)), EINVAL);
	EXPECT_ERRNO(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, ~0UL), EINVAL);
	EXPECT(generation() == g, "a refused FORCE moved the generation %u -> %u",
	       g, generation());
	EXPECT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, (unsigned long)g + 5) == 0, "TRIGGER(g+5)");
	EXPECT(generation() == g + 5, "%u", generation());
	close(fd);
}

/* The VmFlags of the mapping at addr, from /proc/self/smaps. */
static bool vm_flags_of(void *addr, char *flags, size_t len)
{
	char line[512], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, len, "%s", line + 8);
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

static bool has_flag(const char *flags, const char *flag)
{
	char pat[8];

	snprintf(pat, sizeof(pat), " %s", flag);
	return strstr(flags, pat) != NULL;
}

static void test_mmap_hardening(void)
{
	int fd = dev_open(O_RDWR), ro = dev_open(O_RDONLY);
	long pg = sysconf(_SC_PAGESIZE);
	char flags[512] = "";
	void *p, *q;
	unsigned int g;

	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ | PROT_EXEC, MAP_SHARED, ro, 0) == MAP_FAILED &&
	       errno == EPERM, "PROT_EXEC: %s", strerror(errno));
	errno = 0;
	EXPECT(mmap(NULL, 4, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) == MAP_FAILED &&
	       errno == EPERM, "PROT_EXEC on the O_RDWR fd: %s", strerror(errno));

	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED, "mmap: %s", strerror(errno));
	errno = 0;
	EXPECT(mprotect(p, pg, PROT_READ | PROT_EXEC) == -1 && errno == EACCES,
	       "mprotect(PROT_EXEC): %s", strerror(errno));
	q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
	EXPECT(q == MAP_FAILED, "mremap grew the mapping to two pages");
	if (q != MAP_FAILED)
		p = q;
	ASSERT(vm_flags_of(p, flags, sizeof(flags)), "no VmFlags for the mapping");
	EXPECT(has_flag(flags, "dd") && has_flag(flags, "de") && !has_flag(flags, "me") &&
	       !has_flag(flags, "mw") && !has_flag(flags, "wr") && !has_flag(flags, "ex"),
	       "VmFlags:%s wanted dd, de and no me, mw, wr, ex", flags);
	/* An emptied mapping fills again on the next read: no SIGBUS. */
	EXPECT(madvise(p, pg, MADV_DONTNEED) == 0, "madvise: %s", strerror(errno));
	g = bump();
	EXPECT(*(volatile unsigned int *)p == g, "after MADV_DONTNEED the mapping says %u, not %u",
	       *(volatile unsigned int *)p, g);
	EXPECT(madvise(p, pg, MADV_DONTNEED) == 0, "madvise: %s", strerror(errno));
	EXPECT(*(volatile unsigned int *)p == generation(), "a second refill");
	munmap(p, pg);
	close(ro);
	close(fd);
}

struct bumper {
	pthread_t thread;
	int fd;
	long long until;
	long ok, failed;
};

static void *bumper_run(void *arg)
{
	struct bumper *b = arg;

	while (now_ms() < b->until) {
		if (ioctl(b->fd, SYSGENID_TRIGGER_GEN_UPDATE, 0) == 0)
			b->ok++;
		else
			b->failed++;
	}
	return NULL;
}

/* Concurrent bumps: none lost, each moves the counter by exactly one. */
static void test_concurrent_bumps_are_exact(void)
{
	struct bumper b[3];
	int w = watcher(), i, n = 3;
	unsigned int start = generation(), end;
	long total = 0;
	volatile unsigned int *page = mmap(NULL, 4, PROT_READ, MAP_SHARED, w, 0);

	ASSERT(page != MAP_FAILED, "mmap");
	for (i = 0; i < n; i++) {
		b[i] = (struct bumper){ .fd = dev_open(O_RDONLY), .until = now_ms() + 3000 };
		ASSERT(pthread_create(&b[i].thread, NULL, bumper_run, &b[i]) == 0, "pthread");
	}
	for (i = 0; i < n; i++) {
		pthread_join(b[i].thread, NULL);
		close(b[i].fd);
		total += b[i].ok;
		EXPECT(b[i].failed == 0, "bumper %d: %ld failed bumps", i, b[i].failed);
	}
	end = generation();
	printf("# %d bumpers: %ld bumps, generation %u -> %u\n", n, total, start, end);
	EXPECT(end - start == (unsigned int)total, "%ld bumps moved the generation by %u",
	       total, end - start);
	EXPECT(*page == end, "mapping %u, sysfs %u", *page, end);
	EXPECT(watchers() == 1 && outdated() == 1, "%u/%u", watchers(), outdated());
	EXPECT(read_gen(w) == end, "the watcher reads %u", end);
	ack_current(w);
	munmap((void *)page, 4);
	close(w);
}

/* ---- tests: clients as they really run ----------------------------------- */

/* The device mode and group the installed udev rule gives. */
static mode_t udev_mode(void)
{
	const char *rule = getenv("SYSGENID_UDEV_RULE");
	char line[512], *m;
	mode_t mode = 0;
	FILE *f;

	ASSERT(rule, "SYSGENID_UDEV_RULE is not set");
	f = fopen(rule, "r");
	ASSERT(f, "%s: %s", rule, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && (m = strstr(line, "MODE=\"")))
			mode = strtoul(m + 6, NULL, 8);
	fclose(f);
	ASSERT(mode, "no MODE in %s", rule);
	return mode;
}

#define SYSGENID_GID 990	/* stands for the udev rule's group */

/* Runs fn in a child as nobody, the device as the udev rule installs it. */
static void as_user_with_udev_rule(void (*fn)(void), bool in_group)
{
	struct stat st;
	pid_t pid;
	int status;
	gid_t group = SYSGENID_GID;

	ASSERT(stat(dev, &st) == 0, "stat");
	ASSERT(chown(dev, 0, SYSGENID_GID) == 0 && chmod(dev, udev_mode()) == 0, "chmod");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		failures = 0;
		drop_to_user(in_group, &group);
		fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	chown(dev, st.st_uid, st.st_gid);
	chmod(dev, st.st_mode & 07777);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (%#x)", status);
}

/* AWS-LC: stat, open(O_RDONLY), mmap len bytes, close, read the mapping. */
static volatile unsigned int *awslc_probe(size_t len)
{
	volatile unsigned int *page;
	struct stat st;
	int fd;

	ASSERT(stat(dev, &st) == 0 && S_ISCHR(st.st_mode), "the probe's stat: %s",
	       strerror(errno));
	fd = open(dev, O_RDONLY);
	ASSERT(fd >= 0, "the probe's open(O_RDONLY): %s", strerror(errno));
	page = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(page != MAP_FAILED, "the probe's mmap(%zu): %s", len, strerror(errno));
	ASSERT(close(fd) == 0, "the probe's close");
	EXPECT(*page == generation(), "the probe reads %u, sysfs says %u", *page, generation());
	return page;
}

static void awslc_probe_checked(size_t len)
{
	volatile unsigned int *page = awslc_probe(len);
	int fd, self = watcher();
	unsigned int g;

	/* Its unmerged branch bumped on an O_RDONLY fd with ioctl(fd, 0xE403, 1). */
	fd = dev_open(O_RDONLY);
	ASSERT(ioctl(fd, 0xE403, 1) == 0, "ioctl(0xE403, 1): %s", strerror(errno));
	close(fd);
	g = generation();
	EXPECT(*page == g, "the probe's mapping says %u after a bump, expected %u", *page, g);
	ack_current(self);
	EXPECT(watchers() == 1 && outdated() == 0, "the probe counted: %u/%u",
	       watchers(), outdated());
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "WAIT stalled by the probe: %s", strerror(errno));
	close(self);
	munmap((void *)page, len);
}

static void test_client_awslc_probe_as_root(void)
{
	awslc_probe_checked(4);
}

/* The legacy snapsafe probe maps a whole page. */
static void test_client_awslc_legacy_page_probe(void)
{
	awslc_probe_checked(sysconf(_SC_PAGESIZE));
}

static void unprivileged_probe(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	volatile unsigned int *page = awslc_probe(4);
	int ro = dev_open(O_RDONLY | O_NONBLOCK);
	struct pollfd p = { .fd = ro, .events = POLLIN };

	munmap((void *)page, 4);
	page = awslc_probe(pg);
	munmap((void *)page, pg);
	EXPECT(poll(&p, 1, 0) == 0, "poll of a read-only file");
	EXPECT_ERRNO(read_gen(ro), EAGAIN);
	close(ro);
	/* Not in the group: no write access, so no way to become a watcher. */
	EXPECT_ERRNO(open(dev, O_RDWR), EACCES);
	EXPECT_ERRNO(open(dev, O_WRONLY), EACCES);
	EXPECT(watchers() == 0, "%u watchers", watchers());
}

static void group_member_watches(void)
{
	int fd = open(dev, O_RDWR | O_NONBLOCK);

	ASSERT(fd >= 0, "a group member's open(O_RDWR): %s", strerror(errno));
	EXPECT_ERRNO(read_gen(fd), EAGAIN);
	EXPECT(watchers() == 1, "a group member's read did not track: %u", watchers());
	close(fd);
}

/* As nobody, with the permissions the installed udev rule gives. */
static void test_client_awslc_probe_unprivileged(void)
{
	as_user_with_udev_rule(unprivileged_probe, false);
	as_user_with_udev_rule(group_member_watches, true);
}

/* ---- reloading the module ------------------------------------------------ */

static long sysgenid_rmmod(void)
{
	return syscall(SYS_delete_module, "sysgenid", O_NONBLOCK);
}

/*
 * The module went while this process holds a file or a mapping of it:
 * closing them, even exiting, would run code that is gone (filp_close()
 * reads f_op). So the test reports its failure and stops itself for good,
 * still holding them; the runner counts a stopped test as failed, and the
 * guest powers off under it.
 */
static void unloaded_under_us(const char *what)
{
	EXPECT(false, "rmmod succeeded while %s was alive", what);
	fflush(stdout);
	for (;;)
		raise(SIGSTOP);
}

/* Unloads and loads the module again: a fresh load, generation 0. */
static void module_reload(const char *params)
{
	const char *ko = getenv("SYSGENID_KO");
	int fd;

	ASSERT(ko, "SYSGENID_KO is not set: the suite cannot reload the module");
	if (!params)
		params = getenv("SYSGENID_KO_ARGS") ?: "";
	ASSERT(sysgenid_rmmod() == 0, "rmmod with no file or mapping left: %s",
	       strerror(errno));
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT(fd >= 0, "open %s: %s", ko, strerror(errno));
	ASSERT(syscall(SYS_finit_module, fd, params, 0) == 0, "loading %s '%s' again: %s",
	       ko, params, strerror(errno));
	close(fd);
	ASSERT(access(dev, R_OK | W_OK) == 0, "%s after the reload: %s", dev, strerror(errno));
	EXPECT(generation() == 0 && watchers() == 0 && outdated() == 0,
	       "after the reload: generation %u, %u/%u", generation(), watchers(), outdated());
}

/* ---- Firecracker's sysgenid tool, -r -p -m ---------------------------- */

/* The tool's loop in a child, reporting each generation it sees on a pipe. */
static void firecracker_loop(char mode, int out)
{
	volatile unsigned int *page;
	struct pollfd p;
	unsigned int gen, last;
	int fd;

	fd = open(dev, mode == 'p' ? O_RDWR | O_NONBLOCK : O_RDWR);
	if (fd < 0)
		_exit(3);
	if (mode == 'm') {
		page = mmap(NULL, sizeof(*page), PROT_READ, MAP_SHARED, fd, 0);
		if (page == MAP_FAILED)
			_exit(3);
		last = *page;
		if (write(out, &last, sizeof(last)) != sizeof(last))
			_exit(3);
		for (;;) {
			gen = *page;
			if (gen != last && write(out, &gen, sizeof(gen)) != sizeof(gen))
				_exit(3);
			last = gen;
		}
	}
	for (;;) {
		if (mode == 'p') {
			p = (struct pollfd){ .fd = fd, .events = POLLIN };
			if (poll(&p, 1, -1) != 1)
				_exit(4);
		}
		if (read(fd, &gen, sizeof(gen)) != sizeof(gen))
			_exit(5);
		if (write(out, &gen, sizeof(gen)) != sizeof(gen))
			_exit(3);
		if (write(fd, &gen, sizeof(gen)) != sizeof(gen))
			_exit(6);
	}
}

/* The next generation the child reported, or -1 after SLACK_MS. */
static long next_report(int in)
{
	struct pollfd p = { .fd = in, .events = POLLIN };
	unsigned int gen;

	if (poll(&p, 1, SLACK_MS) != 1 || read(in, &gen, sizeof(gen)) != sizeof(gen))
		return -1;
	return gen;
}

static bool settle(unsigned int want_outdated)
{
	long long t0 = now_ms();

	while (outdated() != want_outdated)
		if (now_ms() - t0 > SLACK_MS)
			return false;
	return true;
}

/* Five TRIGGER(0) from a fresh load, vmfork=0: the client sees 1..5. */
static void firecracker(char mode)
{
	int pipefd[2], fd, i, status, self;
	unsigned int want_watchers = mode == 'm' ? 0 : 1;
	long long t0;
	pid_t pid;
	long gen;

	module_reload("vmfork=0");
	ASSERT(pipe(pipefd) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		firecracker_loop(mode, pipefd[1]);
	}
	close(pipefd[1]);
	if (mode == 'm') {
		EXPECT(next_report(pipefd[0]) == 0, "the mmap loop did not start at 0");
	} else {
		for (t0 = now_ms(); watchers() != 1 && now_ms() - t0 < BLOCK_TIMEOUT_MS;)
			sleep_ms(2);
	}
	EXPECT(watchers() == want_watchers, "-%c: %u watchers, expected %u", mode,
	       watchers(), want_watchers);
	fd = dev_open(O_RDWR);
	for (i = 1; i <= 5; i++) {
		ASSERT(ioctl(fd, SYSGENID_TRIGGER_GEN_UPDATE, 0UL) == 0, "TRIGGER(0): %s",
		       strerror(errno));
		gen = next_report(pipefd[0]);
		EXPECT(gen == i, "-%c: bump %d, the client saw %ld", mode, i, gen);
		EXPECT(settle(0), "-%c: bump %d not acknowledged: %u outdated", mode, i,
		       outdated());
	}
	self = watcher();
	EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
	       "-%c: WAIT: %s", mode, strerror(errno));
	close(self);
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	EXPECT(WIFSIGNALED(status), "-%c: the client exited %d", mode, WEXITSTATUS(status));
	close(pipefd[0]);
	EXPECT(generation() == 5, "%u", generation());
}

static void test_client_firecracker_read_loop(void)
{
	firecracker('r');
}

static void test_client_firecracker_poll_loop(void)
{
	firecracker('p');
}

static void test_client_firecracker_mmap_loop(void)
{
	firecracker('m');
}

/* A read-only poll loop: handles every bump once, stalls no WAIT. */
static void test_client_readonly_poller_never_stalls(void)
{
	int pipefd[2], self = watcher(), i, status, n = 0;
	unsigned int gen, g;
	pid_t pid;

	ASSERT(pipe(pipefd) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		int fd = open(dev, O_RDONLY | O_NONBLOCK);
		struct pollfd p = { .fd = fd, .events = POLLIN };

		close(pipefd[0]);
		for (;;) {
			if (poll(&p, 1, -1) != 1)
				_exit(4);
			if (read(fd, &gen, sizeof(gen)) != sizeof(gen))
				gen = 0xdead;
			if (write(pipefd[1], &gen, sizeof(gen)) != sizeof(gen))
				_exit(3);
		}
	}
	close(pipefd[1]);
	ASSERT(wait_asleep(pid, SYS_poll, SYS_ppoll, NULL), "the poller never slept in poll");
	for (i = 0; i < 3; i++) {
		g = bump();
		ack_current(self);
		EXPECT(wait_watchers(self, SYSGENID_WAIT_WATCHERS_V2, LONG_MS) == 0,
		       "WAIT stalled by the read-only poller: %s", strerror(errno));
		EXPECT(next_report(pipefd[0]) == g, "the poller missed %u", g);
		EXPECT(wait_asleep(pid, SYS_poll, SYS_ppoll, NULL),
		       "the poller did not go back to sleep after %u", g);
	}
	sleep_ms(GRACE_MS);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	while (read(pipefd[0], &gen, sizeof(gen)) == sizeof(gen))
		n++;
	EXPECT(n == 0, "the poller woke %d more times with no bump (it spins)", n);
	EXPECT(watchers() == 1, "the poller counted: %u", watchers());
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(pipefd[0]);
	close(self);
}

/* ---- tests: unloading -------------------------------------------------- */

/* An open file or a mapping pins the module; with neither, rmmod works. */
static void test_rmmod_refused_while_open_or_mapped(void)
{
	int fd = dev_open(O_RDONLY);
	volatile unsigned int *page;

	errno = 0;
	if (sysgenid_rmmod() == 0)
		unloaded_under_us("an open file");
	EXPECT(errno == EWOULDBLOCK, "rmmod with a file open: %s", strerror(errno));
	page = mmap(NULL, 4, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(page != MAP_FAILED, "mmap");
	close(fd);
	errno = 0;
	if (sysgenid_rmmod() == 0)
		unloaded_under_us("a mapping");
	EXPECT(errno == EWOULDBLOCK, "rmmod with a mapping alive: %s", strerror(errno));
	EXPECT(*page == generation(), "the mapping after the refused rmmod");
	munmap((void *)page, 4);
	/* Fresh, at generation 0, for the stress run that follows the suite. */
	module_reload(NULL);
	fd = watcher();
	EXPECT(watchers() == 1, "the reloaded module counts watchers: %u", watchers());
	close(fd);
}

/* ---- the runner ------------------------------------------------------ */

#define T(name) { #name, test_##name }
static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	T(firecracker_counts_from_zero),	/* must stay first */
	T(force_takes_max_of_min_and_next),
	T(read_sizes),
	T(new_file_starts_up_to_date),
	T(read_returns_counter_until_ack),
	T(read_returns_latest_of_several_bumps),
	T(blocking_read_woken_by_bump),
	T(blocking_read_eintr_on_signal),
	T(blocking_read_restarts_with_sa_restart),
	T(write_rules),
	T(write_of_superseded_value_refused),
	T(write_alone_makes_no_watcher),
	T(epoll_level_triggered_until_ack),
	T(poll_pollin_until_ack),
	T(epoll_wait_woken_by_bump),
	T(outdated_counts),
	T(tracking_rules),
	T(awslc_probe_is_no_watcher),
	T(firecracker_spinner_is_no_watcher),
	T(mapping_holds_no_watcher),
	T(close_of_outdated_watcher),
	T(wait_returns_at_once_when_none_outdated),
	T(wait_timeout_per_family),
	T(wait_eintr_when_own_file_outdated),
	T(wait_eintr_when_bump_arrives),
	T(wait_woken_by_last_ack),
	T(wait_woken_by_close_of_outdated),
	T(wait_woken_by_untracking_of_outdated),
	T(wait_interrupted_by_signal),
	T(force_needs_capability),
	T(force_with_either_capability),
	T(force_refused_in_user_namespace),
	T(force_refused_in_user_namespace_as_root),
	T(unknown_ioctl),
	T(mmap_rejections),
	T(mapping_outlives_fd),
	T(sysfs_agrees),
	T(last_change_ns),
	T(counter_wraps_and_stays_exact),
	T(readonly_files_never_watch),
	T(readonly_epoll_loop_sleeps_between_bumps),
	T(tracking_choice_sticks),
	T(force_rejects_wide_argument),
	T(mmap_hardening),
	T(concurrent_bumps_are_exact),
	T(client_awslc_probe_as_root),
	T(client_awslc_legacy_page_probe),
	T(client_awslc_probe_unprivileged),
	T(client_readonly_poller_never_stalls),
	T(client_firecracker_read_loop),
	T(client_firecracker_poll_loop),
	T(client_firecracker_mmap_loop),
	T(rmmod_refused_while_open_or_mapped),	/* last: it reloads the module */
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

static int run(unsigned int i)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		alarm(test_timeout());
		tests[i].fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	if (waitpid(pid, &status, WUNTRACED) < 0)
		return 1;
	if (WIFSTOPPED(status)) {
		printf("# stopped for good: it holds files of an unloaded module\n");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		printf("# killed by signal %d%s\n", WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timed out)" : "");
		return 1;
	}
	return WEXITSTATUS(status);
}

static void usage(void)
{
	fprintf(stderr, "usage: sysgenid_test [--firecracker] [-t TEST]... [-x] [-l] [DEVICE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool selected[NTESTS] = { false };
	unsigned int i, n = 0, k = 0;
	int pass = 0, fail = 0, skipped = 0, a;
	bool any = false, stop_at_failure = false;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--firecracker")) {
			selected[0] = any = true;
		} else if (!strcmp(argv[a], "-t") && a + 1 < argc) {
			for (i = 0; i < NTESTS; i++)
				if (!strcmp(argv[a + 1], tests[i].name))
					break;
			if (i == NTESTS) {
				fprintf(stderr, "no test %s\n", argv[a + 1]);
				usage();
			}
			selected[i] = any = true;
			a++;
		} else if (!strcmp(argv[a], "-x")) {
			stop_at_failure = true;
		} else if (!strcmp(argv[a], "-l")) {
			for (i = 0; i < NTESTS; i++)
				printf("%s\n", tests[i].name);
			return 0;
		} else if (argv[a][0] == '-') {
			usage();
		} else {
			dev = argv[a];
		}
	}
	for (i = 0; i < NTESTS; i++) {
		if (!any)
			selected[i] = true;
		n += selected[i];
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", n);
	if (geteuid() != 0) {
		printf("Bail out! the suite needs root\n");
		return 1;
	}
	if (access(dev, R_OK | W_OK)) {
		printf("Bail out! %s: %s\n", dev, strerror(errno));
		return 1;
	}
	for (i = 0; i < NTESTS; i++) {
		int rc;

		if (!selected[i])
			continue;
		k++;
		rc = run(i);
		/* Each test must leave no watcher behind. */
		if (rc != KSFT_SKIP && access(SYSFS "watchers", R_OK)) {
			printf("# the device's sysfs directory is gone: %s\n", strerror(errno));
			rc = rc ? rc : 1;
		} else if (rc != KSFT_SKIP && (watchers() || outdated())) {
			printf("# left %u watcher(s), %u outdated\n", watchers(), outdated());
			rc = rc ? rc : 1;
		}
		if (rc == KSFT_SKIP) {
			printf("ok %u - %s # SKIP\n", k, tests[i].name);
			skipped++;
		} else if (rc) {
			printf("not ok %u - %s\n", k, tests[i].name);
			fail++;
			if (stop_at_failure) {
				printf("Bail out! stopping at the first failure (-x)\n");
				return 1;
			}
		} else {
			printf("ok %u - %s\n", k, tests[i].name);
			pass++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, fail, skipped);
	return fail ? 1 : 0;
}
