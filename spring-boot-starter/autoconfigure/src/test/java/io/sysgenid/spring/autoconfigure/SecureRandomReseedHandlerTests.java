package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.reactor.GenerationEvent;
import java.security.DrbgParameters;
import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Reseeding: reseed() where the algorithm supports it, fresh kernel bytes otherwise. */
class SecureRandomReseedHandlerTests {
    private static final GenerationEvent EVENT =
            new GenerationEvent(2, OptionalInt.of(1), false, Instant.EPOCH, GenerationSource.DEVICE,
                    "/dev/sysgenid (simulated)");

    /** Records how it was reseeded. */
    static final class Recording extends SecureRandom {
        private static final long serialVersionUID = 1L;
        final transient List<String> calls = new ArrayList<>();
        final boolean supportsReseed;

        Recording(boolean supportsReseed) {
            this.supportsReseed = supportsReseed;
        }

        @Override
        public void reseed() {
            if (!supportsReseed) {
                throw new UnsupportedOperationException("no reseed");
            }
            calls.add("reseed");
        }

        @Override
        public void reseed(SecureRandomParameters params) {
            reseed();
        }

        @Override
        public void setSeed(byte[] seed) {
            if (calls != null) {
                calls.add("setSeed " + seed.length + " " + (seed.length > 0 && !java.util.Arrays.equals(seed, new byte[seed.length])));
            }
        }
    }

    @Test
    void reseedsEveryInstanceTheWayItsAlgorithmAllows() {
        Recording drbgLike = new Recording(true);
        Recording legacy = new Recording(false);
        SecureRandomReseedHandler handler = new SecureRandomReseedHandler(() -> List.of(drbgLike, legacy));
        StepVerifier.create(Mono.from(handler.handle(EVENT))).verifyComplete();
        assertThat(drbgLike.calls).containsExactly("reseed");
        assertThat(legacy.calls).containsExactly("setSeed 32 true");
    }

    /** Two generators in the same state, as a VM clone leaves them: SHA1PRNG seeded alike is deterministic. */
    static SecureRandom[] twins() throws Exception {
        SecureRandom[] twins = new SecureRandom[2];
        for (int i = 0; i < 2; i++) {
            twins[i] = SecureRandom.getInstance("SHA1PRNG");
            twins[i].setSeed(new byte[] {1, 2, 3, 4});
        }
        return twins;
    }

    private static byte[] draw(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void aClonedGeneratorDrawsTheSameAsItsTwinUntilTheHandlerReseedsIt() throws Exception {
        SecureRandom[] original = twins();
        SecureRandom[] clone = twins();
        assertThat(draw(original[0])).as("clones draw the same").isEqualTo(draw(original[1]));
        assertThat(draw(clone[0])).isEqualTo(draw(clone[1]));
        SecureRandomReseedHandler handler = new SecureRandomReseedHandler(() -> List.of(original[0]));
        StepVerifier.create(Mono.from(handler.handle(EVENT))).verifyComplete();
        assertThat(draw(original[0])).as("reseeded: differs from its twin").isNotEqualTo(draw(original[1]));
        assertThat(draw(clone[0])).as("not reseeded: still its twin's").isEqualTo(draw(clone[1]));
    }

    @Test
    void aRealDrbgIsReseededThroughReseedAndTheHandlerRunsOffTheCallingThread() throws Exception {
        SecureRandom drbg = SecureRandom.getInstance("DRBG",
                DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        List<String> calls = new ArrayList<>();
        SecureRandom spy = new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void reseed() {
                drbg.reseed();
                calls.add("reseed");
            }

            @Override
            public void setSeed(byte[] seed) {
                if (calls != null) {
                    calls.add("setSeed");
                }
            }
        };
        List<String> threads = new ArrayList<>();
        SecureRandomReseedHandler handler = new SecureRandomReseedHandler(() -> {
            threads.add(Thread.currentThread().getName());
            return List.of(spy);
        });
        StepVerifier.create(Mono.from(handler.handle(EVENT)).subscribeOn(Schedulers.immediate())).verifyComplete();
        assertThat(calls).as("a DRBG supports reseed(): no setSeed fallback").containsExactly("reseed");
        assertThat(threads).singleElement().asString().startsWith("boundedElastic");
        assertThat(handler.name()).isEqualTo("secure-random-reseed");
    }
}
