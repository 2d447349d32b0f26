package io.sysgenid.reactor.tck;

import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * The Reactive Streams TCK's publisher rules against {@link SysGenIdReceiver#events()} on the simulated
 * device. A publisher of {@code n} elements is the receiver's Flux limited to {@code n}: the replay,
 * then {@code n - 1} changes, each made once the previous element was delivered (the receiver keeps one
 * undelivered generation per subscriber, the newest, so changes made faster than the subscriber requests
 * would coalesce: a hot source of state, not a queue).
 *
 * <p>What the TCK skips, and why: the {@code untested_*} rules (the TCK has no test for them); the
 * optional multicast rules 1.11, since each publisher here is made for one subscriber (the receiver
 * itself is multicast: its subscribers share one connection, but each starts with a replay, so two
 * subscribers do not see one sequence); and rule 3.17 above {@code Long.MAX_VALUE}, which needs an
 * unbounded publisher. The subscriber side ({@code SubscriberBlackboxVerification}) does not apply: the
 * receiver publishes no {@code Subscriber}; its internal operator is checked here, behind the Flux.
 */
public class EventsPublisherTckTest extends PublisherVerification<GenerationEvent> {
    public EventsPublisherTckTest() {
        super(new TestEnvironment(2_000, 300));
    }

    @Override
    public Publisher<GenerationEvent> createPublisher(long elements) {
        SimulatedSysGenId simulator = SimulatedSysGenId.create();
        AtomicLong changes = new AtomicLong();
        Runnable next = () -> {
            if (changes.incrementAndGet() < elements) {
                simulator.bump();
            }
        };
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open)
                .defaultTimeout(Duration.ofMillis(200))
                .build();
        return receiver.events().doOnNext(delivered -> next.run()).take(elements).doFinally(signal -> {
            receiver.close();
            simulator.close();
        });
    }

    @Override
    public Publisher<GenerationEvent> createFailedPublisher() {
        SimulatedSysGenId simulator = SimulatedSysGenId.create();
        simulator.failNext(SimulatedOperation.OPEN, 2);
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).build();
        return receiver.events().doFinally(signal -> {
            receiver.close();
            simulator.close();
        });
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1_000;
    }
}
