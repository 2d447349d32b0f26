package io.sysgenid.samples.workflows;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * Workflow 2, the asynchronous loop: one epoll set holds the sysgenid device with the application's other
 * descriptors (here a job queue's eventfd), and one thread serves whichever is ready. When the device is
 * ready it reads the new generation, rebuilds, acknowledges; the device stays readable until then, so the
 * loop never sees it twice for one generation.
 *
 * <p>{@link #post(Runnable)} may be called from any thread; jobs and {@code rebuild} run on the loop's thread.
 * {@link #close()} stops and joins it.
 */
public final class AsyncEventLoop implements AutoCloseable {
    private final SysGenIdDevice device;
    private final IntConsumer rebuild;
    private final Selector selector;
    private final NativeDeviceChannel sysgen;
    private final JobQueue jobs;
    private final Thread thread;
    private volatile boolean active = true;

    public AsyncEventLoop(SysGenIdDevice device, IntConsumer rebuild) throws IOException {
        this.device = device;
        this.rebuild = rebuild;
        EpollSelectorProvider provider = new EpollSelectorProvider();
        this.selector = provider.openSelector();
        this.sysgen = device.openChannel(provider);
        this.jobs = new JobQueue(provider);
        sysgen.register(selector, SelectionKey.OP_READ, "sysgenid");
        jobs.channel().register(selector, SelectionKey.OP_READ, "jobs");
        this.thread = new Thread(this::loop, "event-loop");
        thread.start();
    }

    /** Runs {@code job} on the loop's thread. */
    public void post(Runnable job) {
        jobs.post(job);
    }

    private void loop() {
        while (active) {
            try {
                selector.select();
            } catch (IOException e) {
                System.err.println("event loop: " + e);
                return;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                if ("sysgenid".equals(key.attachment())) {
                    handleSysGenId();
                } else {
                    jobs.runPending();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void handleSysGenId() {
        OptionalInt generation = device.readGeneration(); // the new generation, to acknowledge it after
        if (generation.isPresent()) {
            rebuild.accept(generation.getAsInt());         // rebuild the world
            device.ack(generation.getAsInt());             // confirm we handled it
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        active = false;
        selector.wakeup();
        thread.join();
        selector.close();
        sysgen.close();
        jobs.close();
    }

    /** {@code AsyncEventLoop [--simulated | DEVICE] [--changes N]} */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        return DeviceOption.run(out, () -> {
            try (DeviceOption option = DeviceOption.parse(args, 3); SysGenIdDevice device = option.open()) {
                CountDownLatch changes = new CountDownLatch(option.changes());
                try (AsyncEventLoop loop = new AsyncEventLoop(device, generation -> {
                    out.println("event loop: rebuilt the world for generation " + Integer.toUnsignedString(generation));
                    changes.countDown();
                }); AutoCloseable restores = option.simulateRestores(out)) {
                    int request = 0;
                    while (!changes.await(300, TimeUnit.MILLISECONDS)) {
                        int n = ++request;
                        loop.post(() -> out.println("event loop: served request " + n));
                        if (n * 300L > DeviceOption.PATIENCE.toMillis()) {
                            throw new IllegalStateException("no generation change within " + DeviceOption.PATIENCE);
                        }
                    }
                }
            }
        });
    }
}
