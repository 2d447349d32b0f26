package io.sysgenid.core;

/**
 * Counters of a {@link GenerationWatcher}'s loop since it started, for metrics and tests.
 *
 * @param wakeups times the loop's selector returned
 * @param reads reads of the device
 * @param dispatches generations handed to the listeners
 * @param acknowledgements acknowledgements the device accepted
 * @param refusedAcknowledgements acknowledgements refused because a newer generation had arrived
 * @param listenerFailures listener failures reported
 * @param deviceFailures device or selector failures reported
 */
public record WatcherStats(
        long wakeups,
        long reads,
        long dispatches,
        long acknowledgements,
        long refusedAcknowledgements,
        long listenerFailures,
        long deviceFailures) {}
