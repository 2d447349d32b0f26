package io.sysgenid.samples.service;

import io.sysgenid.reactor.AcknowledgableGeneration;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A subscriber that finishes each generation explicitly: {@link SysGenIdReceiver#receive(String)} under the
 * name {@code generation-log}, and {@link AcknowledgableGeneration#commit()} once its work is done; the
 * device is acknowledged only after this, every handler bean and every other subscriber have finished.
 * The work here is a log line; in a real service it could be anything asynchronous (flushing a cache,
 * renewing a lease). Replays (the generation current when it subscribes) need no work.
 */
@Component
class GenerationLog implements SmartLifecycle {
    private static final Log LOG = LogFactory.getLog(GenerationLog.class);

    private final SysGenIdReceiver receiver;
    private volatile Disposable subscription;

    GenerationLog(SysGenIdReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void start() {
        subscription = receiver.receive("generation-log")
                .filter(generation -> generation.event().isChange())
                .concatMap(generation -> Mono.fromRunnable(() -> LOG.info("generation changed: "
                                + generation.event() + "; values rebuilt"))
                        .subscribeOn(Schedulers.boundedElastic())
                        .then(generation.commit())
                        .doOnSuccess(done -> LOG.info("the device accepted the acknowledgement of generation "
                                + generation.event().generationString()))
                        .onErrorResume(notAcknowledged -> {
                            LOG.warn("generation " + generation.event().generationString() + " was not acknowledged: "
                                    + notAcknowledged.getMessage());
                            return Mono.empty();
                        }))
                // the Flux ends with the device's error (or when nothing is watched): subscribe again later
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(10)).maxBackoff(Duration.ofMinutes(1)))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        subscription = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
