package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

/**
 * Watches the device for the application's lifetime, so handlers run with or without subscribers
 * ({@link SysGenIdReceiver#start()}); starts before the web server and stops after it. With
 * {@code sysgenid.source=device} (or {@code auto} and a device present) a device that cannot be opened
 * fails startup with core's actionable error; with {@code auto} and no device it logs one warning.
 */
public final class SysGenIdWatch implements SmartLifecycle {
    /** Before the web server (which starts in a later phase), so traffic is served only once watching. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final System.Logger LOG = System.getLogger(SysGenIdWatch.class.getName());

    private final SysGenIdReceiver receiver;
    private final SysGenIdMode mode;
    private volatile Disposable watching;

    public SysGenIdWatch(SysGenIdReceiver receiver, SysGenIdMode mode) {
        this.receiver = receiver;
        this.mode = mode;
    }

    /** What {@code sysgenid.source} resolved to. */
    public SysGenIdMode mode() {
        return mode;
    }

    @Override
    public void start() {
        if (!mode.watches()) {
            LOG.log(mode.kind() == SysGenIdMode.Kind.MISSING ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    mode.notWatchingReason());
            watching = reactor.core.Disposables.single();
            return;
        }
        try {
            watching = receiver.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot watch " + mode.path() + " (sysgenid.source="
                    + mode.configured().name().toLowerCase(java.util.Locale.ROOT) + "): " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, () -> "watching " + receiver.status().source().orElse("?")
                + " for VM generation changes");
    }

    @Override
    public void stop() {
        Disposable current = watching;
        watching = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return watching != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
