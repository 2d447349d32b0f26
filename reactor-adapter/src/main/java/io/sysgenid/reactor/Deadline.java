package io.sysgenid.reactor;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A timeout that arms its timer only if the work did not finish while being subscribed. Reactor's
 * {@code timeout} schedules its delay on the timer at subscription, before the source runs: a task queued
 * on a {@code ScheduledThreadPoolExecutor} and removed again, which wakes the timer's thread twice per
 * handler and per subscriber of every generation, on the path from the bump to the acknowledgement. A
 * handler returning a completed {@code Mono} and an {@code events()} subscriber that had demand finish
 * during the subscription and need no timer. Not API.
 */
final class Deadline {
    private Deadline() {
    }

    /**
     * {@code source} within {@code timeout} (measured from the subscription), else cancelled and
     * {@code fallback}.
     */
    static <T> Mono<T> within(Mono<T> source, Duration timeout, Mono<T> fallback, Scheduler timer) {
        return Mono.defer(() -> {
            // toFuture() subscribes now; cancelling the future cancels the subscription.
            var result = source.toFuture();
            if (result.isDone()) {
                return Mono.fromFuture(result);
            }
            return Mono.fromFuture(result).timeout(timeout, fallback, timer);
        });
    }
}
