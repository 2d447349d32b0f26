// SPDX-License-Identifier: GPL-2.0
/*
 * System Generation ID driver
 *
 * Exposes a counter that changes every time the system is restored from a
 * snapshot or cloned, so that userspace can rebuild world-unique state
 * (random seeds, UUID state, tokens) and acknowledge it. See
 * include/uapi/linux/sysgenid.h for the userspace interface.
 *
 * The generation moves when the kernel reports a VM fork (through the
 * vmfork notifier chain of drivers/virt/vmgenid.c), when another driver
 * calls sysgenid_bump_generation(), or on a privileged ioctl.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>

#include <linux/sysgenid.h>

struct sysgenid_state {
	spinlock_t lock;		/* serialises every change below */
	u32 generation;			/* what userspace sees; wraps */
	u64 seq;			/* bumps since load; never wraps */
	unsigned int watchers;		/* tracked files */
	unsigned int outdated;		/* tracked files behind seq */
	u64 changed_ns;			/* CLOCK_MONOTONIC of the last change */
	u32 *page;			/* the page userspace maps */
	wait_queue_head_t readers;	/* read() and poll() */
	wait_queue_head_t waiters;	/* WAIT_WATCHERS */
};

struct sysgenid_file {
	u64 seen_seq;		/* acknowledged, or read by a read-only file */
	bool tracked;		/* a watcher: WAIT_WATCHERS waits for it */
	bool chosen;		/* SET_WATCHER_TRACKING was called: no auto rule */
};

static struct sysgenid_state state = {
	.lock = __SPIN_LOCK_UNLOCKED(state.lock),
	.readers = __WAIT_QUEUE_HEAD_INITIALIZER(state.readers),
	.waiters = __WAIT_QUEUE_HEAD_INITIALIZER(state.waiters),
};

/* Caller holds state.lock. */
static bool sysgenid_behind(const struct sysgenid_file *f)
{
	lockdep_assert_held(&state.lock);
	return f->seen_seq != state.seq;
}

static bool sysgenid_outdated(const struct sysgenid_file *f)
{
	unsigned long flags;
	bool behind;

	spin_lock_irqsave(&state.lock, flags);
	behind = sysgenid_behind(f);
	spin_unlock_irqrestore(&state.lock, flags);
	return behind;
}

/*
 * Only a file open for writing may be a watcher: a watcher is waited for
 * until it acknowledges with write(), which the VFS refuses on a read-only
 * file. Were a read-only file (cat /dev/sysgenid, a library polling the
 * device) a watcher, it would stall WAIT_WATCHERS for ever after the next
 * bump. So anyone may open the device read-only without holding up anyone.
 */
static bool sysgenid_may_watch(const struct file *file)
{
	return file->f_mode & FMODE_WRITE;
}

/*
 * Caller holds state.lock. Returns true when the last outdated watcher went,
 * so that the caller wakes WAIT_WATCHERS once the lock is dropped.
 */
static bool sysgenid_set_tracked(struct sysgenid_file *f, bool track)
{
	if (f->tracked == track)
		return false;
	f->tracked = track;
	if (track) {
		state.watchers++;
		if (sysgenid_behind(f))
			state.outdated++;
		return false;
	}
	state.watchers--;
	if (!sysgenid_behind(f))
		return false;
	return !--state.outdated;
}

/*
 * The automatic rule: a file becomes a watcher when it reads or polls,
 * because that is how a client that handles generation changes waits for
 * them (the v4 design made every open file one, which let probes that only
 * map the counter stall everyone). An explicit SET_WATCHER_TRACKING, 0 or
 * 1, overrides the rule for that file from then on: otherwise the next
 * poll, under epoll exactly at the bump, would undo a choice of 0.
 */
static void sysgenid_auto_track(struct file *file)
{
	struct sysgenid_file *f = file->private_data;
	unsigned long flags;

	if (!sysgenid_may_watch(file))
		return;
	spin_lock_irqsave(&state.lock, flags);
	if (!f->chosen)
		sysgenid_set_tracked(f, true);
	spin_unlock_irqrestore(&state.lock, flags);
}

