package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.RealDevice;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link SysGenIdCracTests} on the real device ({@code sysgenid.source=device}), moved by forced updates
 * (as root): skipped where it does not exist, unless {@code -Dsysgenid.device.required=true} (as
 * {@code scripts/guest-java-tests} sets inside the QEMU guest).
 */
class NativeSysGenIdCracTests extends SysGenIdCracTests {
    @BeforeAll
    static void requireTheDevice() {
        RealDevice.require();
    }

    @Override
    ApplicationContextRunner source(ApplicationContextRunner runner) {
        return runner.withPropertyValues("sysgenid.source=device");
    }

    @Override
    void bump(ConfigurableApplicationContext context) {
        context.getBean(SysGenIdReceiver.class).forceUpdate(0).block(LONG);
    }

    @Override
    void awaitAcknowledged(ConfigurableApplicationContext context) {
        SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
        Awaitility.await().atMost(LONG).until(() -> receiver.outdatedWatchers().orElse(-1) == 0);
    }
}
