package io.sysgenid.core.guest;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdDevice;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Java side of the snapshot scenario on the real device, run in a QEMU guest by
 * {@code scripts/guest-java-snapshot JAVA_HOME core io.sysgenid.core.guest.WatcherSnapshotMain}: a
 * {@link GenerationWatcher} watches {@code /dev/sysgenid} while the VM is snapshotted, and in every clone
 * restored from that snapshot the kernel's VM-fork notification bumps the generation, which the watcher
 * must hand to its listener and acknowledge.
 *
 * <p>Prints {@code SYSGENID-GUEST-READY} once the kernel counts the watcher (the harness snapshots the VM
 * then), {@code SYSGENID-GUEST-HANDLED gen=N} from the listener, and {@code SYSGENID-GUEST-ACKED} once the
 * device has accepted the acknowledgement and reports no outdated watcher. It then keeps the device open
 * until the harness, having seen the acknowledgement in sysfs for itself, stops it with SIGTERM (a file
 * that is closed is no watcher, so an outdated count of 0 after the exit would prove nothing).
 *
 * <p>Every step is bounded by the timeout (the first argument, in seconds, default 120), counted from the
 * start in the guest's time, which stands still while the VM is saved and restored: past it the program
 * prints {@code SYSGENID-GUEST-FAILED} and why, and exits 1.
 */
public final class WatcherSnapshotMain {
    private WatcherSnapshotMain() {}

    public static void main(String[] args) {
        long timeoutSeconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        CompletableFuture<Integer> handled = new CompletableFuture<>();
        CompletableFuture<Integer> acknowledged = new CompletableFuture<>();
        try (SysGenIdDevice device = SysGenIdDevice.open();
                GenerationWatcher watcher = GenerationWatcher.builder(device)
                        .listener(GenerationListener.synchronous(generation -> {
                            System.out.println("SYSGENID-GUEST-HANDLED gen=" + Integer.toUnsignedString(generation));
                            handled.complete(generation);
                        }))
                        .acknowledgementHandler(acknowledged::complete)
                        .failureHandler(failure -> System.out.println("SYSGENID-GUEST-WATCHER-FAILURE " + failure))
                        .start()) {
            // The kernel counts the file once the selector's epoll registration has polled it: a
            // snapshot taken before that would prove nothing.
            await(deadline, "the kernel to count the watcher (sysfs watchers >= 1)",
                    () -> count(device.watchers(), "watchers") >= 1);
            System.out.println("SYSGENID-GUEST-READY gen=" + Integer.toUnsignedString(device.currentGeneration())
                    + " watchers=" + device.watchers().getAsInt());

            int generation = get(handled, deadline, "a new generation (the VM was to be restored from a snapshot)");
            get(acknowledged, deadline,
                    "the device to accept the acknowledgement of generation " + Integer.toUnsignedString(generation));
            await(deadline, "no outdated watcher after the acknowledgement",
                    () -> count(device.outdatedWatchers(), "outdated watchers") == 0);
            System.out.println("SYSGENID-GUEST-ACKED gen=" + Integer.toUnsignedString(generation)
                    + " " + watcher.stats());
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            throw new GuestFailure("timed out waiting for SIGTERM after the acknowledgement");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.out.println("SYSGENID-GUEST-FAILED interrupted");
            System.exit(1);
        } catch (GuestFailure e) {
            System.out.println("SYSGENID-GUEST-FAILED " + e.getMessage());
            System.exit(1);
        }
    }

    private static int count(OptionalInt value, String what) {
        if (value.isEmpty()) {
            throw new GuestFailure("the kernel does not report " + what + ": is /dev/sysgenid this project's module?");
        }
        return value.getAsInt();
    }

    private static void await(long deadline, String what, Supplier<Boolean> condition) {
        while (!condition.get()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new GuestFailure("timed out waiting for " + what);
            }
            sleep();
        }
    }

    private static int get(CompletableFuture<Integer> future, long deadline, String what) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GuestFailure("timed out waiting for " + what);
        } catch (ExecutionException e) {
            throw new GuestFailure(what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted waiting for " + what);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted");
        }
    }

    private static final class GuestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GuestFailure(String message) {
            super(message, null, false, false);
        }
    }
}
