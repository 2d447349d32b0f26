package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

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
            new GenerationEvent(2, OptionalInt.of(1), false, Instant.EPOCH, "/dev/sysgenid (simulated)");

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

    @Test
    void aRealDrbgIsReseededAndTheHandlerRunsOffTheCallingThread() throws Exception {
        SecureRandom drbg = SecureRandom.getInstance("DRBG",
                DrbgParameters.instantiation(256, DrbgParameters.Capability.PR_AND_RESEED, null));
        List<String> threads = new ArrayList<>();
        SecureRandomReseedHandler handler = new SecureRandomReseedHandler(() -> {
            threads.add(Thread.currentThread().getName());
            return List.of(drbg, new SecureRandom());
        });
        StepVerifier.create(Mono.from(handler.handle(EVENT)).subscribeOn(Schedulers.immediate())).verifyComplete();
        assertThat(threads).singleElement().asString().startsWith("boundedElastic");
        assertThat(handler.name()).isEqualTo("secure-random-reseed");
    }
}
