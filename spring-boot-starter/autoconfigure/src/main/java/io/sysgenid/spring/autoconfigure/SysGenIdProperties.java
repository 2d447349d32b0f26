package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.ListenerFailurePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of System Generation ID watching, under {@code sysgenid.*}.
 *
 * @param source where generations come from: {@code auto} (the device if present; otherwise, or if it
 *     cannot be opened, the application starts, logs a warning that clones will not be detected, and health
 *     says so), {@code device} (the
 *     device must be usable or startup fails), {@code simulated} (an in-process simulated device, for
 *     development and tests) or {@code none} (nothing is watched; health says so)
 * @param devicePath the device file
 * @param handlerTimeout how long a handler may take unless it sets its own timeout; positive
 * @param failurePolicy what to do with a generation a handler failed: {@code ack-anyway}, or
 *     {@code leave-outdated} so orchestrators see this application has not recovered (the handlers run
 *     again after the retry delay)
 * @param retryDelay how long to wait before running the handlers of a generation left outdated again, and
 *     before reconnecting after a device failure
 * @param handlers per-handler settings, by handler name
 * @param crac JVM checkpoints and restores (CRaC, AWS Lambda SnapStart)
 */
@ConfigurationProperties("sysgenid")
public record SysGenIdProperties(
        @DefaultValue("auto") Source source,
        @DefaultValue("/dev/sysgenid") Path devicePath,
        @DefaultValue("30s") Duration handlerTimeout,
        @DefaultValue("ack-anyway") ListenerFailurePolicy failurePolicy,
        @DefaultValue("10s") Duration retryDelay,
        Map<String, Handler> handlers,
        @DefaultValue Crac crac) {

    /**
     * Checks the settings: timeouts must be positive, the retry delay not negative.
     *
     * @param source where generations come from
     * @param devicePath the device file
     * @param handlerTimeout the default handler timeout, positive
     * @param failurePolicy what to do with a generation a handler failed
     * @param retryDelay the retry and reconnection delay, not negative
     * @param handlers per-handler settings, by handler name
     * @param crac JVM checkpoint and restore settings
     * @throws IllegalArgumentException naming the property otherwise (binding fails with it)
     */
    public SysGenIdProperties {
        positive("sysgenid.handler-timeout", handlerTimeout);
        if (retryDelay != null && retryDelay.isNegative()) {
            throw new IllegalArgumentException("sysgenid.retry-delay must not be negative, was " + retryDelay);
        }
        handlers = handlers == null ? Map.of() : Map.copyOf(handlers);
        crac = crac == null ? new Crac(true, Duration.ofSeconds(30)) : crac;
    }

    private static void positive(String property, Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException(property + " must be positive, was " + timeout);
        }
    }

    /** Where generations come from. */
    public enum Source {
        /** The device if it exists; otherwise nothing is watched, with a warning and a health detail. */
        AUTO,
        /** The device, which must be usable: startup fails otherwise. */
        DEVICE,
        /** An in-process simulated device. */
        SIMULATED,
        /** Nothing is watched. */
        NONE
    }

    /**
     * JVM checkpoints and restores, where the runtime supports them (a CRaC JDK, AWS Lambda SnapStart):
     * before a checkpoint the receiver closes the device, its epoll instance, eventfd and mapping; after each
     * restore it reopens them and runs the handlers once, for a change whose source is {@code jvm-restore}.
     *
     * @param enabled false to take no part (a CRaC checkpoint then fails on the open device)
     * @param checkpointTimeout how long a checkpoint waits for the handlers of a generation in progress; a
     *     generation still unfinished then is dropped (the restore's round runs them again); zero or more
     */
    public record Crac(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration checkpointTimeout) {
        /**
         * Checks the timeout.
         *
         * @param enabled whether to take part in checkpoints
         * @param checkpointTimeout zero or more
         * @throws IllegalArgumentException if the timeout is negative
         */
        public Crac {
            if (checkpointTimeout != null && checkpointTimeout.isNegative()) {
                throw new IllegalArgumentException("sysgenid.crac.checkpoint-timeout must not be negative, was "
                        + checkpointTimeout);
            }
            checkpointTimeout = checkpointTimeout == null ? Duration.ofSeconds(30) : checkpointTimeout;
        }
    }

    /**
     * Settings of one handler.
     *
     * @param timeout how long this handler may take, overriding its own and the default
     */
    public record Handler(Duration timeout) {
        /**
         * Checks the timeout.
         *
         * @param timeout how long this handler may take, positive; null for the handler's own
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Handler {
            positive("sysgenid.handlers.<name>.timeout", timeout);
        }
    }
}
