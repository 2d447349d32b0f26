package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.SysGenIdException;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * Watches the device for the application's lifetime, so handlers run with or without subscribers
 * ({@link SysGenIdReceiver#start()}); starts before the web server and stops after it. On its first start it
 * gives the receiver the application's handler beans, looked up only then, so a handler may inject the
 * receiver or the {@code Flux} bean.
 *
 * <p>When the device cannot be opened: with {@code sysgenid.source=device} startup fails with a
 * {@link SysGenIdWatchException} (explained by the starter's failure analyzer); with {@code auto} (the device
 * exists, but, say, this user may not open it) the application starts, one warning names the path, the
 * errno and the fix, nothing is watched and health is DOWN with that reason ({@link #startFailure()}).
 * With {@code auto} and no device it logs one warning.
 */
public final class SysGenIdWatch implements SmartLifecycle {
    /** Before the web server (which starts in a later phase), so traffic is served only once watching. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Log LOG = LogFactory.getLog(SysGenIdWatch.class);

    private final SysGenIdReceiver receiver;
    private final SysGenIdMode mode;
    private final Supplier<List<GenerationHandler>> handlers;
    private volatile Disposable watching;
    private volatile SysGenIdException startFailure;
    private boolean handlersAdded; // guarded by this

    /**
     * A watch that adds no handlers (the receiver has its own).
     *
     * @param receiver the receiver to start
     * @param mode what {@code sysgenid.source} resolved to
     */
    public SysGenIdWatch(SysGenIdReceiver receiver, SysGenIdMode mode) {
        this(receiver, mode, List::of);
    }

    /**
     * A watch that gives the receiver {@code handlers} on its first start.
     *
     * @param receiver the receiver to start
     * @param mode what {@code sysgenid.source} resolved to
     * @param handlers the handlers to add, looked up once, at the first start
     */
    public SysGenIdWatch(SysGenIdReceiver receiver, SysGenIdMode mode, Supplier<List<GenerationHandler>> handlers) {
        this.receiver = receiver;
        this.mode = mode;
        this.handlers = handlers;
    }

    /** {@return what {@code sysgenid.source} resolved to} */
    public SysGenIdMode mode() {
        return mode;
    }

    /**
     * {@return why {@code sysgenid.source=auto} watches nothing although the device exists (it could not be
     * opened at startup); empty otherwise}
     */
    public Optional<SysGenIdException> startFailure() {
        return Optional.ofNullable(startFailure);
    }

    @Override
    public synchronized void start() {
        if (!handlersAdded) {
            handlersAdded = true;
            handlers.get().forEach(receiver::addHandler);
        }
        if (!mode.watches()) {
            if (mode.kind() == SysGenIdMode.Kind.MISSING) {
                LOG.warn(mode.notWatchingReason());
            } else {
                LOG.info(mode.notWatchingReason());
            }
            watching = Disposables.single();
            return;
        }
        try {
            watching = receiver.start();
            startFailure = null;
        } catch (SysGenIdException e) {
            if (mode.configured() != SysGenIdProperties.Source.AUTO) {
                throw new SysGenIdWatchException(mode, e);
            }
            startFailure = e;
            watching = Disposables.single();
            LOG.warn("sysgenid.source=auto: " + mode.path() + " exists but cannot be watched, so VM clones and"
                    + " snapshot restores are NOT detected (health is DOWN): " + e.getMessage()
                    + ". Set sysgenid.source=device to make this fail startup instead");
            return;
        }
        LOG.info("watching " + receiver.status().device().orElse(mode.path().toString())
                + " for VM generation changes");
    }

    @Override
    public synchronized void stop() {
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

    /** {@code sysgenid.source} asked for the device and it cannot be watched: startup fails. */
    public static final class SysGenIdWatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The mode, for the failure analysis. */
        private final transient SysGenIdMode mode;

        SysGenIdWatchException(SysGenIdMode mode, SysGenIdException cause) {
            super("cannot watch " + mode.path() + " (sysgenid.source="
                    + mode.configured().name().toLowerCase(Locale.ROOT) + "): " + cause.getMessage(), cause);
            this.mode = mode;
        }

        /** {@return what {@code sysgenid.source} resolved to} */
        public SysGenIdMode mode() {
            return mode;
        }

        /** {@return the device failure, from core} */
        public SysGenIdException device() {
            return (SysGenIdException) getCause();
        }
    }
}
