// SPDX-License-Identifier: GPL-2.0
/*
 * System Generation ID driver
 *
 * Exposes a counter that changes every time the system is restored from a
 * snapshot or cloned, so that userspace can rebuild world-unique state
 * (random seeds, UUID state, tokens) and acknowledge it. See
 * include/uapi/linux/sysgenid.h for the userspace interface.
 *
 * The generation moves when the kernel reports a VM fork (where
 * CONFIG_VMGENID is available), when another driver calls
 * sysgenid_bump_generation(), or on a privileged ioctl.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>

#include <linux/sysgenid.h>

#if IS_ENABLED(CONFIG_VMGENID) && !defined(SYSGENID_NO_VMFORK)
#define SYSGENID_HAVE_VMFORK
#endif

struct sysgenid_state {
	spinlock_t lock;		/* protects everything below */
	u32 generation;			/* what userspace sees */
	u64 seq;			/* bumps since load; never wraps */
	unsigned int watchers;		/* tracked files */
	unsigned int outdated;		/* tracked files behind seq */
	u32 *page;			/* the page userspace maps */
	wait_queue_head_t readers;	/* read() and poll() */
	wait_queue_head_t waiters;	/* WAIT_WATCHERS */
};

struct sysgenid_file {
	u64 acked_seq;
	bool tracked;
};

static struct sysgenid_state state = {
	.lock = __SPIN_LOCK_UNLOCKED(state.lock),
	.readers = __WAIT_QUEUE_HEAD_INITIALIZER(state.readers),
	.waiters = __WAIT_QUEUE_HEAD_INITIALIZER(state.waiters),
};

static unsigned int state_read(const unsigned int *field)
{
	unsigned long flags;
	unsigned int val;

	spin_lock_irqsave(&state.lock, flags);
	val = *field;
	spin_unlock_irqrestore(&state.lock, flags);
	return val;
}

/* Caller holds state.lock. */
static bool file_outdated(const struct sysgenid_file *f)
{
	lockdep_assert_held(&state.lock);
	return f->acked_seq != state.seq;
}

static bool file_check_outdated(const struct sysgenid_file *f)
{
	unsigned long flags;
	bool outdated;

	spin_lock_irqsave(&state.lock, flags);
	outdated = file_outdated(f);
	spin_unlock_irqrestore(&state.lock, flags);
	return outdated;
}

static void set_tracking(struct sysgenid_file *f, bool track)
{
	unsigned long flags;
	bool wake = false;

	spin_lock_irqsave(&state.lock, flags);
	if (f->tracked != track) {
		f->tracked = track;
		if (track) {
			state.watchers++;
			if (file_outdated(f))
				state.outdated++;
		} else {
			state.watchers--;
			if (file_outdated(f)) {
				state.outdated--;
				wake = !state.outdated;
			}
		}
	}
	spin_unlock_irqrestore(&state.lock, flags);

	if (wake)
		wake_up_all(&state.waiters);
}

/* Moves the generation to max(min_gen, current + 1): always on. */
static void bump(u32 min_gen)
{
	unsigned long flags;
	u32 next;

	spin_lock_irqsave(&state.lock, flags);
	next = max(min_gen, state.generation + 1);
	if (next == state.generation)
		next++;
	state.generation = next;
	state.seq++;
	state.outdated = state.watchers;
	WRITE_ONCE(*state.page, next);
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
	bump(0);
}
EXPORT_SYMBOL_GPL(sysgenid_bump_generation);

static int sysgenid_open(struct inode *inode, struct file *file)
{
	struct sysgenid_file *f;
	unsigned long flags;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	spin_lock_irqsave(&state.lock, flags);
	f->acked_seq = state.seq;
	spin_unlock_irqrestore(&state.lock, flags);

	file->private_data = f;
	return 0;
}

static int sysgenid_release(struct inode *inode, struct file *file)
{
	struct sysgenid_file *f = file->private_data;

	set_tracking(f, false);
	kfree(f);
	return 0;
}

static ssize_t sysgenid_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct sysgenid_file *f = file->private_data;
	u32 gen;
	int ret;

	if (!count)
		return 0;
	if (count < sizeof(gen))
		return -EINVAL;

	set_tracking(f, true);
	if (!file_check_outdated(f)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(state.readers,
					       file_check_outdated(f));
		if (ret)
			return ret;
	}

	gen = state_read(&state.generation);
	if (copy_to_user(buf, &gen, sizeof(gen)))
		return -EFAULT;
	return sizeof(gen);
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
	if (file_outdated(f)) {
		f->acked_seq = state.seq;
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

	set_tracking(f, true);
	poll_wait(file, &state.readers, wait);
	return file_check_outdated(f) ? EPOLLIN | EPOLLRDNORM : 0;
}

static bool wait_done(const struct sysgenid_file *f)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&state.lock, flags);
	done = !state.outdated || file_outdated(f);
	spin_unlock_irqrestore(&state.lock, flags);
	return done;
}

