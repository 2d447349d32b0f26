package io.sysgenid.spring.autoconfigure.app;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** A small application with one world-unique value, for the application test. */
@SpringBootApplication
public class ReseedingApplication {

    /**
     * The application's generator: SHA1PRNG with a fixed seed, so a test can hold its twin (the state a VM
     * clone would share) and see that the starter reseeded it. A fixture: never seed a real one like this.
     */
    @Bean
    SecureRandom applicationRandom() {
        return twin();
    }

    /** {@return a generator in the state the application's started in} */
    public static SecureRandom twin() {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(new byte[] {4, 2});
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An instance id that must differ between clones of one VM. */
    @Component
    public static class InstanceId implements GenerationHandler {
        private final AtomicReference<String> id = new AtomicReference<>(UUID.randomUUID().toString());

        public String get() {
            return id.get();
        }

        @Override
        public Publisher<Void> handle(GenerationEvent event) {
            return Mono.fromRunnable(() -> id.set(UUID.randomUUID().toString()));
        }
    }
}
