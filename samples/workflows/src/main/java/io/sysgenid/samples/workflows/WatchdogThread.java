package io.sysgenid.samples.workflows;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * Workflow 1, the watchdog thread: a dedicated thread blocks until the generation changes, rebuilds the
 * world, acknowledges, and blocks again. Java has no blocking read on the nonblocking device file, so the
 * thread blocks in an epoll {@link Selector} on the device's channel instead, which is the same wait.
 *
 * <p>{@code rebuild} runs on the watchdog thread; the acknowledgement is written after it returns. If it
 * throws, the generation is not acknowledged (the device stays readable and the thread retries after a
 * second). {@link #close()} stops and joins the thread.
 */
public final class WatchdogThread implements AutoCloseable {
    private final SysGenIdDevice device;
    private final IntConsumer rebuild;
    private final Selector selector;
    private final NativeDeviceChannel channel;
    private final Thread thread;
    private volatile boolean active = true;

    public WatchdogThread(SysGenIdDevice device, IntConsumer rebuild) throws IOException {
        this.device = device;
        this.rebuild = rebuild;
        EpollSelectorProvider provider = new EpollSelectorProvider();
        this.selector = provider.openSelector();
        this.channel = device.openChannel(provider);
        channel.register(selector, SelectionKey.OP_READ); // polls: the file is a watcher from here on
        this.thread = new Thread(this::watch, "watchdog");
        thread.start();
    }

    private void watch() {
        while (active) {
            try {
                selector.select();                       // blocks until the generation changes
                selector.selectedKeys().clear();
                OptionalInt generation = device.readGeneration();
                if (generation.isPresent() && active) {
                    rebuild.accept(generation.getAsInt()); // rebuild the world
                    device.ack(generation.getAsInt());     // confirm we are done with this generation
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                System.err.println("watchdog: rebuild failed, generation left unacknowledged: " + e);
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        active = false;
        selector.wakeup();
        thread.join();
        selector.close();
        channel.close();
    }

    /** {@code WatchdogThread [--simulated | DEVICE] [--changes N]} */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        return DeviceOption.run(out, () -> {
            try (DeviceOption option = DeviceOption.parse(args, 3); SysGenIdDevice device = option.open()) {
                CountDownLatch changes = new CountDownLatch(option.changes());
                try (WatchdogThread watchdog = new WatchdogThread(device, generation -> {
                    out.println("watchdog: rebuilt the world for generation " + Integer.toUnsignedString(generation));
                    changes.countDown();
                }); AutoCloseable restores = option.simulateRestores(out)) {
                    if (!changes.await(DeviceOption.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no generation change within " + DeviceOption.PATIENCE);
                    }
                }
            }
        });
    }
}
