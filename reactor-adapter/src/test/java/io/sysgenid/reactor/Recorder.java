package io.sysgenid.reactor;

import io.sysgenid.core.SysGenIdAbi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link GenerationObserver} that records what it hears, for tests to take in order. */
final class Recorder implements GenerationObserver {
    static final Duration LONG = Duration.ofSeconds(60);

    final BlockingQueue<HandlerOutcome> outcomes = new LinkedBlockingQueue<>();
    final BlockingQueue<GenerationEvent> acknowledged = new LinkedBlockingQueue<>();
    final BlockingQueue<GenerationEvent> read = new LinkedBlockingQueue<>();
    final BlockingQueue<List<HandlerOutcome>> leftOutdated = new LinkedBlockingQueue<>();
    final BlockingQueue<Optional<Throwable>> disconnected = new LinkedBlockingQueue<>();
    final BlockingQueue<SysGenIdAbi> connected = new LinkedBlockingQueue<>();

    @Override
    public void connected(String source, SysGenIdAbi abi, GenerationEvent current) {
        connected.add(abi);
    }

    @Override
    public void disconnected(String source, Optional<Throwable> cause) {
        disconnected.add(cause);
    }

    @Override
    public void generationRead(GenerationEvent event) {
        read.add(event);
    }

    @Override
    public void handlerFinished(HandlerOutcome outcome) {
        outcomes.add(outcome);
    }

    @Override
    public void acknowledged(GenerationEvent event, Duration sinceRead) {
        acknowledged.add(event);
    }

    @Override
    public void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
        leftOutdated.add(failures);
    }

    static <T> T next(BlockingQueue<T> queue, String what) {
        return next(queue, what, LONG);
    }

    static <T> T next(BlockingQueue<T> queue, String what, Duration wait) {
        try {
            T value = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (value == null) {
                throw new AssertionError("no " + what + " within " + wait);
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HandlerOutcome nextOutcome() {
        return next(outcomes, "handler outcome");
    }

    GenerationEvent nextAcknowledged() {
        return next(acknowledged, "acknowledgement");
    }
}