/*
 * Sleeps until no watcher is outdated. The caller's own file being outdated
 * and a signal are both -EINTR, never -ERESTARTSYS: a restarted call would
 * begin a fresh timeout.
 */
static long wait_watchers(const struct sysgenid_file *f, unsigned long msecs,
			  long timeout_err)
{
	long ret;

	if (file_check_outdated(f))
		return -EINTR;

	if (msecs) {
		msecs = min_t(unsigned long, msecs, UINT_MAX);
		ret = wait_event_interruptible_timeout(state.waiters, wait_done(f),
						       msecs_to_jiffies(msecs));
		if (!ret)
			return timeout_err;
	} else {
		ret = wait_event_interruptible(state.waiters, wait_done(f));
	}
	if (ret < 0 || file_check_outdated(f))
		return -EINTR;
	return 0;
}

static long force_update(unsigned long min_gen)
{
	/* The initial namespace: a user namespace must not bump the host. */
	if (!checkpoint_restore_ns_capable(&init_user_ns))
		return -EACCES;
	bump((u32)min_gen);
	return 0;
}

static long sysgenid_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct sysgenid_file *f = file->private_data;

	switch (cmd) {
	case SYSGENID_GET_OUTDATED_WATCHERS:
		return state_read(&state.outdated);
	case SYSGENID_WAIT_WATCHERS:
		return wait_watchers(f, arg, -EINTR);
	case SYSGENID_WAIT_WATCHERS_V2:
		return wait_watchers(f, arg, -ETIME);
	case SYSGENID_FORCE_GEN_UPDATE:
	case SYSGENID_TRIGGER_GEN_UPDATE:
		return force_update(arg);
	case SYSGENID_SET_WATCHER_TRACKING:
		set_tracking(f, arg);
		return 0;
	default:
		return -ENOTTY;
	}
}

static void vma_forbid_write(struct vm_area_struct *vma)
{
#ifdef SYSGENID_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, VM_MAYWRITE);
#else
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
}

static int sysgenid_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	/* MAP_SHARED of a read-only file keeps VM_MAYSHARE, not VM_SHARED. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;

	vma_forbid_write(vma);
	return vm_insert_page(vma, vma->vm_start, virt_to_page(state.page));
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

static ssize_t generation_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", state_read(&state.generation));
}
static DEVICE_ATTR_RO(generation);

static ssize_t watchers_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", state_read(&state.watchers));
}
static DEVICE_ATTR_RO(watchers);

static ssize_t outdated_watchers_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", state_read(&state.outdated));
}
static DEVICE_ATTR_RO(outdated_watchers);

static struct attribute *sysgenid_attrs[] = {
	&dev_attr_generation.attr,
	&dev_attr_watchers.attr,
	&dev_attr_outdated_watchers.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sysgenid);

static struct miscdevice sysgenid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "sysgenid",
	.fops = &sysgenid_fops,
	.groups = sysgenid_groups,
};

static bool vmfork = true;
module_param(vmfork, bool, 0444);
MODULE_PARM_DESC(vmfork, "Move the generation on every VM fork, where the kernel reports them (default: on)");

#ifdef SYSGENID_HAVE_VMFORK
static int sysgenid_vmfork(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	sysgenid_bump_generation();
	return NOTIFY_OK;
}

static struct notifier_block sysgenid_vmfork_nb = {
	.notifier_call = sysgenid_vmfork,
};

static int backend_register(void)
{
	int ret;

	if (!vmfork) {
		pr_info("VM fork backend off (vmfork=0): software updates only\n");
		return 0;
	}
	ret = register_random_vmfork_notifier(&sysgenid_vmfork_nb);
	if (ret)
		return ret;
	pr_info("VM fork backend on: the generation follows VM forks\n");
	return 0;
}

static void backend_unregister(void)
{
	if (vmfork)
		unregister_random_vmfork_notifier(&sysgenid_vmfork_nb);
}
#else
static int backend_register(void)
{
	pr_info("no VM fork backend in this build: software updates only\n");
	return 0;
}

static void backend_unregister(void)
{
}
#endif

static int __init sysgenid_init(void)
{
	int ret;

	state.page = (u32 *)get_zeroed_page(GFP_KERNEL);
	if (!state.page)
		return -ENOMEM;

	ret = misc_register(&sysgenid_misc);
	if (ret)
		goto err_page;

	ret = backend_register();
	if (ret)
		goto err_misc;
	return 0;

err_misc:
	misc_deregister(&sysgenid_misc);
err_page:
	free_page((unsigned long)state.page);
	return ret;
}

static void __exit sysgenid_exit(void)
{
	backend_unregister();
	misc_deregister(&sysgenid_misc);
	free_page((unsigned long)state.page);
}

module_init(sysgenid_init);
module_exit(sysgenid_exit);

MODULE_AUTHOR("sysgenid-reactor contributors");
MODULE_DESCRIPTION("System Generation ID: a counter that changes when the system is cloned");
MODULE_LICENSE("GPL");
