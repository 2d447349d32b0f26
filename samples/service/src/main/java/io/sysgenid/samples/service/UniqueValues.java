package io.sysgenid.samples.service;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The values that must differ between clones of one VM, and their rebuild. As a {@link GenerationHandler}
 * bean it runs on every generation change, and the starter acknowledges the generation to the device only
 * after it has completed: until then an orchestrator waiting on the device knows this service may still
 * hand out a clone's values.
 *
 * <p>Thread-safe: the state is one immutable {@link State} swapped atomically; the tokens issued in a
 * generation live in that generation's state, so a rebuild revokes them all at once.
 */
@Component
public class UniqueValues implements GenerationHandler {
    private final ObjectProvider<SysGenIdReceiver> receiver;
    private final SecureRandom random;
    private final AtomicReference<State> state;

    /**
     * What one generation hands out from.
     *
     * @param generation the generation it was built in (unsigned; -1 if unknown: nothing is watched)
     * @param random the application's generator, which the starter reseeds first of all on each change
     * @param instanceId this VM's id, random
     * @param tokens the session tokens issued in this generation
     */
    record State(long generation, SecureRandom random, String instanceId, Set<String> tokens) {
        static State build(long generation, SecureRandom random) {
            return new State(generation, random, randomId(random), ConcurrentHashMap.newKeySet());
        }
    }

    /** A value with the generation it was made in. */
    public record Value(String kind, String value, long generation) {}

    /**
     * @param receiver the starter's receiver, for the generation this state was built in (looked up when
     *     first needed)
     * @param random the application's {@link SecureRandom} bean: the starter reseeds it before any other
     *     handler runs, so this handler and every other user draw fresh numbers in each clone
     */
    public UniqueValues(ObjectProvider<SysGenIdReceiver> receiver, SecureRandom random) {
        this.receiver = receiver;
        this.random = random;
        this.state = new AtomicReference<>(State.build(-1, random));
    }

    private long currentGeneration() {
        SysGenIdReceiver available = receiver.getIfAvailable();
        return available == null ? -1
                : available.status().lastEvent().map(e -> Integer.toUnsignedLong(e.generation())).orElse(-1L);
    }

    @Override
    public Publisher<Void> handle(GenerationEvent event) {
        // Drawing from a SecureRandom may block on the kernel: off Reactor's threads.
        return Mono.<Void>fromRunnable(() -> state.set(State.build(Integer.toUnsignedLong(event.generation()), random)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String name() {
        return "unique-values";
    }

    /** A random (version 4) UUID. */
    public Value uuid() {
        State current = current();
        byte[] bytes = new byte[16];
        current.random().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[8 + i] & 0xff);
        }
        return new Value("uuid", new UUID(most, least).toString(), current.generation());
    }

    /** A new session token, valid until the next generation change. */
    public Value token() {
        State current = current();
        String token = randomId(current.random());
        current.tokens().add(token);
        return new Value("token", token, current.generation());
    }

    /** Whether {@code token} was issued in the current generation. */
    public boolean valid(String token) {
        return current().tokens().contains(token);
    }

    /** This instance's id, new after every clone or restore. */
    public Value instanceId() {
        State current = current();
        return new Value("instance", current.instanceId(), current.generation());
    }

    private State current() {
        State current = state.get();
        if (current.generation() < 0) {
            long generation = currentGeneration();
            if (generation >= 0) {
                state.compareAndSet(current, new State(generation, current.random(), current.instanceId(),
                        current.tokens()));
                current = state.get();
            }
        }
        return current;
    }

    private static String randomId(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
