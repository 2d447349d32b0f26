package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves that the other tests run under BlockHound: a sleep on a Reactor thread is an error. */
class BlockHoundInstalledTest {
    @Test
    void aBlockingCallOnAReactorThreadFails() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                }).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(error -> assertInstanceOf(BlockingOperationError.class, error))
                .verify(Duration.ofSeconds(30));
    }
}
