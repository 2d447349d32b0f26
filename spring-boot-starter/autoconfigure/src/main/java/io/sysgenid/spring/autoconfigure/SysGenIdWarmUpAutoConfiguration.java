package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.ChangePathWarmUp;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.security.SecureRandom;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import reactor.core.scheduler.Schedulers;

/**
 * Once the application is ready, runs the generation-change path a few times on a daemon thread, off the
 * start-up path ({@link ChangePathWarmUp}), and touches what the starter's reseed handler uses (a DRBG
 * reseed of a throwaway {@link SecureRandom}, the bounded-elastic scheduler), so that a clone restored
 * from a snapshot does not load classes, nor collect the metaspace they fill, between the restore and
 * its acknowledgement. {@code sysgenid.warm-up.enabled=false} turns it off.
 */
@AutoConfiguration(after = SysGenIdAutoConfiguration.class)
@ConditionalOnBean(SysGenIdReceiver.class)
@ConditionalOnProperty(prefix = "sysgenid.warm-up", name = "enabled", matchIfMissing = true)
public final class SysGenIdWarmUpAutoConfiguration {
    private static final Log LOG = LogFactory.getLog(SysGenIdWarmUpAutoConfiguration.class);
    private static final int ROUNDS = 20;

    SysGenIdWarmUpAutoConfiguration() {
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> sysGenIdWarmUp() {
        return event -> {
            Thread warmUp = new Thread(SysGenIdWarmUpAutoConfiguration::warmUp, "sysgenid-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        };
    }

    private static void warmUp() {
        try {
            SecureRandomReseedHandler.reseed(new SecureRandom());
            Schedulers.boundedElastic().schedule(() -> { });
            Duration took = ChangePathWarmUp.run(ROUNDS);
            LOG.debug("sysgenid: change path warmed up in " + took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("sysgenid: warming up the change path failed; the first change will be slower", e);
        }
    }
}