static long sysgenid_set_tracking(struct file *file, unsigned long track)
{
	struct sysgenid_file *f = file->private_data;
	unsigned long flags;
	bool wake;

	if (track && !sysgenid_may_watch(file))
		return -EBADF;

	spin_lock_irqsave(&state.lock, flags);
	f->chosen = true;
	wake = sysgenid_set_tracked(f, track);
	spin_unlock_irqrestore(&state.lock, flags);

	if (wake)
		wake_up_all(&state.waiters);
	return 0;
}

/* Moves the generation to max(min_gen, current + 1): always on. */
static void sysgenid_bump(u32 min_gen)
{
	unsigned long flags;
	u32 next;

	spin_lock_irqsave(&state.lock, flags);
	next = max(min_gen, state.generation + 1);
	if (next == state.generation)
		next++;
	WRITE_ONCE(state.generation, next);
	WRITE_ONCE(*state.page, next);
	WRITE_ONCE(state.changed_ns, ktime_get_ns());
	state.seq++;
	WRITE_ONCE(state.outdated, state.watchers);
	spin_unlock_irqrestore(&state.lock, flags);

	wake_up_all(&state.readers);
	wake_up_all(&state.waiters);
}

/**
 * sysgenid_bump_generation() - move the system generation on by one
 *
 * For drivers that learn of a snapshot restore or clone. Any context.
 */
void sysgenid_bump_generation(void)
{
	sysgenid_bump(0);
}
EXPORT_SYMBOL_GPL(sysgenid_bump_generation);

static int sysgenid_open(struct inode *inode, struct file *file)
{
	struct sysgenid_file *f;
	unsigned long flags;

	/* Any user may open the device: charge the memory to them. */
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;

	spin_lock_irqsave(&state.lock, flags);
	f->seen_seq = state.seq;
	spin_unlock_irqrestore(&state.lock, flags);

	file->private_data = f;
	return 0;
}

static int sysgenid_release(struct inode *inode, struct file *file)
{
	struct sysgenid_file *f = file->private_data;
	unsigned long flags;
	bool wake;

	spin_lock_irqsave(&state.lock, flags);
	wake = sysgenid_set_tracked(f, false);
	spin_unlock_irqrestore(&state.lock, flags);

	if (wake)
		wake_up_all(&state.waiters);
	kfree(f);
	return 0;
}

/*
 * The generation if the file is behind, else -EAGAIN. A file that can
 * acknowledge stays behind until it does; a read-only file cannot, so
 * reading the generation is what brings it up to date - otherwise poll()
 * would report it readable for ever and every read-only poller would spin.
 */
static s64 sysgenid_take(struct file *file)
{
	struct sysgenid_file *f = file->private_data;
	unsigned long flags;
	s64 gen = -EAGAIN;

	spin_lock_irqsave(&state.lock, flags);
	if (sysgenid_behind(f)) {
		gen = state.generation;
		if (!(file->f_mode & FMODE_WRITE))
			f->seen_seq = state.seq;
	}
	spin_unlock_irqrestore(&state.lock, flags);
	return gen;
}

static ssize_t sysgenid_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct sysgenid_file *f = file->private_data;
	s64 gen;
	u32 val;
	int ret;

	if (!count)
		return 0;
	if (count < sizeof(val))
		return -EINVAL;

	sysgenid_auto_track(file);
	while ((gen = sysgenid_take(file)) < 0) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(state.readers, sysgenid_outdated(f));
		if (ret)
			return ret;
	}

	val = gen;
	if (copy_to_user(buf, &val, sizeof(val)))
		return -EFAULT;
	return sizeof(val);
}

static ssize_t sysgenid_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct sysgenid_file *f = file->private_data;
	unsigned long flags;
	bool wake = false;
	u32 gen;

	if (count != sizeof(gen))
		return -EINVAL;
	if (copy_from_user(&gen, buf, sizeof(gen)))
		return -EFAULT;

	spin_lock_irqsave(&state.lock, flags);
	if (gen != state.generation) {
		spin_unlock_irqrestore(&state.lock, flags);
		return -EINVAL;
	}
	if (sysgenid_behind(f)) {
		f->seen_seq = state.seq;
		if (f->tracked) {
			state.outdated--;
			wake = !state.outdated;
		}
	}
	spin_unlock_irqrestore(&state.lock, flags);

	if (wake)
		wake_up_all(&state.waiters);
	return sizeof(gen);
}

