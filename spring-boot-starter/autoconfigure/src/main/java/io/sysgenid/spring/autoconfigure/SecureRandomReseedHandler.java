package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reseeds the application's {@link SecureRandom} beans when the generation changes, first of all handlers,
 * so that clones of one VM stop producing the same random numbers: {@link SecureRandom#reseed()} where
 * the algorithm supports it (DRBG), otherwise {@link SecureRandom#setSeed(byte[])} with fresh bytes from the
 * kernel (which the kernel's own VM-fork handling has reseeded). Runs on a bounded-elastic thread.
 */
public final class SecureRandomReseedHandler implements GenerationHandler, Ordered {
    /** The handler's name in reports and metrics. */
    public static final String NAME = "secure-random-reseed";

    private static final Path KERNEL_RANDOM = Path.of("/dev/urandom");
    private static final int SEED_BYTES = 32;

    private final Supplier<List<SecureRandom>> randoms;

    /**
     * Creates it.
     *
     * @param randoms the instances to reseed, looked up at each change
     */
    public SecureRandomReseedHandler(Supplier<List<SecureRandom>> randoms) {
        this.randoms = randoms;
    }

    @Override
    public Publisher<Void> handle(GenerationEvent event) {
        return Mono.<Void>fromRunnable(() -> randoms.get().forEach(SecureRandomReseedHandler::reseed))
                .subscribeOn(Schedulers.boundedElastic());
    }

    static void reseed(SecureRandom random) {
        try {
            random.reseed();
        } catch (UnsupportedOperationException notDrbg) {
            random.setSeed(freshSeed());
        }
    }

    private static byte[] freshSeed() {
        byte[] seed = new byte[SEED_BYTES];
        try (InputStream in = Files.newInputStream(KERNEL_RANDOM)) {
            if (in.readNBytes(seed, 0, SEED_BYTES) != SEED_BYTES) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a fresh seed from " + KERNEL_RANDOM, e);
        }
        return seed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public int order() {
        return getOrder();
    }
}
