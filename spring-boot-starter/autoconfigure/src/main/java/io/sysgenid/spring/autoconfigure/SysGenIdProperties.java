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
 */
@ConfigurationProperties("sysgenid")
public record SysGenIdProperties(
        @DefaultValue("auto") Source source,
        @DefaultValue("/dev/sysgenid") Path devicePath,
        @DefaultValue("30s") Duration handlerTimeout,
        @DefaultValue("ack-anyway") ListenerFailurePolicy failurePolicy,
        @DefaultValue("10s") Duration retryDelay,
        Map<String, Handler> handlers) {

    /**
     * Checks the settings: timeouts must be positive, the retry delay not negative.
     *
     * @param source where generations come from
     * @param devicePath the device file
     * @param handlerTimeout the default handler timeout, positive
     * @param failurePolicy what to do with a generation a handler failed
     * @param retryDelay the retry and reconnection delay, not negative
     * @param handlers per-handler settings, by handler name
     * @throws IllegalArgumentException naming the property otherwise (binding fails with it)
     */
    public SysGenIdProperties {
        positive("sysgenid.handler-timeout", handlerTimeout);
        if (retryDelay != null && retryDelay.isNegative()) {
            throw new IllegalArgumentException("sysgenid.retry-delay must not be negative, was " + retryDelay);
        }
        handlers = handlers == null ? Map.of() : Map.copyOf(handlers);
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