static __poll_t sysgenid_poll(struct file *file, poll_table *wait)
{
	struct sysgenid_file *f = file->private_data;

	sysgenid_auto_track(file);
	poll_wait(file, &state.readers, wait);
	return sysgenid_outdated(f) ? EPOLLIN | EPOLLRDNORM : 0;
}

static bool sysgenid_wait_done(const struct sysgenid_file *f)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&state.lock, flags);
	done = !state.outdated || sysgenid_behind(f);
	spin_unlock_irqrestore(&state.lock, flags);
	return done;
}

/*
 * Sleeps until no watcher is outdated. The caller's own file being outdated
 * and a signal are both -EINTR, never -ERESTARTSYS: a restarted call would
 * begin a fresh timeout.
 */
static long sysgenid_wait_watchers(const struct sysgenid_file *f,
				   unsigned long msecs, long timeout_err)
{
	long ret;

	if (sysgenid_outdated(f))
		return -EINTR;

	if (msecs) {
		msecs = min_t(unsigned long, msecs, UINT_MAX);
		ret = wait_event_interruptible_timeout(state.waiters,
						       sysgenid_wait_done(f),
						       msecs_to_jiffies(msecs));
		if (!ret)
			return timeout_err;
	} else {
		ret = wait_event_interruptible(state.waiters,
					       sysgenid_wait_done(f));
	}
	if (ret < 0 || sysgenid_outdated(f))
		return -EINTR;
	return 0;
}

static long sysgenid_force(unsigned long min_gen)
{
	/* The initial namespace: a user namespace must not bump the host. */
	if (!checkpoint_restore_ns_capable(&init_user_ns))
		return -EACCES;
	/* The counter is a u32: a wider minimum would be silently truncated. */
	if (min_gen > U32_MAX)
		return -EINVAL;
	sysgenid_bump(min_gen);
	return 0;
}

static long sysgenid_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct sysgenid_file *f = file->private_data;

	switch (cmd) {
	case SYSGENID_GET_OUTDATED_WATCHERS:
		return READ_ONCE(state.outdated);
	case SYSGENID_WAIT_WATCHERS:
		return sysgenid_wait_watchers(f, arg, -EINTR);
	case SYSGENID_WAIT_WATCHERS_V2:
		return sysgenid_wait_watchers(f, arg, -ETIME);
	case SYSGENID_FORCE_GEN_UPDATE:
	case SYSGENID_TRIGGER_GEN_UPDATE:
		return sysgenid_force(arg);
	case SYSGENID_SET_WATCHER_TRACKING:
		return sysgenid_set_tracking(file, arg);
	default:
		return -ENOTTY;
	}
}

/*
 * One page, the same for every mapping, so the fault handler only ever
 * hands out that page: a mapping that MADV_DONTNEED emptied fills again on
 * the next read instead of raising SIGBUS.
 */
static vm_fault_t sysgenid_vm_fault(struct vm_fault *vmf)
{
	struct page *page = virt_to_page(state.page);

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct sysgenid_vm_ops = {
	.fault = sysgenid_vm_fault,
};

/*
 * What a mapping holds instead of the device file: a mapping that outlives
 * close() must not keep a watcher alive, yet it must keep the module (its
 * vm_ops and page) loaded. Holding this file does the second only.
 */
static const struct file_operations sysgenid_map_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
};

static void sysgenid_vma_flags(struct vm_area_struct *vma, vm_flags_t set,
			       vm_flags_t clear)
{
#ifdef SYSGENID_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

static int sysgenid_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *map_file;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	/* MAP_SHARED of a read-only file keeps VM_MAYSHARE, not VM_SHARED. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;

	map_file = anon_inode_getfile("[sysgenid]", &sysgenid_map_fops, NULL,
				      O_RDONLY);
	if (IS_ERR(map_file))
		return PTR_ERR(map_file);
	vma_set_file(vma, map_file);
	fput(map_file);

	/* Never writable or executable, never grown by mremap, not dumped. */
	sysgenid_vma_flags(vma, VM_DONTEXPAND | VM_DONTDUMP,
			   VM_MAYWRITE | VM_MAYEXEC);
	vma->vm_ops = &sysgenid_vm_ops;
	return 0;
}

