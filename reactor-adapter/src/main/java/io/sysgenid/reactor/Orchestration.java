package io.sysgenid.reactor;

import io.sysgenid.core.WaitResult;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One run of {@link SysGenIdReceiver#orchestrate}'s wait: until this process has caught up with the
 * device's generation, then WAIT_WATCHERS for the others, over again when a newer generation arrives, all
 * before one deadline.
 */
final class Orchestration {
    private final Connection connection;
    private final Scheduler blocking;
    private final long start = System.nanoTime();
    private final long deadline;

    Orchestration(Connection connection, Duration timeout, Scheduler blocking) {
        this.connection = connection;
        this.blocking = blocking;
        this.deadline = start + timeout.toNanos();
    }

    Mono<OrchestrationResult> run() {
        return Mono.defer(this::attempt);
    }

    private Mono<OrchestrationResult> attempt() {
        Duration left = left();
        if (left.isZero()) {
            return Mono.fromCallable(() -> result(WaitResult.TIMED_OUT));
        }
        return connection.caughtUp()
                .timeout(left, Schedulers.parallel())
                .then(Mono.defer(() -> {
                    Duration remaining = left();
                    return remaining.isZero() ? Mono.just(WaitResult.TIMED_OUT)
                            : Mono.fromCallable(() -> connection.device().waitWatchers(remaining)).subscribeOn(blocking);
                }))
                .flatMap(waited -> waited == WaitResult.SELF_OUTDATED ? attempt()
                        : Mono.fromCallable(() -> result(waited)))
                .onErrorResume(TimeoutException.class, e -> Mono.fromCallable(() -> result(WaitResult.TIMED_OUT)));
    }

    private Duration left() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private OrchestrationResult result(WaitResult result) {
        return new OrchestrationResult(result, connection.device().currentGeneration(),
                connection.device().outdatedWatchers(), connection.isCaughtUp(),
                Duration.ofNanos(System.nanoTime() - start));
    }
}
