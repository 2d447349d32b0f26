package io.sysgenid.spring.autoconfigure;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * BlockHound is installed in this module's test JVMs (blockhound-junit-platform), so every other test here
 * fails if the starter blocks a Reactor thread; this one shows it is on.
 */
class BlockHoundInstalledTests {
    @Test
    void blockingOnAReactorThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
            Thread.sleep(1); // the blocking call BlockHound must catch, not a wait
            return 1;
        }).subscribeOn(Schedulers.parallel()))
                .expectError(BlockingOperationError.class)
                .verify(Duration.ofSeconds(30));
    }
}