static const struct file_operations sysgenid_fops = {
	.owner = THIS_MODULE,
	.open = sysgenid_open,
	.release = sysgenid_release,
	.read = sysgenid_read,
	.write = sysgenid_write,
	.poll = sysgenid_poll,
	.unlocked_ioctl = sysgenid_ioctl,
	/* Every argument is a value: a compat task's needs no conversion. */
	.compat_ioctl = sysgenid_ioctl,
	.mmap = sysgenid_mmap,
	.llseek = noop_llseek,
};

/*
 * World-readable, as the mapped counter is: the generation is no secret,
 * and the counts are totals that name no process.
 */
static ssize_t generation_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(state.generation));
}
static DEVICE_ATTR_RO(generation);

static ssize_t watchers_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(state.watchers));
}
static DEVICE_ATTR_RO(watchers);

static ssize_t outdated_watchers_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(state.outdated));
}
static DEVICE_ATTR_RO(outdated_watchers);

/*
 * When the generation last changed (the load, until the first change), in
 * CLOCK_MONOTONIC nanoseconds: a common clock for "how long since the
 * restore" across processes, and what the time of a watcher's ack can be
 * measured from.
 */
static ssize_t last_change_ns_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(state.changed_ns));
}
static DEVICE_ATTR_RO(last_change_ns);

static struct attribute *sysgenid_attrs[] = {
	&dev_attr_generation.attr,
	&dev_attr_watchers.attr,
	&dev_attr_outdated_watchers.attr,
	&dev_attr_last_change_ns.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sysgenid);

static struct miscdevice sysgenid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sysgenid",
	.fops = &sysgenid_fops,
	.groups = sysgenid_groups,
};

/*
 * The VM-fork backend. Without CONFIG_VMGENID, <linux/random.h> stubs the
 * notifier calls and the chain never fires: one switch, this parameter.
 */
static bool vmfork = true;
module_param(vmfork, bool, 0444);
MODULE_PARM_DESC(vmfork, "Move the generation on every VM fork, where the kernel reports them (default: on)");

static int sysgenid_vmfork_notify(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	sysgenid_bump(0);
	return NOTIFY_OK;
}

static struct notifier_block sysgenid_vmfork_nb = {
	.notifier_call = sysgenid_vmfork_notify,
};

static int __init sysgenid_init(void)
{
	int ret;

	state.page = (u32 *)get_zeroed_page(GFP_KERNEL);
	if (!state.page)
		return -ENOMEM;
	state.changed_ns = ktime_get_ns();

	/* The backend first: once the device exists, files can be open. */
	if (vmfork) {
		ret = register_random_vmfork_notifier(&sysgenid_vmfork_nb);
		if (ret)
			goto err_page;
	}

	ret = misc_register(&sysgenid_misc);
	if (ret)
		goto err_vmfork;

	pr_info("VM forks %s\n", !vmfork ? "ignored (vmfork=0)" :
		IS_ENABLED(CONFIG_VMGENID) ? "move the generation" :
		"unseen: no CONFIG_VMGENID");
	return 0;

err_vmfork:
	if (vmfork)
		unregister_random_vmfork_notifier(&sysgenid_vmfork_nb);
err_page:
	free_page((unsigned long)state.page);
	return ret;
}

static void __exit sysgenid_exit(void)
{
	misc_deregister(&sysgenid_misc);
	if (vmfork)
		unregister_random_vmfork_notifier(&sysgenid_vmfork_nb);
	free_page((unsigned long)state.page);
}

module_init(sysgenid_init);
module_exit(sysgenid_exit);

MODULE_AUTHOR("sysgenid-reactor contributors");
MODULE_DESCRIPTION("System Generation ID: a counter that changes when the system is cloned");
MODULE_LICENSE("GPL");
