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

    @Bean
    SecureRandom applicationRandom() {
        return new SecureRandom();
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
