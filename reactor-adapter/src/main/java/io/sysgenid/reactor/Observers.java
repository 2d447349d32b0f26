package io.sysgenid.reactor;

import io.sysgenid.core.SysGenIdAbi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The receiver's observers, called in order, each isolated from the others' exceptions; and its log. */
final class Observers implements GenerationObserver {
    private static final System.Logger LOG = System.getLogger(SysGenIdReceiver.class.getName());

    private final List<GenerationObserver> observers;

    Observers(List<GenerationObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    private void each(Consumer<GenerationObserver> call) {
        for (GenerationObserver observer : observers) {
            try {
                call.accept(observer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a sysgenid GenerationObserver threw; ignored", e);
            }
        }
    }

    @Override
    public void connected(String source, SysGenIdAbi abi, GenerationEvent current) {
        LOG.log(System.Logger.Level.DEBUG, () -> "watching " + source + " (" + abi + ") at generation "
                + current.generationString());
        each(o -> o.connected(source, abi, current));
    }

    @Override
    public void disconnected(String source, Optional<Throwable> cause) {
        cause.ifPresentOrElse(
                c -> LOG.log(System.Logger.Level.ERROR, "stopped watching " + source
                        + " after a device failure; generation changes (VM clones, snapshot restores) are NOT"
                        + " detected until a new subscription reopens it: " + c, c),
                () -> LOG.log(System.Logger.Level.DEBUG, () -> "stopped watching " + source));
        each(o -> o.disconnected(source, cause));
    }

    @Override
    public void generationRead(GenerationEvent event) {
        // DEBUG here and INFO once acknowledged: a synchronous log handler on the watcher thread would delay
        // every handler and subscriber by its write (the restored clone serves its old secrets meanwhile).
        LOG.log(System.Logger.Level.DEBUG, () -> "generation changed: " + event);
        each(o -> o.generationRead(event));
    }

    @Override
    public void handlerFinished(HandlerOutcome outcome) {
        if (outcome.failed()) {
            LOG.log(System.Logger.Level.WARNING, "sysgenid handler " + outcome, outcome.cause().orElse(null));
        }
        each(o -> o.handlerFinished(outcome));
    }

    @Override
    public void acknowledged(GenerationEvent event, Duration sinceRead) {
        LOG.log(ChangePathWarmUp.SOURCE.equals(event.source()) ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
                () -> "generation changed: " + event + "; acknowledged " + sinceRead.toMillis() + " ms after reading it");
        each(o -> o.acknowledged(event, sinceRead));
    }

    @Override
    public void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
        LOG.log(System.Logger.Level.WARNING, () -> "generation " + event.generationString()
                + " left unacknowledged (policy LEAVE_OUTDATED) because " + failures.size()
                + " handler(s) failed: " + failures + "; orchestrators waiting for this process will time out");
        each(o -> o.leftOutdated(event, failures));
    }
}
